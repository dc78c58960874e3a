"""What every screen shows of the live alarms — counts by severity, the list, the alerts to
flash — built once per alarms version and language and shared by every screen: by the
periodic callbacks (callbacks/live.py) and by the pushed events (callbacks/alarm_push.py)."""

from __future__ import annotations

import orjson
import pandas as pd

from components.alarm_list import (
    alarm_items,
    alarm_items_html,
    severity_counts,
    severity_counts_html,
)
from components.i18n import t
from data_access.cache import memoized
from data_access.store import Store


@memoized(timeout=300)
def alarm_panel(store: Store, version: str, lang: str) -> tuple[list, list, list[dict]]:
    """`store` is part of the cache key: alarm versions are small numbers that another
    installation (or test) sharing this process or cache also has."""
    alarms = store.active_alarms()
    return (severity_counts(alarms, lang), alarm_items(**store.alarm_view(alarms, lang)),
            alerts(store, alarms, lang))


@memoized(timeout=300)
def alarm_panel_json(store: Store, version: str, lang: str) -> str:
    """The panel as one JSON event, its list as HTML: made once, sent to every screen as
    it is, put in place by assets/alarm_push.js without a Dash round."""
    alarms = store.active_alarms()
    view = store.alarm_view(alarms, lang)
    return orjson.dumps({"version": version, "counts": severity_counts_html(alarms, lang),
                         "items": alarm_items_html(**view),
                         "alerts": alerts(store, alarms, lang)}).decode()


def alerts(store: Store, alarms: pd.DataFrame, lang: str) -> list[dict]:
    """Unacknowledged active alarms of the severities that alert (settings), newest first:
    the browser flashes those it has not flashed yet."""
    wanted = alarms[(alarms["state"] == "active_unack")
                    & alarms["severity"].isin(store.settings.alert_severities)]
    view = store.alarm_view(wanted, lang)
    return [{"id": r.alarm_id, "severity": t(f"severity_{r.severity}", lang),
             "message": r.message or r.type, "device_id": r.device_id,
             "device": view["names"].get(r.device_id or "", r.device_id or "")}
            for r in view["alarms"].head(20).itertuples()]
