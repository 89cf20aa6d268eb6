"""Rewrite BERTviz outputs in a built page into a compact form that draws the same.

BERTviz's Python side writes, for every view, its whole JS file (13-42 KB) with the view's params
inlined as JSON: weights at full decimal length, a pair's weights five times (All and the four A/B
filters), the head and model views' params twice (``PYTHON_PARAMS`` is also in a comment). Here each
view becomes

* BERTviz's own markup (the ``<div id="bertviz-...">`` with its selects), unchanged, and
* one ``<script type="application/json" data-attnviz-view="head|model|neuron">`` holding the params
  once: tokens, the A/B split, the weights of All only (one byte per weight, base64; the neuron
  view's attention, queries and keys as 16-bit integers in thousandths, which are exactly the
  3-decimal numbers of :func:`attnviz.neuron_view`), and every other param as it was.

In the browser ``web/decode.js`` rebuilds exactly the params BERTviz's Python side gave (the filters
are slices of All) and hands them to BERTviz's own JS file, served once per site (see
:func:`bertviz_script`). Before rewriting, every view is decoded here again and compared with the
original params: if a future BERTviz writes something else, the build stops with a clear message
instead of shipping a blank view.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import numpy as np

from ..web import read_text, safe_json

__all__ = [
    "FORMAT",
    "BertvizFormatError",
    "Rewritten",
    "bertviz_script",
    "bertviz_template",
    "decode",
    "encode",
    "rewrite",
]

View = Literal["head", "model", "neuron"]
VIEWS: tuple[View, ...] = ("head", "model", "neuron")
FORMAT = "attnviz-bertviz/1"
MARKER = "PYTHON_PARAMS"  # the template marker in head_view.js and model_view.js
NEURON_PARAMS = "window.bertviz_params = "  # how neuron_view.py hands its params to neuron_view.js
U8 = {"dtype": "u8", "scale": 255}  # head and model views: opacities within 1/510 of the page's numbers
U16 = {"dtype": "u16", "scale": 1000}  # neuron attention: exact thousandths
I16 = {"dtype": "i16", "scale": 1000}  # neuron queries and keys: exact thousandths (3 decimals)
PARTS = ("all", "a", "b")
SCRIPT = re.compile(r'<script type="(?:text|application)/javascript">(.*?)</script>', re.S)
ANY_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
# What any BERTviz view script contains: if one of these is left after rewriting, its format changed.
LEFTOVERS = ("requirejs(", "require.config(", NEURON_PARAMS.strip(), MARKER)


class BertvizFormatError(ValueError):
    """BERTviz's output is not what this module knows how to rewrite."""


def _fail(what: str) -> BertvizFormatError:
    import bertviz

    version = getattr(bertviz, "__version__", None) or _bertviz_version()
    return BertvizFormatError(
        f"attnviz could not rewrite a BERTviz view ({what}). The installed bertviz {version} may write its "
        "output in a new format: update attnviz/sphinx/compact.py and attnviz/web/decode.js, or pin the "
        "bertviz version in requirements/constraints.txt. If the page was executed with another bertviz, "
        "clear the execution cache (`make clean`) and build again. "
        f"/ BERTviz の出力形式が想定と異なるため、ビューを変換できませんでした（{what}）。"
    )


def _bertviz_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bertviz")
    except PackageNotFoundError:  # pragma: no cover - bertviz is a dependency
        return "?"


def bertviz_template(view: View) -> str:
    """The text of BERTviz's own ``<view>_view.js`` from the installed package."""
    return resources.files("bertviz").joinpath(f"{view}_view.js").read_text(encoding="utf-8")


def bertviz_script(view: View) -> str:
    """BERTviz's ``<view>_view.js`` as a function of its params, for the site's ``_static``.

    The file is taken unchanged from the installed package; its template marker (``PYTHON_PARAMS``,
    or the global ``window.bertviz_params`` that the neuron view reads) becomes the function's
    argument, so the decoded params reach the code exactly where BERTviz's Python side puts them.
    """
    text = bertviz_template(view)
    if view == "neuron":
        if "window.bertviz_params" not in text:
            raise _fail("neuron_view.js does not read window.bertviz_params")
    else:
        if MARKER not in text:
            raise _fail(f"{view}_view.js has no {MARKER} marker")
        text = text.replace(MARKER, "attnvizParams")  # as BERTviz's str.replace does: every occurrence
    wrap = read_text("bertviz-wrap.js")
    for placeholder in ("__VERSION__", "__VIEW__", "/* __BERTVIZ_SOURCE__ */"):
        if placeholder not in wrap:
            raise ValueError(f"attnviz/web/bertviz-wrap.js lost its {placeholder} placeholder")
    wrap = wrap.replace("__VERSION__", _bertviz_version()).replace("__VIEW__", view)
    return wrap.replace("/* __BERTVIZ_SOURCE__ */", text)


# --- encoding --------------------------------------------------------------------------------------


def _pack(values: np.ndarray, spec: dict[str, Any]) -> dict[str, Any]:
    dtype = {"u8": "<u1", "u16": "<u2", "i16": "<i2"}[spec["dtype"]]
    info = np.iinfo(np.dtype(dtype))
    values = np.asarray(values, dtype=np.float64)
    peak = float(np.abs(values).max()) if values.size else 0.0
    while spec["dtype"] == "i16" and peak * spec["scale"] > info.max and spec["scale"] > 1:
        spec = {**spec, "scale": spec["scale"] // 10}  # unusually large vectors: one decimal fewer
    ints = np.rint(values * spec["scale"])
    if ints.size and (ints.min() < info.min or ints.max() > info.max):
        raise _fail(f"values outside the {spec['dtype']} range")
    data = base64.b64encode(ints.astype(dtype).tobytes()).decode("ascii")
    return {**spec, "data": data}


def _unpack(packed: dict[str, Any], shape: tuple[int, ...]) -> np.ndarray:
    dtype = {"u8": "<u1", "u16": "<u2", "i16": "<i2"}[packed["dtype"]]
    ints = np.frombuffer(base64.b64decode(packed["data"]), dtype=dtype)
    return (ints.astype(np.float64) / packed["scale"]).reshape(shape)


def _slice(part: str, split: int | None, n: int) -> slice:
    if part == "all":
        return slice(0, n)
    if split is None:
        raise _fail("a sentence filter without a sentence pair")
    return slice(0, split) if part == "a" else slice(split, n)


def _filters(view: View, params: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    attention = params.get("attention")
    if view == "neuron":
        if not isinstance(attention, dict) or "all" not in attention:
            raise _fail("the neuron view's attention is not a dict with 'all'")
        return list(attention.items())
    if not isinstance(attention, list) or not attention:
        raise _fail(f"the {view} view's attention is not a list")
    return [(item.get("name"), item) for item in attention]


def _tol(spec: dict[str, Any]) -> float:
    return 0.5 / spec["scale"] + 1e-9  # half a quantisation step


def _close(a: Any, b: np.ndarray, tol: float) -> bool:
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return arr.shape == b.shape and bool(np.all(np.abs(arr - b) <= tol))


def _find_layout(
    view: View, filters: list[tuple[str | None, dict[str, Any]]], tokens: list[str], attn: np.ndarray, split: int | None
) -> list[list[Any]] | None:
    """For each filter, the (rows, cols) parts of All it equals; None if ``split`` does not explain them."""
    n = len(tokens)
    layout = []
    for name, item in filters:
        found = None
        for rows in PARTS:
            for cols in PARTS:
                if (rows != "all" or cols != "all") and split is None:
                    continue
                if (rows == "all") != (cols == "all"):
                    continue
                r, c = _slice(rows, split, n), _slice(cols, split, n)
                if item.get("left_text") != tokens[r] or item.get("right_text") != tokens[c]:
                    continue
                if not _close(item.get("attn"), attn[:, :, r, c], 1e-9):
                    continue
                found = [name, rows, cols]
                break
            if found:
                break
        if found is None:
            return None
        layout.append(found)
    return layout


def encode(view: View, params: dict[str, Any]) -> dict[str, Any]:
    """The compact form of one view's params (what BERTviz's Python side put in the page)."""
    filters = _filters(view, params)
    _, first = filters[0]
    tokens = first.get("left_text")
    if not isinstance(tokens, list) or first.get("right_text") != tokens:
        raise _fail("the first attention filter is not tokens x tokens")
    try:
        attn = np.asarray(first["attn"], dtype=np.float64)
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail("the attention weights are not a regular array") from exc
    n = len(tokens)
    if attn.ndim != 4 or attn.shape[2:] != (n, n):
        raise _fail(f"attention of shape {attn.shape} for {n} tokens")
    candidates: list[int | None] = [None] if len(filters) == 1 else []
    for _, item in filters[1:]:
        size = len(item.get("left_text") or [])
        candidates += [size, n - size]
    layout = None
    split = None
    for split in dict.fromkeys(candidates):  # in order, without repeats
        if split is not None and not 0 < split < n:
            continue
        layout = _find_layout(view, filters, tokens, attn, split)
        if layout is not None:
            break
    if layout is None:
        raise _fail("the sentence filters are not slices of the full attention")
    rest = {k: v for k, v in params.items() if k != "attention"}
    compact: dict[str, Any] = {
        "format": FORMAT,
        "view": view,
        "tokens": tokens,
        "split": split,
        "filters": layout,
        "shape": list(attn.shape),
        "attn": _pack(attn, U16 if view == "neuron" else U8),
        "params": rest,
    }
    if view == "neuron":
        try:
            queries = np.asarray(first["queries"], dtype=np.float64)
            keys = np.asarray(first["keys"], dtype=np.float64)
        except (KeyError, TypeError, ValueError) as exc:
            raise _fail("the neuron view has no regular queries/keys") from exc
        if queries.shape != keys.shape or queries.ndim != 4 or queries.shape[:3] != attn.shape[:3]:
            raise _fail(f"queries {queries.shape} and keys {keys.shape} do not fit attention {attn.shape}")
        compact["dim"] = int(queries.shape[3])
        compact["queries"] = _pack(queries, I16)
        compact["keys"] = _pack(keys, I16)
    return compact


def decode(compact: dict[str, Any]) -> dict[str, Any]:
    """The params BERTviz's Python side gave, rebuilt from the compact form (as ``web/decode.js`` does)."""
    if compact.get("format") != FORMAT:
        raise _fail(f"unknown compact format {compact.get('format')!r}")
    view = compact["view"]
    tokens, split = compact["tokens"], compact["split"]
    n = len(tokens)
    attn = _unpack(compact["attn"], tuple(compact["shape"]))
    qk = None
    if view == "neuron":
        shape = (*compact["shape"][:3], compact["dim"])
        qk = _unpack(compact["queries"], shape), _unpack(compact["keys"], shape)
    filters: list[tuple[Any, dict[str, Any]]] = []
    for name, rows, cols in compact["filters"]:
        r, c = _slice(rows, split, n), _slice(cols, split, n)
        item: dict[str, Any] = {} if view == "neuron" else {"name": name}
        item.update({"attn": attn[:, :, r, c].tolist(), "left_text": tokens[r], "right_text": tokens[c]})
        if qk is not None:
            item["queries"] = qk[0][:, :, r].tolist()
            item["keys"] = qk[1][:, :, c].tolist()
        filters.append((name, item))
    attention: Any = dict(filters) if view == "neuron" else [item for _, item in filters]
    return {"attention": attention, **compact["params"]}


def _same(original: Any, decoded: Any, tol: float, path: str = "params") -> str | None:
    """Where ``decoded`` differs from ``original`` (numbers within ``tol``), or None."""
    if isinstance(original, dict):
        if not isinstance(decoded, dict) or set(original) != set(decoded):
            return path
        for key in original:
            diff = _same(original[key], decoded[key], tol, f"{path}.{key}")
            if diff:
                return diff
        return None
    if isinstance(original, list):
        if not isinstance(decoded, list) or len(original) != len(decoded):
            return path
        if original and isinstance(original[0], (int, float, list)) and not isinstance(original[0], bool):
            try:
                a = np.asarray(original, dtype=np.float64)
                b = np.asarray(decoded, dtype=np.float64)
            except (TypeError, ValueError):
                pass  # ragged or mixed: compare item by item below
            else:
                return None if a.shape == b.shape and np.all(np.abs(a - b) <= tol) else path
        for i, (x, y) in enumerate(zip(original, decoded, strict=True)):
            diff = _same(x, y, tol, f"{path}[{i}]")
            if diff:
                return diff
        return None
    if isinstance(original, float) and isinstance(decoded, (int, float)):
        return None if abs(original - decoded) <= tol else path
    return None if original == decoded and type(original) is type(decoded) else path


def check(view: View, params: dict[str, Any], compact: dict[str, Any]) -> None:
    """Raise :class:`BertvizFormatError` unless ``compact`` decodes to ``params``."""
    tol = max(_tol(compact[key]) for key in ("attn", "queries", "keys") if key in compact)
    diff = _same(params, decode(compact), tol)
    if diff:
        raise _fail(f"the compact {view} view does not decode to BERTviz's params (differs at {diff})")


# --- finding views in a page -----------------------------------------------------------------------


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
        raise _fail(f"{view}_view.js with params that do not fit its template")
    payload = inner[:size]
    if payload + "".join(glue_part + payload for glue_part in middle) != inner:
        raise _fail(f"{view}_view.js with different params at its markers")
    try:
        params = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise _fail(f"{view}_view.js with params that are not JSON") from exc
    return params


@dataclass
class Rewritten:
    """A page body after :func:`rewrite`, and what it needs from ``_static/attnviz``."""

    body: str
    views: list[View] = field(default_factory=list)  # one entry per view, in page order
    headmaps: int = 0

    @property
    def kinds(self) -> list[View]:
        return [v for v in VIEWS if v in self.views]


HEADMAP_ASSET = re.compile(r'<(style|script) data-attnviz-asset="headmap\.(?:css|js)">.*?</\1>', re.S)


def _compact_tag(view: View, compact: dict[str, Any], root: str) -> str:
    return (
        f'<script type="application/json" data-attnviz-view="{view}" data-root="{root}">{safe_json(compact)}</script>'
    )


def rewrite(body: str) -> Rewritten:
    """Every BERTviz view in ``body`` in compact form, and the head maps' inline code removed."""
    out = Rewritten(body)
    pieces: list[str] = []
    pos = 0
    pending_neuron: tuple[int, dict[str, Any]] | None = None  # where its params script started, params
    neuron_js = bertviz_template("neuron").strip()
    for match in SCRIPT.finditer(body):
        script = match.group(1)
        stripped = script.strip()
        if stripped.startswith(NEURON_PARAMS):
            try:
                params = json.loads(stripped[len(NEURON_PARAMS) :])
            except json.JSONDecodeError as exc:
                raise _fail("window.bertviz_params that is not JSON") from exc
            pieces.append(body[pos : match.start()])
            pos = match.end()
            pending_neuron = (match.start(), params)
            continue
        if stripped == neuron_js:
            if pending_neuron is None:
                raise _fail("neuron_view.js without window.bertviz_params before it")
            params = pending_neuron[1]
            pending_neuron = None
            view: View = "neuron"
        else:
            found = None
            for kind in ("head", "model"):
                params_ = _params_of(kind, script)
                if params_ is not None:
                    found = kind, params_
                    break
            if found is None:
                continue
            view, params = found  # type: ignore[assignment]
        if not isinstance(params, dict) or not str(params.get("root_div_id", "")).startswith("bertviz-"):
            raise _fail(f"the {view} view's params name no bertviz-... root element")
        compact = encode(view, params)
        check(view, params, compact)
        pieces.append(body[pos : match.start()])
        pieces.append(_compact_tag(view, compact, params["root_div_id"]))
        pos = match.end()
        out.views.append(view)
    if pending_neuron is not None:
        raise _fail("window.bertviz_params without neuron_view.js after it")
    pieces.append(body[pos:])
    text = "".join(pieces)
    text, out.headmaps = HEADMAP_ASSET.subn("", text)
    out.headmaps //= 2
    for script in ANY_SCRIPT.findall(text):  # prose may mention these names; scripts may not
        for leftover in LEFTOVERS:
            if leftover in script:
                raise _fail(f"a script with {leftover!r} is left in the page after rewriting")
    out.body = text
    return out
