"""attnviz.core.shares: where attention goes per layer, on constructed arrays and on the model."""

from __future__ import annotations

import numpy as np
import pytest

import attnviz
from attnviz.core import shares as explore
from attnviz.core.masks import bidirectional_mask, causal_mask
from attnviz.core.sentences import course_sentences
from attnviz.core.shares import CATEGORIES, LayerShares, layer_groups, shares_by_head, target_masks

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


def test_course_results_are_the_one_sentence_set(loaded):
    from attnviz.core.sentences import course_results

    results = course_results(loaded)
    assert course_results(loaded) is results  # run once per model and process
    sentences = course_sentences()
    assert len(results) == len(sentences.singles) + len(sentences.pairs)
    assert sum(r.sentence_b_start is not None for r in results) == len(sentences.pairs)
    assert sentences.demo_pair == ("The cat sat on the mat", "The cat lay on the rug")
    long_pair = attnviz.attend(*sentences.long_pair, model=loaded)
    # comparable with Clark et al.'s ~128-token segment pairs, and no longer than all-MiniLM-L6-v2's training inputs
    assert 100 <= len(long_pair.tokens) <= 128


def test_special_tokens_come_from_the_model(result_of):
    """A tokenizer whose special tokens are not BERT's: the shares follow the model's own names."""
    w = np.zeros((1, 1, 4, 4))
    w[0, 0, :, 0] = 1.0  # everyone looks at the first token
    r = result_of(["<s>", "a", "b", "</s>"], w, cls_token="<s>", sep_token="</s>")
    s = explore.layer_shares([r])
    assert s.of("cls")[0] == pytest.approx(1.0)
    assert s.special_uniform == pytest.approx(2 / 4)
    assert explore.contrast_heads(r, 0).special_share == pytest.approx(1.0)


def test_contrast_heads_picks_two_different_heads(result_of):
    tokens = ["[CLS]", "a", "b", "c", "[SEP]"]
    w = np.zeros((1, 3, 5, 5))
    w[0, 0, :, 4] = 1.0  # head 0: all on [SEP]
    w[0, 1, :, 0] = 0.6  # head 1: 0.6 on [CLS], 0.4 on "b"
    w[0, 1, :, 2] = 0.4
    w[0, 2, :, 3] = 0.9  # head 2: 0.9 on "c", 0.1 on [CLS]
    w[0, 2, :, 0] = 0.1
    c = explore.contrast_heads(result_of(tokens, w), 0)
    assert (c.layer, c.special_head, c.word_head) == (0, 0, 2)
    assert c.special_share == pytest.approx(1.0)
    # "rest" leaves out a query's own token: every row but c's own puts 0.9 on "c" (4 rows of 5)
    assert c.word_share == pytest.approx(0.9 * 4 / 5)


def test_masks_bidirectional_and_causal():
    c = causal_mask(4)
    assert c.sum() == 4 * 5 // 2
    assert c[3, 0] and not c[0, 3]  # a later token sees earlier ones, never the reverse
    assert bidirectional_mask(4).all()
