"""Chapter 1 (Self-Attention とは): the pencil-and-paper example, the "cat" head, the worked head, cosine.

Glued names: ``toy_*`` (the 3-token example), ``star_*`` (:func:`star_facts`), ``qkv_dk``, ``qkv_sqrt_dk``,
``shape_table`` (the shapes from one layer's input to its heads and back), ``q_table``, ``k_table`` (the worked
head's first dimensions), ``sm_*`` (softmax with and without the scaling), ``cos_*`` (:func:`cosine_facts`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.attention import AttentionResult, attend
from ..core.fmt import pct
from ..core.models import LoadedModel, load_model
from ..core.probes import word_focus
from ..core.qkv import WorkedHead, cosine_check, softmax, toy_attention, work_head
from ..core.sentences import course_sentences
from ..draw.labels import ROLE_TABLE
from ..draw.tables import matrix_table, shape_table
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
    """The "cat" head: chosen out of all heads (:func:`~attnviz.core.probes.word_focus`), how unusual it is, and
        what it does on this input (its role by the head map's rule), each number beside an even spread.

        Keys: ``layer``, ``head`` (from 0), ``layer_nth``, ``head_nth`` (from 1), ``top_token``, ``top_weight``,
        ``self_weight``, ``n_tokens`` (T), ``even`` (1/T: one token's weight under an even spread), ``total_heads``,
        ``n_focused`` (heads where ``query`` puts more than half its weight on one content word), ``median`` (the
        median over all heads of ``query``'s largest weight on a content word), ``focused`` (phrase), ``role``
        (the head's label, Japanese), ``role_share`` and ``role_even`` (its share and an even spread's),
        ``neighbours`` (phrase: every word's weight on its next / previous token in this head), ``sat_top`` /
        ``sat_top_weight`` (where "sat" looks most in this head), ``reading``, ``heatmap_note``, ``verdict`` (phrases:
    what the line means, what the head's table shows, the answer to the predict-then-check question).
    """
    focus = word_focus(result, query)
    hit = focus.hit
    assert hit.query is not None and hit.key is not None and hit.role is not None
    word = result.tokens[hit.query]
    n_focused = focus.n_focused
    t = len(result.tokens)
    w = np.asarray(result.weights[hit.layer, hit.head], dtype=np.float64)  # (T, T)
    positional = hit.role in ("next", "previous")
    step = -1 if hit.role == "previous" else 1
    words = [i for i, tok in enumerate(result.tokens) if not (tok.startswith("[") and tok.endswith("]"))]
    pairs = [(i, i + step) for i in words if 0 <= i + step < t]
    neighbours = "、".join(f"{result.tokens[i]}→{result.tokens[j]} {w[i, j]:.2f}" for i, j in pairs)
    sat = result.index("sat") if "sat" in result.tokens else hit.key
    sat_top = int(np.argmax(w[sat]))
    role_ja = ROLE_TABLE[hit.role].name_ja  # type: ignore[index]
    if positional:
        reading = (
            f"「{word}」から「{result.tokens[hit.key]}」への線は、意味のつながりに見えます。"
            f"しかしこのヘッドは、この文のどの単語からも **{role_ja}** に重みを向けるヘッドです"
            f"（平均 {pct(hit.role_share)}。均等に配ると {pct(hit.role_even)}）。"
            f"「{result.tokens[hit.key]}」が選ばれたのは、意味が近いからではなく、"
            f"たまたま「{word}」の{'すぐ後ろ' if step == 1 else 'すぐ前'}にあったからです"
        )
    else:
        reading = (
            f"このヘッドのこの文での役割は「{role_ja}」です（{pct(hit.role_share)}）。"
            "直前・直後のトークンを決まって見るヘッドではないので、この線は位置だけでは説明できません。"
            "ただし、意味で選んでいると言うには、語順を変えた文などで確かめる必要があります"
        )
    if positional:
        side = "右隣（1 つ後ろ）" if step == 1 else "左隣（1 つ前）"
        n_on = sum(int(np.argmax(w[i])) == j for i, j in pairs)
        heatmap_note = (
            f"単語の行 {len(pairs)} 行のうち {n_on} 行で、いちばん濃いマスがすぐ{side}のトークンの列にあり、"
            "濃いマスが対角線から 1 つずれた斜めの列に並んでいます。"
            f"「{word} → {result.tokens[hit.key]}」は、この斜めの列の 1 マスにすぎません。"
        )
        verdict = (
            f"「{word} → {result.tokens[hit.key]}」が意味のつながりに見えたのは、"
            f"このヘッドが位置で相手を選ぶ（{role_ja}を見る）からでした。"
        )
    else:
        heatmap_note = "行によって濃いマスの位置はまちまちで、決まった位置だけを見るヘッドではありません。"
        verdict = (
            "このヘッドは決まった位置だけを見るヘッドではありません。"
            "それでも意味で選んでいるかどうかは、別の文で確かめる必要があります。"
        )
    return {
        "layer": str(hit.layer),
        "head": str(hit.head),
        "heatmap_note": Md(heatmap_note),
        "verdict": Md(verdict),
        "layer_nth": str(hit.layer + 1),
        "head_nth": str(hit.head + 1),
        "top_token": result.tokens[hit.key],
        "top_weight": f"{focus.row[hit.key]:.2f}",
        "self_weight": f"{focus.row[hit.query]:.2f}",
        "n_tokens": str(t),
        "even": f"{hit.even:.3f}".rstrip("0"),
        "total_heads": str(focus.total_heads),
        "n_focused": str(n_focused),
        "median": f"{focus.median:.2f}",
        "focused": Md(
            f"「{word}」が 1 つの内容語に重みの半分以上を向けるヘッドは、全 {focus.total_heads} ヘッドのうち"
            + (" 1 つもありません" if n_focused == 0 else f" {n_focused} 個だけです")
        ),
        "role": role_ja,
        "role_share": pct(hit.role_share),
        "role_even": pct(hit.role_even) if positional else "—",
        "neighbours": neighbours,
        "sat_top": result.tokens[sat_top],
        "sat_top_weight": f"{w[sat, sat_top]:.2f}",
        "reading": Md(reading),
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
    info = loaded.info
    glue_markdown("shape_table", shape_table(len(r.tokens), info.hidden_size, info.heads))
    glue_value("qkv_sqrt_dk", f"{np.sqrt(w.d_k):.2f}")
    dims = [f"次元 {d}" for d in range(4)]
    glue_markdown("q_table", matrix_table(w.q[:, :4], w.tokens, dims))
    glue_markdown("k_table", matrix_table(w.k[:, :4], w.tokens, dims))
    glue_value("sm_scaled_max", f"{softmax(w.scaled[cat]).max():.2f}")
    glue_value("sm_unscaled_max", f"{softmax(w.scores[cat]).max():.3f}")
    glue_facts(cosine_facts(w, cat), "cos")
    return banner
