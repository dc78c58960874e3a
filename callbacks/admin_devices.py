"""The admin page's devices: pick one in the table to change it, save (add or change), retire
after a confirmation. The rules are the registry's (data_access/device_registry.py), the same
as `flask devices ...`; a refused form keeps what was typed and says what is wrong."""

from __future__ import annotations

from dash import Input, Output, Patch, State, ctx, no_update

from access.policy import USERS_ADMIN
from access.rules import Rule, callbacks_need
from components.admin_devices import KIND_DEFAULT, device_table_rows, profile_options
from components.i18n import t
from data_access import device_registry as registry
from data_access.app_context import current_store

FORM = ("admin-dev-id", "admin-dev-name-el", "admin-dev-name-en", "admin-dev-kind",
        "admin-dev-unit", "admin-dev-lat", "admin-dev-lon", "admin-dev-profile",
        "admin-dev-eui")


def save(form: dict) -> tuple[bool, str]:
    """(done, what to say) for the form as typed."""
    store = current_store()
    fields = {"id": (form.get("id") or "").strip(), "name_el": form.get("name_el"),
              "name_en": form.get("name_en"), "kind": form.get("kind"),
              "unit": form.get("unit"), "lat": form.get("lat"), "lon": form.get("lon"),
              "profile": None if form.get("profile") in (None, KIND_DEFAULT)
              else form["profile"], "dev_eui": (form.get("dev_eui") or "").strip() or None}
    missing = [k for k in ("id", "kind", "unit", "lat", "lon") if fields[k] in (None, "")]
    if missing:
        return False, "missing " + ", ".join(missing)
    try:
        record = registry.save_device(store.engine, store.config, fields)
    except registry.RegistryError as err:
        return False, str(err)
    return True, record.id


def retire(device_id: str | None) -> tuple[bool, str]:
    if not device_id:
        return False, "no device"
    try:
        registry.retire(current_store().engine, device_id)
    except registry.RegistryError as err:
        return False, str(err)
    return True, device_id


def _rows(lang: str) -> list[dict]:
    store = current_store()
    return device_table_rows(registry.device_rows(store.engine), store.config, lang)


def register(app) -> None:
    with callbacks_need(app, Rule(USERS_ADMIN)):
        _register(app)


def _register(app) -> None:
    @app.callback(
        *[Output(i, "value") for i in FORM],
        Input("admin-device-grid", "selectedRows"), prevent_initial_call=True,
    )
    def pick_device(selected):
        """The form shows the picked device as the table has it."""
        row = (selected or [None])[0]
        if not row:
            return (no_update,) * len(FORM)
        return (row["id"], row["name_el"], row["name_en"], row["kind"], row["unit"],
                row["lat"], row["lon"], row["profile"] or KIND_DEFAULT, row["dev_eui_code"])

    @app.callback(
        Output("admin-device-grid", "dashGridOptions"),
        Input("admin-dev-search", "value"), prevent_initial_call=True,
    )
    def search_devices(words):
        """Only the table's filter changes; its other options stay as they are."""
        options = Patch()
        options["quickFilterText"] = words or ""
        return options

    @app.callback(
        Output("admin-dev-profile", "options"),
        Input("admin-dev-kind", "value"), State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def profiles_for_kind(kind, lang):
        return profile_options(current_store().config, kind, lang or "en")

    @app.callback(
        Output("admin-dev-retire-confirm", "displayed"),
        Output("admin-dev-retire-confirm", "message"),
        Input("admin-dev-retire", "n_clicks"), State("admin-dev-id", "value"),
        State("page-lang", "data"), prevent_initial_call=True,
    )
    def ask_retire(_n, device_id, lang):
        if not device_id:
            return no_update, no_update
        return True, t("admin_dev_retire_confirm", lang or "en", id=device_id)

    @app.callback(
        Output("admin-dev-msg", "children"), Output("admin-dev-msg", "className"),
        Output("admin-device-grid", "rowData"),
        Input("admin-dev-save", "n_clicks"),
        Input("admin-dev-retire-confirm", "submit_n_clicks"),
        *[State(i, "value") for i in FORM], State("page-lang", "data"),
        prevent_initial_call=True,
    )
    def device_action(_save, _retire, device_id, name_el, name_en, kind, unit, lat, lon,
                      profile, dev_eui, lang):
        lang = lang or "en"
        if ctx.triggered_id == "admin-dev-save":
            done, said = save({"id": device_id, "name_el": name_el, "name_en": name_en,
                               "kind": kind, "unit": unit, "lat": lat, "lon": lon,
                               "profile": profile, "dev_eui": dev_eui})
            key = "admin_dev_saved"
        else:
            done, said = retire(device_id)
            key = "admin_dev_retired"
        if not done:
            return t("admin_dev_refused", lang, why=said), "form-msg form-error", no_update
        current_store().forget_devices()  # ingest workers reload at their next batch
        return t(key, lang, id=said), "form-msg form-ok", _rows(lang)
