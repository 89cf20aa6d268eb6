"""Chapter 6 (まとめ): restates chapter 4's layer shares and Clark comparison, and chapter 5's pronoun question.

The facts are chapter 4's and chapter 5's own functions (:func:`attnviz.course.ch04.layer_facts`,
:func:`attnviz.course.ch05.pronoun_facts`), glued under this page's names: ``sum_*``, ``sum_clark_*``,
``sum_it_*`` (and ``sum_it_maprole``, that head's role on the head map), and chapter 4's norm-based view
and swap control: ``sum_nv_*``, ``sum_ctl_*``.
"""

from __future__ import annotations

from typing import Any

from ..core.controls import course_controls
from ..core.heads import label_heads, measure_heads
from ..core.models import LoadedModel, load_model
from . import ch04, ch05
from .banner import start_page
from .glue import glue_facts, glue_value

__all__ = ["glue_page"]


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue chapter 4's and chapter 5's findings; return the model note."""
    loaded = loaded or load_model()
    banner = start_page(loaded)
    facts = ch04.layer_facts(loaded)
    glue_facts(facts.described, "sum")
    glue_facts(facts.clark, "sum_clark")
    pronoun = ch05.pronoun_facts(loaded)
    glue_facts(pronoun, "sum_it")
    _, summary = ch04.norm_view(loaded)
    glue_facts(ch04.norm_facts(summary), "sum_nv")
    stats, _ = measure_heads(model=loaded)
    labels, _ = label_heads(stats)
    # the pronoun head's role, by the head map's rule (chapter 4)
    glue_value("sum_it_maprole", ch04.role_name(labels, int(pronoun["layer"]), int(pronoun["head"])))
    glue_facts(ch04.control_facts(course_controls(loaded), labels), "sum_ctl")
    return banner
