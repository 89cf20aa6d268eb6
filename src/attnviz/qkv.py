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

from .errors import InputError
from .models import LoadedModel, load_model

__all__ = ["FUNCTION_WORDS", "WorkedHead", "pick_head", "softmax", "work_head"]

#: Small English function words; :func:`pick_head` does not count them as "content words".
FUNCTION_WORDS = frozenset("a an the on in at of to and or is was it its this that".split())


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
        raise InputError(
            f"layer は 0〜{info.layers - 1}、head は 0〜{info.heads - 1} の範囲で指定してください。\n"
            f"layer must be in 0..{info.layers - 1} and head in 0..{info.heads - 1}."
        )
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


def pick_head(
    weights: np.ndarray, tokens: tuple[str, ...], query: int, ignore: frozenset[str] = FUNCTION_WORDS
) -> tuple[int, int]:
    """The (layer, head) whose row for token ``query`` puts the most weight on one content word.

    Special tokens ([CLS], [SEP]), the words in ``ignore`` and the query itself are not counted as
    targets, so the chosen head is one where the word clearly looks at another content word.
    ``weights`` is ``(L, H, T, T)``.
    """
    targets = [
        j
        for j, t in enumerate(tokens)
        if j != query and not (t.startswith("[") and t.endswith("]")) and t.lower() not in ignore
    ]
    if not targets:
        raise InputError("There is no other word to look at.")
    best = weights[:, :, query, targets].max(axis=-1)  # (L, H)
    layer, head = np.unravel_index(int(np.argmax(best)), best.shape)
    return int(layer), int(head)
