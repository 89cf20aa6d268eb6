"""One vocabulary: the glossary page (book/glossary.md) lists the chosen terms, and no page uses a listed variant.

The glossary's table lists the terms and, in its "使わない表記" column, the variants as a reader would write them.
The search patterns (regular expressions) live here, in :data:`PATTERNS`, one entry per glossary row; every
pattern must find one of its row's listed variants, and every listed variant must be found by a pattern, so
the page and the check cannot drift apart. Every page source (book/*.md, prose only: code cells, inline code
and link targets removed), every built page's text (scripts, styles and code removed) and the Japanese text
that the figures draw (string literals in src/attnviz/draw/) are searched with them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
HTML = ROOT / "_build" / "html" / "book"
GLOSSARY = BOOK / "glossary.md"
DRAW = ROOT / "src" / "attnviz" / "draw"
#: For every glossary row, the patterns that find its variants (the page shows them as a reader writes them).
PATTERNS: dict[str, list[str]] = {
    "Attention": ["注意の", "注意が", "注意を", "注意は", "への注意", "注意機構", "アテンション"],
    "Self-Attention": ["自己注意", "セルフアテンション", "Self Attention", "self-attention"],
    "head view": ["Head view", "Head View", "ヘッドビュー"],
    "model view": ["Model view", "Model View", "モデルビュー"],
    "neuron view": ["Neuron view", "Neuron View", "ニューロンビュー"],
    "層とヘッドの番号": [r"・ヘッド [0-9{]", r"のヘッド [0-9{]", r"層 \d+・"],
    "エンコーダ": ["エンコーダー", "Encoder"],
    "デコーダ": ["デコーダー", "Decoder"],
    "特殊トークン": ["特別なトークン", "特殊なトークン", "特別トークン"],
    "トークナイザー": ["トークナイザ(?!ー)"],
    "双方向": ["両方向"],
    "置き場": ["置き場所"],
    "引用": ["Clark et al", r"et al\. \d{4}", r"ら \d{4}", r"ら\(\d{4}\)"],
    "この教材": ["この講座", "本講座", "今日の", "講義"],
}
#: The one place each term with a variant inside it is defined (chapter 1); removed before searching.
DEFINITIONS = {
    "Attention（アテンション、注意）": "01_self_attention",
    "Self-Attention（自己注意）": "01_self_attention",
}


def glossary_rows() -> list[tuple[str, str, list[str]]]:
    """``(term, chosen spelling, listed variants)`` for every row of the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 4 and cells[0] not in ("用語", "---") and not cells[0].startswith("---"):
            rows.append((cells[0], cells[1], re.findall(r"`([^`]+)`", cells[2])))
    return rows


def prose(markdown: str) -> str:
    """A page's prose: without code cells, fenced code, inline code and link targets."""
    text = re.sub(r"```\{code-cell\}.*?\n```", "", markdown, flags=re.S)
    text = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    text = re.sub(r"`[^`\n]+`", "", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def built_text(path: Path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup
    for tag in main.find_all(["script", "style", "pre", "code", "svg"]):
        tag.decompose()
    return main.get_text(" ")


PAGES = sorted(p for p in BOOK.glob("*.md") if p != GLOSSARY)
VARIANTS = [(term, pattern) for term, patterns in PATTERNS.items() for pattern in patterns]
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def figure_strings() -> list[tuple[str, str]]:
    """``(file, text)`` for every string literal with Japanese in it in src/attnviz/draw/ (what figures draw)."""
    found = []
    for path in sorted(DRAW.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _JAPANESE.search(node.value):
                found.append((path.name, node.value))
    return found


def _violations(text: str) -> list[str]:
    for definition in DEFINITIONS:
        text = text.replace(definition, "")
    found = []
    for term, pattern in VARIANTS:
        for m in re.finditer(pattern, text):
            context = text[max(0, m.start() - 20) : m.end() + 20].replace("\n", " ")
            found.append(f"{term}: {m.group(0)!r} in …{context}…")
    return found


def test_glossary_lists_terms_and_variants():
    rows = glossary_rows()
    assert len(rows) >= 10
    terms = {term for term, _, _ in rows}
    for needed in (
        "Attention",
        "head view",
        "エンコーダ",
        "特殊トークン",
        "トークナイザー",
        "双方向",
        "引用",
        "この教材",
    ):
        assert needed in terms, needed
    assert sorted(PATTERNS) == sorted(terms), "one pattern list per glossary row"
    for term, chosen, listed in rows:
        assert listed, f"{term}: no variants listed"
        patterns = PATTERNS[term]
        for pattern in patterns:
            assert not re.search(pattern, chosen), f"{term}: the chosen spelling {chosen!r} matches {pattern!r}"
            assert any(re.search(pattern, v) for v in listed), f"{term}: {pattern!r} finds no variant the page lists"
        for variant in listed:
            assert any(re.search(p, variant) for p in patterns), f"{term}: no pattern finds the listed {variant!r}"


def test_the_glossary_page_shows_no_search_pattern():
    text = GLOSSARY.read_text(encoding="utf-8")
    for _, _, listed in glossary_rows():
        for variant in listed:
            assert not re.search(r"\\[dswbSWD.()]|\[[^\]]*\]|\(\?|\{\d", variant), (
                f"a regular expression on the page: {variant}"
            )
    assert "正規表現" not in text


def test_the_variant_check_can_fail():
    assert _violations("BERTviz の Head view で、Clark et al. 2019 の両方向の注意の話")
    assert not _violations("BERTviz の head view で、Clark ら（2019）の双方向の Attention の話")
    assert not _violations("Attention（アテンション、注意）")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_source_uses_only_glossary_terms(page):
    assert _violations(prose(page.read_text(encoding="utf-8"))) == []


def test_definitions_appear_once_in_chapter_1():
    for definition, doc in DEFINITIONS.items():
        where = [p.stem for p in PAGES for _ in range(p.read_text(encoding="utf-8").count(definition))]
        assert where == [doc], (definition, where)


def test_figures_draw_only_glossary_terms():
    strings = figure_strings()
    assert any("エンコーダ" in text for _, text in strings), "the figure strings are found"
    found = [f"{name}: {v}" for name, text in strings for v in _violations(text)]
    assert found == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_built_page_uses_only_glossary_terms(page):
    """The built page, glued phrases and tables included (build first: `make book`)."""
    path = HTML / f"{page.stem}.html"
    assert path.exists(), f"{path} is missing: run `make book` first"
    assert _violations(built_text(path)) == []
