"""Helpers for tests of the built site (_build/html): a localhost server and headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
# Debian's Chromium here; CI points ATTNVIZ_CHROMIUM at the one `playwright install chromium` fetched.
CHROMIUM = os.environ.get("ATTNVIZ_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(root: Path = HTML) -> http.server.ThreadingHTTPServer:
    """Serve ``root`` on a free localhost port in a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class PageLog:
    """What a page did while loading: JS errors and requests that left localhost."""

    base: str
    errors: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        page.on("request", self._request)
        page.on("requestfailed", lambda req: self.failed.append(req.url))
        page.on("response", lambda resp: resp.status >= 400 and self.failed.append(f"{resp.status} {resp.url}"))

    def _request(self, request) -> None:
        url = request.url
        if not (url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:")):
            self.offsite.append(url)


def built_pages() -> list[str]:
    """Every chapter page of the built book, relative to _build/html."""
    return sorted(p.relative_to(HTML).as_posix() for p in (HTML / "book").glob("*.html"))


def launch_browser(playwright) -> Iterator:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()
