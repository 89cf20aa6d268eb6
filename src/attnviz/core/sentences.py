"""The one set of course sentences (``attnviz/core/data/sentences.json``), and the model run over it.

Chapter 4's layer shares, the head map and the role table all average over the same inputs, so their
numbers agree. The long passage pair is measured on its own: it is the input most like the ~128-token
segment pairs on which Clark et al. (2019) measured BERT-base.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .attention import AttentionResult
    from .models import LoadedModel

__all__ = ["SentenceSet", "course_results", "course_sentences", "long_pair_result"]


@dataclass(frozen=True)
class SentenceSet:
    """The course sentences: short singles and pairs (averaged over), plus named examples."""

    singles: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    demo_single: str  #: chapters 1-4: "The cat sat on the mat"
    demo_pair: tuple[str, str]  #: chapters 3-4: the session's pair
    pronoun: str  #: chapter 5: "it" refers to "animal"
    pronoun_counterfactual: str  #: chapter 5: the same sentence where "it" refers to "street"
    long_pair: tuple[str, str]  #: two passages of 100-128 tokens together, for comparison with Clark et al.

    @property
    def inputs(self) -> tuple[tuple[str, str | None], ...]:
        """The short inputs that averages run over: every single (no sentence B), then every pair."""
        return (*((s, None) for s in self.singles), *self.pairs)

    @property
    def checks(self) -> tuple[tuple[str, str | None], ...]:
        """The short inputs plus the chapters' demo sentence and pair: what the in-browser model is checked on."""
        return (*self.inputs, (self.demo_single, None), self.demo_pair)


@lru_cache(maxsize=1)
def course_sentences() -> SentenceSet:
    """Read the shipped sentence set.

    >>> s = course_sentences()
    >>> s.demo_single, len(s.inputs) == len(s.singles) + len(s.pairs)
    ('The cat sat on the mat', True)
    """
    data = json.loads(resources.files("attnviz.core").joinpath("data/sentences.json").read_text(encoding="utf-8"))
    return SentenceSet(
        singles=tuple(data["single"]),
        pairs=tuple((a, b) for a, b in data["pairs"]),
        demo_single=data["demo_single"],
        demo_pair=tuple(data["demo_pair"]),  # type: ignore[arg-type]
        pronoun=data["pronoun"],
        pronoun_counterfactual=data["pronoun_counterfactual"],
        long_pair=tuple(" ".join(part) for part in data["long_pair"]),  # type: ignore[arg-type]
    )


def course_results(model: LoadedModel | None = None) -> tuple[AttentionResult, ...]:
    """:func:`~attnviz.attend` on every short input of the set (singles, then pairs).

    Run once per model and process: a page that measures layers and heads over the set (chapter 4)
    asks for it more than once, and the results are immutable.
    """
    from .models import load_model

    return _course_results(model or load_model())


@lru_cache(maxsize=2)
def _course_results(model: LoadedModel) -> tuple[AttentionResult, ...]:
    from .attention import attend

    return tuple(attend(a, b, model=model) for a, b in course_sentences().inputs)


def long_pair_result(model: LoadedModel | None = None) -> AttentionResult:
    """:func:`~attnviz.attend` on the long passage pair."""
    from .attention import attend

    a, b = course_sentences().long_pair
    return attend(a, b, model=model)
