"""The data intake page: refused entries found by reason and device, and sent again after a
confirmation. The finding is data_access/dead_letters.py's and the sending ingest/resend.py's,
the same as `flask deadletter list|resend`."""

from __future__ import annotations

from dash import Input, Output, State, ctx, no_update

from access.policy import USERS_ADMIN
from access.rules import Rule, callbacks_need
from components.i18n import t
from components.intake import ANY, dead_rows, reason_label
from components.numbers import count
from data_access import dead_letters, streams
from data_access.app_context import current_store
from ingest import resend

SHOWN = 500  # the newest refused entries a search shows; the button sends every match


def asked(reason: str | None, device: str | None) -> tuple[str | None, str | None]:
    """The search as typed: no reason for "any", no device for blank."""
    return (None if reason in (None, ANY) else reason), ((device or "").strip() or None)


def search(reason: str | None, device: str | None, lang: str) -> tuple[list[dict], str]:
    store = current_store()
    rows, more = dead_letters.search(store.redis, reason, device, SHOWN)
    said = (t("intake_shown_more", lang, n=len(rows)) if more
            else t("intake_shown", lang, n=len(rows)))
    return dead_rows(rows, store.config.city.timezone, lang), said


def what(reason: str | None, device: str | None, lang: str) -> str:
    parts = []
    if reason:
        parts.append(t("intake_resend_what_reason", lang, reason=reason_label(reason, lang)))
    if device:
        parts.append(t("intake_resend_what_device", lang, device=device))
    return " ".join(parts)


def send_again(reason: str | None, device: str | None, lang: str) -> str:
    if reason is None and device is None:
        return t("intake_resend_need", lang)
    try:
        sent, left = resend.resend(current_store().redis, reason, device)
    except streams.Backlogged:
        return t("intake_resend_full", lang)
    return t("intake_resent", lang, sent=count(sent, lang), left=count(left, lang))


def register(app) -> None:
    with callbacks_need(app, Rule(USERS_ADMIN)):
        _register(app)


def _register(app) -> None:
    @app.callback(
        Output("intake-dead-grid", "rowData"), Output("intake-shown", "children"),
        Output("intake-resend", "disabled"),
        Input("intake-reason", "value"), Input("intake-device", "value"),
        Input("intake-msg", "children"), State("page-lang", "data"),
    )
    def find(reason, device, _sent, lang):
        """The newest matching refused entries; sending again needs a reason or a device."""
        reason, device = asked(reason, device)
        rows, said = search(reason, device, lang)
        return rows, said, reason is None and device is None

    @app.callback(
        Output("intake-resend-confirm", "displayed"),
        Output("intake-resend-confirm", "message"),
        Input("intake-resend", "n_clicks"),
        State("intake-reason", "value"), State("intake-device", "value"),
        State("page-lang", "data"), prevent_initial_call=True,
    )
    def ask(_n, reason, device, lang):
        reason, device = asked(reason, device)
        if reason is None and device is None:
            return False, no_update
        return True, t("intake_resend_confirm", lang, what=what(reason, device, lang))

    @app.callback(
        Output("intake-msg", "children"),
        Input("intake-resend-confirm", "submit_n_clicks"),
        State("intake-reason", "value"), State("intake-device", "value"),
        State("page-lang", "data"), prevent_initial_call=True,
    )
    def resend_confirmed(_n, reason, device, lang):
        if ctx.triggered_id is None:
            return no_update
        return send_again(*asked(reason, device), lang)
