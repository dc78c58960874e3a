"""Sign-in, sessions, CSRF, failed-sign-in limits and display tokens, against real SQL and
Redis (SQLite + embedded Redis always; PostgreSQL + the Redis server when present)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from access import users
from access.login import DISPLAY_COOKIE
from data_access import streams
from data_access.models import AlarmEvent
from tests.integration.helpers import TEST_PASSWORD, alarm_held, signed_in

KPI_CALLBACK = {"output": "kpi-strip.children",
                "outputs": {"id": "kpi-strip", "property": "children"},
                "inputs": [{"id": "live-tick", "property": "n_intervals", "value": 1}],
                "state": [{"id": "page-lang", "property": "data", "value": "en"}],
                "changedPropIds": ["live-tick.n_intervals"]}


@pytest.fixture
def app(backend):
    from app import create_app

    return create_app(backend.settings)


def _form_token(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)


def _sign_in(client, name: str, password: str):
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": _form_token(client)})


def _csrf_header(client) -> dict:
    client.get("/")
    return {"X-CSRFToken": client.get_cookie("_csrf_token").value}


def test_sign_in_gives_a_new_session_and_sign_out_ends_it(app, backend):
    client = app.server.test_client()
    users.create_user(backend.engine, "eleni", "operator", TEST_PASSWORD)
    _form_token(client)
    before = client.get_cookie("cityops_session").value
    answer = _sign_in(client, "Eleni", TEST_PASSWORD)  # names are not case-sensitive
    assert answer.status_code == 302
    during = client.get_cookie("cityops_session").value
    assert during != before  # a session id seen before sign-in is worth nothing after
    assert client.get("/map").status_code == 200
    # Someone holding the pre-sign-in cookie does not get in.
    stale = app.server.test_client()
    stale.set_cookie("cityops_session", before)
    assert stale.get("/map").status_code == 302
    # Sign-out needs the CSRF token; then the session is gone, even for a copied cookie.
    copy = app.server.test_client()
    copy.set_cookie("cityops_session", during)
    assert client.post("/logout").status_code == 403
    token = client.get_cookie("_csrf_token").value
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/map").status_code == 302
    assert copy.get("/map").status_code == 302
    assert "/login" in copy.get("/map").headers["Location"]


def test_a_password_reset_ends_the_sessions_signed_in_before(app, backend, monkeypatch):
    from access import login

    monkeypatch.setattr(login, "PRINCIPAL_TTL_S", 0.0)  # no cached principal in between
    users.create_user(backend.engine, "eleni", "operator", TEST_PASSWORD)
    laptop, tablet = app.server.test_client(), app.server.test_client()
    for client in (laptop, tablet):
        assert _sign_in(client, "eleni", TEST_PASSWORD).status_code == 302
    users.set_password(backend.engine, "eleni", "a brand new long password")
    assert laptop.get("/map").status_code == 302 and tablet.get("/map").status_code == 302
    assert _sign_in(laptop, "eleni", "a brand new long password").status_code == 302
    assert laptop.get("/map").status_code == 200


def test_session_cookie_is_httponly_and_samesite(app, backend):
    client = app.server.test_client()
    users.create_user(backend.engine, "eleni", "operator", TEST_PASSWORD)
    answer = _sign_in(client, "eleni", TEST_PASSWORD)
    cookie = next(h for h in answer.headers.getlist("Set-Cookie")
                  if h.startswith("cityops_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_says_so_and_a_disabled_user_cannot_sign_in(app, backend, config):
    client = app.server.test_client()
    users.create_user(backend.engine, "eleni", "operator", TEST_PASSWORD)
    wrong = _sign_in(client, "eleni", "not the password at all")
    assert "Λάθος όνομα χρήστη ή κωδικός" in wrong.text  # the city's language by default
    assert client.get("/map").status_code == 302  # and not signed in
    users.update_user(backend.engine, "eleni", "operator", (), [d.id for d in config.domains],
                      active=False)
    assert "Λάθος όνομα" in _sign_in(client, "eleni", TEST_PASSWORD).text


def test_failed_sign_ins_are_limited_per_account_and_per_address(app, backend):
    users.create_user(backend.engine, "eleni", "operator", TEST_PASSWORD)
    users.create_user(backend.engine, "nikos", "operator", TEST_PASSWORD)
    client = app.server.test_client()
    for _ in range(5):
        assert "Λάθος όνομα" in _sign_in(client, "eleni", "guess guess guess").text
    # The account is now closed for a while, even to the right password...
    blocked = _sign_in(client, "eleni", TEST_PASSWORD)
    assert blocked.status_code == 429
    assert "Too many failed attempts" in blocked.text or "Πολλές αποτυχημένες" in blocked.text
    # ...while another account from the same address still signs in.
    assert _sign_in(app.server.test_client(), "nikos", TEST_PASSWORD).status_code == 302
    # An address that keeps guessing across accounts is closed too.
    guesser = app.server.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for i in range(20):
        _sign_in(guesser, f"nobody{i}", "guess guess guess")
    assert _sign_in(guesser, "nikos", TEST_PASSWORD).status_code == 429


def test_signed_in_callbacks_need_the_csrf_token(app, backend):
    client = signed_in(app.server.test_client(), backend)
    assert client.post("/_dash-update-component", json=KPI_CALLBACK).status_code == 403
    forged = client.post("/_dash-update-component", json=KPI_CALLBACK,
                         headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 403
    good = client.post("/_dash-update-component", json=KPI_CALLBACK,
                       headers=_csrf_header(client))
    assert good.status_code == 200 and b"kpi-card" in good.data
    # The sign-in form refuses a post without its token.
    refused = client.post("/login", data={"name": "x", "password": "y"})
    assert refused.status_code == 400


def test_an_alarm_action_records_the_signed_in_user(app, backend):
    from ingest.workers import Workers

    workers = Workers(backend.redis, backend.engine, backend.config, seed=1).start()
    try:
        backend.redis.xadd(streams.ALARMS, {
            "event": "raised", "alarm_id": "acc-1", "device_id": "water_meter-avlida-00001",
            "domain": "water", "severity": "major", "type": "t", "message": "m",
            "ts": "2026-11-22T10:00:00+00:00"})
        alarm_held(backend.engine, "acc-1")  # an action on an alarm not held is refused
        client = signed_in(app.server.test_client(), backend, "operator")
        answer = client.post("/_dash-update-component", headers=_csrf_header(client), json={
            "output": "..console-msg.children...console-msg.className..",
            "outputs": [{"id": "console-msg", "property": "children"},
                        {"id": "console-msg", "property": "className"}],
            "inputs": [{"id": "ack-selected", "property": "n_clicks", "value": 1}],
            "state": [{"id": "alarm-grid", "property": "selectedRows",
                       "value": [{"alarm_id": "acc-1"}]},
                      {"id": "page-lang", "property": "data", "value": "en"}],
            "changedPropIds": ["ack-selected.n_clicks"]})
        assert answer.status_code == 200, answer.data
        with backend.engine.connect() as conn:
            who = conn.execute(select(AlarmEvent.user).where(
                AlarmEvent.alarm_id == "acc-1", AlarmEvent.event == "acknowledged")).scalar()
        assert who == "test-operator"
    finally:
        workers.shutdown()


def test_a_department_head_cannot_act_on_an_alarm_before_it_is_raised(app, backend):
    """Shelving another domain's alarm id that no producer has raised yet: refused with a
    message that says so, and nothing reaches the alarms stream."""
    client = signed_in(app.server.test_client(), backend, "department_head", ("flood",))
    before = backend.redis.xlen(streams.ALARMS)
    answer = client.post("/_dash-update-component", headers=_csrf_header(client), json={
        "output": "..detail-msg.children...detail-msg.className..",
        "outputs": [{"id": "detail-msg", "property": "children"},
                    {"id": "detail-msg", "property": "className"}],
        "inputs": [{"id": i, "property": "n_clicks", "value": 1 if i == "act-shelve" else None}
                   for i in ("act-ack", "act-shelve", "act-unshelve", "act-assign",
                             "act-comment")],
        "state": [{"id": "detail-id", "property": "data",
                   "value": "water_meter-avlida-00001|leak"},
                  {"id": "act-shelve-min", "property": "value", "value": 60},
                  {"id": "act-department", "property": "value", "value": None},
                  {"id": "act-note", "property": "value", "value": None},
                  {"id": "page-lang", "property": "data", "value": "en"}],
        "changedPropIds": ["act-shelve.n_clicks"]})
    assert answer.status_code == 200, answer.data
    assert b"No such alarm (or not raised yet); nothing was done." in answer.data
    assert b"form-error" in answer.data
    assert backend.redis.xlen(streams.ALARMS) == before


def test_display_token_signs_a_screen_in_until_revoked(app, backend, monkeypatch):
    from access import login

    monkeypatch.setattr(login, "PRINCIPAL_TTL_S", 0.0)  # workers re-read tokens every 5 s
    token, raw = users.create_display_token(backend.engine, "Control room", "test")
    screen = app.server.test_client()
    entry = screen.get(f"/display/{raw}?mode=wall&rotate=30")
    assert entry.status_code == 302 and entry.headers["Location"] == "/?mode=wall&rotate=30"
    assert screen.get("/").status_code == 200
    assert screen.get("/reports").status_code == 403  # read-only: no reports
    # The session is lost (restart, expiry): the stored token signs the screen in again.
    screen.delete_cookie("cityops_session")
    assert screen.get("/").status_code == 200
    assert screen.get_cookie(DISPLAY_COOKIE) is not None
    users.revoke_display_token(backend.engine, token.id)
    assert screen.get("/").headers["Location"] == "/login?revoked=1"
    assert screen.post("/_dash-update-component", json=KPI_CALLBACK).status_code == 401
    assert app.server.test_client().get(f"/display/{raw}").headers["Location"] \
        == "/login?revoked=1"


def test_next_after_sign_in_stays_on_this_site(app, backend):
    users.create_user(backend.engine, "eleni", "operator", TEST_PASSWORD)
    client = app.server.test_client()
    token = _form_token(client)
    answer = client.post("/login?next=//evil.example/x", data={
        "name": "eleni", "password": TEST_PASSWORD, "csrf_token": token})
    assert answer.headers["Location"] == "/"
    sneaky = client.post("/login?next=/%5Cevil.example/x", data={
        "name": "eleni", "password": TEST_PASSWORD, "csrf_token": _form_token(client)})
    assert sneaky.headers["Location"] == "/"


def test_each_role_lands_on_its_own_first_page(app, backend):
    """No page asked for: an official on the city page, a department head on the first of
    their domains (in the city's order), an operator on the overview; a page asked for
    wins, the language asked for stays."""
    users.create_user(backend.engine, "mayor", "official", TEST_PASSWORD)
    users.create_user(backend.engine, "nikos", "department_head", TEST_PASSWORD,
                      ("water", "waste"), [d.id for d in backend.config.domains])
    users.create_user(backend.engine, "eleni", "operator", TEST_PASSWORD)
    first_owned = next(d.id for d in backend.config.domains if d.id in ("water", "waste"))

    def lands(name: str, query: str = "") -> str:
        client = app.server.test_client()
        answer = client.post(f"/login{query}", data={
            "name": name, "password": TEST_PASSWORD, "csrf_token": _form_token(client)})
        assert answer.status_code == 302
        return answer.headers["Location"]

    assert lands("mayor") == "/city"
    assert lands("mayor", "?next=/%3Flang%3Den") == "/city?lang=en"
    assert lands("mayor", "?next=/map") == "/map"
    assert lands("nikos") == f"/domains/{first_owned}"
    assert lands("eleni") == "/"


def test_cli_creates_a_user_whose_printed_password_signs_in(app, backend):
    result = app.server.test_cli_runner().invoke(args=[
        "users", "create", "sofia", "--role", "department_head", "--domains", "water"])
    assert result.exit_code == 0, result.output
    password = result.output.rsplit(" ", 1)[1].strip()
    assert users.authenticate(backend.engine, "sofia", password).domains == ("water",)
    bad = app.server.test_cli_runner().invoke(args=[
        "users", "create", "sofia2", "--role", "department_head"])
    assert bad.exit_code != 0 and "user_need_domains" in bad.output


def test_behind_a_proxy_failed_sign_ins_count_per_forwarded_address(backend):
    from dataclasses import replace

    from app import create_app

    users.create_user(backend.engine, "nikos", "operator", TEST_PASSWORD)
    app = create_app(replace(backend.settings, proxy_hops=1))
    guesser, citizen = app.server.test_client(), app.server.test_client()
    guesser.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    citizen.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.8"
    for i in range(20):
        _sign_in(guesser, f"nobody{i}", "guess guess guess")
    assert _sign_in(guesser, "nikos", TEST_PASSWORD).status_code == 429
    # Same proxy (same remote address), another visitor: not punished for the guesser.
    assert _sign_in(citizen, "nikos", TEST_PASSWORD).status_code == 302


def test_every_spelling_of_a_name_counts_against_the_same_account(app, backend):
    """Spaces, case and compatibility forms (full-width letters) are one name for the
    lookup and for the per-account limit alike: they cannot buy more guesses."""
    users.create_user(backend.engine, "mayor", "official", TEST_PASSWORD)
    assert users.normalise_name(" \uff2d\uff41\uff39\uff4f\uff52\u00a0") == "mayor"
    spellings = ["mayor ", " MAYOR", "Mayor\t", "\uff4d\uff41\uff59\uff4f\uff52", "mAyOr\u00a0"]
    for i, spelt in enumerate(spellings):
        client = app.server.test_client()
        client.environ_base["REMOTE_ADDR"] = f"198.51.100.{i + 1}"  # a new address each time
        assert "login-msg error" in _sign_in(client, spelt, "guess guess guess").text
    late = app.server.test_client()
    late.environ_base["REMOTE_ADDR"] = "198.51.100.99"
    assert _sign_in(late, "mayor", TEST_PASSWORD).status_code == 429
    # ...whichever way it is spelt.
    assert _sign_in(app.server.test_client(), "  MAYOR ", TEST_PASSWORD).status_code == 429


class CountingHasher:
    """The real Argon2 hasher, watched: how many checks ran, and the most at once."""

    def __init__(self, real) -> None:
        import threading

        self.real, self.lock = real, threading.Lock()
        self.checks = self.running = self.peak = 0

    def verify(self, stored: str, password: str) -> bool:
        with self.lock:
            self.checks += 1
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            return self.real.verify(stored, password)
        finally:
            with self.lock:
                self.running -= 1

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_burst_of_wrong_sign_ins_is_counted_before_any_password_is_checked(
        app, backend, monkeypatch):
    """40 wrong sign-ins at once from one address: the address's 20 are claimed atomically
    before hashing, so exactly 20 passwords are checked and 20 answered 429 unhashed; and no
    more checks run at once than the process allows (64 MiB each)."""
    from concurrent.futures import ThreadPoolExecutor

    from access import passwords

    hasher = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", hasher)
    clients = []
    for _ in range(40):
        client = app.server.test_client()
        client.environ_base["REMOTE_ADDR"] = "203.0.113.40"
        clients.append((client, _form_token(client)))
    import threading

    start = threading.Barrier(40)

    def attempt(i: int) -> int:
        client, token = clients[i]
        start.wait()
        return client.post("/login", data={"name": f"guess{i}", "password": "wrong wrong",
                                           "csrf_token": token}).status_code

    with ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(attempt, range(40)))
    assert sorted(statuses) == [200] * 20 + [429] * 20
    assert hasher.checks == 20
    assert 1 <= hasher.peak <= passwords.CHECKS_AT_ONCE


def test_a_sign_in_that_finds_every_check_slot_taken_is_told_to_retry_and_not_counted(
        app, backend, monkeypatch):
    import threading

    from access import passwords

    users.create_user(backend.engine, "eleni", "operator", TEST_PASSWORD)
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(passwords, "_checks", slots)
    monkeypatch.setattr(passwords, "QUEUE_WAIT_S", 0.01)
    client = app.server.test_client()
    assert slots.acquire()  # another sign-in is being checked for as long as this lasts
    for _ in range(6):  # more than the account's limit: none of them counts
        busy = _sign_in(client, "eleni", TEST_PASSWORD)
        assert busy.status_code == 429 and busy.headers["Retry-After"] == "5"
        assert "checking many sign-ins" in busy.text or "ελέγχει πολλές" in busy.text
    slots.release()
    assert _sign_in(client, "eleni", TEST_PASSWORD).status_code == 302


def test_successful_sign_ins_do_not_use_up_an_address(app, backend):
    """An office behind one address: more sign-ins than the per-address limit, all right."""
    from access.throttle import PER_ADDRESS

    users.create_user(backend.engine, "eleni", "operator", TEST_PASSWORD)
    for _ in range(PER_ADDRESS + 2):
        client = app.server.test_client()
        client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
        assert _sign_in(client, "eleni", TEST_PASSWORD).status_code == 302
