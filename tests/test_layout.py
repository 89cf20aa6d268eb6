"""The layout's rules that a test can enforce.

The test suite (issue 8): browser tests are recognisable by name and by marker, and no test or script edits
sys.path to find the shared helpers (they live in attnviz_devtools). The package (issue 15): ``core`` imports no
presentation library and holds no Japanese text (string literals and comments; its error messages in
``core/errors.py`` aside), and ``draw`` never imports ``course``.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import unicodedata
from pathlib import Path

import pytest

from attnviz_devtools.project import ROOT

TESTS = sorted(p for p in (ROOT / "tests").glob("test_*.py") if p.name != "test_layout.py")
BROWSER_FIXTURES = re.compile(r"def test_\w+\([^)]*\b(open_page|offline_page|browser|site_url)\b")


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


# --- the package's layers (issue 15): core holds numbers, draw draws from core only ------------------------

PACKAGE = ROOT / "src" / "attnviz"
CORE = sorted((PACKAGE / "core").rglob("*.py"))
DRAW = sorted((PACKAGE / "draw").rglob("*.py"))
#: Presentation libraries core never imports (it computes; draw and course show).
NOT_IN_CORE = {"matplotlib", "matplotlib_fontja", "IPython", "myst_nb", "bertviz"}
#: The one file of core that holds Japanese: every learner-facing error message (Japanese first, then English).
CORE_MESSAGES = PACKAGE / "core" / "errors.py"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module of attnviz, nested ones included."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found += (
                [(node.lineno, module)] if node.module else [(node.lineno, f"{module}.{a.name}") for a in node.names]
            )
    return found


def _japanese_letters(text: str) -> str:
    """The kana and kanji of ``text`` (punctuation such as 「」・〜 is not Japanese text by itself)."""
    return "".join(
        c
        for c in text
        if unicodedata.category(c).startswith("L")
        and (
            0x3040 <= ord(c) <= 0x30FF
            or 0x3400 <= ord(c) <= 0x9FFF
            or 0xF900 <= ord(c) <= 0xFAFF
            or 0xFF66 <= ord(c) <= 0xFF9F
        )
    )


def test_the_import_reader_resolves_relative_imports():
    found = dict((m, n) for n, m in _imports(PACKAGE / "draw" / "tables.py"))
    assert "attnviz.core.shares" in found and "attnviz.draw.labels" in found


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_imports_no_presentation_and_nothing_outside_core(path):
    for line, module in _imports(path):
        assert module.split(".")[0] not in NOT_IN_CORE, f"{path.name}:{line} imports {module}"
        if module.startswith("attnviz"):
            assert module.startswith("attnviz.core"), f"{path.name}:{line} imports {module}: core imports only core"


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_holds_no_japanese_text(path):
    """String literals (docstrings included) and comments: Japanese sentences belong to course/ (or, for the
    learner's error messages, to core/errors.py)."""
    if path == CORE_MESSAGES:
        assert _japanese_letters(path.read_text(encoding="utf-8")), "errors.py holds the Japanese messages"
        return
    source = path.read_text(encoding="utf-8")
    strings = [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    comments = [
        (tok.start[0], tok.string)
        for tok in tokenize.generate_tokens(io.StringIO(source).readline)
        if tok.type == tokenize.COMMENT
    ]
    found = [(line, text) for line, text in strings + comments if _japanese_letters(text)]
    assert not found, f"{path.name}: Japanese text at lines {[line for line, _ in found]}"


def test_the_japanese_check_sees_kana_and_kanji_only():
    assert _japanese_letters("Layer 5〜9・Head 3「.」、。") == ""
    assert _japanese_letters("層ごとの Attention、ヘッド") == "層ごとのヘッド"


@pytest.mark.parametrize("path", DRAW, ids=lambda p: p.name)
def test_draw_imports_core_not_course(path):
    for line, module in _imports(path):
        assert not module.startswith("attnviz.course"), f"{path.name}:{line} imports {module}"
