"""Chapter 4 (実演): where attention goes per layer, next to an even spread and beside Clark et al. (2019);
heads and their roles; controls (position or word?); rollout; the norm-based view (Kobayashi et al. 2020).

:func:`layer_facts` measures the course sentences and the long pair once and states the result;
chapter 6 restates it (:mod:`attnviz.course.ch06`). Glued names: ``shares_*`` (:func:`describe_layer_shares`),
``clark_*`` (:func:`clark_facts`), ``n_singles``, ``n_pairs``, ``fig_layer_shares``, ``fig_long_shares``,
``share_table``, ``clark_table``, ``pair_layers``, ``diff_*`` (:func:`contrast_facts`), ``hm_*``
(:func:`map_facts`, :func:`role_facts`), ``ro_*`` (:func:`rollout_facts`), ``nv_*`` and ``fig_norms``
(:func:`norm_facts`), ``ctl_*`` and ``fig_controls`` (:func:`control_facts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.attention import AttentionResult, attend
from ..core.controls import CHOICES, ControlRun, course_controls
from ..core.fmt import head_name, layer_range, pct
from ..core.heads import (
    BROAD_ENTROPY,
    ROLE_THRESHOLD,
    ROLES,
    HeadStats,
    Label,
    find_head,
    label_counts,
    label_heads,
    measure_heads,
)
from ..core.models import LoadedModel, load_model
from ..core.norms import NormResult, NormSummary, attend_norms, norm_summary
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
    layer_shares,
)
from ..core.tokens import kinds_of
from ..draw.controls import controls_figure
from ..draw.labels import CATEGORY_LABELS, CHOICE_TABLE, ROLE_TABLE, STAGE_LABELS
from ..draw.norms import norm_figure
from ..draw.shares import plot_layer_shares
from ..draw.tables import clark_table, share_table
from .banner import start_page
from .ch03 import pair_layers
from .glue import Md, glue_facts, glue_figure, glue_markdown, glue_value

__all__ = [
    "LayerFacts",
    "clark_facts",
    "contrast_facts",
    "control_facts",
    "describe_layer_shares",
    "glue_page",
    "layer_facts",
    "map_facts",
    "norm_facts",
    "norm_view",
    "role_facts",
    "role_name",
    "rollout_facts",
]


# --- ③ and ④: layer shares next to an even spread, and Clark et al. ----------------------------------

#: A share counts as "more than an even spread" at this many times the even share, "less" below its inverse.
ABOVE_EVEN = 1.25


def _series(values: np.ndarray) -> str:
    """Per-layer percentages, Layer 0 first: ``"24 → 58 → 39%"``."""
    return " → ".join(f"{x * 100:.0f}" for x in values) + "%"


def _layers(layers: list[int]) -> str:
    return "・".join(f"Layer {layer}" for layer in layers)


def versus_even(values: np.ndarray, even: float) -> str:
    """How a per-layer series compares with its even-spread share, layer by layer.

    >>> versus_even(np.array([0.30, 0.31]), 0.1)
    'どの層でも、均等に配った場合（10%）より多くなっています'
    >>> versus_even(np.array([0.05, 0.12, 0.30]), 0.1)
    '均等に配った場合（10%）より多いのは Layer 2、少ないのは Layer 0、ほぼ同じなのは Layer 1 です'
    """
    more = [i for i, v in enumerate(values) if v >= ABOVE_EVEN * even]
    less = [i for i, v in enumerate(values) if v <= even / ABOVE_EVEN]
    same = [i for i in range(len(values)) if i not in more and i not in less]
    if len(more) == len(values):
        return f"どの層でも、均等に配った場合（{pct(even)}）より多くなっています"
    if len(less) == len(values):
        return f"どの層でも、均等に配った場合（{pct(even)}）より少なくなっています"
    if not more:
        return f"どの層でも、均等に配った場合（{pct(even)}）と同じくらいかそれより少なく、特に集まってはいません"
    parts = [f"多いのは {_layers(more)}"]
    if less:
        parts.append(f"少ないのは {_layers(less)}")
    if same:
        parts.append(f"ほぼ同じなのは {_layers(same)}")
    return f"均等に配った場合（{pct(even)}）より" + "、".join(parts) + " です"


def shape_of(values: np.ndarray, tol: float = 0.03) -> str:
    """The shape of a per-layer series, read layer by layer (never from bins).

    >>> shape_of(np.array([0.48, 0.30, 0.31, 0.32, 0.26, 0.46]))
    'Layer 0 から下がり、Layer 4 でいちばん低くなってから、最後の層で再び上がる U 字の形です'
    >>> shape_of(np.array([0.1, 0.2, 0.3])), shape_of(np.array([0.3, 0.31, 0.29]))
    ('層が深くなるにつれて増えていきます', '層によってほとんど変わりません')
    """
    v = np.asarray(values, dtype=float)
    lo, hi = int(np.argmin(v)), int(np.argmax(v))
    steps = np.diff(v)
    if v.max() - v.min() <= tol:
        return "層によってほとんど変わりません"
    if (steps >= -tol / 2).all():
        return "層が深くなるにつれて増えていきます"
    if (steps <= tol / 2).all():
        return "層が深くなるにつれて減っていきます"
    last = len(v) - 1
    if 0 < lo < last and v[0] > v[lo] + tol and v[last] > v[lo] + tol:
        return f"Layer 0 から下がり、Layer {lo} でいちばん低くなってから、最後の層で再び上がる U 字の形です"
    if 0 < hi < last and v[0] < v[hi] - tol and v[last] < v[hi] - tol:
        return f"途中の Layer {hi} でいちばん高くなり、最後の層では下がる山の形です"
    return f"いちばん高いのは Layer {hi}、いちばん低いのは Layer {lo} で、一方向には変わりません"


def describe_layer_shares(shares: LayerShares) -> dict[str, str]:
    """Numbers and Japanese phrases about a :class:`~attnviz.core.shares.LayerShares`, each share next to
    the share an even spread over the same tokens would give (:func:`~attnviz.core.shares.even_spread`).

    Trends are read per layer (:func:`shape_of`), never from groups of layers. Keys: ``n_inputs``,
    ``mean_tokens``, ``special_uniform``, ``cls_first``, ``sep_first``, ``<part>_peak_layer`` / ``<part>_peak``
    (``cls``, ``sep``, ``punct``), ``even_<part>`` and ``series_<part>`` for the five parts,
    ``line_<part>`` (phrase: the series, its even share, and how they compare), ``cls_first_compare``,
    ``rest_trend``, ``punct_trend``, ``rest_trend_note``, ``takeaway_top`` (phrase: the part that beats its
    even share the most).
    """
    cls, sep = shares.of("cls"), shares.of("sep")
    out: dict[str, str] = {
        "n_inputs": str(shares.n_inputs),
        "mean_tokens": f"{shares.mean_tokens:.1f}",
        "special_uniform": pct(shares.special_uniform),
        "cls_first": pct(cls[0]),
        "sep_first": pct(sep[0]),
    }
    for c in ("cls", "sep", "punct"):
        out[f"{c}_peak_layer"] = str(shares.peak_layer(c))
        out[f"{c}_peak"] = pct(shares.of(c).max())
    for c in CATEGORIES:
        values, even = shares.of(c), shares.even(c)
        out[f"even_{c}"] = pct(even)
        out[f"series_{c}"] = _series(values)
        out[f"line_{c}"] = Md(
            f"**{CATEGORY_LABELS[c]}**：{_series(values)}（均等なら {pct(even)}）。{versus_even(values, even)}"
        )
    later = cls[1:]
    if cls[0] > later.max():
        where = "より大きくなっています"
    elif cls[0] < later.min():
        where = "より小さくなっています"
    else:
        where = "の範囲に入っています"
    out["cls_first_compare"] = Md(
        f"Layer 0 で [CLS] に向かう Attention は {pct(cls[0])}（均等に配った場合は {pct(shares.even('cls'))}）で、"
        f"それより後の層（{pct(later.min())}〜{pct(later.max())}）{where}"
    )
    rest, punct = shares.of("rest"), shares.of("punct")
    out["rest_trend"] = Md(
        f"「その他のトークン」（特殊トークンでも句読点でも自分自身でもないトークン）に向かう Attention は、"
        f"Layer 0 から順に {_series(rest)} で、{shape_of(rest)}。{versus_even(rest, shares.even('rest'))}"
    )
    out["punct_trend"] = Md(
        f"句読点に向かう Attention は Layer 0 から順に {_series(punct)} で、{shape_of(punct)}。"
        f"{versus_even(punct, shares.even('punct'))}"
    )
    out["rest_trend_note"] = Md(
        "このモデルでは、深い層ほどほかの単語を見る割合が増えています"
        if shape_of(rest) == "層が深くなるにつれて増えていきます"
        else "少なくともこのモデルでは、「深い層ほど単語どうしをたくさん見る」とは言えません"
    )
    out["rest_shape"] = Md(shape_of(rest))
    crowded = {
        c: [layer for layer, v in enumerate(shares.of(c)) if v >= ABOVE_EVEN * shares.even(c)] for c in ("sep", "punct")
    }
    if not crowded["sep"] and not crowded["punct"]:
        out["takeaway_sep_punct"] = Md(
            f"[SEP]（均等なら {pct(shares.even('sep'))}）と句読点（均等なら {pct(shares.even('punct'))}）"
            "に向かう割合は、どの層でも均等に配った場合を上回りません。"
            "このモデルでは、この 2 つは特別な置き場になっていません"
        )
    else:
        out["takeaway_sep_punct"] = Md(
            "均等に配った場合を上回るのは、"
            + "、".join(
                f"{CATEGORY_LABELS[c]}（均等なら {pct(shares.even(c))}）は {_layers(crowded[c])}"
                if crowded[c]
                else f"{CATEGORY_LABELS[c]}（均等なら {pct(shares.even(c))}）はどの層でもなし"
                for c in ("sep", "punct")
            )
        )
    gathering: tuple[Category, ...] = ("cls", "sep", "punct")
    ratios = {c: shares.of(c).max() / shares.even(c) for c in gathering}
    top: Category = max(gathering, key=lambda c: ratios[c])
    out["takeaway_top"] = Md(
        f"{CATEGORY_LABELS[top]} には最大で {pct(shares.of(top).max())}（Layer {shares.peak_layer(top)}）が向かい、"
        f"均等に配った場合（{pct(shares.even(top))}）の約 {ratios[top]:.0f} 倍です"
    )
    return out


def _paper_layers(layers: range) -> str:
    return f"第 {layers[0] + 1}〜{layers[-1] + 1} 層"


#: Two shares closer than this are a tie: neither is "the most".
TIE = 0.02


def clark_layer(m: np.ndarray, uniform: np.ndarray, expected: Category) -> tuple[bool, str]:
    """Does one layer's shares ``m`` (5,) show Clark's pattern for a stage (``expected`` leads)?

    It does when ``expected`` is the largest of [CLS], [SEP] and punctuation by more than :data:`TIE`
    and at least :data:`ABOVE_EVEN` times its even share ``uniform`` (5,). Returns the verdict and,
    when it fails, why (a phrase).
    """
    i = CATEGORIES.index
    among: tuple[Category, ...] = ("cls", "sep", "punct")
    ranked = sorted(among, key=lambda c: -m[i(c)])
    exp, exp_share, even = CATEGORY_LABELS[expected], m[i(expected)], uniform[i(expected)]
    rival = ranked[0] if ranked[0] != expected else ranked[1]
    versus = "より少ない" if exp_share < even / ABOVE_EVEN else "と変わらない"
    if exp_share < ABOVE_EVEN * even:
        low = f"{exp}は均等に配った場合（{pct(even)}）{versus}"
    else:
        low = ""
    if abs(exp_share - m[i(rival)]) <= TIE:
        return False, (
            f"{exp}（{pct(exp_share)}）と{CATEGORY_LABELS[rival]}（{pct(m[i(rival)])}）がほぼ同じで、引き分け"
            + (f"。しかも{low}" if low else "")
        )
    if ranked[0] != expected:
        return False, (
            f"{CATEGORY_LABELS[rival]}（{pct(m[i(rival)])}）のほうが{exp}（{pct(exp_share)}）より多い"
            + (f"。しかも{low}" if low else "")
        )
    if low:
        return False, f"{exp}（{pct(exp_share)}）はいちばん多いものの、{low}"
    return True, ""


def clark_facts(short: LayerShares, long: LayerShares, long_tokens: int) -> dict[str, str]:
    """Facts for setting this model beside Clark et al. (2019), like for like and layer by layer.

    ``short`` is measured over the course's short inputs, ``long`` over the long passage pair
    (``long_tokens`` tokens). Keys: ``layers`` (Clark's [SEP] layers, from 0), ``paper_layers`` (counted
    from 1), ``sep_short``, ``sep_long``, ``sep_even_short``, ``sep_even_long``, ``long_tokens``,
    ``short_tokens``, ``uniform_short``, ``uniform_long``, ``sep_verdict`` (phrase), ``stage_<early|middle|deep>``
    (phrase: which layers of each of Clark's stages show Clark's pattern on the long pair, see
    :func:`clark_layer`), ``stages_agree`` (how many stages show it in every layer), ``agree_sentence``.
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
        "sep_even_short": pct(short.even("sep")),
        "sep_even_long": pct(long.even("sep")),
        "long_tokens": str(long_tokens),
        "short_tokens": f"{short.mean_tokens:.1f}",
        "uniform_short": pct(short.special_uniform),
        "uniform_long": pct(long.special_uniform),
    }
    if sep_long > 0.5:
        verdict = "Clark らの BERT-base と同じく、長い入力でも半分を超えています"
    else:
        verdict = "Clark らの「半分以上」には届きません"
        if sep_long < ABOVE_EVEN * long.even("sep"):
            verdict += "。長い入力では均等に配った場合とほとんど変わらず、[SEP] は置き場になっていません"
        if sep_short > sep_long + 0.05:
            verdict += "。短い例文で多めに見えるのは、トークンが少ないぶん [SEP] の占める割合が大きいからです"
    out["sep_verdict"] = Md(verdict)
    agree = 0
    for stage, layers in clark_stages(n).items():
        expected = CLARK_STAGE[stage]
        verdicts = {layer: clark_layer(long.shares[layer], long.uniform, expected) for layer in layers}  # type: ignore[arg-type]
        ok = [layer for layer, (yes, _) in verdicts.items() if yes]
        head = f"{STAGE_LABELS[stage]}（{layer_range(layers)}、Clark らでは「{CATEGORY_LABELS[expected]}」）："
        if len(ok) == len(layers):
            agree += 1
            text = f"どの層でも「{CATEGORY_LABELS[expected]}」がはっきりいちばん多く、均等に配った場合も上回ります"
        else:
            misses = "。".join(f"Layer {layer} では {why}" for layer, (yes, why) in verdicts.items() if not yes)
            text = (f"Clark らと同じ形なのは {_layers(ok)} だけです。" if ok else "同じ形の層はありません。") + misses
        out[f"stage_{stage}"] = Md(head + text)
    out["stages_agree"] = str(agree)
    out["tie"] = f"{TIE * 100:.0f} ポイント"
    out["above_even"] = f"{ABOVE_EVEN:g}"
    pattern = "Clark らが BERT-base で見た「浅い層は [CLS]、中間の層は [SEP]、深い層は句読点」という 3 段階は、"
    out["takeaway"] = Md(
        pattern
        + (
            "このモデルの 2 段落の入力では、どの段階にも見られません（理由は④）"
            if agree == 0
            else f"このモデルの 2 段落の入力では、3 段階のうち {agree} 段階で、その段階のすべての層に見られます"
        )
    )
    out["why_intro"] = Md(
        "このモデルも Clark らの BERT-base と同じ 3 段階を示しました。"
        "それでも、モデルが違えば結果が違いうることは覚えておきましょう。違いが出る理由には、次のものがあります。"
        if agree == 3
        else "このモデルが Clark らの BERT-base と同じ形にならないのは、おかしなことではありません。"
        "理由として、次のことが考えられます。"
    )
    out["agree_sentence"] = Md(
        "3 段階のすべてで、Clark らの BERT-base と同じ相手がはっきりいちばん多くなりました"
        if agree == 3
        else "その段階のすべての層で Clark らと同じ形になった段階は、1 つもありません。"
        "このモデルは、Clark らの BERT-base と同じパターンを示していません"
        if agree == 0
        else f"その段階のすべての層で Clark らと同じ形になったのは、3 段階のうち {agree} 段階だけです"
    )
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


def role_name(labels: np.ndarray, layer: int, head: int) -> str:
    """A head's label (:func:`~attnviz.core.heads.label_heads`) as the head map names it."""
    label: Label = labels[layer, head]
    return ROLE_TABLE[label].name_ja.split("（")[0]


def contrast_facts(contrast: HeadContrast, labels: np.ndarray | None = None) -> dict[str, str]:
    """Keys ``layer``, ``special_head``, ``special_share``, ``word_head``, ``word_share``; with the head map's
    ``labels`` (:func:`~attnviz.core.heads.label_heads`) also ``special_role`` and ``word_role``."""
    out = {
        "layer": str(contrast.layer),
        "special_head": str(contrast.special_head),
        "special_share": pct(contrast.special_share),
        "word_head": str(contrast.word_head),
        "word_share": pct(contrast.word_share),
    }
    if labels is not None:
        out["special_role"] = role_name(labels, contrast.layer, contrast.special_head)
        out["word_role"] = role_name(labels, contrast.layer, contrast.word_head)
    return out


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


def norm_facts(summary: NormSummary) -> dict[str, str]:
    """The norm-based view (Kobayashi et al. 2020) beside the weights and rollout, on one input.

    Keys: ``layer`` (the layer drawn: most raw weight on [CLS] and [SEP]), ``raw``, ``norm``, ``roll`` (that
    layer's share on [CLS] and [SEP] in each view), ``f_special``, ``f_other`` (mean size of the vectors
    [CLS]/[SEP] and the other tokens offer there), ``f_ratio``, ``series_raw``, ``series_norm``, ``verdict``.
    """
    k = summary.layer
    ratio = summary.f_other[k] / summary.f_special[k]
    shrinks = bool((summary.norm < summary.raw).all())
    return {
        "layer": str(k),
        "raw": pct(summary.raw[k]),
        "norm": pct(summary.norm[k]),
        "roll": pct(summary.rollout[k]),
        "f_special": f"{summary.f_special[k]:.2f}",
        "f_other": f"{summary.f_other[k]:.2f}",
        "f_ratio": f"{ratio:.1f}",
        "series_raw": _series(summary.raw),
        "series_norm": _series(summary.norm),
        "verdict": Md(
            "どの層でも、ノルムで測ると [CLS] と [SEP] の割合は重みより小さくなります。"
            "大きな重みが集まっていても、運ばれる量は少ないということです"
            if shrinks
            else "層によっては、ノルムで測っても [CLS] と [SEP] の割合が重みより小さくなりません"
        ),
    }


def _head_list(run: ControlRun, labels: np.ndarray, heads: list[tuple[int, int]], limit: int = 4) -> str:
    items = []
    for layer, head in heads[:limit]:
        before, after = run.picked(layer, head)
        role = role_name(labels, layer, head)
        items.append(f"{head_name(layer, head)}（役割：{role}）が「{before}」→「{after}」")
    more = f"、ほか {len(heads) - limit} 個" if len(heads) > limit else ""
    return "、".join(items) + more


def control_facts(runs: Sequence[ControlRun], labels: np.ndarray) -> dict[str, str]:
    """What every head did in each control (:mod:`attnviz.core.controls`), with each named head's role.

    ``labels`` are :func:`~attnviz.core.heads.label_heads`'s labels. Keys per control ``<name>``
    (``shuffle``, ``nonsense``, ``swap``): ``<name>_original``, ``<name>_control``, ``<name>_query``,
    ``<name>_<choice>`` (count of heads) for every choice, ``<name>_heads`` (phrase: the heads that did
    not park, by choice, with their roles). For the swap also ``swap_animal`` (heads whose strongest line
    from "it" went to "animal"), ``swap_moved`` (how many of them went to "street" in the control) and
    ``swap_verdict``.
    """
    out: dict[str, str] = {}
    for run in runs:
        n = run.name
        out[f"{n}_original"] = run.original.sentence_a
        out[f"{n}_control"] = run.control.sentence_a
        out[f"{n}_query"] = run.query
        parts = []
        for choice in CHOICES:
            out[f"{n}_{choice}"] = str(run.count(choice))
            if choice == "park":
                continue
            heads = [(int(a), int(b)) for a, b in zip(*np.nonzero(run.choices == choice), strict=True)]
            if heads:
                parts.append(f"**{CHOICE_TABLE[choice].name_ja}**：{_head_list(run, labels, heads)}")
        fixed = run.count("park") + run.count("position")
        out[f"{n}_verdict"] = Md(
            f"全 {run.choices.size} ヘッドのうち {fixed} 個の線は、置き場か位置で決まっていて、単語についていったのは "
            f"{run.count('word')} 個です"
        )
        out[f"{n}_heads"] = Md("。".join(parts) if parts else "置き場以外を見たヘッドはありません")
        if n == "swap":
            animal = [
                (layer, head) for layer, head in np.ndindex(run.choices.shape) if run.picked(layer, head)[0] == "animal"
            ]
            moved = [h for h in animal if run.picked(*h)[1] == "street"]
            stayed = [h for h in animal if run.picked(*h)[1] == "animal"]
            out["swap_animal"] = Md(
                "、".join(f"{head_name(a, b)}（役割：{role_name(labels, a, b)}）" for a, b in animal) or "ありません"
            )
            out["swap_n_animal"] = str(len(animal))
            out["swap_moved"] = str(len(moved))
            out["swap_verdict"] = Md(
                f'"wide" に変えた文では、そのうち {len(stayed)} 個が "animal" を見続け、'
                '"street" へ移ったヘッドはありませんでした'
                if animal and not moved
                else f'そのうち {len(moved)} 個が、"wide" に変えた文で "street" へ移りました'
                if moved
                else '"it" から "animal" に最も強い線を引くヘッドは、この入力ではありません'
            )
    return out


def norm_view(loaded: LoadedModel) -> tuple[NormResult, NormSummary]:
    """The norm-based view of the demo sentence (chapters 4 and 6 state it)."""
    sentence = course_sentences().demo_single
    normed = attend_norms(sentence, model=loaded)
    return normed, norm_summary(normed, kinds_of(attend(sentence, model=loaded)).special)


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
    title = f"2 段落の長い入力（{facts.long_tokens} トークン）での Attention の行き先"
    glue_figure("fig_long_shares", plot_layer_shares(facts.long_shares, model_name=loaded.info.name, title=title))
    glue_markdown("clark_table", clark_table(facts.long_shares))
    glue_markdown("share_table", share_table(facts.shares))
    glue_value("pair_layers", pair_layers(loaded.info.layers))
    single = attend(sentences.demo_single, model=loaded)
    stats, _ = measure_heads(model=loaded)
    labels, _ = label_heads(stats)
    # the page's shown cell picks the same layer: contrast_heads(single, layer=single.n_layers // 2)
    glue_facts(contrast_facts(contrast_heads(single, layer=single.n_layers // 2), labels), "diff")
    glue_facts(map_facts(stats), "hm")
    glue_facts(role_facts(stats), "hm")
    # an even spread gives any one position (the previous token, the next, itself) 1/T of a row
    glue_value("hm_even_position", pct(float(np.mean([1 / len(r.tokens) for r in course_results(loaded)]))))
    glue_facts(rollout_facts(single), "ro")
    normed, summary = norm_view(loaded)
    glue_facts(norm_facts(summary), "nv")
    glue_figure("fig_norms", norm_figure(normed, summary))
    runs = course_controls(loaded)
    glue_facts(control_facts(runs, labels), "ctl")
    titles = [
        f'① 語順を入れ替える："{runs[0].query}" から（{runs[0].control.sentence_a}）',
        f'② 内容語を無意味な語に："{runs[1].query}" から（{runs[1].control.sentence_a}）',
        f'③ 1 語だけ替える（tired → wide）："{runs[2].query}" から',
    ]
    glue_figure("fig_controls", controls_figure(runs, labels, titles))
    return banner
