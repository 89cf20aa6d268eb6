"""Questions the chapters ask of one input, answered in numbers with :func:`~attnviz.core.heads.find_head`.

* :func:`word_focus` (chapter 1): the head where a word looks hardest at one content word, and how rare
  such a head is among all heads;
* :func:`pronoun_check` (chapters 5 and 6): the head that links "it" to "animal", and what the same head
  does when a changed sentence makes "it" mean "street".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .heads import HeadHit, find_head
from .tokens import content_positions

if TYPE_CHECKING:
    from .attention import AttentionResult

__all__ = ["PronounCheck", "WordFocus", "pronoun_check", "word_focus"]

#: A head is "focused" for a word when the word puts MORE than this share of its weight on one content word.
FOCUSED = 0.5


@dataclass(frozen=True, eq=False)
class WordFocus:
    """Where one word looks in the head :func:`find_head` picks for it, beside every other head."""

    hit: HeadHit  #: the head where ``query`` puts the most weight on one content word
    row: np.ndarray  #: ``(T,)`` that head's weights for the query token
    best_per_head: np.ndarray  #: ``(L, H)`` every head's largest weight from the query to a content word

    @property
    def n_focused(self) -> int:
        """Heads whose largest weight on one content word is above :data:`FOCUSED`."""
        return int((self.best_per_head > FOCUSED).sum())

    @property
    def total_heads(self) -> int:
        return int(self.best_per_head.size)

    @property
    def median(self) -> float:
        """The median over all heads of :attr:`best_per_head`."""
        return float(np.median(self.best_per_head))


def word_focus(result: AttentionResult, query: str) -> WordFocus:
    """:class:`WordFocus` of the token ``query`` (first occurrence)."""
    hit = find_head(result, query=query)
    q = hit.query
    assert q is not None and hit.key is not None
    targets = content_positions(result.tokens, q)
    w = np.asarray(result.weights, dtype=np.float64)  # (L, H, T, T)
    return WordFocus(hit=hit, row=w[hit.layer, hit.head, q], best_per_head=w[:, :, q, targets].max(axis=-1))


@dataclass(frozen=True)
class PronounCheck:
    """The pronoun question in numbers: weights from "it" (layers and heads from 0)."""

    hit: HeadHit  #: the head where "it" attends most to "animal" (``score`` = that weight)
    street: float  #: the same head, "it" -> "street"
    mean: float  #: "it" -> "animal", averaged over every layer and head
    cf_animal: float  #: the same head on the changed sentence, "it" -> "animal"
    cf_street: float  #: the same head on the changed sentence, "it" -> "street"
    cf_best: HeadHit  #: the head with the most "it" -> "street" on the changed sentence

    @property
    def moved(self) -> bool:
        """Whether the head's line moved to "street" on the changed sentence."""
        return self.cf_street > self.cf_animal


def pronoun_check(result: AttentionResult, counterfactual: AttentionResult) -> PronounCheck:
    """``result`` is "... because it was too tired." (where "it" means "animal"), ``counterfactual``
    "... because it was too wide." (where "it" means "street")."""
    hit = find_head(result, query="it", key="animal")
    assert hit.query is not None and hit.key is not None
    w = np.asarray(result.weights, dtype=np.float64)
    cw = np.asarray(counterfactual.weights, dtype=np.float64)
    cq = counterfactual.index("it")
    return PronounCheck(
        hit=hit,
        street=float(w[hit.layer, hit.head, hit.query, result.index("street")]),
        mean=float(w[:, :, hit.query, hit.key].mean()),
        cf_animal=float(cw[hit.layer, hit.head, cq, counterfactual.index("animal")]),
        cf_street=float(cw[hit.layer, hit.head, cq, counterfactual.index("street")]),
        cf_best=find_head(counterfactual, query="it", key="street"),
    )
