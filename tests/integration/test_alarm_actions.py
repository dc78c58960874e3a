"""Operator actions: each is an event on the alarms stream with who and when, applied once
by the alarm store; shelving ends by itself; bad input is refused with a reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access import streams
from data_access.alarm_actions import ActionError, act
from data_access.models import Alarm, AlarmEvent
from ingest import shelf_sweep
from ingest.alarm_store import AlarmStoreConsumer
from tests.integration.helpers import alarm_held

DEPARTMENTS = ("sanitation", "it")


def raise_alarm(r, alarm_id: str = "bin-7|bin_collect") -> str:
    r.xadd(streams.ALARMS, {"event": "raised", "alarm_id": alarm_id, "severity": "warning",
                            "device_id": "bin_sensor-chalkida-00001", "domain": "waste",
                            "type": "bin_collect", "message": "Bin due for collection",
                            "ts": datetime.now(UTC).isoformat()})
    return alarm_id


def alarm(engine, alarm_id: str) -> Alarm:
    with Session(engine) as session:
        return session.get(Alarm, alarm_id)


def audit(engine, alarm_id: str) -> list[tuple]:
    with Session(engine) as session:
        rows = session.scalars(select(AlarmEvent).where(AlarmEvent.alarm_id == alarm_id)
                               .order_by(AlarmEvent.id))
        return [(e.event, e.user, e.note) for e in rows]


def wait_for(engine, alarm_id: str) -> None:
    alarm_held(engine, alarm_id)


def test_acknowledge_is_applied_at_once_and_audited_with_the_user(backend, running_store):
    alarm_id = raise_alarm(backend.redis)
    wait_for(backend.engine, alarm_id)
    result = act(backend.redis, backend.engine, "acknowledged", [alarm_id], "maria")
    assert (result.sent, result.applied) == (1, 1)
    row = alarm(backend.engine, alarm_id)
    assert row.state == "active_ack" and row.acknowledged_by == "maria"
    assert audit(backend.engine, alarm_id)[-1] == ("acknowledged", "maria", None)


def test_a_shelved_alarm_comes_back_by_itself_when_its_time_is_up(backend, running_store):
    alarm_id = raise_alarm(backend.redis)
    wait_for(backend.engine, alarm_id)
    act(backend.redis, backend.engine, "shelved", [alarm_id], "nikos", shelve_min=60,
        note="crew on site")
    row = alarm(backend.engine, alarm_id)
    assert row.state == "shelved"
    until = row.shelved_until if row.shelved_until.tzinfo else row.shelved_until.replace(
        tzinfo=UTC)
    assert abs((until - datetime.now(UTC)) - timedelta(minutes=60)) < timedelta(seconds=30)
    assert shelf_sweep.sweep_once(backend.redis, backend.engine) == 0  # not yet
    later = datetime.now(UTC) + timedelta(minutes=61)
    assert shelf_sweep.sweep_once(backend.redis, backend.engine, later) == 1
    assert shelf_sweep.sweep_once(backend.redis, backend.engine, later) == 0  # only once
    deadline = datetime.now() + timedelta(seconds=5)
    while alarm(backend.engine, alarm_id).state != "active_unack":
        assert datetime.now() < deadline
    assert [e[:2] for e in audit(backend.engine, alarm_id)] == [
        ("raised", None), ("shelved", "nikos"), ("unshelved", "system")]


def test_comment_and_assignment_keep_the_state_and_the_trail(backend, running_store):
    alarm_id = raise_alarm(backend.redis)
    wait_for(backend.engine, alarm_id)
    act(backend.redis, backend.engine, "commented", [alarm_id], "eleni",
        note="Truck 3 will empty it at 14:00")
    act(backend.redis, backend.engine, "assigned", [alarm_id], "eleni",
        department="sanitation", departments=DEPARTMENTS)
    row = alarm(backend.engine, alarm_id)
    assert row.state == "active_unack" and row.assigned_to == "sanitation"
    assert audit(backend.engine, alarm_id)[1:] == [
        ("commented", "eleni", "Truck 3 will empty it at 14:00"), ("assigned", "eleni", None)]


def test_bulk_acknowledge_applies_to_every_selected_alarm(backend, running_store):
    ids = [raise_alarm(backend.redis, f"bulk-{i}") for i in range(5)]
    for alarm_id in ids:
        wait_for(backend.engine, alarm_id)
    result = act(backend.redis, backend.engine, "acknowledged", ids, "maria")
    assert result.applied == 5
    assert {alarm(backend.engine, i).state for i in ids} == {"active_ack"}


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"event": "acknowledged", "user": " "}, "action_need_user"),
    ({"event": "commented", "user": "maria", "note": ""}, "action_need_comment"),
    ({"event": "shelved", "user": "maria", "shelve_min": 5000}, "action_need_duration"),
    ({"event": "assigned", "user": "maria", "department": "pizza"}, "action_need_department"),
    ({"event": "raised", "user": "maria"}, "action_unknown"),
])
def test_bad_input_is_refused_with_a_reason_and_nothing_is_sent(backend, kwargs, reason):
    before = backend.redis.xlen(streams.ALARMS)
    kwargs = dict(kwargs)  # the same parameters serve both backends
    event = kwargs.pop("event")
    user = kwargs.pop("user")
    with pytest.raises(ActionError, match=reason):
        act(backend.redis, backend.engine, event, ["a-1"], user, departments=DEPARTMENTS,
            **kwargs)
    assert backend.redis.xlen(streams.ALARMS) == before


def test_an_action_waits_in_the_stream_while_the_alarm_store_is_down(backend):
    alarm_id = raise_alarm(backend.redis)
    AlarmStoreConsumer(backend.redis, backend.engine, block_ms=10).step()  # the raise is held
    result = act(backend.redis, backend.engine, "acknowledged", [alarm_id], "maria", wait_s=0.2)
    assert (result.sent, result.applied) == (1, 0)  # said to the operator: queued
    AlarmStoreConsumer(backend.redis, backend.engine, block_ms=10).step()
    assert alarm(backend.engine, alarm_id).state == "active_ack"


def test_an_action_on_an_alarm_not_raised_yet_is_refused_and_not_queued(backend, running_store):
    """Someone who guesses another domain's alarm id cannot shelve or acknowledge it before
    its producer raises it: nothing is sent, and the alarm arrives as any new alarm."""
    for event, extra in (("shelved", {"shelve_min": 60}), ("acknowledged", {})):
        with pytest.raises(ActionError, match="action_alarm_not_held"):
            act(backend.redis, backend.engine, event, ["later|bin_collect"], "maria", **extra)
    held = raise_alarm(backend.redis, "held|bin_collect")
    wait_for(backend.engine, held)
    with pytest.raises(ActionError, match="action_alarm_not_held"):  # one unknown among many
        act(backend.redis, backend.engine, "acknowledged", [held, "later|bin_collect"], "maria")
    assert audit(backend.engine, held) == [("raised", None, None)]  # nothing sent on it
    raise_alarm(backend.redis, "later|bin_collect")
    wait_for(backend.engine, "later|bin_collect")
    stored = alarm(backend.engine, "later|bin_collect")
    assert (stored.state, stored.shelved_until) == ("active_unack", None)
    assert audit(backend.engine, "later|bin_collect") == [("raised", None, None)]


def test_a_shelving_stored_before_its_raise_keeps_its_end(backend):
    """A producer's `shelved` that overtook its `raised` (another batch, stored first) is
    applied at the raise with its `until`: the shelf sweep can end it."""
    store = AlarmStoreConsumer(backend.redis, backend.engine, block_ms=10)
    until = (datetime.now(UTC) + timedelta(minutes=30)).replace(microsecond=0)
    backend.redis.xadd(streams.ALARMS, {"event": "shelved", "alarm_id": "early-1",
                                        "until": until.isoformat(), "user": "scada",
                                        "ts": datetime.now(UTC).isoformat()})
    store.step()
    raise_alarm(backend.redis, "early-1")
    store.step()
    stored = alarm(backend.engine, "early-1")
    assert stored.state == "shelved"
    assert stored.shelved_until.replace(tzinfo=UTC) == until
