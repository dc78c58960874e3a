"""The rules engine: telemetry in, alarm decisions out.

Rule kinds (config/rules.yaml) each turn reports into a `Check` (how abnormal, at what
time); one state machine (`core.decide`) turns checks into raise / refresh / clear with
deadband, on/off delays and a repeat interval, the same for every kind.

    core.py          levels, checks, decisions, the state machine
    window.py        aggregates over a time window (rise, fall, amount, ...)
    threshold.py     threshold and rate-of-change rules
    health.py        battery low, weak signal, offline
    cross_domain.py  rules over several devices by municipal unit or by distance
    engine.py        a batch through every rule: plan what to read, then evaluate
    state.py         the engine's memory in Redis (samples, delays, active alarms)
    runner.py        the edges: run_batch (ingest consumer), run_offline (health sweep)
    reload.py        swap rules.yaml in without a restart

Everything but state.py, runner.py and reload.py is pure and tested without a server.
"""

from ingest.rules.core import Check, Decision, DeviceInfo, KeyState, Level, Pending, rule_key
from ingest.rules.observation import Facts, Observation

__all__ = ["Check", "Decision", "DeviceInfo", "Facts", "KeyState", "Level", "Observation",
           "Pending", "rule_key"]
