"""Drawing lazily drawn views in browser tests and screenshots (issue 10): views draw when they near the viewport."""

from __future__ import annotations

from importlib import resources

# Every lazily drawn view has one data tag naming its root element (attnviz.views.lazy_tag), whatever its kind.
TAGS = "script[data-attnviz-view]"

# Opens the closed tab or dropdown a view sits in, so that the view can come into view.
REVEAL = resources.files("attnviz_devtools").joinpath("reveal.js").read_text(encoding="utf-8")


def draw(root, timeout: float = 20_000) -> None:
    """Bring one view into view (opening its tab or dropdown) and wait until it has drawn."""
    root.evaluate(REVEAL)
    root.scroll_into_view_if_needed()
    root.locator("xpath=self::*[@data-attnviz-drawn]").wait_for(state="attached", timeout=timeout)


def roots(page) -> list:
    """The root element of every lazily drawn view on the page, of every registered kind (in page order)."""
    tags = page.locator(TAGS)
    return [page.locator(f"[id='{tags.nth(i).get_attribute('data-root')}']") for i in range(tags.count())]


def draw_all(page, selector: str | None = None) -> list:
    """Every view on the page (or every element that ``selector`` finds), each drawn (in page order)."""
    if selector is None:
        views = roots(page)
    else:
        found = page.locator(selector)
        views = [found.nth(i) for i in range(found.count())]
    for root in views:
        draw(root)
    return views
