"""BERTviz's three views as view kinds: where their outputs sit in a page, and their JS for the site.

BERTviz writes into a notebook output a ``<script src>`` for require.js from a CDN, a
``<div id="bertviz-...">`` with its selects, and its whole ``<view>_view.js`` with the view's params
inlined (the head and model views at the template marker ``PYTHON_PARAMS``; the neuron view in a script
of its own, ``window.bertviz_params = {...}``, before its JS). :func:`finder` finds those scripts and their
params; the registry (:mod:`attnviz.views`) replaces them with the compact data (:mod:`.compact`) in one
lazy tag. :func:`bertviz_script` makes BERTviz's own JS file, unchanged, an ES module that the site serves
once (``_static/attnviz/bertviz/<view>_view.js``). :func:`name_controls` gives the selects of BERTviz's
markup their accessible names in the built page, before anything draws.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

from ..web import read_text
from .compact import View, bertviz_version, fail
from .kind import Found

__all__ = ["LEFTOVERS", "SELECT_NAMES", "bertviz_script", "bertviz_template", "finder", "name_controls", "site_scripts"]

MARKER = "PYTHON_PARAMS"  # the template marker in head_view.js and model_view.js
NEURON_PARAMS = "window.bertviz_params = "  # how neuron_view.py hands its params to neuron_view.js
SCRIPT = re.compile(r'<script type="(?:text|application)/javascript">(.*?)</script>', re.S)
#: What any BERTviz view script contains: if one of these is left after rewriting, its format changed.
LEFTOVERS = ("requirejs(", "require.config(", NEURON_PARAMS.strip(), MARKER)
WRAP = "bertviz-wrap.js"  # attnviz/web: the ES module template around BERTviz's file
#: The accessible name of each <select> that BERTviz's markup holds, by its id. Each contains the word that
#: BERTviz shows beside it ("Layer:", "Head:", "Attention:"). web/a11y.js gives the same names (its
#: SELECT_NAMES) to selects made in the browser (the playground); tests/test_web_js.py keeps the two equal.
SELECT_NAMES = {"layer": "Layer（層）", "att_head": "Head（ヘッド）", "filter": "Attention（表示する文の組み合わせ）"}
SELECT = re.compile(r"<select\b([^>]*)>", re.I)
SELECT_ID = re.compile(r"""\bid=["']?([\w-]+)""")
VIS = re.compile(r"""<div id=["']?vis["'\s>]""")  # BERTviz's drawing area: its controls come before it


def bertviz_template(view: View) -> str:
    """The text of BERTviz's own ``<view>_view.js`` from the installed package."""
    return resources.files("bertviz").joinpath(f"{view}_view.js").read_text(encoding="utf-8")


def bertviz_script(view: View) -> str:
    """BERTviz's ``<view>_view.js`` as an ES module whose default export draws a view from its params.

    The file is taken unchanged from the installed package; its template marker (``PYTHON_PARAMS``,
    or the global ``window.bertviz_params`` that the neuron view reads) becomes the function's
    argument, so the decoded params reach the code exactly where BERTviz's Python side puts them.
    """
    text = bertviz_template(view)
    if view == "neuron":
        if "window.bertviz_params" not in text:
            raise fail("neuron_view.js does not read window.bertviz_params")
    else:
        if MARKER not in text:
            raise fail(f"{view}_view.js has no {MARKER} marker")
        text = text.replace(MARKER, "attnvizParams")  # as BERTviz's str.replace does: every occurrence
    wrap = read_text(WRAP)
    for placeholder in ("__VERSION__", "__VIEW__", "/* __BERTVIZ_SOURCE__ */"):
        if placeholder not in wrap:
            raise ValueError(f"attnviz/web/{WRAP} lost its {placeholder} placeholder")
    wrap = wrap.replace("__VERSION__", bertviz_version()).replace("__VIEW__", view)
    return wrap.replace("/* __BERTVIZ_SOURCE__ */", text)


def site_scripts(view: View) -> Callable[[], dict[str, str]]:
    """The files a view kind adds to ``_static/attnviz``: BERTviz's script as :func:`bertviz_script` makes it."""
    return lambda: {f"bertviz/{view}_view.js": bertviz_script(view)}


def _params_of(view: View, script: str) -> dict[str, Any] | None:
    """The params inlined into BERTviz's ``<view>_view.js``, or None if ``script`` is not that file."""
    head, *middle, tail = bertviz_template(view).strip().split(MARKER)
    text = script.strip()
    if not (text.startswith(head) and text.endswith(tail)) or len(text) < len(head) + len(tail):
        return None
    inner = text[len(head) : len(text) - len(tail)]  # P + middle[0] + P + ... (one P per marker)
    glue = "".join(middle)
    size, rest = divmod(len(inner) - len(glue), len(middle) + 1)
    if rest or size <= 0:
        raise fail(f"{view}_view.js with params that do not fit its template")
    payload = inner[:size]
    if payload + "".join(glue_part + payload for glue_part in middle) != inner:
        raise fail(f"{view}_view.js with different params at its markers")
    try:
        params = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise fail(f"{view}_view.js with params that are not JSON") from exc
    return params


def _found(view: View, start: int, end: int, params: Any) -> Found:
    if not isinstance(params, dict) or not str(params.get("root_div_id", "")).startswith("bertviz-"):
        raise fail(f"the {view} view's params name no bertviz-... root element")
    return Found(start, end, root=params["root_div_id"], params=params)


def _find_template_views(view: View, body: str) -> Iterator[Found]:
    """Head and model views: BERTviz's file with the params at its markers."""
    for match in SCRIPT.finditer(body):
        params = _params_of(view, match.group(1))
        if params is not None:
            yield _found(view, match.start(), match.end(), params)


def _find_neuron_views(body: str) -> Iterator[Found]:
    """Neuron views: the params script (removed) and BERTviz's file after it (becomes the lazy tag)."""
    neuron_js = bertviz_template("neuron").strip()
    pending: tuple[int, int, Any] | None = None  # the params script: start, end, params
    for match in SCRIPT.finditer(body):
        stripped = match.group(1).strip()
        if stripped.startswith(NEURON_PARAMS):
            try:
                params = json.loads(stripped[len(NEURON_PARAMS) :])
            except json.JSONDecodeError as exc:
                raise fail("window.bertviz_params that is not JSON") from exc
            pending = (match.start(), match.end(), params)
        elif stripped == neuron_js:
            if pending is None:
                raise fail("neuron_view.js without window.bertviz_params before it")
            yield Found(pending[0], pending[1])
            yield _found("neuron", match.start(), match.end(), pending[2])
            pending = None
    if pending is not None:
        raise fail("window.bertviz_params without neuron_view.js after it")


def name_controls(body: str, root: str) -> str:
    """``body`` with every ``<select>`` in the markup of the view whose root element is ``root`` named
    (``aria-label``, :data:`SELECT_NAMES`). A select that has a name already keeps it; one that BERTviz did
    not write before stops the build (it would have no name until a script gave it one)."""
    start = re.search(r"""<div id=["']?""" + re.escape(root) + r"""["'\s>]""", body)
    vis = VIS.search(body, start.end()) if start else None
    if start is None or vis is None:
        raise fail(f"no markup with a drawing area for the view {root}")

    def named(match: re.Match[str]) -> str:
        attributes = match.group(1)
        if "aria-label" in attributes.lower():
            return match.group(0)
        ident = SELECT_ID.search(attributes)
        name = SELECT_NAMES.get(ident.group(1)) if ident else None
        if name is None:
            raise fail(f"a control that attnviz has no name for: {match.group(0)}")
        return f'<select{attributes.rstrip()} aria-label="{html.escape(name)}">'

    controls = SELECT.sub(named, body[start.start() : vis.start()])
    return body[: start.start()] + controls + body[vis.start() :]


def finder(view: View) -> Callable[[str], Iterator[Found]]:
    """The ``find`` of one BERTviz view kind (see :class:`attnviz.views.kind.ViewKind`)."""
    if view == "neuron":
        return _find_neuron_views
    return lambda body: _find_template_views(view, body)
