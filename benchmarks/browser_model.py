"""Benchmark of the in-browser model (playground) on the built site, in headless Chromium.

Prints: bytes downloaded on first use (model, runtime, tokenizer, BERTviz), time from button press to a
drawn head view (cold: download from localhost, session start, first sentence; warm: the next sentence),
and per-sentence inference time over the course sentences. Targets: warm <= 1 s, cold <= 5 s,
model <= 30 MB. Run after `make book`:

    .venv/bin/python benchmarks/browser_model.py

``--sizes`` needs no browser (only the export, made if missing): the bytes of the format-2 files
(attnviz.webmodel) raw and gzipped, what a 10-token sentence needs, the first use on the wire, and the
graph's precision against PyTorch on the course inputs:

    .venv/bin/python benchmarks/browser_model.py --sizes
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from collections import defaultdict

from attnviz.devtools.browser import launch_browser
from attnviz.devtools.site import HTML, serve
from attnviz.sentences import course_sentences

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
    from attnviz.browser_model import MAX_ABS, MEAN_ABS, SAME_TOP_KEY, agreement, torch_attentions

    root = HTML.parents[1]  # the repository (HTML is <root>/_build/html)
    model = browser_model.ensure_browser_model(root / "_build" / ".browser_model", log=print)
    manifest = model.manifest
    files, spec = manifest["files"], manifest["embeddings"]
    read = lambda entry: (model.directory / entry["path"]).read_bytes()  # noqa: E731
    graph, legacy = read(files["graph"]), model.model_file.read_bytes()
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
    print("Format-2 browser model (attnviz.webmodel): bytes raw / gzipped")
    print(f"  graph {files['graph']['path']}: {mb(len(graph))} / {mb(gzipped(graph))}")
    print(f"    (the single-file model.onnx today's widget loads: {mb(len(legacy))} / {mb(gzipped(legacy))})")
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

    session = ort.InferenceSession(str(model.graph_file), providers=["CPUExecutionProvider"])
    pairs = []
    for a, b in course_sentences().checks:
        enc, ref = torch_attentions(loaded, a, b)
        feeds = {
            "inputs_embeds": reader.rows(enc["input_ids"][0].tolist())[None],
            "token_type_ids": enc["token_type_ids"].numpy(),
        }
        pairs.append((session.run(["attentions"], feeds)[0][0], ref))
    stats = agreement(pairs)
    print(
        f"precision vs PyTorch ({len(pairs)} course inputs, {stats['rows']:,} rows; onnxruntime {ort.__version__}): "
        f"max abs {stats['max']:.4f} (<= {MAX_ABS}), mean {stats['mean']:.5f} (<= {MEAN_ABS}), "
        f"same strongest key {stats['same_top']:.2%} (>= {SAME_TOP_KEY:.0%})"
    )
    return 0


def main() -> int:
    if "--sizes" in sys.argv[1:]:
        return print_sizes()
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
            cold_js.append(page.evaluate("attnvizPlayground.widgets[0].last.timings.total") / 1000)
            if run == 0:
                first_use = {k: sizes[k] - before.get(k, 0) for k in sizes}
                page_bytes = sum(before.values())
                after_click = {name: n for name, n in files.items() if name not in before_files}
            for a, b in [("She loves programming.", ""), ("The dog chased the ball.", "It ran across the yard.")]:
                warm.append(click_and_wait(page, a, b))
                warm_js.append(page.evaluate("attnvizPlayground.widgets[0].last.timings.total") / 1000)
            if run == 0:
                for a, b in course_sentences().checks:
                    infer.append(
                        page.evaluate(
                            """async ([a, b]) => {
                                const t = performance.now();
                                await attnvizPlayground.infer(a, b);
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
