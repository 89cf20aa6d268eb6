"""attnviz.course.ch04: the numbers chapter 4 states, and the exact sentences it builds from them."""

from __future__ import annotations

import numpy as np

from attnviz.core.heads import HeadStats
from attnviz.core.shares import CATEGORIES, HeadContrast, LayerShares, clark_layers
from attnviz.course import ch04
from attnviz.course.glue import Md


def _shares(rows, n_inputs: int = 3) -> LayerShares:
    return LayerShares(shares=np.array(rows, dtype=float), n_inputs=n_inputs, mean_tokens=10.0, special_uniform=0.2)


# [SEP] dominates the middle layer, the deep layer looks at "." (BERT-base-like); 3 layers: one per third
SEP_HEAVY = [[0.4, 0.1, 0.0, 0.1, 0.4], [0.1, 0.6, 0.05, 0.05, 0.2], [0.1, 0.1, 0.4, 0.1, 0.3]]


def test_describe_states_the_numbers():
    d = ch04.describe_layer_shares(_shares(SEP_HEAVY))
    numbers = {k: v for k, v in d.items() if not isinstance(v, Md)}
    assert numbers == {
        "n_inputs": "3",
        "mean_tokens": "10.0",
        "special_uniform": "20%",
        "cls_first": "40%",
        "sep_first": "10%",
        "cls_peak_layer": "0",
        "cls_peak": "40%",
        "sep_peak_layer": "1",
        "sep_peak": "60%",
        "punct_peak_layer": "2",
        "punct_peak": "40%",
    }


def test_describe_builds_its_sentences_from_the_numbers():
    d = ch04.describe_layer_shares(_shares(SEP_HEAVY))
    assert d["cls_first_compare"] == (
        "Layer 0 で [CLS] に向かう Attention は 40% で、それより後の層の平均（10%）より大きくなっています"
    )
    assert d["shallow"] == (
        "浅い層（Layer 0）では、いちばん多くの Attention が「[CLS]」に向かいます（40%）。"
        "[CLS] と [SEP] を合わせると 50%、句読点は 0%、自分自身を含むその他のトークンは 50% です"
    )
    assert d["middle"] == (
        "中間の層（Layer 1）では、いちばん多くの Attention が「[SEP]」に向かいます（60%）。"
        "[CLS] と [SEP] を合わせると 70%、句読点は 5%、自分自身を含むその他のトークンは 25% です"
    )
    assert d["deep"] == (
        "深い層（Layer 2）では、いちばん多くの Attention が「句読点」に向かいます（40%）。"
        "[CLS] と [SEP] を合わせると 20%、句読点は 40%、自分自身を含むその他のトークンは 40% です"
    )
    # punctuation rises and "other tokens" fall: the text must not say deeper layers look more at words
    assert d["rest_trend"] == (
        "「その他のトークン」（特殊トークンでも句読点でも自分自身でもないトークン）に向かう Attention は、"
        "浅い層（40%）から深い層（30%）にかけて減ります"
    )
    assert d["punct_trend"] == "句読点に向かう Attention は、浅い層（0%）から深い層（40%）にかけて増えます"
    assert d["rest_trend_note"] == (
        "少なくともこのモデルでは、「深い層ほど単語どうしをたくさん見る」とは言えないということです"
    )
    for key in ("cls_first_compare", "shallow", "middle", "deep", "rest_trend", "punct_trend", "rest_trend_note"):
        assert isinstance(d[key], Md), key  # pasted with {glue:md}


def test_describe_other_trends():
    flat = ch04.describe_layer_shares(_shares([[0.3, 0.2, 0.0, 0.1, 0.4]] * 3))
    assert flat["rest_trend"].endswith("浅い層（40%）から深い層（40%）にかけてほとんど変わりません")
    assert flat["cls_first_compare"].endswith("それより後の層の平均（30%）より小さくなっています")  # 0.3 is not > 0.3
    rising = [[0.3, 0.2, 0.0, 0.1, 0.4], [0.3, 0.2, 0.0, 0.1, 0.4], [0.1, 0.1, 0.0, 0.1, 0.7]]
    d = ch04.describe_layer_shares(_shares(rising))
    assert d["rest_trend"].endswith("浅い層（40%）から深い層（70%）にかけて増えます")
    assert d["rest_trend_note"] == "このモデルでは、句読点を別に数えても、深い層ほどほかの単語を見る割合が増えています"


def _clark_inputs():
    n = 12
    base = np.tile([0.1, 0.2, 0.1, 0.1, 0.5], (n, 1))
    long = base.copy()
    long[:5] = [0.5, 0.1, 0.1, 0.1, 0.2]
    long[5:10] = [0.05, 0.6, 0.05, 0.05, 0.25]  # over half on [SEP] in Clark's layers
    long[10:] = [0.1, 0.1, 0.5, 0.1, 0.2]
    return _shares(base), _shares(long)


def test_clark_facts_when_the_model_agrees_with_clark():
    base, long = _clark_inputs()
    f = ch04.clark_facts(base, long, long_tokens=130)
    assert {k: f[k] for k in f if not isinstance(f[k], Md)} == {
        "layers": "Layer 5〜9",
        "paper_layers": "第 6〜10 層",
        "sep_short": "20%",
        "sep_long": "60%",
        "long_tokens": "130",
        "short_tokens": "10.0",
        "uniform_short": "20%",
        "uniform_long": "20%",
        "stages_agree": "3",
    }
    assert (
        f["sep_verdict"]
        == "長い入力でも Attention の半分以上（60%）が [SEP] に向かい、Clark らの BERT-base と同じ結果です"
    )
    assert f["stage_early"] == (
        "浅い層（Layer 0〜4）：[CLS] 50%、[SEP] 10%、句読点 10%。Clark らと同じく「[CLS]」がいちばん多くなっています"
    )
    assert f["stage_middle"] == (
        "中間の層（Layer 5〜9）：[CLS] 5%、[SEP] 60%、句読点 5%。Clark らと同じく「[SEP]」がいちばん多くなっています"
    )
    assert f["stage_deep"] == (
        "深い層（Layer 10〜11）：[CLS] 10%、[SEP] 10%、句読点 50%。Clark らと同じく「句読点」がいちばん多くなっています"
    )


def test_clark_facts_when_it_does_not():
    base, long = _clark_inputs()
    f = ch04.clark_facts(long, base, long_tokens=130)  # short inputs park on [SEP], the long pair does not
    assert f["sep_verdict"] == (
        "長い 2 文で [SEP] に向かう割合は 20%（短い例文では 60%）で、Clark らの「半分以上」には届きません。"
        "短い例文で多く見えた分の一部は、特殊トークンがトークン全体に占める割合が大きいせいです。"
        "このモデルでは、[SEP] は BERT-base ほど大きな置き場ではないということです"
    )
    assert f["stages_agree"] == "1"  # [SEP] leads everywhere: only the middle stage matches
    assert f["stage_early"] == (
        "浅い層（Layer 0〜4）：[CLS] 10%、[SEP] 20%、句読点 10%。"
        "Clark らの「[CLS]」ではなく「[SEP]」がいちばん多くなっています"
    )
    little = _shares(np.tile([0.6, 0.05, 0.1, 0.1, 0.15], (12, 1)))
    f = ch04.clark_facts(little, little, long_tokens=130)
    assert f["sep_verdict"] == (
        "長い 2 文で [SEP] に向かう割合は 5%（短い例文では 5%）で、Clark らの「半分以上」には届きません。"
        "このモデルでは、[SEP] は大きな置き場になっていないということです"
    )


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


def test_layer_facts_on_the_course_model(loaded):
    facts = ch04.layer_facts(loaded)
    assert facts.shares.n_layers == facts.long_shares.n_layers == loaded.info.layers
    assert facts.long_tokens >= 100  # comparable with Clark et al.'s ~128-token segment pairs
    assert facts.described == ch04.describe_layer_shares(facts.shares)
    assert facts.clark == ch04.clark_facts(facts.shares, facts.long_shares, facts.long_tokens)
    assert facts.clark["long_tokens"] == str(facts.long_tokens)
    mid = clark_layers(loaded.info.layers)
    assert facts.clark["layers"] == f"Layer {mid[0]}〜{mid[-1]}"
    assert facts.clark["sep_long"] == f"{facts.long_shares.mean_over(mid)[CATEGORIES.index('sep')]:.0%}"
