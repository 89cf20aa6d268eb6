"""One attention head worked through by hand: Q, K, V from the model's own weights.

The model computes, for each head, ``softmax(Q K^T / sqrt(d_k)) V``. This module recomputes it
step by step from the hidden states entering a layer and the layer's ``query``/``key``/``value``
projections, so a page can show every intermediate number and check that the result equals the
attention weights the model itself returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import errors
from .errors import InputError
from .models import LoadedModel, load_model

__all__ = [
    "CosineCheck",
    "ToyAttention",
    "WorkedHead",
    "cosine_bound",
    "cosine_check",
    "softmax",
    "toy_attention",
    "work_head",
]


@dataclass(frozen=True, eq=False)
class WorkedHead:
    """The intermediate results of one head on one input (all numpy float64, 0-based layer/head).

    Shapes (T tokens, d_k dims per head): ``q``, ``k``, ``v``, ``output`` are ``(T, d_k)``;
    ``scores`` (``Q K^T``), ``scaled`` (``/ sqrt(d_k)``), ``probs`` (softmax of each row) and
    ``model_probs`` (the model's own weights for this head) are ``(T, T)``.
    """

    tokens: tuple[str, ...]
    layer: int
    head: int
    d_k: int
    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    scores: np.ndarray
    scaled: np.ndarray
    probs: np.ndarray
    model_probs: np.ndarray
    output: np.ndarray

    @property
    def max_abs_diff(self) -> float:
        """Largest difference between the hand-computed and the model's weights."""
        return float(np.abs(self.probs - self.model_probs).max())

    def cosine_row(self, i: int) -> np.ndarray:
        """Cosine similarity of query ``i`` with every key (what attention does NOT compute)."""
        norms = np.linalg.norm(self.k, axis=1) * np.linalg.norm(self.q[i])
        return (self.k @ self.q[i]) / norms


def softmax(x: np.ndarray) -> np.ndarray:
    """Row-wise softmax over the last axis."""
    z = x - x.max(axis=-1, keepdims=True)  # subtracting the row max changes nothing but avoids overflow
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def work_head(sentence: str, layer: int, head: int, *, model: LoadedModel | None = None) -> WorkedHead:
    """Recompute one head's attention for ``sentence`` from the model's weights.

    >>> w = work_head("The cat sat on the mat", layer=0, head=0)
    >>> w.max_abs_diff < 1e-5
    True
    """
    import torch

    loaded = model or load_model()
    info = loaded.info
    if not (0 <= layer < info.layers and 0 <= head < info.heads):
        raise InputError(errors.layer_head_out_of_range(info.layers, info.heads))
    encoded = loaded.tokenizer(sentence, return_tensors="pt")
    with torch.inference_mode():
        out = loaded.model(**encoded, output_attentions=True, output_hidden_states=True)
        x = out.hidden_states[layer][0]  # (T, hidden): what enters layer `layer`
        attn = loaded.model.encoder.layer[layer].attention.self
        d_k = info.hidden_size // info.heads
        cols = slice(head * d_k, (head + 1) * d_k)  # this head's slice of the projections
        q = attn.query(x)[:, cols].double().numpy()  # (T, d_k)
        k = attn.key(x)[:, cols].double().numpy()  # (T, d_k)
        v = attn.value(x)[:, cols].double().numpy()  # (T, d_k)
        model_probs = out.attentions[layer][0, head].double().numpy()  # (T, T)

    scores = q @ k.T  # (T, T): row i = query i against every key
    scaled = scores / math.sqrt(d_k)
    probs = softmax(scaled)
    tokens = tuple(loaded.tokenizer.convert_ids_to_tokens(encoded["input_ids"][0].tolist()))
    return WorkedHead(
        tokens=tokens,
        layer=layer,
        head=head,
        d_k=d_k,
        q=q,
        k=k,
        v=v,
        scores=scores,
        scaled=scaled,
        probs=probs,
        model_probs=model_probs,
        output=probs @ v,  # (T, d_k): each row is a weighted average of the value vectors
    )


@dataclass(frozen=True, eq=False)
class ToyAttention:
    """A pencil-and-paper example: 3 tokens, 3-dimensional q, k, v with small integers.

    ``scores = Q Kᵀ`` are small integers, so the softmax needs only ``e^0 = 1``, ``e^1 ≈ 2.72`` and
    ``e^2 ≈ 7.39``. ``probs`` is the softmax of ``scores`` (no scaling, to keep it hand-checkable),
    ``scaled_probs`` the softmax of ``scores / sqrt(3)`` as the real formula does, ``output = probs V``.
    """

    tokens: tuple[str, ...]
    q: np.ndarray  # (3, 3)
    k: np.ndarray  # (3, 3)
    v: np.ndarray  # (3, 3)
    scores: np.ndarray  # (3, 3)
    probs: np.ndarray  # (3, 3)
    scaled_probs: np.ndarray  # (3, 3)
    output: np.ndarray  # (3, 3)


def toy_attention() -> ToyAttention:
    """The toy example of chapter 1 ("the cat sat").

    >>> t = toy_attention()
    >>> t.scores.astype(int).tolist()
    [[1, 0, 1], [1, 1, 2], [2, 2, 2]]
    >>> t.probs[1].round(3).tolist()  # e/(2e + e^2), e/(2e + e^2), e^2/(2e + e^2)
    [0.212, 0.212, 0.576]
    """
    q = np.array([[1, 0, 0], [1, 1, 0], [1, 1, 1]], dtype=np.float64)  # (T, d)
    k = np.array([[1, 0, 1], [0, 1, 1], [1, 1, 0]], dtype=np.float64)  # (T, d)
    v = np.array([[1, 0, 2], [0, 3, 0], [2, 1, 0]], dtype=np.float64)  # (T, d)
    scores = q @ k.T  # (T, T)
    probs = softmax(scores)
    return ToyAttention(
        tokens=("the", "cat", "sat"),
        q=q,
        k=k,
        v=v,
        scores=scores,
        probs=probs,
        scaled_probs=softmax(scores / math.sqrt(q.shape[1])),
        output=probs @ v,
    )


def cosine_bound(n_tokens: int) -> float:
    """The largest weight a softmax of ``n_tokens`` values in [-1, 1] can give: ``e^2 / (e^2 + T - 1)``.

    Reached when one value is 1 and every other -1.

    >>> round(cosine_bound(8), 2)
    0.51
    """
    return math.e**2 / (math.e**2 + n_tokens - 1)


@dataclass(frozen=True)
class CosineCheck:
    """What a softmax over cosine similarities would give for one query row, beside the real weights."""

    n_tokens: int
    bound: float  #: :func:`cosine_bound` for this input's length
    softmax_max: float  #: the largest weight of a softmax over this row's cosine similarities
    real_max: float  #: the largest real weight of the row


def cosine_check(worked: WorkedHead, i: int) -> CosineCheck:
    """:class:`CosineCheck` of query ``i`` of a worked head."""
    t = len(worked.tokens)
    return CosineCheck(
        n_tokens=t,
        bound=cosine_bound(t),
        softmax_max=float(softmax(worked.cosine_row(i)).max()),
        real_max=float(worked.probs[i].max()),
    )
