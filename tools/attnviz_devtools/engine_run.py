"""One pass over the built site in one engine (WebKit, Firefox, or Chromium): every view drawn, the playground
run on a typed sentence, every JS error and failed request recorded (tests/test_browser_engines.py).

The site is served on localhost with :file:`probe.js` put first into every page, so that JS errors are
recorded the same way whatever drives the engine (:mod:`.engine_sessions`: Playwright, Selenium with
WebKitWebDriver, or puppeteer-core over WebDriver BiDi). The steps in the page are :file:`walk.js`; the
server itself records every request that fails.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .engine_sessions import Session, open_session
from .engines import Engine
from .project import HTML
from .views import REVEAL, TAGS

__all__ = [
    "PLAYGROUND",
    "SENTENCE",
    "PageResult",
    "Report",
    "expected_views",
    "run_engine",
    "serve_probed",
    "walk_site",
]

_FILES = resources.files("attnviz_devtools")
PROBE = _FILES.joinpath("probe.js").read_text(encoding="utf-8")
WALK = _FILES.joinpath("walk.js").read_text(encoding="utf-8")

PLAYGROUND = "book/playground.html"
SENTENCE = "The cat sat on the mat"
VIEW_TIMEOUT_MS = 20_000  # one view, from scrolling it into view to drawn
SETTLE_MS = 150  # after the last step on a page, for late errors
PLAYGROUND_TIMEOUT_MS = 120_000
_HEAD = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)


# --- the site, served with the probe ------------------------------------------------------------------


class ProbedServer:
    """The built site on a free localhost port; every HTML page gets :file:`probe.js` first in its head.

    ``failed`` lists every request answered with a status of 400 or more. ``overrides`` maps a path
    (``book/x.html``) to the bytes served in place of the file (to check that a broken page is caught).
    """

    def __init__(self, root: Path, overrides: Mapping[str, bytes] | None = None) -> None:
        self.root, self.overrides = root, dict(overrides or {})
        self.failed: list[str] = []
        handler = functools.partial(_ProbingHandler, self, directory=str(root))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}/"

    def page(self, path: str) -> str:
        """The page as served (before the probe goes in)."""
        override = self.overrides.get(path)
        return override.decode("utf-8") if override is not None else (self.root / path).read_text(encoding="utf-8")

    def shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _ProbingHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, owner: ProbedServer, *args: Any, **kwargs: Any) -> None:
        self.owner = owner
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path).lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        if not path.endswith(".html"):
            return super().do_GET()
        body = self.owner.overrides.get(path)
        if body is None:
            file = Path(self.translate_path("/" + path))
            if not file.is_file():
                return super().do_GET()  # the 404
            body = file.read_bytes()
        script = b"<script>" + PROBE.encode("utf-8") + b"</script>"
        found = _HEAD.search(body)
        at = found.end() if found else 0
        body = body[:at] + script + body[at:]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).isdigit() and int(code) >= 400:
            self.owner.failed.append(f"{code} {self.path}")

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_probed(root: Path = HTML, overrides: Mapping[str, bytes] | None = None) -> Iterator[ProbedServer]:
    server = ProbedServer(root, overrides)
    try:
        yield server
    finally:
        server.shutdown()


class _ViewCounter(HTMLParser):
    """Counts what :data:`.views.TAGS` selects: one ``<script data-attnviz-view>`` data tag per lazily drawn view."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and "data-attnviz-view" in found:
            self.count += 1


def expected_views(html: str) -> int:
    """How many views a page holds, read from its HTML (not from any browser)."""
    counter = _ViewCounter()
    counter.feed(html)
    return counter.count


# --- one pass over the site ------------------------------------------------------------------------------


@dataclass
class PageResult:
    path: str
    expected: int  #: views in the page's HTML
    views: list[dict[str, Any]]  #: walk.js's answer, one entry per view found in the browser
    errors: list[str]
    seconds: float  #: opening the page, drawing its views (and running the playground)

    @property
    def undrawn(self) -> list[str]:
        return [
            f"{self.path} #{v['id']} ({v['view'] or 'never drawn'}, {v['marks']} marks)"
            for v in self.views
            if not v["drawn"]
        ]


@dataclass
class Report:
    """What one engine did on the site."""

    engine: str
    version: str
    pages: list[PageResult] = field(default_factory=list)
    playground: dict[str, Any] = field(default_factory=dict)  #: walk.js's answer, plus seconds
    failed: list[str] = field(default_factory=list)  #: requests answered 4xx/5xx
    seconds: float = 0.0

    @property
    def drawn(self) -> int:
        return sum(v["drawn"] for page in self.pages for v in page.views)

    @property
    def expected(self) -> int:
        return sum(page.expected for page in self.pages)

    @property
    def errors(self) -> list[str]:
        return [f"{page.path}: {error}" for page in self.pages for error in page.errors]

    def summary(self) -> str:
        pg = self.playground
        played = {"drawn": f"drew {SENTENCE!r} in {pg.get('seconds', 0):.1f} s", None: "not run"}.get(
            pg.get("state"), f"{pg.get('state')}: {pg.get('error')}"
        )
        return (
            f"{self.engine} {self.version}: {self.drawn}/{self.expected} views drawn on {len(self.pages)} pages; "
            f"playground {played}; {len(self.errors)} JS errors; {len(self.failed)} failed requests; "
            f"{self.seconds:.0f} s"
        )

    def timings(self) -> str:
        """Seconds per page, slowest first (where a slow pass spends its time)."""
        return ", ".join(
            f"{p.path.removeprefix('book/')} {p.seconds:.1f}" for p in sorted(self.pages, key=lambda p: -p.seconds)
        )


def walk_site(
    session: Session, server: ProbedServer, pages: list[str], view_timeout_ms: int = VIEW_TIMEOUT_MS
) -> tuple[list[PageResult], dict[str, Any]]:
    """Each page opened in turn, every view drawn, the playground run once (on :data:`PLAYGROUND`)."""
    call = f"({WALK})"
    results: list[PageResult] = []
    playground: dict[str, Any] = {}
    for path in pages:
        opened = time.perf_counter()
        session.open(server.base + path)
        views = session.run(f"{call}.views({REVEAL}, {json.dumps(TAGS)}, {view_timeout_ms})")
        if path == PLAYGROUND:
            started = time.perf_counter()
            # in the middle of the window: WebKit's driver scrolls a field to the top, under the theme's sticky
            # header, and then finds it not interactable
            session.run("document.querySelector('.attnviz-pg-a').scrollIntoView({block: 'center'})")
            session.type(".attnviz-pg-a", SENTENCE)
            session.click(".attnviz-pg-run")
            playground = session.run(f"{call}.playground({PLAYGROUND_TIMEOUT_MS})")
            playground["seconds"] = time.perf_counter() - started
        errors = session.run(f"{call}.errors({SETTLE_MS})")
        expected = expected_views(server.page(path))
        results.append(PageResult(path, expected, views, errors, time.perf_counter() - opened))
    return results, playground


def run_engine(
    engine: Engine,
    pages: list[str],
    root: Path = HTML,
    overrides: Mapping[str, bytes] | None = None,
    view_timeout_ms: int = VIEW_TIMEOUT_MS,
) -> Report:
    """Serve ``root`` with the probe and walk ``pages`` in one session of ``engine``.

    Runs in a thread of its own: Playwright's sync API refuses a thread whose asyncio loop is running (as
    in a test worker that also drives Chromium).
    """

    def work() -> Report:
        started = time.perf_counter()
        with serve_probed(root, overrides) as server, open_session(engine) as session:
            report = Report(engine.label, session.version.removeprefix("firefox/"))
            report.pages, report.playground = walk_site(session, server, pages, view_timeout_ms)
            report.failed = list(server.failed)
        report.seconds = time.perf_counter() - started
        return report

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
