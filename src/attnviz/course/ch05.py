"""Chapter 5 (ミニワーク): the suggested sentences' head views, WordPiece, and the pronoun question.

:func:`pronoun_facts` answers the pronoun question in numbers and words; chapter 6 restates it
(:mod:`attnviz.course.ch06`). Glued names: ``hv_cat``, ``hv_loves``, ``hv_pronoun`` (BERTviz head views),
``didnt_tokens``, ``didnt_n``, ``it_*`` (:func:`pronoun_facts`), ``loves_*`` (:func:`pair_head_facts`: the
"she"-"loves" head of the page's own cell, and the same head on a sentence with other words in the same places).
"""

from __future__ import annotations

from typing import Any

from ..core.attention import AttentionResult, attend
from ..core.fmt import pct
from ..core.heads import HeadHit, find_head
from ..core.models import LoadedModel, load_model
from ..core.probes import pronoun_check
from ..core.sentences import course_sentences
from ..draw.labels import ROLE_TABLE
from .banner import start_page
from .glue import Md, glue_facts, glue_markdown, glue_value

__all__ = [
    "CONTROL",
    "MINE",
    "SUGGESTED",
    "WORDPIECE_EXAMPLE",
    "glue_page",
    "pair_head_facts",
    "pronoun_facts",
    "pronoun_facts_of",
    "role_facts",
]

#: The suggested sentences whose head views the page shows in tabs (the pronoun sentence is added from the set).
SUGGESTED = {"hv_cat": "The cat sat on the mat.", "hv_loves": "She loves programming."}
#: The word the page splits into WordPiece tokens.
WORDPIECE_EXAMPLE = "didn't"
#: The page's own cell: the sentence and the two words whose head it finds (query, key).
MINE = ("She loves programming.", "loves", "she")
#: The control: other words in the same places (the question asks whether the head still links them).
CONTROL = ("He hates cooking.", "hates", "he")


def role_facts(hit: HeadHit) -> dict[str, str]:
    """A found head's role on its input, beside an even spread: ``role`` (Japanese), ``role_share``,
    ``role_even`` (``—`` when the label has no one target), ``even`` (1/T, the baseline of one weight)."""
    assert hit.role is not None
    return {
        "role": ROLE_TABLE[hit.role].name_ja,  # type: ignore[index]
        "role_share": pct(hit.role_share),
        "role_even": "—" if hit.role_even != hit.role_even else pct(hit.role_even),  # nan: broad / mixed
        "even": f"{hit.even:.3f}".rstrip("0"),
    }


def pair_head_facts(result: AttentionResult, control: AttentionResult) -> dict[str, str]:
    """The head where :data:`MINE`'s query attends most to its key, its role, and the same head on :data:`CONTROL`.

    Keys: ``name``, ``weight``, ``role``, ``role_share``, ``role_even``, ``even`` (see :func:`role_facts`),
    ``positional`` (phrase: why a weight near 1 there is position), ``cf_weight`` (the same head, the control's
    query -> key), ``cf_verdict`` (phrase).
    """
    hit = find_head(result, query=MINE[1], key=MINE[2])
    assert hit.query is not None and hit.key is not None
    facts = role_facts(hit)
    cq, ck = control.index(CONTROL[1]), control.index(CONTROL[2])
    cf = float(control.weights[hit.layer, hit.head, cq, ck])
    offset = hit.key - hit.query
    if hit.role in ("previous", "next") and abs(offset) == 1:
        positional = (
            f"このヘッドは、この文のほぼすべてのトークンで{facts['role']}を見ています"
            f"（平均 {facts['role_share']}。均等に配ると {facts['role_even']}）。"
            f'"{MINE[2]}" は "{MINE[1]}" の{"すぐ前" if offset == -1 else "すぐ後ろ"}にあるので、'
            "重みが 1 に近いのは「主語だから」ではなく「隣にあるから」です"
        )
    else:
        positional = (
            f"このヘッドの役割は「{facts['role']}」で（{facts['role_share']}）、"
            "隣のトークンだけを見るヘッドではありません。意味で選んでいるかは、ほかの文で確かめる必要があります"
        )
    moved = "ほとんど変わりません" if abs(cf - hit.score) < 0.1 else "大きく変わります"
    return {
        "name": hit.name,
        "weight": f"{hit.score:.2f}",
        **facts,
        "positional": Md(positional),
        "cf_weight": f"{cf:.2f}",
        "cf_verdict": Md(f"単語を入れ替えても、同じ位置どうしの重みは {hit.score:.2f} から {cf:.2f} で、{moved}"),
    }


def pronoun_facts_of(result: AttentionResult, counterfactual: AttentionResult) -> dict[str, str]:
    """The pronoun question (:func:`~attnviz.core.probes.pronoun_check`) in numbers and words.

    ``result`` is "... because it was too tired." and ``counterfactual`` "... because it was too wide."
    (where "it" means "street"). Keys: ``layer``, ``head``, ``name``, ``weight``, ``street``, ``mean``,
    ``spread`` (phrase), ``cf_animal``, ``cf_street`` (the same head on the changed sentence),
    ``cf_verdict`` (phrase), ``cf_best`` / ``cf_best_weight`` (the head with most "it" -> "street" there),
    and the head's role on the sentence (:func:`role_facts`: ``role``, ``role_share``, ``role_even``, ``even``).
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
        **role_facts(hit),
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
    glue_facts(pair_head_facts(attend(MINE[0], model=loaded), attend(CONTROL[0], model=loaded)), "loves")
    return banner
