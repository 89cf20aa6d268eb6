"""Chapter 2 (Transformer と BERT): real tokenizer output for one sentence and for a pair.

Glued names: ``one_n_tokens``, ``two_b_start``, ``cls_id``, ``sep_id``, ``one_table``, ``two_table``.
"""

from __future__ import annotations

from typing import Any

from ..core.attention import attend
from ..core.models import LoadedModel, load_model
from ..core.sentences import course_sentences
from ..draw.tables import token_table
from .banner import start_page
from .glue import glue_markdown, glue_value

__all__ = ["PAIR", "glue_page"]

#: The short pair whose tokens chapter 2 tabulates.
PAIR = ("The cat sat.", "The dog barked.")


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue the token tables and their numbers; return the model note."""
    loaded = loaded or load_model()
    banner = start_page(loaded)
    tokenizer = loaded.tokenizer
    one = attend(course_sentences().demo_single, model=loaded)
    two = attend(*PAIR, model=loaded)
    glue_value("one_n_tokens", len(one.tokens))
    glue_value("two_b_start", two.sentence_b_start)
    glue_value("cls_id", tokenizer.cls_token_id)
    glue_value("sep_id", tokenizer.sep_token_id)
    glue_markdown("one_table", token_table(one, tokenizer))
    glue_markdown("two_table", token_table(two, tokenizer))
    return banner
