"""Chapter 4 (実演): where attention goes per layer, beside Clark et al. (2019); heads; rollout.

:func:`layer_facts` measures the course sentences and the long pair once and states the result;
chapter 6 restates it (:mod:`attnviz.course.ch06`). Glued names: ``shares_*`` (:func:`describe_layer_shares`),
``clark_*`` (:func:`clark_facts`), ``n_singles``, ``n_pairs``, ``fig_layer_shares``, ``fig_long_shares``,
``clark_table``, ``pair_layers``, ``diff_*`` (:func:`contrast_facts`), ``hm_*`` (:func:`map_facts`,
:func:`role_facts`), ``ro_*`` (:func:`rollout_facts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.attention import AttentionResult, attend
from ..core.fmt import layer_range, pct
from ..core.heads import BROAD_ENTROPY, ROLE_THRESHOLD, ROLES, HeadStats, find_head, label_counts, measure_heads
from ..core.models import LoadedModel, load_model
from ..core.rollout import RESIDUAL, rollout_summary
from ..core.sentences import course_results, course_sentences, long_pair_result
from ..core.shares import (
    CATEGORIES,
    CLARK_STAGE,
    Category,
    HeadContrast,
    LayerShares,
    clark_layers,
    clark_stages,
    contrast_heads,
    layer_groups,
    layer_shares,
)
from ..draw.labels import CATEGORY_LABELS, GROUP_LABELS, STAGE_LABELS
from ..draw.shares import plot_layer_shares
from ..draw.tables import clark_table
from .banner import start_page
from .ch03 import pair_layers
from .glue import Md, glue_facts, glue_figure, glue_markdown, glue_value

__all__ = [
    "LayerFacts",
    "clark_facts",
    "contrast_facts",
    "describe_layer_shares",
    "glue_page",
    "layer_facts",
    "map_facts",
    "role_facts",
    "rollout_facts",
]


# --- ③ and ④: layer shares, and Clark et al. -------------------------------------------------------


def _trend(first: float, last: float) -> str:
    if last > first + 0.02:
        return "増えます"
    if last < first - 0.02:
        return "減ります"
    return "ほとんど変わりません"


def describe_layer_shares(shares: LayerShares) -> dict[str, str]:
    """Numbers and Japanese phrases about a :class:`~attnviz.core.shares.LayerShares`.

    The phrases (:class:`~attnviz.course.glue.Md` values) are chosen from the numbers, so the text stays
    true for whichever model built the page. Keys: ``n_inputs``, ``mean_tokens``, ``special_uniform``,
    ``cls_first``, ``sep_first``, ``cls_peak_layer``, ``cls_peak``, ``sep_peak_layer``, ``sep_peak``,
    ``punct_peak_layer``, ``punct_peak``, ``shallow``/``middle``/``deep`` (a phrase per third of the layers,
    see :func:`~attnviz.core.shares.layer_groups`), ``cls_first_compare``, ``rest_trend``, ``punct_trend``,
    ``rest_trend_note``.
    """
    cls, sep = shares.of("cls"), shares.of("sep")
    groups = layer_groups(shares.n_layers)
    means = shares.group_means()
    out: dict[str, str] = {
        "n_inputs": str(shares.n_inputs),
        "mean_tokens": f"{shares.mean_tokens:.1f}",
        "special_uniform": pct(shares.special_uniform),
        "cls_first": pct(cls[0]),
        "sep_first": pct(sep[0]),
        "cls_peak_layer": str(shares.peak_layer("cls")),
        "cls_peak": pct(cls.max()),
        "sep_peak_layer": str(shares.peak_layer("sep")),
        "sep_peak": pct(sep.max()),
        "punct_peak_layer": str(shares.peak_layer("punct")),
        "punct_peak": pct(shares.of("punct").max()),
    }
    later = float(cls[1:].mean())
    out["cls_first_compare"] = Md(
        f"Layer 0 で [CLS] に向かう Attention は {pct(cls[0])} で、それより後の層の平均（{pct(later)}）より"
        + ("大きくなっています" if cls[0] > later else "小さくなっています")
    )
    i = CATEGORIES.index
    for name, layers in groups.items():
        m = means[name]
        top = CATEGORIES[int(np.argmax(m))]
        out[name] = Md(
            f"{GROUP_LABELS[name]}（{layer_range(layers)}）では、いちばん多くの Attention が"
            f"「{CATEGORY_LABELS[top]}」に向かいます（{pct(m[i(top)])}）。"
            f"[CLS] と [SEP] を合わせると {pct(m[i('cls')] + m[i('sep')])}、句読点は {pct(m[i('punct')])}、"
            f"自分自身を含むその他のトークンは {pct(m[i('self')] + m[i('rest')])} です"
        )
    shallow, deep = means["shallow"], means["deep"]
    rest_trend = _trend(shallow[i("rest")], deep[i("rest")])
    out["rest_trend"] = Md(
        f"「その他のトークン」（特殊トークンでも句読点でも自分自身でもないトークン）に向かう Attention は、"
        f"浅い層（{pct(shallow[i('rest')])}）から深い層（{pct(deep[i('rest')])}）にかけて{rest_trend}"
    )
    out["punct_trend"] = Md(
        f"句読点に向かう Attention は、浅い層（{pct(shallow[i('punct')])}）から深い層（{pct(deep[i('punct')])}）"
        f"にかけて{_trend(shallow[i('punct')], deep[i('punct')])}"
    )
    out["rest_trend_note"] = Md(
        "このモデルでは、句読点を別に数えても、深い層ほどほかの単語を見る割合が増えています"
        if rest_trend == "増えます"
        else "少なくともこのモデルでは、「深い層ほど単語どうしをたくさん見る」とは言えないということです"
    )
    return out


def _paper_layers(layers: range) -> str:
    return f"第 {layers[0] + 1}〜{layers[-1] + 1} 層"


def clark_facts(short: LayerShares, long: LayerShares, long_tokens: int) -> dict[str, str]:
    """Facts for setting this model beside Clark et al. (2019), like for like.

    ``short`` is measured over the course's short inputs, ``long`` over the long passage pair
    (``long_tokens`` tokens). Keys: ``layers`` (Clark's layers, from 0), ``paper_layers`` (counted from
    1), ``sep_short``, ``sep_long``, ``long_tokens``, ``short_tokens``, ``uniform_short``, ``uniform_long``,
    ``sep_verdict`` (phrase), ``stage_<early|middle|deep>`` (phrase: what this model does in each of
    Clark's three stages on the long pair), ``stages_agree`` (how many of the three match Clark).
    """
    n = long.n_layers
    mid = clark_layers(n)
    i = CATEGORIES.index
    sep_short = float(short.mean_over(mid)[i("sep")])
    sep_long = float(long.mean_over(mid)[i("sep")])
    out: dict[str, str] = {
        "layers": layer_range(mid),
        "paper_layers": _paper_layers(mid),
        "sep_short": pct(sep_short),
        "sep_long": pct(sep_long),
        "long_tokens": str(long_tokens),
        "short_tokens": f"{short.mean_tokens:.1f}",
        "uniform_short": pct(short.special_uniform),
        "uniform_long": pct(long.special_uniform),
    }
    if sep_long > 0.5:
        verdict = (
            f"長い入力でも Attention の半分以上（{pct(sep_long)}）が [SEP] に向かい、"
            "Clark らの BERT-base と同じ結果です"
        )
    else:
        verdict = (
            f"長い 2 文で [SEP] に向かう割合は {pct(sep_long)}（短い例文では {pct(sep_short)}）で、"
            "Clark らの「半分以上」には届きません。"
        )
        if sep_short > sep_long + 0.05:
            verdict += "短い例文で多く見えた分の一部は、特殊トークンがトークン全体に占める割合が大きいせいです。"
        if sep_long < 0.1:
            verdict += "このモデルでは、[SEP] は大きな置き場になっていないということです"
        else:
            verdict += "このモデルでは、[SEP] は BERT-base ほど大きな置き場ではないということです"
    out["sep_verdict"] = Md(verdict)
    agree = 0
    for stage, layers in clark_stages(n).items():
        m = long.mean_over(layers)
        expected = CLARK_STAGE[stage]
        among: tuple[Category, ...] = ("cls", "sep", "punct")
        top = max(among, key=lambda c: m[i(c)])
        numbers = "、".join(f"{CATEGORY_LABELS[c]} {pct(m[i(c)])}" for c in among)
        if top == expected:
            agree += 1
            tail = f"Clark らと同じく「{CATEGORY_LABELS[expected]}」がいちばん多くなっています"
        else:
            tail = (
                f"Clark らの「{CATEGORY_LABELS[expected]}」ではなく「{CATEGORY_LABELS[top]}」がいちばん多くなっています"
            )
        out[f"stage_{stage}"] = Md(f"{STAGE_LABELS[stage]}（{layer_range(layers)}）：{numbers}。{tail}")
    out["stages_agree"] = str(agree)
    return out


@dataclass(frozen=True)
class LayerFacts:
    """The layer shares of the course sentences and of the long pair, and what chapters 4 and 6 say of them."""

    shares: LayerShares  #: over the course's short inputs
    long_shares: LayerShares  #: over the long passage pair
    long_tokens: int
    described: dict[str, str]  #: :func:`describe_layer_shares` of :attr:`shares`
    clark: dict[str, str]  #: :func:`clark_facts`


def layer_facts(loaded: LoadedModel) -> LayerFacts:
    """Measure the course sentences and the long pair, and state the result: one function for chapters 4 and 6."""
    shares = layer_shares(course_results(loaded))
    long_pair = long_pair_result(loaded)
    long_shares = layer_shares([long_pair])
    n = len(long_pair.tokens)
    return LayerFacts(shares, long_shares, n, describe_layer_shares(shares), clark_facts(shares, long_shares, n))


# --- differences between heads; the head map; rollout -----------------------------------------------


def contrast_facts(contrast: HeadContrast) -> dict[str, str]:
    """Keys ``layer``, ``special_head``, ``special_share``, ``word_head``, ``word_share``."""
    return {
        "layer": str(contrast.layer),
        "special_head": str(contrast.special_head),
        "special_share": pct(contrast.special_share),
        "word_head": str(contrast.word_head),
        "word_share": pct(contrast.word_share),
    }


def map_facts(stats: HeadStats, threshold: float = ROLE_THRESHOLD, broad: float = BROAD_ENTROPY) -> dict[str, str]:
    """Facts about the head map: how many heads got each kind of label.

    Keys: ``model``, ``inputs``, ``total_heads``, ``heads``, ``heads_last``, ``threshold``, ``broad``,
    ``count_cls``, ``count_sep``, ``count_positional`` (self, previous, next), ``count_punctuation``,
    ``count_broad``, ``count_mixed``.
    """
    counts = label_counts(stats, threshold=threshold, broad=broad)
    n_layers, n_heads = stats.shape
    return {
        "model": stats.model_name,
        "inputs": str(stats.n_inputs),
        "total_heads": str(n_layers * n_heads),
        "heads": str(n_heads),
        "heads_last": str(n_heads - 1),
        "threshold": pct(threshold),
        "broad": f"{broad:.2f}",
        "count_cls": str(counts["[CLS]"]),
        "count_sep": str(counts["[SEP]"]),
        "count_positional": str(counts["self"] + counts["previous"] + counts["next"]),
        "count_punctuation": str(counts["punctuation"]),
        "count_broad": str(counts["broad"]),
        "count_mixed": str(counts["mixed"]),
    }


def role_facts(stats: HeadStats, threshold: float = ROLE_THRESHOLD) -> dict[str, str]:
    """For every role, the best head (:func:`~attnviz.core.heads.find_head`), its share, and whether it passes.

    Keys ``best_<key>``, ``best_<key>_pct``, ``best_<key>_verdict`` with ``<key>`` = ``cls``, ``sep``,
    ``self``, ``previous``, ``next``, ``punctuation``.
    """
    out: dict[str, str] = {}
    for role in ROLES:
        key = role.strip("[]").lower()
        hit = find_head(stats, role=role)
        out[f"best_{key}"] = hit.name
        out[f"best_{key}_pct"] = pct(hit.score)
        out[f"best_{key}_verdict"] = (
            f"基準の {pct(threshold)} を超えています"
            if hit.score > threshold
            else f"基準の {pct(threshold)} に届かず、役割と呼ぶほどではありません"
        )
    return out


def rollout_facts(result: AttentionResult, residual: float = RESIDUAL) -> dict[str, str]:
    """Rollout beside raw attention on one input (:func:`~attnviz.core.rollout.rollout_summary`).

    Keys: ``residual``, ``last_layer``, ``layers_shown``, ``roll0_self``, ``roll0_self_model`` (the part of
    layer 0's diagonal above the floor the residual puts there), ``raw0_self``, ``raw_special``,
    ``roll_special``, ``special_trend``, ``raw_spread``, ``roll_spread``, ``spread_word``.
    """
    s = rollout_summary(result, residual)
    return {
        "residual": pct(s.residual),
        "last_layer": str(s.last_layer),
        "layers_shown": "・".join(str(layer) for layer in s.layers_shown),
        "roll0_self": pct(s.roll0_self),
        "roll0_self_model": pct(s.roll0_self_model),
        "raw0_self": pct(s.raw0_self),
        "raw_special": pct(s.raw_special),
        "roll_special": pct(s.roll_special),
        "special_trend": "大きく" if s.roll_special > s.raw_special else "小さく",
        "raw_spread": pct(s.raw_spread),
        "roll_spread": pct(s.roll_spread),
        "spread_word": Md(
            "どのトークンの行もほとんど同じ形になっています"
            if s.roll_spread < 0.2
            else "行ごとの違いがまだ残っています"
        ),
    }


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue everything chapter 4 states; return the model note."""
    loaded = loaded or load_model()
    banner = start_page(loaded)
    facts = layer_facts(loaded)
    glue_facts(facts.described, "shares")
    glue_facts(facts.clark, "clark")
    sentences = course_sentences()
    glue_value("n_singles", len(sentences.singles))
    glue_value("n_pairs", len(sentences.pairs))
    glue_figure("fig_layer_shares", plot_layer_shares(facts.shares, model_name=loaded.info.name))
    title = f"長い 2 文（{facts.long_tokens} トークン）での Attention の行き先"
    glue_figure("fig_long_shares", plot_layer_shares(facts.long_shares, model_name=loaded.info.name, title=title))
    glue_markdown("clark_table", clark_table(facts.shares, facts.long_shares))
    glue_value("pair_layers", pair_layers(loaded.info.layers))
    single = attend(sentences.demo_single, model=loaded)
    # the page's shown cell picks the same layer: contrast_heads(single, layer=single.n_layers // 2)
    glue_facts(contrast_facts(contrast_heads(single, layer=single.n_layers // 2)), "diff")
    stats, _ = measure_heads(model=loaded)
    glue_facts(map_facts(stats), "hm")
    glue_facts(role_facts(stats), "hm")
    glue_facts(rollout_facts(single), "ro")
    return banner
