"""The built site in headless Chromium: every page draws each view its code made, offline, and Japanese search
works.

This is the one home of "every view of every page draws, with no JS error, no failed and no off-site request";
the same page load, once drawn, is checked by axe-core (the as-loaded check is in test_browser_a11y.py).
test_browser_views.py drives the views' controls, test_browser_chapters_*.py what single chapters show.
"""

from __future__ import annotations

import re

import pytest

from attnviz_devtools.a11y import severe_nodes, severe_violations
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
    # every view drawn: zero serious or critical axe violations (issue 12)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(100)
    found = severe_violations(page)
    print(f"axe serious/critical nodes on {doc} after drawing ({len(views)} views): {severe_nodes(found)} {found}")
    assert found == []


@pytest.mark.parametrize("query", ["自己注意", "アテンション"])
def test_search_finds_japanese_words(open_page, query):
    page, _ = open_page(f"search.html?q={query}")
    page.wait_for_selector("#search-results li", timeout=15000)
    links = page.locator("#search-results li a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert any("01_self_attention" in href for href in links), links


# --- every script once per page (issue 16) ----------------------------------------------------------------------

SCRIPT_SRC = re.compile(r"""<script\b[^>]*\bsrc=["']?([^"' >]+)""", re.I)


def test_no_built_page_names_a_script_twice():
    from collections import Counter

    from attnviz_devtools.site import HTML

    for doc in [*PAGES, "search.html"]:
        html = (HTML / doc).read_text(encoding="utf-8")
        sources = Counter(src.split("?")[0] for src in SCRIPT_SRC.findall(html))
        assert sources, doc
        assert [src for src, n in sources.items() if n > 1] == [], f"{doc}: {sources}"


def test_every_select_of_a_built_page_is_named():
    """Names from the first paint (issue 16): BERTviz's selects carry them in the HTML (no script needed)."""
    from attnviz_devtools.site import HTML

    named = 0
    for doc in PAGES:
        for tag in re.findall(r"<select\b[^>]*>", (HTML / doc).read_text(encoding="utf-8")):
            assert "aria-label=" in tag or re.search(r"\bid=", tag) is None, f"{doc}: {tag}"
            named += "aria-label=" in tag
    assert named >= 15  # the issue counted 15 unnamed ones on 4 pages


def test_a_page_with_views_and_the_playground_requests_each_script_once(open_page):
    """05_miniwork draws lazy views and runs the playground: both use the same loader, so d3, jQuery, the
    shared modules and BERTviz's head_view.js are requested once (and added to the page once)."""
    from collections import Counter

    requested = []
    page, log = open_page("book/05_miniwork.html")
    page.on("request", lambda request: requested.append(request.url) if request.resource_type == "script" else None)
    page.wait_for_load_state("networkidle")  # a reload would abort the favicon's request (a "failed" one)
    page.reload(wait_until="load")  # the listener sees the page's own scripts too
    views = draw_all(page)
    assert len(views) >= 3
    widget = page.locator("[data-attnviz-playground]").first
    widget.locator(".attnviz-pg-a").fill("The cat sat on the mat.")
    widget.locator(".attnviz-pg-run").click()
    page.wait_for_selector("[data-attnviz-playground][data-state=drawn]", timeout=120_000)
    page.wait_for_timeout(300)
    counts = Counter(requested)
    assert [url for url, n in counts.items() if n > 1] == [], counts
    names = Counter(url.split("?")[0].rsplit("/", 1)[-1] for url in requested)
    for name in ("d3-5.7.0.min.js", "jquery-3.7.1.min.js", "load.js", "decode.js", "a11y.js", "head_view.js"):
        assert names[name] == 1, (name, names)
    tags = page.locator("script[src]").evaluate_all("els => els.map(e => e.src)")
    assert len(tags) == len(set(tags)), Counter(tags)
    assert log.errors == [] and log.failed == []
