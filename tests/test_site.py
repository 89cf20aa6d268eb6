"""The built site as a whole: every chapter built, executed, in Japanese, drawn, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

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
