"""How close the browser model's attention weights must be to PyTorch's (issue 11).

The browser model (:mod:`attnviz.browser_model`) stores its weights in int8 and float16; these checks hold
its attention weights to PyTorch's, in ``tests/test_onnx_export.py`` (onnxruntime in Python) and
``tests/test_browser_playground.py`` (onnxruntime-web in Chromium).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MAX_ABS", "MEAN_ABS", "SAME_TOP_KEY", "agreement", "torch_attentions"]

MAX_ABS = 0.05  #: largest absolute difference of any attention weight
MEAN_ABS = 0.005  #: mean absolute difference
SAME_TOP_KEY = 0.99  #: share of query rows whose strongest key is the same


def torch_attentions(loaded: Any, a: str, b: str | None) -> tuple[Any, np.ndarray]:
    """The tokenizer's encoding of ``a`` (and ``b``) and PyTorch's weights, shape (layers, heads, T, T)."""
    import torch

    enc = loaded.tokenizer(a, b, return_tensors="pt")
    with torch.no_grad():
        out = loaded.model(**enc, output_attentions=True)
    return enc, torch.stack(out.attentions, dim=1)[0].numpy()


def agreement(pairs: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    """Max / mean abs diff of (got, reference) weight arrays, and the share of rows with the same strongest key."""
    diffs = np.concatenate([np.abs(got - ref).ravel() for got, ref in pairs])
    same = sum(int((got.argmax(-1) == ref.argmax(-1)).sum()) for got, ref in pairs)
    rows = sum(int(np.prod(ref.shape[:-1])) for _, ref in pairs)
    return {"max": float(diffs.max()), "mean": float(diffs.mean()), "same_top": same / rows, "rows": rows}
