"""Benchmark of the in-browser model (playground) on the built site, in headless Chromium.

Prints: bytes downloaded on first use (model, runtime, tokenizer, BERTviz), time from button press to a
drawn head view (cold: download from localhost, session start, first sentence; warm: the next sentence),
and per-sentence inference time over the course sentences. Targets: warm <= 1 s, cold <= 5 s,
model <= 30 MB.

    .venv/bin/python benchmarks/browser_model.py

``--sizes`` needs no browser (only the export, made if missing): the bytes of the format-2 files
(attnviz.webmodel) raw and gzipped, what a 10-token sentence needs, the first use on the wire, and the
graph's precision against PyTorch on the course inputs:

    .venv/bin/python benchmarks/browser_model.py --sizes

Then the drawing budget (web/playground/budget.js, issue 16): share links of 64, 128, 256 and 500 tokens,
each opened in a new tab of a browser that has the model in its cache (the second visit): the time until the
view is usable (drawn), and the longest main-thread task while the page draws and the reader interacts
(moves the window, hovers a token, changes the layer, opens the model view), by the clock (a
PerformanceObserver's "longtask") and by the CPU (Chromium's trace); also BERTviz's lines drawn per second of
CPU. Target: no task above 0.5 s; a 500-token link usable within 3 s. Run after `make book`:

    .venv/bin/python benchmarks/browser_model.py [--budget-only | --bench-only]

The experiment bench (issue 18): warm click -> drawn for compare mode and a control run, on the course's
single sentences. Target <= 1 s.

``--network [--runs N]`` (issue 19, benchmarks/model_network.py): the first use and the second visit on
emulated networks (9 Mbps/40 ms and 1.6 Mbps/150 ms) from a server that gzips and sends GitHub Pages'
headers, warm clicks, onnxruntime-web's precision, and the issue's target table with met / NOT met.
"""

from __future__ import annotations

import gzip
import json
import statistics
import sys
import time
from collections import defaultdict
from urllib.parse import unquote_plus, urlencode

from attnviz.core.sentences import course_sentences
from attnviz_devtools.browser import launch_browser
from attnviz_devtools.site import HTML, serve

# The widget's entry module (the page's own instance): its `widgets` and `infer`.
PLAYGROUND = "import(new URL('../_static/attnviz/playground/playground.js', location.href))"

PAGE = "book/playground.html"
COLD_RUNS = 3
SHARE_TOKENS = (64, 128, 256, 500)
WORDS = ["cat", "dog", "sat", "ran", "mat", "rug", "red", "big"]  # one token each
LIMIT_MS = 500
# Before any script of the page: its long tasks, and when the widget drew (its event does not bubble: capture).
OBSERVE = """
    window.__longTasks = [];
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
    }).observe({type: 'longtask', buffered: true});
    document.addEventListener('attnviz-playground-drawn', () => { window.__drawnAt = performance.now(); }, true);
"""
TRACE_CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"]


def category(url: str) -> str:
    name = url.split("?")[0].rsplit("/", 1)[-1]
    if name in {"manifest.json"} or name.endswith((".onnx", ".bin")):
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


FIRST_USE_TARGET = 12_000_000  # issue 19: graph + runtime + tokenizer + chunks, gzipped, on the wire
SENTENCE = "The children laughed at the funny clown."  # 10 tokens with [CLS] and [SEP]


def gzipped(data: bytes) -> int:
    """Bytes on the wire from a server that gzips every file (as the issue measured GitHub Pages doing)."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def print_sizes() -> int:
    """Print the format-2 sizes and precision (no browser)."""
    import onnxruntime as ort

    import attnviz
    from attnviz import browser_model, jsdeps
    from attnviz.webmodel import weights as webmodel_weights
    from attnviz_devtools.precision import MAX_ABS, MEAN_ABS, SAME_TOP_KEY, agreement, torch_attentions

    root = HTML.parents[1]  # the repository (HTML is <root>/_build/html)
    model = browser_model.ensure_browser_model(root / "_build" / ".browser_model", log=print)
    manifest = model.manifest
    files, spec = manifest["files"], manifest["embeddings"]
    read = lambda entry: (model.directory / entry["path"]).read_bytes()  # noqa: E731
    graph, legacy = read(files["weights"]) + read(files["main"]), model.model_file.read_bytes()
    tokenizer = read(files["tokenizer"]) + read(files["tokenizer_config"])
    reader = model.embeddings()
    chunks = [reader.chunk_path(i).read_bytes() for i in range(spec["chunks"])]
    modules = jsdeps.ensure_node_modules(root)
    runtime = {name: (modules / src).read_bytes() for src, name in jsdeps.SITE_FILES.items() if "onnxruntime" in src}

    loaded = attnviz.load_model("bundled")
    ids = loaded.tokenizer(SENTENCE)["input_ids"]
    needed = sorted({reader.locate(i)[0] for i in ids})
    sentence = [chunks[i] for i in needed]
    per_input, lengths = [], []
    for a, b in course_sentences().checks:
        enc = loaded.tokenizer(a, b)["input_ids"]
        lengths.append(len(enc))
        per_input.append(sum(len(chunks[c]) for c in {reader.locate(i)[0] for i in enc}))

    mb = lambda n: f"{n / 1e6:6.2f} MB"  # noqa: E731
    kb = lambda n: f"{n / 1e3:7.1f} KB"  # noqa: E731
    print("Format-3 browser model (attnviz.webmodel): bytes raw / gzipped")
    print(f"  graph {files['weights']['path']} + {files['main']['path']}: {mb(len(graph))} / {mb(gzipped(graph))}")
    print(f"    (format 1's single model.onnx, exported, not shipped: {mb(len(legacy))} / {mb(gzipped(legacy))})")
    print(
        f"  manifest.json: {kb(model.manifest_file.stat().st_size)} / {kb(gzipped(model.manifest_file.read_bytes()))}"
    )
    print(f"  tokenizer files: {mb(len(tokenizer))} / {mb(gzipped(tokenizer))}")
    print(
        f"  embedding chunks: {spec['chunks']} files of {spec['chunk_rows']} rows, {kb(len(chunks[0]))} each "
        f"(the last {kb(len(chunks[-1]))}), {mb(spec['bytes'])} in all / {mb(sum(gzipped(c) for c in chunks))}"
    )
    for name, data in runtime.items():
        print(f"  runtime {name}: {mb(len(data))} / {mb(gzipped(data))}")
    print(
        f"a {len(ids)}-token sentence ({SENTENCE!r}): {len(needed)} chunks, {kb(sum(map(len, sentence)))} "
        f"/ {kb(sum(gzipped(c) for c in sentence))} gzipped; with the graph: "
        f"{mb(len(graph) + sum(map(len, sentence)))} / {mb(gzipped(graph) + sum(gzipped(c) for c in sentence))}"
    )
    print(
        f"  the course inputs ({len(per_input)}, {min(lengths)}-{max(lengths)} tokens): chunks of median "
        f"{kb(statistics.median(per_input))}, "
        f"max {kb(max(per_input))}"
    )
    wire = {
        "graph": gzipped(graph),
        "runtime": sum(gzipped(d) for d in runtime.values()),
        "tokenizer": gzipped(tokenizer),
        "manifest": gzipped(model.manifest_file.read_bytes()),
        "chunks": sum(gzipped(c) for c in sentence),
    }
    total = sum(wire.values())
    print(
        "first use on the wire (gzipped): "
        + " + ".join(f"{k} {v / 1e6:.2f}" for k, v in wire.items())
        + f" = {mb(total)}; target <= {FIRST_USE_TARGET / 1e6:.0f} MB: "
        + ("met" if total <= FIRST_USE_TARGET else f"NOT met (by {(total - FIRST_USE_TARGET) / 1e6:.2f} MB)")
    )

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    path = lambda key: str(model.directory / files[key]["path"])  # noqa: E731
    weights = webmodel_weights.decode((model.directory / files["weights"]["path"]).read_bytes())
    session = ort.InferenceSession(path("main"), options, providers=["CPUExecutionProvider"])
    pairs = []
    for a, b in course_sentences().checks:
        enc, ref = torch_attentions(loaded, a, b)
        feeds = {
            "inputs_embeds": reader.rows(enc["input_ids"][0].tolist())[None],
            "token_type_ids": enc["token_type_ids"].numpy(),
            **weights,
        }
        pairs.append((session.run(["attentions"], feeds)[0][0], ref))
    stats = agreement(pairs)
    print(
        f"precision vs PyTorch ({len(pairs)} course inputs, {stats['rows']:,} rows; onnxruntime {ort.__version__}): "
        f"max abs {stats['max']:.4f} (<= {MAX_ABS}), mean {stats['mean']:.5f} (<= {MEAN_ABS}), "
        f"same strongest key {stats['same_top']:.2%} (>= {SAME_TOP_KEY:.0%})"
    )
    return 0


def share_link(tokens: int) -> str:
    return f"{PAGE}?{urlencode({'a': ' '.join(WORDS[i % len(WORDS)] for i in range(tokens - 2))})}"


def page_tasks(trace: bytes, since_ms: float, nav: dict | None = None) -> tuple[list, float, dict]:
    """(start ms, wall ms, CPU ms) of the playground page's main-thread tasks from `since_ms` (its page time),
    the CPU seconds its workers (the model's thread) used, and its navigation (a later trace has none)."""
    events = json.loads(trace)["traceEvents"]
    if nav is None:
        nav = [e for e in events if e.get("name") == "navigationStart" and "playground.html" in str(e.get("args"))][-1]
    thread, origin = (nav["pid"], nav["tid"]), nav["ts"]
    tasks = [
        ((e["ts"] - origin) / 1000, e["dur"] / 1000, e.get("tdur", 0) / 1000)
        for e in events
        if e.get("name") == "RunTask" and e.get("ph") == "X" and (e["pid"], e["tid"]) == thread
        if e["ts"] >= origin + since_ms * 1000
    ]
    names = {(e["pid"], e["tid"]): e["args"].get("name", "") for e in events if e.get("name") == "thread_name"}
    workers = {key for key, name in names.items() if key[0] == nav["pid"] and "Worker" in name}
    worker_cpu = sum(
        e.get("tdur", 0)
        for e in events
        if e.get("name") == "RunTask" and e.get("ph") == "X" and (e["pid"], e["tid"]) in workers
    )
    return tasks, worker_cpu / 1e6, nav


def interact(page) -> None:
    """What a reader does with a drawn view: the next window, a hovered token, another layer, the model view."""
    settle = "new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 100))))"
    if page.locator(".attnviz-pg-next").is_visible():
        page.click(".attnviz-pg-next")
        page.evaluate(settle)
    page.locator(".attnviz-pg-head svg #left > g:not(.attentionBoxes) > g").nth(1).hover()
    page.evaluate(settle)
    page.locator(".attnviz-pg-head #layer").select_option("2")
    page.evaluate(settle)
    page.locator(".attnviz-pg-model-details > summary").click()
    page.wait_for_selector(".attnviz-pg-model svg", timeout=120_000)
    page.evaluate(settle)


def budget_runs(browser, base: str) -> list[dict]:
    """Each share link in a new tab of one context whose HTTP cache already holds the model (a second visit)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    warm = context.new_page()
    warm.goto(base + PAGE + "?a=The+cat+sat+on+the+mat", wait_until="load")
    warm.wait_for_selector("[data-attnviz-playground][data-state=drawn]", timeout=120_000)
    rows = []
    for tokens in SHARE_TOKENS:
        page = context.new_page()
        page.add_init_script(OBSERVE)
        browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
        page.goto(base + share_link(tokens), wait_until="load")
        page.wait_for_selector("[data-attnviz-playground][data-state=drawn]", timeout=600_000)
        loaded = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
        usable = page.evaluate("window.__drawnAt") / 1000
        drawn = page.evaluate(
            f"""async () => {{
                const w = (await {PLAYGROUND}).widgets[0];
                return {{window: w.shown.positions.length, whole: w.shown.whole, ...w.last.timings}};
            }}"""
        )
        # two traces: until the view is usable (and the CPU the model's thread used), then the interactions
        drawing, worker_cpu, nav = page_tasks(browser.stop_tracing(), loaded)
        browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
        interact(page)
        tasks = drawing + page_tasks(browser.stop_tracing(), loaded, nav)[0]
        observed = page.evaluate("window.__longTasks")
        draws = page.evaluate(
            "performance.getEntriesByType('measure').filter(m => m.name.startsWith('attnviz-pg'))"
            ".map(m => [m.name.slice(11), m.startTime, m.duration, m.detail.lines])"
        )
        # each draw's own task: the traced task that overlaps its measure most -> lines per second of CPU
        rates = []
        for _name, start, ms, lines in draws:
            overlap = lambda t, a=start, b=start + ms: min(b, t[0] + t[1]) - max(a, t[0])  # noqa: E731
            holding = max(tasks, key=overlap, default=None)
            if holding and overlap(holding) > 0 and holding[2] > 0:
                rates.append(lines / holding[2] * 1000)
        rows.append(
            {
                "tokens": tokens,
                "usable": usable,
                "first": min((start + ms for name, start, ms, _ in draws if name == "head"), default=0) / 1000,
                "started": drawn["started"] / 1000,
                "load": drawn["load"] / 1000,
                "inference": drawn["inference"] / 1000,
                "worker_cpu": worker_cpu,
                "window": "whole" if drawn["whole"] else f"{drawn['window']} tokens",
                "wall": max([d for s, d in observed if s >= loaded] or [0]),
                "cpu": max([t[2] for t in tasks] or [0]),
                "draws": [(name, round(ms), lines) for name, _s, ms, lines in draws],
                "rates": rates,
            }
        )
        page.close()
    # the issue's own measure: the same input typed into a page whose model is loaded (click -> drawn)
    for row in rows:
        sentence = share_link(row["tokens"]).split("?a=", 1)[1]
        row["clicked"] = click_and_wait(warm, unquote_plus(sentence))
    context.close()
    return rows


def bench_ready(page, condition: str) -> bool:
    return page.evaluate(f"async () => {{ const b = (await {PLAYGROUND}).widgets[0].bench; return !!({condition}); }}")


def bench_click(page, button: str, condition: str) -> float:
    """Seconds from a click on the bench's `button` until `condition` holds and both head views are drawn."""
    page.evaluate("document.querySelectorAll('.attnviz-bench-pair svg').forEach((s) => s.remove())")
    start = time.perf_counter()
    page.click(button)
    condition += " && b.run.timings"
    while not (bench_ready(page, condition) and page.locator(".attnviz-bench-view-b svg").count()):
        page.wait_for_timeout(5)
    return time.perf_counter() - start


def bench_runs(browser, base: str) -> tuple[dict[str, list[float]], dict[str, list[dict]]]:
    """The experiment bench (issue 18), warm (the model loaded): click -> grid and both head views drawn, for
    compare mode (sentence A against itself with its last word changed) and a shuffled control (seed 1), on
    the course's single sentences. Each is two model runs (compare also runs a shuffled control: three)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + PAGE, wait_until="load")
    click_and_wait(page, "The cat sat on the mat.")
    times: dict[str, list[float]] = {"compare": [], "control": []}
    parts: dict[str, list[dict]] = {"compare": [], "control": []}
    for n, sentence in enumerate(course_sentences().singles):
        words = sentence.rstrip(".").split()
        other = " ".join([*words[:-1], "thing" if words[-1] != "thing" else "stone"]) + "."
        page.fill(".attnviz-pg-a", sentence)
        page.check("input[name=attnviz-bench-mode][value=compare]")
        page.fill(".attnviz-bench-vs", other)
        cond = f"b.run && b.run.mode === 'compare' && b.run.second.a === {json.dumps(other)}"
        times["compare"].append(bench_click(page, ".attnviz-bench-run-compare", cond))
        parts["compare"].append(page.evaluate(f"async () => (await {PLAYGROUND}).widgets[0].bench.run.timings"))
        page.check("input[name=attnviz-bench-mode][value=control]")
        page.fill(".attnviz-bench-seed", str(n + 1))
        cond = f"b.run && b.run.mode === 'control' && b.run.first.a === {json.dumps(sentence)}"
        cond += f" && b.run.seed === {n + 1}"
        times["control"].append(bench_click(page, ".attnviz-bench-run-control", cond))
        parts["control"].append(page.evaluate(f"async () => (await {PLAYGROUND}).widgets[0].bench.run.timings"))
    page.close()
    return times, parts


def print_bench(measured: tuple[dict[str, list[float]], dict[str, list[dict]]]) -> None:
    times, parts = measured
    print("\nExperiment bench, warm (model loaded), click -> grid and both head views drawn (course single sentences)")
    for mode, runs in times.items():
        model = statistics.median(p["compute"] for p in parts[mode]) / 1000
        drawing = statistics.median(p["draw"] for p in parts[mode]) / 1000
        print(
            f"  {mode:<8} {len(runs)} runs: median {statistics.median(runs):.2f} s, max {max(runs):.2f} s "
            f"(the bench's own timer, medians: model runs {model:.2f} s, grid and views {drawing:.2f} s); "
            f"target <= 1 s: {'met' if max(runs) <= 1 else 'NOT met'}"
        )


def print_budget(rows: list[dict]) -> None:
    print("\nDrawing budget: share links opened with the model in the browser's cache (second visit)")
    print("(first view: the first head view drawn; usable: drawn, once a long input's window has grown; both from")
    print(" the navigation's start; model loading: what the tokenizer's load and the input's checks did not hide)")
    print(
        "tokens | first view | usable after | of which: page until the run, model loading, inference | "
        "model's thread CPU | head view shows | "
        "longest task: clock / CPU | draws (kind, ms, lines)"
    )
    for r in rows:
        print(
            f"{r['tokens']:>6} | {r['first']:8.2f} s | {r['usable']:9.2f} s | "
            f"{r['started']:19.2f} s, {r['load']:13.2f} s, {r['inference']:9.2f} s | "
            f"{r['worker_cpu']:15.2f} s | {r['window']:>15} | "
            f"{r['wall']:7.0f} / {r['cpu']:4.0f} ms | {r['draws']}"
        )
    rates = [rate for r in rows for rate in r["rates"]]
    if rates:
        print(
            f"BERTviz lines drawn per second of CPU (each draw's task): median {statistics.median(rates):,.0f}, "
            f"min {min(rates):,.0f}, max {max(rates):,.0f}"
        )
    worst_cpu = max(r["cpu"] for r in rows)
    worst_wall = max(r["wall"] for r in rows)
    met = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    print(
        f"no task above {LIMIT_MS} ms: by the CPU {met(worst_cpu <= LIMIT_MS)} ({worst_cpu:.0f} ms); by the clock "
        f"{met(worst_wall <= LIMIT_MS)} ({worst_wall:.0f} ms, which includes waiting for a core on a busy machine)"
    )
    print(
        "typed into a page whose model is loaded, click -> drawn: "
        + ", ".join(f"{r['tokens']} tokens {r['clicked']:.2f} s" for r in rows)
    )
    last = rows[-1]
    print(
        f"{last['tokens']} tokens within 3 s: as a share link, model in the HTTP cache (from the navigation): "
        f"{met(last['usable'] <= 3)} ({last['usable']:.1f} s); typed, model loaded: {met(last['clicked'] <= 3)} "
        f"({last['clicked']:.1f} s)"
    )


def browser_precision(page) -> dict:
    """onnxruntime-web (the page's own model) against PyTorch on the course inputs."""
    import numpy as np

    import attnviz
    from attnviz_devtools.precision import agreement, torch_attentions

    loaded = attnviz.load_model("bundled")
    pairs = []
    for a, b in course_sentences().checks:
        got = page.evaluate(f"async ([a, b]) => (await {PLAYGROUND}).infer(a, b)", [a, b])
        _, ref = torch_attentions(loaded, a, b)
        pairs.append((np.asarray(got["data"], dtype=np.float32).reshape(got["dims"]), ref))
    return agreement(pairs)


def print_network(runs: int) -> int:
    """Issue 19's figures on emulated networks from a GitHub-Pages-like server, and its target table."""
    import model_network
    from playwright.sync_api import sync_playwright

    from attnviz_devtools.precision import MAX_ABS, MEAN_ABS, SAME_TOP_KEY

    server = serve(pages=True)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as p:
        figures = model_network.run(p, base, runs=runs)
        warm = model_network.warm_clicks(p, base)
        launched = launch_browser(p)
        browser = next(launched)
        page = browser.new_page()
        page.goto(base + PAGE, wait_until="load")
        stats = browser_precision(page)
        launched.close()
    server.shutdown()

    mb = lambda n: f"{n / 1e6:.2f} MB"  # noqa: E731
    print("Playground on emulated networks (headless Chromium, DevTools Network.emulateNetworkConditions;")
    print("site served as GitHub Pages does: gzip, Cache-Control: max-age=600, ETag)")
    for label, f in figures.items():
        print(f"  {label}:")
        print(f"    first use, bytes on the wire after the click: {mb(f['first_use_wire'])}")
        for url, n in sorted(f["first_files"], key=lambda x: -x[1])[:8]:
            print(f"      {n / 1e3:9.1f} KB  {url.split('/playground/')[-1] if '/playground/' in url else url}")
        print("    cold click -> drawn: " + ", ".join(f"{t:.1f} s" for t in f["cold"]))
        print("      last run, after the click: " + ", ".join(f"{name} {t:.1f} s" for name, t in f["timeline"]))
        print(
            f"    second visit (same profile, new browser, HTTP cache cleared): model/runtime bytes "
            f"{f['second_model_bytes']:,} ({len(f['second_files'])} requests; the manifest "
            f"{f['second_manifest']:,} bytes); click -> drawn " + ", ".join(f"{t:.2f} s" for t in f["warm"])
        )
    print("  warm click -> drawn (model loaded, next sentences): " + ", ".join(f"{t:.2f} s" for t in warm))
    print(
        f"  precision, onnxruntime-web vs PyTorch ({stats['rows']:,} rows of the course inputs): "
        f"max abs {stats['max']:.4f}, mean {stats['mean']:.5f}, same strongest key {stats['same_top']:.2%}"
    )

    fast, slow = figures["9 Mbps / 40 ms"], figures["1.6 Mbps / 150 ms"]
    second = max(fast["second_model_bytes"], slow["second_model_bytes"])
    ok = lambda good: "met" if good else "NOT met"  # noqa: E731
    rows = [
        ("first use, bytes on the wire (gzip)", mb(fast["first_use_wire"]), "<= 12 MB",
         ok(fast["first_use_wire"] <= 12e6)),
        ("cold click -> drawn at 9 Mbps/40 ms (gzip)", f"{statistics.median(fast['cold']):.1f} s", "<= 15 s",
         ok(max(fast["cold"]) <= 15)),
        ("cold click -> drawn at 1.6 Mbps/150 ms (gzip)", f"{statistics.median(slow['cold']):.1f} s", "<= 75 s",
         ok(max(slow["cold"]) <= 75)),
        ("second visit, HTTP cache gone, model/runtime bytes", f"{second:,}", "0", ok(second == 0)),
        ("warm click -> drawn", f"{statistics.median(warm):.2f} s (max {max(warm):.2f})", "<= 0.3 s",
         ok(statistics.median(warm) <= 0.3)),
        ("text page / math or view page, bytes on the wire", "benchmarks/payload.py", "<= 300 / 450 KB", "(item 6)"),
        ("DOMContentLoaded, heaviest / lightest page", "benchmarks/payload.py", "<= 1.3", "(item 6)"),
        ("precision vs PyTorch (onnxruntime-web)",
         f"max {stats['max']:.3f}, mean {stats['mean']:.4f}, {stats['same_top']:.1%}", "gate",
         ok(stats["max"] <= MAX_ABS and stats["mean"] <= MEAN_ABS and stats["same_top"] >= SAME_TOP_KEY)),
    ]  # fmt: skip
    print("\n| figure | now | target | |")
    print("|---|---|---|---|")
    for name, now, target, verdict in rows:
        print(f"| {name} | {now} | {target} | {verdict} |")
    return 0


def main() -> int:
    if "--sizes" in sys.argv[1:]:
        return print_sizes()
    if "--network" in sys.argv[1:]:
        if not (HTML / PAGE).exists():
            print("build the site first: make book", file=sys.stderr)
            return 1
        runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 1
        return print_network(runs)
    if not (HTML / PAGE).exists():
        print("build the site first: make book", file=sys.stderr)
        return 1
    server = serve()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = launch_browser(p)  # keep the generator: collecting it closes the browser
        browser = next(launched)
        if "--bench-only" in sys.argv:
            measured = bench_runs(browser, base)
            launched.close()
            server.shutdown()
            print_bench(measured)
            return 0
        if "--budget-only" in sys.argv:
            rows = budget_runs(browser, base)
            launched.close()
            server.shutdown()
            print_budget(rows)
            return 0
        cold, cold_js, warm, warm_js, infer = [], [], [], [], []
        first_use: dict[str, int] = {}
        for run in range(COLD_RUNS):
            context = browser.new_context()  # empty HTTP cache: a first visit
            page = context.new_page()
            sizes: dict[str, int] = defaultdict(int)
            offsite: list[str] = []
            files: dict[str, int] = {}

            def on_response(response, sizes=sizes, offsite=offsite, files=files):
                if response.url.startswith(("blob:", "data:")):  # modules made in the page from kept bytes
                    return
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
        bench = bench_runs(browser, base)
        budget = budget_runs(browser, base)
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
    print_bench(bench)
    print_budget(budget)
    return 0


if __name__ == "__main__":
    sys.exit(main())
