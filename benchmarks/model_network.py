"""The playground's first use and second visit on emulated networks (issue 19), for benchmarks/browser_model.py.

The built site is served as GitHub Pages serves it (attnviz_devtools.site.serve(pages=True): gzip,
``Cache-Control: max-age=600``, ETag), and Chromium's network is slowed through the DevTools protocol
(``Network.emulateNetworkConditions``). Bytes on the wire are the protocol's ``encodedDataLength`` (headers
and the gzipped body) of every response of the page and its worker.

* first use: a new profile opens the playground, then the click; its bytes on the wire (the page before the
  click apart) and click -> head view drawn, on each network;
* second visit: the same profile (a persistent context directory) in a new browser, with its HTTP cache
  cleared (``Network.clearBrowserCache``: stricter than an expired ``max-age``, which would revalidate with
  a 304 instead), then the click on the same sentence: the bytes of the model's and the runtime's files
  (the manifest, asked for on every page, apart), and click -> drawn (the session starts from kept files).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

PAGE = "book/playground.html"
DRAWN = "[data-attnviz-playground][data-state=drawn]"
NETWORKS = {"9 Mbps / 40 ms": (9e6, 40), "1.6 Mbps / 150 ms": (1.6e6, 150)}
SENTENCES = ["The cat sat on the mat.", "The children laughed at the funny clown."]


def _model_file(url: str) -> bool:
    """A file of the model or the runtime (what Cache Storage keeps), not of the page or BERTviz, nor the
    manifest (asked for on every page, so that a new build is seen)."""
    path = url.split("?")[0]
    return ("/playground/model/" in path or "/playground/vendor/" in path) and not path.endswith("/manifest.json")


def _manifest(url: str) -> bool:
    return url.split("?")[0].endswith("/playground/model/manifest.json")


class Wire:
    """Bytes on the wire per URL, from the DevTools protocol (the page's session)."""

    def __init__(self, cdp: Any) -> None:
        self.urls: dict[str, str] = {}
        self.bytes: list[tuple[str, int]] = []
        cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", self._done)

    def _done(self, event: dict) -> None:
        url = self.urls.get(event["requestId"], "")
        self.bytes.append((url, int(event["encodedDataLength"])))

    def mark(self) -> int:
        return len(self.bytes)

    def since(self, mark: int, keep=lambda url: True) -> int:
        return sum(n for url, n in self.bytes[mark:] if keep(url))

    def files_since(self, mark: int, keep=lambda url: True) -> list[tuple[str, int]]:
        return [(url, n) for url, n in self.bytes[mark:] if keep(url)]


def _open(context: Any, base: str, network: tuple[float, int] | None) -> tuple[Any, Any, Wire]:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    wire = Wire(cdp)
    if network:
        bps, latency = network
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": latency, "downloadThroughput": bps / 8, "uploadThroughput": bps / 8},
        )
    return page, cdp, wire


def _click(page: Any, sentence: str) -> float:
    page.fill(".attnviz-pg-a", sentence)
    page.fill(".attnviz-pg-b", "")
    page.evaluate("document.querySelector('[data-attnviz-playground]').dataset.state = 'idle'")
    page.evaluate("performance.clearMarks(); performance.mark('attnviz:click')")
    start = time.perf_counter()
    page.click(".attnviz-pg-run")
    page.wait_for_selector(DRAWN, timeout=600_000)
    return time.perf_counter() - start


MARKS = """(() => {
    const marks = performance.getEntriesByType('mark').filter((m) => m.name.startsWith('attnviz:'));
    const click = marks.find((m) => m.name === 'attnviz:click');
    return marks.filter((m) => m !== click).map((m) => [m.name.slice(8), (m.startTime - click.startTime) / 1000]);
})()"""


def _timeline(page: Any) -> list[tuple[str, float]]:
    """The widget's moments (model.js's performance marks) in seconds after the click, in order."""
    return sorted(((name, t) for name, t in page.evaluate(MARKS)), key=lambda m: m[1])


def _persistent(playwright: Any, folder: Path) -> Any:
    from attnviz_devtools.browser import CHROMIUM_ARGS, find_chromium

    found = find_chromium()
    return playwright.chromium.launch_persistent_context(
        str(folder), executable_path=found.path, args=CHROMIUM_ARGS, headless=True
    )


def run(playwright: Any, base: str, runs: int = 1) -> dict[str, Any]:
    """Measure on each network: first use (bytes, click -> drawn) and the second visit (bytes, click -> drawn)."""
    out: dict[str, Any] = {}
    for label, network in NETWORKS.items():
        cold, wire_first, second_bytes, warm, second_files = [], [], [], [], []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as profile:
                context = _persistent(playwright, Path(profile))
                page, _, wire = _open(context, base, network)
                page.goto(base + PAGE, wait_until="load")
                mark = wire.mark()
                cold.append(_click(page, SENTENCES[0]))
                timeline = _timeline(page)
                page.wait_for_timeout(300)  # the last response's loadingFinished
                wire_first.append(wire.since(mark))
                first_files = wire.files_since(mark)
                context.close()

                context = _persistent(playwright, Path(profile))  # a new browser session, the same profile
                page, cdp, wire = _open(context, base, network)
                cdp.send("Network.clearBrowserCache")  # the HTTP cache gone: only what the widget keeps
                page.goto(base + PAGE, wait_until="load")
                mark = wire.mark()
                warm.append(_click(page, SENTENCES[0]))  # the same sentence: its rows are kept too
                page.wait_for_timeout(300)
                second_bytes.append(wire.since(mark, _model_file))
                manifest_bytes = wire.since(mark, _manifest)
                second_files = [f for f in wire.files_since(mark) if _model_file(f[0])]
                context.close()
        out[label] = {
            "first_use_wire": statistics.median(wire_first),
            "first_files": first_files,
            "cold": cold,
            "timeline": timeline,
            "second_model_bytes": max(second_bytes),
            "second_files": second_files,
            "second_manifest": manifest_bytes,
            "warm": warm,
        }
    return out


def warm_clicks(playwright: Any, base: str, clicks: int = 5) -> list[float]:
    """Click -> drawn with the model loaded (the issue's "warm"), on the same page, no network emulation."""
    with tempfile.TemporaryDirectory() as profile:
        context = _persistent(playwright, Path(profile))
        page, _, _ = _open(context, base, None)
        page.goto(base + PAGE, wait_until="load")
        _click(page, SENTENCES[0])
        sentences = ["She loves programming.", "The dog chased the ball.", "It ran across the yard.",
                     "The children laughed at the funny clown.", "A bird sang in the tree."]  # fmt: skip
        times = [_click(page, sentences[i % len(sentences)]) for i in range(clicks)]
        context.close()
    return times
