"""What the rules read: one device's newest report, and the recent past kept in Redis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ingest.rules.core import DeviceInfo
from ingest.rules.window import Sample


@dataclass(frozen=True, slots=True)
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
    """Recent values of any device, as far as a batch's rules need them."""

    samples: Mapping[tuple[str, str], Sequence[Sample]] = field(default_factory=dict)
    latest: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def series(self, device_id: str, metric: str) -> Sequence[Sample]:
        return self.samples.get((device_id, metric), ())
