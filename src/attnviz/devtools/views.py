"""Drawing lazily drawn views in browser tests and screenshots (issue 10): views draw when they near the viewport."""

from __future__ import annotations

VIEWS = "div[id^=bertviz-], .attnviz-headmap"

# Open the closed tab or dropdown a view sits in (sphinx-design tabs: an <input> + <label> before
# the .sd-tab-content; dropdowns: <details>), so that the view has a box and can come into view.
REVEAL = """root => {
    for (let el = root; el; el = el.parentElement) {
        if (el.tagName === 'DETAILS' && !el.open) el.open = true;
        if (el.classList && el.classList.contains('sd-tab-content')) {
            const label = el.previousElementSibling;
            if (label && label.tagName === 'LABEL' && getComputedStyle(el).display === 'none') label.click();
        }
    }
}"""


def draw(root, timeout: float = 20_000) -> None:
    """Bring one view into view (opening its tab or dropdown) and wait until it has drawn."""
    root.evaluate(REVEAL)
    root.scroll_into_view_if_needed()
    root.locator("xpath=self::*[@data-attnviz-drawn]").wait_for(state="attached", timeout=timeout)


def draw_all(page, selector: str = VIEWS) -> list:
    """Every view on the page, each drawn (in page order)."""
    roots = page.locator(selector)
    views = [roots.nth(i) for i in range(roots.count())]
    for root in views:
        draw(root)
    return views
