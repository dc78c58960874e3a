"""Users and display tokens in SQL. What leaves this module never carries a password hash
or a token: callers get UserView / TokenView, and a new token's secret exactly once."""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, Select, func, select, update
from sqlalchemy.orm import Session

from access import passwords
from access.policy import DOMAIN_BOUND_ROLES, ROLES, Principal
from data_access.models import DisplayToken, User

USER_ROLES = tuple(r for r in ROLES if r != "display")  # screens sign in by token, not password
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


MAX_TYPED_NAME = 200  # longer input is no user's name: cut before it is normalised or keyed


def normalise_name(typed: str | None) -> str:
    """The one form of a user name, for lookup and for every sign-in limit alike: Unicode
    NFKC (full-width and compatibility letters fold to plain ones), trimmed, case-folded."""
    folded = unicodedata.normalize("NFKC", (typed or "")[:MAX_TYPED_NAME]).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


class UserError(ValueError):
    """What the admin must correct; the message is a catalogue key."""


@dataclass(frozen=True)
class UserView:
    id: int
    name: str
    full_name: str
    role: str
    domains: tuple[str, ...]
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    stamp: str = ""  # changes with the password: sessions signed in before a reset end

    def principal(self) -> Principal:
        return Principal(self.name, self.role, frozenset(self.domains), user_id=self.id)

    @property
    def session_key(self) -> str:
        return f"u:{self.id}:{self.stamp}"


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def principal(self) -> Principal:
        return Principal(f"display:{self.name}", "display", token_id=self.id)


def _first(engine: Engine, query: Select):
    with Session(engine, expire_on_commit=False) as session:
        return session.scalars(query).first()


def _view(u: User) -> UserView:
    return UserView(u.id, u.name, u.full_name, u.role, tuple(u.domains or ()), u.active,
                    u.created_at, u.last_login_at,
                    hashlib.sha256(u.password_hash.encode()).hexdigest()[:16])


def _token_view(t: DisplayToken) -> TokenView:
    return TokenView(t.id, t.name, t.created_by, t.created_at, t.revoked_at, t.last_used_at)


def check_user(name: str, role: str, domains: Iterable[str], known_domains: Iterable[str]) -> \
        tuple[str, tuple[str, ...]]:
    """The normalised name and domains, or UserError naming what is wrong."""
    name = normalise_name(name)
    if not NAME_PATTERN.match(name):
        raise UserError("user_bad_name")
    if role not in USER_ROLES:
        raise UserError("user_bad_role")
    chosen = tuple(sorted(set(domains or ())))
    if role not in DOMAIN_BOUND_ROLES:
        return name, ()
    if not chosen:
        raise UserError("user_need_domains")
    if set(chosen) - set(known_domains):
        raise UserError("user_bad_domains")
    return name, chosen


def _hashed(password: str) -> str:
    try:
        return passwords.hash_password(password)
    except passwords.Busy as err:
        raise UserError("password_busy") from err


def create_user(engine: Engine, name: str, role: str, password: str,
                domains: Iterable[str] = (), known_domains: Iterable[str] = (),
                full_name: str = "") -> UserView:
    name, domains = check_user(name, role, domains, known_domains)
    if (problem := passwords.weakness(password, name)) is not None:
        raise UserError(problem)
    with engine.begin() as conn:
        if conn.execute(select(User.id).where(User.name == name)).first():
            raise UserError("user_exists")
        conn.execute(User.__table__.insert().values(
            name=name, full_name=full_name.strip()[:200], role=role, domains=list(domains),
            password_hash=_hashed(password), active=True,
            created_at=datetime.now(UTC)))
    return find_user(engine, name)


def authenticate(engine: Engine, name: str, password: str) -> UserView | None:
    """The active user with this name and password, or None (same time either way).
    Raises passwords.Busy when the server is checking too many passwords at once."""
    name = normalise_name(name)
    user = _first(engine, select(User).where(User.name == name))
    if not passwords.verify(user.password_hash if user else None, password) or not user.active:
        return None
    values: dict = {"last_login_at": datetime.now(UTC)}
    if passwords.needs_rehash(user.password_hash):
        with contextlib.suppress(passwords.Busy):  # then at a quieter sign-in
            values["password_hash"] = passwords.hash_password(password)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user.id).values(**values))
    return _view(user)


def find_user(engine: Engine, name: str) -> UserView | None:
    user = _first(engine, select(User).where(User.name == normalise_name(name)))
    return _view(user) if user else None


def active_user(engine: Engine, user_id: int) -> UserView | None:
    user = _first(engine, select(User).where(User.id == user_id, User.active.is_(True)))
    return _view(user) if user else None


def list_users(engine: Engine) -> list[UserView]:
    with Session(engine) as session:
        return [_view(u) for u in session.scalars(select(User).order_by(User.name))]


def count_users(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(User)).scalar_one()


def update_user(engine: Engine, name: str, role: str, domains: Iterable[str],
                known_domains: Iterable[str], active: bool = True,
                full_name: str | None = None) -> UserView:
    current = find_user(engine, name)
    if current is None:
        raise UserError("user_unknown")
    _, domains = check_user(current.name, role, domains, known_domains)
    values: dict = {"role": role, "domains": list(domains), "active": active}
    if full_name is not None:
        values["full_name"] = full_name.strip()[:200]
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == current.id).values(**values))
    return find_user(engine, current.name)


def set_password(engine: Engine, name: str, password: str) -> None:
    current = find_user(engine, name)
    if current is None:
        raise UserError("user_unknown")
    if (problem := passwords.weakness(password, current.name)) is not None:
        raise UserError(problem)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == current.id)
                     .values(password_hash=_hashed(password)))


def _sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_display_token(engine: Engine, name: str, created_by: str) -> tuple[TokenView, str]:
    """A new screen's token; the raw secret is returned here and never again."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 120:
        raise UserError("token_bad_name")
    raw = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        token_id = conn.execute(DisplayToken.__table__.insert().values(
            name=name, token_sha256=_sha256(raw), created_by=created_by,
            created_at=datetime.now(UTC))).inserted_primary_key[0]
    return display_token(engine, token_id, include_revoked=True), raw


def redeem_display_token(engine: Engine, raw: str) -> TokenView | None:
    """The live token with this secret (None if unknown or revoked); notes when it was used."""
    if not raw or len(raw) > 200:
        return None
    token = _first(engine, select(DisplayToken).where(
        DisplayToken.token_sha256 == _sha256(raw), DisplayToken.revoked_at.is_(None)))
    if token is None:
        return None
    with engine.begin() as conn:
        conn.execute(update(DisplayToken).where(DisplayToken.id == token.id)
                     .values(last_used_at=datetime.now(UTC)))
    return _token_view(token)


def display_token(engine: Engine, token_id: int, include_revoked: bool = False) -> TokenView | None:
    query = select(DisplayToken).where(DisplayToken.id == token_id)
    if not include_revoked:
        query = query.where(DisplayToken.revoked_at.is_(None))
    token = _first(engine, query)
    return _token_view(token) if token else None


def list_display_tokens(engine: Engine) -> list[TokenView]:
    with Session(engine) as session:
        return [_token_view(t) for t in session.scalars(
            select(DisplayToken).order_by(DisplayToken.revoked_at.is_not(None),
                                          DisplayToken.name))]


def revoke_display_token(engine: Engine, token_id: int) -> bool:
    with engine.begin() as conn:
        done = conn.execute(update(DisplayToken).where(
            DisplayToken.id == token_id, DisplayToken.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))).rowcount
    return bool(done)
