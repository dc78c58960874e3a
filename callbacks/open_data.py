"""Open data over HTTP: downloads and a small read-only JSON API under /api/v1/public/.

Open to anyone (access: public), rate-limited per address with one budget shared by every
route here (a scraper cannot multiply it by the number of endpoints), counted in Redis so
every web worker agrees; the limit is `CITYOPS_PUBLIC_API_LIMIT` in the Flask config,
else access.throttle.PUBLIC_API_LIMIT. Answers may be cached by browsers and proxies for a
minute (`Cache-Control: public, max-age=60`), a past day's aggregates for an hour, and may be
read from any web origin (CORS *): no cookies or sessions are involved.

    GET /api/v1/public                    what is here, the licence, the metrics and units
    GET /api/v1/public/parking            free spaces now, per zone and in total
    GET /api/v1/public/air                the European Air Quality Index and its pollutants
    GET /api/v1/public/flood              the flood warning level, city and each unit
    GET /api/v1/public/devices            devices and allow-listed latest values (JSON)
    GET /api/v1/public/devices.csv        the same, one row per device and metric
    GET /api/v1/public/devices.geojson    the same as a FeatureCollection
    GET /api/v1/public/aggregates         hourly mean/min/max/count (?metric= required, ?date=)
    GET /api/v1/public/aggregates.csv     the same as CSV (?metric= optional, ?date=)

A bad parameter is a 400 with {"error": what is wrong, "parameter": which one}.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import orjson
from flask import Response, current_app, request
from flask_limiter import RequestLimit

from access.policy import PUBLIC
from access.rules import Rule, protect_route
from access.throttle import PUBLIC_API_LIMIT, limiter
from data_access.app_context import current_store
from data_access.open_data import (
    AGGREGATE_FIELDS,
    DEVICE_JSON_FIELDS,
    LATEST_CSV_FIELDS,
    METRIC_NAMES,
    PUBLIC_METRICS,
    BadRequest,
    csv_bytes,
    devices_geojson,
    devices_records,
    hour_range,
    latest_rows,
    parse_date,
    parse_metric,
    records,
)
from data_access.public_source import public_aggregates, public_devices, public_status, terms

PREFIX = "/api/v1/public"
MAX_AGE_S = 60
PAST_DAY_MAX_AGE_S = 3600
LIMIT_CONFIG = "CITYOPS_PUBLIC_API_LIMIT"


def public_api_limit() -> str:
    """Read per request, so an installation (or a test) can set its own."""
    return current_app.config.get(LIMIT_CONFIG, PUBLIC_API_LIMIT)


def too_many(limit: RequestLimit) -> Response:
    """The 429 in JSON like every other answer here; Flask-Limiter adds Retry-After."""
    body = {"error": f"too many requests from your address: at most {limit.limit}",
            "parameter": None}
    return Response(orjson.dumps(body), status=429, mimetype="application/json",
                    headers={"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"})


# One object for every route and every app: Flask-Limiter keeps it once per view.
PUBLIC_LIMIT = limiter.shared_limit(public_api_limit, scope="public-api", on_breach=too_many)


# -- answers -------------------------------------------------------------------------------
def _headers(max_age: int = MAX_AGE_S) -> dict[str, str]:
    store = current_store()
    return {"Cache-Control": f"public, max-age={max_age}", "Access-Control-Allow-Origin": "*",
            "Link": f'<{terms(store).licence.url}>; rel="license"'}


def json_answer(doc: object, max_age: int = MAX_AGE_S, mimetype: str = "application/json"
                ) -> Response:
    return Response(orjson.dumps(doc, option=orjson.OPT_SERIALIZE_NUMPY), mimetype=mimetype,
                    headers=_headers(max_age))


def file_answer(body: bytes, filename: str, max_age: int = MAX_AGE_S) -> Response:
    headers = {**_headers(max_age), "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, mimetype="text/csv", headers=headers)


def bad_request(error: BadRequest) -> Response:
    return Response(orjson.dumps(error.body()), status=400, mimetype="application/json",
                    headers={"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"})


def _city() -> str:
    return current_store().config.city.id


# -- views -----------------------------------------------------------------------------------
def index() -> Response:
    store = current_store()
    config, licence = store.config, terms(store)
    units = {m: sorted({config.kinds[k].metrics.get(m, "") for k, mm in PUBLIC_METRICS
                        if mm == m and k in config.kinds}) for m in METRIC_NAMES}
    return json_answer({
        "city": {"id": config.city.id, "name": dict(config.city.name)},
        "licence": {"id": licence.licence.id, "name": dict(licence.licence.name),
                    "url": licence.licence.url,
                    "attribution": dict(licence.attribution) or dict(config.city.name)},
        "metrics": [{"metric": m, "units": u} for m, u in units.items()],
        "endpoints": [f"{PREFIX}/{name}" for name in (
            "parking", "air", "flood", "devices", "devices.csv", "devices.geojson",
            "aggregates?metric=&date=YYYY-MM-DD", "aggregates.csv?metric=&date=YYYY-MM-DD")],
        "fields": {"devices": list(DEVICE_JSON_FIELDS), "devices.csv": list(LATEST_CSV_FIELDS),
                   "aggregates": list(AGGREGATE_FIELDS)},
        "personal_data": False,
    })


def section(key: str) -> Callable[[], Response]:
    def view() -> Response:
        doc = public_status(current_store()).get(key)
        if doc is None:
            return Response(orjson.dumps({"error": f"{key} figures are not available now",
                                          "parameter": None}), status=503,
                            mimetype="application/json",
                            headers={"Cache-Control": "no-store", "Retry-After": "60",
                                     "Access-Control-Allow-Origin": "*"})
        return json_answer(doc)

    view.__name__ = f"public_{key}"
    view.__qualname__ = f"public_{key}"  # Flask-Limiter names its views by this
    return view


def devices_json() -> Response:
    return json_answer(devices_records(public_devices(current_store())))


def devices_csv() -> Response:
    return file_answer(csv_bytes(latest_rows(public_devices(current_store()))),
                       f"{_city()}-devices-latest.csv")


def devices_geo() -> Response:
    return json_answer(devices_geojson(public_devices(current_store())),
                       mimetype="application/geo+json")


def _aggregates(metric_required: bool):
    """(frame, the span's name for a file name, max-age) from ?metric= and ?date=."""
    store = current_store()
    tz = ZoneInfo(store.config.city.timezone)
    now = datetime.now(tz)
    metric = parse_metric(request.args.get("metric"), metric_required)
    day = parse_date(request.args.get("date"), now.date())
    since, until = hour_range(day, now, tz)
    frame = public_aggregates(store, since, until, metric)
    past = day is not None and day < now.date()
    span = day.isoformat() if day else "last-24h"
    return frame, f"{span}{'-' + metric if metric else ''}", PAST_DAY_MAX_AGE_S if past \
        else MAX_AGE_S


def aggregates_json() -> Response:
    try:
        frame, _span, max_age = _aggregates(metric_required=True)
    except BadRequest as error:
        return bad_request(error)
    return json_answer(records(frame, AGGREGATE_FIELDS), max_age)


def aggregates_csv() -> Response:
    try:
        frame, span, max_age = _aggregates(metric_required=False)
    except BadRequest as error:
        return bad_request(error)
    return file_answer(csv_bytes(frame), f"{_city()}-hourly-{span}.csv", max_age)


ROUTES: tuple[tuple[str, str, Callable[[], Response]], ...] = (
    ("", "public_index", index),
    ("/parking", "public_parking", section("parking")),
    ("/air", "public_air", section("air")),
    ("/flood", "public_flood", section("flood")),
    ("/devices", "public_devices", devices_json),
    ("/devices.csv", "public_devices_csv", devices_csv),
    ("/devices.geojson", "public_devices_geojson", devices_geo),
    ("/aggregates", "public_aggregates", aggregates_json),
    ("/aggregates.csv", "public_aggregates_csv", aggregates_csv),
)
LIMITED = {endpoint: PUBLIC_LIMIT(view) for _rule, endpoint, view in ROUTES}


def register(app) -> None:
    server = app.server
    for rule, endpoint, _view in ROUTES:
        server.add_url_rule(PREFIX + rule, endpoint, LIMITED[endpoint], methods=["GET"])
        protect_route(server, endpoint, Rule(PUBLIC))
