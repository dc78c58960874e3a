"""Decide whether one telemetry stream entry is usable. Pure: no I/O, so it is tested alone."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson

from data_access.device_eui import normalise_eui
from ingest.profiles import PayloadError, PayloadReader, ReadPayload

MAX_ENTRY_BYTES = 8 * 1024
MAX_FUTURE = timedelta(minutes=5)
# Older than this is no live reading (a device that buffers uplinks sends within days);
# history is loaded into SQL by its own tools, not through the live stream.
MAX_AGE = timedelta(days=30)
EPOCH_MS_FLOOR = 10**11  # fewer digits are epoch seconds (or nonsense) read as milliseconds
OPTIONAL_NUMBERS = ("battery", "rssi", "snr")


@dataclass(frozen=True, slots=True)
class Telemetry:
    device_id: str
    ts: datetime
    values: dict[str, float]
    battery: float | None = None
    rssi: float | None = None
    snr: float | None = None
    source: str | None = None
    unmapped: dict[str, object] = field(default_factory=dict)  # payload keys nobody mapped


@dataclass(frozen=True, slots=True)
class Rejected:
    """Why an entry was refused: a stable `code` for counting and a sentence for people."""

    code: str
    detail: str


class _Reject(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def decode_fields(fields: Mapping) -> dict[str, str]:
    """Stream entries arrive as bytes from redis-py; work with str from here on."""
    out = {}
    for key, value in fields.items():
        k = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
        v = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        out[k] = v
    return out


def parse_ts(raw: str) -> datetime:
    """ISO 8601 with an offset, or epoch milliseconds. A time without offset is ambiguous."""
    raw = raw.strip()
    try:
        if raw.lstrip("-").isascii() and raw.lstrip("-").isdigit() and len(raw) <= 16:
            if int(raw) < EPOCH_MS_FLOOR:
                raise _Reject("bad_timestamp", f"{raw!r} is not epoch milliseconds (epoch "
                              "seconds? multiply by 1000)")
            return datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
        ts = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if ts.tzinfo is None:
            raise _Reject("bad_timestamp", f"timestamp without UTC offset: {raw[:40]!r}")
        return ts.astimezone(UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise _Reject("bad_timestamp", f"not ISO 8601 or epoch ms: {raw[:40]!r}") from exc


def _number(name: str, raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise _Reject("non_numeric", f"{name} is not a number: {str(raw)[:40]!r}")
    try:
        value = float(raw)
    except ValueError as exc:
        raise _Reject("non_numeric", f"{name} is not a number: {str(raw)[:40]!r}") from exc
    if not math.isfinite(value):
        raise _Reject("non_numeric", f"{name} is not finite: {raw!r}")
    return value


def _in_range(metric: str, value: float,
              ranges: Mapping[str, tuple[float, float]]) -> float:
    low, high = ranges.get(metric, (-math.inf, math.inf))
    if not low <= value <= high:
        raise _Reject("out_of_range", f"{metric} = {value:g} is outside what it can physically "
                      f"be ({low:g} to {high:g}, config/metrics.yaml)")
    return value


def _payload(raw: str, reader: PayloadReader, device_id: str,
             ranges: Mapping[str, tuple[float, float]]) -> ReadPayload:
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _Reject("not_json", f"values is not JSON: {exc}") from exc
    if not isinstance(parsed, dict) or not parsed:
        raise _Reject("bad_values", "values must be a non-empty JSON object of metric -> number")
    try:
        read = reader.read(parsed)
    except PayloadError as exc:
        raise _Reject(exc.code, exc.detail) from exc
    if not read.values and read.battery is None and read.no_reading:
        said = ", ".join(f"{k} = {v!r}"[:60] for k, v in list(read.no_reading.items())[:4])
        raise _Reject("no_reading", f"{device_id} sent no reading ({said})")
    if not read.values and read.battery is None:
        keys = ", ".join(repr(k)[:40] for k in list(read.unmapped)[:8])
        raise _Reject("unknown_metric", f"{device_id} has no metric among {keys} (and its "
                      "profile maps none of them)")
    for metric, value in read.values.items():
        _in_range(metric, value, ranges)
    return read


def _reader(known: PayloadReader | Collection[str]) -> PayloadReader:
    """A device's reader; a bare set of metric names reads native payloads only."""
    return known if isinstance(known, PayloadReader) else PayloadReader(
        {m: "" for m in known})


def validate(
    fields: Mapping,
    readers: Mapping[str, PayloadReader | Collection[str]],
    now: datetime | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    by_eui: Mapping[str, str] | None = None,
) -> Telemetry | Rejected:
    """Telemetry if the entry is usable, else Rejected with the first reason found.
    `readers`: device_id -> how its payloads are read (or just its metric names);
    `ranges`: metric -> the lowest and highest value it can physically take;
    `by_eui`: DevEUI -> device_id, which wins over the device_id the entry names."""
    try:
        return _validate(decode_fields(fields), readers, now or datetime.now(UTC),
                         ranges or {}, by_eui or {})
    except _Reject as rej:
        return Rejected(rej.code, rej.detail)
    except Exception as exc:  # a case nobody foresaw must not stall the stream behind it
        return Rejected("invalid", f"{type(exc).__name__}: {str(exc)[:160]}")


def _validate(
    entry: dict[str, str], readers: Mapping[str, PayloadReader | Collection[str]],
    now: datetime, ranges: Mapping[str, tuple[float, float]], by_eui: Mapping[str, str],
) -> Telemetry:
    size = sum(len(k) + len(v) for k, v in entry.items())
    if size > MAX_ENTRY_BYTES:
        raise _Reject("oversized", f"entry is {size} bytes, limit {MAX_ENTRY_BYTES}")
    device_id = by_eui.get(normalise_eui(entry.get("dev_eui")) or "") or entry.get("device_id")
    # A status event ("values": "{}" and a battery level) carries the battery alone.
    status_only = bool(entry.get("battery")) and entry.get("values") == "{}"
    missing = [f for f, v in (("device_id", device_id), ("ts", entry.get("ts")),
                              ("values", entry.get("values") or status_only)) if not v]
    if missing:
        raise _Reject("missing_field", f"missing field(s): {', '.join(missing)}")
    known = readers.get(device_id)
    if known is None:
        eui = f" (DevEUI {entry['dev_eui'][:32]} not registered)" if entry.get("dev_eui") else ""
        raise _Reject("unknown_device", f"unknown device_id {device_id[:64]!r}{eui}")
    ts = parse_ts(entry["ts"])
    if ts - now > MAX_FUTURE:
        raise _Reject("future_timestamp", f"ts {ts.isoformat()} is ahead of the server clock")
    if now - ts > MAX_AGE:
        raise _Reject("stale_timestamp", f"ts {ts.isoformat()} is more than "
                      f"{MAX_AGE.days} days old: not a live reading")
    read = (ReadPayload({}) if status_only  # a status event: the battery alone
            else _payload(entry["values"], _reader(known), device_id, ranges))
    extras = {f: _number(f, entry[f]) for f in OPTIONAL_NUMBERS if entry.get(f)}
    battery = extras.get("battery", read.battery)
    if battery is not None and not 0 <= battery <= 100:
        raise _Reject("out_of_range", f"battery must be 0-100 %, got {battery}")
    return Telemetry(
        device_id=device_id,
        ts=ts,
        values=read.values,
        battery=battery,
        rssi=extras.get("rssi"),
        snr=extras.get("snr"),
        source=(entry.get("source") or "")[:40] or None,
        unmapped=read.unmapped,
    )
