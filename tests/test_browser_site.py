"""The built site in headless Chromium: every page draws its views offline, and Japanese search works."""

from __future__ import annotations

import pytest

from attnviz.devtools.site import built_pages
from attnviz.devtools.views import draw_all

pytestmark = pytest.mark.browser
PAGES = built_pages()  # book/index.html included


@pytest.mark.parametrize("doc", PAGES)
def test_page_views_draw_offline_without_errors(open_page, doc):
    page, log = open_page(doc)
    for i, view in enumerate(draw_all(page)):  # each drawn when scrolled near (or its tab opened)
        assert view.locator("svg").count() >= 1, f"{doc}: view {i} drew nothing"
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
