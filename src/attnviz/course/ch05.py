"""Chapter 5 (ミニワーク): the suggested sentences' head views, WordPiece, and the pronoun question.

:func:`pronoun_facts` answers the pronoun question in numbers and words; chapter 6 restates it
(:mod:`attnviz.course.ch06`). Glued names: ``hv_cat``, ``hv_loves``, ``hv_pronoun`` (BERTviz head views),
``didnt_tokens``, ``didnt_n``, ``it_*`` (:func:`pronoun_facts`).
"""

from __future__ import annotations

from typing import Any

from ..core.attention import AttentionResult, attend
from ..core.models import LoadedModel, load_model
from ..core.probes import pronoun_check
from ..core.sentences import course_sentences
from .banner import start_page
from .glue import Md, glue_facts, glue_markdown, glue_value

__all__ = ["SUGGESTED", "WORDPIECE_EXAMPLE", "glue_page", "pronoun_facts", "pronoun_facts_of"]

#: The suggested sentences whose head views the page shows in tabs (the pronoun sentence is added from the set).
SUGGESTED = {"hv_cat": "The cat sat on the mat.", "hv_loves": "She loves programming."}
#: The word the page splits into WordPiece tokens.
WORDPIECE_EXAMPLE = "didn't"


def pronoun_facts_of(result: AttentionResult, counterfactual: AttentionResult) -> dict[str, str]:
    """The pronoun question (:func:`~attnviz.core.probes.pronoun_check`) in numbers and words.

    ``result`` is "... because it was too tired." and ``counterfactual`` "... because it was too wide."
    (where "it" means "street"). Keys: ``layer``, ``head``, ``name``, ``weight``, ``street``, ``mean``,
    ``spread`` (phrase), ``cf_animal``, ``cf_street`` (the same head on the changed sentence),
    ``cf_verdict`` (phrase), ``cf_best`` / ``cf_best_weight`` (the head with most "it" -> "street" there).
    """
    check = pronoun_check(result, counterfactual)
    hit = check.hit
    if check.moved:
        verdict = (
            f'変えた文では、このヘッドの「it」は "street" を {check.cf_street:.2f}、'
            f'"animal" を {check.cf_animal:.2f} の重みで見ていて、'
            '線は "street" の側に移りました。ただし 1 組の文だけでは、このヘッドが参照を解決しているとまでは言えません'
        )
    else:
        verdict = (
            f'変えた文でも、このヘッドの「it」は "animal" を {check.cf_animal:.2f}、'
            f'"street" を {check.cf_street:.2f} の重みで見ていて、'
            '線は "street" に移りませんでした。このヘッドは文の意味で参照先を選んでいるのではなく、'
            '別の手がかり（位置や語の種類など）で "animal" を見ていると考えるほうが自然です'
        )
    return {
        "layer": str(hit.layer),
        "head": str(hit.head),
        "name": hit.name,
        "weight": f"{hit.score:.2f}",
        "street": f"{check.street:.2f}",
        "mean": f"{check.mean:.2f}",
        "spread": Md(
            "つまり、このつながりはどこにでもあるわけではなく、特定のヘッドに強く現れています。"
            if hit.score >= 3 * check.mean
            else "最大のヘッドと平均の差は大きくなく、このつながりは多くのヘッドに薄く広がっています。"
        ),
        "cf_animal": f"{check.cf_animal:.2f}",
        "cf_street": f"{check.cf_street:.2f}",
        "cf_verdict": Md(verdict),
        "cf_best": check.cf_best.name,
        "cf_best_weight": f"{check.cf_best.score:.2f}",
    }


def pronoun_facts(loaded: LoadedModel) -> dict[str, str]:
    """:func:`pronoun_facts_of` on the course's pronoun sentence and its changed twin: chapters 5 and 6."""
    course = course_sentences()
    return pronoun_facts_of(attend(course.pronoun, model=loaded), attend(course.pronoun_counterfactual, model=loaded))


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue the suggested sentences' head views, the WordPiece example and the pronoun facts; return the model note."""
    from bertviz import head_view

    loaded = loaded or load_model()
    banner = start_page(loaded)
    for key, sentence in {**SUGGESTED, "hv_pronoun": course_sentences().pronoun}.items():
        r = attend(sentence, model=loaded)
        glue_value(key, head_view(r.attention, r.tokens, html_action="return"))
    pieces = loaded.tokenizer.tokenize(WORDPIECE_EXAMPLE)
    glue_markdown("didnt_tokens", "、".join(f"`{t}`" for t in pieces))
    glue_value("didnt_n", len(pieces))
    glue_facts(pronoun_facts(loaded), "it")
    return banner
