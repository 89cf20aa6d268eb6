"""The in-browser model widget in headless Chromium, with every request outside localhost blocked.

Covers: a sentence and a pair drawn by BERTviz's head view (and the model view), the browser's weights
against PyTorch's, the browser tokenizer's ids against Python's, a shared URL, and each error message.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import attnviz
from attnviz.core.sentences import course_sentences
from attnviz_devtools.precision import MAX_ABS, MEAN_ABS, SAME_TOP_KEY, agreement, torch_attentions
from attnviz_devtools.site import PageLog

pytestmark = pytest.mark.browser

# The widget's modules export what the tests use; importing the page's own entry module gives the page's instance.
PLAYGROUND = "import(new URL('../_static/attnviz/playground/playground.js', location.href))"

PAGE = "book/playground.html"
DRAWN = "[data-attnviz-playground][data-state=drawn]"
ERROR = "[data-attnviz-playground][data-state=error]"
# Punctuation, accents, digits, emoji, Japanese, a word-final capital sigma (the one case where
# @huggingface/tokenizers differs from Python unless the widget maps Σ to σ first), markup, odd spaces.
TRICKY = [
    ('Hello, world! (Really?) -- "yes"; it\'s 5:30 p.m.', None),
    ("Café naïve résumé Ångström façade", None),
    ("In 2024, 3.14159 and 1,000,000 were 42%.", None),
    ("I love pizza 🍕🔥 and cats 🐈‍⬛!", None),
    ("猫がマットの上に座った。", None),
    ("東京 is the capital of 日本.", "ΟΔΟΣ ΚΑΛΟΣ"),
    ("ΟΔΟΣ", None),
    ("ΣΑΣ ΛΕΩΣ. Σ", None),
    ("<script>alert(1)</script> & <b>bold</b>", None),
    ("  tabs\tand\nnewlines  ", "second\u00a0sentence\u200b here"),
    ("don't won't can't U.S.A. e-mail", "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ"),
]


@pytest.fixture
def offline_page(browser, site_url):
    """open(path, init_script=None) -> (page, log, blocked): a page that can reach localhost only."""
    pages = []

    def _open(path: str, init_script: str | None = None, width: int = 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        blocked: list[str] = []

        def route(r):
            if r.request.url.startswith(site_url) or r.request.url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        if init_script:
            page.add_init_script(init_script)
        log = PageLog(site_url)
        log.attach(page)
        page.goto(site_url + path, wait_until="load")
        pages.append(page)
        return page, log, blocked

    yield _open
    for page in pages:
        page.close()


def run(page, a: str, b: str = "", widget: int = 0) -> None:
    root = page.locator("[data-attnviz-playground]").nth(widget)
    root.locator(".attnviz-pg-a").fill(a)
    root.locator(".attnviz-pg-b").fill(b)
    root.locator(".attnviz-pg-run").click()
    page.wait_for_function(
        "(i) => ['drawn', 'error'].includes(document.querySelectorAll('[data-attnviz-playground]')[i].dataset.state)",
        arg=widget,
        timeout=60_000,
    )


def test_sentence_then_pair_draw_the_head_view(offline_page):
    page, log, blocked = offline_page(PAGE)
    assert page.evaluate("performance.getEntriesByType('resource').some(e => e.name.includes('model.onnx'))") is False
    run(page, "The cat sat on the mat")
    assert page.locator(DRAWN).count() == 1, page.locator(".attnviz-pg-error").inner_text()
    head = page.locator(".attnviz-pg-head")
    assert head.locator("svg").count() >= 1
    texts = head.locator("svg text").all_text_contents()
    assert "cat" in texts and "[CLS]" in texts and "[SEP]" in texts
    assert head.locator("#layer option").count() == 6
    status = page.locator(".attnviz-pg-status").inner_text()
    assert "all-MiniLM-L6-v2" in status and "8 トークン" in status
    # a pair: BERTviz's A/B filter appears, and choosing A -> B draws only sentence B on the right
    run(page, "The cat sat on the mat", "The cat lay on the rug")
    assert page.locator(DRAWN).count() == 1
    options = head.locator("#filter option").all_inner_texts()
    assert options == [
        "All",
        "Sentence A -> Sentence A",
        "Sentence B -> Sentence B",
        "Sentence A -> Sentence B",
        "Sentence B -> Sentence A",
    ]
    head.locator("#filter").select_option("3")  # Sentence A -> Sentence B
    left = head.locator("svg #left text").all_text_contents()
    right = head.locator("svg #right text").all_text_contents()
    assert "sat" in left and "rug" not in left
    assert "rug" in right and "sat" not in right
    # the model view draws when its section is opened
    page.locator(".attnviz-pg-model-details summary").click()
    page.wait_for_function("document.querySelectorAll('.attnviz-pg-model svg').length > 0")
    assert page.locator(".attnviz-pg-model #filter option").count() == 5
    assert log.errors == [] and log.failed == [] and blocked == []


def test_browser_weights_match_pytorch(offline_page):
    page, log, blocked = offline_page(PAGE)
    bundled = attnviz.load_model("bundled")
    pairs = []
    for a, b in course_sentences().checks:
        got = page.evaluate(f"async ([a, b]) => (await {PLAYGROUND}).infer(a, b)", [a, b])
        enc, ref = torch_attentions(bundled, a, b)
        assert got["ids"] == enc["input_ids"][0].tolist()
        pairs.append((np.asarray(got["data"], dtype=np.float32).reshape(got["dims"]), ref))
    stats = agreement(pairs)
    print(f"\nonnxruntime-web vs PyTorch ({len(pairs)} inputs, {stats['rows']} rows): {stats}")
    assert stats["max"] <= MAX_ABS and stats["mean"] <= MEAN_ABS and stats["same_top"] >= SAME_TOP_KEY
    assert log.errors == [] and blocked == []


def test_browser_token_ids_equal_python(offline_page):
    page, log, blocked = offline_page(PAGE)
    tokenizer = attnviz.load_model("bundled").tokenizer
    for a, b in [*course_sentences().checks, *TRICKY]:
        got = page.evaluate(f"async ([a, b]) => (await {PLAYGROUND}).encode(a, b)", [a, b])
        want = tokenizer(a, b)
        assert got["ids"] == want["input_ids"], (a, b)
        assert got["tokenTypeIds"] == want["token_type_ids"], (a, b)
    assert log.errors == [] and blocked == []


def test_word_final_sigma_is_where_the_raw_js_tokenizer_differs(offline_page):
    """Document the known difference the widget corrects: without the Σ→σ mapping, ids differ."""
    page, _, _ = offline_page(PAGE)
    raw = page.evaluate(
        """async () => {
            const m = await import(new URL('../_static/attnviz/playground/vendor/tokenizers.min.mjs', location.href));
            const base = new URL('../_static/attnviz/playground/model/', location.href);
            const [json, config] = await Promise.all(['tokenizer.json', 'tokenizer_config.json']
                .map((f) => fetch(new URL(f, base)).then((r) => r.json())));
            return new m.Tokenizer(json, config).encode('ΟΔΟΣ').ids;
        }"""
    )
    python = attnviz.load_model("bundled").tokenizer("ΟΔΟΣ")["input_ids"]
    widget = page.evaluate(f"async () => (await {PLAYGROUND}).encode('ΟΔΟΣ')")["ids"]
    assert raw != python, "the JS tokenizer now lowercases a final Σ like Python: drop the workaround"
    assert widget == python


def test_markup_in_a_sentence_shows_as_text(offline_page):
    page, log, _ = offline_page(PAGE)
    page.on("dialog", lambda d: (log.errors.append(f"dialog: {d.message}"), d.dismiss()))
    run(page, '<img src=x onerror="alert(1)"> <b>bold</b>', "<script>alert(2)</script>")
    assert page.locator(DRAWN).count() == 1
    head = page.locator(".attnviz-pg-head")
    assert head.locator("img, b, script").count() == 0
    assert "<" in " ".join(head.locator("svg text").all_text_contents())
    assert log.errors == []


def test_shared_url_reproduces_the_view(offline_page):
    page, _, blocked = offline_page(PAGE)
    run(page, "The dog chased the ball", "It was red")
    url = page.locator(".attnviz-pg-share-link").get_attribute("href")
    assert "a=The+dog+chased+the+ball" in url and "b=It+was+red" in url
    assert page.url == url
    first = page.evaluate(f"async () => (await {PLAYGROUND}).widgets[0].last.ids")
    other, _, _ = offline_page(url.split("/", 3)[3])
    other.wait_for_selector(DRAWN, timeout=60_000)
    assert other.locator(".attnviz-pg-a").input_value() == "The dog chased the ball"
    assert other.locator(".attnviz-pg-b").input_value() == "It was red"
    assert other.evaluate(f"async () => (await {PLAYGROUND}).widgets[0].last.ids") == first
    assert other.locator(".attnviz-pg-head #filter option").count() == 5
    assert blocked == []


def test_instructor_guide_share_link_draws_its_pair(offline_page):
    """The guide's ready-made pair link, followed by a click, fills both inputs and draws the pair's view."""
    page, log, blocked = offline_page("book/instructor_guide.html")
    link = page.locator("main a[href*='playground.html?'][href*='b=']").first
    cells = link.locator("xpath=ancestor::tr").locator("td").all_inner_texts()
    link.click()
    page.wait_for_selector(DRAWN, timeout=60_000)
    a, b = page.locator(".attnviz-pg-a").input_value(), page.locator(".attnviz-pg-b").input_value()
    assert a and b and a in cells and b in cells, (a, b, cells)
    assert page.locator(".attnviz-pg-head #filter option").count() == 5  # BERTviz's A/B filter: a pair
    assert log.errors == [] and log.failed == [] and blocked == []


def test_miniwork_widget_links_to_the_playground(offline_page):
    page, log, blocked = offline_page("book/05_miniwork.html")
    assert page.locator("[data-attnviz-playground]").count() == 1
    run(page, "She loves programming.")
    assert page.locator(DRAWN).count() == 1
    href = page.locator(".attnviz-pg-share-link").get_attribute("href")
    assert "/book/playground.html?a=She+loves+programming." in href
    assert log.errors == [] and blocked == []


def error_text(page) -> tuple[str, str]:
    error = page.locator(".attnviz-pg-error")
    return error.get_attribute("data-kind"), error.inner_text()


def test_empty_input_error(offline_page):
    page, _, _ = offline_page(PAGE)
    run(page, "   ", "only B")
    kind, text = error_text(page)
    assert kind == "empty" and "文 A を入力してください" in text
    assert page.evaluate("performance.getEntriesByType('resource').some(e => e.name.includes('model.onnx'))") is False


def test_too_long_input_error(offline_page):
    page, _, _ = offline_page(PAGE)
    run(page, "word " * 600)
    kind, text = error_text(page)
    assert kind == "toolong" and "602 トークン" in text and "512 トークンまで" in text
    # refused before the model is downloaded
    assert page.evaluate("performance.getEntriesByType('resource').some(e => e.name.includes('model.onnx'))") is False


def test_no_webassembly_error(offline_page):
    page, _, _ = offline_page(PAGE, init_script="Object.defineProperty(window, 'WebAssembly', {value: undefined});")
    run(page, "The cat sat on the mat")
    kind, text = error_text(page)
    assert kind == "nowasm" and "WebAssembly" in text and "使えない" in text


def test_failed_download_offers_a_retry(offline_page):
    page, _, _ = offline_page(PAGE)
    page.route("**/model.onnx", lambda r: r.abort())
    run(page, "The cat sat on the mat")
    kind, text = error_text(page)
    assert kind == "download" and "読み込みに失敗しました" in text and "もう一度試す" in text
    retry = page.locator(".attnviz-pg-retry")
    assert retry.is_visible()
    page.unroute("**/model.onnx")
    retry.click()
    page.wait_for_selector(DRAWN, timeout=60_000)
    assert page.locator(".attnviz-pg-error").is_hidden() and retry.is_hidden()


def test_progress_is_shown_while_the_model_downloads(offline_page):
    record = """
        window.__progress = [];
        new MutationObserver(() => {
            const el = document.querySelector('.attnviz-pg-progress-text');
            if (el && !el.closest('[hidden]')) window.__progress.push(el.textContent);
        }).observe(document, {subtree: true, childList: true, characterData: true});
    """
    page, _, _ = offline_page(PAGE, init_script=record)
    run(page, "The cat sat on the mat")
    assert page.locator(DRAWN).count() == 1
    seen = page.evaluate("window.__progress")
    downloads = [t for t in seen if t.startswith("モデルを読み込み中…") and "MB" in t]
    assert downloads, seen
    assert re.search(r"(\d+\.\d) / \1 MB$", downloads[-1]), downloads  # received all of it
    assert page.locator(".attnviz-pg-progress").is_hidden()  # gone once the view is drawn
