"""What every rule shares: the level a condition is at, and one state machine that turns
levels into raise / refresh / clear decisions with on/off delays and a repeat interval.

Each rule kind only says how abnormal things are (a `Check`); `decide` alone knows about
alarms, so deadband, delays and repeats behave the same for every kind of rule.
"""

from __future__ import annotations

import operator
from collections.abc import Container, Mapping
from dataclasses import dataclass
from enum import IntEnum

OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


class Level(IntEnum):
    """NORMAL: clearly fine (past the deadband); HOLD: inside the deadband, keep the alarm as
    it is; ABNORMAL: the condition holds. Ordered, so any-of is max and all-of is min."""

    NORMAL = 0
    HOLD = 1
    ABNORMAL = 2


def level_of(value: float, op: str, limit: float, deadband: float = 0.0) -> Level:
    """Abnormal when `value op limit`; normal only once back past limit -/+ deadband."""
    if OPS[op](value, limit):
        return Level.ABNORMAL
    back = limit - deadband if op in (">", ">=") else limit + deadband
    return Level.HOLD if OPS[op](value, back) else Level.NORMAL


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    id: str
    kind: str
    domain: str
    attrs: Mapping[str, float]
    unit: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    event: str  # "raised" (new or a refresh of the active one) or "cleared"
    key: str  # one active alarm per key: "device_id|rule_id"
    device_id: str
    domain: str
    severity: str
    type: str
    message: str
    value: float | None = None
    at: float = 0.0  # epoch s the decision is about; the repeat interval is measured on it


@dataclass(frozen=True, slots=True)
class Timing:
    on_delay_s: float = 0.0
    off_delay_s: float = 0.0
    # A running delay forgets a condition not seen for this long (the device went silent):
    # it must then hold afresh.
    max_gap_s: float = float("inf")


NO_DELAY = Timing()


@dataclass(frozen=True, slots=True)
class Check:
    """One rule's verdict on one device (or unit) at time `at`, with the alarm it means."""

    key: str
    level: Level
    at: float
    device_id: str
    domain: str
    severity: str
    type: str
    message: str
    value: float | None = None
    timing: Timing = NO_DELAY

    def decision(self, event: str) -> Decision:
        return Decision(event, self.key, self.device_id, self.domain, self.severity,
                        self.type, self.message, self.value, self.at)


@dataclass(frozen=True, slots=True)
class Pending:
    """A delay that is running: towards 'raised' or 'cleared', since when, last seen when."""

    towards: str
    since: float
    last: float

    def encode(self) -> str:
        return f"{self.towards}|{self.since!r}|{self.last!r}"

    @staticmethod
    def decode(raw: str | bytes | None) -> Pending | None:
        if raw is None:
            return None
        text = raw.decode() if isinstance(raw, bytes) else raw
        try:
            towards, since, last = text.split("|")
            return Pending(towards, float(since), float(last))
        except ValueError:
            return None  # unreadable: as if no delay were running


@dataclass(frozen=True, slots=True)
class KeyState:
    """What Redis remembers about one key."""

    active: bool = False
    pending: Pending | None = None
    raised_at: float | None = None


def rule_key(device_id: str, rule_id: str) -> str:
    return f"{device_id}|{rule_id}"


Live = Container[str] | None  # keys with an active alarm or a running delay; None: unknown


def matters(level: Level, key: str, live: Live) -> bool:
    """Only an abnormal check, or one on a key with an alarm or a delay, can change anything;
    skipping the rest keeps a batch of normal reports cheap."""
    return level is Level.ABNORMAL or live is None or key in live


def _since(pending: Pending | None, towards: str, now: float, timing: Timing) -> float:
    if pending is None or pending.towards != towards or now - pending.last > timing.max_gap_s:
        return now
    return min(pending.since, now)


def decide(check: Check, state: KeyState, repeat_s: float) -> tuple[Decision | None,
                                                                    Pending | None]:
    """The decision for one check (None: nothing to publish) and the delay left running."""
    now, timing = check.at, check.timing
    if not state.active:
        if check.level is not Level.ABNORMAL:
            return None, None
        since = _since(state.pending, "raised", now, timing)
        if now - since >= timing.on_delay_s:
            return check.decision("raised"), None
        return None, Pending("raised", since, now)
    if check.level is Level.ABNORMAL:
        # Still abnormal: a refresh (the alarm store counts it) at most once per repeat_s.
        due = repeat_s > 0 and (state.raised_at is None or now - state.raised_at >= repeat_s)
        return (check.decision("raised") if due else None), None
    if check.level is Level.HOLD:
        return None, None
    since = _since(state.pending, "cleared", now, timing)
    if now - since >= timing.off_delay_s:
        return check.decision("cleared"), None
    return None, Pending("cleared", since, now)
