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


def _metric_series(in_domain: pd.DataFrame, domain: Domain) -> pd.Series:
    kpi = domain.kpi
    # Only devices reporting now: a silent sensor's last value is not the city's state.
    rows = in_domain[in_domain["reporting"]]
    if kpi.kinds:
        rows = rows[rows["kind"].isin(kpi.kinds)]
    metric = kpi.metric
    values = [v.get(metric) if v else None for v in rows["latest"]] if metric else []
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").dropna()


def compute_kpi(frame: pd.DataFrame, domain: Domain,
                in_domain: pd.DataFrame | None = None) -> float | None:
    """`frame`: one row per device with domain, kind, reporting (bool) and latest
    (metric -> value); `in_domain`: its rows of this domain, when the caller has them."""
    kpi = domain.kpi
    if in_domain is None:
        in_domain = frame[frame["domain"] == domain.id]
    if kpi.agg == "online":
        scope = frame if kpi.scope == "city" else in_domain
        if scope.empty:
            return None
        return round(100.0 * scope["reporting"].sum() / len(scope), 1)
    series = _metric_series(in_domain, domain)
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


KPI_COLUMNS = ("domain", "kind", "reporting", "latest")  # all a KPI reads of a device


def kpi_strip(frame: pd.DataFrame, config: CityConfig) -> list[KpiFigure]:
    # The frame split by domain once (at 100,000 devices, comparing every device's domain
    # name per KPI took most of the strip's time).
    slim = frame[[c for c in KPI_COLUMNS if c in frame.columns]]
    parts = {d: slim.iloc[rows] for d, rows in slim.groupby("domain", sort=False).indices.items()}
    out = []
    for domain in config.domains:
        in_domain = parts.get(domain.id, frame.iloc[:0])
        out.append(
            KpiFigure(
                domain=domain.id,
                label=domain.kpi.label,
                value=compute_kpi(frame, domain, in_domain),
                unit=domain.kpi.unit,
                devices=len(in_domain),
                reporting=int(in_domain["reporting"].sum()),
            )
        )
    return out
