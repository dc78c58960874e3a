"""Is a callback request shaped exactly as the callback was declared? Pure: no request.

Dash hands a callback its values by position: the n-th input or state of the request becomes
the n-th argument, whatever id the request put there. So a scope read by component id could
be a different value from the one the callback uses. A request passes only if its inputs and
states are the callback's own, in their order, each naming the declared id and property;
then the scope read by id and property is the argument the callback really gets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

WILDCARD_LISTS = ("ALL", "ALLSMALLER")  # these wildcards give a list of matches; MATCH one


def _declared_id(raw: str) -> str | dict:
    """Dash keeps a pattern-matching id as JSON text with wildcards as ["ALL"] etc."""
    if raw.startswith("{"):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def _wildcard(value: object) -> str | None:
    return value[0] if isinstance(value, list) and len(value) == 1 and isinstance(
        value[0], str) else None


def _id_matches(declared: str | dict, given: object) -> bool:
    if isinstance(declared, str):
        return given == declared
    if not isinstance(given, dict) or set(given) != set(declared):
        return False
    return all(_wildcard(want) is not None or given[key] == want
               for key, want in declared.items())


def _entry_matches(dependency: dict, entry: object) -> bool:
    declared = _declared_id(str(dependency["id"]))
    prop = dependency["property"]
    many = isinstance(declared, dict) and any(
        _wildcard(v) in WILDCARD_LISTS for v in declared.values())
    entries = entry if many else [entry]
    if many and not isinstance(entry, list):
        return False
    return all(isinstance(e, dict) and e.get("property") == prop
               and _id_matches(declared, e.get("id")) for e in entries)


def _group(body: dict, key: str) -> list | None:
    """The request's inputs or states; None when they are not a list (Dash would fail)."""
    group = body.get(key, [])
    return group if isinstance(group, list) else None


def shaped_as_declared(spec: dict, body: dict) -> bool:
    """True when the request's inputs and states are exactly the declared ones, in order."""
    for key, declared in (("inputs", spec.get("inputs") or []), ("state", spec.get("state") or [])):
        given = _group(body, key)
        if given is None or len(given) != len(declared):
            return False
        if not all(_entry_matches(d, e) for d, e in zip(declared, given, strict=True)):
            return False
    return True


def _entries(body: dict) -> Iterator[dict]:
    for key in ("inputs", "state"):
        for item in _group(body, key) or []:
            for entry in item if isinstance(item, list) else [item]:
                if isinstance(entry, dict):
                    yield entry


def values_of(body: dict, component_id: str, prop: str) -> list:
    """Every value the request gives (component_id, prop); in a request shaped as declared,
    these are the very arguments the callback receives for it."""
    return [e.get("value") for e in _entries(body)
            if e.get("id") == component_id and e.get("property") == prop]
