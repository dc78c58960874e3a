"""Layout builders of the city page for officials: domain headlines, the programme's axes and
the strategy KPIs. Numbers are written the way each language writes them (2.970.000 € /
€2,970,000), always with their unit and the time they refer to; a change is an arrow, a sign
and words, never a colour alone."""

from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc, html

from components.i18n import graph_config, t
from components.numbers import MONTHS, NBSP, day, figure, moment, money, number, percent, signed
from data_access.city_config import CityConfig, text
from data_access.city_headlines import Headline
from data_access.programme import LIKERT_MAX, LIKERT_MIN, Axis, Programme, Strategy


def change_unit(unit: str, lang: str) -> str:
    """The change of a % figure is in percentage points, not %."""
    return t("city_points", lang) if unit == "%" else unit


def change_line(delta: float | None, unit: str, lang: str, since: str = "") -> html.Div:
    """Arrow + signed change + unit + against what; '—' and why when there is nothing to
    compare with."""
    if delta is None:
        return html.Div([html.Span("—", className="city-arrow", **{"aria-hidden": "true"}),
                         html.Span(since)], className="city-change city-change-none")
    arrow, cls = ("▲", "up") if delta > 0 else ("▼", "down") if delta < 0 else ("=", "flat")
    amount = (t("city_unchanged", lang) if delta == 0
              else f"{signed(delta, lang)}{NBSP}{change_unit(unit, lang)}".strip())
    return html.Div([html.Span(arrow, className="city-arrow", **{"aria-hidden": "true"}),
                     html.Span(amount, className="city-delta"),
                     *([html.Span(since)] if since else [])],
                    className=f"city-change city-change-{cls}")


# -- domain headlines ----------------------------------------------------------------------
def headline_caption(items: list[Headline], tz: str, lang: str) -> str:
    if not items:
        return ""
    return t("city_headlines_when", lang, now=moment(items[0].at, tz, lang),
             before=moment(items[0].week_ago_at, tz, lang))


def headline_card(h: Headline, config: CityConfig, lang: str) -> html.Article:
    domain = config.domain_by_id[h.domain]
    if h.week_ago is None:
        compared = [change_line(None, h.unit, lang, t("city_no_last_week", lang))]
    else:
        before = figure(h.week_ago, lang) + (f"{NBSP}{h.unit}" if h.unit else "")
        compared = [change_line(h.change, h.unit, lang),
                    html.Div(t("city_week_ago", lang, value=before), className="city-hl-before")]
    now = ([html.Span(figure(h.value, lang), className="city-hl-value"),
            html.Span(h.unit, className="city-hl-unit")] if h.value is not None else
           [html.Span("—", className="city-hl-value"),
            html.Span(t("city_no_value", lang), className="city-hl-unit")])
    return html.Article(
        className="city-headline", id=f"city-hl-{h.domain}",
        style={"--domain-color": domain.color},
        children=[
            html.Div([html.Span(domain.glyph, className="city-glyph", **{"aria-hidden": "true"}),
                      html.H3(text(domain.name, lang), className="city-hl-domain")],
                     className="city-hl-head"),
            html.Div(text(h.label, lang), className="city-hl-label"),
            html.Div(now, className="city-hl-figure"),
            *compared,
            html.Div(t("city_reporting", lang, n=h.reporting, total=h.devices),
                     className="city-hl-foot"),
        ])


def headline_cards(items: list[Headline], config: CityConfig, lang: str) -> list:
    return [html.P(headline_caption(items, config.city.timezone, lang), className="city-when"),
            html.Div([headline_card(h, config, lang) for h in items], className="city-headlines"),
            html.P(t("city_headlines_how", lang), className="city-how")]


# -- programme -------------------------------------------------------------------------------
def progress(contracted_pct: float, spent_pct: float, lang: str) -> html.Div:
    """Paid (solid) over contracted (hatched); the figures are also written beside it."""
    label = t("city_bar_label", lang, spent=percent(spent_pct, lang),
              contracted=percent(contracted_pct, lang))
    width = {"contracted": min(contracted_pct, 100), "spent": min(spent_pct, 100)}
    return html.Div(className="city-bar", role="img", **{"aria-label": label}, children=[
        html.Div(className=f"city-bar-{key}", style={"width": f"{w:.1f}%"})
        for key, w in width.items()])


def money_block(name: str, budget: float, contracted: float, spent: float, currency: str,
                lang: str) -> list:
    """Name and absorption %, the bar, then budget / paid / contracted written out."""
    spent_pct, contracted_pct = 100.0 * spent / budget, 100.0 * contracted / budget
    rows = [
        ("budget", t("city_budget", lang), money(budget, currency, lang)),
        ("spent", t("city_spent", lang),
         f"{money(spent, currency, lang)} · {percent(spent_pct, lang)}"),
        ("contracted", t("city_contracted", lang),
         f"{money(contracted, currency, lang)} · {percent(contracted_pct, lang)}"),
    ]
    return [
        html.Div([html.H3(name, className="city-axis-name"),
                  html.Span([html.Span(f"{t('city_absorption', lang)} ", className="city-pct-word"),
                             percent(spent_pct, lang)], className="city-axis-pct")],
                 className="city-axis-head"),
        progress(contracted_pct, spent_pct, lang),
        html.Dl([html.Div([html.Dt(label), html.Dd(value)], className=f"city-amount-{key}")
                 for key, label, value in rows], className="city-amounts"),
    ]


def axis_row(axis: Axis, currency: str, lang: str) -> html.Li:
    return html.Li(money_block(text(axis.name, lang), axis.budget, axis.contracted, axis.spent,
                               currency, lang), className="city-axis", id=f"city-axis-{axis.id}")


def programme_panel(programme: Programme, lang: str) -> list:
    cur = programme.currency
    return [
        html.P(t("city_programme_sub", lang, total=money(programme.budget, cur, lang),
                 n=len(programme.axes), date=day(programme.as_of, lang)), className="city-sub"),
        *([html.P(t("city_demo", lang), className="city-demo")] if programme.demo else []),
        html.Div([html.Span([html.Span(className="city-key city-key-spent"),
                             t("city_spent", lang)]),
                  html.Span([html.Span(className="city-key city-key-contracted"),
                             t("city_contracted", lang)])], className="city-legend"),
        html.Div(money_block(t("city_total", lang), programme.budget, programme.contracted,
                             programme.spent, cur, lang),
                 className="city-axis city-axis-total", id="city-programme-total"),
        html.Ol([axis_row(a, cur, lang) for a in programme.axes], className="city-axes"),
    ]


# -- strategy KPIs ---------------------------------------------------------------------------
CHART = {"paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
         "margin": {"l": 28, "r": 12, "t": 24, "b": 28}, "showlegend": False,
         "font": {"size": 15, "color": "#eef1f4", "family": "DejaVu Sans, sans-serif"}}


def trend_figure(strategy: Strategy, kpi_id: str, lang: str) -> go.Figure:
    """Every round's mean score, labelled on the chart: no hover needed on a tablet."""
    points = strategy.series(kpi_id)
    xs = [d.isoformat() for d, _ in points]
    fig = go.Figure(go.Scatter(
        x=xs, y=[s for _, s in points], mode="lines+markers+text",
        text=[number(s, lang, 1) for _, s in points], textposition="top center",
        line={"width": 3, "color": "#8cc8ff"}, marker={"size": 10, "color": "#8cc8ff"},
        cliponaxis=False))
    ticks = [f"{MONTHS.get(lang, MONTHS['en'])[d.month - 1]} {d:%y}" for d, _ in points]
    fig.update_layout(**CHART)  # no height: the chart fills .city-trend (assets/city.css)
    fig.update_xaxes(type="category", tickvals=xs, ticktext=ticks, showgrid=False,
                     color="#b4bcc6", tickangle=0, tickfont={"size": 13})
    fig.update_yaxes(range=[LIKERT_MIN - 0.3, LIKERT_MAX + 0.6], tickvals=[1, 3, 5],
                     gridcolor="#3a404a", zeroline=False, color="#b4bcc6")
    return fig


def strategy_card(strategy: Strategy, kpi_id: str, name: str, lang: str) -> html.Article:
    trend = strategy.trend(kpi_id)
    since = (t("city_first_round", lang) if trend.previous_date is None
             else t("city_since_round", lang, date=day(trend.previous_date, lang)))
    return html.Article(className="city-strategy-kpi", id=f"city-kpi-{kpi_id}", children=[
        html.H3(name, className="city-kpi-name"),
        html.Div([html.Span(number(trend.latest, lang, 1), className="city-score"),
                  html.Span(t("city_out_of", lang), className="city-score-unit")],
                 className="city-score-line"),
        change_line(trend.change, "", lang, since),
        # The box sets the height (assets/city.css); the chart fills it.
        html.Div(dcc.Graph(figure=trend_figure(strategy, kpi_id, lang), style={"height": "100%"},
                           config=graph_config(lang, staticPlot=True, displayModeBar=False,
                                               responsive=True)), className="city-trend"),
    ])


def strategy_panel(strategy: Strategy, lang: str) -> list:
    latest = strategy.rounds[-1]
    return [
        html.P(t("city_strategy_sub", lang, date=day(latest.date, lang), n=latest.respondents),
               className="city-sub"),
        *([html.P(t("city_demo", lang), className="city-demo")] if strategy.demo else []),
        html.Div([strategy_card(strategy, k.id, text(k.name, lang), lang)
                  for k in strategy.kpis], className="city-strategy-kpis"),
    ]


def data_error(message: str, lang: str) -> html.Div:
    """A broken data file: what is wrong and where, instead of an empty panel."""
    return html.Div(className="city-error", role="alert", children=[
        html.Strong(t("city_data_error", lang)),
        html.Pre(message, className="city-error-detail"),
        html.P(t("city_data_error_hint", lang)),
    ])
