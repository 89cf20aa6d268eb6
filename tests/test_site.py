"""The built site as a whole: every chapter built, executed, in Japanese, drawn, offline, its links resolved."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

import attnviz
from attnviz.sphinx import strip_remote_scripts
from attnviz_devtools.project import HTML, ROOT
from attnviz_devtools.site import page_limit

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
CHAPTERS = [c["file"] for part in TOC["parts"] for c in part["chapters"]]
# Pages that run code at build time (a kernelspec in the front matter); the others are plain Markdown
# (the playground: its model runs in the reader's browser).
EXECUTED = {c for c in CHAPTERS if "kernelspec:" in (ROOT / f"{c}.md").read_text(encoding="utf-8")}


def _html(doc: str) -> str:
    path = HTML / f"{doc}.html"
    assert path.exists(), f"{doc} was not built"
    return path.read_text(encoding="utf-8")


def test_toc_lists_the_seven_chapters():
    assert [c for c in CHAPTERS if re.match(r"book/0\d_", c)] == [
        "book/00_intro",
        "book/01_self_attention",
        "book/02_transformer_bert",
        "book/03_bertviz",
        "book/04_demo",
        "book/05_miniwork",
        "book/06_summary",
    ]


@pytest.mark.parametrize("doc", CHAPTERS)
def test_chapter_is_built_executed_and_error_free(doc):
    html = _html(doc)
    assert '<html lang="ja"' in html
    assert "output error" not in html and "Traceback (most recent call last)" not in html
    if doc in EXECUTED:
        assert "cell_output" in html, "no executed output"
        assert "attnviz-model" in html, "the page must say which model produced its outputs"
    elif doc == "book/playground":
        assert "all-MiniLM-L6-v2" in html, "the playground must say which model runs in the browser"
    limit = page_limit(attnviz.load_model().info.layers)  # the limits benchmarks/payload.py reports
    assert len(html.encode()) <= limit, f"{doc} weighs {len(html.encode()):,} bytes (limit {limit:,})"


@pytest.mark.parametrize("doc", CHAPTERS)
def test_figures_are_images(doc):
    html = _html(doc)
    assert "&lt;Figure size" not in html, "a figure was printed as text instead of drawn"
    for src in re.findall(r'<img[^>]+src="([^"]+)"', html):
        if src.startswith("data:"):
            continue
        target = (HTML / doc).parent / src.split("?")[0]
        assert target.resolve().exists(), f"{doc}: missing image {src}"


def test_landing_page_links_every_chapter():
    html = _html("book/index")
    for doc in CHAPTERS:
        name = Path(doc).name
        assert re.search(rf'href="(\./)?{name}\.html', html), f"landing page does not link {name}"


def test_no_built_page_loads_a_script_from_a_cdn():
    pages = list(HTML.rglob("*.html"))
    assert pages
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert 'src="https://cdnjs' not in html, path
        assert strip_remote_scripts(html) == html, f"remote <script src> left in {path}"


def _soup(doc: str) -> BeautifulSoup:
    return BeautifulSoup(_html(doc), "html.parser")


def _local(href: str) -> bool:
    """A link into the built site itself (not another site, not a fragment of the same page)."""
    parts = urlsplit(href)
    return not (parts.scheme or parts.netloc or href.startswith("#") or not parts.path)


@pytest.mark.parametrize("doc", ["book/index", *CHAPTERS])
def test_relative_links_resolve(doc):
    """Every relative link and image of a page points at a file of the built site, and a #fragment at an id
    on that page (the sidebar, the header buttons and the prose alike)."""
    page_dir = (HTML / doc).parent
    broken = []
    for tag, attr in (("a", "href"), ("img", "src"), ("link", "href"), ("script", "src")):
        for element in _soup(doc).find_all(tag, attrs={attr: True}):
            href = element[attr]
            if not _local(href):
                continue
            parts = urlsplit(href)
            target = (page_dir / unquote(parts.path)).resolve()
            if not target.is_file():
                broken.append(href)
            elif parts.fragment and target.suffix == ".html":
                ids = {e["id"] for e in BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser").select("[id]")}
                if unquote(parts.fragment) not in ids:
                    broken.append(href)
    assert broken == [], f"{doc}: links to nothing: {broken}"


# --- the instructor's guide ---------------------------------------------------------------------------------

GUIDE = "book/instructor_guide"
PLAYGROUND = "book/playground"


def playground_parameters() -> set[str]:
    """The query parameters the built playground page reads from its own address: the names passed to
    ``.get()`` of the ``URLSearchParams`` made from ``location.search`` in the scripts that page loads."""
    names: set[str] = set()
    keys: set[str] = set()
    reads = False
    todo = [
        ((HTML / PLAYGROUND).parent / urlsplit(script["src"]).path).resolve()
        for script in _soup(PLAYGROUND).find_all("script", src=True)
        if _local(script["src"])
    ]
    seen: set[Path] = set()
    while todo:  # the scripts the page loads, and the ES modules they import (relative specifiers)
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        js = path.read_text(encoding="utf-8")
        todo += [
            (path.parent / spec).resolve()
            for spec in re.findall(r"""(?:from|import\()\s*["'](\.{1,2}/[^"']+)["']""", js)
        ]
        for var in re.findall(r"(\w+)\s*=\s*new URLSearchParams\(\s*(?:window\.)?location\.search\s*\)", js):
            names |= set(re.findall(rf"\b{var}\.get\(\s*[\"']([^\"']+)[\"']\s*\)", js))
        # share.js: parseQuery(location.search) reads every name of its KEYS
        reads |= bool(re.search(r"parseQuery\(\s*(?:window\.)?location\.search\s*\)", js))
        if "export function parseQuery" in js and (found := re.search(r"export const KEYS = \[([^\]]*)\]", js)):
            keys |= set(re.findall(r"[\"']([^\"']+)[\"']", found.group(1)))
    return names | (keys if reads else set())


def guide_share_links() -> list:
    """The guide's ready-made links that open the playground on a sentence (``playground.html?a=…``)."""
    main = _soup(GUIDE).find("main")
    return [
        a
        for a in main.find_all("a", href=True)
        if urlsplit(a["href"]).path.endswith(f"{Path(PLAYGROUND).name}.html") and urlsplit(a["href"]).query
    ]


def test_playground_reads_a_sentence_pair_from_its_address():
    assert {"a", "b"} <= playground_parameters(), "the guide's share links rely on ?a=…&b=…"
    assert 'data-share="self"' in _html(PLAYGROUND), "the playground widget must fill itself from its address"


def test_instructor_guide_share_links_open_the_playground_with_its_parameters():
    links = guide_share_links()
    assert 3 <= len(links) <= 6, "the guide offers 3-4 ready-made share links"
    readable = playground_parameters()
    pairs = 0
    for a in links:
        parts = urlsplit(a["href"])
        assert not parts.netloc, f"{a['href']}: a relative link, so that it works wherever the site is published"
        assert ((HTML / GUIDE).parent / parts.path).resolve() == (HTML / f"{PLAYGROUND}.html").resolve()
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
        assert set(query) <= readable, f"{a['href']}: parameters the playground does not read"
        assert all(len(v) == 1 and v[0].strip() for v in query.values()), a["href"]
        assert "a" in query, a["href"]
        # spelled as the playground's own share link spells it (URLSearchParams: a first, spaces as +)
        assert parts.query == urlencode({k: query[k][0] for k in ("a", "b") if k in query}), a["href"]
        # the table row that offers the link spells out the sentences the link carries
        row = a.find_parent("tr")
        assert row is not None, "share links stand in the guide's table, next to their sentences"
        cells = [c.get_text(" ", strip=True) for c in row.find_all("td")]
        for sentence in (v[0] for v in query.values()):
            assert sentence in cells, (sentence, cells)
        pairs += "b" in query
    assert pairs >= 1, "one link shows a sentence pair"


def test_instructor_guide_maps_the_session_to_every_chapter():
    """The timeline names each chapter page, and the guide quotes no model-dependent head (Layer n・Head m):
    the site is built with either model, so it leaves the numbers to the chapters."""
    main = _soup(GUIDE).find("main")
    table = main.find("table")
    linked = {Path(urlsplit(a["href"]).path).stem for a in table.find_all("a", href=True) if _local(a["href"])}
    chapters = {Path(c).name for c in CHAPTERS if re.match(r"book/0\d_", c)}
    assert chapters | {Path(PLAYGROUND).name} <= linked, sorted(chapters - linked)
    for pre in main.find_all(["pre", "code"]):
        pre.decompose()
    assert re.findall(r"Layer \d+・Head \d+", main.get_text(" ")) == []
