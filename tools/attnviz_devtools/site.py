"""The built site (``_build/html``) on a localhost server, and a log of what a page did while loading."""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .project import HTML

__all__ = ["HTML", "PageLog", "built_pages", "page_limit", "serve"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(root: Path = HTML) -> http.server.ThreadingHTTPServer:
    """Serve ``root`` on a free localhost port in a daemon thread; ``.shutdown()`` it when done."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def base_url(server: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/"


@dataclass
class PageLog:
    """What a page did while loading: JS errors, failed requests, and requests that left ``base``."""

    base: str
    errors: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", self._console)
        page.on("request", self._request)
        page.on("requestfailed", lambda req: self.failed.append(req.url))
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def _request(self, request: Any) -> None:
        url = request.url
        if not (url.startswith(self.base) or url.startswith("data:") or url.startswith("blob:")):
            self.offsite.append(url)


def built_pages(root: Path = HTML) -> list[str]:
    """Every chapter page of the built book, relative to ``root``."""
    return sorted(p.relative_to(root).as_posix() for p in (root / "book").glob("*.html"))


#: The most HTML a built page may weigh, by the model's number of layers (issue 10): 300 KB with the
#: bundled 6 x 12 model, 600 KB with a 12 x 12 BERT-base, in proportion for other depths.
PAGE_LIMITS = {6: 300_000, 12: 600_000}


def page_limit(layers: int) -> int:
    return PAGE_LIMITS.get(layers) or PAGE_LIMITS[12] * layers // 12
