"""Pure KPI computations of the domain pages: frames in, figures and tables out.

One module per domain with the same shape (like a Home Assistant integration): constants
METRICS, WINDOW and BUCKET_S say which bucketed history it reads, and
`summary(devices, history, now, cfg) -> DomainSummary` computes the page's figures. No SQL,
Redis or Dash here: the caller fetches (data_access.aggregates) and draws (pages).
"""

from __future__ import annotations

from types import ModuleType

from data_access.domain_kpis import (
    air,
    buildings,
    energy,
    flood,
    network,
    traffic,
    waste,
    water,
)
from data_access.domain_kpis.base import DomainSummary, Kpi, Text
from data_access.domain_kpis.settings import KpiSettings, load_kpi_settings

# domain id (config/domains.yaml) -> module. network's summary takes every device of the city.
MODULES: dict[str, ModuleType] = {
    "traffic": traffic, "waste": waste, "energy": energy, "water": water, "flood": flood,
    "air": air, "buildings": buildings, "network": network,
}

__all__ = ["MODULES", "DomainSummary", "Kpi", "KpiSettings", "Text", "load_kpi_settings"]
