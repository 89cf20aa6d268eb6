"""The compact codec of BERTviz's views: their params, stored once and small, and back.

BERTviz's Python side writes, for every view, its whole JS file (13-42 KB) with the view's params
inlined as JSON: weights at full decimal length, a pair's weights five times (All and the four A/B
filters), the head and model views' params twice (``PYTHON_PARAMS`` is also in a comment). The
compact form (:func:`encode`) holds the params once: tokens, the A/B split, the weights of All only
(one byte per weight, base64; the neuron view's attention, queries and keys as 16-bit integers in
thousandths, which are exactly the 3-decimal numbers of :func:`attnviz.neuron_view`), and every
other param as it was.

In the browser ``web/decode.js`` rebuilds exactly the params BERTviz's Python side gave (the filters
are slices of All), as :func:`decode` does here; the playground's ``web/playground/encode.js`` writes
the same form from the weights it computes. :func:`encode_checked` decodes every view again and
compares it with the original params: if a future BERTviz writes something else, the build stops with
a clear message instead of shipping a blank view. :mod:`attnviz.views.bertviz` finds the views in a page.
"""

from __future__ import annotations

import base64
from typing import Any, Literal

import numpy as np

from .kind import ViewFormatError

__all__ = ["FORMAT", "VIEWS", "BertvizFormatError", "View", "check", "decode", "encode", "encode_checked"]

View = Literal["head", "model", "neuron"]
VIEWS: tuple[View, ...] = ("head", "model", "neuron")
FORMAT = "attnviz-bertviz/1"
U8 = {"dtype": "u8", "scale": 255}  # head and model views: opacities within 1/510 of the page's numbers
U16 = {"dtype": "u16", "scale": 1000}  # neuron attention: exact thousandths
I16 = {"dtype": "i16", "scale": 1000}  # neuron queries and keys: exact thousandths (3 decimals)
PARTS = ("all", "a", "b")


class BertvizFormatError(ViewFormatError):
    """BERTviz's output is not what this module knows how to rewrite."""


def fail(what: str) -> BertvizFormatError:
    import bertviz

    version = getattr(bertviz, "__version__", None) or bertviz_version()
    return BertvizFormatError(
        f"attnviz could not rewrite a BERTviz view ({what}). The installed bertviz {version} may write its "
        "output in a new format: update attnviz/views/bertviz.py, compact.py and attnviz/web/decode.js, or pin the "
        "bertviz version in requirements/constraints.txt. If the page was executed with another bertviz, "
        "clear the execution cache (`make clean`) and build again. "
        f"/ BERTviz の出力形式が想定と異なるため、ビューを変換できませんでした（{what}）。"
    )


def bertviz_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bertviz")
    except PackageNotFoundError:  # pragma: no cover - bertviz is a dependency
        return "?"


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
        raise fail(f"values outside the {spec['dtype']} range")
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
        raise fail("a sentence filter without a sentence pair")
    return slice(0, split) if part == "a" else slice(split, n)


def _filters(view: View, params: dict[str, Any]) -> list[tuple[str | None, dict[str, Any]]]:
    attention = params.get("attention")
    if view == "neuron":
        if not isinstance(attention, dict) or "all" not in attention:
            raise fail("the neuron view's attention is not a dict with 'all'")
        return list(attention.items())
    if not isinstance(attention, list) or not attention:
        raise fail(f"the {view} view's attention is not a list")
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
        raise fail("the first attention filter is not tokens x tokens")
    try:
        attn = np.asarray(first["attn"], dtype=np.float64)
    except (KeyError, TypeError, ValueError) as exc:
        raise fail("the attention weights are not a regular array") from exc
    n = len(tokens)
    if attn.ndim != 4 or attn.shape[2:] != (n, n):
        raise fail(f"attention of shape {attn.shape} for {n} tokens")
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
        raise fail("the sentence filters are not slices of the full attention")
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
            raise fail("the neuron view has no regular queries/keys") from exc
        if queries.shape != keys.shape or queries.ndim != 4 or queries.shape[:3] != attn.shape[:3]:
            raise fail(f"queries {queries.shape} and keys {keys.shape} do not fit attention {attn.shape}")
        compact["dim"] = int(queries.shape[3])
        compact["queries"] = _pack(queries, I16)
        compact["keys"] = _pack(keys, I16)
    return compact


def decode(compact: dict[str, Any]) -> dict[str, Any]:
    """The params BERTviz's Python side gave, rebuilt from the compact form (as ``web/decode.js`` does)."""
    if compact.get("format") != FORMAT:
        raise fail(f"unknown compact format {compact.get('format')!r}")
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
        raise fail(f"the compact {view} view does not decode to BERTviz's params (differs at {diff})")


def encode_checked(view: View, params: dict[str, Any]) -> dict[str, Any]:
    """:func:`encode`, then :func:`check` that the result decodes to ``params``."""
    compact = encode(view, params)
    check(view, params, compact)
    return compact
