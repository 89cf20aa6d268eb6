"""The built site in headless Chromium: every page draws each view its code made, offline, and Japanese search
works.

This is the one home of "every view of every page draws, with no JS error, no failed and no off-site request";
test_browser_views.py drives the views' controls, test_browser_chapters_*.py what single chapters show.
"""

from __future__ import annotations

import re

import pytest

from attnviz_devtools.project import html_of, shown_outputs
from attnviz_devtools.site import built_pages
from attnviz_devtools.views import draw_all

pytestmark = pytest.mark.browser
PAGES = built_pages()  # book/index.html included
# A view in a notebook output, before the site rewrites it: BERTviz's own <div id="bertviz-…">, attnviz's head map.
VIEW = re.compile(r"""id=["']?bertviz-|class=["']attnviz-headmap["' ]""")


def views_made(doc: str) -> int:
    """How many views the page's code made and its text shows."""
    return sum(bool(VIEW.search(html_of(output))) for output in shown_outputs(doc))


@pytest.mark.parametrize("doc", PAGES)
def test_page_views_draw_offline_without_errors(open_page, doc):
    page, log = open_page(doc)
    views = draw_all(page)  # each drawn when scrolled near (or its tab opened)
    assert len(views) == views_made(doc.removesuffix(".html")), f"{doc}: a view of the page's code is missing"
    for i, view in enumerate(views):
        assert view.locator("svg text").count() > 0, f"{doc}: view {i} drew nothing"
    page.wait_for_timeout(200)
    assert log.errors == []
    assert log.offsite == []
    assert log.failed == []


@pytest.mark.parametrize("query", ["自己注意", "アテンション"])
def test_search_finds_japanese_words(open_page, query):
    page, _ = open_page(f"search.html?q={query}")
    page.wait_for_selector("#search-results li", timeout=15000)
    links = page.locator("#search-results li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert any("01_self_attention" in href for href in links), links
