"""Take full-page screenshots of built pages in headless Chromium.

    python scripts/screenshot.py book/demo.html [more pages...] [--out DIR] [--width 1280]

Serves _build/html on a free localhost port, prints console errors and off-site requests.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("ATTNVIZ_CHROMIUM") or "/usr/bin/chromium"  # as in tests/builtsite.py
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def serve(root: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pages", nargs="+")
    ap.add_argument("--out", default="_build/screenshots")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--root", default="_build/html")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = serve(Path(args.root))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for page_path in args.pages:
            page = browser.new_page(viewport={"width": args.width, "height": 900})
            page.on("console", lambda m: m.type == "error" and print("  console error:", m.text))
            page.on("pageerror", lambda e: print("  page error:", e))
            page.on(
                "request",
                lambda r: not r.url.startswith(base) and not r.url.startswith("data:") and print("  off-site:", r.url),
            )
            page.goto(base + page_path, wait_until="load")
            page.wait_for_timeout(800)
            target = out / (page_path.replace("/", "_").removesuffix(".html") + ".png")
            page.screenshot(path=str(target), full_page=True)
            print(target)
            page.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
