"""The report form's picks become a request, or a message saying what to change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import pytest

from components.i18n import CATALOGUE
from components.report_form import (
    MAX_ROWS,
    FormError,
    FormValues,
    check_request,
    device_options,
    domain_metrics,
    matching_devices,
    read_form,
    stat_options,
)

NOW = datetime(2026, 11, 20, 10, 7, 42, tzinfo=UTC)
GOOD = FormValues(domain="energy", metric="energy_kwh", stat="increase", bucket="1h",
                  scope="device", units=None, devices=None, range_key="24h",
                  start_date=None, end_date=None)


@pytest.fixture
def devices() -> pd.DataFrame:
    rows = [("energy_meter-chalkida-00001", "energy_meter", "energy", "chalkida"),
            ("energy_meter-avlida-00001", "energy_meter", "energy", "avlida"),
            ("ev_charger-chalkida-00001", "ev_charger", "traffic", "chalkida"),
            ("luminaire-chalkida-00001", "luminaire", "energy", "chalkida")]
    return pd.DataFrame([{"id": i, "name_el": f"Συσκευή {i}", "name_en": f"Device {i}",
                          "kind": k, "domain": d, "unit": u} for i, k, d, u in rows])


def error_of(values: FormValues, config, devices) -> str:
    with pytest.raises(FormError) as err:
        read_form(values, config, devices, NOW)
    assert err.value.key in CATALOGUE  # every message exists in both languages
    assert set(CATALOGUE[err.value.key]) == {"el", "en"}
    return err.value.key


def test_a_fixed_range_ends_at_this_minute(config, devices):
    request = read_form(GOOD, config, devices, NOW)
    assert request.until == "2026-11-20T10:07:00+00:00"
    assert request.since == "2026-11-19T10:07:00+00:00"
    assert (request.metric, request.stat, request.scope, request.tz) == (
        "energy_kwh", "increase", "device", "Europe/Athens")
    hash(request)  # a cache key


def test_custom_dates_are_whole_local_days(config, devices):
    values = replace(GOOD, range_key="custom", start_date="2026-11-01", end_date="2026-11-02")
    request = read_form(values, config, devices, NOW)
    assert request.since == "2026-10-31T22:00:00+00:00"  # midnight in Athens (UTC+2)
    assert request.until == "2026-11-02T22:00:00+00:00"  # the end date is included


def test_custom_range_with_end_before_start(config, devices):
    values = replace(GOOD, range_key="custom", start_date="2026-11-05", end_date="2026-11-01")
    assert error_of(values, config, devices) == "report_err_order"


def test_custom_range_without_dates(config, devices):
    assert error_of(replace(GOOD, range_key="custom", end_date="2026-11-01"), config,
                    devices) == "report_err_dates"
    assert error_of(replace(GOOD, range_key="custom", start_date="garbage",
                            end_date="2026-11-01"), config, devices) == "report_err_dates"


def test_range_over_366_days(config, devices):
    values = replace(GOOD, range_key="custom", bucket="1w", start_date="2024-01-01",
                     end_date="2025-01-01")
    assert error_of(values, config, devices) == "report_err_span"
    leap_year = replace(values, end_date="2024-12-31")  # 366 days: allowed
    assert read_form(leap_year, config, devices, NOW).bucket == "1w"


def test_no_metric_or_a_metric_of_another_domain(config, devices):
    assert error_of(replace(GOOD, metric=None), config, devices) == "report_err_metric"
    assert error_of(replace(GOOD, metric="fill_level"), config, devices) == "report_err_metric"
    assert error_of(replace(GOOD, domain="nope"), config, devices) == "report_err_domain"


def test_increase_only_for_counters(config, devices):
    values = replace(GOOD, metric="power_kw")
    assert error_of(values, config, devices) == "report_err_increase"
    assert read_form(replace(values, stat="mean"), config, devices, NOW).stat == "mean"


def test_units_and_devices_narrow_the_selection(config, devices):
    request = read_form(replace(GOOD, units=["avlida"]), config, devices, NOW)
    assert request.units == ("avlida",)
    chosen = read_form(replace(GOOD, devices=["energy_meter-avlida-00001",
                                              "ev_charger-chalkida-00001"]), config, devices, NOW)
    assert chosen.devices == ("energy_meter-avlida-00001",)  # the charger is not energy
    assert error_of(replace(GOOD, units=["nea_artaki"]), config, devices) == "report_err_devices"


def test_too_many_rows_says_how_many(config, devices):
    many = pd.concat([devices] * 400, ignore_index=True)
    values = replace(GOOD, range_key="30d", bucket="15min")
    with pytest.raises(FormError) as err:
        read_form(values, config, many, NOW)
    assert err.value.key == "report_err_rows"
    text = err.value.message("en")
    assert f"{MAX_ROWS:,}" in text and "rows" in text
    assert f"{MAX_ROWS:,}".replace(",", ".") in err.value.message("el")  # 25.000 in Greek
    overall = replace(values, scope="overall")  # one row per period: fine
    assert read_form(overall, config, many, NOW).scope == "overall"


def test_choices_follow_the_domain(config, devices):
    assert domain_metrics(config, "energy")["energy_kwh"] == "kWh"
    assert "fill_level" not in domain_metrics(config, "energy")
    disabled = {o["value"] for o in stat_options("power_kw", "en") if o["disabled"]}
    assert disabled == {"increase"}
    assert not any(o["disabled"] for o in stat_options("volume_m3", "el"))
    found = matching_devices(devices, config, "energy", "energy_kwh")
    assert found["id"].tolist() == ["energy_meter-chalkida-00001", "energy_meter-avlida-00001"]
    options = device_options(found, config, "el", "avlida", ["energy_meter-chalkida-00001"])
    assert [o["value"] for o in options] == ["energy_meter-avlida-00001",
                                              "energy_meter-chalkida-00001"]
    assert options[0]["label"] == "Συσκευή energy_meter-avlida-00001 · Αυλίδα"


@pytest.mark.parametrize(("change", "key"), [
    ({"since": "2026-11-19T10:00:00"}, "report_err_dates"),          # no offset
    ({"since": "yesterday"}, "report_err_dates"),
    ({"since": "2026-11-21T10:00:00+00:00"}, "report_err_order"),
    ({"since": "2024-01-01T00:00:00+00:00", "bucket": "1w"}, "report_err_span"),
    ({"bucket": "1s"}, "report_err_expired"),
    ({"tz": "UTC"}, "report_err_expired"),
    ({"metric": "fill_level"}, "report_err_metric"),
    ({"devices": ("ev_charger-chalkida-00001",)}, "report_err_devices"),
])
def test_a_request_handed_back_by_the_page_is_checked_again(config, devices, change, key):
    """The download rebuilds the report from what the page kept: a browser could alter it."""
    request = read_form(GOOD, config, devices, NOW)
    with pytest.raises(FormError) as err:
        check_request(replace(request, **change), config, devices)
    assert err.value.key == key


def test_devices_none_of_which_fit_are_not_taken_for_all(config, devices):
    values = replace(GOOD, devices=["ev_charger-chalkida-00001"])
    assert error_of(values, config, devices) == "report_err_devices"


def test_custom_dates_up_to_today_end_at_this_minute(config, devices):
    values = replace(GOOD, range_key="custom", start_date="2026-11-19", end_date="2026-11-20")
    request = read_form(values, config, devices, NOW)
    assert (request.since, request.until) == ("2026-11-18T22:00:00+00:00",
                                              "2026-11-20T10:07:00+00:00")
    later = replace(values, start_date="2026-12-01", end_date="2026-12-02")  # all to come
    assert read_form(later, config, devices, NOW).until == "2026-12-02T22:00:00+00:00"
