"""attnviz.explore: layer shares, the head finder and the figure, on constructed arrays and on the model."""

from __future__ import annotations

import numpy as np
import pytest

import attnviz
from attnviz import explore
from attnviz.explore import (
    CATEGORIES,
    LayerShares,
    describe_layer_shares,
    layer_groups,
    shares_by_head,
    target_masks,
)
from attnviz.sentences import course_sentences

TOKENS = ["[CLS]", "a", "b", "[SEP]"]


def _one_hot_weights(targets: list[list[int]]) -> np.ndarray:
    """(L=len(targets), H=1, T, T) weights where query i of layer l looks only at key targets[l][i]."""
    n = len(targets[0])
    w = np.zeros((len(targets), 1, n, n))
    for layer, row in enumerate(targets):
        for i, j in enumerate(row):
            w[layer, 0, i, j] = 1.0
    return w


def test_masks_partition_every_cell():
    masks = target_masks(["[CLS]", "x", "[SEP]", "y", ".", "[SEP]"])
    assert masks.shape == (5, 6, 6)
    assert (masks.sum(axis=0) == 1).all()
    cls, sep, punct, self_, rest = (CATEGORIES.index(c) for c in ("cls", "sep", "punct", "self", "rest"))
    # [CLS] looking at itself counts as [CLS], [SEP] at itself as [SEP], "." at itself as punctuation
    assert masks[cls, 0, 0] and not masks[self_, 0, 0]
    assert masks[sep, 2, 2] and not masks[self_, 2, 2]
    assert masks[punct, 4, 4] and masks[punct, 1, 4] and not masks[self_, 4, 4]
    assert masks[sep, 1, 5]  # both [SEP]s are [SEP]
    assert masks[self_, 3, 3] and masks[rest, 3, 1]


def test_known_shares_on_constructed_weights():
    tokens = ["[CLS]", "a", "b", ".", "[SEP]"]
    # layer 0: everyone looks at [CLS]; layer 1: at [SEP]; layer 2: at "."
    # layer 3: everyone at itself; layer 4: a <-> b, the rest at a
    w = _one_hot_weights([[0] * 5, [4] * 5, [3] * 5, [0, 1, 2, 3, 4], [1, 2, 1, 1, 1]])
    shares = shares_by_head(w, tokens)[:, 0, :]  # (L, 5) in the order cls, sep, punct, self, rest
    expected = np.array(
        [
            [1.0, 0.0, 0.0, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0, 0.0],
            [0.2, 0.2, 0.2, 0.4, 0.0],
            [0.0, 0.0, 0.0, 0.0, 1.0],
        ]
    )
    np.testing.assert_allclose(shares, expected)


def test_shares_reject_mismatched_tokens():
    with pytest.raises(ValueError):
        shares_by_head(np.ones((1, 1, 3, 3)) / 3, TOKENS)


def test_layer_shares_sum_to_one_and_average_inputs(single, pair):
    s = explore.layer_shares([single, pair])
    assert s.shares.shape == (single.n_layers, 5)
    np.testing.assert_allclose(s.shares.sum(axis=1), 1.0, atol=1e-5)
    a = shares_by_head(single.weights, single.tokens).mean(axis=1)
    b = shares_by_head(pair.weights, pair.tokens).mean(axis=1)
    np.testing.assert_allclose(s.shares, (a + b) / 2, atol=1e-6)
    assert s.n_inputs == 2
    assert not s.shares.flags.writeable
    assert s.mean_tokens == (len(single.tokens) + len(pair.tokens)) / 2
    assert s.special_uniform == pytest.approx((2 / len(single.tokens) + 3 / len(pair.tokens)) / 2)


def _shares(rows) -> LayerShares:
    return LayerShares(shares=np.array(rows, dtype=float), n_inputs=3, mean_tokens=10.0, special_uniform=0.2)


def test_peak_layer_and_groups():
    s = _shares([[0.1, 0.2, 0.0, 0.1, 0.6], [0.1, 0.7, 0.0, 0.1, 0.1], [0.5, 0.1, 0.0, 0.1, 0.3]])
    assert s.peak_layer("sep") == 1
    assert s.peak_layer("cls") == 2
    assert {k: list(v) for k, v in layer_groups(12).items()} == {
        "shallow": [0, 1, 2, 3],
        "middle": [4, 5, 6, 7],
        "deep": [8, 9, 10, 11],
    }


def test_clark_layers_are_his_layers_for_bert_base_and_the_same_depth_elsewhere():
    assert list(explore.clark_layers(12)) == [5, 6, 7, 8, 9]  # layers 6-10 counted from 1
    assert list(explore.clark_layers(6)) == [2, 3, 4]
    stages = explore.clark_stages(12)
    assert [list(v) for v in stages.values()] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11]]
    for n in (3, 4, 6, 12, 24):
        stages = explore.clark_stages(n)
        assert sorted(layer for v in stages.values() for layer in v) == list(range(n))


def test_describe_follows_the_numbers():
    # [SEP] dominates the middle layers; the deep layers look at "." (BERT-base-like)
    sep_heavy = [[0.4, 0.1, 0.0, 0.1, 0.4], [0.1, 0.6, 0.05, 0.05, 0.2], [0.1, 0.1, 0.4, 0.1, 0.3]]
    d = describe_layer_shares(_shares(sep_heavy))
    assert d["sep_peak_layer"] == "1" and d["sep_peak"] == "60%"
    assert d["punct_peak_layer"] == "2" and d["punct_peak"] == "40%"
    assert d["cls_first"] == "40%"
    assert d["cls_first_compare"].endswith("（10%）より大きくなっています")
    assert "「[SEP]」" in d["middle"]
    assert "「句読点」" in d["deep"]
    # punctuation rises, "other tokens" fall: the text must not say deeper layers look more at words
    assert "増えます" in d["punct_trend"] and "減ります" in d["rest_trend"]
    assert "とは言えない" in d["rest_trend_note"]
    flat = _shares([[0.3, 0.2, 0.0, 0.1, 0.4]] * 3)
    d = describe_layer_shares(flat)
    assert "ほとんど変わりません" in d["rest_trend"]
    rising = _shares([[0.3, 0.2, 0.0, 0.1, 0.4], [0.3, 0.2, 0.0, 0.1, 0.4], [0.1, 0.1, 0.0, 0.1, 0.7]])
    assert "増えています" in describe_layer_shares(rising)["rest_trend_note"]


def test_clark_facts_compare_like_for_like():
    n = 12
    base = np.tile([0.1, 0.2, 0.1, 0.1, 0.5], (n, 1))
    long = base.copy()
    long[5:10] = [0.05, 0.6, 0.05, 0.05, 0.25]  # over half on [SEP] in Clark's layers
    long[:5] = [0.5, 0.1, 0.1, 0.1, 0.2]
    long[10:] = [0.1, 0.1, 0.5, 0.1, 0.2]
    f = explore.clark_facts(_shares(base), _shares(long), long_tokens=130)
    assert f["layers"] == "Layer 5〜9" and f["paper_layers"] == "第 6〜10 層"
    assert f["sep_long"] == "60%" and f["sep_short"] == "20%"
    assert "半分以上" in f["sep_verdict"] and f["stages_agree"] == "3"
    assert "Clark らと同じく「[CLS]」" in f["stage_early"]
    f = explore.clark_facts(_shares(long), _shares(base), long_tokens=130)  # the other way round
    assert "届きません" in f["sep_verdict"] and f["stages_agree"] == "1"  # [SEP] leads everywhere
    assert "Clark らの「[CLS]」ではなく「[SEP]」" in f["stage_early"]
    table = explore.clark_table(_shares(base), _shares(long))
    assert table.count("\n") == 4 and "Layer 10〜11" in table


def test_pronoun_head_is_consistent_with_the_weights(loaded):
    sentences = course_sentences()
    r = attnviz.attend(sentences.pronoun, model=loaded)
    hit = attnviz.find_head(r, query="it", key="animal")
    assert r.tokens[hit.query] == "it" and r.tokens[hit.key] == "animal"
    column = r.weights[:, :, hit.query, hit.key]
    assert hit.score == pytest.approx(float(column.max()))
    assert (column <= hit.score).all()
    cf = attnviz.attend(sentences.pronoun_counterfactual, model=loaded)
    facts = explore.pronoun_facts(r, cf)
    assert facts["name"] == f"Layer {hit.layer}・Head {hit.head}" and facts["weight"] == f"{hit.score:.2f}"
    same_head = cf.weights[hit.layer, hit.head, cf.index("it")]
    assert facts["cf_street"] == f"{same_head[cf.index('street')]:.2f}"
    moved = same_head[cf.index("street")] > same_head[cf.index("animal")]
    assert ("移りました" in facts["cf_verdict"]) == moved


def test_find_head_from_a_token_to_any_content_word(single):
    hit = attnviz.find_head(single, query="cat")
    assert single.tokens[hit.key] in ("sat", "mat")
    content = [single.index("sat"), single.index("mat")]
    assert hit.score == pytest.approx(float(single.weights[:, :, hit.query, content].max()))
    with pytest.raises(attnviz.InputError):
        attnviz.find_head(single, query="dog")


def test_examples_are_the_one_sentence_set(loaded):
    results = explore.example_results(loaded)
    sentences = course_sentences()
    assert len(results) == len(sentences.singles) + len(sentences.pairs)
    assert sum(r.sentence_b_start is not None for r in results) == len(sentences.pairs)
    assert sentences.demo_pair == ("The cat sat on the mat", "The cat lay on the rug")
    long_pair = attnviz.attend(*sentences.long_pair, model=loaded)
    assert len(long_pair.tokens) >= 100  # comparable with Clark et al.'s ~128-token segment pairs


def test_plot_layer_shares_draws_one_bar_per_layer_and_part():
    import matplotlib

    matplotlib.use("Agg")
    shares = np.full((4, 5), 0.2)
    fig = explore.plot_layer_shares(LayerShares(shares=shares, n_inputs=1), model_name="test")
    ax = fig.axes[0]
    assert len(ax.patches) == 4 * len(CATEGORIES)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["[CLS]", "[SEP]", "句読点", "自分自身", "その他のトークン"]


def test_masks_bidirectional_and_causal():
    from attnviz.masks import bidirectional_mask, causal_mask, plot_masks

    c = causal_mask(4)
    assert c.sum() == 4 * 5 // 2
    assert c[3, 0] and not c[0, 3]  # a later token sees earlier ones, never the reverse
    assert bidirectional_mask(4).all()
    fig = plot_masks(["a", "b", "c"])
    assert len(fig.axes) == 2


def test_phrases_are_markdown_and_numbers_are_short():
    from attnviz.page import Md

    d = describe_layer_shares(_shares([[0.3, 0.2, 0.0, 0.1, 0.4]] * 6))
    for key, value in d.items():
        if isinstance(value, Md):
            assert len(value) > 15, key
        else:
            assert len(value) <= 6, (key, value)
