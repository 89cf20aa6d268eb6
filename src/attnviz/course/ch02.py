"""Chapter 2 (Transformer と BERT): real tokenizer output for one sentence, a pair and Japanese text; where the
strongest previous-token head sits.

Glued names: ``one_n_tokens``, ``two_b_start``, ``cls_id``, ``sep_id``, ``one_table``, ``two_table``, ``prev_*``
(:func:`previous_head_facts`), ``ja_*``, ``mix_*`` and ``quiz_*`` (:func:`japanese_facts`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core.attention import AttentionResult, attend
from ..core.fmt import pct
from ..core.heads import find_head, measure_heads
from ..core.models import LoadedModel, load_model
from ..core.sentences import course_results, course_sentences
from ..core.vocab import TokenizedText, tokenize_text
from ..draw.tables import token_table
from .banner import start_page
from .glue import Md, glue_facts, glue_markdown, glue_value

__all__ = ["JAPANESE", "MIXED", "PAIR", "QUIZ", "glue_page", "japanese_facts", "previous_head_facts"]

#: The short pair whose tokens chapter 2 tabulates.
PAIR = ("The cat sat.", "The dog barked.")
#: A Japanese sentence (the demo sentence and a reason, with voiced kana) and a mixed one, for the tokenizer.
JAPANESE = "猫はマットの上に座った。なぜなら疲れていたからだ。"
MIXED = "My 猫 sat on the ベッド in 東京."
#: The sentence of the predict-then-check question (not shown on the page before the answer).
QUIZ = "ぼくはビールが好きだ。"


def previous_head_facts(results: Sequence[AttentionResult], loaded: LoadedModel) -> dict[str, str]:
    """The head that looks most at the previous token over the course sentences, and an even spread's share.

    Keys: ``name``, ``layer``, ``share`` (its mean share), ``even`` (1/T averaged over the same inputs),
    ``n_inputs``, ``role`` (its label by the head map's rule; "previous" when the share passes it), ``where``
    (phrase: in which layer).
    """
    stats, used = measure_heads(model=loaded, results=results)
    hit = find_head(stats, role="previous")
    even = float(np.mean([1 / len(r.tokens) for r in used]))
    return {
        "name": hit.name,
        "layer": str(hit.layer),
        "share": pct(hit.score),
        "even": pct(even),
        "n_inputs": str(stats.n_inputs),
        "role": str(hit.role),
        "where": Md(
            "最初の層（Layer 0）に、もう現れます"
            if hit.layer == 0
            else f"Layer {hit.layer}（下から {hit.layer + 1} 段目）に現れます"
        ),
    }


def _codes(tokens: Sequence[str]) -> Md:
    return Md(" ".join(f"`{t}`" for t in tokens))


def _voicing(pairs: Sequence[tuple[str, str]]) -> str:
    """``ぜ→せ、だ→た`` for the pairs whose difference is a dropped combining mark (each pair once, in order)."""
    seen: list[tuple[str, str]] = []
    for source, token in pairs:
        if (source, token) not in seen:
            seen.append((source, token))
    return "、".join(f"{s}→{t}" for s, t in seen)


def japanese_facts(tokenized: TokenizedText) -> dict[str, str]:
    """What the tokenizer made of a Japanese (or mixed) text.

    Keys: ``text``, ``tokens`` (Markdown: each token as code), ``n_tokens``, ``n_chars`` (characters, spaces
    left out), ``n_unk``, ``unknown`` (the characters that became the unknown token, each once), ``unk_share``
    (unknown tokens / all tokens), ``changed`` (``ぜ→せ、…``: the characters that lost a mark), ``n_changed``,
    ``nfd`` (the first changed character decomposed, e.g. ``ぜ = せ + U+3099``; empty when none changed).
    """
    unknown: list[str] = []
    for c in tokenized.unknown:
        if c not in unknown:
            unknown.append(c)
    changed = tokenized.changed
    nfd = ""
    if changed:
        source = changed[0][0]
        parts = unicodedata.normalize("NFD", source)
        nfd = f"{source} = {parts[0]} + " + " + ".join(f"U+{ord(c):04X}" for c in parts[1:])
    n = len(tokenized.pieces)
    return {
        "text": tokenized.text,
        "tokens": _codes(tokenized.tokens),
        "n_tokens": str(n),
        "n_chars": str(tokenized.n_chars),
        "n_unk": str(len(tokenized.unknown)),
        "unknown": "、".join(unknown) if unknown else "なし",
        "unk_share": pct(len(tokenized.unknown) / n) if n else "0%",
        "changed": _voicing(changed) if changed else "なし",
        "n_changed": str(len(changed)),
        "nfd": nfd,
    }


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue the token tables and their numbers, the previous-token head, the Japanese tokens; return the model note."""
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
    glue_facts(previous_head_facts(course_results(loaded), loaded), "prev")
    glue_facts(japanese_facts(tokenize_text(tokenizer, JAPANESE)), "ja")
    glue_facts(japanese_facts(tokenize_text(tokenizer, MIXED)), "mix")
    glue_facts(japanese_facts(tokenize_text(tokenizer, QUIZ)), "quiz")
    return banner
