"""Benchmark of the in-browser model (playground) on the built site, in headless Chromium.

Prints: bytes downloaded on first use (model, runtime, tokenizer, BERTviz), time from button press to a
drawn head view (cold: download from localhost, session start, first sentence; warm: the next sentence),
and per-sentence inference time over the course sentences. Targets: warm <= 1 s, cold <= 5 s,
model <= 30 MB. Run after `make book`:

    .venv/bin/python benchmarks/browser_model.py
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict

from attnviz.core.sentences import course_sentences
from attnviz_devtools.browser import launch_browser
from attnviz_devtools.site import HTML, serve

# The widget's entry module (the page's own instance): its `widgets` and `infer`.
PLAYGROUND = "import(new URL('../_static/attnviz/playground/playground.js', location.href))"

PAGE = "book/playground.html"
COLD_RUNS = 3


def category(url: str) -> str:
    name = url.split("?")[0].rsplit("/", 1)[-1]
    if name in {"model.onnx", "model.json"}:
        return "model"
    if name.startswith("ort") or name.endswith(".wasm"):
        return "runtime"
    if name.startswith("tokenizer"):
        return "tokenizer"
    if name in {"head_view.js", "model_view.js", "bertviz-offline.js"} or name.startswith(("d3-", "jquery-")):
        return "bertviz"
    return "page"


def click_and_wait(page, a: str, b: str = "") -> float:
    """Wall-clock seconds from the click to the drawn head view, and the widget's own timings."""
    page.fill(".attnviz-pg-a", a)
    page.fill(".attnviz-pg-b", b)
    page.evaluate("document.querySelector('[data-attnviz-playground]').dataset.state = 'idle'")
    start = time.perf_counter()
    page.click(".attnviz-pg-run")
    page.wait_for_selector("[data-attnviz-playground][data-state=drawn]", timeout=120_000)
    return time.perf_counter() - start


def main() -> int:
    if not (HTML / PAGE).exists():
        print("build the site first: make book", file=sys.stderr)
        return 1
    server = serve()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = launch_browser(p)  # keep the generator: collecting it closes the browser
        browser = next(launched)
        cold, cold_js, warm, warm_js, infer = [], [], [], [], []
        first_use: dict[str, int] = {}
        for run in range(COLD_RUNS):
            context = browser.new_context()  # empty HTTP cache: a first visit
            page = context.new_page()
            sizes: dict[str, int] = defaultdict(int)
            offsite: list[str] = []
            files: dict[str, int] = {}

            def on_response(response, sizes=sizes, offsite=offsite, files=files):
                if not response.url.startswith(base):
                    offsite.append(response.url)
                    return
                length = response.headers.get("content-length")  # http.server always sends it
                if length is None:
                    length = response.request.sizes()["responseBodySize"]
                sizes[category(response.url)] += int(length)
                files[response.url.rsplit("/", 1)[-1]] = int(length)

            page.on("response", on_response)
            page.goto(base + PAGE, wait_until="load")
            before = dict(sizes)
            before_files = set(files)
            cold.append(click_and_wait(page, "The cat sat on the mat."))
            cold_js.append(page.evaluate(f"async () => (await {PLAYGROUND}).widgets[0].last.timings.total") / 1000)
            if run == 0:
                first_use = {k: sizes[k] - before.get(k, 0) for k in sizes}
                page_bytes = sum(before.values())
                after_click = {name: n for name, n in files.items() if name not in before_files}
            for a, b in [("She loves programming.", ""), ("The dog chased the ball.", "It ran across the yard.")]:
                warm.append(click_and_wait(page, a, b))
                warm_js.append(page.evaluate(f"async () => (await {PLAYGROUND}).widgets[0].last.timings.total") / 1000)
            if run == 0:
                for a, b in course_sentences().checks:
                    infer.append(
                        page.evaluate(
                            """async ([a, b]) => {
                                const t = performance.now();
                                await (await import(new URL(
                                    '../_static/attnviz/playground/playground.js', location.href))).infer(a, b);
                                return performance.now() - t;
                            }""",
                            [a, b],
                        )
                    )
            assert not offsite, offsite
            context.close()
        launched.close()
    server.shutdown()

    mb = lambda n: f"{n / 1e6:6.2f} MB"  # noqa: E731
    print("In-browser model benchmark (headless Chromium, site served from localhost)")
    print(f"the page before the click (HTML, theme, fonts, widget JS/CSS): {mb(page_bytes)}")
    print("bytes downloaded on first use (after the click):")
    for key in ("model", "runtime", "tokenizer", "bertviz", "page"):
        if first_use.get(key):
            print(f"  {key:<10}{mb(first_use[key])}")
    print(f"  {'total':<10}{mb(sum(first_use.values()))}")
    print("  files: " + ", ".join(f"{name} {n / 1e3:,.0f} KB" for name, n in sorted(after_click.items())))
    print(f"  model file <= 30 MB: {'met' if first_use.get('model', 0) <= 30e6 else 'NOT met'}")
    print(f"click -> head view drawn, cold ({COLD_RUNS} fresh visits): " + ", ".join(f"{t:.2f} s" for t in cold))
    print("   (the widget's own timer: " + ", ".join(f"{t:.2f} s" for t in cold_js) + ")")
    print(f"   median {statistics.median(cold):.2f} s; target <= 5 s: {'met' if max(cold) <= 5 else 'NOT met'}")
    print(f"click -> head view drawn, warm ({len(warm)} clicks): " + ", ".join(f"{t:.2f} s" for t in warm))
    print("   (the widget's own timer: " + ", ".join(f"{t:.3f} s" for t in warm_js) + ")")
    print(f"   median {statistics.median(warm):.2f} s; target <= 1 s: {'met' if max(warm) <= 1 else 'NOT met'}")
    print(
        f"inference per sentence ({len(infer)} course inputs, tokenizing included): "
        f"median {statistics.median(infer):.1f} ms, max {max(infer):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
