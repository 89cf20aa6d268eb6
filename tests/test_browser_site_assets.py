"""What every page downloads besides its text (attnviz.sphinx.assets, issue 19): icons from cut web fonts
and no icon script, formulas rendered at build time, figures with a palette. The byte budgets themselves
are figures printed by benchmarks/payload.py, not timed tests."""

from __future__ import annotations

import os
import re
import sys

import pytest

from attnviz.sphinx import assets
from attnviz_devtools.project import HTML
from attnviz_devtools.site import built_pages

pytestmark = pytest.mark.browser

PAGES = built_pages()
STATIC = HTML / "_static"
FONTS = STATIC / assets.FONTS


def _text(path: str) -> str:
    return (HTML / path).read_text(encoding="utf-8")


# --- the functions, on their own ----------------------------------------------------------------------


def test_the_fontawesome_tag_is_removed_and_nothing_else():
    head = (
        '<link rel="preload" as="script" href="../_static/scripts/bootstrap.js?digest=1" />\n'
        '  <script defer src="../_static/scripts/fontawesome.js?digest=55c26ed414f5f8a31ebb"></script>\n'
        '  <script src="../_static/scripts/pydata-sphinx-theme.js"></script>\n'
    )
    lean = assets.remove_fontawesome_script(head)
    assert "fontawesome.js" not in lean
    assert lean == head.replace(
        '  <script defer src="../_static/scripts/fontawesome.js?digest=55c26ed414f5f8a31ebb"></script>\n', ""
    )


def test_icon_codepoints_reads_the_table_and_the_theme_s_own_characters():
    css = {
        "fa.css": '.fa-sun:before{content:"\\f185"}.fa-moon:before{content:"\\f186"}'
        '.fa-magnifying-glass:before,.fa-search:before{content:"\\f002"}',
        "theme.css": ':root{--pst-icon-bell:"\uf0f3"}.x:after{content:"\\f107";font-family:Font Awesome\\ 6 Free}',
    }
    assert assets.icon_codepoints(css, {"fa-sun", "fa-search", "fa-lg"}) == {0xF185, 0xF002, 0xF0F3, 0xF107}
    assert assets.icon_codepoints(css, set()) == {0xF0F3, 0xF107}


def test_palette_png_shrinks_a_figure_and_keeps_its_main_colours_exactly(tmp_path):
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    # a figure-like image: white background, three 8 x 8 heat maps, anti-aliased numbers on every cell
    image = Image.new("RGBA", (900, 320), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    for panel in range(3):
        for i in range(8):
            for j in range(8):
                fill = (40 + 25 * i, 60 + 20 * j + 5 * panel, 250 - 30 * panel, 255)
                x, y = 20 + panel * 300 + i * 32, 40 + j * 32
                draw.rectangle([x, y, x + 31, y + 31], fill=fill)
                draw.text((x + 3, y + 8), f".{i}{j}", fill="white" if i + j > 7 else "black", font=font)
    draw.text((20, 10), "The cat sat on the mat  [CLS] [SEP]", fill=(30, 30, 30), font=font)
    path = tmp_path / "figure.png"
    image.save(path)
    assert len(image.convert("RGB").getcolors(1 << 24)) > 256
    before = path.stat().st_size
    assert assets.palette_png(path)
    assert path.stat().st_size < before
    with Image.open(path) as lean:
        assert lean.mode == "P" and lean.size == image.size
        new = np.asarray(lean.convert("RGB")).astype(int)
    old = np.asarray(image.convert("RGB")).astype(int)
    diff = np.abs(old - new).max(axis=-1)
    white = (old == 255).all(axis=-1)
    assert (diff[white] == 0).all(), "the background must stay pure white"
    assert diff.mean() < 1.0 and (diff > 0).mean() < 0.1, (diff.mean(), (diff > 0).mean())
    assert not assets.palette_png(path), "a figure with a palette already is left alone"


def test_palette_png_leaves_transparent_figures_alone(tmp_path):
    from PIL import Image

    path = tmp_path / "clear.png"
    Image.new("RGBA", (64, 64), (255, 255, 255, 0)).save(path)
    before = path.read_bytes()
    assert not assets.palette_png(path)
    assert path.read_bytes() == before


# A stand-in for KaTeX's node server: creates its socket file, waits, then listens (what node does under load).
SLOW_SERVER = """
import socket, sys, time
path, delay = sys.argv[1], float(sys.argv[2])
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
time.sleep(delay)
if delay > 5:
    sys.exit(3)
server.listen()
connection, _ = server.accept()
connection.recv(1)
"""


class _FakeServer:
    def __init__(self, delay: float) -> None:
        self.delay = delay

    def build_command(self, socket):
        return [sys.executable, "-c", SLOW_SERVER, str(socket), str(self.delay)]


def test_the_katex_server_start_waits_until_node_listens(tmp_path):
    process, sock = assets._start_katex_server(_FakeServer(0.5), tmp_path, timeout=20)
    sock.sendall(b"x")
    sock.close()
    assert process.wait(timeout=10) == 0


def test_a_katex_server_that_never_listens_is_ended(tmp_path):
    from sphinx.errors import ExtensionError

    with pytest.raises(ExtensionError, match="did not start"):
        assets._start_katex_server(_FakeServer(30), tmp_path, timeout=1)
    # the stand-in's process was killed: nothing holds the socket's folder or the build's output
    assert not [p for p in os.popen("ps -eo args").read().splitlines() if str(tmp_path) in p]


# --- the built site -----------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", [*PAGES, "index.html", "search.html", "genindex.html"])
def test_no_page_loads_an_icon_or_math_script(doc):
    html = _text(doc)
    scripts = re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html)
    assert not [s for s in scripts if re.search(r"fontawesome|mathjax|katex|tex-chtml", s, re.I)], scripts


def test_the_icon_script_is_not_served():
    assert not (STATIC / assets.FONTAWESOME_JS).exists()


def test_the_cut_icon_fonts_hold_every_icon_the_pages_show():
    from fontTools.ttLib import TTFont

    css = {str(p): p.read_text(encoding="utf-8") for p in STATIC.rglob("*.css")}
    used = set()
    for doc in [*PAGES, "index.html", "search.html"]:
        used |= set(assets.ICON_CLASS.findall(_text(doc)))
    assert {"fa-magnifying-glass", "fa-sun", "fa-moon", "fa-circle-half-stroke", "fa-bars"} <= used
    needed = assets.icon_codepoints(css, used)
    fonts = sorted(FONTS.glob("*.woff2"))
    assert fonts, "no Font Awesome web font in the site"
    covered: set[int] = set()
    for font in fonts:
        assert font.stat().st_size < 30_000, f"{font.name} is {font.stat().st_size:,} bytes: not cut"
        covered |= set(TTFont(str(font)).getBestCmap())
    missing = sorted(hex(c) for c in needed - covered)
    assert not missing, f"icons with no glyph in the cut fonts: {missing}"


def test_formulas_are_rendered_at_build_time():
    html = _text("book/01_self_attention.html")
    assert html.count('class="katex"') >= 20, "the formulas of chapter 1 are not rendered"
    assert "katex-error" not in html
    assert "<math" in html, "KaTeX's MathML (read by screen readers) is missing"
    assert r"\frac" not in re.sub(r"<annotation[^>]*>.*?</annotation>", "", html, flags=re.S), "raw TeX left"
    for doc in PAGES:
        assert "katex-error" not in _text(doc), doc


def test_katex_css_and_every_font_it_names_are_served_from_the_site():
    css_path = STATIC / assets.KATEX_DIR / "katex.min.css"
    css = css_path.read_text(encoding="utf-8")
    assert "//" not in re.sub(r"/\*.*?\*/", "", css, flags=re.S).replace("://www.w3.org", ""), "a remote URL"
    fonts = re.findall(r"url\(([^)]+)\)", css)
    assert fonts and all(f.endswith(".woff2") for f in fonts)
    for font in fonts:
        assert (css_path.parent / font).is_file(), font
    assert 'href="../_static/attnviz/katex/katex.min.css' in _text("book/01_self_attention.html")


def test_figures_are_stored_with_a_palette():
    from PIL import Image

    figures = sorted((HTML / "_images").glob("*.png"))
    assert figures
    for figure in figures:
        with Image.open(figure) as image:
            assert image.mode == "P", f"{figure.name} is {image.mode}"


# --- in the browser -----------------------------------------------------------------------------------

CHECK_ICON = """el => {
  const style = getComputedStyle(el, '::before');
  return {content: style.content, family: style.fontFamily, width: el.getBoundingClientRect().width};
}"""


@pytest.mark.browser
def test_icons_math_and_the_dark_mode_switch_work_in_the_browser(open_page):
    page, log = open_page("book/01_self_attention.html")
    page.evaluate("document.fonts.ready")
    requested = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not [u for u in requested if "fontawesome.js" in u or "mathjax" in u.lower()]
    # the search button's magnifying glass: a glyph of the cut solid font, drawn from CSS
    icon = page.locator(".search-button__button i.fa-magnifying-glass").first
    found = icon.evaluate(CHECK_ICON)
    assert found["content"] not in ("none", "normal", '""') and "Font Awesome" in found["family"], found
    assert found["width"] > 0
    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("Font Awesome 6 Free" in f for f in loaded), loaded
    assert any("KaTeX_Main" in f for f in loaded), loaded
    # a formula takes space on the page (KaTeX's CSS applied)
    formula = page.locator("div.math .katex").first  # the displayed formula softmax(QK^T / sqrt(d_k)) V
    formula.scroll_into_view_if_needed()
    box = formula.bounding_box()
    assert box and box["width"] > 10 and box["height"] > 5
    # the theme switch cycles light -> dark and shows its icon
    before = page.evaluate("document.documentElement.dataset.theme")
    page.locator(".theme-switch-button").first.click()
    after = page.evaluate("document.documentElement.dataset.theme")
    if after == before:  # "auto" first on a light system
        page.locator(".theme-switch-button").first.click()
        after = page.evaluate("document.documentElement.dataset.theme")
    assert {before, after} == {"light", "dark"}
    shown = page.locator(".theme-switch-button i.theme-switch:visible")
    assert shown.count() == 1 and shown.first.evaluate(CHECK_ICON)["width"] > 0
    assert log.errors == [] and log.failed == [] and log.offsite == []
