"""Drawing lazily drawn views in browser tests and screenshots (issue 10): views draw when they near the viewport."""

from __future__ import annotations

from importlib import resources

VIEWS = "div[id^=bertviz-], .attnviz-headmap"

# Opens the closed tab or dropdown a view sits in, so that the view can come into view.
REVEAL = resources.files("attnviz_devtools").joinpath("reveal.js").read_text(encoding="utf-8")


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
