"""The playground's experiment bench (web/playground/bench.js and its pure modules; issue 18).

* the head roles computed in JS (roles.js) equal Python's (attnviz.core.heads) on every head of every
  course input, fed the same weights;
* in a real page: compare mode's change measure equals attnviz.core.compare on PyTorch's weights within
  0.01; each mode draws; a share link reproduces each mode's screen; the control's seed reproduces it;
  a predict task grades a right and a wrong guess; Japanese input is announced, English is not; axe finds
  no serious or critical violation on the drawn bench.
"""

from __future__ import annotations

import json
import re
import subprocess
from urllib.parse import urlencode

import numpy as np
import pytest

from attnviz.core.compare import align_tokens, change_grid
from attnviz.core.heads import head_stats, label_heads
from attnviz.core.sentences import course_results
from attnviz_devtools.engines import node
from attnviz_devtools.precision import torch_attentions

pytestmark = pytest.mark.browser

PAGE = "book/playground.html"
# the widget's entry module (the page's own instance): its `widgets`, each with its `bench`
PLAYGROUND = "import(new URL('../_static/attnviz/playground/playground.js', location.href))"
TIRED = "The animal didn't cross the street because it was too tired."
WIDE = "The animal didn't cross the street because it was too wide."
RESULT = "[data-attnviz-bench] .attnviz-bench-result:not([hidden]) .attnviz-bench-cell"


def test_js_roles_equal_python_on_every_course_head(loaded):
    results = course_results(loaded)
    payload = {
        "inputs": [
            {
                "tokens": list(r.tokens),
                "dims": list(r.weights.shape),
                "data": r.weights.astype(np.float32).ravel().tolist(),
            }
            for r in results
        ]
    }
    done = subprocess.run(
        [node() or "node", "tests/js/roles-of.mjs"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    js = json.loads(done.stdout)
    heads = 0
    for r, labels in zip(results, js, strict=True):
        stats = head_stats(
            [(r.weights.astype(np.float32), r.tokens)], cls_token=loaded.info.cls_token, sep_token=loaded.info.sep_token
        )
        python = label_heads(stats)[0].tolist()
        assert labels == python, (r.sentence_a, r.sentence_b)
        heads += len(python) * len(python[0])
    assert heads == len(results) * loaded.info.layers * loaded.info.heads


def bench_state(page) -> dict:
    return page.evaluate(
        f"""async () => {{
            const b = (await {PLAYGROUND}).widgets[0].bench;
            const r = b.run;
            return r && {{ mode: r.mode, token: r.token, head: b.head, grid: r.grid, control: r.made ? r.made.a : null,
                           first: r.first.tokens, second: r.second.tokens }};
        }}"""
    )


def wait_bench(page, condition: str, timeout_s: float = 60) -> None:
    """Poll until `condition` (JS, of `b`: the widget's bench) holds (wait_for_function cannot await)."""
    for _ in range(int(timeout_s * 10)):
        if page.evaluate(f"async () => {{ const b = (await {PLAYGROUND}).widgets[0].bench; return !!({condition}); }}"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never held: {condition}")


def open_link(offline_page, query: dict):
    page, log, blocked = offline_page(f"{PAGE}?{urlencode(query)}")
    page.wait_for_selector(RESULT, timeout=120_000)
    page.wait_for_selector("[data-attnviz-bench] .attnviz-bench-view-b svg", timeout=60_000)
    return page, log, blocked


def test_compare_link_matches_pytorch_and_reproduces_itself(offline_page, loaded):
    page, log, blocked = open_link(offline_page, {"a": TIRED, "mode": "compare", "vs": WIDE, "tok": 10})
    state = bench_state(page)
    assert state["first"][10] == "it" and state["mode"] == "compare"
    _, wa = torch_attentions(loaded, TIRED, None)
    _, wb = torch_attentions(loaded, WIDE, None)
    enc_a = loaded.tokenizer.convert_ids_to_tokens(loaded.tokenizer(TIRED)["input_ids"])
    enc_b = loaded.tokenizer.convert_ids_to_tokens(loaded.tokenizer(WIDE)["input_ids"])
    assert state["first"] == enc_a and state["second"] == enc_b
    python = change_grid(wa, wb, align_tokens(enc_a, enc_b), 10)
    assert np.abs(np.array(state["grid"]) - python).max() <= 0.01
    # 72 squares, each named with its change and its role; the text alternative lists the top heads
    cells = page.locator(RESULT)
    assert cells.count() == loaded.info.layers * loaded.info.heads
    assert re.search(r"変化 \d\.\d\d。役割：", cells.first.get_attribute("aria-label"))
    top = page.locator(".attnviz-bench-list li").all_inner_texts()
    assert len(top) == 5 and all(re.match(r"Layer \d・Head \d+：変化 \d\.\d\d（", t) for t in top)
    best = np.unravel_index(python.argmax(), python.shape)
    assert top[0].startswith(f"Layer {best[0]}・Head {best[1]}：変化 {python.max():.2f}")
    # the share link carries the experiment: a new tab opens the same screen (a clicked head included)
    page.locator(f"{RESULT}[data-layer='2'][data-head='3']").click()
    page.wait_for_function("location.search.includes('head=2.3')")
    link = page.locator(".attnviz-pg-share-link").get_attribute("href")
    shared, _, _ = offline_page(link.split("/", 3)[3])
    shared.wait_for_selector(RESULT, timeout=120_000)
    wait_bench(shared, "b.head && b.head.layer === 2 && b.head.head === 3")
    again = bench_state(shared)
    assert (again["mode"], again["token"], again["head"]) == ("compare", 10, {"layer": 2, "head": 3})
    assert np.allclose(again["grid"], state["grid"])
    assert log.errors == [] and blocked == []


def test_the_example_is_one_click_away(offline_page):
    page, log, _ = offline_page(PAGE)
    page.locator(".attnviz-bench-example").click()
    page.wait_for_selector(RESULT, timeout=120_000)
    state = bench_state(page)
    assert state["first"][state["token"]] == "it" and "wide" in state["second"]
    page.wait_for_selector(".attnviz-bench-grid[data-ready=true]")  # the shuffled control, run after the grid
    assert "語順を入れ替えた対照では" in page.locator(".attnviz-bench-list li").first.inner_text()
    assert log.errors == []


def test_control_link_reproduces_its_shuffle_and_gives_a_verdict_per_head(offline_page, loaded):
    query = {"a": "The cat sat on the mat.", "mode": "control", "ctl": "shuffle", "seed": 4, "tok": 2}
    page, log, _ = open_link(offline_page, query)
    first = bench_state(page)
    verdicts = page.locator(RESULT).evaluate_all("cells => cells.map(c => c.dataset.verdict)")
    assert len(verdicts) == loaded.info.layers * loaded.info.heads
    assert set(verdicts) <= {"position", "word", "both", "special", "other"}
    assert sorted(first["control"].split()) == sorted("the cat sat on the mat .".split())
    assert page.locator(".attnviz-bench-verdict").inner_text().startswith("Layer ")
    again, _, _ = open_link(offline_page, query)
    assert bench_state(again)["control"] == first["control"]  # the seed reproduces the shuffle
    # another seed, another order; the other two controls, from the form
    for kind, seed, words in (("shuffle", 5, None), ("nonsense", 4, "the blick dax on the wug ."), ("swap", 4, None)):
        again.locator(".attnviz-bench-ctl").select_option(kind)
        again.locator(".attnviz-bench-seed").fill(str(seed))
        again.locator(".attnviz-bench-run-control").click()
        wait_bench(again, f"b.run && b.run.kind === '{kind}' && b.run.seed === {seed}")
        made = bench_state(again)["control"]
        assert made != first["control"] and (words is None or made == words), made
        assert again.locator(RESULT).count() == loaded.info.layers * loaded.info.heads
    assert log.errors == []


def test_a_predict_task_grades_a_wrong_and_a_right_guess(offline_page, loaded):
    sentence = "The cat sat on the mat."
    _, w = torch_attentions(loaded, sentence, None)
    tokens = loaded.tokenizer.convert_ids_to_tokens(loaded.tokenizer(sentence)["input_ids"])
    previous = np.array([np.diagonal(w[0, h], offset=-1).mean() for h in range(w.shape[1])])  # Layer 0
    # clear cases (the browser's int8 weights may differ from PyTorch's by up to 0.05)
    wrong, right = int(previous.argmin()), int(previous.argmax())
    assert previous[wrong] < 0.3 and previous[right] > 0.6, previous
    page, log, _ = offline_page(f"{PAGE}?{urlencode({'a': sentence, 'mode': 'predict'})}")
    page.wait_for_selector("[data-attnviz-playground][data-state=drawn]", timeout=120_000)
    task = page.locator("[data-task=previous]")
    answer = task.locator(".attnviz-bench-answer")
    assert (
        page.locator(".attnviz-bench-predict").is_visible() and page.locator(".attnviz-bench-reveal svg").count() == 0
    )
    for guess, correct in ((wrong, False), (right, True)):
        task.locator("select").select_option(str(guess))
        task.locator("button").click()
        page.wait_for_function(
            "(c) => document.querySelector('[data-task=previous] .attnviz-bench-answer').dataset.correct === c",
            arg=str(correct).lower(),
        )
        assert answer.inner_text().startswith("正解。" if correct else "不正解。")
        assert f"均等なら 1 つの相手に {100 / len(tokens):.0f} %" in answer.inner_text()
    page.wait_for_selector(".attnviz-bench-reveal svg")  # the view is shown after the guess
    assert page.locator(".attnviz-bench-tally").inner_text().startswith("これまでの正解：2 問中 1 問")
    assert log.errors == []


def test_japanese_input_is_announced_and_english_is_not(offline_page):
    page, log, _ = offline_page(PAGE)
    note = page.locator(".attnviz-bench-japanese")
    page.locator(".attnviz-pg-a").fill("The cat sat on the mat.")
    assert note.is_hidden()
    page.locator(".attnviz-pg-a").fill("猫はマットの上に座った。")
    assert note.is_visible() and "英語" in note.inner_text()
    page.locator(".attnviz-pg-run").click()
    page.wait_for_selector("[data-attnviz-playground][data-state=drawn]", timeout=120_000)
    page.wait_for_function("document.querySelector('.attnviz-bench-japanese').textContent.includes('[UNK]')")
    assert page.locator(".attnviz-pg-head svg text.attnviz-bench-unk").count() > 0
    assert "猫" in page.locator(".attnviz-pg-share-link").inner_text()  # readable, not %E7%8C%AB
    assert log.errors == []
