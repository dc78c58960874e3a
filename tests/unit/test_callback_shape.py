"""A callback request passes only in the shape its callback was declared with (Dash hands
values over by position, so an id in the wrong slot would be judged but not used)."""

from __future__ import annotations

from access.callback_shape import shaped_as_declared, values_of

SPEC = {"inputs": [{"id": "live-tick", "property": "n_intervals"},
                   {"id": "domain-id", "property": "data"}],
        "state": [{"id": "page-lang", "property": "data"}]}
LAYERS = {"inputs": [{"id": "map-filter", "property": "value"}],
          "state": [{"id": '{"domain":["ALL"],"type":"domain-layer"}', "property": "hideout"}]}


def _e(cid, prop, value=None) -> dict:
    return {"id": cid, "property": prop, "value": value}


def honest(domain="flood") -> dict:
    return {"inputs": [_e("live-tick", "n_intervals", 3), _e("domain-id", "data", domain)],
            "state": [_e("page-lang", "data", "en")]}


def test_the_declared_shape_passes_and_its_scope_is_the_argument_used():
    body = honest()
    assert shaped_as_declared(SPEC, body)
    assert values_of(body, "domain-id", "data") == ["flood"]


def test_ids_moved_between_slots_are_refused():
    body = honest("water")
    body["inputs"][0], body["inputs"][1] = _e("domain-id", "data", "flood"), _e(
        "live-tick", "n_intervals", "water")
    assert not shaped_as_declared(SPEC, body)
    body = honest("water")
    body["inputs"][1] = _e("somewhere-else", "data", "water")  # the scope slot renamed
    body["state"][0] = _e("domain-id", "data", "flood")
    assert not shaped_as_declared(SPEC, body)


def test_extra_missing_or_reordered_entries_are_refused():
    body = honest()
    body["state"].append(_e("domain-id", "data", "flood"))
    assert not shaped_as_declared(SPEC, body)
    body = honest()
    body["inputs"].pop()
    assert not shaped_as_declared(SPEC, body)
    body = honest()
    body["inputs"].reverse()
    assert not shaped_as_declared(SPEC, body)
    body = honest()
    body["inputs"][0]["property"] = "data"
    assert not shaped_as_declared(SPEC, body)
    assert not shaped_as_declared(SPEC, {"inputs": "nonsense", "state": None})


def test_pattern_matching_inputs_take_every_match_of_the_pattern_and_nothing_else():
    layers = [{"id": {"type": "domain-layer", "domain": d}, "property": "hideout", "value": {}}
              for d in ("flood", "water")]
    body = {"inputs": [_e("map-filter", "value", [])], "state": [layers]}
    assert shaped_as_declared(LAYERS, body)
    assert shaped_as_declared(LAYERS, {"inputs": body["inputs"], "state": [[]]})
    wrong_type = [{**layers[0], "id": {"type": "other", "domain": "flood"}}]
    assert not shaped_as_declared(LAYERS, {"inputs": body["inputs"], "state": [wrong_type]})
    extra_key = [{**layers[0], "id": {"type": "domain-layer", "domain": "x", "more": 1}}]
    assert not shaped_as_declared(LAYERS, {"inputs": body["inputs"], "state": [extra_key]})
    assert not shaped_as_declared(LAYERS, {"inputs": body["inputs"], "state": [layers[0]]})


def test_a_callback_without_state_may_omit_it():
    spec = {"inputs": [{"id": "a", "property": "b"}], "state": []}
    assert shaped_as_declared(spec, {"inputs": [_e("a", "b")]})
    assert not shaped_as_declared(spec, {"inputs": _e("a", "b")})  # Dash needs a list
