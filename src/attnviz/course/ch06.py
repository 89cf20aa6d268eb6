"""Chapter 6 (まとめ): restates chapter 4's layer shares and Clark comparison, and chapter 5's pronoun question.

The facts are chapter 4's and chapter 5's own functions (:func:`attnviz.course.ch04.layer_facts`,
:func:`attnviz.course.ch05.pronoun_facts`), glued under this page's names: ``sum_*``, ``sum_clark_*``,
``sum_it_*``.
"""

from __future__ import annotations

from typing import Any

from ..core.models import LoadedModel, load_model
from . import ch04, ch05
from .banner import start_page
from .glue import glue_facts

__all__ = ["glue_page"]


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue chapter 4's and chapter 5's findings; return the model note."""
    loaded = loaded or load_model()
    banner = start_page(loaded)
    facts = ch04.layer_facts(loaded)
    glue_facts(facts.described, "sum")
    glue_facts(facts.clark, "sum_clark")
    glue_facts(ch05.pronoun_facts(loaded), "sum_it")
    return banner
