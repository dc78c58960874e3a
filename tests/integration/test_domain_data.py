"""A domain page's figures from telemetry that came in through the real stream, on SQLite and
PostgreSQL: the wiring between ingest, SQL buckets, Redis state and the pure KPI functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from data_access import domain_data
from data_access.domain_kpis import waste
from data_access.store import Store
from ingest.telemetry_consumer import TelemetryConsumer
from tests.integration.helpers import send, telemetry


def test_waste_summary_from_ingested_telemetry(backend):
    store = Store(backend.settings, backend.config, backend.engine, backend.redis)
    bins = store.devices().query("kind == 'bin_sensor'")["id"].tolist()
    assert len(bins) == 5
    consumer = TelemetryConsumer(backend.redis, backend.engine, backend.config, block_ms=10)
    now = datetime.now(UTC)
    # Bin 1 fills 10 points an hour and is at 90 %; bin 2 sits at 85 %; the others at 20 %.
    entries = []
    for h in range(4, -1, -1):
        at = now - timedelta(hours=h, minutes=1)
        entries.append(telemetry(bins[0], {"fill_level": 90.0 - 10 * h}, at))
        entries += [telemetry(b, {"fill_level": 85.0 if b == bins[1] else 20.0}, at)
                    for b in bins[1:]]
    send(backend.redis, *entries)
    while consumer.step():
        pass
    summary = domain_data.domain_summary(store, "waste", waste, now=now.timestamp())
    assert summary.kpi("bins_over_level").value == 2
    table = summary.tables["bins"].set_index("id")
    assert table.loc[bins[0], "fill"] == 90.0
    assert abs(table.loc[bins[0], "fill_rate_pct_h"] - 10.0) < 0.5
    assert abs(table.loc[bins[0], "hours_to_full"] - 1.0) < 0.1  # 10 points at 10 per hour
    route = summary.tables["route"]
    assert route["id"].iloc[0] == route["id"].iloc[-1] == "depot"
    assert sorted(route["id"].iloc[1:-1]) == sorted(bins[:2])  # each bin over 80 % once
