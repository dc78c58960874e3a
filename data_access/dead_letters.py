"""The dead-letter stream as people look at it: refused entries found by reason and device
(its id or its DevEUI), each said in a row a table can show. Sending them again is
ingest/resend.py's, which finds them here too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import redis

from data_access import streams
from data_access.device_eui import normalise_eui

PAGE = 500  # entries read per round trip
DETAIL_CHARS = 240  # what a row keeps of the detail; the stream keeps it whole


def matcher(reason: str | None, device: str | None) -> Callable[[dict[str, str]], bool]:
    """Whether a refused entry has this reason and is this device's (either may be None:
    any). A device is named by its id or its DevEUI, in any of the DevEUI's spellings."""
    asked_eui = normalise_eui(device)

    def wanted(dead: dict[str, str]) -> bool:
        if reason and dead.get("reason") != reason:
            return False
        if not device or device == dead.get("device_id"):
            return True
        return asked_eui is not None and asked_eui == normalise_eui(dead.get("dev_eui"))

    return wanted


def _decoded(fields: dict) -> dict[str, str]:
    return {(k.decode("utf-8", "replace") if isinstance(k, bytes) else str(k)):
            (v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v))
            for k, v in fields.items()}


def matching(r: redis.Redis, reason: str | None = None, device: str | None = None,
             newest_first: bool = False) -> Iterator[tuple[str, dict[str, str]]]:
    """The matching dead letters (entry id, fields), oldest first unless asked otherwise;
    read a page at a time, so a large stream is never held whole."""
    wanted = matcher(reason, device)
    low, high = "-", "+"
    while True:
        page = (r.xrevrange(streams.DEADLETTER, high, low, count=PAGE) if newest_first
                else r.xrange(streams.DEADLETTER, low, high, count=PAGE))
        for entry_id, fields in page:
            dead = _decoded(fields)
            if wanted(dead):
                yield entry_id.decode(), dead
        if len(page) < PAGE:
            return
        after = "(" + page[-1][0].decode()  # exclusive: the next page starts past it
        if newest_first:
            high = after
        else:
            low = after


def row(entry_id: str, dead: dict[str, str]) -> dict:
    """One refused entry as a table row: when, why, whose, from where."""
    millis = int(entry_id.split("-", 1)[0])
    return {
        "id": entry_id,
        "at": datetime.fromtimestamp(millis / 1000, UTC).isoformat(),
        "reason": dead.get("reason", ""),
        "device": dead.get("device_id", ""),
        "dev_eui": normalise_eui(dead.get("dev_eui")) or dead.get("dev_eui", ""),
        "source": streams.source_of(dead, dead.get("stream", "")),
        "detail": dead.get("detail", "")[:DETAIL_CHARS],
    }


def search(r: redis.Redis, reason: str | None = None, device: str | None = None,
           limit: int = 200) -> tuple[list[dict], bool]:
    """The newest `limit` matching refused entries as rows, and whether there are more."""
    rows: list[dict] = []
    for entry_id, dead in matching(r, reason, device, newest_first=True):
        if len(rows) == limit:
            return rows, True
        rows.append(row(entry_id, dead))
    return rows, False
