"""The built site in WebKit and in Firefox (issue 16): every view on every page draws (lazy views scrolled
into view, views in closed tabs and dropdowns opened in turn), the playground draws a typed sentence, and no
JS error occurs. The other browser tests run in Chromium.

Each engine is driven once, in one session and one pass over the site (attnviz_devtools.engine_run). Where
the engines come from (Playwright's own, or Debian's WebKitGTK and firefox-esr) and what a missing one means
(ATTNVIZ_ENGINES: skipped with the reason on one line, or a failure in CI): attnviz_devtools.engines;
`make test` finds or installs them before the tests.
"""

from __future__ import annotations

import re

import pytest

from attnviz_devtools import browser as chromium
from attnviz_devtools import engines
from attnviz_devtools.engine_run import PLAYGROUND, SENTENCE, run_engine
from attnviz_devtools.site import HTML, built_pages

pytestmark = pytest.mark.browser


def engine_or_skip(name: engines.EngineName) -> engines.Engine:
    """The engine to test; a skip (one line: why, and what would get it) only when it is missing and allowed to be."""
    wanted = engines.mode()
    if wanted == "none":
        pytest.skip(f"{engines.TITLES[name]} not tested: {engines.MODE_VAR}=none")
    found = engines.find_engine(name)
    if isinstance(found, engines.Missing):
        if wanted == "required":
            pytest.fail(f"{found.line()} ({engines.MODE_VAR}=required)")
        pytest.skip(found.line())
    if not (HTML / "index.html").exists():
        pytest.fail("_build/html is missing: run `make book` before the site tests (`make test` does)")
    return found


@pytest.mark.parametrize("name", engines.ENGINES)
def test_every_view_and_the_playground_draw_with_no_js_error(name):
    engine = engine_or_skip(name)
    pages = built_pages()
    assert PLAYGROUND in pages
    report = run_engine(engine, pages)
    print(f"\n{engine.describe()}\n{report.summary()}\nseconds per page: {report.timings()}")
    found = problems(report)
    assert found == [], "\n".join([report.summary(), *found])
    assert report.expected >= 1 and report.drawn == report.expected


def problems(report) -> list[str]:
    """Everything that went wrong in one pass, one line each (all of them, not only the first)."""
    found = [
        f"{p.path}: {len(p.views)} views in the browser, {p.expected} in the built HTML"
        for p in report.pages
        if len(p.views) != p.expected
    ]
    found += [f"not drawn: {u}" for p in report.pages for u in p.undrawn]
    # the playground ran the model on the typed sentence and drew its tokens
    playground = report.playground
    if playground.get("state") != "drawn":
        found.append(f"playground: {playground.get('state')}: {playground.get('error')}")
    elif not {"[CLS]", "cat", "mat", "[SEP]"} <= set(playground["tokens"]):
        found.append(f"playground drew other tokens: {playground['tokens']}")
    found += [f"JS error: {e}" for e in report.errors]
    found += [f"failed request: {f}" for f in report.failed]
    return found


def test_the_pass_catches_a_view_that_does_not_draw_and_a_js_error():
    """The checks above can fail: the same pass, in Chromium, over pages broken on the fly (nothing on disk changes)."""
    found = chromium.find_chromium()
    assert found is not None  # conftest stops the session earlier when there is none
    views = "book/appendix_views.html"
    page = (HTML / views).read_text(encoding="utf-8")
    # the first view's data: its JSON no longer parses
    broken, n = re.subn(r"(<script\b[^>]*\bdata-attnviz-view=[^>]*>)", r"\1#", page, count=1)
    assert n == 1
    text = (HTML / "book/glossary.html").read_text(encoding="utf-8")
    extra = '<script>throw new Error("self-check")</script><script src="self-check-missing.js"></script>'
    overrides = {views: broken.encode(), "book/glossary.html": text.replace("</body>", extra + "</body>").encode()}
    engine = engines.Engine("chromium", "playwright", found.path, found.how)
    report = run_engine(engine, [views, "book/glossary.html"], overrides=overrides, view_timeout_ms=3000)
    print(f"\n{report.summary()}")
    first, glossary = report.pages
    assert len(first.views) == first.expected >= 2
    assert [v["drawn"] for v in first.views] == [False] + [True] * (first.expected - 1)
    assert report.playground == {}  # the playground page was not among these
    assert any("JSON" in e or "Unexpected token" in e for e in first.errors), first.errors
    assert any("self-check" in e and "uncaught" in e for e in glossary.errors), glossary.errors
    assert any("failed to load <script>" in e and "self-check-missing.js" in e for e in glossary.errors)
    assert report.failed == ["404 /book/self-check-missing.js"]
    lines = problems(report)  # what the engine test would say
    assert any(line.startswith(f"not drawn: {views} #bertviz-") for line in lines), lines
    assert "failed request: 404 /book/self-check-missing.js" in lines
    assert sum(line.startswith("JS error: ") for line in lines) == len(report.errors) >= 3
    assert SENTENCE not in report.summary()
