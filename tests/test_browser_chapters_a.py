"""The built chapter pages 0-2: figures load, glued numbers appear, cards link every chapter."""

from __future__ import annotations

import re

import pytest

import attnviz
from attnviz_devtools.project import load_sync, shown_outputs

pytestmark = pytest.mark.browser

# The numbered chapters after the introduction, as _toc.yml lists them.
CHAPTERS = [name.split("/")[-1] for name in load_sync().toc_pages() if re.fullmatch(r"book/0[1-9]_\w+", name)]


def _images_loaded(page) -> list[int]:
    """Every image of the article, loaded (figures are lazy: each is scrolled to first), as its natural width."""
    page.wait_for_load_state("load")
    return page.eval_on_selector_all(
        "article img",
        """async (imgs) => {
            for (const i of imgs) {
                i.scrollIntoView();
                await i.decode().catch(() => {});
            }
            return imgs.map((i) => i.naturalWidth);
        }""",
    )


def test_figures_are_lazy(open_page):
    """Figures load when they near the screen: the page's first visit downloads only what is in view."""
    page, _ = open_page("book/04_demo.html")
    lazy = page.eval_on_selector_all("article img", "imgs => imgs.map(i => i.loading)")
    assert lazy and set(lazy) == {"lazy"}
    below = page.eval_on_selector_all(
        "article img",
        "imgs => imgs.filter(i => i.getBoundingClientRect().top > 3000 && i.complete && i.naturalWidth > 0).length",
    )
    assert below == 0, "a figure far below the first screen was downloaded with the page"


def _page_errors(log) -> list[str]:
    """JS errors, failed requests and requests that left localhost (MathJax included: it is vendored)."""
    return log.errors + log.failed + log.offsite


def test_intro_cards_link_every_chapter(open_page):
    page, log = open_page("book/00_intro.html")
    hrefs = page.eval_on_selector_all("a.sd-stretched-link", "as => as.map(a => a.getAttribute('href'))")
    assert CHAPTERS  # the toc test (test_site.py) checks which chapters there are
    for chapter in CHAPTERS:
        assert f"{chapter}.html" in hrefs, chapter
    assert "attnviz-model" in page.content()
    assert _page_errors(log) == []


@pytest.mark.parametrize("path", ["01_self_attention", "02_transformer_bert"])
def test_figures_render(open_page, path):
    figures = sum("image/png" in output.get("data", {}) for output in shown_outputs(f"book/{path}"))
    assert figures > 0, "the page's code drew no figure"
    page, log = open_page(f"book/{path}.html")
    widths = _images_loaded(page)
    assert len(widths) >= figures  # every figure the code drew (and any image of the text)
    assert all(w > 0 for w in widths)
    assert _page_errors(log) == []


def article_text(page) -> str:
    """The chapter's text as a reader who scrolls through it reads it. The site lays out the sections below
    the first screen only when they come near (attnviz/page.css: content-visibility: auto), and until then
    the browser's innerText leaves them out: every section is drawn first."""
    page.evaluate("for (const s of document.querySelectorAll('article section')) s.style.contentVisibility = 'visible'")
    return page.inner_text("article")


def test_self_attention_check_is_printed(open_page, loaded):
    page, _ = open_page("book/01_self_attention.html")
    text = article_text(page)
    diff = re.search(r"手計算とモデルの重みの差の最大値: ([0-9.e+-]+)", text)
    assert diff is not None and float(diff.group(1)) < 1e-5
    assert f"{loaded.info.hidden_size // loaded.info.heads} 次元" in text  # d_k glued into the prose


def test_transformer_page_shows_the_models_numbers(open_page, loaded):
    page, _ = open_page("book/02_transformer_bert.html")
    text = article_text(page)
    info = loaded.info
    assert f"{info.layers} 層 × {info.heads} ヘッド" in text
    assert f"Layer 0〜{info.layers - 1}" in text
    pair = attnviz.attend("The cat sat.", "The dog barked.", model=loaded)
    assert f"位置 {pair.sentence_b_start} から" in text
