"""Read one device's decoded payload as its kind's metrics, through the device's profile
(config/profiles/*.yaml: one vendor model's keys, units, states and conversions). Pure: the
config and the device come in, numbers and the keys nobody mapped come out.

A payload key becomes a metric of the device's kind (converted to the kind's unit), the
battery (in %, from volts along the model's discharge range if need be), or nothing: the
profile ignores it, or nobody mapped it. Unmapped keys never cost the mapped ones: they are
reported beside the reading. Without a profile, a key named like one of the kind's metrics
is that metric, and `battery` is the battery in %."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from data_access.city_config import DeviceProfile, ProfileField

BATTERY = "battery"
# "2799 mm", "3.384 V", "-4.5°C": a number, then (optionally) its unit.
_WITH_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*?)?\s*$")


class PayloadError(ValueError):
    """A mapped key whose value cannot be read; `code` is the dead-letter reason."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ReadPayload:
    values: dict[str, float]
    battery: float | None = None
    unmapped: dict[str, Any] = field(default_factory=dict)  # key -> the value sent
    no_reading: dict[str, str] = field(default_factory=dict)  # key -> "No Sensor", ...


@dataclass(frozen=True)
class PayloadReader:
    """How one device's payloads are read: its kind's metrics (metric -> unit), its
    profile if it has one, and its own attributes (a bin's depth, say)."""

    metrics: dict[str, str]
    profile: DeviceProfile | None = None
    attrs: dict[str, float] = field(default_factory=dict)

    def read(self, payload: dict[str, Any]) -> ReadPayload:
        values: dict[str, float] = {}
        battery: float | None = None
        unmapped: dict[str, Any] = {}
        no_reading: dict[str, str] = {}
        for key, raw in payload.items():
            if type(raw) in (int, float) and key in self.metrics and (
                    self.profile is None or key not in self.profile.fields):
                values[key] = _finite(key, float(raw))  # the usual case, kept quick
                continue
            spec = self._spec(key)
            if spec is None:
                if self.profile is None or key not in self.profile.ignore:
                    unmapped[key] = raw
                continue
            if isinstance(raw, bool) and (self.profile is None
                                          or key not in self.profile.fields):
                # Only a profile says what true means for a key; a native metric is a number.
                raise PayloadError("non_numeric", f"{key} is not a number: {raw!r}")
            if isinstance(raw, str) and raw.strip().lower() in spec.no_value:
                no_reading[key] = raw  # the device says it has no reading: nothing to keep
                continue
            number = self._convert(key, raw, spec)
            if spec.health == BATTERY:
                battery = number
            elif spec.metric is not None:
                values[spec.metric] = number
        return ReadPayload(values, battery, unmapped, no_reading)

    def _spec(self, key: str) -> ProfileField | None:
        if self.profile is not None and key in self.profile.fields:
            return self.profile.fields[key]
        if key in self.metrics:  # a native payload: the key is the metric
            return _native(key)
        if key == BATTERY:
            return _BATTERY_PERCENT
        return None

    def _convert(self, key: str, raw: Any, spec: ProfileField) -> float:
        number, unit = _number_and_unit(key, raw, spec)
        number = number * spec.scale + spec.offset
        unit = unit or spec.unit
        if spec.volts is not None:
            empty, full = spec.volts
            volts = convert(key, number, unit or "V", "V")
            number = (volts - empty) / (full - empty) * 100
            return min(100.0, max(0.0, number))
        if spec.fill_from_depth:
            depth = self.attrs.get("depth_m", self.profile.depth_m if self.profile else None)
            if not depth:
                raise PayloadError("no_depth", f"{key}: a fill level from a distance needs "
                                   "the bin's depth (device attribute depth_m, or the "
                                   "profile's depth_m)")
            distance = convert(key, number, unit or "m", "m")
            return min(100.0, max(0.0, (depth - distance) / depth * 100))
        target = "%" if spec.health == BATTERY else self.metrics.get(spec.metric or "", "")
        if unit and target and unit != target:
            number = convert(key, number, unit, target)
        return number


def _number_and_unit(key: str, raw: Any, spec: ProfileField) -> tuple[float, str | None]:
    if spec.states is not None and str(raw).strip().lower() in spec.states:
        return spec.states[str(raw).strip().lower()], None
    if isinstance(raw, bool):
        return (1.0 if raw else 0.0), None
    if isinstance(raw, int | float):
        number, unit = float(raw), None
    elif isinstance(raw, str) and (match := _WITH_UNIT.match(raw)):
        number, unit = float(match.group(1)), match.group(2)
    else:
        known = f" (known states: {', '.join(spec.states)})" if spec.states else ""
        raise PayloadError("non_numeric", f"{key} is not a number{known}: {str(raw)[:40]!r}")
    return _finite(key, number), unit


def _finite(key: str, number: float) -> float:
    if not math.isfinite(number):
        raise PayloadError("non_numeric", f"{key} is not finite: {number!r}")
    return number


@cache
def _native(metric: str) -> ProfileField:
    return ProfileField(metric=metric)


_BATTERY_PERCENT = ProfileField(health=BATTERY, unit="%")


def convert(key: str, number: float, unit: str, target: str) -> float:
    """`number` in `unit` expressed in `target` (pint: any unit it knows, offsets too)."""
    if unit == target:
        return number
    import pint

    try:
        converted = float(_units().Quantity(number, unit).to(target).magnitude)
        return float(f"{converted:.12g}")  # 35 cm is 0.35 m, not 0.35000000000000003
    except (pint.errors.PintError, AttributeError, ValueError) as exc:
        raise PayloadError("bad_unit", f"{key}: cannot express {unit!r} in {target!r}: "
                           f"{exc}"[:200]) from exc


@cache
def _units():
    import pint

    return pint.UnitRegistry()
