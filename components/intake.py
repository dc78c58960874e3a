"""The data intake page (pages/intake.py) and the admin page's glance at it: per source what
came in and what was refused, the streams' backlog and losses, the refused entries found by
reason and device with a button to send them again, and the payload keys no profile maps.
Data comes in ready; callbacks/intake.py searches and sends again."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dash import dcc, html

from components.admin import field, grid, message, text_input
from components.i18n import CATALOGUE, t
from components.numbers import count

PATH = "/admin/intake"
ANY = "__any__"  # the reason choice "any reason" (a dropdown needs a value)


def reason_label(code: str, lang: str) -> str:
    """A refusal's reason in words, its code beside it (what the CLI and the counts use)."""
    key = f"reason_{code}"
    return f"{t(key, lang)} ({code})" if key in CATALOGUE else code


def local_time(at: float | str | None, tz: str) -> str:
    """A time in the city's zone, to the second; "—" for none."""
    if at is None:
        return "—"
    moment = (datetime.fromisoformat(at) if isinstance(at, str)
              else datetime.fromtimestamp(at, ZoneInfo("UTC")))
    return moment.astimezone(ZoneInfo(tz)).strftime("%d/%m %H:%M:%S")


def card(id_: str, title: str, hint: str | None, *children) -> html.Section:
    return html.Section(className="admin-card", **{"aria-labelledby": f"{id_}-title"},
                        children=[
        html.H2(title, id=f"{id_}-title", className="admin-card-title"),
        *([html.P(hint, className="admin-hint")] if hint else []),
        *children])


def numbers_table(id_: str, heads: list[str], rows: list[tuple[str, list[str], set[int]]]
                  ) -> html.Table:
    """Names down the side, numbers in columns; `bad` columns of a row are marked by type
    weight and underline, never by colour alone."""
    return html.Table(id=id_, className="intake-table", children=[
        html.Thead(html.Tr([html.Th(h, scope="col") for h in heads])),
        html.Tbody([html.Tr([html.Th(name, scope="row"),
                             *[html.Td(v, className="num" + (" intake-bad" if i in bad else ""))
                               for i, v in enumerate(values)]])
                    for name, values, bad in rows])])


def streams_table(health: dict, lang: str) -> html.Table:
    """The streams' health: what waits, what is being processed, losses, groups recreated."""
    keys = ("waiting", "pending", "lost", "recreated")
    return numbers_table("intake-table", [t(k, lang) for k in (
        "intake_stream", "intake_waiting", "intake_pending", "intake_lost", "intake_recreated")],
        [(t(f"stream_{row['stream']}", lang), [count(row[k], lang) for k in keys],
          {i for i, k in enumerate(keys) if k in ("lost", "recreated") and row[k]})
         for row in health["streams"]])


def admin_glance(health: dict, lang: str) -> html.Section:
    """On the admin page: the streams at a glance, and the way to the intake page."""
    refused = sum(health["refused"].values())
    return card("admin-intake", t("admin_intake", lang), t("admin_intake_hint", lang),
                streams_table(health, lang),
                html.P(f'{t("intake_refused_n", lang)}: {count(refused, lang)}',
                       className="admin-hint"),
                dcc.Link(t("intake_open", lang), href=f"{PATH}?lang={lang}",
                         className="btn intake-open", id="intake-open"))


def source_name(source: str | None, lang: str) -> str:
    """A source as its reader calls it: the simulator in their words, a product by its name."""
    if not source:
        return t("intake_unnamed", lang)
    return t(f"source_{source}", lang) if f"source_{source}" in CATALOGUE else source


def sources_table(sources: list[dict], tz: str, lang: str):
    if not sources:
        return html.P(t("intake_no_sources", lang), className="admin-hint")
    return numbers_table("intake-sources", [t(k, lang) for k in (
        "intake_source", "intake_accepted", "intake_refused_n", "intake_last")],
        [(source_name(s["source"], lang),
          [count(s["accepted"], lang), count(s["refused"], lang), local_time(s["last"], tz)],
          {1} if s["refused"] else set()) for s in sources])


def refused_by_reason(counts: dict[str, int], lang: str):
    if not counts:
        return html.P(t("intake_none_refused", lang), className="admin-hint")
    ordered = sorted(counts.items(), key=lambda kv: -kv[1])
    heads = [t("intake_reason", lang), t("intake_refused_n", lang)]
    return numbers_table("intake-reasons", heads, [
        (reason_label(code, lang), [count(n, lang)], set()) for code, n in ordered])


def reason_options(counts: dict[str, int], lang: str) -> list[dict]:
    return [{"label": t("intake_any_reason", lang), "value": ANY},
            *({"label": reason_label(code, lang), "value": code}
              for code in sorted(counts, key=lambda c: -counts[c]))]


def dead_rows(rows: list[dict], tz: str, lang: str) -> list[dict]:
    """Refused entries in the reader's words; the reason's code rides along."""
    return [{**r, "time": local_time(r["at"], tz), "reason_name": reason_label(r["reason"], lang),
             "source": source_name(r["source"], lang)} for r in rows]


def dead_grid(rows: list[dict], lang: str):
    return grid("intake-dead-grid", [
        ("time", t("intake_at", lang), 10),
        ("reason_name", t("intake_reason", lang), 16),
        ("device", t("intake_col_device", lang), 14),
        ("dev_eui", "DevEUI", 12),
        ("source", t("intake_source", lang), 9),
        ("detail", t("intake_detail", lang), 34),
    ], rows, "params.data.id", t("intake_none_match", lang), lang, pagination=True,
        paginationPageSize=25, paginationPageSizeSelector=False)


def dead_section(counts: dict[str, int], lang: str) -> html.Section:
    return html.Section(className="admin-table intake-dead",
                        **{"aria-labelledby": "intake-dead-title"}, children=[
        html.H2(t("intake_dead", lang), id="intake-dead-title", className="admin-card-title"),
        html.P(t("intake_dead_hint", lang), className="admin-hint"),
        html.Div(className="intake-filters", children=[
            field(t("intake_reason", lang), dcc.Dropdown(
                id="intake-reason", options=reason_options(counts, lang), value=ANY,
                clearable=False, searchable=False), "intake-reason"),
            field(t("intake_device", lang), text_input(
                "intake-device", 64, type_="search", debounce=True), "intake-device"),
            html.Div(className="admin-buttons intake-resend", children=[
                html.Button(t("intake_resend", lang), id="intake-resend", disabled=True,
                            className="btn btn-primary")]),
        ]),
        html.P(id="intake-shown", className="admin-hint", role="status"),
        message("intake-msg"),
        dcc.ConfirmDialog(id="intake-resend-confirm"),
        html.Div(dead_grid([], lang), className="admin-grid-wrap intake-dead-wrap"),
    ])


def unmapped_grid(rows: list[dict], lang: str):
    return grid("intake-unmapped-grid", [
        ("device_id", t("intake_col_device", lang), 16),
        ("uplinks", t("intake_uplinks", lang), 7),
        ("keys_text", t("intake_keys", lang), 30),
    ], [{**r, "keys_text": ", ".join(r["keys"])} for r in rows], "params.data.device_id",
        t("intake_none_unmapped", lang), lang)
