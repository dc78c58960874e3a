"""What the rules read: one device's newest report, and the recent past kept in Redis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ingest.rules.core import DeviceInfo
from ingest.rules.window import Sample

Term = tuple[float, float]  # (value, at): a device's figure for a condition, as of its report


@dataclass(slots=True)  # not frozen: one is built per report, and frozen init is slower
class Observation:
    """The newest report of one device in a batch; `at` is its time in epoch seconds."""

    device: DeviceInfo
    at: float
    values: Mapping[str, float]
    battery: float | None = None
    rssi: float | None = None
    snr: float | None = None


@dataclass(frozen=True)
class Facts:
    """What Redis remembers that a batch's rules need: recent samples of the reporting
    devices (device, metric), and the figures every device of a unit last gave for the
    conditions of its unit rules ((rule, unit) -> "condition|device" -> Term)."""

    samples: Mapping[tuple[str, str], Sequence[Sample]] = field(default_factory=dict)
    terms: Mapping[tuple[str, str], Mapping[str, Term]] = field(default_factory=dict)

    def series(self, device_id: str, metric: str) -> Sequence[Sample]:
        return self.samples.get((device_id, metric), ())
