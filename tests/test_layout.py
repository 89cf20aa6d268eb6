"""The test suite's own layout (issue 8): browser tests are recognisable by name and by marker, and no test
or script edits sys.path to find the shared helpers (they live in attnviz_devtools)."""

from __future__ import annotations

import re

import pytest

from attnviz_devtools.project import ROOT

TESTS = sorted(p for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_layout.py")
BROWSER_FIXTURES = re.compile(r"def test_\w+\([^)]*\b(open_page|browser|site_url)\b")


@pytest.mark.parametrize("path", TESTS, ids=lambda p: p.name)
def test_browser_tests_are_named_and_marked(path):
    text = path.read_text(encoding="utf-8")
    uses_browser = bool(BROWSER_FIXTURES.search(text)) or "sync_playwright" in text
    if path.name.startswith("test_browser_"):
        assert "pytestmark = pytest.mark.browser" in text, f"{path.name} lacks the browser marker"
    else:
        assert not uses_browser, f"{path.name} drives Chromium: name it test_browser_<page or feature>.py"


@pytest.mark.parametrize(
    "path",
    [
        *TESTS,
        *(ROOT / "tests").glob("conftest.py"),
        *(ROOT / "scripts").glob("*.py"),
        *(ROOT / "benchmarks").glob("*.py"),
    ],
    ids=lambda p: p.name,
)
def test_no_sys_path_edits(path):
    assert "sys.path.insert" not in path.read_text(encoding="utf-8")
