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
from attnviz_devtools.views import REVEAL, draw_all

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


@pytest.fixture(scope="module")
def views(browser, site_url):
    """The appendix, every view drawn, once for the tests below: each drives its own view (the two on the first
    head view, a layer change and a hover, hold whatever the other left)."""
    assert CALLS == ["head_view", "head_view", "model_view", "neuron_view"], "the order the tests below rely on"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = PageLog(site_url)
    log.attach(page)
    page.goto(site_url + PAGE, wait_until="load")
    roots = draw_all(page, "div[id^=bertviz-]")
    assert len(roots) == len(CALLS)
    yield page, log, roots
    page.close()


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


# --- a phone's width (issue 16): no token of a head view is cut off -----------------------------------------

PHONE = 390
LONG = ("Responsibilities and internationalization matter.", "Incomprehensibilities notwithstanding.")
# Every token of the head view at `root`, against what shows it: the SVG (which clips what lies outside it)
# and the nearest box that scrolls sideways (its whole scrollable width), itself inside the window.
TOKEN_BOXES = """root => {
    const svg = root.querySelector('#vis svg');
    let box = root;
    while (box && !/(auto|scroll)/.test(getComputedStyle(box).overflowX)) box = box.parentElement;
    const s = svg.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    const area = [b.left + box.clientLeft - box.scrollLeft, b.left + box.clientLeft - box.scrollLeft + box.scrollWidth];
    const cut = [];
    const texts = Array.from(svg.querySelectorAll('#left text, #right text'));
    for (const t of texts) {
        const r = t.getBoundingClientRect();
        if (r.width === 0) continue;
        if (r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.left < area[0] - 0.5 || r.right > area[1] + 0.5) {
            const at = (a, b) => `[${a.toFixed(1)}, ${b.toFixed(1)}]`;
            cut.push(`${t.textContent} ${at(r.left, r.right)} in svg ${at(s.left, s.right)}`);
        }
    }
    const before = box.scrollLeft;
    box.scrollLeft = box.scrollWidth;
    const scrolled = box.scrollLeft > before;
    box.scrollLeft = before;
    return {cut, tokens: texts.length, overflows: box.scrollWidth > box.clientWidth + 1, scrolled,
            inWindow: b.left >= -0.5 && b.right <= innerWidth + 0.5};
}"""


def assert_no_token_cut(root, label: str) -> dict:
    seen = root.evaluate(TOKEN_BOXES)
    assert seen["tokens"] > 0, label
    assert seen["cut"] == [], f"{label}: tokens cut off: {seen['cut']}"
    assert seen["inWindow"], f"{label}: the view's box reaches past the window"
    assert seen["scrolled"] == seen["overflows"], f"{label}: the drawing is wider than its box, which must scroll"
    return seen


def test_chapter_head_views_fit_a_phone(browser, site_url):
    from attnviz_devtools.views import draw

    page = browser.new_page(viewport={"width": PHONE, "height": 844})
    try:
        page.goto(site_url + "book/03_bertviz.html", wait_until="load")
        heads = 0
        found = page.locator("div[id^=bertviz-]")
        for root in [found.nth(i) for i in range(found.count())]:
            draw(root)  # checked as drawn: a view in a tab that is closed later has no box
            if root.get_attribute("data-attnviz-drawn") == "head":
                assert_no_token_cut(root, f"03_bertviz head view {heads}")
                heads += 1
        assert heads >= 2
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, "the page itself scrolls sideways"
    finally:
        page.close()


@pytest.fixture
def long_token_site(tmp_path):
    """A page of head views of sentences with long words (one alone, one pair), rewritten as the build does."""
    from bertviz import head_view

    single = attnviz.attend(LONG[0])
    pair = attnviz.attend(*LONG)
    assert max(len(t) for t in single.tokens) >= 13, single.tokens  # a token wider than BERTviz's 110 px column
    bodies = [
        head_view(r.attention, r.tokens, sentence_b_start=r.sentence_b_start, html_action="return").data
        for r in (single, pair)
    ]
    write_static(tmp_path / "attnviz")
    head = '<link rel=icon href=data:,><link rel=stylesheet href="attnviz/bertviz.css">'
    head += '<script type="module" src="attnviz/views.js"></script>'
    body = "".join(rewrite(strip_remote_scripts(b)).body for b in bodies)
    (tmp_path / "index.html").write_text(
        f"<!doctype html><html><head><meta name=viewport content='width=device-width'>{head}</head>"
        f"<body style='margin:0 41px'>{body}</body></html>"  # 308 px left for the views, as on the site
    )
    server = serve(tmp_path)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.parametrize("width", [PHONE, 1280])
def test_long_tokens_are_not_cut_off(browser, long_token_site, width):
    page = browser.new_page(viewport={"width": width, "height": 844})
    log = PageLog(long_token_site)
    log.attach(page)
    try:
        page.goto(long_token_site + "index.html", wait_until="load")
        roots = draw_all(page, "div[id^=bertviz-]")
        assert len(roots) == 2
        for i, root in enumerate(roots):
            seen = assert_no_token_cut(root, f"view {i} at {width} px")
            assert seen["overflows"] == (width == PHONE), "scrolls on a phone only"
        # the layer select redraws the view: the new drawing fits too
        roots[1].locator("#layer").select_option("2")
        page.wait_for_timeout(100)
        assert_no_token_cut(roots[1], f"view 1 at {width} px, after a layer change")
        assert log.errors == []
    finally:
        page.close()


def test_the_playground_head_view_fits_a_phone(open_page):
    page, log = open_page(f"book/playground.html?a={LONG[0]}", width=PHONE)
    page.wait_for_selector("[data-attnviz-playground][data-state=drawn]", timeout=120_000)
    root = page.locator("[data-attnviz-playground] [data-attnviz-drawn=head]").first
    seen = assert_no_token_cut(root, "playground")
    assert seen["overflows"], "the drawing is wider than a phone's box"
    assert log.errors == []


# --- a view that fails to draw says so, in its own box (issue 16) ---------------------------------------------

BROKEN_VIEW = re.compile(r'(<script type="application/json" data-attnviz-view="head"[^>]*>)(.*?)(</script>)', re.S)


def test_a_view_that_fails_says_so_and_the_others_draw(browser, site_url):
    """The appendix with its first head view's data corrupted and BERTviz's model_view.js unreachable."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log = PageLog(site_url)
    log.attach(page)

    def corrupt(route):
        response = route.fetch()
        broken = '{"format": "attnviz-bertviz/1", "tok'  # cut off: not JSON
        text = BROKEN_VIEW.sub(lambda m: m.group(1) + broken + m.group(3), response.text(), count=1)
        route.fulfill(response=response, body=text)

    page.route(site_url + PAGE, corrupt)
    page.route("**/_static/attnviz/bertviz/model_view.js*", lambda route: route.abort())
    try:
        page.goto(site_url + PAGE, wait_until="load")
        found = page.locator("div[id^=bertviz-]")
        states = []
        for i in range(found.count()):
            root = found.nth(i)
            root.evaluate(REVEAL)
            root.scroll_into_view_if_needed()
            root.locator("xpath=self::*[@data-attnviz-drawn or @data-attnviz-failed]").wait_for(state="attached")
            failed = root.get_attribute("data-attnviz-failed")
            states.append(f"failed {failed}" if failed else root.get_attribute("data-attnviz-drawn"))
        assert states == ["failed head", "head", "failed model", "neuron"]
        for i in (0, 2):
            message = found.nth(i).locator(".attnviz-view-failed")
            assert message.get_attribute("role") == "alert"
            text = message.inner_text()
            for words in ("この図を表示できませんでした", "再読み込み", "別のブラウザ", "Colab"):
                assert words in text, text
            assert "http" not in text and "Error" not in text, "technical detail stays folded in 詳細"
            assert message.locator("a[href^='https://colab.research.google.com/']").count() == 1
        assert "model_view.js" in found.nth(2).locator(".attnviz-view-failed details").text_content()
        for i in (1, 3):
            assert found.nth(i).locator(".attnviz-view-failed").count() == 0
            assert found.nth(i).locator("svg text").count() > 0
        assert page.locator(".attnviz-view-failed").count() == 2
        assert log.errors, "the console still has the error, for whoever debugs"
    finally:
        page.close()
