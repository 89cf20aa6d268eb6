"""Accessibility of every built page, checked by axe-core (axe-playwright-python bundles axe.min.js, so
nothing is fetched): zero serious or critical violations once every view has drawn (issue 12)."""

from __future__ import annotations

import pytest

from attnviz.devtools.site import built_pages

pytestmark = pytest.mark.browser
SEVERE = {"serious", "critical"}


def draw_everything(page) -> None:
    """Scroll through the page so that lazily drawn views draw, then wait for them."""
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height + 900, 700):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    page.wait_for_timeout(300)


def severe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in SEVERE:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
            found.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): {targets}")
    return found


@pytest.mark.parametrize("doc", built_pages())
def test_no_serious_or_critical_axe_violations(open_page, doc):
    page, _ = open_page(doc)
    draw_everything(page)
    assert severe_violations(page) == []
