"""attnviz.core.controls: position or word, by one rule, on constructed weights and on the model."""

from __future__ import annotations

import numpy as np

from attnviz.core.controls import CHOICES, TokenView, classify, course_controls, shuffled


def _one_hot(n_tokens: int, query: int, keys: list[int]) -> np.ndarray:
    """(L=1, H=len(keys), T, T): head h's query row puts all its weight on keys[h]."""
    w = np.full((1, len(keys), n_tokens, n_tokens), 1.0 / n_tokens)
    for h, k in enumerate(keys):
        w[0, h, query] = 0.0
        w[0, h, query, k] = 1.0
    return w


def test_each_choice_by_the_rule():
    # original: [CLS] the cat sat on mat [SEP]; control: [CLS] mat on the cat sat [SEP] ("cat" moved from word 1 to 3)
    a = TokenView(("[CLS]", "the", "cat", "sat", "on", "mat", "[SEP]"), (None, 0, 1, 2, 3, 4, None), query=2)
    b = TokenView(("[CLS]", "mat", "on", "the", "cat", "sat", "[SEP]"), (None, 0, 1, 2, 3, 4, None), query=4)
    # head 0: [CLS] -> [CLS] (park); head 1: next word "sat" -> next word "sat" (position: same offset +1)
    # head 2: "mat" (offset +3) -> "mat" at offset -3 (word); head 3: "the" -> [SEP] (other)
    # head 4: the previous word "the" -> in b the previous word of "cat" is "the" too (position wins over word)
    w = _one_hot(7, 2, [0, 3, 5, 1, 1])
    v = _one_hot(7, 4, [0, 5, 1, 6, 3])
    choices, keys = classify(w, v, a, b)
    assert choices.tolist() == [["park", "position", "word", "other", "position"]]
    assert keys[0, 2].tolist() == [5, 1]
    assert set(CHOICES) == {"park", "position", "word", "other"}


def test_position_is_counted_in_words_not_tokens():
    # "cat" -> "b ##lick": the word after the nonsense word is one token further, but the same word offset
    a = TokenView(("[CLS]", "the", "cat", "sat", "[SEP]"), (None, 0, 1, 2, None), query=3)
    b = TokenView(("[CLS]", "the", "b", "##lick", "sat", "[SEP]"), (None, 0, 1, 1, 2, None), query=4)
    w = _one_hot(5, 3, [2, 1])  # head 0: "cat" (one word back); head 1: "the" (two words back)
    v = _one_hot(6, 4, [2, 1])  # head 0: "b" of "blick" (one word back); head 1: "the"
    choices, _ = classify(w, v, a, b)
    assert choices.tolist() == [["position", "position"]]
    assert b.word_text(3) == "blick"


def test_shuffled_is_seeded_and_keeps_the_period_last():
    s = shuffled("The cat sat on the mat.")
    assert s == shuffled("The cat sat on the mat.") and s.endswith(".")
    assert sorted(s[:-1].lower().split()) == sorted("the cat sat on the mat".split())
    assert s != "The cat sat on the mat."


def test_course_controls_on_the_model(loaded):
    runs = course_controls(loaded)
    assert [r.name for r in runs] == ["shuffle", "nonsense", "swap"]
    for run in runs:
        n_layers, n_heads = loaded.info.layers, loaded.info.heads
        assert run.choices.shape == (n_layers, n_heads)
        assert sum(run.count(c) for c in CHOICES) == n_layers * n_heads
        # every head's pick is the argmax of its query row, in both inputs
        q0, q1 = run.views[0].query, run.views[1].query
        np.testing.assert_array_equal(run.keys[..., 0], run.original.weights[:, :, q0].argmax(axis=-1))
        np.testing.assert_array_equal(run.keys[..., 1], run.control.weights[:, :, q1].argmax(axis=-1))
    swap = runs[2]
    assert swap.original.tokens[swap.views[0].query] == "it"
    assert "wide" in swap.control.tokens and "blick" in runs[1].control.sentence_a
