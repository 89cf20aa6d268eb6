"""Every JS and CSS file the project ships lives in this folder, next to this module.

Python never holds front-end code in strings: it reads these files with :mod:`importlib.resources`
and passes only data (JSON made safe for a ``<script>`` by :func:`safe_json`).

| file | what it does |
|---|---|
| ``loader.js`` | a synchronous stand-in for the ``require.config``/``requirejs`` calls in BERTviz's JS |
| ``decode.js`` | compact BERTviz data (weights once, one byte each) back into BERTviz's own params |
| ``views.js`` | the built site's lazy drawing: each view draws when it nears the viewport |
| ``bertviz.css`` | BERTviz views inside a Jupyter Book page |
| ``headmap.js``, ``headmap.css`` | the layer x head map widget (:func:`attnviz.headmap.headmap_widget`) |
| ``search.js`` | Japanese query splitting for Sphinx's search (:mod:`attnviz.sphinx.search`) |
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

    >>> "requirejs" in read_text("loader.js")
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
