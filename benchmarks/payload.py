"""Page-weight and load-time figures: BERTviz's default output vs what the built site serves.

    python benchmarks/payload.py                     (or: make bench)
    ATTNVIZ_MODEL=/path/to/bert python benchmarks/payload.py --site /tmp/other/_build/html

1. Views. For the same model and input, the bytes of BERTviz's default output
   (``head_view(outputs.attentions, tokens, html_action="return")``: float32 weights at full length,
   BERTviz's JS inline), of this project's notebook output (weights rounded to 3 decimals), and of the
   same view in the built site (rewritten by ``attnviz.views.rewrite``: data once, one byte per
   weight; BERTviz's JS is served once per site and not counted per view, its size is printed apart).
   Targets (issue 10): head view <= 10 % of BERTviz's bytes for one sentence, <= 5 % for a pair,
   neuron view <= 15 %.
2. Pages. The HTML bytes of every page in the site's ``book/``: <= 300 KB with a 6-layer model,
   <= 600 KB with a 12-layer one (issue 10).
3. On the wire (issue 19). Every page of ``book/`` opened once in a fresh browser context (empty HTTP
   cache) from the site served as GitHub Pages serves it (gzip, ``Cache-Control: max-age=600``, ETag:
   ``attnviz_devtools.site.serve(pages=True)``), counted by Chromium until the network is idle: a text
   page <= 300 KB, a page with formulas or views <= 450 KB.
4. Load time (issue 19). DOMContentLoaded of every page in headless Chromium, median of 5 first visits
   (interleaved, fresh browser context per load, after one uncounted warm-up round), from the same
   server: the slowest page within 1.3x of the fastest.

``--site /tmp/baseline/html`` measures another build (e.g. the site before a change).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import torch
from bertviz import head_view, model_view
from bertviz.neuron_view import show

import attnviz
from attnviz.views import bertviz, compact, rewrite
from attnviz_devtools.site import page_limit

ROOT = Path(__file__).resolve().parents[1]
INPUTS = {
    "single": ("The cat sat on the mat", None),
    "pair": ("The cat sat on the mat", "The cat lay on the rug"),
}
TARGETS = {("head view", "single"): 0.10, ("head view", "pair"): 0.05, ("neuron view", "single"): 0.15,
           ("neuron view", "pair"): 0.15}  # fmt: skip
LOAD_RATIO = 1.3
LOADS = 5
# Bytes on the wire for a first visit, by page kind (issue 19): a text page, a page with formulas, a page
# with views (BERTviz views, head maps, the playground widget).
WIRE_TARGETS = {"text": 300_000, "math": 450_000, "views": 450_000}


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def default_attentions(loaded: attnviz.LoadedModel, a: str, b: str | None) -> tuple:
    enc = loaded.tokenizer(a, b, return_tensors="pt")
    with torch.inference_mode():
        return loaded.model(**enc, output_attentions=True).attentions


def site_bytes(html: str) -> int:
    return len(rewrite(html).body.encode())


def row(view: str, name: str, theirs: str, ours: str) -> bool:
    notebook, site = len(ours.encode()), site_bytes(ours)
    ratio = site / len(theirs.encode())
    target = TARGETS.get((view, name))
    ok = target is None or ratio <= target
    tail = "" if target is None else f"  target <= {target:.0%}: {verdict(ok)}"
    print(f"{view:<12}{name:<8}{len(theirs.encode()):>12,}{notebook:>12,}{site:>10,}{ratio:>8.1%}{tail}")
    return ok


def views(loaded: attnviz.LoadedModel) -> bool:
    print(f"{'view':<12}{'input':<8}{'BERTviz':>12}{'notebook':>12}{'site':>10}{'site/BV':>8}")
    ok = True
    bv_model, bv_tok = attnviz.neuron_model(loaded)
    for name, (a, b) in INPUTS.items():
        r = attnviz.attend(a, b, model=loaded)
        raw = default_attentions(loaded, a, b)
        start = r.sentence_b_start
        theirs = head_view(raw, list(r.tokens), sentence_b_start=start, html_action="return").data
        ours = head_view(r.attention, r.tokens, sentence_b_start=start, html_action="return").data
        ok &= row("head view", name, theirs, ours)
        theirs = model_view(raw, list(r.tokens), sentence_b_start=start, html_action="return").data
        ours = model_view(r.attention, r.tokens, sentence_b_start=start, html_action="return").data
        ok &= row("model view", name, theirs, ours)
        theirs = show(bv_model, "bert", bv_tok, a, b, html_action="return").data
        ours = attnviz.neuron_view(a, b, model=loaded).data
        ok &= row("neuron view", name, theirs, ours)
    shared = {view: len(bertviz.bertviz_script(view).encode()) for view in compact.VIEWS}
    print(
        "(site: BERTviz's JS served once per site, not per view: "
        + ", ".join(f"{v}_view.js {n:,} B" for v, n in shared.items())
        + ")"
    )
    return ok


def has_views(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return "data-attnviz-view" in text or "attnviz-headmap" in text or "data-attnviz-playground" in text


def has_math(path: Path) -> bool:
    return 'class="math' in path.read_text(encoding="utf-8")


def kind(path: Path) -> str:
    return "views" if has_views(path) else "math" if has_math(path) else "text"


def pages(site: Path, layers: int) -> tuple[bool, list[Path]]:
    limit = page_limit(layers)
    found = sorted((site / "book").glob("*.html"))
    if not found:
        print(f"\n(no built pages in {site}: run `make book` for page sizes)")
        return True, []
    print(f"\n{'page':<36}{'HTML bytes':>12}  kind   (limit {limit:,} B for a {layers}-layer model)")
    ok = True
    for page in found:
        size = page.stat().st_size
        ok &= size <= limit
        flag = "" if size <= limit else "  OVER"
        print(f"{page.relative_to(site).as_posix():<36}{size:>12,}  {kind(page):<6}{flag}")
    print(f"every page <= {limit:,} B: {verdict(ok)}")
    return ok, found


def _open(browser, base: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # empty HTTP cache: a first visit
    return context, context.new_page()


def wire_bytes(browser, base: str, site: Path, page_path: Path) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Bytes on the wire (headers and gzipped bodies, as Chromium counts them) for one first visit to a page,
    until the network is idle, without scrolling; and how many requests that took."""
    context, page = _open(browser, base)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(base + page_path.relative_to(site).as_posix(), wait_until="load")
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes.values()), len(sizes)


def on_the_wire(browser, base: str, site: Path, found: list[Path]) -> bool:  # type: ignore[no-untyped-def]
    print("\nOn the wire, first visit (gzip, Cache-Control: max-age=600 and ETag as GitHub Pages sends them;")
    print("load + network idle, no scrolling: views and the playground load their scripts only when used)")
    print(f"{'page':<36}{'kind':<7}{'bytes':>12}{'requests':>10}{'target':>12}  met")
    ok = True
    worst: dict[str, int] = {}
    for page_path in found:
        size, requests = wire_bytes(browser, base, site, page_path)
        k = kind(page_path)
        target = WIRE_TARGETS[k]
        ok &= size <= target
        worst[k] = max(worst.get(k, 0), size)
        print(f"{page_path.relative_to(site).as_posix():<36}{k:<7}{size:>12,}{requests:>10}{target:>12,}  "
              f"{verdict(size <= target)}")  # fmt: skip
    for k, size in worst.items():
        target = WIRE_TARGETS[k]
        print(f"  heaviest {k:<6} page {size:>12,} B  target <= {target:,} B: {verdict(size <= target)}")
    return ok


def load_times(browser, base: str, site: Path, found: list[Path]) -> bool:  # type: ignore[no-untyped-def]
    """DOMContentLoaded of every page: medians of LOADS first visits, interleaved, after one uncounted round."""
    times: dict[Path, list[float]] = {p: [] for p in found}
    for run in range(LOADS + 1):  # the first round warms the server and Chromium: not counted
        for page_path in found:
            context, page = _open(browser, base)
            page.goto(base + page_path.relative_to(site).as_posix(), wait_until="load")
            dcl = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
            if run:
                times[page_path].append(dcl)
            context.close()
    medians = {p: statistics.median(t) for p, t in times.items()}
    lightest = min(medians.values())
    print(f"\nDOMContentLoaded, median of {LOADS} first visits (headless Chromium, same server)")
    print(f"{'page':<36}{'kind':<7}{'ms':>8}{'÷ lightest':>12}")
    for page_path, ms in medians.items():
        print(f"{page_path.relative_to(site).as_posix():<36}{kind(page_path):<7}{ms:>8.0f}{ms / lightest:>12.2f}")
    heaviest = max(medians, key=lambda p: medians[p])
    ratio = medians[heaviest] / lightest
    ok = ratio <= LOAD_RATIO
    print(f"  heaviest ({heaviest.name}) ÷ lightest: {ratio:.2f}  target <= {LOAD_RATIO}: {verdict(ok)}")
    return ok


def in_browser(site: Path, found: list[Path], load: bool) -> bool:
    from playwright.sync_api import sync_playwright

    from attnviz_devtools.browser import launch_browser
    from attnviz_devtools.site import base_url, serve

    server = serve(site, pages=True)
    base = base_url(server)
    ok = True
    try:
        with sync_playwright() as p:
            for browser in launch_browser(p):
                ok &= on_the_wire(browser, base, site, found)
                if load:
                    ok &= load_times(browser, base, site, found)
    finally:
        server.shutdown()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="a built site (_build/html)")
    parser.add_argument("--no-browser", action="store_true", help="skip the measurements in Chromium")
    parser.add_argument("--no-load-times", action="store_true", help="bytes on the wire only, no DOMContentLoaded")
    parser.add_argument("--pages-only", action="store_true", help="skip the sizes of single views")
    args = parser.parse_args()
    loaded = attnviz.load_model()
    info = loaded.info
    print(f"model: {info.name} ({info.layers} layers × {info.heads} heads)\nsite: {args.site}\n")
    ok = True if args.pages_only else views(loaded)
    pages_ok, found = pages(args.site, loaded.info.layers)
    ok &= pages_ok
    if found and not args.no_browser:
        ok &= in_browser(args.site, found, load=not args.no_load_times)
    print(f"\nall targets met: {verdict(ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
