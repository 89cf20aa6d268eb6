"""attnviz.core.norms: the norm-based view (Kobayashi et al. 2020), on small arrays and against the model itself."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from attnviz.core.norms import attend_norms, moved, row_shares, transformed


def test_moved_is_weight_times_vector_size_per_head_and_the_norm_of_the_sum_over_heads():
    rng = np.random.default_rng(0)
    w = rng.dirichlet(np.ones(4), size=(2, 4))  # (H=2, T=4, T=4), rows sum to 1
    f = rng.normal(size=(2, 4, 3))  # (H, T, D)
    per_head, summed = moved(w, f)
    for h in range(2):
        for i in range(4):
            for j in range(4):
                assert per_head[h, i, j] == pytest.approx(np.linalg.norm(w[h, i, j] * f[h, j]))
    for i in range(4):
        for j in range(4):
            assert summed[i, j] == pytest.approx(np.linalg.norm(w[0, i, j] * f[0, j] + w[1, i, j] * f[1, j]))
    assert (summed <= per_head.sum(axis=0) + 1e-12).all()  # triangle inequality
    np.testing.assert_allclose(row_shares(summed).sum(axis=1), 1.0)


def test_transformed_uses_each_heads_own_slice_of_the_output_projection():
    rng = np.random.default_rng(1)
    x, w_v, b_v, w_o = rng.normal(size=(3, 4)), rng.normal(size=(4, 4)), rng.normal(size=4), rng.normal(size=(4, 4))
    f = transformed(x, w_v, b_v, w_o, n_heads=2)
    v = x @ w_v + b_v
    np.testing.assert_allclose(f[0], v[:, :2] @ w_o[:2])
    np.testing.assert_allclose(f[1], v[:, 2:] @ w_o[2:])
    np.testing.assert_allclose(f.sum(axis=0), v @ w_o)  # the heads' parts add up to the full projection
    with pytest.raises(ValueError):
        transformed(x, w_v, b_v, w_o, n_heads=3)


def test_the_decomposition_rebuilds_the_models_attention_output(loaded):
    """sum_j sum_h alpha^h_ij f^h(x_j) + b_O must equal what the model's output projection really computes."""
    text = "The cat sat on the mat."
    result = attend_norms(text, model=loaded)
    captured: dict[int, np.ndarray] = {}
    hooks = [
        layer.attention.output.dense.register_forward_hook(
            lambda _m, _i, out, k=k: captured.__setitem__(k, out[0].double().numpy())
        )
        for k, layer in enumerate(loaded.model.encoder.layer)
    ]
    try:
        enc = loaded.tokenizer(text, return_tensors="pt")
        with torch.inference_mode():
            out = loaded.model(**enc, output_hidden_states=True)
    finally:
        for h in hooks:
            h.remove()
    n_heads = loaded.model.config.num_attention_heads
    for k, layer in enumerate(loaded.model.encoder.layer):
        attn = layer.attention
        f = transformed(
            out.hidden_states[k][0].double().numpy(),
            attn.self.value.weight.detach().double().numpy().T,
            attn.self.value.bias.detach().double().numpy(),
            attn.output.dense.weight.detach().double().numpy().T,
            n_heads,
        )
        rebuilt = np.einsum("hij,hjd->id", result.weights[k], f) + attn.output.dense.bias.detach().double().numpy()
        np.testing.assert_allclose(rebuilt, captured[k], atol=1e-4)
        np.testing.assert_allclose(result.f_norms[k], np.linalg.norm(f, axis=-1), rtol=1e-9)
    # per-head norms are the weights times the sizes of the vectors they multiply
    np.testing.assert_allclose(result.per_head, result.weights * result.f_norms[:, :, None, :], rtol=1e-9)
    assert result.tokens[0] == "[CLS]" and result.summed.shape == (
        result.n_layers,
        len(result.tokens),
        len(result.tokens),
    )
