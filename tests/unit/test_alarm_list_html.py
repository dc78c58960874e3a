"""The pushed alarm list is HTML made on the server: any producer's text is escaped."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd

from components.alarm_list import alarm_items_html, severity_counts_html


def alarms() -> pd.DataFrame:
    return pd.DataFrame({
        "alarm_id": ['x"1'], "device_id": ["d1"], "severity": ["critical"], "type": ["t"],
        "message": ["<img src=x onerror=alert(1)> Pump & valve"], "state": ["active_unack"],
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
