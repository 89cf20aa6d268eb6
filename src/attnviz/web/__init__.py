"""Every JS and CSS file the project ships lives in this folder, next to this module.

Python never holds front-end code in strings: it reads these files with :mod:`importlib.resources`
and passes only data (JSON made safe for a ``<script>`` by :func:`safe_json`).

Every project file is an ES module (node reads this folder as such: ``package.json``); node's tests
import the pure ones (``tests/js/``). No file sets a window global except ``bertviz_params`` (read by
BERTviz's neuron view) and ``splitQuery`` (read by Sphinx's search page).

| file | what it does |
|---|---|
| ``views.js`` | the page's entry for lazily drawn views: each draws with its kind's module when it nears the viewport |
| ``kinds/`` | one module per lazily drawn view kind of :data:`attnviz.views.KINDS` (head, model, neuron, headmap) |
| ``load.js`` | the one script loader (classic scripts once per page, ES modules), shared with the playground |
| ``drawn.js`` | the one ``attnviz:drawn`` event a drawn view dispatches |
| ``a11y.js`` | names, keyboard access and the text alternative of every drawn view |
| ``textalt.js`` | the numbers of the text alternative (pure) |
| ``bertviz.js`` | draws a BERTviz view with BERTviz's own script, from compact data |
| ``bertviz-require.js`` | a synchronous stand-in for the ``require.config``/``requirejs`` calls in BERTviz's JS |
| ``bertviz-wrap.js`` | the template making BERTviz's ``<view>_view.js`` an ES module (:mod:`attnviz.views.bertviz`) |
| ``decode.js`` | compact BERTviz data (weights once, one byte each) back into BERTviz's own params |
| ``bertviz.css``, ``headmap.css`` | BERTviz views in a Jupyter Book page; the head map |
| ``search.js``, ``search-page.js`` | Japanese query splitting for Sphinx's search (:mod:`attnviz.sphinx.search`) |
| ``playground/`` | the in-browser model widget (see its README) |
| ``vendor/`` | third-party files (d3, jQuery, MathJax) with their versions and licences |
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

__all__ = ["asset", "files", "read_text", "safe_json"]


def files() -> Traversable:
    """The folder of web assets, as an importlib.resources Traversable."""
    return resources.files(__name__)


def asset(name: str) -> Traversable:
    """One asset by its path relative to this folder, e.g. ``"vendor/d3-5.7.0.min.js"``."""
    path = files().joinpath(*name.split("/"))
    if not path.is_file():
        raise FileNotFoundError(f"attnviz ships no web asset named {name!r}")
    return path


def read_text(name: str) -> str:
    """The text of one asset (UTF-8).

    >>> "requirejs" in read_text("bertviz-require.js")
    True
    """
    return asset(name).read_text(encoding="utf-8")


def safe_json(value: Any) -> str:
    """JSON that can sit inside an HTML ``<script>``: ``<``, ``>``, ``&`` and U+2028/9 are escaped.

    >>> safe_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text
