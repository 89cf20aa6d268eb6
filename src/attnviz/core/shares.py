"""Where does attention go, layer by layer: measured over the course sentences, set beside Clark et al. (2019).

Compute once, draw many: :func:`shares_by_head` is a pure function of weight arrays (tests feed it
constructed arrays); :func:`attnviz.draw.shares.plot_layer_shares` draws a :class:`LayerShares`, and
:mod:`attnviz.course.ch04` states it in words.

Every query token's attention (a row of weights, summing to 1) is split into five parts, in this order
of priority so that the parts never overlap:

1. ``cls``:   attention to ``[CLS]``;
2. ``sep``:   attention to any ``[SEP]``;
3. ``punct``: attention to a punctuation token such as ``.`` or ``,`` (Clark et al. found that deep
   heads of BERT-base attend to periods and commas, so they must not be counted as "words");
4. ``self``:  attention to the query token itself (when it is none of the above);
5. ``rest``:  attention to every other token.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

from .tokens import BERT_CLS, BERT_SEP, kinds_of, token_kinds

if TYPE_CHECKING:
    from .attention import AttentionResult

__all__ = [
    "CATEGORIES",
    "CLARK_STAGE",
    "Category",
    "HeadContrast",
    "LayerShares",
    "clark_layers",
    "clark_stages",
    "contrast_heads",
    "even_spread",
    "layer_groups",
    "layer_shares",
    "shares_by_head",
    "target_masks",
]

#: Where a query token's attention can go (see the module doc).
Category = Literal["cls", "sep", "punct", "self", "rest"]
#: The five parts, in the column order of :attr:`LayerShares.shares`.
CATEGORIES: tuple[Category, ...] = get_args(Category)


def target_masks(tokens: Sequence[str], cls_token: str = BERT_CLS, sep_token: str = BERT_SEP) -> np.ndarray:
    """Boolean masks ``(5, T, T)``: ``masks[c, i, j]`` says that query ``i`` -> key ``j`` belongs to part ``c``.

    The five masks partition every ``(i, j)``: each cell is in exactly one part (see the module doc).

    >>> m = target_masks(["[CLS]", "hi", ".", "[SEP]"])
    >>> m.sum(axis=0).min(), m.sum(axis=0).max()
    (np.int64(1), np.int64(1))
    >>> m[2].astype(int).tolist()  # "punct": every query's attention to "."
    [[0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 1, 0]]
    >>> m[3].astype(int).tolist()  # "self" only for the word "hi"
    [[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    """
    n = len(tokens)
    kinds = token_kinds(tokens, cls_token, sep_token)
    cls = np.broadcast_to(kinds.cls[None, :], (n, n))  # (T, T): key j is [CLS]
    sep = np.broadcast_to(kinds.sep[None, :], (n, n)) & ~cls
    punct = np.broadcast_to(kinds.punct[None, :], (n, n)) & ~cls & ~sep
    self_ = np.eye(n, dtype=bool) & ~cls & ~sep & ~punct
    rest = ~(cls | sep | punct | self_)
    return np.stack([cls, sep, punct, self_, rest])  # (5, T, T)


def shares_by_head(
    weights: np.ndarray, tokens: Sequence[str], cls_token: str = BERT_CLS, sep_token: str = BERT_SEP
) -> np.ndarray:
    """Share of attention per part for each layer and head, averaged over query tokens: ``(L, H, 5)``.

    ``weights`` is ``(L, H, T, T)`` with rows summing to 1, so each ``[l, h, :]`` sums to 1.
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 4 or weights.shape[2] != weights.shape[3] or weights.shape[3] != len(tokens):
        raise ValueError(f"weights must be (layers, heads, {len(tokens)}, {len(tokens)}), got {weights.shape}")
    masks = target_masks(tokens, cls_token, sep_token).astype(np.float64)  # (5, T, T)
    per_query = np.einsum("lhij,cij->lhci", weights, masks)  # (L, H, 5, T)
    return per_query.mean(axis=-1)  # (L, H, 5)


def even_spread(tokens: Sequence[str], cls_token: str = BERT_CLS, sep_token: str = BERT_SEP) -> np.ndarray:
    """The five shares ``(5,)`` of an attention that spreads evenly over all ``T`` tokens: the baseline.

    Every row puts ``1/T`` on each key, so a part gets (its cells in the row) / T, averaged over the rows:
    the share a part would get with no preference at all, on the same input.

    >>> even_spread(["[CLS]", "a", "b", ".", "[SEP]"]).tolist()  # cls, sep, punct, self, rest
    [0.2, 0.2, 0.2, 0.08, 0.32]
    """
    masks = target_masks(tokens, cls_token, sep_token).astype(np.float64)  # (5, T, T)
    return masks.sum(axis=2).mean(axis=1) / len(tokens)  # (5,)


@dataclass(frozen=True, eq=False)
class LayerShares:
    """Per layer, the share of attention that goes to [CLS], [SEP], punctuation, the token itself and the rest.

    ``shares`` is ``(layers, 5)`` in the order of :data:`CATEGORIES`, averaged over heads, query tokens
    and inputs (each input counts equally); every row sums to 1. ``mean_tokens`` is the inputs' mean
    length in tokens and ``special_uniform`` the share [CLS] and [SEP] would get if every token spread
    its attention evenly (their count / T, averaged over inputs): the floor that short inputs raise.
    ``uniform`` is the same baseline for all five parts (:func:`even_spread`, averaged over inputs).
    """

    shares: np.ndarray  # (L, 5)
    n_inputs: int
    mean_tokens: float = float("nan")
    special_uniform: float = float("nan")
    uniform: np.ndarray | None = None  # (5,)

    def even(self, category: Category) -> float:
        """The share a part would get under an even spread over the same tokens (:func:`even_spread`)."""
        if self.uniform is None:
            raise ValueError("these shares carry no even-spread baseline")
        return float(self.uniform[CATEGORIES.index(category)])

    @property
    def n_layers(self) -> int:
        return int(self.shares.shape[0])

    def of(self, category: Category) -> np.ndarray:
        """The ``(layers,)`` column of one part."""
        return self.shares[:, CATEGORIES.index(category)]

    def peak_layer(self, category: Category) -> int:
        """The layer (from 0) where a part's share is largest."""
        return int(np.argmax(self.of(category)))

    def mean_over(self, layers: Iterable[int]) -> np.ndarray:
        """Mean shares ``(5,)`` over some layers."""
        return self.shares[list(layers)].mean(axis=0)

    def group_means(self) -> dict[str, np.ndarray]:
        """Mean shares ``(5,)`` of the shallow, middle and deep layers (see :func:`layer_groups`)."""
        return {name: self.mean_over(layers) for name, layers in layer_groups(self.n_layers).items()}


def layer_groups(n_layers: int) -> dict[str, range]:
    """Split the layers into thirds: ``shallow``, ``middle``, ``deep`` (BERT-base: 0-3, 4-7, 8-11).

    >>> {k: list(v) for k, v in layer_groups(6).items()}
    {'shallow': [0, 1], 'middle': [2, 3], 'deep': [4, 5]}
    """
    if n_layers < 3:
        raise ValueError("need at least 3 layers to split into shallow, middle and deep")
    a, b = round(n_layers / 3), round(2 * n_layers / 3)
    return {"shallow": range(0, a), "middle": range(a, b), "deep": range(b, n_layers)}


def clark_layers(n_layers: int) -> range:
    """The layers (from 0) where Clark et al. (2019) report that over half of BERT-base's attention goes to [SEP].

    They name layers 6-10 counted from 1, i.e. Layer 5-9 of 12. Another model gets the same fraction of
    its depth: the layers whose middle lies between 5/12 and 10/12 of the stack.

    >>> list(clark_layers(12)), list(clark_layers(6)), list(clark_layers(24))
    ([5, 6, 7, 8, 9], [2, 3, 4], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    """
    if n_layers < 3:
        raise ValueError("need at least 3 layers")
    inside = [layer for layer in range(n_layers) if 5 / 12 <= (layer + 0.5) / n_layers <= 10 / 12]
    return range(inside[0], inside[-1] + 1)


#: Clark et al.'s three stages (their Fig. 2) and the part each stage's heads attend to most.
CLARK_STAGE: dict[str, Category] = {"early": "cls", "middle": "sep", "deep": "punct"}


def clark_stages(n_layers: int) -> dict[str, range]:
    """Early (before :func:`clark_layers`), middle (:func:`clark_layers`) and deep (after) layers.

    >>> {k: list(v) for k, v in clark_stages(12).items()}
    {'early': [0, 1, 2, 3, 4], 'middle': [5, 6, 7, 8, 9], 'deep': [10, 11]}
    >>> {k: list(v) for k, v in clark_stages(6).items()}
    {'early': [0, 1], 'middle': [2, 3, 4], 'deep': [5]}
    """
    mid = clark_layers(n_layers)
    return {"early": range(0, mid.start), "middle": mid, "deep": range(mid.stop, n_layers)}


def _shares_of(result: AttentionResult) -> np.ndarray:
    """:func:`shares_by_head` of a result, with its model's [CLS] and [SEP]."""
    return shares_by_head(result.weights, result.tokens, result.model.cls_token, result.model.sep_token)


def layer_shares(results: Iterable[AttentionResult]) -> LayerShares:
    """Average :func:`shares_by_head` over heads and over inputs: one row of five shares per layer."""
    results = list(results)
    per_input = [_shares_of(r).mean(axis=1) for r in results]  # each (L, 5)
    if not per_input:
        raise ValueError("layer_shares needs at least one result")
    shares = np.mean(per_input, axis=0)
    shares.flags.writeable = False
    special = [kinds_of(r).special.sum() / len(r.tokens) for r in results]
    uniform = np.mean([even_spread(r.tokens, r.model.cls_token, r.model.sep_token) for r in results], axis=0)
    uniform.flags.writeable = False
    return LayerShares(
        shares=shares,
        n_inputs=len(per_input),
        mean_tokens=float(np.mean([len(r.tokens) for r in results])),
        special_uniform=float(np.mean(special)),
        uniform=uniform,
    )


@dataclass(frozen=True)
class HeadContrast:
    """Two heads of one layer that look very differently at one input (heads counted from 0)."""

    layer: int
    special_head: int  #: the head with the most attention on [CLS] and [SEP]
    special_share: float
    word_head: int  #: another head with the most attention on "other tokens"
    word_share: float


def contrast_heads(result: AttentionResult, layer: int) -> HeadContrast:
    """In ``layer``, the head most on [CLS]+[SEP], and a different head most on "other tokens"."""
    per_head = _shares_of(result)[layer]  # (H, 5)
    i = CATEGORIES.index
    special = per_head[:, i("cls")] + per_head[:, i("sep")]
    head_special = int(np.argmax(special))
    words = per_head[:, i("rest")].copy()
    words[head_special] = -1.0  # two different heads
    head_words = int(np.argmax(words))
    return HeadContrast(layer, head_special, float(special[head_special]), head_words, float(words[head_words]))
