"""Take full-page screenshots of built pages in headless Chromium.

    python scripts/screenshot.py book/03_bertviz.html [more pages...] [--out DIR] [--width 1280]

Views draw lazily (when they near the viewport): each visible view is scrolled to and drawn first.
Serves _build/html on a free localhost port (the same server and Chromium settings as the browser
tests, attnviz_devtools) and prints JavaScript errors and requests that left localhost.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from attnviz_devtools.browser import launch_browser
from attnviz_devtools.site import PageLog, serve
from attnviz_devtools.views import roots


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
        for browser in launch_browser(p):
            for page_path in args.pages:
                page = browser.new_page(viewport={"width": args.width, "height": 900})
                log = PageLog(base)
                log.attach(page)
                page.goto(base + page_path, wait_until="load")
                for view in roots(page):  # draw every visible view (they draw when near)
                    if view.is_visible():
                        view.scroll_into_view_if_needed()
                        view.locator("xpath=self::*[@data-attnviz-drawn]").wait_for(state="attached", timeout=20_000)
                page.evaluate("window.scrollTo(0, 0)")
                page.wait_for_timeout(800)
                target = out / (page_path.replace("/", "_").removesuffix(".html") + ".png")
                page.screenshot(path=str(target), full_page=True)
                print(target)
                for line in log.errors + log.failed + [f"off-site: {u}" for u in log.offsite]:
                    print("  ", line)
                page.close()
    server.shutdown()


if __name__ == "__main__":
    main()
