"""What kind of token a token is: special ([CLS], [SEP]), punctuation, a function word or a content word.

Every measurement that sets special tokens or punctuation apart (layer shares, head statistics, rollout,
the head finder) asks this module, with the special tokens of the model's own tokenizer
(:attr:`attnviz.core.models.ModelInfo.cls_token` / ``sep_token``). The pure functions on token lists
default to BERT's names, :data:`BERT_CLS` and :data:`BERT_SEP`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .attention import AttentionResult

__all__ = [
    "BERT_CLS",
    "BERT_SEP",
    "FUNCTION_WORDS",
    "TokenKinds",
    "content_positions",
    "is_punctuation",
    "kinds_of",
    "token_kinds",
]

#: BERT's classification and separator tokens (the defaults of the functions on bare token lists).
BERT_CLS = "[CLS]"
BERT_SEP = "[SEP]"

#: Small English function words: not counted as content words (:func:`content_positions`).
FUNCTION_WORDS = frozenset("a an the on in at of to and or is was it its this that".split())


def is_punctuation(token: str) -> bool:
    """True for a token made only of punctuation characters (Unicode category P*), e.g. ``.`` or ``,``.

    >>> [is_punctuation(t) for t in (".", ",", "'", "cat", "[SEP]", "##s")]
    [True, True, True, False, False, False]
    """
    return bool(token) and all(unicodedata.category(c).startswith("P") for c in token)


@dataclass(frozen=True, eq=False)
class TokenKinds:
    """Boolean masks ``(T,)`` over the tokens of one input; ``punct`` never marks [CLS] or [SEP]."""

    cls: np.ndarray
    sep: np.ndarray
    punct: np.ndarray

    @property
    def special(self) -> np.ndarray:
        """[CLS] or [SEP]."""
        return self.cls | self.sep


def token_kinds(tokens: Sequence[str], cls_token: str = BERT_CLS, sep_token: str = BERT_SEP) -> TokenKinds:
    """Which tokens are [CLS], [SEP] (every one of a pair) and punctuation.

    >>> k = token_kinds(["[CLS]", "hi", ".", "[SEP]"])
    >>> k.cls.tolist(), k.sep.tolist(), k.punct.tolist()
    ([True, False, False, False], [False, False, False, True], [False, False, True, False])
    """
    cls = np.array([t == cls_token for t in tokens], dtype=bool)
    sep = np.array([t == sep_token for t in tokens], dtype=bool)
    punct = np.array([is_punctuation(t) for t in tokens], dtype=bool) & ~cls & ~sep
    return TokenKinds(cls, sep, punct)


def kinds_of(result: AttentionResult) -> TokenKinds:
    """:func:`token_kinds` of a result, with the special tokens of the model that produced it."""
    return token_kinds(result.tokens, result.model.cls_token, result.model.sep_token)


def content_positions(tokens: Sequence[str], query: int, ignore: frozenset[str] = FUNCTION_WORDS) -> list[int]:
    """Positions of the content words ``query`` could look at: not itself, not a special token (``[...]``),
    not a word in ``ignore``, not punctuation.

    >>> content_positions(["[CLS]", "the", "cat", "sat", ".", "[SEP]"], query=2)
    [3]
    """
    return [
        j
        for j, t in enumerate(tokens)
        if j != query
        and not (t.startswith("[") and t.endswith("]"))
        and t.lower() not in ignore
        and not is_punctuation(t)
    ]
