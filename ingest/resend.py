"""Refused telemetry sent again, once the cause is fixed: a device registered (its DevEUI), a
profile completed, a range corrected. The dead-letter stream keeps what was refused with its
reason; this finds the entries asked for, rebuilds each as it first came, puts it back on the
telemetry stream and removes it from the dead letters, in one transaction per batch, so
nothing is lost or doubled on the way. The ingest then judges it again like any entry."""

from __future__ import annotations

import redis

from data_access import streams
from data_access.dead_letters import matching
from ingest.lorawan import NotAnUplink, entry_for_topic

ADDED_BY_DEADLETTER = {"reason", "detail", "stream", "rejected_at", "entry_id",
                       "fields_dropped"}
BATCH = 500


def original_entry(dead: dict[str, str]) -> dict[str, str] | None:
    """The telemetry entry a dead letter was made from, or None when it cannot be rebuilt
    whole (a field was cut to its first 2 kB, fields were dropped, or it never was an
    entry: a body that was not JSON)."""
    if "fields_dropped" in dead or any(k.endswith("_sha256") for k in dead):
        return None
    if "topic" in dead and "body" in dead:  # an MQTT message the bridge could not read
        try:
            return entry_for_topic(dead["topic"], dead["body"].encode())
        except NotAnUplink:
            return None
    fields = {k: v for k, v in dead.items() if k not in ADDED_BY_DEADLETTER}
    for name in ("reason", "detail"):  # the entry's own, renamed when it was kept
        if f"orig_{name}" in fields:
            fields[name] = fields.pop(f"orig_{name}")
    return fields if fields.get("values") is not None else None


def resend(r: redis.Redis, reason: str | None = None,
           device: str | None = None) -> tuple[int, int]:
    """Send the matching refused entries again; (sent, left because not whole)."""
    sent = left = 0
    batch: list[tuple[str, dict[str, str]]] = []

    def flush() -> None:
        if not batch:
            return
        streams.check_room(r, streams.TELEMETRY, len(batch))
        pipe = r.pipeline(transaction=True)
        for entry_id, entry in batch:
            pipe.xadd(streams.TELEMETRY, entry)
            pipe.xdel(streams.DEADLETTER, entry_id)
        pipe.execute()
        batch.clear()

    for entry_id, dead in list(matching(r, reason, device)):
        entry = original_entry(dead)
        if entry is None:
            left += 1
            continue
        batch.append((entry_id, entry))
        sent += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    return sent, left
