"""The overview's KPI strip: one figure per domain, from each device's latest values. Pure."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from data_access.city_config import CityConfig, Domain, Text


@dataclass(frozen=True)
class KpiFigure:
    domain: str
    label: Text  # both languages: one computation serves every screen
    value: float | None
    unit: str
    devices: int
    reporting: int


def _metric_series(frame: pd.DataFrame, domain: Domain) -> pd.Series:
    kpi = domain.kpi
    # Only devices reporting now: a silent sensor's last value is not the city's state.
    rows = frame[(frame["domain"] == domain.id) & frame["reporting"]]
    if kpi.kinds:
        rows = rows[rows["kind"].isin(kpi.kinds)]
    values = rows["latest"].map(lambda v: (v or {}).get(kpi.metric) if kpi.metric else None)
    return pd.to_numeric(values, errors="coerce").dropna()


def compute_kpi(frame: pd.DataFrame, domain: Domain) -> float | None:
    """`frame`: one row per device with domain, kind, reporting (bool) and latest
    (metric -> value)."""
    kpi = domain.kpi
    if kpi.agg == "online":
        scope = frame if kpi.scope == "city" else frame[frame["domain"] == domain.id]
        if scope.empty:
            return None
        return round(100.0 * scope["reporting"].sum() / len(scope), 1)
    series = _metric_series(frame, domain)
    if series.empty:
        return None
    match kpi.agg:
        case "share_on":
            return round(100.0 * (series > kpi.above).mean(), 1)
        case "count_above":
            return float((series >= kpi.above).sum())
        case "sum":
            return round(float(series.sum()), 1)
        case "mean":
            return round(float(series.mean()), 1)
        case "max":
            return round(float(series.max()), 2)
    raise ValueError(kpi.agg)


def kpi_strip(frame: pd.DataFrame, config: CityConfig) -> list[KpiFigure]:
    out = []
    for domain in config.domains:
        in_domain = frame[frame["domain"] == domain.id]
        out.append(
            KpiFigure(
                domain=domain.id,
                label=domain.kpi.label,
                value=compute_kpi(frame, domain),
                unit=domain.kpi.unit,
                devices=len(in_domain),
                reporting=int(in_domain["reporting"].sum()),
            )
        )
    return out
