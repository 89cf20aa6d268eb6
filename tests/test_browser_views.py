"""BERTviz's views on the built appendix page, driven in headless Chromium: each control changes the drawing.

(That every view of every page draws without errors or network is test_browser_site.py's.)"""

from __future__ import annotations

import ast
import re

import pytest

import attnviz
from attnviz.sphinx import strip_remote_scripts, write_static
from attnviz.views import rewrite
from attnviz_devtools.project import code_cells
from attnviz_devtools.site import PageLog, serve
from attnviz_devtools.views import draw_all

PAGE = "book/appendix_views.html"
pytestmark = pytest.mark.browser

LINE_OPACITIES = """root => Array.from(root.querySelectorAll('#attention line'))
    .map(l => l.getAttribute('stroke-opacity') || getComputedStyle(l).strokeOpacity).join(',')"""
VISIBLE_LINES = """root => Array.from(root.querySelectorAll('#attention line'))
    .filter(l => getComputedStyle(l).visibility === 'visible').length"""

QK_HEADINGS_VISIBLE = """root => Array.from(root.querySelectorAll('text'))
    .filter(t => /^(Query|Key)/.test(t.textContent) && getComputedStyle(t).visibility === 'visible').length"""


# What the page's source draws, in order, and the sentence pair of its second head view.
CELLS = code_cells(PAGE.removesuffix(".html"))
CALLS = [name for cell in CELLS for name in re.findall(r"\b(head_view|model_view|neuron_view)\(", cell)]
PAIR = next(
    ast.literal_eval(f"({m.group(1)},)") for cell in CELLS if (m := re.search(r"pair = attnviz\.attend\((.+)\)", cell))
)


@pytest.fixture
def views(open_page):
    assert CALLS == ["head_view", "head_view", "model_view", "neuron_view"], "the order the tests below rely on"
    page, log = open_page(PAGE)
    roots = draw_all(page, "div[id^=bertviz-]")
    assert len(roots) == len(CALLS)
    return page, log, roots


def test_choosing_another_layer_redraws(views):
    _, _, (head, *_) = views
    before = head.evaluate(LINE_OPACITIES)
    head.locator("#layer").select_option("3")
    after = head.evaluate(LINE_OPACITIES)
    assert before and after and before != after


def test_hovering_a_token_changes_the_highlighted_lines(views):
    page, _, (head, *_) = views
    all_lines = head.evaluate(VISIBLE_LINES)
    head.locator("text", has_text="cat").first.hover()
    page.wait_for_timeout(100)
    focused = head.evaluate(VISIBLE_LINES)
    assert 0 < focused < all_lines


def test_the_sentence_filter_changes_what_is_drawn(views, loaded):
    _, _, (_, pair, *_) = views
    n = len(attnviz.attend(*PAIR, model=loaded).tokens)
    tokens_all = pair.locator("#vis text").count()
    lines_all = pair.locator("#attention line").count()
    pair.locator("#filter").select_option(label="Sentence A -> Sentence B")
    tokens_ab = pair.locator("#vis text").count()
    lines_ab = pair.locator("#attention line").count()
    # All: every token on each side; A->B: the tokens of A on the left and those of B on the right, n in all
    assert (tokens_all, tokens_ab) == (2 * n, n)
    assert lines_ab < lines_all


def test_model_view_has_a_thumbnail_per_layer_and_head(views):
    _, _, (_, _, model, _) = views
    info = attnviz.load_model().info
    assert model.locator("rect.attn_background").count() == info.layers * info.heads


def test_neuron_view_draws_and_expands_to_query_and_key_vectors(views):
    page, _, (*_, neuron) = views
    assert neuron.locator("#layer option").count() == attnviz.load_model().info.layers
    assert neuron.locator("line").count() > 0
    assert neuron.evaluate(QK_HEADINGS_VISIBLE) == 0  # collapsed: no query/key vectors shown
    # the "+" box beside a left-hand token expands the view to show query and key vectors
    neuron.locator("#leftText rect[width='16']").nth(2).click(force=True)
    page.wait_for_timeout(300)
    assert neuron.evaluate(QK_HEADINGS_VISIBLE) == 2


def test_markup_in_a_sentence_is_shown_as_text(tmp_path, browser):
    """A sentence with markup goes through BERTviz and the extension; it must run nothing."""
    from bertviz import head_view

    r = attnviz.attend("</script><img src=x onerror=alert(1)> is not a cat")
    body = rewrite(strip_remote_scripts(head_view(r.attention, r.tokens, html_action="return").data)).body
    write_static(tmp_path / "attnviz")
    scripts = '<script type="module" src="attnviz/views.js"></script>'
    (tmp_path / "index.html").write_text(
        f"<!doctype html><html><head><link rel=icon href=data:,>{scripts}</head><body>{body}</body></html>"
    )
    server = serve(tmp_path)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    page = browser.new_page()
    log = PageLog(base)
    log.attach(page)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(base + "index.html", wait_until="load")
        page.wait_for_selector("div[id^=bertviz-] svg")
        page.wait_for_timeout(300)
        assert dialogs == []
        assert page.locator("img").count() == 0
        shown = page.locator("div[id^=bertviz-] text").evaluate_all("els => els.map(e => e.textContent)")
        assert "<" in shown and "script" in shown and "cat" in shown
        assert log.errors == [] and log.offsite == []
    finally:
        page.close()
        server.shutdown()
