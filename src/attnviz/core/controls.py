"""Controls that tell position from meaning: does a head keep its choice by position, or follow the word?

A head that draws a "meaningful" line may only be looking at a position (the next token, the word two
to the left). A control changes the input so that position and word come apart, and asks, for one
chosen token (the query) that is in both inputs, where each head's strongest line goes:

* ``"park"``: to the same special token ([CLS] or [SEP]) in both inputs (a parking place, neither);
* ``"position"``: to the token at the same relative position, counted in words (the head keeps its choice
  by position, whatever word is there now);
* ``"word"``: to the same word at a new relative position (the head followed the word);
* ``"other"``: to something else.

The three controls (:func:`course_controls`): the words shuffled (seeded); the content words replaced by
nonsense words ("The blick sat on the dax."); one word swapped so that "it" means something else
("... too tired." -> "... too wide."). :func:`classify` is a pure function of arrays, so tests can give
it weights with known answers.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

if TYPE_CHECKING:
    from .attention import AttentionResult
    from .models import LoadedModel

__all__ = [
    "CHOICES",
    "Choice",
    "ControlRun",
    "TokenView",
    "classify",
    "course_controls",
    "run_control",
    "shuffled",
]

#: Where a head's strongest line from the query goes in the control, compared with the original.
Choice = Literal["park", "position", "word", "other"]
CHOICES: tuple[Choice, ...] = get_args(Choice)

#: The seed of the shuffled-order control (the page says which order it gave).
SEED = 7


@dataclass(frozen=True)
class TokenView:
    """One input as :func:`classify` sees it: tokens, the word each token belongs to, and special tokens."""

    tokens: tuple[str, ...]
    words: tuple[int | None, ...]  #: word index of each token (``None`` for [CLS] and [SEP])
    query: int  #: the chosen token's position

    def word_offset(self, key: int) -> int | None:
        """How many words the key is from the query (``None`` when the key is a special token)."""
        w, q = self.words[key], self.words[self.query]
        return None if w is None or q is None else w - q

    def word_text(self, key: int) -> str:
        """The whole word the key token belongs to (tokens joined, ``##`` removed), or the special token."""
        w = self.words[key]
        if w is None:
            return self.tokens[key]
        return "".join(t.removeprefix("##") for t, v in zip(self.tokens, self.words, strict=True) if v == w)


def classify(original: np.ndarray, control: np.ndarray, a: TokenView, b: TokenView) -> tuple[np.ndarray, np.ndarray]:
    """Classify every head (see the module doc): ``(L, H)`` choices and the ``(L, H, 2)`` keys they picked.

    ``original`` and ``control`` are ``(L, H, T, T)`` weights of the two inputs, ``a`` and ``b`` their
    :class:`TokenView`. The rule, in this order: ``park``, ``position``, ``word``, ``other``.

    >>> w = np.zeros((1, 2, 4, 4)); w[0, 0, 1, 2] = w[0, 1, 1, 0] = 1.0   # head 0: next word; head 1: [CLS]
    >>> v = np.zeros((1, 2, 4, 4)); v[0, 0, 2, 3] = v[0, 1, 2, 0] = 1.0
    >>> a = TokenView(("[CLS]", "x", "y", "[SEP]"), (None, 0, 1, None), query=1)
    >>> b = TokenView(("[CLS]", "y", "x", "[SEP]"), (None, 0, 1, None), query=2)   # "x" moved
    >>> classify(w, v, a, b)[0].tolist()   # head 0 now looks at [SEP]: neither the next word nor "y"
    [['other', 'park']]
    """
    k0 = np.asarray(original, dtype=np.float64)[:, :, a.query, :].argmax(axis=-1)  # (L, H)
    k1 = np.asarray(control, dtype=np.float64)[:, :, b.query, :].argmax(axis=-1)
    out = np.empty(k0.shape, dtype=object)
    for index in np.ndindex(k0.shape):
        i, j = int(k0[index]), int(k1[index])
        special_a, special_b = a.words[i] is None, b.words[j] is None
        if special_a and special_b and a.tokens[i] == b.tokens[j]:
            out[index] = "park"
        elif not special_a and a.word_offset(i) == b.word_offset(j):
            out[index] = "position"
        elif not special_a and not special_b and a.word_text(i) == b.word_text(j):
            out[index] = "word"
        else:
            out[index] = "other"
    return out, np.stack([k0, k1], axis=-1)


def shuffled(sentence: str, seed: int = SEED) -> str:
    """The words of a sentence in a seeded random order (lower case, the first one capitalised), the period last.

    >>> shuffled("The cat sat on the mat.", seed=7) != "The cat sat on the mat."
    True
    """
    body, end = (sentence[:-1], ".") if sentence.endswith(".") else (sentence, "")
    words = body.lower().split()
    rng = random.Random(seed)
    order = words[:]
    while order == words:
        rng.shuffle(order)
    text = " ".join(order)
    return text[:1].upper() + text[1:] + end


@dataclass(frozen=True, eq=False)
class ControlRun:
    """One control: the two inputs, the chosen token, and every head's :func:`classify` result."""

    name: str  #: ``"shuffle"``, ``"nonsense"`` or ``"swap"``
    original: AttentionResult
    control: AttentionResult
    query: str  #: the chosen token (a word in both inputs)
    choices: np.ndarray  #: ``(L, H)`` of :data:`Choice`
    keys: np.ndarray  #: ``(L, H, 2)`` the key each head picked, in the original and in the control
    views: tuple[TokenView, TokenView]

    def count(self, choice: Choice) -> int:
        return int((self.choices == choice).sum())

    def picked(self, layer: int, head: int) -> tuple[str, str]:
        """The words a head's strongest line from the query went to: (original, control)."""
        k0, k1 = (int(k) for k in self.keys[layer, head])
        return self.views[0].word_text(k0), self.views[1].word_text(k1)


def _view(result: AttentionResult, words: Sequence[int | None], query: str) -> TokenView:
    return TokenView(result.tokens, tuple(words), query=result.index(query))


def run_control(name: str, original: str, control: str, query: str, *, model: LoadedModel | None = None) -> ControlRun:
    """Run the model on both inputs and classify every head for the token ``query``."""
    from .attention import attend
    from .models import load_model

    loaded = model or load_model()
    results = [attend(text, model=loaded) for text in (original, control)]
    views = []
    for text, result in zip((original, control), results, strict=True):
        word_ids = loaded.tokenizer(text).word_ids()
        views.append(_view(result, word_ids, query))
    choices, keys = classify(results[0].weights, results[1].weights, views[0], views[1])
    return ControlRun(name, results[0], results[1], query, choices, keys, (views[0], views[1]))


def course_controls(model: LoadedModel | None = None) -> tuple[ControlRun, ...]:
    """The three controls of chapter 4, on the course's sentences."""
    from .sentences import course_sentences

    s = course_sentences()
    cat = s.demo_single + "."
    return (
        run_control("shuffle", cat, shuffled(cat), "cat", model=model),
        run_control("nonsense", cat, "The blick sat on the dax.", "sat", model=model),
        run_control("swap", s.pronoun, s.pronoun_counterfactual, "it", model=model),
    )
