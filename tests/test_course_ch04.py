"""attnviz.course.ch04: the numbers chapter 4 states, and the exact sentences it builds from them."""

from __future__ import annotations

import numpy as np

from attnviz.core.heads import HeadStats
from attnviz.core.shares import CATEGORIES, HeadContrast, LayerShares, clark_layers
from attnviz.course import ch04
from attnviz.course.glue import Md

EVEN = np.array([0.08, 0.11, 0.13, 0.05, 0.63])  # an even spread over short inputs (cls, sep, punct, self, rest)


def _shares(rows, n_inputs: int = 3, uniform=EVEN) -> LayerShares:
    return LayerShares(
        shares=np.array(rows, dtype=float),
        n_inputs=n_inputs,
        mean_tokens=10.0,
        special_uniform=0.2,
        uniform=np.asarray(uniform, dtype=float),
    )


# the per-layer shares of the bundled model: "other tokens" fall, then rise again (a U shape)
U_SHAPE = [
    [0.24, 0.13, 0.09, 0.05, 0.49],
    [0.58, 0.04, 0.06, 0.02, 0.30],
    [0.60, 0.02, 0.04, 0.03, 0.31],
    [0.53, 0.04, 0.08, 0.03, 0.32],
    [0.62, 0.04, 0.06, 0.02, 0.26],
    [0.40, 0.04, 0.05, 0.05, 0.46],
]


def test_describe_states_the_numbers():
    d = ch04.describe_layer_shares(_shares(U_SHAPE))
    numbers = {k: v for k, v in d.items() if not isinstance(v, Md)}
    assert numbers["cls_peak_layer"] == "4" and numbers["cls_peak"] == "62%"
    assert numbers["sep_peak_layer"] == "0" and numbers["punct_peak_layer"] == "0"
    assert (numbers["even_cls"], numbers["even_punct"], numbers["even_rest"]) == ("8%", "13%", "63%")
    assert numbers["series_rest"] == "49 → 30 → 31 → 32 → 26 → 46%"


def test_every_share_is_stated_next_to_its_even_spread():
    d = ch04.describe_layer_shares(_shares(U_SHAPE))
    assert d["line_cls"] == (
        "**[CLS]**：24 → 58 → 60 → 53 → 62 → 40%（均等なら 8%）。どの層でも、均等に配った場合（8%）より多くなっています"
    )
    assert d["line_punct"].endswith("どの層でも、均等に配った場合（13%）より少なくなっています")
    assert d["takeaway_top"] == "[CLS] には最大で 62%（Layer 4）が向かい、均等に配った場合（8%）の約 8 倍です"
    assert d["takeaway_sep_punct"].startswith("[SEP]（均等なら 11%）と句読点（均等なら 13%）に向かう割合は、")
    assert "いちばん多く" not in "".join(d.values())  # "other tokens" are larger than [CLS] in layer 0 and 5
    for key in ("line_cls", "rest_trend", "punct_trend", "rest_trend_note", "takeaway_top", "cls_first_compare"):
        assert isinstance(d[key], Md), key  # pasted with {glue:md}


def test_trends_are_read_per_layer_not_from_bins():
    d = ch04.describe_layer_shares(_shares(U_SHAPE))
    assert d["rest_trend"] == (
        "「その他のトークン」（特殊トークンでも句読点でも自分自身でもないトークン）に向かう Attention は、"
        "Layer 0 から順に 49 → 30 → 31 → 32 → 26 → 46% で、"
        "Layer 0 から下がり、Layer 4 でいちばん低くなってから、最後の層で再び上がる U 字の形です。"
        "どの層でも、均等に配った場合（63%）より少なくなっています"
    )
    assert d["rest_trend_note"] == "少なくともこのモデルでは、「深い層ほど単語どうしをたくさん見る」とは言えません"
    rising = [[0.3, 0.1, 0.1, 0.1, 0.4], [0.2, 0.1, 0.1, 0.1, 0.5], [0.1, 0.1, 0.0, 0.1, 0.7]]
    d = ch04.describe_layer_shares(_shares(rising))
    assert "層が深くなるにつれて増えていきます" in d["rest_trend"]
    assert d["rest_trend_note"] == "このモデルでは、深い層ほどほかの単語を見る割合が増えています"
    assert d["cls_first_compare"].endswith("それより後の層（10%〜20%）より大きくなっています")


def _long(rows):
    return _shares(rows, n_inputs=1, uniform=[0.01, 0.02, 0.159, 0.01, 0.80])


def test_clark_facts_when_every_layer_shows_clarks_pattern():
    rows = [[0.5, 0.1, 0.1, 0.1, 0.2]] * 2 + [[0.05, 0.6, 0.05, 0.05, 0.25]] * 3 + [[0.1, 0.1, 0.5, 0.1, 0.2]]
    f = ch04.clark_facts(_shares(rows), _long(rows), long_tokens=120)
    assert f["stages_agree"] == "3"
    assert f["layers"] == "Layer 2〜4" and f["paper_layers"] == "第 3〜5 層"
    assert f["sep_verdict"] == "Clark らの BERT-base と同じく、長い入力でも半分を超えています"
    assert f["stage_early"] == (
        "浅い層（Layer 0〜1、Clark らでは「[CLS]」）："
        "どの層でも「[CLS]」がはっきりいちばん多く、均等に配った場合も上回ります"
    )
    assert f["agree_sentence"] == "3 段階のすべてで、Clark らの BERT-base と同じ相手がはっきりいちばん多くなりました"


def test_clark_facts_do_not_count_a_tie_or_a_stage_carried_by_one_layer():
    """The issue's artefact: deep [CLS] 14.5 % vs punctuation 14.0 % is a tie, and punctuation is below its even
    spread (15.9 %); the shallow stage's [CLS] comes from Layer 1 alone (Layer 0: 2.5 %)."""
    rows = [
        [0.025, 0.02, 0.15, 0.01, 0.795],
        [0.29, 0.01, 0.12, 0.03, 0.55],
        [0.29, 0.01, 0.14, 0.03, 0.53],
        [0.27, 0.02, 0.14, 0.02, 0.55],
        [0.31, 0.01, 0.14, 0.02, 0.52],
        [0.145, 0.01, 0.14, 0.01, 0.695],
    ]
    f = ch04.clark_facts(_shares(rows), _long(rows), long_tokens=151)
    assert f["stages_agree"] == "0"
    assert f["stage_early"] == (
        "浅い層（Layer 0〜1、Clark らでは「[CLS]」）：Clark らと同じ形なのは Layer 1 だけです。"
        "Layer 0 では 句読点（15%）のほうが[CLS]（2%）より多い"
    )
    assert f["stage_deep"] == (
        "深い層（Layer 5、Clark らでは「句読点」）：同じ形の層はありません。"
        "Layer 5 では 句読点（14%）と[CLS]（14%）がほぼ同じで、引き分け。"
        "しかも句読点は均等に配った場合（16%）と変わらない"
    )
    assert f["agree_sentence"] == (
        "その段階のすべての層で Clark らと同じ形になった段階は、1 つもありません。"
        "このモデルは、Clark らの BERT-base と同じパターンを示していません"
    )
    assert f["takeaway"].endswith("このモデルの 2 段落の入力では、どの段階にも見られません（理由は④）")
    assert f["sep_verdict"].startswith(
        "Clark らの「半分以上」には届きません。長い入力では均等に配った場合とほとんど変わらず"
    )
    # a tie where Clark's part leads by less than TIE, and a lead that is no more than an even spread
    tie, why = ch04.clark_layer(np.array([0.14, 0.01, 0.145, 0.0, 0.705]), np.array(_long(rows).uniform), "punct")
    assert (
        not tie
        and why
        == "句読点（14%）と[CLS]（14%）がほぼ同じで、引き分け。しかも句読点は均等に配った場合（16%）と変わらない"
    )
    low, why = ch04.clark_layer(np.array([0.01, 0.02, 0.16, 0.0, 0.81]), np.array(_long(rows).uniform), "punct")
    assert not low and why == "句読点（16%）はいちばん多いものの、句読点は均等に配った場合（16%）と変わらない"


def _stats(**shares) -> HeadStats:
    z = np.zeros((2, 3))
    fields = {k: z.copy() for k in ("cls", "sep", "self", "previous", "next", "punctuation", "entropy", "norm_entropy")}
    for key, value in shares.items():
        fields[key] = np.array(value, dtype=float)
    return HeadStats(**fields, n_inputs=4, model_name="toy")


def test_map_and_role_facts():
    s = _stats(
        cls=[[0.9, 0.0, 0.0], [0.0, 0.0, 0.0]],
        sep=[[0.0, 0.7, 0.0], [0.0, 0.0, 0.0]],
        previous=[[0.0, 0.0, 0.0], [0.8, 0.3, 0.0]],
        norm_entropy=[[0.1, 0.1, 0.9], [0.1, 0.2, 0.2]],
    )
    m = ch04.map_facts(s)
    assert m == {
        "model": "toy",
        "inputs": "4",
        "total_heads": "6",
        "heads": "3",
        "heads_last": "2",
        "threshold": "50%",
        "broad": "0.75",
        "count_cls": "1",
        "count_sep": "1",
        "count_positional": "1",
        "count_punctuation": "0",
        "count_broad": "1",
        "count_mixed": "2",
    }
    r = ch04.role_facts(s)
    assert (r["best_previous"], r["best_previous_pct"]) == ("Layer 1・Head 0", "80%")
    assert r["best_previous_verdict"] == "基準の 50% を超えています"
    assert (r["best_next"], r["best_next_pct"]) == ("Layer 0・Head 0", "0%")  # all zero: the first head
    assert r["best_next_verdict"] == "基準の 50% に届かず、役割と呼ぶほどではありません"
    assert sorted(k for k in r if not k.endswith(("_pct", "_verdict"))) == [
        "best_cls",
        "best_next",
        "best_previous",
        "best_punctuation",
        "best_self",
        "best_sep",
    ]


def test_rollout_facts_on_constructed_weights(result_of):
    # layer 0: heads send tokens 0 and 1 to token 0 / token 1; layer 1: everything to [SEP]
    l0 = np.array([[[1, 0, 0], [1, 0, 0], [0, 0, 1]], [[0, 1, 0], [0, 1, 0], [0, 0, 1]]], dtype=float)
    l1 = np.array([[[0, 0, 1]] * 3] * 2, dtype=float)
    f = ch04.rollout_facts(result_of(["[CLS]", "a", "[SEP]"], np.stack([l0, l1])))
    # R0 = [[.75, .25, 0], [.25, .75, 0], [0, 0, 1]], R1 = [[.375, .125, .5], [.125, .375, .5], [0, 0, 1]]
    assert f == {
        "residual": "50%",
        "last_layer": "1",
        "layers_shown": "0・1",
        "roll0_self": "83%",  # (.75 + .75 + 1) / 3
        "roll0_self_model": "33%",  # the part above the 50% floor
        "raw0_self": "67%",  # (.5 + .5 + 1) / 3
        "raw_special": "100%",
        "roll_special": "83%",  # (.875 + .625 + 1) / 3
        "special_trend": "小さく",
        "raw_spread": "0%",
        "roll_spread": "25%",
        "spread_word": "行ごとの違いがまだ残っています",
    }


def test_contrast_facts():
    assert ch04.contrast_facts(HeadContrast(3, 1, 0.456, 7, 0.2)) == {
        "layer": "3",
        "special_head": "1",
        "special_share": "46%",
        "word_head": "7",
        "word_share": "20%",
    }
    labels = np.full((4, 8), "mixed", dtype=object)
    labels[3, 1], labels[3, 7] = "[CLS]", "next"
    f = ch04.contrast_facts(HeadContrast(3, 1, 0.456, 7, 0.2), labels)
    assert (f["special_role"], f["word_role"]) == ("[CLS] へ集中", "直後のトークン")


def test_layer_facts_on_the_course_model(loaded):
    facts = ch04.layer_facts(loaded)
    assert facts.shares.n_layers == facts.long_shares.n_layers == loaded.info.layers
    assert 100 <= facts.long_tokens <= 128  # like Clark et al.'s ~128-token pairs, within the model's training length
    assert facts.described == ch04.describe_layer_shares(facts.shares)
    assert facts.clark == ch04.clark_facts(facts.shares, facts.long_shares, facts.long_tokens)
    assert facts.clark["long_tokens"] == str(facts.long_tokens)
    mid = clark_layers(loaded.info.layers)
    assert facts.clark["layers"] == f"Layer {mid[0]}〜{mid[-1]}"
    assert facts.clark["sep_long"] == f"{facts.long_shares.mean_over(mid)[CATEGORIES.index('sep')]:.0%}"
