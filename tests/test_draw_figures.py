"""attnviz.draw: every figure draws what it is given (line widths, cells, bars), with no missing glyph."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from attnviz.core.qkv import work_head
from attnviz.core.rollout import default_layers
from attnviz.core.shares import CATEGORIES, LayerShares
from attnviz.draw import figures
from attnviz.draw.masks import plot_masks
from attnviz.draw.rollout import rollout_figure
from attnviz.draw.shares import plot_layer_shares


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _draw_without_missing_glyphs(fig: Figure) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
        fig.canvas.draw()


def test_star_line_widths_are_the_weights(single):
    cat = single.index("cat")
    row = single.weights[1, 0, cat]
    fig = figures.star(row, single.tokens, cat, title="t")
    assert isinstance(fig, Figure)
    lines = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("weight:")]
    others = [j for j in range(len(single.tokens)) if j != cat]
    assert len(lines) == len(others)
    for line, j in zip(lines, others, strict=True):
        assert line.get_label() == f"weight:{single.tokens[j]}"
        assert line.get_linewidth() == pytest.approx(figures.MAX_LINE_WIDTH * row[j])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "★ cat" in texts
    _draw_without_missing_glyphs(fig)


def test_star_draws_on_a_given_axes(single):
    fig, ax = plt.subplots()
    assert figures.star(single.weights[0, 0, 2], single.tokens, 2, ax=ax) is fig


def test_heatmap_shows_every_cell(single):
    m = single.weights[0, 0]
    fig = figures.attention_heatmap(m, single.tokens)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.images[0].get_array(), m)
    assert len(ax.texts) == m.size
    assert [t.get_text() for t in ax.get_xticklabels()] == list(single.tokens)
    _draw_without_missing_glyphs(fig)


def test_self_attention_lines_one_per_pair(single):
    m = single.weights[0, 0]
    fig = figures.self_attention_lines(m, single.tokens, highlight=2)
    lines = fig.axes[0].lines
    assert len(lines) == m.size
    widths = np.array([ln.get_linewidth() for ln in lines]).reshape(m.shape)
    np.testing.assert_allclose(widths, figures.MAX_LINE_WIDTH * 0.5 * m, rtol=1e-6)
    _draw_without_missing_glyphs(fig)


def test_worked_steps_and_softmax_rows(loaded):
    w = work_head("The cat sat on the mat", 0, 0, model=loaded)
    fig = figures.worked_steps(w.scores, w.scaled, w.probs, w.tokens, w.d_k)
    assert len(fig.axes) == 3
    np.testing.assert_allclose(fig.axes[2].images[0].get_array(), w.probs)
    _draw_without_missing_glyphs(fig)
    fig = figures.softmax_rows(w.scaled[2], w.scores[2], w.tokens, query="cat", d_k=w.d_k)
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert sum(heights) == pytest.approx(2.0)  # two softmax distributions
    _draw_without_missing_glyphs(fig)


@pytest.mark.parametrize("n_layers", [6, 12])
def test_layer_stack_has_one_box_per_layer(n_layers):
    fig = figures.layer_stack(n_layers)
    labels = [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("Layer ")]
    assert labels[0].startswith("Layer 0") and labels[-1].startswith(f"Layer {n_layers - 1}")
    assert len(labels) == n_layers
    _draw_without_missing_glyphs(fig)


@pytest.mark.parametrize(
    "make",
    [
        figures.encoder_decoder_schematic,
        figures.seq2seq_schematic,
        lambda: figures.reading_directions(["the", "cat", "sat", "on", "the", "mat"], focus=2),
    ],
)
def test_schematics_render(make):
    fig = make()
    assert isinstance(fig, Figure)
    _draw_without_missing_glyphs(fig)


def test_plot_layer_shares_draws_one_bar_per_layer_and_part():
    shares = np.full((4, 5), 0.2)
    fig = plot_layer_shares(LayerShares(shares=shares, n_inputs=1), model_name="test")
    ax = fig.axes[0]
    assert len(ax.patches) == 4 * len(CATEGORIES)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["[CLS]", "[SEP]", "句読点", "自分自身", "その他のトークン"]
    assert [p.get_height() for p in ax.patches] == pytest.approx([0.2] * 20)
    assert ax.get_title() == "層ごとの Attention の行き先（例文 1 件の平均）\ntest"
    _draw_without_missing_glyphs(fig)


def test_plot_layer_shares_ends_with_the_even_spread_bar():
    even = np.array([0.1, 0.1, 0.2, 0.1, 0.5])
    fig = plot_layer_shares(LayerShares(shares=np.full((3, 5), 0.2), n_inputs=1, uniform=even))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2", "均等"]
    assert len(ax.patches) == 4 * len(CATEGORIES)
    last = [p.get_height() for p in ax.patches[3::4]]  # each part's fourth bar: the even spread
    assert last == pytest.approx(even.tolist())
    _draw_without_missing_glyphs(fig)


def test_norm_figure(loaded):
    from attnviz.core.norms import attend_norms, norm_summary
    from attnviz.draw.norms import norm_figure

    normed = attend_norms("The cat sat on the mat", model=loaded)
    special = np.array([t in ("[CLS]", "[SEP]") for t in normed.tokens])
    summary = norm_summary(normed, special)
    fig = norm_figure(normed, summary)
    heatmaps = [ax for ax in fig.axes if ax.images]
    assert len(heatmaps) == 3 and all(f"Layer {summary.layer}" in ax.get_title() for ax in heatmaps)
    assert summary.raw.shape == summary.norm.shape == (normed.n_layers,)
    _draw_without_missing_glyphs(fig)


def test_controls_figure(loaded):
    from attnviz.core.controls import course_controls
    from attnviz.core.heads import label_heads, measure_heads
    from attnviz.draw.controls import controls_figure

    runs = course_controls(loaded)
    labels, _ = label_heads(measure_heads(model=loaded)[0])
    fig = controls_figure(runs, labels, ["a", "b", "c"])
    grids = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in grids] == ["a", "b", "c"]
    assert len(grids[0].texts) == labels.size  # every head is named with its role
    _draw_without_missing_glyphs(fig)


def test_rollout_figure(single):
    fig = rollout_figure(single)
    heatmaps = [ax for ax in fig.axes if ax.images and ax.get_title()]
    assert len(heatmaps) == 2 * len(default_layers(single.n_layers))
    assert any("rollout" in ax.get_title() for ax in heatmaps)
    assert [t.get_text() for t in heatmaps[0].get_xticklabels()] == list(single.tokens)
    _draw_without_missing_glyphs(fig)


def test_plot_masks():
    fig = plot_masks(["a", "b", "c"])
    assert len(fig.axes) == 2
    assert fig.axes[0].images[0].get_array().astype(int).tolist() == [[1, 1, 1]] * 3
    assert fig.axes[1].images[0].get_array().astype(int).tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    _draw_without_missing_glyphs(fig)
