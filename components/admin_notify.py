"""On the admin page: who is told of alarms (config/departments.yaml) and how the outbox is
doing, so an admin sees a dead mail relay before a department says nobody called."""

from __future__ import annotations

from dash import html

from components.i18n import t
from components.intake import card, numbers_table
from components.numbers import figure
from data_access.city_config import text
from data_access.departments import Department


def notify_card(departments: tuple[Department, ...], summary: dict, mail_relay: str,
                lang: str) -> html.Section:
    on_call = [d for d in departments if d.on_call]
    rows = [(text(d.name, lang), [
        str(len(d.on_call)),
        ", ".join(t(f"severity_{s}", lang) for s in d.notify.severities),
        _minutes(d.notify.remind_every_min, lang), _minutes(d.notify.escalate_after_min, lang),
    ], set()) for d in on_call]
    table = numbers_table("notify-departments", [t(k, lang) for k in (
        "notify_department", "notify_contacts", "severity", "notify_remind",
        "notify_escalate")], rows) if rows else html.P(t("notify_nobody", lang),
                                                        className="admin-hint")
    outbox = numbers_table("notify-outbox", [t("notify_outbox", lang), ""], [
        (t("notify_waiting", lang), [str(summary["waiting"])], set()),
        (t("notify_failing", lang), [str(summary["failing"])],
         {0} if summary["failing"] else set()),
        (t("notify_sent_24h", lang), [str(summary["sent"])], set())])
    relay = mail_relay or t("notify_no_relay", lang)
    return card("admin-notify", t("notify_title", lang), t("notify_hint", lang), table, outbox,
                html.P(f'{t("notify_relay", lang)}: {relay}', className="admin-hint"),
                *([html.P(f'{t("notify_last_error", lang)}: {summary["last_error"]}',
                          className="admin-hint intake-bad")] if summary.get("last_error")
                  else []))


def _minutes(value: float, lang: str) -> str:
    return f"{figure(value, lang)} {t('minutes', lang)}" if value else t("notify_off", lang)
