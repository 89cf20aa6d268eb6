"""What each attention head does, measured rather than guessed.

BERTviz colours a head by its index, nothing more. Heads do specialise, but a head's role is found
by measuring where its attention goes over many inputs (Clark et al. 2019, "What Does BERT Look At?",
https://arxiv.org/abs/1906.04341; Kovaleva et al. 2019, https://arxiv.org/abs/1908.08593).

This module measures, for every layer x head, the mean share of attention that goes

* to ``[CLS]``, to ``[SEP]``,
* to the token itself (offset 0), to the previous token (offset -1), to the next token (offset +1),
* to punctuation,

and the mean entropy of its attention rows, then gives each head one label (see :func:`label_heads`).

The functions on arrays are pure (numpy ``(L, H, T, T)`` weights plus a token list), so that tests
can feed weights with known answers; :func:`measure_heads` runs :func:`attnviz.attend` over the
course sentences (:mod:`attnviz.core.sentences`).

:func:`find_head` is the package's one head finder: the head that best fits a measured role, or the
head where one token attends most to another (or to any content word). It always returns a
:class:`HeadHit` that carries the head's label by the same rule as the head map (:func:`label_heads`),
measured on the same source (the input it was found on, or the statistics), and what an even spread
over the same tokens would give (:func:`even_share`): a line that looks meaningful is often a
positional habit (previous/next token) or a parked weight ([CLS], [SEP]), and the label says which.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

from . import errors
from .errors import InputError
from .fmt import head_name
from .tokens import BERT_CLS, BERT_SEP, FUNCTION_WORDS, content_positions, token_kinds

if TYPE_CHECKING:
    from .attention import AttentionResult
    from .models import LoadedModel

__all__ = [
    "BROAD_ENTROPY",
    "LABELS",
    "ROLES",
    "ROLE_THRESHOLD",
    "HeadHit",
    "HeadStats",
    "Label",
    "Role",
    "even_share",
    "find_head",
    "head_stats",
    "input_stats",
    "label_counts",
    "label_heads",
    "measure_heads",
    "sentence_stats",
]

#: A role a head can be measured for: where more than half of its attention goes.
Role = Literal["[CLS]", "[SEP]", "self", "previous", "next", "punctuation"]
#: Every label a head can get: a role, or "broad" (attention spread widely), or "mixed" (no single habit).
Label = Literal["[CLS]", "[SEP]", "self", "previous", "next", "punctuation", "broad", "mixed"]
#: The roles, in the order of legends and tables.
ROLES: tuple[Role, ...] = get_args(Role)
#: Every label, in the order of legends (their names and colours: :data:`attnviz.draw.labels.ROLE_TABLE`).
LABELS: tuple[Label, ...] = get_args(Label)

#: A head gets a role's label when, on average, MORE than this share of its attention goes there
#: (Clark et al.: over half of a head's attention on one offset or on a special token).
ROLE_THRESHOLD = 0.5
#: A head without a role is "broad" when its mean row entropy is above this fraction of the largest
#: possible entropy ``log(T)`` (uniform attention over all ``T`` tokens). 0.75 means the head spreads
#: its attention over roughly ``T ** 0.75`` tokens or more: e.g. 9 of 18, or 5 of 8.
BROAD_ENTROPY = 0.75

_METRICS = ("cls", "sep", "self", "previous", "next", "punctuation", "entropy", "norm_entropy")
_ROLE_FIELD = dict(zip(ROLES, ("cls", "sep", "self", "previous", "next", "punctuation"), strict=True))


@dataclass(frozen=True)
class HeadStats:
    """Mean attention statistics per head: every array has shape ``(layers, heads)``.

    Shares are fractions of a query row's attention (0 to 1), averaged over the rows of one input,
    then over the inputs (every input counts the same):

    * ``cls`` / ``sep``: weight on the ``[CLS]`` token / on all ``[SEP]`` tokens, over all rows;
    * ``self``: weight on the row's own token, over all rows;
    * ``previous`` / ``next``: weight on the token one before / one after, over the rows that have one;
    * ``punctuation``: weight on punctuation tokens (:func:`~attnviz.core.tokens.is_punctuation`), over all
      rows, and only over inputs that contain punctuation (``nan`` when none did);
    * ``entropy``: row entropy in nats; ``norm_entropy``: row entropy divided by ``log(T)``
      (0 = all weight on one token, 1 = uniform).
    """

    cls: np.ndarray
    sep: np.ndarray
    self: np.ndarray
    previous: np.ndarray
    next: np.ndarray
    punctuation: np.ndarray
    entropy: np.ndarray
    norm_entropy: np.ndarray
    n_inputs: int
    model_name: str = ""

    @property
    def shape(self) -> tuple[int, int]:
        return self.cls.shape  # type: ignore[return-value]

    def score(self, role: Role | Literal["broad"]) -> np.ndarray:
        """The ``(layers, heads)`` score of a role in :data:`ROLES`, or of ``"broad"`` (normalised entropy)."""
        if role == "broad":
            return self.norm_entropy
        if role not in _ROLE_FIELD:
            raise ValueError(f"unknown role {role!r}; expected one of {(*ROLES, 'broad')}")
        return getattr(self, _ROLE_FIELD[role])

    def labels(self) -> np.ndarray:
        """``(layers, heads)`` array of labels: see :func:`label_heads`."""
        return label_heads(self)[0]

    def strength(self) -> np.ndarray:
        """``(layers, heads)`` strength of each label: see :func:`label_heads`."""
        return label_heads(self)[1]


def sentence_stats(
    weights: np.ndarray, tokens: Sequence[str], *, cls_token: str = BERT_CLS, sep_token: str = BERT_SEP
) -> dict[str, np.ndarray]:
    """Statistics of one input: a dict of ``(layers, heads)`` arrays, keys as in :class:`HeadStats`.

    ``weights[l, h, i, j]`` is how much query token ``i`` attends to key token ``j``; rows sum to 1.
    ``punctuation`` is ``nan`` when the input has no punctuation token.

    >>> w = np.zeros((1, 1, 3, 3)); w[0, 0, :, 2] = 1.0   # every token looks at [SEP]
    >>> s = sentence_stats(w, ["[CLS]", "hi", "[SEP]"])
    >>> float(s["sep"][0, 0]), float(s["self"][0, 0]), float(s["next"][0, 0])
    (1.0, 0.3333333333333333, 0.5)
    """
    w = np.asarray(weights, dtype=np.float64)  # (L, H, T, T)
    if w.ndim != 4 or w.shape[2] != w.shape[3] or w.shape[2] != len(tokens):
        raise ValueError(f"weights must be (layers, heads, T, T) with T = len(tokens) = {len(tokens)}; got {w.shape}")
    t = len(tokens)
    if t < 2:
        raise ValueError("need at least two tokens")
    kinds = token_kinds(tokens, cls_token, sep_token)

    diag = np.diagonal(w, axis1=2, axis2=3)  # (L, H, T)
    prev = np.diagonal(w, offset=-1, axis1=2, axis2=3)  # (L, H, T-1): w[i, i-1] for i = 1..T-1
    nxt = np.diagonal(w, offset=1, axis1=2, axis2=3)  # (L, H, T-1): w[i, i+1] for i = 0..T-2
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = -np.where(w > 0, w * np.log(w), 0.0).sum(axis=3)  # (L, H, T)
    stats = {
        "cls": w[..., kinds.cls].sum(axis=-1).mean(axis=-1),  # w[..., mask] -> (L, H, T, k)
        "sep": w[..., kinds.sep].sum(axis=-1).mean(axis=-1),
        "self": diag.mean(axis=-1),
        "previous": prev.mean(axis=-1),
        "next": nxt.mean(axis=-1),
        "punctuation": (
            w[..., kinds.punct].sum(axis=-1).mean(axis=-1) if kinds.punct.any() else np.full(w.shape[:2], np.nan)
        ),
        "entropy": ent.mean(axis=-1),
        "norm_entropy": ent.mean(axis=-1) / np.log(t),
    }
    return stats


def head_stats(
    inputs: Iterable[tuple[np.ndarray, Sequence[str]]],
    *,
    model_name: str = "",
    cls_token: str = BERT_CLS,
    sep_token: str = BERT_SEP,
) -> HeadStats:
    """Average :func:`sentence_stats` over inputs given as ``(weights, tokens)``; every input counts the same."""
    per_input = [sentence_stats(w, toks, cls_token=cls_token, sep_token=sep_token) for w, toks in inputs]
    if not per_input:
        raise ValueError("no inputs")
    fields: dict[str, np.ndarray] = {}
    for key in _METRICS:
        stacked = np.stack([s[key] for s in per_input])  # (N, L, H)
        if key == "punctuation" and np.isnan(stacked).all():
            fields[key] = np.full(stacked.shape[1:], np.nan)
        else:
            fields[key] = np.nanmean(stacked, axis=0)
    return HeadStats(**fields, n_inputs=len(per_input), model_name=model_name)


def label_heads(
    stats: HeadStats, *, threshold: float = ROLE_THRESHOLD, broad: float = BROAD_ENTROPY
) -> tuple[np.ndarray, np.ndarray]:
    """One label per head, and how strongly it holds: two ``(layers, heads)`` arrays.

    The rule, in order:

    1. **a role** (``[CLS]``, ``[SEP]``, ``self``, ``previous``, ``next``, ``punctuation``) when that
       role's mean share is above ``threshold`` (default :data:`ROLE_THRESHOLD` = 0.5, i.e. more
       than half of the head's attention). The roles overlap (the previous token of the first word
       is ``[CLS]``), so two may pass; the larger share wins. Strength = that share.
    2. **broad** when no role passes and the mean normalised entropy is above ``broad`` (default
       :data:`BROAD_ENTROPY` = 0.75 of ``log(T)``): the head spreads its attention widely.
       Strength = the normalised entropy.
    3. **mixed** otherwise: no single habit. Strength = the largest role share.

    >>> z = np.zeros((1, 2))
    >>> s = HeadStats(cls=z + [[0.1, 0.0]], sep=z + [[0.7, 0.2]], self=z, previous=z + [[0.0, 0.3]],
    ...               next=z, punctuation=z, entropy=z, norm_entropy=z + [[0.2, 0.5]], n_inputs=1)
    >>> labels, strength = label_heads(s)
    >>> labels.tolist(), strength.round(2).tolist()
    ([['[SEP]', 'mixed']], [[0.7, 0.3]])
    """
    scores = np.stack([np.nan_to_num(stats.score(role), nan=0.0) for role in ROLES])  # (R, L, H)
    best = scores.argmax(axis=0)  # (L, H)
    best_score = scores.max(axis=0)
    labels = np.where(best_score > threshold, np.array(ROLES, dtype=object)[best], "mixed").astype(object)
    strength = best_score.copy()
    is_broad = (best_score <= threshold) & (stats.norm_entropy > broad)
    labels[is_broad] = "broad"
    strength[is_broad] = stats.norm_entropy[is_broad]
    return labels, strength


def measure_heads(
    which: str = "all", *, model: LoadedModel | None = None, results: Sequence[AttentionResult] | None = None
) -> tuple[HeadStats, list[AttentionResult]]:
    """Run the model over the course sentences (:mod:`attnviz.core.sentences`) and measure every head.

    ``which`` is ``"all"``, ``"single"`` (single sentences) or ``"pairs"`` (sentence pairs). Pass
    ``results`` (from :func:`attnviz.core.sentences.course_results`) to reuse a run. Returns the
    statistics and the attention results they came from.
    """
    from .models import load_model
    from .sentences import course_results

    loaded = model or load_model()
    if which not in ("all", "single", "pairs"):
        raise ValueError(f"which must be 'all', 'single' or 'pairs', not {which!r}")
    every = list(results) if results is not None else list(course_results(loaded))
    results = [r for r in every if which == "all" or (r.sentence_b is None) == (which == "single")]
    info = loaded.info
    stats = head_stats(
        ((r.weights, r.tokens) for r in results),
        model_name=info.name,
        cls_token=info.cls_token,
        sep_token=info.sep_token,
    )
    return stats, results


@dataclass(frozen=True)
class HeadHit:
    """A head found by :func:`find_head` (layer and head counted from 0, as BERTviz), its score and its role.

    * ``score``: for a head found for a role, that role's mean share (or normalised entropy for
      ``"broad"``); for a head found from ``query`` to ``key``, the attention weight between them.
    * ``role``: the head's label (one of :data:`LABELS`) by :func:`label_heads`, the rule of the head map,
      measured on the same source: on the one input for ``query``/``key``, on the statistics for a role.
      A head with no role is ``"broad"`` or ``"mixed"``; :func:`find_head` never leaves it ``None``.
    * ``query`` / ``key``: token positions (``None`` for a role).
    * ``role_share``: the share behind ``role`` (the label's strength in :func:`label_heads`: the role's
      share; the normalised entropy for ``"broad"``; the largest role share for ``"mixed"``).
    * ``role_even``: what an even spread over the same tokens gives that role (:func:`even_share`);
      ``nan`` for ``"broad"``/``"mixed"`` and for heads found on statistics (no one input).
    * ``even``: what an even spread gives one key, ``1 / T`` (the baseline of ``score`` for
      ``query``/``key``); ``nan`` for heads found on statistics.
    * ``sought``: the role that was asked for (``None`` for ``query``/``key``).

    Equality and the printed form use the first six fields only.
    """

    layer: int
    head: int
    score: float
    role: str | None = None
    query: int | None = None
    key: int | None = None
    role_share: float = field(default=math.nan, compare=False, repr=False)
    role_even: float = field(default=math.nan, compare=False, repr=False)
    even: float = field(default=math.nan, compare=False, repr=False)
    sought: str | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The head as BERTviz labels it: ``"Layer 3・Head 7"``."""
        return head_name(self.layer, self.head)


def even_share(tokens: Sequence[str], label: str, *, cls_token: str = BERT_CLS, sep_token: str = BERT_SEP) -> float:
    """The share a role would get if every token spread its attention evenly over the ``T`` tokens.

    ``[CLS]``: 1 / T; ``[SEP]``: (number of [SEP]) / T; ``self``, ``previous``, ``next``: 1 / T (one token);
    ``punctuation``: (number of punctuation tokens) / T; ``broad`` and ``mixed``: ``nan`` (no one target).

    >>> toks = ["[CLS]", "she", "loves", "it", ".", "[SEP]"]
    >>> [round(even_share(toks, r), 3) for r in ("[CLS]", "previous", "punctuation")]
    [0.167, 0.167, 0.167]
    >>> even_share(["[CLS]", "a", "[SEP]", "b", "[SEP]"], "[SEP]")
    0.4
    """
    t = len(tokens)
    if t == 0:
        raise ValueError("no tokens")
    kinds = token_kinds(tokens, cls_token, sep_token)
    count = {
        "[CLS]": int(kinds.cls.sum()),
        "[SEP]": int(kinds.sep.sum()),
        "self": 1,
        "previous": 1,
        "next": 1,
        "punctuation": int(kinds.punct.sum()),
    }
    if label in ("broad", "mixed"):
        return math.nan
    if label not in count:
        raise ValueError(f"unknown label {label!r}; expected one of {LABELS}")
    return count[label] / t


def input_stats(result: AttentionResult) -> HeadStats:
    """:class:`HeadStats` of one input (with its model's special tokens): what :func:`find_head` labels a head on."""
    return head_stats(
        [(result.weights, result.tokens)],
        model_name=result.model.name,
        cls_token=result.model.cls_token,
        sep_token=result.model.sep_token,
    )


def _argmax(score: np.ndarray) -> tuple[int, int, float]:
    score = np.nan_to_num(np.asarray(score, dtype=np.float64), nan=-np.inf)  # (L, H)
    layer, head = np.unravel_index(int(np.argmax(score)), score.shape)
    return int(layer), int(head), float(score[layer, head])


def _position(result: AttentionResult, token: str | int) -> int:
    if isinstance(token, int):
        if not 0 <= token < len(result.tokens):
            raise InputError(errors.position_out_of_range(token, len(result.tokens)))
        return token
    return result.index(token)


def find_head(
    source: HeadStats | AttentionResult,
    *,
    role: Role | Literal["broad"] | None = None,
    query: str | int | None = None,
    key: str | int | None = None,
    ignore: frozenset[str] = FUNCTION_WORDS,
) -> HeadHit:
    """The one head finder: the ``(layer, head)`` with the highest score, as a :class:`HeadHit` with its role.

    * ``find_head(stats, role="previous")``: the head whose measured share for a role (one of
      :data:`ROLES`, or ``"broad"``) is highest.
    * ``find_head(result, query="it", key="animal")``: the head where token ``query`` attends most to
      token ``key`` (tokens as text, first occurrence, or as positions).
    * ``find_head(result, query="cat")``: the head where ``query`` puts the most weight on any one
      *content word*: not a special token, not itself, not a word in ``ignore``; ``key`` of the hit
      is the word it found.

    Either way the hit's ``role`` is the head's label by :func:`label_heads` (the head map's rule) on the
    same source, so a strong line from a head that only looks at the previous token says ``"previous"``.

    >>> z = np.zeros((2, 2)); prev = z.copy(); prev[1, 0] = 0.74
    >>> s = HeadStats(cls=z, sep=z, self=z, previous=prev, next=z, punctuation=z, entropy=z,
    ...               norm_entropy=z, n_inputs=1)
    >>> find_head(s, role="previous")
    HeadHit(layer=1, head=0, score=0.74, role='previous', query=None, key=None)
    >>> find_head(s, role="self").role  # the best "self" head has no habit of its own
    'mixed'
    """
    if isinstance(source, HeadStats):
        if role is None or query is not None or key is not None:
            raise ValueError("with HeadStats, give role= only (e.g. role='previous')")
        layer, head, score = _argmax(source.score(role))
        labels, strength = label_heads(source)
        return HeadHit(
            layer,
            head,
            score,
            role=str(labels[layer, head]),
            role_share=float(strength[layer, head]),
            sought=role,
        )
    if role is not None or query is None:
        raise ValueError("with an AttentionResult, give query= (and optionally key=), not role=")
    w = np.asarray(source.weights, dtype=np.float64)  # (L, H, T, T)
    q = _position(source, query)
    if key is not None:
        k = _position(source, key)
        layer, head, score = _argmax(w[:, :, q, k])
    else:
        targets = content_positions(source.tokens, q, ignore)
        if not targets:
            raise InputError(errors.no_content_word())
        best = w[:, :, q, targets]  # (L, H, n_targets)
        layer, head, score = _argmax(best.max(axis=-1))
        k = targets[int(np.argmax(best[layer, head]))]
    labels, strength = label_heads(input_stats(source))
    label = str(labels[layer, head])
    return HeadHit(
        layer,
        head,
        score,
        role=label,
        query=q,
        key=k,
        role_share=float(strength[layer, head]),
        role_even=even_share(source.tokens, label, cls_token=source.model.cls_token, sep_token=source.model.sep_token),
        even=1.0 / len(source.tokens),
    )


def label_counts(
    stats: HeadStats, *, threshold: float = ROLE_THRESHOLD, broad: float = BROAD_ENTROPY
) -> dict[Label, int]:
    """How many heads got each label (:func:`label_heads`), for every label in :data:`LABELS`."""
    labels, _ = label_heads(stats, threshold=threshold, broad=broad)
    return {label: int((labels == label).sum()) for label in LABELS}
