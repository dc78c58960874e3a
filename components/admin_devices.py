"""The admin page's devices (pages/admin.py): the city's devices in a table and the form
that adds one, changes one (its real position, kind, vendor profile, DevEUI) or retires it.
Data comes in ready; callbacks/admin_devices.py fetches it and acts."""

from __future__ import annotations

from dash import dcc, html

from components.admin import field, grid, message, text_input
from components.i18n import t
from data_access.city_config import CityConfig, text

KIND_DEFAULT = "__kind__"  # the profile choice "as the kind says" (a dropdown needs a value)


def device_table_rows(rows: list[dict], config: CityConfig, lang: str) -> list[dict]:
    """The devices in the reader's words; the codes ride along for the form."""
    name = "name_el" if lang == "el" else "name_en"
    return [{
        **r,
        "name": r[name] or r["id"],
        "kind_name": text(config.kinds[r["kind"]].name, lang) if r["kind"] in config.kinds
        else r["kind"],
        "unit_name": text(config.unit_by_id[r["unit"]].name, lang)
        if r["unit"] in config.unit_by_id else r["unit"],
        "profile_name": _model(config, r["profile"]) or t("admin_dev_kind_profile", lang),
        "dev_eui": r["dev_eui"] or "—",
        "dev_eui_code": r["dev_eui"] or "",
    } for r in rows]


def _model(config: CityConfig, profile: str | None) -> str | None:
    found = config.profiles.get(profile or "")
    return f"{found.vendor} {found.model}" if found else profile


def device_grid(rows: list[dict], lang: str):
    return grid("admin-device-grid", [
        ("id", t("admin_dev_id", lang), 18),
        ("name", t("admin_dev_name", lang), 18),
        ("kind_name", t("admin_dev_kind", lang), 14),
        ("unit_name", t("admin_dev_unit", lang), 10),
        ("profile_name", t("admin_dev_profile", lang), 14),
        ("dev_eui", "DevEUI", 14),
    ], rows, "params.data.id", t("admin_dev_none", lang), lang, pagination=True,
        paginationPageSize=20, paginationPageSizeSelector=False)


def device_search(lang: str):
    """A city has hundreds of devices: find one by any part of its id, name, kind or EUI."""
    return field(t("admin_dev_search", lang), text_input(
        "admin-dev-search", 64, type_="search", debounce=True), "admin-dev-search")


def profile_options(config: CityConfig, kind: str | None, lang: str) -> list[dict]:
    """The kind's own default first, then the vendor models made for the kind."""
    fits = [p for p in config.profiles.values() if kind is None or kind in p.kinds]
    return [{"label": t("admin_dev_kind_profile", lang), "value": KIND_DEFAULT},
            *({"label": f"{p.vendor} {p.model}", "value": p.id}
              for p in sorted(fits, key=lambda p: (p.vendor, p.model)))]


def device_form(config: CityConfig, lang: str) -> html.Section:
    kinds = [{"label": text(k.name, lang), "value": k.id} for k in config.kinds.values()]
    units = [{"label": text(u.name, lang), "value": u.id} for u in config.city.units]

    def number(id_: str, low: float, high: float) -> dcc.Input:
        return dcc.Input(id=id_, type="number", min=low, max=high, step="any",
                         className="text-input")

    return html.Section(className="admin-card", **{"aria-labelledby": "admin-dev-title"},
                        children=[
        html.H2(t("admin_dev_form", lang), id="admin-dev-title", className="admin-card-title"),
        html.P(t("admin_dev_form_hint", lang), className="admin-hint"),
        field(t("admin_dev_id", lang), text_input("admin-dev-id", 64), "admin-dev-id",
              hint=t("admin_dev_id_hint", lang)),
        field(t("admin_dev_name_el", lang), text_input("admin-dev-name-el", 200),
              "admin-dev-name-el"),
        field(t("admin_dev_name_en", lang), text_input("admin-dev-name-en", 200),
              "admin-dev-name-en"),
        field(t("admin_dev_kind", lang), dcc.Dropdown(
            id="admin-dev-kind", options=kinds, clearable=False, searchable=False),
            "admin-dev-kind"),
        field(t("admin_dev_unit", lang), dcc.Dropdown(
            id="admin-dev-unit", options=units, clearable=False, searchable=False),
            "admin-dev-unit"),
        html.Div(className="admin-pair", children=[
            field(t("admin_dev_lat", lang), number("admin-dev-lat", -90, 90), "admin-dev-lat"),
            field(t("admin_dev_lon", lang), number("admin-dev-lon", -180, 180), "admin-dev-lon"),
        ]),
        field(t("admin_dev_profile", lang), dcc.Dropdown(
            id="admin-dev-profile", options=profile_options(config, None, lang),
            value=KIND_DEFAULT, clearable=False, searchable=False), "admin-dev-profile"),
        field("DevEUI", text_input("admin-dev-eui", 23), "admin-dev-eui",
              hint=t("admin_dev_eui_hint", lang)),
        html.Div(className="admin-buttons", children=[
            html.Button(t("admin_save", lang), id="admin-dev-save", className="btn btn-primary"),
            html.Button(t("admin_dev_retire", lang), id="admin-dev-retire", className="btn"),
        ]),
        message("admin-dev-msg"),
        dcc.ConfirmDialog(id="admin-dev-retire-confirm"),
    ])
