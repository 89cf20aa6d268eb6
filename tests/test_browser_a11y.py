"""Accessibility of the built pages, checked by axe-core: zero serious or critical violations on every page as it is
loaded, before any view draws (its controls are named in the built HTML, issue 16), here; and once every view has
drawn (issue 12), in test_browser_site.py's ``test_page_views_draw_offline_without_errors``, on the same page load
that checks the drawing. A page without views loads no views.js: as loaded, it is as drawn, and is checked there.

The counts per page are printed (`pytest -rA tests/test_browser_a11y.py tests/test_browser_site.py -k "axe or
offline"` shows them). Keyboard use and the text alternative are checked below, on the appendix's views."""

from __future__ import annotations

import pytest

from attnviz_devtools.a11y import severe_nodes, severe_violations
from attnviz_devtools.site import HTML, built_pages

pytestmark = pytest.mark.browser
#: The pages with lazily drawn views (their data tags are in the built HTML; views.js loads only there).
WITH_VIEWS = [doc for doc in built_pages() if "data-attnviz-view" in (HTML / doc).read_text(encoding="utf-8")]


@pytest.fixture
def open_as_loaded(browser, site_url):
    """open_as_loaded(doc) -> (page, views): the page as its HTML arrives, before any view draws (views.js,
    which draws them, is held back), and how many views it holds."""
    from attnviz_devtools.views import TAGS

    pages = []

    def _open(doc: str):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        pages.append(page)
        page.route("**/_static/attnviz/views.js*", lambda route: route.abort())
        page.goto(site_url + doc, wait_until="load")
        page.wait_for_timeout(300)
        assert page.locator("[data-attnviz-drawn]").count() == 0, "a view drew although views.js was held back"
        return page, page.locator(TAGS).count()

    yield _open
    for page in pages:
        page.close()


def test_the_pages_with_views_are_found():
    assert len(WITH_VIEWS) >= 4 and "book/03_bertviz.html" in WITH_VIEWS
    for doc in set(built_pages()) - set(WITH_VIEWS):
        assert "attnviz/views.js" not in (HTML / doc).read_text(encoding="utf-8"), doc


@pytest.mark.parametrize("doc", WITH_VIEWS)
def test_no_serious_or_critical_axe_violations_before_the_views_draw(open_as_loaded, doc):
    page, views = open_as_loaded(doc)
    assert views > 0
    found = severe_violations(page)
    print(f"axe serious/critical nodes on {doc} as loaded ({views} views, none drawn): {severe_nodes(found)} {found}")
    assert found == []


def test_the_selects_of_undrawn_views_have_their_names(open_as_loaded):
    """The issue's case: BERTviz's Layer/Head/Attention selects, named before anything draws."""
    page, views = open_as_loaded("book/03_bertviz.html")
    selects = page.locator("div[id^=bertviz-] select")
    assert views >= 3 and selects.count() >= views
    names = selects.evaluate_all("els => els.map(s => s.getAttribute('aria-label'))")
    assert all(names), names
    assert {"Layer（層）", "Attention（表示する文の組み合わせ）"} <= set(names)


# --- keyboard and the text alternative, on the appendix's single-sentence head view and model view ----

APPENDIX = "book/appendix_views.html"


@pytest.fixture
def head_view(open_page):
    from attnviz_devtools.views import draw

    page, log = open_page(APPENDIX)
    root = page.locator("div[id^=bertviz-]").first
    draw(root)
    return page, root, log


def test_selects_and_controls_are_named_and_focusable(head_view, loaded):
    _, root, _ = head_view
    assert root.locator("select#layer").get_attribute("aria-label")
    squares = root.locator("[role=checkbox]")
    assert squares.count() == loaded.info.heads
    assert squares.first.get_attribute("tabindex") == "0"
    tokens = root.locator("#left [role=button]")
    assert tokens.count() >= 8


def test_the_layer_changes_from_the_keyboard(head_view):
    page, root, _ = head_view
    select = root.locator("select#layer")
    select.focus()
    before = select.input_value()
    page.keyboard.press("ArrowDown")
    assert select.input_value() != before


def test_head_squares_toggle_from_the_keyboard(head_view):
    page, root, _ = head_view
    squares = root.locator("[role=checkbox]")
    first = squares.nth(0)
    assert first.get_attribute("aria-checked") == "true"
    first.focus()
    page.keyboard.press("Enter")
    assert first.get_attribute("aria-checked") == "false", "Enter hides the head"
    second = squares.nth(1)
    second.focus()
    page.keyboard.press("Shift+Enter")  # BERTviz's double click: only this head
    checked = [squares.nth(i).get_attribute("aria-checked") for i in range(squares.count())]
    assert checked.count("true") == 1 and checked[1] == "true"


def test_focusing_a_token_shows_its_lines(head_view):
    page, root, _ = head_view
    visible = "r => Array.from(r.querySelectorAll('#attention line')).filter(l => l.getAttribute('visibility') !== 'hidden' && getComputedStyle(l).visibility === 'visible').length"  # noqa: E501
    everything = root.evaluate(visible)
    root.locator("#left [role=button]").nth(2).focus()
    page.wait_for_timeout(50)
    assert 0 < root.evaluate(visible) < everything
    page.keyboard.press("Tab")  # focus moves on: the lines come back
    root.locator("select#layer").focus()
    page.wait_for_timeout(50)
    assert root.evaluate(visible) == everything


def test_every_view_control_is_reachable_by_tab(head_view):
    page, root, _ = head_view
    root.locator("select#layer").focus()
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(
            page.evaluate("() => document.activeElement.getAttribute('role') || document.activeElement.tagName")
        )
    assert {"checkbox", "button"} <= reached


def test_text_alternative_lists_the_strongest_targets_and_follows_the_layer(head_view, loaded):
    import numpy as np

    import attnviz

    page, root, _ = head_view
    details = page.locator("details.attnviz-textalt").first
    assert details.evaluate("d => !d.open"), "collapsed by default"
    details.locator("summary").click()
    result = attnviz.attend("The cat sat on the mat", model=loaded)
    for layer in (0, result.n_layers - 1):
        root.locator("select#layer").select_option(str(layer))
        page.wait_for_timeout(50)
        assert details.get_attribute("data-layer") == str(layer)
        rows = details.locator("tbody tr")
        assert rows.count() == len(result.tokens)
        mean = result.weights[layer].mean(axis=0)  # all heads shown: their average
        for i, token in enumerate(result.tokens):
            cells = rows.nth(i).locator("td")
            top = cells.nth(0).inner_text()
            j = int(np.argmax(mean[i]))
            assert top.startswith(result.tokens[j]), (layer, token, top)
            assert abs(float(top.split("（")[1].rstrip("）")) - mean[i, j]) <= 0.011


def _drawn_view(open_page, kind: str):
    from attnviz_devtools.views import draw_all

    page, _ = open_page(APPENDIX)
    roots = draw_all(page, "div[id^=bertviz-]")
    return page, next(r for r in roots if r.get_attribute("data-attnviz-drawn") == kind)


def test_model_view_thumbnails_open_from_the_keyboard(open_page):
    page, root = _drawn_view(open_page, "model")
    thumb = root.locator('[role=button][aria-label^="Layer 0・Head 0"]')
    assert root.locator(".detail").count() == 0
    thumb.focus()
    page.keyboard.press("Enter")
    assert root.locator(".detail").count() > 0, "Enter opens the enlarged head, as a click does"


def test_neuron_view_expands_from_the_keyboard(open_page):
    page, root = _drawn_view(open_page, "neuron")
    headings = """r => Array.from(r.querySelectorAll('text'))
        .filter(t => /^(Query|Key)/.test(t.textContent) && getComputedStyle(t).visibility === 'visible').length"""
    assert root.evaluate(headings) == 0
    root.locator("[role=button][aria-label^='query']").nth(2).focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert root.evaluate(headings) == 2, "Enter shows the query and key vectors"
    assert page.locator("details.attnviz-textalt").count() >= 4, "every view has its text alternative"
