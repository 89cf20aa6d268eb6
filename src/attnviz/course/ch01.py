"""Chapter 1 (Self-Attention とは): the pencil-and-paper example, the "cat" head, the worked head, cosine.

Glued names: ``toy_*`` (the 3-token example), ``star_*`` (:func:`star_facts`), ``qkv_dk``, ``qkv_sqrt_dk``,
``q_table``, ``k_table`` (the worked head's first dimensions), ``sm_*`` (softmax with and without the
scaling), ``cos_*`` (:func:`cosine_facts`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.attention import AttentionResult, attend
from ..core.models import LoadedModel, load_model
from ..core.probes import word_focus
from ..core.qkv import WorkedHead, cosine_check, softmax, toy_attention, work_head
from ..core.sentences import course_sentences
from ..draw.tables import matrix_table
from .banner import start_page
from .glue import Md, glue_facts, glue_markdown, glue_value

__all__ = ["cosine_facts", "glue_page", "star_facts", "toy_facts"]

#: The word chapter 1 follows through the demo sentence.
QUERY = "cat"


def toy_facts() -> dict[str, str]:
    """The 3-token example's tables (Markdown) and the "cat" row's numbers."""
    toy = toy_attention()
    dims = ["1", "2", "3"]
    return {
        "q": Md(matrix_table(toy.q, toy.tokens, dims, decimals=0)),
        "k": Md(matrix_table(toy.k, toy.tokens, dims, decimals=0)),
        "v": Md(matrix_table(toy.v, toy.tokens, dims, decimals=0)),
        "probs": Md(matrix_table(toy.probs, toy.tokens, list(toy.tokens))),
        "cat_probs": "、".join(f"{p:.2f}" for p in toy.probs[1]),
        "cat_scaled": "、".join(f"{p:.2f}" for p in toy.scaled_probs[1]),
        "cat_output": "(" + ", ".join(f"{x:.2f}" for x in toy.output[1]) + ")",
    }


def star_facts(result: AttentionResult, query: str = QUERY) -> dict[str, str]:
    """The "cat" head: chosen out of all heads (:func:`~attnviz.core.probes.word_focus`), and how unusual it is.

    Keys: ``layer``, ``head``, ``top_token``, ``top_weight``, ``self_weight``, ``total_heads``, ``n_focused``
    (heads where ``query`` puts more than half its weight on one content word), ``median`` (the median over
    all heads of ``query``'s largest weight on a content word), ``focused`` (a phrase: how many heads are so).
    """
    focus = word_focus(result, query)
    hit = focus.hit
    assert hit.query is not None and hit.key is not None
    word = result.tokens[hit.query]
    n_focused = focus.n_focused
    return {
        "layer": str(hit.layer),
        "head": str(hit.head),
        "top_token": result.tokens[hit.key],
        "top_weight": f"{focus.row[hit.key]:.2f}",
        "self_weight": f"{focus.row[hit.query]:.2f}",
        "total_heads": str(focus.total_heads),
        "n_focused": str(n_focused),
        "median": f"{focus.median:.2f}",
        "focused": Md(
            f"「{word}」が 1 つの内容語に重みの半分以上を向けるヘッドは、全 {focus.total_heads} ヘッドのうち"
            + (" 1 つもありません" if n_focused == 0 else f" {n_focused} 個だけです")
        ),
    }


def cosine_facts(worked: WorkedHead, i: int) -> dict[str, str]:
    """What a softmax over cosine similarities would give for query ``i``, beside the real weights.

    Keys: ``n_tokens`` (T), ``bound`` (the largest weight a softmax of values in [-1, 1] can give:
    ``e^2 / (e^2 + T - 1)``), ``softmax_max`` (softmax of this row's cosines), ``real_max``, ``verdict``.
    """
    check = cosine_check(worked, i)
    return {
        "n_tokens": str(check.n_tokens),
        "bound": f"{check.bound:.2f}",
        "softmax_max": f"{check.softmax_max:.2f}",
        "real_max": f"{check.real_max:.2f}",
        "verdict": Md(
            "ずっと平らな分布で、はっきりとは相手を選べません"
            if check.softmax_max < check.real_max
            else "この行に限っては同じくらいの集中になります"
        ),
    }


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue everything chapter 1 states; return the model note."""
    loaded = loaded or load_model()
    banner = start_page(loaded)
    glue_facts(toy_facts(), "toy")
    sentence = course_sentences().demo_single
    r = attend(sentence, model=loaded)
    star = star_facts(r, QUERY)
    glue_facts(star, "star")
    # the worked head is the "cat" head of the star figure
    w = work_head(sentence, int(star["layer"]), int(star["head"]), model=loaded)
    cat = r.index(QUERY)
    glue_value("qkv_dk", w.d_k)
    glue_value("qkv_sqrt_dk", f"{np.sqrt(w.d_k):.2f}")
    dims = [f"次元 {d}" for d in range(4)]
    glue_markdown("q_table", matrix_table(w.q[:, :4], w.tokens, dims))
    glue_markdown("k_table", matrix_table(w.k[:, :4], w.tokens, dims))
    glue_value("sm_scaled_max", f"{softmax(w.scaled[cat]).max():.2f}")
    glue_value("sm_unscaled_max", f"{softmax(w.scores[cat]).max():.3f}")
    glue_facts(cosine_facts(w, cat), "cos")
    return banner
