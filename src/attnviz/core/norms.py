"""Attention weighed by the size of what it moves: the norm-based view of Kobayashi et al. (2020).

"Attention is Not Only a Weight: Analyzing Transformers with Vector Norms" (EMNLP 2020,
https://arxiv.org/abs/2004.10102). A head's output for query token ``i`` is a weighted sum of vectors,
one per key token ``j``:

    y_i = sum_h sum_j  alpha^h_ij  f^h(x_j)   (+ the output bias b_O)
    f^h(x) = (x W^h_V + b^h_V) W^h_O

where ``W^h_V`` / ``b^h_V`` are head ``h``'s columns of the value projection and ``W^h_O`` its rows of
the output projection (the rows that read head ``h``'s slice of the concatenated heads). A weight
``alpha`` that is large but multiplies a short vector ``f(x_j)`` moves almost nothing:
``||alpha^h_ij f^h(x_j)||`` measures what is moved. Summed over heads, ``||sum_h alpha^h_ij f^h(x_j)||``
is what the whole layer's attention takes from ``j`` into ``i``.

What this does NOT include: the residual connection, the LayerNorm and the feed-forward network that
follow the attention in each layer (Kobayashi et al.'s later work, 2021, adds the residual and LayerNorm).

:func:`transformed` and :func:`moved` are pure functions of arrays (tests feed them small arrays);
:func:`attend_norms` runs the model once and applies them to every layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .models import LoadedModel

__all__ = ["NormResult", "NormSummary", "attend_norms", "moved", "norm_summary", "row_shares", "transformed"]


def transformed(hidden: np.ndarray, w_v: np.ndarray, b_v: np.ndarray, w_o: np.ndarray, n_heads: int) -> np.ndarray:
    """``f^h(x_j)`` for every head and token: ``(H, T, D)``.

    ``hidden`` is the layer's input ``(T, D)``; ``w_v`` ``(D, D)`` and ``w_o`` ``(D, D)`` act on the right
    (``x @ w_v``), i.e. they are the *transposes* of torch's ``Linear.weight``; ``b_v`` is ``(D,)``.

    >>> x = np.eye(2); f = transformed(x, np.eye(2), np.zeros(2), 2 * np.eye(2), n_heads=2)
    >>> f.shape, f[0].tolist(), f[1].tolist()   # head 0 reads dim 0, head 1 dim 1; W_O doubles them
    ((2, 2, 2), [[2.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]])
    """
    x = np.asarray(hidden, dtype=np.float64)  # (T, D)
    d = x.shape[1]
    if d % n_heads:
        raise ValueError(f"hidden size {d} is not divisible by {n_heads} heads")
    dh = d // n_heads
    v = (x @ w_v + b_v).reshape(x.shape[0], n_heads, dh)  # (T, H, dh)
    w_o_heads = np.asarray(w_o, dtype=np.float64).reshape(n_heads, dh, -1)  # (H, dh, D)
    return np.einsum("thk,hkd->htd", v, w_o_heads)  # (H, T, D)


def moved(weights: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What attention moves from key ``j`` into query ``i``, as vector norms.

    ``weights`` is one layer's ``(H, T, T)``, ``f`` is :func:`transformed` ``(H, T, D)``. Returns
    ``per_head`` ``(H, T, T)`` = ``||alpha^h_ij f^h(x_j)||`` and ``summed`` ``(T, T)`` =
    ``||sum_h alpha^h_ij f^h(x_j)||`` (the layer's attention as a whole).

    >>> w = np.array([[[0.9, 0.1], [0.5, 0.5]]]); f = np.array([[[0.1, 0.0], [0.0, 3.0]]])
    >>> per_head, summed = moved(w, f)
    >>> per_head[0].round(2).tolist()   # the 0.9 on a short vector moves less than the 0.1 on a long one
    [[0.09, 0.3], [0.05, 1.5]]
    """
    a = np.asarray(weights, dtype=np.float64)  # (H, T, T)
    f = np.asarray(f, dtype=np.float64)  # (H, T, D)
    per_head = a * np.linalg.norm(f, axis=-1)[:, None, :]  # (H, T, T): alpha_ij * ||f(x_j)||
    summed = np.linalg.norm(np.einsum("hij,hjd->ijd", a, f), axis=-1)  # (T, T)
    return per_head, summed


def row_shares(matrix: np.ndarray) -> np.ndarray:
    """Each row divided by its sum, so that norms read as shares of what the row moves (rows sum to 1)."""
    m = np.asarray(matrix, dtype=np.float64)
    return m / m.sum(axis=-1, keepdims=True)


@dataclass(frozen=True, eq=False)
class NormResult:
    """One input's attention beside the norm-based view, every layer (layers and heads from 0)."""

    tokens: tuple[str, ...]
    weights: np.ndarray  #: ``(L, H, T, T)`` attention weights
    f_norms: np.ndarray  #: ``(L, H, T)`` ``||f^h(x_j)||``, the size of the vector each key token offers
    per_head: np.ndarray  #: ``(L, H, T, T)`` ``||alpha^h_ij f^h(x_j)||``
    summed: np.ndarray  #: ``(L, T, T)`` ``||sum_h alpha^h_ij f^h(x_j)||``

    @property
    def n_layers(self) -> int:
        return int(self.weights.shape[0])


def attend_norms(sentence_a: str, sentence_b: str | None = None, *, model: LoadedModel | None = None) -> NormResult:
    """Run the model once and compute :class:`NormResult` from its weights and each layer's input."""
    import torch

    from .models import load_model

    loaded = model or load_model()
    tok = loaded.tokenizer
    encoded = tok(sentence_a, sentence_b or None, return_tensors="pt", return_token_type_ids=True)
    with torch.inference_mode():
        out = loaded.model(**encoded, output_attentions=True, output_hidden_states=True)
    layers = loaded.model.encoder.layer
    n_heads = loaded.model.config.num_attention_heads
    weights = torch.cat(out.attentions, dim=0).double().numpy()  # (L, H, T, T)
    f_norms, per_head, summed = [], [], []
    for index, layer in enumerate(layers):
        attn = layer.attention
        hidden = out.hidden_states[index][0].double().numpy()  # (T, D): this layer's input
        f = transformed(
            hidden,
            attn.self.value.weight.detach().double().numpy().T,
            attn.self.value.bias.detach().double().numpy(),
            attn.output.dense.weight.detach().double().numpy().T,
            n_heads,
        )  # (H, T, D)
        ph, sm = moved(weights[index], f)
        f_norms.append(np.linalg.norm(f, axis=-1))
        per_head.append(ph)
        summed.append(sm)
    tokens = tuple(tok.convert_ids_to_tokens(encoded["input_ids"][0].tolist()))
    return NormResult(tokens, weights, np.stack(f_norms), np.stack(per_head), np.stack(summed))


@dataclass(frozen=True, eq=False)
class NormSummary:
    """Per layer, the share of each row that goes to [CLS] and [SEP] in three views of the same input.

    ``raw`` is the attention weight (heads averaged), ``norm`` the norm-based share
    (:func:`row_shares` of :attr:`NormResult.summed`), ``rollout`` the rollout (Abnar & Zuidema 2020),
    all ``(L,)`` averaged over query rows. ``f_special`` / ``f_other`` ``(L,)`` are the mean
    ``||f^h(x_j)||`` (over heads) of the special tokens and of the other tokens. ``layer`` is the layer
    where the raw share on [CLS] and [SEP] is largest: the one a page draws.
    """

    raw: np.ndarray
    norm: np.ndarray
    rollout: np.ndarray
    f_special: np.ndarray
    f_other: np.ndarray
    layer: int


def norm_summary(result: NormResult, special: np.ndarray) -> NormSummary:
    """:class:`NormSummary` of a :class:`NormResult`; ``special`` is a ``(T,)`` mask of [CLS] and [SEP]."""
    from .rollout import raw_mean, rollout

    special = np.asarray(special, dtype=bool)
    raw = raw_mean(result.weights)[:, :, special].sum(axis=-1).mean(axis=-1)  # (L,)
    norm = row_shares(result.summed)[:, :, special].sum(axis=-1).mean(axis=-1)
    rolled = rollout(result.weights)[:, :, special].sum(axis=-1).mean(axis=-1)
    f = result.f_norms.mean(axis=1)  # (L, T)
    return NormSummary(
        raw=raw,
        norm=norm,
        rollout=rolled,
        f_special=f[:, special].mean(axis=-1),
        f_other=f[:, ~special].mean(axis=-1),
        layer=int(np.argmax(raw)),
    )
