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
    strongest_head,
    target_masks,
)

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
    masks = target_masks(["[CLS]", "x", "[SEP]", "y", "[SEP]"])
    assert masks.shape == (4, 5, 5)
    assert (masks.sum(axis=0) == 1).all()
    # [CLS] looking at itself counts as [CLS], [SEP] at itself as [SEP], not as "self"
    assert masks[0, 0, 0] and not masks[2, 0, 0]
    assert masks[1, 2, 2] and not masks[2, 2, 2]
    assert masks[1, 1, 4]  # both [SEP]s are [SEP]
    assert masks[2, 3, 3] and masks[3, 3, 1]


def test_known_shares_on_constructed_weights():
    # layer 0: everyone looks at [CLS]; layer 1: everyone at [SEP];
    # layer 2: everyone at itself (so [CLS]->[CLS] is "cls", [SEP]->[SEP] is "sep"); layer 3: a<->b
    w = _one_hot_weights([[0, 0, 0, 0], [3, 3, 3, 3], [0, 1, 2, 3], [1, 2, 1, 1]])
    shares = shares_by_head(w, TOKENS)[:, 0, :]  # (L, 4)
    expected = np.array(
        [
            [1.0, 0.0, 0.0, 0.0],
            [0.0, 1.0, 0.0, 0.0],
            [0.25, 0.25, 0.5, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )
    np.testing.assert_allclose(shares, expected)


def test_shares_reject_mismatched_tokens():
    with pytest.raises(ValueError):
        shares_by_head(np.ones((1, 1, 3, 3)) / 3, TOKENS)


def test_layer_shares_sum_to_one_and_average_inputs(single, pair):
    s = explore.layer_shares([single, pair])
    assert s.shares.shape == (single.n_layers, 4)
    np.testing.assert_allclose(s.shares.sum(axis=1), 1.0, atol=1e-5)
    a = shares_by_head(single.weights, single.tokens).mean(axis=1)
    b = shares_by_head(pair.weights, pair.tokens).mean(axis=1)
    np.testing.assert_allclose(s.shares, (a + b) / 2, atol=1e-6)
    assert s.n_inputs == 2
    assert not s.shares.flags.writeable


def test_peak_layer_and_groups():
    shares = np.array([[0.1, 0.2, 0.1, 0.6], [0.1, 0.7, 0.1, 0.1], [0.5, 0.1, 0.1, 0.3]])
    s = LayerShares(shares=shares, n_inputs=1)
    assert s.peak_layer("sep") == 1
    assert s.peak_layer("cls") == 2
    assert {k: list(v) for k, v in layer_groups(12).items()} == {
        "shallow": [0, 1, 2, 3],
        "middle": [4, 5, 6, 7],
        "deep": [8, 9, 10, 11],
    }


def test_describe_follows_the_numbers():
    # [SEP] dominates the middle layers (BERT-base-like)
    sep_heavy = np.array([[0.4, 0.1, 0.1, 0.4], [0.1, 0.6, 0.05, 0.25], [0.2, 0.1, 0.1, 0.6]])
    d = describe_layer_shares(LayerShares(shares=sep_heavy, n_inputs=3))
    assert d["sep_peak_layer"] == "1" and d["sep_peak"] == "60%"
    assert d["cls_first"] == "40%"
    assert d["sep_peak_group"] == "中間の層" and d["cls_peak_group"] == "浅い層"
    assert d["cls_first_compare"].endswith("（15%）より大きくなっています")
    assert "半分以上" in d["middle_parking"] and "60%" in d["middle_parking"]
    assert "増えます" in d["rest_trend"]
    assert "増えています" in d["rest_trend_note"]
    assert "「[SEP]」" in d["middle"]
    # [CLS] dominates instead (the bundled model's pattern): the text must not claim [SEP]
    cls_heavy = sep_heavy[:, [1, 0, 2, 3]]
    d = describe_layer_shares(LayerShares(shares=cls_heavy, n_inputs=3))
    assert "[SEP]（10%）よりも [CLS]（60%）" in d["middle_parking"]
    assert "「[CLS]」" in d["middle"]
    flat = LayerShares(shares=np.tile([0.3, 0.2, 0.1, 0.4], (3, 1)), n_inputs=1)
    d = describe_layer_shares(flat)
    assert "ほとんど変わりません" in d["rest_trend"] and "とは限らない" in d["rest_trend_note"]


def test_strongest_head_on_constructed_array():
    rng = np.random.default_rng(0)
    w = rng.dirichlet(np.ones(5), size=(3, 4, 5)) * 0.5  # (L, H, T, T), small weights
    w[2, 1, 4, 1] = 0.99
    hit = strongest_head(w, query=4, key=1)
    assert (hit.layer, hit.head) == (2, 1)
    assert hit.weight == pytest.approx(0.99)
    # other query/key pairs are not affected by that cell
    other = strongest_head(w, query=1, key=4)
    assert other.weight == pytest.approx(w[:, :, 1, 4].max())


def test_pronoun_head_is_consistent_with_the_weights(loaded):
    r = attnviz.attend(explore.PRONOUN_SENTENCE, model=loaded)
    hit = explore.find_head(r, "it", "animal")
    assert r.tokens[hit.query] == "it" and r.tokens[hit.key] == "animal"
    column = r.weights[:, :, hit.query, hit.key]
    assert hit.weight == pytest.approx(float(column.max()))
    assert column[hit.layer, hit.head] == pytest.approx(hit.weight)
    assert (column <= hit.weight).all()
    assert 0 <= hit.layer < r.n_layers and 0 <= hit.head < r.n_heads


def test_examples_cover_singles_and_pairs(loaded):
    results = explore.example_results(loaded)
    assert len(results) == len(explore.EXAMPLE_SINGLES) + len(explore.EXAMPLE_PAIRS)
    assert sum(r.sentence_b_start is not None for r in results) == len(explore.EXAMPLE_PAIRS)
    assert explore.EXAMPLE_PAIRS[0] == ("The cat sat on the mat", "The cat lay on the rug")


def test_plot_layer_shares_draws_one_bar_per_layer_and_part():
    import matplotlib

    matplotlib.use("Agg")
    shares = np.full((4, 4), 0.25)
    fig = explore.plot_layer_shares(LayerShares(shares=shares, n_inputs=1), model_name="test")
    ax = fig.axes[0]
    assert len(ax.patches) == 4 * len(CATEGORIES)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["[CLS]", "[SEP]", "自分自身", "その他の単語"]


def test_masks_bidirectional_and_causal():
    from attnviz.masks import bidirectional_mask, causal_mask, plot_masks

    c = causal_mask(4)
    assert c.sum() == 4 * 5 // 2
    assert c[3, 0] and not c[0, 3]  # a later token sees earlier ones, never the reverse
    assert bidirectional_mask(4).all()
    fig = plot_masks(["a", "b", "c"])
    assert len(fig.axes) == 2


def test_phrase_keys_split_phrases_from_numbers():
    d = describe_layer_shares(LayerShares(shares=np.tile([0.3, 0.2, 0.1, 0.4], (6, 1)), n_inputs=2))
    assert explore.PHRASE_KEYS <= d.keys()
    for key, value in d.items():
        if key in explore.PHRASE_KEYS:
            assert len(value) > 15, key
        else:
            assert len(value) <= 6, (key, value)
