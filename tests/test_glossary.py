"""One vocabulary: the glossary page (book/glossary.md) lists the chosen terms, and no page uses a listed variant.

The glossary's table is the only list: its "使わない表記" column holds the variants as regular expressions.
Every page source (book/*.md, prose only: code cells, inline code and link targets removed) and every built
page's text (scripts, styles and code removed) is searched for them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
HTML = ROOT / "_build" / "html" / "book"
GLOSSARY = BOOK / "glossary.md"
#: The one place each term with a variant inside it is defined (chapter 1); removed before searching.
DEFINITIONS = {
    "Attention（アテンション、注意）": "01_self_attention",
    "Self-Attention（自己注意）": "01_self_attention",
}


def glossary_rows() -> list[tuple[str, str, list[str]]]:
    """``(term, chosen spelling, variant patterns)`` for every row of the glossary's table."""
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
VARIANTS = [(term, pattern) for term, _, patterns in glossary_rows() for pattern in patterns]


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
    for term, chosen, patterns in rows:
        assert patterns, f"{term}: no variants listed"
        for pattern in patterns:
            re.compile(pattern)
            assert not re.search(pattern, chosen), f"{term}: the chosen spelling {chosen!r} matches {pattern!r}"


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


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_built_page_uses_only_glossary_terms(page):
    """The built page, glued phrases and tables included (build first: `make book`)."""
    path = HTML / f"{page.stem}.html"
    assert path.exists(), f"{path} is missing: run `make book` first"
    assert _violations(built_text(path)) == []
