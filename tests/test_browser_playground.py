"""The in-browser model widget in headless Chromium, with every request outside localhost blocked.

Covers: a sentence and a pair drawn by BERTviz's head view (and the model view), the browser's weights
against PyTorch's, the browser tokenizer's ids against Python's, a shared URL, and each error message; the
drawing budget (a 500-token share link draws a window with no long task, the window moves, a long pair keeps
its filters), the latest request winning during a download, an error clearing the earlier view, plain
Japanese errors and the keyboard focus, and each script loaded once.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import numpy as np
import pytest

import attnviz
from attnviz.core.sentences import course_sentences
from attnviz_devtools.precision import MAX_ABS, MEAN_ABS, SAME_TOP_KEY, agreement, torch_attentions
from attnviz_devtools.site import HTML

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
    """A sentence, a pair (with the model view), then markup typed as a sentence: shown as text, run as nothing;
    over all of it, every script is loaded once."""
    page, log, blocked = offline_page(PAGE)
    page.on("dialog", lambda d: (log.errors.append(f"dialog: {d.message}"), d.dismiss()))
    assert page.evaluate("performance.getEntriesByType('resource').some(e => e.name.includes('.onnx'))") is False
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
    # markup in a sentence shows as text
    run(page, '<img src=x onerror="alert(1)"> <b>bold</b>', "<script>alert(2)</script>")
    assert page.locator(DRAWN).count() == 1
    assert head.locator("img, b, script").count() == 0
    assert "<" in " ".join(head.locator("svg text").all_text_contents())
    # every script once: requested once, and one tag each
    scripts = page.evaluate(
        "performance.getEntriesByType('resource').map(e => e.name).filter(n => /\\.m?js(\\?|$)/.test(n))"
    )
    repeated = {name for name in scripts if scripts.count(name) > 1}
    assert not repeated, repeated
    assert any(name.endswith("/bertviz/head_view.js") for name in scripts)
    srcs = page.evaluate("[...document.querySelectorAll('script[src]')].map(s => s.src)")
    assert len(srcs) == len(set(srcs)), srcs
    assert log.errors == [] and log.failed == [] and blocked == []


def test_browser_weights_match_pytorch(offline_page):
    page, log, blocked = offline_page(PAGE)
    bundled = attnviz.load_model("bundled")
    pairs = []
    for a, b in course_sentences().checks:
        # one JSON string: Playwright's own serialisation of ~10^4 numbers per input took most of the test's time
        got = json.loads(
            page.evaluate(f"async ([a, b]) => JSON.stringify(await (await {PLAYGROUND}).infer(a, b))", [a, b])
        )
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
            const manifest = await (await fetch(new URL('manifest.json', base))).json();
            const [json, config] = await Promise.all(['tokenizer', 'tokenizer_config']
                .map((k) => fetch(new URL(manifest.files[k].path, base)).then((r) => r.json())));
            return new m.Tokenizer(json, config).encode('ΟΔΟΣ').ids;
        }"""
    )
    python = attnviz.load_model("bundled").tokenizer("ΟΔΟΣ")["input_ids"]
    widget = page.evaluate(f"async () => (await {PLAYGROUND}).encode('ΟΔΟΣ')")["ids"]
    assert raw != python, "the JS tokenizer now lowercases a final Σ like Python: drop the workaround"
    assert widget == python


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
    cells = [t.strip() for t in link.locator("xpath=ancestor::tr").locator("td").all_text_contents()]
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
    assert page.evaluate("performance.getEntriesByType('resource').some(e => e.name.includes('.onnx'))") is False


def test_too_long_input_error(offline_page):
    page, _, _ = offline_page(PAGE)
    run(page, "word " * 600)
    kind, text = error_text(page)
    assert kind == "toolong" and "602 トークン" in text and "512 トークンまで" in text
    # refused before anything is computed or drawn (the model's download, started with the tokenizer's, goes on:
    # the reader's next, shorter sentence needs it)
    assert page.locator(".attnviz-pg-result").is_hidden()
    assert page.locator("[data-attnviz-playground]").get_attribute("data-state") == "error"


def test_no_webassembly_error(offline_page):
    page, _, _ = offline_page(PAGE, init_script="Object.defineProperty(window, 'WebAssembly', {value: undefined});")
    run(page, "The cat sat on the mat")
    kind, text = error_text(page)
    assert kind == "nowasm" and "WebAssembly" in text and "使えない" in text


def test_failed_download_offers_a_retry(offline_page):
    page, _, _ = offline_page(PAGE)
    page.route("**/model.*.onnx", lambda r: r.abort())
    run(page, "The cat sat on the mat")
    kind, text = error_text(page)
    assert kind == "download" and "読み込みに失敗しました" in text and "もう一度試す" in text
    retry = page.locator(".attnviz-pg-retry")
    assert retry.is_visible()
    page.unroute("**/model.*.onnx")
    retry.click()
    page.wait_for_selector(DRAWN, timeout=60_000)
    assert page.locator(".attnviz-pg-error").is_hidden() and retry.is_hidden()


def test_one_progress_bar_counts_every_byte_the_first_use_downloads(offline_page, site_url):
    record = """
        window.__progress = [];
        new MutationObserver(() => {
            const el = document.querySelector('.attnviz-pg-progress-text');
            const bar = document.querySelector('.attnviz-pg-progress progress');
            if (el && !el.closest('[hidden]')) window.__progress.push([el.textContent, bar.max]);
        }).observe(document, {subtree: true, childList: true, characterData: true});
    """
    page, _, _ = offline_page(PAGE, init_script=record)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    sentence = "The cat sat on the mat"
    run(page, sentence)
    assert page.locator(DRAWN).count() == 1
    seen = page.evaluate("window.__progress")
    # "<file>を読み込み中… x / y MB" while a file downloads; "読み込み中… y / y MB" once none is left
    downloads = [(text, total) for text, total in seen if "読み込み中…" in text and "MB" in text]
    assert downloads, seen
    labels = {text.split("を読み込み中…")[0] for text, _ in downloads if "を読み込み中…" in text}
    assert {"モデル本体", "実行環境（onnxruntime-web）"} <= labels, labels
    assert re.search(r"(\d+\.\d) / \1 MB$", downloads[-1][0]), downloads  # received all of it
    # the bar's total is every file the page downloaded for the model: graph, runtime, tokenizer, rows
    manifest = json.loads((HTML / "_static/attnviz/playground/model/manifest.json").read_text())
    ids = attnviz.load_model("bundled").tokenizer(sentence)["input_ids"]
    spec = manifest["embeddings"]
    row_bytes = spec["dim"] + 2 * spec["dim"] // spec["block"]
    chunks = {i // spec["chunk_rows"] for i in ids}
    assert all(c < spec["chunks"] - 1 for c in chunks)
    want = (
        sum(manifest["files"][k]["bytes"] for k in ("weights", "main", "tokenizer", "tokenizer_config"))
        + sum(f["bytes"] for f in manifest["runtime"].values())
        + len(chunks) * spec["chunk_rows"] * row_bytes
    )
    assert downloads[-1][1] == want, (downloads[-1], want)
    model_files = [u for u in asked if "/playground/model/" in u or "/playground/vendor/" in u]
    assert not any(u.endswith("model.onnx") for u in model_files), model_files  # the single file is not shipped
    assert len([u for u in model_files if "/embeddings." in u and u.endswith(".bin")]) == len(chunks), model_files
    assert page.locator(".attnviz-pg-progress").is_hidden()  # gone once the view is drawn


def test_js_embedding_rows_equal_python_dequantised_rows(offline_page):
    from attnviz.webmodel.embeddings import EmbeddingRows

    page, log, blocked = offline_page(PAGE)
    reader = EmbeddingRows.from_manifest(HTML / "_static/attnviz/playground/model/manifest.json")
    rows, last = reader.spec["rows"], reader.spec["rows"] - 1
    ids = [0, 1, 100, 101, 2023, 2003, 7592, 15, 16, 17, 29_999, last - 1, last]  # chunk edges, the partial last chunk
    got = page.evaluate(f"async (ids) => (await {PLAYGROUND}).embeddingRows(ids)", ids)
    got = np.asarray(got, dtype=np.float64).reshape(len(ids), -1)
    want = reader.rows(ids)
    assert got.shape == want.shape and rows == 30522
    assert np.array_equal(got.astype(np.float32), want) and np.array_equal(got, want.astype(np.float64))
    assert log.errors == [] and blocked == []


def test_a_second_visit_downloads_nothing_and_runs_offline(browser, site_url):
    """Cache Storage keyed by content hash: a second page of the same profile asks for none of the model's or
    the runtime's files, runs with the network down, and a stale entry (an older build's file) is deleted."""
    context = browser.new_context()
    try:
        first = context.new_page()
        first.goto(site_url + PAGE, wait_until="load")
        run(first, "The cat sat on the mat")
        assert first.locator(DRAWN).count() == 1
        # what the widget says it keeps: every file the first use downloaded
        first.wait_for_function("+document.querySelector('[data-attnviz-playground]').dataset.kept > 5e6")
        assert "保存しているのは" in first.locator(".attnviz-pg-kept-text").inner_text()
        stale = site_url + "_static/attnviz/playground/model/model.0000000000000000.onnx"
        first.evaluate(
            "async (u) => (await caches.open('attnviz-playground-model')).put(u, new Response('old build'))", stale
        )
        first.close()

        second = context.new_page()
        asked: list[str] = []
        second.on("request", lambda r: asked.append(r.url))
        second.goto(site_url + PAGE, wait_until="load")
        # a returning reader's page loads the model's thread and BERTviz while online
        second.wait_for_selector("[data-attnviz-playground][data-offline=ready]")
        context.set_offline(True)  # the network drops after the page has loaded
        run(second, "The mat sat on the cat")  # words typed before: their rows are kept
        assert second.locator(DRAWN).count() == 1, second.locator(".attnviz-pg-error").inner_text()
        files = [u for u in asked if "/playground/model/" in u or "/playground/vendor/" in u]
        assert {u.rsplit("/", 1)[-1] for u in files} <= {"manifest.json"}, files  # only the manifest is asked anew
        # a new word's row is not kept: offline, that is a download the reader is told about
        run(second, "The zebra sat on the mat")
        kind, text = error_text(second)
        assert kind == "download" and "もう一度試す" in text
        context.set_offline(False)
        second.locator(".attnviz-pg-retry").click()
        second.wait_for_selector(DRAWN, timeout=60_000)
        assert [u for u in asked if u.endswith(".bin")], "the new word's chunk, once online"
        run(second, "The dog sat on the rug")  # a fresh manifest: the stale entry goes
        keys = second.evaluate(
            "async () => (await (await caches.open('attnviz-playground-model')).keys()).map(r => r.url)"
        )
        assert stale not in keys and any(".onnx" in k for k in keys)
        # the reader's button deletes everything kept
        second.locator(".attnviz-pg-forget").click()
        second.wait_for_function("document.querySelector('[data-attnviz-playground]').dataset.kept === '0'")
        assert second.evaluate("caches.has('attnviz-playground-model')") is False
    finally:
        context.close()


# --- the drawing budget, the latest request, errors and focus (issue 16) -----------------------------------------

# Every long task of the page (a PerformanceObserver on "longtask", from the first script on): [start, duration].
LONG_TASKS = """
    window.__longTasks = [];
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
    }).observe({type: 'longtask', buffered: true});
"""
LIMIT_MS = 500  # budget.js: no task of the page may take longer while the widget draws or the reader interacts
WORDS = ["cat", "dog", "sat", "ran", "mat", "rug", "red", "big"]  # one token each


def long_share_link(tokens: int = 500) -> str:
    """The playground's address for a sentence of `tokens` tokens ([CLS] and [SEP] included), short words only."""
    words = " ".join(WORDS[i % len(WORDS)] for i in range(tokens - 2))
    return f"{PAGE}?{urlencode({'a': words})}"


class MainThreadTrace:
    """Chromium's trace of one page, started before it loads: each task of its main thread, by the clock and
    by the CPU. On a shared machine a task's time by the clock includes the time it waited for a core."""

    CATEGORIES = ("devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing")

    def __init__(self, browser) -> None:
        self.browser = browser
        self.events: list[dict] = []
        self.navigation: dict | None = None  # the page's navigationStart: its main thread, its time origin
        self.active = False

    def start(self, page) -> None:
        self.browser.start_tracing(page=page, categories=list(self.CATEGORIES))
        self.active = True

    def stop(self) -> None:
        if self.active:
            self.active = False
            self.events = json.loads(self.browser.stop_tracing())["traceEvents"]

    def tasks(self, since: float) -> list[tuple[float, float, float]]:
        """(start, wall ms, CPU ms) of the page's main-thread tasks from `since` (its performance.now() time)."""
        navigations = [
            e
            for e in self.events
            if e.get("name") == "navigationStart" and "playground.html" in str(e.get("args", {}).get("data", {}))
        ]
        if navigations:  # a trace restarted after the page loaded has none: the first one's is kept
            self.navigation = navigations[-1]
        nav = self.navigation
        assert nav, "the trace has no navigation to the playground"
        origin = nav["ts"]
        return [
            ((e["ts"] - origin) / 1000, e["dur"] / 1000, e.get("tdur", 0) / 1000)
            for e in self.events
            if e.get("name") == "RunTask"
            and e.get("ph") == "X"
            and (e["pid"], e["tid"]) == (nav["pid"], nav["tid"])
            and e["ts"] >= origin + since * 1000
        ]


@pytest.fixture
def main_thread_trace(browser):
    trace = MainThreadTrace(browser)
    yield trace
    trace.stop()  # the browser is the session's: leave it not tracing, whatever the test did


def longest_task_since(page, since: float) -> float:
    """The longest task (ms) that started after `since` (a performance.now() time of the page)."""
    return page.evaluate(
        "(since) => Math.max(0, ...window.__longTasks.filter(t => t[0] >= since).map(t => t[1]))", since
    )


def assert_no_long_task(page, trace: MainThreadTrace, since: float) -> None:
    """No task of the page took longer than LIMIT_MS (the PerformanceObserver's longtask entries), from `since`.

    The machine the tests run on may be shared: by the clock, any task can then take several times its CPU
    time. A task the observer saw above LIMIT_MS therefore counts against the page only if Chromium's trace
    also shows it used more than half of LIMIT_MS of CPU (it would take LIMIT_MS on a machine twice slower).
    """
    longest = longest_task_since(page, since)
    if longest <= LIMIT_MS:
        return
    trace.stop()
    tasks = trace.tasks(since)
    slow = [t for t in tasks if t[1] > LIMIT_MS]
    assert slow, f"the observer saw a {longest:.0f} ms task, the trace none: {tasks_and_draws(page)}"
    heavy = [t for t in slow if t[2] > LIMIT_MS / 2]
    assert not heavy, f"tasks (start, wall ms, CPU ms): {heavy}; {tasks_and_draws(page)}"
    trace.start(page)


def tasks_and_draws(page) -> str:
    """For a failure's message: the page's long tasks and the widget's draws (User Timing), [start, ms, lines]."""
    return page.evaluate(
        """() => JSON.stringify({tasks: window.__longTasks.map(t => t.map(Math.round)),
            draws: performance.getEntriesByType('measure').filter(m => m.name.startsWith('attnviz-pg'))
                .map(m => [m.name, Math.round(m.startTime), Math.round(m.duration), m.detail && m.detail.lines])})"""
    )


def drawn_tokens(page) -> list[str]:
    return page.locator(".attnviz-pg-head svg #left text").all_text_contents()


def shown_range(page) -> tuple[int, int]:
    """The first and last token the budget's window shows, as the widget says it."""
    found = re.search(r"(\d+)〜(\d+) 番のトークン", page.locator(".attnviz-pg-budget-window").inner_text())
    assert found, page.locator(".attnviz-pg-budget").inner_text()
    return int(found.group(1)), int(found.group(2))


def settle(page) -> None:
    """Wait until the page has painted twice: whatever a change drew is done, and its tasks were observed."""
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50))))")


def test_a_500_token_share_link_draws_a_window_within_the_budget(offline_page, main_thread_trace):
    trace = main_thread_trace
    page, log, blocked = offline_page(long_share_link(500), init_script=LONG_TASKS, before_goto=trace.start)
    # the page's own loading (theme scripts) is not the widget's: count the tasks from the load event on
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    page.wait_for_selector(DRAWN, timeout=240_000)
    settle(page)
    assert page.evaluate(f"async () => (await {PLAYGROUND}).widgets[0].last.ids.length") == 500
    budget = page.locator(".attnviz-pg-budget")
    assert budget.is_visible()
    text = budget.inner_text()
    assert "500 トークン" in text and "3,000,000 本" in text and "1 になりません" in text
    first = drawn_tokens(page)
    # a window: [CLS], some consecutive tokens, the last [SEP]; far fewer than 500
    assert first[0] == "[CLS]" and first[-1] == "[SEP]" and 6 <= len(first) < 100, first
    assert shown_range(page) == (1, len(first) - 2)
    assert_no_long_task(page, trace, loaded)
    checked = page.evaluate("performance.now()")

    # the choice draws: the next window, then the slider; the reader's layer stays
    head = page.locator(".attnviz-pg-head")
    head.locator("#layer").select_option("3")
    settle(page)
    page.locator(".attnviz-pg-next").click()
    settle(page)
    moved = drawn_tokens(page)
    start, end = shown_range(page)
    assert start == len(first) - 1, "the next window starts after the last one"
    assert moved[0] == "[CLS]" and moved[-1] == "[SEP]" and len(moved) == end - start + 3
    assert moved[1:-1] != first[1:-1] or WORDS[start % 8] == WORDS[1]  # other tokens (the words repeat every 8)
    assert head.locator("#layer").input_value() == "3"
    assert page.locator(".attnviz-pg-prev").is_enabled()
    slider = page.locator(".attnviz-pg-start")
    slider.fill("300")  # sets the value and fires input and change, as a reader's drag does
    settle(page)
    start, end = shown_range(page)
    assert start == 300 and len(drawn_tokens(page)) == end - start + 3

    # hovering a token, switching heads and the model view stay within the budget too
    head.locator("svg #left > g:not(.attentionBoxes) > g").nth(2).hover()
    settle(page)
    squares = head.locator("svg > g:last-child > rect")
    squares.nth(0).click()
    squares.nth(5).dblclick()
    settle(page)
    page.locator(".attnviz-pg-model-details > summary").click()
    page.wait_for_selector(".attnviz-pg-model svg", timeout=60_000)
    settle(page)
    note = page.locator(".attnviz-pg-model-note")
    if note.is_visible():  # not every layer fits: one choice of layers is drawn, the others can be picked
        assert "だけを描いています" in note.inner_text()
        picker = page.locator(".attnviz-pg-model-layers")
        options = picker.locator("option").all_inner_texts()
        assert options[0].startswith("Layer 0") and len(options) >= 2
        picker.select_option(index=0)
        settle(page)
        labels = page.locator(".attnviz-pg-model svg > text").all_text_contents()
        layers = labels[labels.index("Layers") + 1 :]  # BERTviz labels its rows after the word "Layers"
        assert layers[0] == "0" and len(layers) < 6, labels
    assert_no_long_task(page, trace, checked)
    assert log.errors == [] and blocked == []


def test_the_latest_sentence_wins_during_a_slow_download(offline_page):
    page, log, blocked = offline_page(PAGE)
    held = []
    page.route("**/model.*.onnx", lambda route: held.append(route))  # the download waits for the test
    run_button = page.locator(".attnviz-pg-run")
    page.locator(".attnviz-pg-a").fill("The cat sat on the mat")
    run_button.click()
    for _ in range(600):  # until the model's download has started (and waits)
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the model's download never started"
    assert "読み込み中" in page.locator(".attnviz-pg-progress-text").inner_text()
    assert page.evaluate("document.activeElement.className") == "attnviz-pg-run", "focus stays on the button"
    # the reader changes both sentences during the download and presses Enter: that request replaces the first
    page.locator(".attnviz-pg-a").fill("She loves programming.")
    page.locator(".attnviz-pg-b").fill("It is fun.")
    page.locator(".attnviz-pg-b").press("Enter")
    assert page.evaluate("document.activeElement.className") == "attnviz-pg-b"
    page.wait_for_timeout(300)
    for route in held:
        route.continue_()
    page.unroute("**/model.*.onnx")
    page.wait_for_selector(DRAWN, timeout=120_000)
    assert page.evaluate("document.activeElement.className") == "attnviz-pg-b", "the focus stays where Enter was"
    tokens = page.locator(".attnviz-pg-head svg text").all_text_contents()
    assert "programming" in tokens and "fun" in tokens and "cat" not in tokens, tokens
    last = page.evaluate(
        f"async () => {{ const {{ a, b, ids }} = (await {PLAYGROUND}).widgets[0].last; return {{ a, b, ids }}; }}"
    )
    assert (last["a"], last["b"]) == ("She loves programming.", "It is fun.")
    assert "a=She+loves+programming." in page.locator(".attnviz-pg-share-link").get_attribute("href")
    assert f"{len(last['ids'])} トークン" in page.locator(".attnviz-pg-status").inner_text()
    # and the view stays the newest one: nothing of the first request is drawn later
    page.wait_for_timeout(500)
    assert "cat" not in page.locator(".attnviz-pg-head svg text").all_text_contents()
    assert log.errors == [] and blocked == []


def test_a_new_sentence_marks_the_old_view_and_an_error_clears_it(offline_page):
    page, log, _ = offline_page(PAGE)
    run(page, "The cat sat on the mat")
    assert page.locator(DRAWN).count() == 1 and "?a=" in page.url
    # while a new sentence is computed, the old view says it belongs to the earlier sentence
    page.locator(".attnviz-pg-a").fill("A dog ran.")
    page.locator(".attnviz-pg-run").click()
    stale = page.evaluate(
        "() => [document.querySelector('.attnviz-pg-result').dataset.stale,"
        " document.querySelector('.attnviz-pg-status').textContent]"
    )
    assert stale[0] == "true" and "前の文" in stale[1], stale
    page.wait_for_selector(DRAWN, timeout=60_000)
    assert page.locator(".attnviz-pg-result").get_attribute("data-stale") is None
    # a too-long input: the error, and nothing of the sentence before
    run(page, "word " * 600)
    kind, _ = error_text(page)
    assert kind == "toolong"
    assert page.locator(".attnviz-pg-result").is_hidden()
    assert page.locator(".attnviz-pg-head svg").count() == 0
    assert page.locator(".attnviz-pg-status").inner_text() == ""
    assert page.locator(".attnviz-pg-share-link").get_attribute("href") is None
    assert "?a=" not in page.url, "the address is the share link: it no longer names the old sentence"
    assert log.errors == []


def visible_error(page, selector: str = ".attnviz-pg-error") -> str:
    """What the reader sees of an error box: its message, the folded 詳細 only as its summary."""
    box = page.locator(selector)
    assert box.is_visible()
    detail = box.locator("details")
    if detail.count():
        assert detail.get_attribute("open") is None, "the technical detail is folded"
    return box.inner_text()


def assert_plain_japanese(text: str) -> None:
    assert re.search(r"[ぁ-んァ-ン]", text), text
    assert not re.search(r"https?|://|\.m?js\b|\.onnx\b|\.json\b", text), text
    words = re.sub(r"\b(head|model) view\b", "", text)
    assert not re.search(r"[A-Za-z]{2,}[ .,:]+[A-Za-z]{2,}", words), f"an English phrase: {text}"


def test_offline_error_is_plain_japanese_and_keeps_the_focus(offline_page):
    page, _, _ = offline_page(PAGE)
    page.context.set_offline(True)
    page.locator(".attnviz-pg-a").fill("The cat sat on the mat")
    page.locator(".attnviz-pg-run").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(ERROR, timeout=60_000)
    text = visible_error(page)
    assert_plain_japanese(text)
    assert "読み込みに失敗しました" in text and "もう一度試す" in text and "詳細" in text
    assert page.evaluate("document.activeElement.className") == "attnviz-pg-run"
    # the browser's own words are kept, folded
    page.locator(".attnviz-pg-error details > summary").click()
    assert page.locator(".attnviz-pg-error details code").inner_text().strip()
    # back online, the retry draws; the focus that was on the retry button goes back to the run button
    page.context.set_offline(False)
    retry = page.locator(".attnviz-pg-retry")
    retry.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(DRAWN, timeout=60_000)
    assert retry.is_hidden()
    assert page.evaluate("document.activeElement.className") == "attnviz-pg-run"


def test_a_failed_model_view_script_is_not_called_a_model_failure(offline_page):
    page, _, _ = offline_page(PAGE)
    page.route("**/bertviz/model_view.js", lambda r: r.abort())
    run(page, "The cat sat on the mat")
    assert page.locator(DRAWN).count() == 1
    page.locator(".attnviz-pg-model-details > summary").click()
    page.wait_for_selector(".attnviz-pg-model-error:not([hidden])", timeout=30_000)
    text = visible_error(page, ".attnviz-pg-model-error")
    assert_plain_japanese(text)
    assert "model view を描けませんでした" in text and "図を描くプログラム（BERTviz）" in text
    assert "モデル（" not in text
    assert page.locator(".attnviz-pg-head svg").count() == 1, "the head view stays"
    page.unroute("**/bertviz/model_view.js")
    page.locator(".attnviz-pg-model-retry").click()
    page.wait_for_selector(".attnviz-pg-model svg", timeout=30_000)
    assert page.locator(".attnviz-pg-model-error").is_hidden()


def test_a_long_pair_keeps_the_sentence_filters_in_its_window(offline_page):
    a = " ".join(WORDS[i % len(WORDS)] for i in range(150))
    b = " ".join(["sun"] * 80)
    page, log, blocked = offline_page(f"{PAGE}?{urlencode({'a': a, 'b': b})}")
    page.wait_for_selector(DRAWN, timeout=240_000)
    assert page.locator(".attnviz-pg-budget").is_visible()
    head = page.locator(".attnviz-pg-head")
    assert head.locator("#filter option").count() == 5  # BERTviz's A/B filters: still a pair
    left = drawn_tokens(page)
    # the window is in sentence A; the [SEP] that ends A and the last [SEP] (of B) are always there
    assert left[0] == "[CLS]" and left.count("[SEP]") == 2 and "sun" not in left, left
    head.locator("#filter").select_option("3")  # Sentence A -> Sentence B: B's part of the window is its [SEP]
    assert head.locator("svg #right text").all_text_contents() == ["[SEP]"]
    # moved to the end: the window holds sentence B's last tokens, and the reader's filter stays
    page.locator(".attnviz-pg-start").fill(str(page.locator(".attnviz-pg-start").get_attribute("max")))
    settle(page)
    assert head.locator("#filter").input_value() == "3"
    assert "sun" in head.locator("svg #right text").all_text_contents()
    head.locator("#filter").select_option("2")  # Sentence B -> Sentence B
    right = head.locator("svg #right text").all_text_contents()
    assert "sun" in right and right[-1] == "[SEP]", right
    assert log.errors == [] and blocked == []
