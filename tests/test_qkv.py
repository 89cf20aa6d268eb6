"""attnviz.core.qkv: one head recomputed by hand equals the model; chapter 1's pencil-and-paper example."""

from __future__ import annotations

import math

import numpy as np
import pytest

from attnviz.core.errors import InputError
from attnviz.core.qkv import cosine_bound, cosine_check, softmax, toy_attention, work_head

SENTENCE = "The cat sat on the mat"


@pytest.mark.parametrize("where", [(0, 0), (-1, -1), (1, 5), (-2, 3), (2, 11)])
def test_hand_computed_weights_equal_the_models(loaded, where):
    layer = where[0] % loaded.info.layers
    head = where[1] % loaded.info.heads
    w = work_head(SENTENCE, layer, head, model=loaded)
    assert (w.layer, w.head) == (layer, head)
    assert np.abs(w.probs - w.model_probs).max() < 1e-5
    assert w.max_abs_diff < 1e-5


def test_shapes_and_steps_are_consistent(loaded):
    w = work_head(SENTENCE, 1, 2, model=loaded)
    t = len(w.tokens)
    assert w.d_k == loaded.info.hidden_size // loaded.info.heads
    assert w.q.shape == w.k.shape == w.v.shape == w.output.shape == (t, w.d_k)
    assert w.scores.shape == w.scaled.shape == w.probs.shape == (t, t)
    np.testing.assert_allclose(w.scores, w.q @ w.k.T)
    np.testing.assert_allclose(w.scaled, w.scores / math.sqrt(w.d_k))
    np.testing.assert_allclose(w.probs.sum(axis=1), 1.0, atol=1e-12)
    assert (w.probs >= 0).all()
    np.testing.assert_allclose(w.output, w.probs @ w.v)


def test_tokens_match_attend(loaded, single):
    assert work_head(SENTENCE, 0, 0, model=loaded).tokens == single.tokens


def test_cosine_is_not_the_scaled_score(loaded):
    w = work_head(SENTENCE, 0, 0, model=loaded)
    cos = w.cosine_row(2)
    assert np.all(np.abs(cos) <= 1 + 1e-9)
    assert not np.allclose(cos, w.scaled[2])


def test_out_of_range_head_is_an_input_error(loaded):
    with pytest.raises(InputError):
        work_head(SENTENCE, loaded.info.layers, 0, model=loaded)
    with pytest.raises(InputError):
        work_head(SENTENCE, 0, loaded.info.heads, model=loaded)


def test_toy_example_matches_the_hand_calculation():
    """Chapter 1's pencil-and-paper example: every number a reader computes by hand."""
    t = toy_attention()
    assert t.q.shape == t.k.shape == t.v.shape == (3, 3)
    for m in (t.q, t.k, t.v):  # small integers a reader can multiply in their head
        assert np.array_equal(m, np.round(m)) and np.abs(m).max() <= 3
    # Q K^T, one dot product at a time, as the page writes them out
    assert t.scores.tolist() == [[1, 0, 1], [1, 1, 2], [2, 2, 2]]
    e = np.e
    # softmax with only e^0, e^1, e^2
    np.testing.assert_allclose(t.probs[0], [e / (2 * e + 1), 1 / (2 * e + 1), e / (2 * e + 1)])
    np.testing.assert_allclose(t.probs[1], [e / (2 * e + e**2), e / (2 * e + e**2), e**2 / (2 * e + e**2)])
    np.testing.assert_allclose(t.probs[2], [1 / 3] * 3)
    assert np.round(t.probs[1], 2).tolist() == [0.21, 0.21, 0.58]
    # the output is the weighted average of the value vectors
    np.testing.assert_allclose(t.output[1], t.probs[1, 0] * t.v[0] + t.probs[1, 1] * t.v[1] + t.probs[1, 2] * t.v[2])
    # scaling by sqrt(3) flattens every row that was not flat already
    assert t.scaled_probs[1].max() < t.probs[1].max()
    np.testing.assert_allclose(t.scaled_probs.sum(axis=1), 1.0)


def test_cosine_bound_is_exact_and_holds():
    for t in (3, 8, 20):
        bound = cosine_bound(t)
        assert bound == pytest.approx(np.e**2 / (np.e**2 + t - 1))
        rng = np.random.default_rng(t)
        rows = rng.uniform(-1, 1, size=(2000, t))
        assert softmax(rows).max() <= bound + 1e-12  # no row of values in [-1, 1] beats the bound
        extreme = np.full(t, -1.0)
        extreme[0] = 1.0
        assert softmax(extreme).max() == pytest.approx(bound)  # and the extreme row reaches it
    assert round(cosine_bound(8), 2) == 0.51


def test_cosine_check_of_a_worked_row(loaded, single):
    cat = single.index("cat")
    w = work_head(SENTENCE, 0, 0, model=loaded)
    check = cosine_check(w, cat)
    assert check.n_tokens == len(single.tokens)
    assert check.bound == cosine_bound(len(single.tokens))
    assert check.softmax_max == pytest.approx(float(softmax(w.cosine_row(cat)).max()))
    assert check.real_max == pytest.approx(float(w.probs[cat].max()))
    assert check.softmax_max <= check.bound + 1e-12
