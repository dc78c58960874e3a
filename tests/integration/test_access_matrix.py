"""Every registered page, callback, route and download, for each role and for nobody signed
in: allowed or refused exactly as the roles table says, and a refusal carries no data.

The expectations are written out here by hand (pages) or follow from where a callback's
outputs live (callbacks), not read from access/policy.py: the test must be able to catch a
wrong grant there."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import dash
import pytest
from flask import g

from access import users
from access.page_paths import page_target
from access.policy import Principal
from tests.integration.helpers import signed_in

ROLES = ("admin", "operator", "department_head", "official", "display")
STAFF = frozenset(ROLES)
HEAD_DOMAINS = ("flood", "air")  # the department head of these tests: civil protection
EVERYONE = STAFF | {None}
FLOOD_DEVICE, WATER_DEVICE = "hydro_station-lilantio-00001", "water_meter-avlida-00001"

# Page -> who may open it. Written out; a page registered without a line here fails the test.
PAGES = {
    "/": STAFF, "/map": STAFF, "/alarms": STAFF, "/city": STAFF,
    "/reports": {"admin", "operator", "department_head"},
    "/admin": {"admin"}, "/admin/intake": {"admin"},
    "/public": EVERYONE,
    f"/devices/{FLOOD_DEVICE}": {"admin", "operator", "department_head", "official"},
    f"/devices/{WATER_DEVICE}": {"admin", "operator", "official"},
}
DOMAIN_PAGE_ROLES = {"admin", "operator", "official", "display"}  # + the head in own domains
# Callbacks that change state: only those who handle alarms (the head in own domains).
ACTION_OUTPUTS = {"console-msg", "detail-msg"}
ACTORS = {"admin", "operator", "department_head"}
# What a scoped callback is asked about in this test: always something the head does not own.
SCOPE_VALUES = {("domain-id", "data"): "water", ("device-id", "data"): WATER_DEVICE,
                ("report-domain", "value"): "water",
                ("report-kept", "data"): {"request": {"domain": "water"}, "lang": "en"}}
# Routes (not pages, not Dash's own files) -> who may call them, with a URL to call.
ROUTES = {
    "map_positions": ("/api/v1/map/water.pbf", STAFF),
    "map_ids": ("/api/v1/map/ids.json", STAFF),
    "map_first_view": ("/api/v1/map/first-view.json", STAFF),
    "device_detail": (f"/api/v1/devices/{WATER_DEVICE}", STAFF),
    "alarm_panel": ("/api/v1/alarms/panel", STAFF),
    "alarm_events": ("/api/v1/alarms/events", STAFF),
    "access.login": ("/login", EVERYONE),
    "/_dash-dependencies": ("/_dash-dependencies", EVERYONE),  # cut per reader: test below
    "access.logout": (None, STAFF),  # POST; checked in test_access.py
    "access.display_sign_in": (None, EVERYONE),  # checked in test_access.py
    "telemetry_http.post_telemetry": (None, EVERYONE),  # devices post; checked elsewhere
    "telemetry_http.chirpstack_webhook": (None, EVERYONE),  # network servers post; by key
    "telemetry_http.tts_webhook": (None, EVERYONE),
}


def expected_pages(config) -> dict[str, set]:
    pages = {path: set(roles) for path, roles in PAGES.items()}
    for d in config.domains:
        roles = DOMAIN_PAGE_ROLES | ({"department_head"} if d.id in HEAD_DOMAINS else set())
        pages[f"/domains/{d.id}"] = roles
    return pages


@pytest.fixture(scope="module")
def world(tmp_path_factory, config):
    """One app on SQLite + embedded Redis with a signed-in client per role."""
    from app import create_app
    from data_access.db import make_engine, upgrade_schema
    from data_access.redis_conn import shutdown_embedded
    from data_access.seed import seed_devices
    from data_access.settings import Settings

    settings = Settings(var_dir=tmp_path_factory.mktemp("matrix") / "var")
    engine = make_engine(settings)
    upgrade_schema(engine)
    seed_devices(engine, config, None, settings.seed)
    app = create_app(settings)
    store = app.server.extensions["cityops"]
    clients = {None: app.server.test_client()}
    for role in ROLES:
        client = app.server.test_client()
        if role == "display":
            _, raw = users.create_display_token(store.engine, "matrix wall", "test")
            assert client.get(f"/display/{raw}").status_code == 302
        else:
            signed_in(client, store, role, HEAD_DOMAINS if role == "department_head" else ())
        clients[role] = client
    clients[None].get("/login")  # the router's callbacks exist after the first request
    yield app, store, clients
    engine.dispose()
    shutdown_embedded(settings)


def _csrf(client) -> dict:
    client.get("/")  # a page sets the token cookie for the signed-in
    cookie = client.get_cookie("_csrf_token")
    return {"X-CSRFToken": cookie.value} if cookie else {}


def test_every_page_has_an_expectation(world, config):
    registered = set()
    for page in dash.page_registry.values():
        template = page.get("path_template")
        registered |= ({f"/devices/{FLOOD_DEVICE}", f"/devices/{WATER_DEVICE}"}
                       if template else {page["path"]})
    assert registered == set(expected_pages(config))


@pytest.mark.parametrize("role", [None, *ROLES])
def test_pages_open_only_for_their_roles(world, config, role):
    app, _, clients = world
    client = clients[role]
    headers = _csrf(client)
    for path, roles in expected_pages(config).items():
        page = client.get(path + "?lang=en")
        route = client.post("/_dash-update-component", headers=headers, json={
            "output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": "?lang=en"}],
            "changedPropIds": ["_pages_location.pathname"], "state": []})
        if role in roles:
            assert page.status_code == 200, (role, path)
            assert route.status_code == 200 and b"_pages_content" in route.data, (role, path)
        elif role is None:
            assert page.status_code == 302 and "/login?next=" in page.headers["Location"]
            assert route.status_code == 401 and b"_pages_content" not in route.data, path
        else:
            assert page.status_code == 403, (role, path)
            assert route.status_code == 403 and b"_pages_content" not in route.data, (role, path)


def _component_ids(node, found: set) -> set:
    if isinstance(node, list | tuple):
        for child in node:
            _component_ids(child, found)
    elif hasattr(node, "to_plotly_json"):
        if getattr(node, "id", None) is not None:
            found.add(str(node.id))
        _component_ids(getattr(node, "children", None), found)
    return found


def _pages_of_outputs(app, config) -> dict[str, set[str]]:
    """Component id -> the pages whose layout holds it (drawn as an admin would see them,
    scoped pages for the domain the head does not own)."""
    where: dict[str, set[str]] = {}
    pages = expected_pages(config)
    for page in dash.page_registry.values():
        paths = [f"/devices/{WATER_DEVICE}"] if page.get("path_template") else [page["path"]]
        for path in paths:
            if page.get("domain") not in (None, "water"):
                continue
            with app.server.test_request_context(path + "?lang=en"):
                g.principal = Principal("matrix", "admin")
                layout = page["layout"]
                kwargs = {"device_id": WATER_DEVICE} if page.get("path_template") else {}
                tree = layout(lang="en", **kwargs) if callable(layout) else layout
            for cid in _component_ids(tree, set()):
                where.setdefault(cid, set()).add(path)
            assert path in pages
    return where


def _payload(key: str, spec: dict) -> dict:
    def item(dep: dict) -> dict:
        return {"id": dep["id"], "property": dep["property"],
                "value": SCOPE_VALUES.get((dep["id"], dep["property"]))}

    outputs = [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]}
               for o in key.strip(".").split("...")] if "." in key else []
    return {"output": key, "outputs": outputs if len(outputs) != 1 else outputs[0],
            "inputs": [item(d) for d in spec["inputs"]],
            "state": [item(d) for d in spec.get("state", [])],
            "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"]}


def _callback_expectation(key: str, spec: dict, where: dict, config) -> set:
    output_ids = {o.rsplit(".", 1)[0] for o in key.split("@")[0].strip(".").split("...")}
    if output_ids & ACTION_OUTPUTS:
        return set(ACTORS)
    pages = expected_pages(config)
    roles: set = set()
    for cid in output_ids:
        for path in where.get(cid, ()):
            roles |= pages[path]
    scoped = any((d["id"], d["property"]) in SCOPE_VALUES
                 for d in [*spec["inputs"], *spec.get("state", [])])
    return roles - {"department_head"} if scoped else roles


@pytest.mark.parametrize("role", [None, *ROLES])
def test_callbacks_answer_only_their_roles(world, config, role):
    app, _, clients = world
    where = _pages_of_outputs(app, config)
    client = clients[role]
    headers = _csrf(client)
    checked = 0
    for key, spec in app.callback_map.items():
        if "callback" not in spec or "_pages_content" in key:
            continue  # clientside (never reaches the server) / the router (test above)
        expected = _callback_expectation(key, spec, where, config)
        assert expected, f"callback {key} has outputs on no page"
        answer = client.post("/_dash-update-component", json=_payload(key, spec),
                             headers=headers)
        if role in expected:
            assert answer.status_code not in (401, 403), (role, key, answer.data[:200])
        else:
            assert answer.status_code == (401 if role is None else 403), (role, key)
            assert set(answer.get_json()) == {"error", "detail"}  # no data, only the refusal
        checked += 1
    assert checked >= 25  # the app has that many server callbacks before the admin page


@pytest.mark.parametrize("role", [None, *ROLES])
def test_routes_and_downloads_answer_only_their_roles(world, role):
    app, _, clients = world
    client = clients[role]
    declared = {rule.endpoint for rule in app.server.url_map.iter_rules()}
    from access.guard import PAGE_ENDPOINTS, STATIC_ENDPOINTS

    unchecked = declared - set(ROUTES) - PAGE_ENDPOINTS - STATIC_ENDPOINTS - {
        "/_dash-update-component"}
    public_routes = {e for e in unchecked if e.startswith("public")}
    assert unchecked == public_routes, f"routes without an expectation: {unchecked}"
    for rule in app.server.url_map.iter_rules():
        if rule.endpoint in public_routes and not rule.arguments:  # open data: for anyone
            assert client.get(rule.rule).status_code not in (401, 403), (role, rule.rule)
    for endpoint, (url, roles) in ROUTES.items():
        if url is None:
            continue
        answer = client.get(url, buffered=False)
        status = answer.status_code
        answer.close()  # the alarm event stream never ends by itself
        if role in roles:
            assert status not in (401, 403), (role, endpoint)
        else:
            assert status == (401 if role is None else 403), (role, endpoint)


def test_a_crafted_callback_request_cannot_borrow_another_scope_or_page(world):
    """A department head (flood, air) asks for water's KPIs by repeating the scope input with
    an allowed value, or by naming a public page next to a protected callback: refused."""
    _, _, clients = world
    client = clients["department_head"]
    headers = _csrf(client)
    water_kpis = {"output": "..domain-kpis.children...domain-panels.children...domain-overlay"
                            ".children..",
                  "inputs": [{"id": "live-tick", "property": "n_intervals", "value": 1},
                             {"id": "domain-id", "property": "data", "value": "flood"}],
                  "state": [{"id": "domain-id", "property": "data", "value": "water"},
                            {"id": "page-lang", "property": "data", "value": "en"}]}
    assert client.post("/_dash-update-component", json=water_kpis,
                       headers=headers).status_code == 403
    water_kpis["inputs"] = [{"id": "_pages_location", "property": "pathname",
                             "value": "/public"}]
    assert client.post("/_dash-update-component", json=water_kpis,
                       headers=headers).status_code == 403
    nobody = clients[None]
    admin_grid = {"output": "admin-user-grid.rowData",
                  "inputs": [{"id": "_pages_location", "property": "pathname",
                              "value": "/public"}], "state": []}
    assert nobody.post("/_dash-update-component", json=admin_grid).status_code == 401


# -- path variants: the guard judges the page the router will draw -----------------------

ROUTER = ".._pages_content.children..._pages_store.data.."
VARIANTS = {  # how an attacker may spell a page's path (the router strips slashes)
    "trailing slash": lambda p: p.rstrip("/") + "/",
    "two trailing slashes": lambda p: p.rstrip("/") + "//",
    "leading double slash": lambda p: "/" + p,
    "inner double slash": lambda p: p.replace("/", "//", 2),
    "upper case": str.upper,
    "dot segment": lambda p: "/." + p,
    "dot-dot segment": lambda p: "/x/.." + p,
    "percent-encoded": lambda p: p[:1] + "".join(f"%{ord(c):02X}" for c in p[1:3]) + p[3:],
}


def _router(client, headers: dict, pathname: str, search: str = "?lang=en"):
    return client.post("/_dash-update-component", headers=headers, json={
        "output": ROUTER,
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"], "state": []})


def _load(client, path: str):
    """A page load as a WSGI server hands it on: the request line's path percent-decoded,
    as sent (the test client would read "//map" as a host)."""
    return client.get("/", environ_overrides={"PATH_INFO": unquote(path),
                                              "QUERY_STRING": "lang=en"})


def _draws_nothing_of(answer, role) -> bool:
    """Refused (401/403 with no data), or Dash's own not-found page."""
    if answer.status_code in (401, 403):
        return set(answer.get_json()) == {"error", "detail"}
    return answer.status_code == 200 and b"404 - Page not found" in answer.data


@pytest.mark.parametrize("role", [None, *ROLES])
def test_a_page_spelt_another_way_opens_only_for_its_roles(world, config, role):
    """Every page under every spelling of its path: a page load is sent to the one canonical
    path (and judged there); the router, asked directly, draws nothing for a spelling that is
    not canonical; so nobody gets a page their role does not open."""
    _, _, clients = world
    client = clients[role]
    headers = _csrf(client)
    checked = 0
    for path, roles in expected_pages(config).items():
        for label, spell in VARIANTS.items():
            variant = spell(path)
            if variant == path:
                continue
            load = _load(client, variant)
            if load.status_code == 308:  # sent to the one spelling, judged there
                target = urlsplit(load.headers["Location"])
                assert (target.path, target.query) == (path, "lang=en"), (label, variant)
            elif role not in roles:  # judged as what it draws: refused, or no page at all
                names_no_page = page_target(unquote(variant)).page is None
                assert load.status_code in (302, 403) or (
                    load.status_code == 200 and names_no_page), (role, label, variant)
            answer = _router(client, headers, variant)
            if role in roles:
                assert answer.status_code in (200, 401, 403), (role, label, variant)
            else:
                assert _draws_nothing_of(answer, role), (role, label, variant, answer.data[:300])
            checked += 1
    assert checked >= 100


@pytest.mark.parametrize("role", ["department_head", "official", "display", None])
def test_a_device_page_judges_the_device_the_layout_gets(world, role):
    """Dash merges the query string into the layout's arguments: `?device_id=` names the
    device drawn, so the guard judges that one, not the one in the path."""
    _, _, clients = world
    client = clients[role]
    headers = _csrf(client)
    allowed_roles = PAGES[f"/devices/{WATER_DEVICE}"]
    search = f"?device_id={WATER_DEVICE}&lang=en"
    load = client.get(f"/devices/{FLOOD_DEVICE}{search}")
    answer = _router(client, headers, f"/devices/{FLOOD_DEVICE}", search)
    if role in allowed_roles:
        assert load.status_code == 200 and answer.status_code == 200
        assert WATER_DEVICE.encode() in answer.data
    else:
        assert load.status_code in (302, 403), role
        assert _draws_nothing_of(answer, role) and WATER_DEVICE.encode() not in answer.data


# -- scope by position: Dash passes values by slot, the guard reads them by id --------------

OWNED_SCOPE = {("domain-id", "data"): "flood", ("device-id", "data"): FLOOD_DEVICE,
               ("report-domain", "value"): "flood",
               ("report-kept", "data"): {"request": {"domain": "flood"}, "lang": "en"}}


def _scoped_callbacks(app) -> list[tuple[str, dict, tuple[str, str]]]:
    from access.rules import rules_of

    rules = rules_of(app.server)
    return [(key, app.callback_map[key], rule.scope) for key, rule in rules.callbacks.items()
            if rule.scope is not None and key in app.callback_map]


def _slots(spec: dict) -> list[dict]:
    return [*spec["inputs"], *spec.get("state", [])]


def _body(key: str, spec: dict, entries: list[dict]) -> dict:
    n = len(spec["inputs"])
    return {**_payload(key, spec), "inputs": entries[:n], "state": entries[n:]}


def test_the_scope_moved_to_another_slot_is_refused(world):
    """For every scoped callback: the department head (flood, air) puts an owned value under
    the scope's id in every other slot, and water where the callback reads its scope; or adds
    the owned scope as an extra entry. Each is refused; the honest owned request is not."""
    app, _, clients = world
    client = clients["department_head"]
    headers = _csrf(client)
    scoped = _scoped_callbacks(app)
    assert len(scoped) >= 6, [k for k, *_ in scoped]
    tried = 0
    for key, spec, scope in scoped:
        slots = _slots(spec)
        here = next(i for i, d in enumerate(slots) if (d["id"], d["property"]) == scope)

        def entry(dep: dict, value) -> dict:
            return {"id": dep["id"], "property": dep["property"], "value": value}

        honest = [entry(d, SCOPE_VALUES.get((d["id"], d["property"]))) for d in slots]
        owned = list(honest)
        owned[here] = entry(slots[here], OWNED_SCOPE[scope])
        answer = client.post("/_dash-update-component", json=_body(key, spec, owned),
                             headers=headers)
        assert answer.status_code not in (401, 403), (key, answer.data[:200])
        for other in range(len(slots)):
            if other == here:
                continue
            moved = list(honest)  # water where the callback reads the scope ...
            moved[here] = {**entry(slots[other], SCOPE_VALUES[scope])}
            moved[other] = entry(slots[here], OWNED_SCOPE[scope])  # ... flood under its id
            answer = client.post("/_dash-update-component", json=_body(key, spec, moved),
                                 headers=headers)
            assert answer.status_code == 403, (key, other, answer.data[:200])
            assert set(answer.get_json()) == {"error", "detail"}
            tried += 1
        extra = [*honest, entry(slots[here], OWNED_SCOPE[scope])]
        for body in (_body(key, spec, extra), {**_body(key, spec, honest),
                                               "state": [*_body(key, spec, honest)["state"],
                                                         entry(slots[here],
                                                               OWNED_SCOPE[scope])]}):
            assert client.post("/_dash-update-component", json=body,
                               headers=headers).status_code == 403, key
    assert tried >= 6


@pytest.mark.parametrize("role", [None, *ROLES])
def test_the_dependency_list_names_only_the_callbacks_a_reader_may_call(world, config, role):
    """Dash's list of callbacks is cut per reader: the signed-out see the public page's and
    the page frame's, nobody sees a callback their role would be refused."""
    app, _, clients = world
    where = _pages_of_outputs(app, config)
    listed = {c["output"] for c in clients[role].get("/_dash-dependencies").get_json()}
    assert ROUTER in listed
    for key, spec in app.callback_map.items():
        if "callback" not in spec or "_pages_content" in key:
            continue
        expected = _callback_expectation(key, spec, where, config)
        scoped = any((d["id"], d["property"]) in SCOPE_VALUES
                     for d in [*spec["inputs"], *spec.get("state", [])])
        # A scoped callback is the department head's in their own domains (flood, air).
        may_call = role in expected or (role == "department_head" and scoped)
        assert (key in listed) == may_call, (role, key)
    if role is None:
        assert not any("admin" in k or "alarm-grid" in k for k in listed)

