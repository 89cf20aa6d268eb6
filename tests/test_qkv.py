from __future__ import annotations

import math

import numpy as np
import pytest

from attnviz.errors import InputError
from attnviz.qkv import FUNCTION_WORDS, pick_head, work_head

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


def test_pick_head_maximises_weight_to_a_content_word():
    tokens = ("[CLS]", "the", "cat", "sat", "[SEP]")
    weights = np.full((2, 3, 5, 5), 0.2)
    weights[0, 1, 2] = [0.0, 0.9, 0.1, 0.0, 0.0]  # to "the": a function word, ignored
    weights[1, 2, 2] = [0.4, 0.0, 0.0, 0.6, 0.0]  # to "sat": the content word
    weights[0, 0, 2] = [0.9, 0.0, 0.1, 0.0, 0.0]  # to [CLS]: special, ignored
    assert "the" in FUNCTION_WORDS
    assert pick_head(weights, tokens, query=2) == (1, 2)


def test_pick_head_on_the_model(single):
    cat = single.index("cat")
    layer, head = pick_head(single.weights, single.tokens, cat)
    content = [j for j, t in enumerate(single.tokens) if t in ("sat", "mat")]
    best = single.weights[layer, head, cat, content].max()
    assert best == single.weights[:, :, cat, content].max()
