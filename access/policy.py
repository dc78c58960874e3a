"""Roles and what each may do. Pure: no request, no database; the guard asks it.

A permission may be scoped by domain: a department head holds it for their own domains only;
the other roles that hold it hold it for every domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PUBLIC = "public"  # anyone, signed in or not: the citizens' view, sign-in, static files
SIGNED_IN = "signed_in"  # anyone signed in: the frame around every page
OPS_VIEW = "ops.view"  # overview, map, alarm lists and console (read), device popups
CITY_VIEW = "city.view"  # the city page
DOMAIN_VIEW = "domain.view"  # a domain page (scoped)
DEVICE_VIEW = "device.view"  # a device page with its history (scoped by its domain)
REPORTS = "reports.use"  # reports and their downloads (scoped)
ALARM_ACT = "alarms.act"  # acknowledge, shelve, unshelve, assign, comment (scoped)
USERS_ADMIN = "users.admin"  # users and display tokens

PERMISSIONS = (OPS_VIEW, CITY_VIEW, DOMAIN_VIEW, DEVICE_VIEW, REPORTS, ALARM_ACT, USERS_ADMIN)
SCOPED = frozenset({DOMAIN_VIEW, DEVICE_VIEW, REPORTS, ALARM_ACT})

ROLES = ("admin", "operator", "department_head", "official", "display")
GRANTS: dict[str, frozenset[str]] = {
    "admin": frozenset(PERMISSIONS),
    "operator": frozenset({OPS_VIEW, CITY_VIEW, DOMAIN_VIEW, DEVICE_VIEW, REPORTS, ALARM_ACT}),
    "department_head": frozenset({OPS_VIEW, CITY_VIEW, DOMAIN_VIEW, DEVICE_VIEW, REPORTS,
                                  ALARM_ACT}),
    "official": frozenset({OPS_VIEW, CITY_VIEW, DOMAIN_VIEW, DEVICE_VIEW}),
    "display": frozenset({OPS_VIEW, CITY_VIEW, DOMAIN_VIEW}),
}
DOMAIN_BOUND_ROLES = frozenset({"department_head"})  # scoped permissions: own domains only
ANY_DOMAIN = None  # "in at least one domain": may the page open at all


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in user, or a wall screen signed in by its display token."""

    name: str
    role: str
    domains: frozenset[str] = field(default_factory=frozenset)
    user_id: int | None = None
    token_id: int | None = None

    def may(self, permission: str, domain: str | None = ANY_DOMAIN) -> bool:
        return allowed(self, permission, domain)


def allowed(who: Principal | None, permission: str, domain: str | None = ANY_DOMAIN) -> bool:
    """May `who` (None: nobody signed in) do `permission`, in `domain` when it is scoped?

    `domain=None` asks whether the permission is held in any domain (may the reports page
    open); an empty string is a scope that could not be found, and is refused to anyone
    bound to domains."""
    if permission == PUBLIC:
        return True
    if who is None:
        return False
    if permission == SIGNED_IN:
        return True
    if permission not in GRANTS.get(who.role, frozenset()):
        return False
    if permission in SCOPED and who.role in DOMAIN_BOUND_ROLES:
        return bool(who.domains) if domain is None else domain in who.domains
    return True


def may_act_on(who: Principal | None, domains: list[str | None]) -> bool:
    """Alarm actions: every alarm's domain must be one `who` may act in (an alarm without a
    domain, e.g. from another producer, is for those who act in every domain)."""
    return all(allowed(who, ALARM_ACT, d or "") for d in domains)


def domains_for(who: Principal | None, permission: str, domain_ids: list[str]) -> list[str]:
    """The domains, in the city's order, where `who` holds `permission` (menus, tabs, forms
    offer only these)."""
    return [d for d in domain_ids if allowed(who, permission, d)]


def first_page(who: Principal, domain_ids: list[str]) -> str:
    """Where a role lands after signing in when no page was asked for: an official on the
    city page, a department head on the first of their domains (in the city's order),
    operators, administrators and wall screens on the overview."""
    if who.role == "official":
        return "/city"
    if who.role in DOMAIN_BOUND_ROLES:
        own = domains_for(who, DOMAIN_VIEW, domain_ids)
        if own:
            return f"/domains/{own[0]}"
    return "/"
