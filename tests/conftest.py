from __future__ import annotations

import sys
from pathlib import Path

import pytest

import attnviz


@pytest.fixture(scope="session")
def loaded() -> attnviz.LoadedModel:
    """The course model as the build chooses it (ATTNVIZ_MODEL; `make test` sets bundled)."""
    return attnviz.load_model()


@pytest.fixture(scope="session")
def single(loaded) -> attnviz.AttentionResult:
    return attnviz.attend("The cat sat on the mat", model=loaded)


@pytest.fixture(scope="session")
def pair(loaded) -> attnviz.AttentionResult:
    return attnviz.attend("The cat sat on the mat", "The cat lay on the rug", model=loaded)


# --- the built site in headless Chromium -------------------------------------------------------

sys.path.insert(0, str(Path(__file__).parent))
from builtsite import HTML, PageLog, launch_browser, serve  # noqa: E402


@pytest.fixture(scope="session")
def site_url():
    """Base URL of _build/html served on localhost (build it first: `make book`)."""
    if not (HTML / "index.html").exists():
        pytest.fail("_build/html is missing: run `make book` before the site tests (`make test` does)")
    server = serve()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield from launch_browser(p)


@pytest.fixture
def open_page(browser, site_url):
    """open_page("book/03_bertviz.html") -> (page, log); the log records JS errors and off-site requests."""
    pages = []

    def _open(path: str, width: int = 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        log = PageLog(site_url)
        log.attach(page)
        page.goto(site_url + path, wait_until="load")
        pages.append(page)
        return page, log

    yield _open
    for page in pages:
        page.close()
