"""The built site as a whole: every chapter built, executed, in Japanese, drawn, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from builtsite import HTML, ROOT
from lazyviews import draw_all

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
CHAPTERS = [c["file"] for part in TOC["parts"] for c in part["chapters"]]
PAGE_LIMIT = 1_500_000  # a chapter page (issue: chapters)
APPENDIX_LIMIT = 3_000_000  # the appendix shows all four views at once, a pair included


def _html(doc: str) -> str:
    path = HTML / f"{doc}.html"
    assert path.exists(), f"{doc} was not built"
    return path.read_text(encoding="utf-8")


def test_toc_lists_the_seven_chapters():
    assert [c for c in CHAPTERS if re.match(r"book/0\d_", c)] == [
        "book/00_intro",
        "book/01_self_attention",
        "book/02_transformer_bert",
        "book/03_bertviz",
        "book/04_demo",
        "book/05_miniwork",
        "book/06_summary",
    ]


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_is_built_executed_and_error_free(doc):
    html = _html(doc)
    assert '<html lang="ja"' in html
    assert "cell_output" in html, "no executed output"
    assert "output error" not in html and "Traceback (most recent call last)" not in html
    assert "attnviz-model" in html, "the page must say which model produced its outputs"
    limit = PAGE_LIMIT if re.match(r"book/0\d_", doc) else APPENDIX_LIMIT
    assert len(html.encode()) <= limit, f"{doc} weighs {len(html.encode()):,} bytes"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_figures_are_images(doc):
    html = _html(doc)
    assert "&lt;Figure size" not in html, "a figure was printed as text instead of drawn"
    for src in re.findall(r'<img[^>]+src="([^"]+)"', html):
        if src.startswith("data:"):
            continue
        target = (HTML / doc).parent / src.split("?")[0]
        assert target.resolve().exists(), f"{doc}: missing image {src}"


def test_landing_page_links_every_chapter():
    html = _html("book/index")
    for doc in CHAPTERS:
        name = Path(doc).name
        assert re.search(rf'href="(\./)?{name}\.html', html), f"landing page does not link {name}"


@pytest.mark.browser
@pytest.mark.parametrize("doc", ["book/index", *CHAPTERS])
def test_page_views_draw_offline_without_errors(open_page, doc):
    page, log = open_page(f"{doc}.html")
    for i, view in enumerate(draw_all(page)):  # each drawn when scrolled near (or its tab opened)
        assert view.locator("svg").count() >= 1, f"{doc}: view {i} drew nothing"
    page.wait_for_timeout(200)
    assert log.errors == []
    assert log.offsite == []
    assert log.failed == []


@pytest.mark.browser
@pytest.mark.parametrize("query", ["自己注意", "アテンション"])
def test_search_finds_japanese_words(open_page, query):
    page, _ = open_page(f"search.html?q={query}")
    page.wait_for_selector("#search-results li", timeout=15000)
    links = page.locator("#search-results li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert any("01_self_attention" in href for href in links), links
