"""axe-core (installed from npm by `make axe`) run in the page: the accessibility gate of the
browser tests. No critical or serious violation may remain on any page."""

from __future__ import annotations

import pytest

from data_access.settings import ROOT

AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
GATE = ("critical", "serious")


def axe_violations(page, impacts: tuple[str, ...] = GATE) -> list[str]:
    """The page's violations of those impacts, one line each: rule, impact, what to fix,
    where (the first three elements). A violation seen while the page was still being drawn
    counts only if it is still there once the page has settled."""
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE.relative_to(ROOT)}): `make axe`, which "
                    "`make test` runs, installs it from npm")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script>: the page's CSP holds
    found = _run(page, impacts)
    if found:  # read while Dash was still drawing? Once the page has settled, read again
        page.wait_for_load_state("networkidle")
        found = _run(page, impacts)
    return found


def _run(page, impacts: tuple[str, ...]) -> list[str]:
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{[n['target'] for n in v['nodes'][:3]]} ({len(v['nodes'])} in all)"
            for v in result["violations"] if v["impact"] in impacts]


def axe_rule(page, rule: str, within: str = "body") -> list[str]:
    """One rule, on what `within` selects, whatever its tags (target-size is WCAG 2.2's and
    off by default): its violations, one line each."""
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE.relative_to(ROOT)}): `make axe`")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "([within, rule]) => axe.run(within, {runOnly: {type: 'rule', values: [rule]},"
        " resultTypes: ['violations']})", [within, rule])
    return [f"{v['id']} ({v['impact']}): {n['target']} {n.get('failureSummary', '')[:120]}"
            for v in result["violations"] for n in v["nodes"][:5]]
