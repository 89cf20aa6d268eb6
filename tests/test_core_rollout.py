"""attnviz.core.rollout: attention rollout against a hand computation, and on the course model."""

from __future__ import annotations

import numpy as np
import pytest

from attnviz.core.rollout import default_layers, raw_mean, rollout, rollout_summary, row_spread

# Layer 0: head 0 sends tokens 0 and 1 to token 0, head 1 sends them to token 1; token 2 looks at itself.
# Layer 1: both heads send everything to token 2.
L0 = np.array(
    [
        [[1, 0, 0], [1, 0, 0], [0, 0, 1]],
        [[0, 1, 0], [0, 1, 0], [0, 0, 1]],
    ],
    dtype=float,
)
L1 = np.array([[[0, 0, 1]] * 3] * 2, dtype=float)
W = np.stack([L0, L1])  # (2 layers, 2 heads, 3, 3)


def test_raw_mean_averages_heads():
    raw = raw_mean(W)
    assert raw.shape == (2, 3, 3)
    np.testing.assert_allclose(raw[0], [[0.5, 0.5, 0], [0.5, 0.5, 0], [0, 0, 1]])


def test_rollout_matches_hand_computation():
    # Ã0 = 0.5·A0 + 0.5·I = [[.75, .25, 0], [.25, .75, 0], [0, 0, 1]]
    # Ã1 = [[.5, 0, .5], [0, .5, .5], [0, 0, 1]]
    # R1 = Ã1 · Ã0 = [[.375, .125, .5], [.125, .375, .5], [0, 0, 1]]
    r = rollout(W)
    np.testing.assert_allclose(r[0], [[0.75, 0.25, 0], [0.25, 0.75, 0], [0, 0, 1]])
    np.testing.assert_allclose(r[1], [[0.375, 0.125, 0.5], [0.125, 0.375, 0.5], [0, 0, 1]])


def test_rollout_order_matters():
    # R_l = Ã_l · R_{l-1}: the later layer multiplies from the left; the other order differs here
    a0 = np.array([[1.0, 0, 0], [1.0, 0, 0], [0, 0, 1.0]])  # tokens 0, 1 -> token 0
    a1 = np.array([[0, 1.0, 0], [0, 1.0, 0], [0, 1.0, 0]])  # everyone -> token 1
    w = np.stack([a0[None], a1[None]])  # (2, 1, 3, 3)
    t0, t1 = 0.5 * a0 + 0.5 * np.eye(3), 0.5 * a1 + 0.5 * np.eye(3)
    assert not np.allclose(t1 @ t0, t0 @ t1)
    np.testing.assert_allclose(rollout(w)[1], t1 @ t0)


def test_rollout_residual_extremes_and_rows():
    np.testing.assert_allclose(rollout(W, residual=1.0), np.broadcast_to(np.eye(3), (2, 3, 3)))
    np.testing.assert_allclose(rollout(W, residual=0.0)[0], raw_mean(W)[0])
    rng = np.random.default_rng(0)
    w = rng.random((4, 3, 5, 5))
    w /= w.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(rollout(w).sum(axis=-1), 1.0)
    with pytest.raises(ValueError):
        rollout(W, residual=1.5)
    with pytest.raises(ValueError):
        raw_mean(np.ones((2, 3, 3)))


def test_row_spread():
    assert row_spread(np.eye(4)) == pytest.approx(0.75)
    assert row_spread(np.full((3, 3), 1 / 3)) == pytest.approx(0.0)
    assert row_spread(rollout(W)[1]) < row_spread(np.eye(3))


def test_default_layers():
    assert default_layers(12) == [0, 6, 11]
    assert default_layers(6) == [0, 3, 5]
    assert default_layers(1) == [0]


def test_rollout_on_the_course_model(single):
    r = rollout(single.weights)
    assert r.shape == (single.n_layers, len(single.tokens), len(single.tokens))
    np.testing.assert_allclose(r.sum(axis=-1), 1.0, atol=1e-5)
    assert np.diagonal(r[0]).mean() >= 0.5  # the residual keeps at least half of each token at layer 0


def test_rollout_summary_reports_only_the_part_above_the_floor(single):
    s = rollout_summary(single)
    diag0 = np.diagonal(rollout(single.weights)[0])
    assert (diag0 >= 0.5 - 1e-9).all()  # the floor, by construction of 0.5 A + 0.5 I
    raw0 = np.diagonal(raw_mean(single.weights)[0]).mean()
    assert s.roll0_self == pytest.approx(diag0.mean())
    assert s.roll0_self_model == pytest.approx(diag0.mean() - 0.5)
    assert s.roll0_self_model == pytest.approx(0.5 * raw0)
    assert s.raw0_self == pytest.approx(raw0)
    assert s.last_layer == single.n_layers - 1
    assert s.layers_shown == tuple(default_layers(single.n_layers))
    special = [0, len(single.tokens) - 1]  # [CLS] and [SEP] of a single sentence
    last = raw_mean(single.weights)[-1]
    assert s.raw_special == pytest.approx(last[:, special].sum(axis=1).mean())
    assert s.raw_spread == pytest.approx(row_spread(last))
