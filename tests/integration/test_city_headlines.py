"""The week-ago headline figures from real SQL (SQLite and PostgreSQL) equal a hand count, and
through flask-caching any number of screens cost one grouped query per domain and minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, event, insert, select

from data_access.city_headlines import Past, figure_around, headlines
from data_access.models import Device, Reading
from data_access.store import Store

NOW = datetime(2026, 11, 20, 10, 0, 27, tzinfo=UTC)
AT = NOW.replace(second=0) - timedelta(days=7)  # 10:00: the centred hour spans two buckets


def _ids(engine, kind: str, n: int) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(Device.id).where(Device.kind == kind)
                                 .order_by(Device.id).limit(n)).scalars())


def _write(engine, rows) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Reading), [{"device_id": d, "metric": m, "ts": AT + off, "value": v}
                                       for d, m, off, v in rows])


def _week_ago_city(backend) -> Store:
    """Readings around AT: parking spaces, bins and nothing for water."""
    p1, p2, p3, p4 = _ids(backend.engine, "parking_space", 4)
    b1, b2 = _ids(backend.engine, "bin_sensor", 2)
    m = timedelta(minutes=1)
    _write(backend.engine, [
        (p1, "occupied", -20 * m, 1.0), (p1, "occupied", 10 * m, 1.0),      # on all hour: 1
        (p2, "occupied", -25 * m, 1.0), (p2, "occupied", -5 * m, 0.0),      # half: 0.5
        (p2, "occupied", 5 * m, 0.0), (p2, "occupied", 25 * m, 1.0),
        (p3, "occupied", 0 * m, 0.0),                                       # off: 0
        (p4, "occupied", 40 * m, 1.0),                                      # outside the hour
        (b1, "fill_level", -10 * m, 80.0), (b1, "fill_level", 20 * m, 90.0),  # mean 85: collect
        (b2, "fill_level", 0 * m, 60.0),
    ])
    return Store(backend.settings, backend.config, backend.engine, backend.redis)


def test_week_ago_figures_equal_the_hand_count(backend):
    store = _week_ago_city(backend)
    at = AT.isoformat()
    assert figure_around(store, "traffic", at) == Past(value=50.0, reporting=3)  # (1+.5+0)/3
    assert figure_around(store, "waste", at) == Past(value=1.0, reporting=2)
    assert figure_around(store, "water", at) == Past(value=None, reporting=0)  # no history
    # Devices online, city-wide: the 5 that reported in the hour, of every device of the city.
    total = len(store.devices())
    assert figure_around(store, "network", at) == Past(round(100 * 5 / total, 1), 5)


def test_headlines_carry_the_week_ago_figure_even_before_any_device_reports_now(backend):
    store = _week_ago_city(backend)
    by_domain = {h.domain: h for h in headlines(store, now=NOW)}
    traffic = by_domain["traffic"]
    assert (traffic.week_ago, traffic.week_ago_at) == (50.0, AT)
    assert traffic.value is None and traffic.change is None  # nothing live yet: no change
    assert by_domain["water"].week_ago is None




def test_many_screens_cost_one_query_per_domain_and_minute(backend, web_cache):
    store = _week_ago_city(backend)
    queries: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().startswith("SELECT") and "FROM readings" in statement:
            queries.append(statement)

    event.listen(backend.engine, "before_cursor_execute", count)
    try:
        for second in range(0, 60, 3):  # 20 screens refreshing within one minute
            figures = headlines(store, now=NOW.replace(second=second))
        assert len(queries) == len(backend.config.domains)
        with backend.engine.begin() as conn:  # the cached answer does not go back to SQL
            conn.execute(delete(Reading))
        assert headlines(store, now=NOW)[0].week_ago == 50.0
        assert len(queries) == len(backend.config.domains)
        next_minute = headlines(store, now=NOW + timedelta(minutes=1))
        assert len(queries) == 2 * len(backend.config.domains)
        assert next_minute[0].week_ago is None  # the readings are gone
    finally:
        event.remove(backend.engine, "before_cursor_execute", count)
    assert {h.domain for h in figures} == {d.id for d in backend.config.domains}
