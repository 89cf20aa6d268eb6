"""The built site (``_build/html``) on a localhost server, and a log of what a page did while loading."""

from __future__ import annotations

import email.utils
import functools
import gzip
import http.server
import io
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .project import HTML

__all__ = ["HTML", "PageLog", "built_pages", "page_limit", "serve"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


#: What GitHub Pages sends compressed (when the browser accepts gzip): text formats, not images or
#: woff/woff2 fonts, which are compressed already.
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml",
                    "application/wasm", "application/octet-stream", "font/ttf", "font/otf")  # fmt: skip
#: GitHub Pages' cache header on every file.
CACHE_CONTROL = "max-age=600"


@functools.lru_cache(maxsize=256)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:  # keyed on mtime and size: a rebuilt file is new
    with open(path, "rb") as file:
        return gzip.compress(file.read(), compresslevel=6, mtime=0)


class _PagesHandler(_QuietHandler):
    """Serves as GitHub Pages does: gzip for text formats when asked, ``Cache-Control: max-age=600``, an
    ``ETag`` per file (and per encoding) and ``304 Not Modified`` for a matching ``If-None-Match``."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to "folder/"
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            return super().send_head()  # 404
        stat = os.stat(path)
        ctype = self.guess_type(path)
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        compress = wants_gzip and ctype.startswith(COMPRESSED_TYPES)
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}{"-gzip" if compress else ""}"'
        if etag in self.headers.get("If-None-Match", ""):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", CACHE_CONTROL)
            self.end_headers()
            return None
        body = _gzipped(path, stat.st_mtime_ns, stat.st_size) if compress else Path(path).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if compress:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", CACHE_CONTROL)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        self.end_headers()
        return io.BytesIO(body)


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # a page closed while a file was on its way
            return
        super().handle_error(request, client_address)


def serve(root: Path = HTML, *, pages: bool = False) -> http.server.ThreadingHTTPServer:
    """Serve ``root`` on a free localhost port in a daemon thread; ``.shutdown()`` it when done.

    ``pages=True`` serves as GitHub Pages does (gzip, ``Cache-Control: max-age=600``, ETag): for figures
    of what a reader downloads.
    """
    handler = functools.partial(_PagesHandler if pages else _QuietHandler, directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
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
