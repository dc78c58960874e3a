"""The alarm list: the pushed HTML escapes any producer's text; under a flood repeats of one
rule in one unit are one row; what is left out is counted by severity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from components.alarm_list import alarm_items_html, more_text, panel, severity_counts_html


def alarms() -> pd.DataFrame:
    return pd.DataFrame({
        "alarm_id": ['x"1'], "device_id": ["d1"], "severity": ["critical"], "type": ["t"],
        "message": ["<img src=x onerror=alert(1)> Pump & valve"], "state": ["active_unack"],
        "raised_at": [pd.Timestamp("2026-11-22T09:00:00Z")],
        "updated_at": [pd.Timestamp("2026-11-22T10:00:00Z")], "count": [3]})


def test_producer_text_is_escaped_and_the_item_is_marked():
    html = alarm_items_html(alarms(), {"d1": "Meter <b>1</b>"}, {"d1": "Avlida"}, "en",
                            ZoneInfo("Europe/Athens"))
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt; Pump &amp; valve" in html
    assert "Meter &lt;b&gt;1&lt;/b&gt; · Avlida ×3" in html
    assert 'data-alarm-id="x&quot;1"' in html
    assert '<span class="alarm-time">12:00</span>' in html  # local time, Athens in winter


def test_counts_say_zero_as_well():
    html = severity_counts_html(alarms(), "el")
    assert 'class="sev-count sev-critical"' in html and "1 Κρίσιμος" in html
    assert 'class="sev-count sev-major zero"' in html


NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/Athens")


def storm(new: int, old: int = 0) -> pd.DataFrame:
    """`new` alarms raised in the last 10 minutes and `old` earlier: water rising at the
    gauges of two units, then bins overflowing, most severe first (the store's order)."""
    rows = []
    for i in range(new + old):
        recent = i < new
        kind, severity = (("water_rising_fast", "critical") if i % 3 else
                          ("bin_overflow", "major"))
        rows.append({"alarm_id": f"a{i}", "device_id": f"d{i % 4}", "severity": severity,
                     "type": kind, "message": kind.replace("_", " "), "state": "active_unack",
                     "raised_at": pd.Timestamp(NOW - timedelta(minutes=2 if recent else 30)),
                     "updated_at": pd.Timestamp(NOW), "count": 1})
    frame = pd.DataFrame(rows)
    return frame.sort_values("severity", key=lambda s: s.map({"critical": 0, "major": 1}),
                             kind="stable").reset_index(drop=True)


UNITS = {"d0": "Lilantio", "d1": "Lilantio", "d2": "Avlida", "d3": "Avlida"}
NAMES = {d: f"Gauge {d}" for d in UNITS}


def test_ten_new_alarms_in_ten_minutes_are_no_flood():
    shown = panel(storm(10, old=20), NAMES, UNITS, TZ, now=NOW)
    assert shown.flood is None
    assert len(shown.rows) == 30 and all(r.repeats == 1 for r in shown.rows)


def test_a_flood_folds_repeats_of_a_rule_in_a_unit_and_says_so():
    frame = storm(11)
    shown = panel(frame, NAMES, UNITS, TZ, now=NOW)
    assert shown.flood == (11, "14:00")
    assert sum(r.repeats for r in shown.rows) == 11  # nothing lost in the folding
    assert {(r.message, r.where, r.repeats) for r in shown.rows} == {
        ("water rising fast", "Lilantio", 4), ("water rising fast", "Avlida", 3),
        ("bin overflow", "Lilantio", 2), ("bin overflow", "Avlida", 2)}
    assert shown.rows[0].severity == "critical"  # most urgent first still
    html = alarm_items_html(frame, NAMES, UNITS, "en", TZ, now=NOW)
    assert "Alarm flood: 11 new alarms in the 10 minutes to" in html
    assert "4 × water rising fast" in html and 'data-repeats="4"' in html


def test_what_is_left_out_is_counted_by_severity():
    shown = panel(storm(0, old=30), NAMES, UNITS, TZ, limit=12, now=NOW)
    assert len(shown.rows) == 12
    assert shown.rest == {"critical": 8, "major": 10}
    assert more_text(shown.rest, "en") == "and 18 more: ◆ 8 Critical · ▲ 10 Major"


def test_a_rules_alarm_speaks_the_readers_language_an_outside_one_as_it_came(config):
    """Stored in English when raised; read in Greek on a Greek page, in the console too."""
    from components.alarm_console import grid_rows

    rule = next(r for r in config.rules.all_alarming() if r.message.get("el"))
    frame = pd.DataFrame({
        "alarm_id": ["a1", "a2"], "device_id": ["d1", "d2"], "domain": [None, None],
        "severity": ["major", "major"], "type": [rule.id, "analyser_fault"],
        "message": [rule.message["en"], "NOx analyser failed"], "state": ["active_unack"] * 2,
        "raised_at": [pd.Timestamp(NOW)] * 2, "unit": [None, None], "count": [1, 1],
        "assigned_to": [None, None], "acknowledged_by": [None, None]})
    rows = grid_rows(frame, config, {}, {}, "el", TZ)
    assert [r["message"] for r in rows] == [rule.message["el"], "NOx analyser failed"]
    assert config.alarm_message(rule.id, rule.message["en"], "en") == rule.message["en"]
