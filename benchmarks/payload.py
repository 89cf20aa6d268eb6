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
3. Load time. DOMContentLoaded of the heaviest page with views and of the lightest text page, in
   headless Chromium, median of 5 loads each (interleaved, fresh browser context per load, after one
   uncounted warm-up round): the view
   page within 1.3x of the text page (issue 10).
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
    return "data-attnviz-view" in text or "attnviz-headmap" in text


def pages(site: Path, layers: int) -> tuple[bool, list[Path]]:
    limit = page_limit(layers)
    found = sorted((site / "book").glob("*.html"))
    if not found:
        print(f"\n(no built pages in {site}: run `make book` for page sizes)")
        return True, []
    print(f"\n{'page':<36}{'bytes':>12}  views  (limit {limit:,} B for a {layers}-layer model)")
    ok = True
    for page in found:
        size = page.stat().st_size
        ok &= size <= limit
        flag = "" if size <= limit else "  OVER"
        print(f"{page.relative_to(site).as_posix():<36}{size:>12,}  {'yes' if has_views(page) else '   '}{flag}")
    print(f"every page <= {limit:,} B: {verdict(ok)}")
    return ok, found


def load_times(site: Path, found: list[Path]) -> bool:
    from playwright.sync_api import sync_playwright

    from attnviz_devtools.browser import launch_browser
    from attnviz_devtools.site import serve

    with_views = [p for p in found if has_views(p)]
    text_only = [p for p in found if not has_views(p)]
    if not with_views or not text_only:
        print("\n(load times need pages with and without views)")
        return True
    heavy = max(with_views, key=lambda p: p.stat().st_size)
    light = min(text_only, key=lambda p: p.stat().st_size)
    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    times: dict[Path, list[float]] = {heavy: [], light: []}
    try:
        with sync_playwright() as p:
            for browser in launch_browser(p):
                for run in range(LOADS + 1):  # the first round warms the server and Chromium: not counted
                    for page_path in (light, heavy):
                        context = browser.new_context(viewport={"width": 1280, "height": 900})
                        page = context.new_page()
                        page.goto(base + page_path.relative_to(site).as_posix(), wait_until="load")
                        dcl = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
                        if run:
                            times[page_path].append(dcl)
                        context.close()
    finally:
        server.shutdown()
    heavy_ms, light_ms = statistics.median(times[heavy]), statistics.median(times[light])
    ratio = heavy_ms / light_ms
    print(f"\nDOMContentLoaded, median of {LOADS} loads (headless Chromium)")
    print(f"  lightest text page  {light.name:<28}{light_ms:>8.0f} ms  {light.stat().st_size:>10,} B")
    print(f"  heaviest view page  {heavy.name:<28}{heavy_ms:>8.0f} ms  {heavy.stat().st_size:>10,} B")
    print(f"  ratio {ratio:.2f}  target <= {LOAD_RATIO}: {verdict(ratio <= LOAD_RATIO)}")
    return ratio <= LOAD_RATIO


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="a built site (_build/html)")
    parser.add_argument("--no-browser", action="store_true", help="skip the load-time measurement")
    args = parser.parse_args()
    loaded = attnviz.load_model()
    print(f"model: {loaded.info.describe()}\n")
    ok = views(loaded)
    pages_ok, found = pages(args.site, loaded.info.layers)
    ok &= pages_ok
    if found and not args.no_browser:
        ok &= load_times(args.site, found)
    print(f"\nall targets met: {verdict(ok)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
