"""Matplotlib figures for the chapters: data in, a Figure out (no computing attention, no display()).

Every function takes ``ax=None`` (or ``axes``) and returns the Figure it drew on, so a page can
place a figure beside another or let the notebook show it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import matplotlib_fontja  # noqa: F401  (registers IPAexGothic so Japanese labels render)
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..core.qkv import softmax

__all__ = [
    "MAX_LINE_WIDTH",
    "attention_heatmap",
    "encoder_block",
    "encoder_decoder_schematic",
    "layer_stack",
    "new_axes",
    "reading_directions",
    "self_attention_lines",
    "seq2seq_schematic",
    "softmax_rows",
    "star",
    "worked_steps",
]

#: Line width (points) of a weight of 1.0 in :func:`star` and :func:`self_attention_lines`.
MAX_LINE_WIDTH = 12.0
ACCENT = "#d62728"
BASE = "#1f77b4"
MUTED = "#7f7f7f"


def new_axes(ax: Axes | None, size: tuple[float, float], layout: str | None = None) -> tuple[Figure, Axes]:
    """``(figure, ax)``: the given axes and their figure, or a new figure of ``size`` inches."""
    if ax is None:
        fig, ax = plt.subplots(figsize=size, layout=layout)
        return fig, ax
    return ax.figure, ax  # type: ignore[return-value]


def _box(ax: Axes, x: float, y: float, w: float, h: float, text: str, color: str, fontsize: float = 11) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08", fc=color, ec="black", lw=1
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], color: str = "black") -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=color, lw=1.4))


# --- chapter 1: which words to look at ----------------------------------------------------------


def star(
    row: Sequence[float], tokens: Sequence[str], center: int, *, title: str = "", ax: Axes | None = None
) -> Figure:
    """One word (★) in the centre, every other token around it, line width = the weight to it.

    ``row`` is one row of an attention matrix (the centre token's weights, summing to 1).
    One line per other token is drawn (in token order), ``linewidth = MAX_LINE_WIDTH * weight``.
    """
    weights = np.asarray(row, dtype=float)
    fig, ax = new_axes(ax, (7.5, 6.0))
    others = [j for j in range(len(tokens)) if j != center]
    angles = np.linspace(np.pi, -np.pi, len(others), endpoint=False) + np.pi / 2 / len(others)
    for j, angle in zip(others, angles, strict=True):
        x, y = math.cos(angle), math.sin(angle)
        w = float(weights[j])
        ax.plot([0, x * 0.82], [0, y * 0.82], color="#dddddd", lw=0.8, ls=":", zorder=0)  # guide
        ax.plot(
            [0, x * 0.82],
            [0, y * 0.82],
            color=ACCENT,
            lw=MAX_LINE_WIDTH * w,
            solid_capstyle="round",
            zorder=1,
            label=f"weight:{tokens[j]}",
        )
        ax.text(
            x,
            y,
            tokens[j],
            ha="center",
            va="center",
            fontsize=14,
            zorder=3,
            bbox={"boxstyle": "round", "fc": "white", "ec": MUTED},
        )
        ax.text(
            x * 0.55 + 0.06 * -y,
            y * 0.55 + 0.06 * x,
            f"{w:.2f}",
            ha="center",
            va="center",
            fontsize=10,
            color="black",
            zorder=2,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
        )
    ax.text(
        0,
        0,
        f"★ {tokens[center]}",
        ha="center",
        va="center",
        fontsize=16,
        zorder=4,
        bbox={"boxstyle": "round", "fc": "#ffe9a8", "ec": "black"},
    )
    ax.text(
        0, -0.17, f"自分自身: {float(weights[center]):.2f}", ha="center", va="top", fontsize=9, color=MUTED, zorder=4
    )
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.25, 1.25)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=12)
    return fig


def seq2seq_schematic(*, ax: Axes | None = None) -> Figure:
    """Schematic (not model output): one decoder step of a translation looks at the encoder's words."""
    fig, ax = new_axes(ax, (5.0, 4.2))
    source = ["The", "cat", "sat", "on", "the", "mat"]
    target = ["猫", "が", "マット", "の", "上", "に", "座った"]
    made_up = [0.05, 0.80, 0.05, 0.03, 0.02, 0.05]  # illustrative weights for the step producing 「猫」
    xs = np.linspace(0.08, 0.92, len(source))
    xt = np.linspace(0.06, 0.94, len(target))
    for x, word in zip(xs, source, strict=True):
        ax.text(
            x,
            0.12,
            word,
            ha="center",
            va="center",
            fontsize=11,
            bbox={"boxstyle": "round", "fc": "#dbe9f6", "ec": BASE},
        )
    for i, (x, word) in enumerate(zip(xt, target, strict=True)):
        style = {"fc": "#ffe9a8", "ec": "black"} if i == 0 else {"fc": "white", "ec": "#cccccc"}
        ax.text(
            x,
            0.82,
            word,
            ha="center",
            va="center",
            fontsize=11,
            color="black" if i == 0 else "#aaaaaa",
            bbox={"boxstyle": "round", **style},
        )
    for x, w in zip(xs, made_up, strict=True):
        ax.plot([xt[0], x], [0.76, 0.18], color=ACCENT, lw=MAX_LINE_WIDTH * w, alpha=0.8, solid_capstyle="round")
    ax.text(0.5, 0.0, "エンコーダ（英語の入力）", ha="center", va="center", fontsize=10, color=BASE)
    ax.text(0.5, 0.95, "デコーダ（日本語を1語ずつ生成）", ha="center", va="center", fontsize=10)
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.05, 1.02)
    ax.axis("off")
    ax.set_title("Attention（seq2seq）: 模式図（数値は説明用）", fontsize=11)
    return fig


def self_attention_lines(
    matrix: np.ndarray,
    tokens: Sequence[str],
    *,
    highlight: int | None = None,
    title: str = "",
    ax: Axes | None = None,
) -> Figure:
    """The sentence looking at itself: tokens left (queries) and right (keys), a line per pair.

    Line width is proportional to the weight; with ``highlight`` only that query's lines are coloured.
    """
    matrix = np.asarray(matrix, dtype=float)
    n = len(tokens)
    fig, ax = new_axes(ax, (4.2, 4.2))
    ys = np.linspace(0.92, 0.08, n)
    for i in range(n):
        for j in range(n):
            on = highlight is None or i == highlight
            ax.plot(
                [0.3, 0.7],
                [ys[i], ys[j]],
                color=ACCENT if on else "#bbbbbb",
                lw=MAX_LINE_WIDTH * 0.5 * matrix[i, j],
                alpha=0.85 if on else 0.35,
                solid_capstyle="butt",
            )
    for y, t in zip(ys, tokens, strict=True):
        ax.text(0.28, y, t, ha="right", va="center", fontsize=10)
        ax.text(0.72, y, t, ha="left", va="center", fontsize=10)
    ax.text(0.28, 1.0, "見る側", ha="right", fontsize=9, color=MUTED)
    ax.text(0.72, 1.0, "見られる側", ha="left", fontsize=9, color=MUTED)
    ax.set_xlim(0, 1)
    ax.set_ylim(0.02, 1.04)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def attention_heatmap(
    matrix: np.ndarray,
    tokens: Sequence[str],
    *,
    title: str = "",
    fmt: str = "{:.2f}",
    cmap: str = "Reds",
    annot_size: float = 7,
    ax: Axes | None = None,
) -> Figure:
    """A T x T matrix as a grid: row = the token that looks (query), column = the token looked at (key)."""
    matrix = np.asarray(matrix, dtype=float)
    fig, ax = new_axes(ax, (5.0, 4.5))
    ax.imshow(matrix, cmap=cmap)
    n = len(tokens)
    ax.set_xticks(range(n), tokens, rotation=60, fontsize=9)
    ax.set_yticks(range(n), tokens, fontsize=9)
    ax.set_xlabel("見られる側（Key）", fontsize=9)
    ax.set_ylabel("見る側（Query）", fontsize=9)
    lo, hi = float(matrix.min()), float(matrix.max())
    for i in range(n):
        for j in range(n):
            dark = hi > lo and (matrix[i, j] - lo) / (hi - lo) > 0.6
            ax.text(
                j,
                i,
                fmt.format(matrix[i, j]),
                ha="center",
                va="center",
                fontsize=annot_size,
                color="white" if dark else "black",
            )
    if title:
        ax.set_title(title, fontsize=11)
    return fig


def worked_steps(scores: np.ndarray, scaled: np.ndarray, probs: np.ndarray, tokens: Sequence[str], d_k: int) -> Figure:
    """The three matrices of the worked example side by side: Q K^T, / sqrt(d_k), softmax."""
    fig, axes = plt.subplots(1, 3, figsize=(10, 4.0), layout="constrained")
    attention_heatmap(scores, tokens, title="① スコア Q·K^T", fmt="{:.0f}", cmap="Blues", annot_size=8.5, ax=axes[0])
    attention_heatmap(
        scaled, tokens, title=f"② ÷√d_k（d_k = {d_k}）", fmt="{:.1f}", cmap="Blues", annot_size=8, ax=axes[1]
    )
    attention_heatmap(probs, tokens, title="③ 行ごとに softmax", fmt="{:.2f}", annot_size=7.5, ax=axes[2])
    for ax in axes[1:]:
        ax.set_ylabel("")
    return fig


def softmax_rows(
    scaled_row: np.ndarray,
    unscaled_row: np.ndarray,
    tokens: Sequence[str],
    *,
    query: str,
    d_k: int,
    ax: Axes | None = None,
) -> Figure:
    """Softmax of one row with and without the 1/sqrt(d_k) scaling, as grouped bars."""

    fig, ax = new_axes(ax, (8.0, 3.4))
    x = np.arange(len(tokens))
    ax.bar(x - 0.2, softmax(np.asarray(scaled_row, float)), width=0.4, color=ACCENT, label=f"softmax(スコア ÷ √{d_k})")
    ax.bar(
        x + 0.2, softmax(np.asarray(unscaled_row, float)), width=0.4, color=MUTED, label="softmax(スコア)（割らない）"
    )
    ax.set_xticks(x, tokens)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("重み（合計 1）")
    ax.set_title(f"「{query}」の行: スケーリングの有無で softmax がどう変わるか", fontsize=11)
    ax.legend(fontsize=9, loc="upper right")
    fig.tight_layout()
    return fig


# --- chapter 2: Transformer and BERT ------------------------------------------------------------


def encoder_decoder_schematic() -> Figure:
    """Schematic: encoder-decoder (translation) on the left, encoder only (BERT) on the right."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    for ax in (left, right):
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.axis("off")
    _box(left, 0.4, 0.1, 0.62, 0.13, "The cat sat on the mat", "#dbe9f6", 12)
    _box(left, 0.24, 0.5, 0.3, 0.2, "エンコーダ\n（入力を読む）", "#dbe9f6", 13)
    _box(left, 0.76, 0.5, 0.3, 0.2, "デコーダ\n（出力を書く）", "#fde2c8", 13)
    _box(left, 0.74, 0.9, 0.44, 0.13, "猫がマットの上に座った", "#fde2c8", 12)
    _arrow(left, (0.33, 0.17), (0.27, 0.39))
    _arrow(left, (0.39, 0.5), (0.61, 0.5))
    _arrow(left, (0.75, 0.61), (0.75, 0.83))
    left.text(0.5, 0.54, "ベクトル", ha="center", fontsize=10, color=MUTED)
    left.set_title("エンコーダ・デコーダ（翻訳, Vaswani ら（2017））", fontsize=13)

    _box(right, 0.5, 0.1, 0.92, 0.13, "[CLS] The cat sat on the mat [SEP]", "#dbe9f6", 12)
    _box(right, 0.5, 0.5, 0.44, 0.2, "エンコーダ × 何層も\n（双方向に読む）", "#dbe9f6", 13)
    _box(right, 0.5, 0.9, 0.8, 0.13, "各トークンの文脈つきベクトル", "#e2f0d9", 12)
    _arrow(right, (0.5, 0.17), (0.5, 0.39))
    _arrow(right, (0.5, 0.61), (0.5, 0.83))
    right.set_title("エンコーダのみ（BERT, Devlin ら（2019））", fontsize=13)
    return fig


def encoder_block(*, ax: Axes | None = None) -> Figure:
    """One encoder layer: Self-Attention and FFN, each followed by a residual addition and LayerNorm."""
    fig, ax = new_axes(ax, (6.4, 6.0))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    x = 0.42
    steps = [  # (y, text, colour)
        (0.06, "入力：各トークンのベクトル x", "#dbe9f6"),
        (0.2, "Multi-Head Self-Attention", "#fde2c8"),
        (0.38, "LayerNorm", "#f2f2f2"),
        (0.56, "FFN（トークンごとの 2 層の全結合）", "#e2f0d9"),
        (0.74, "LayerNorm", "#f2f2f2"),
        (0.92, "出力（次の層の入力）", "#dbe9f6"),
    ]
    for y, text, color in steps:
        _box(ax, x, y, 0.62, 0.09, text, color, 11)
    for (y0, _, _), (y1, _, _) in itertools.pairwise(steps):
        _arrow(ax, (x, y0 + 0.05), (x, y1 - 0.05))
    # residual connections: around the attention and around the FFN, added before each LayerNorm
    right = x + 0.38
    for y_from, y_plus in ((0.13, 0.29), (0.47, 0.65)):
        ax.plot([x, right, right], [y_from, y_from, y_plus], color=ACCENT, lw=1.4)
        _arrow(ax, (right, y_plus), (x + 0.03, y_plus), color=ACCENT)
        ax.text(
            x,
            y_plus,
            "＋",
            ha="center",
            va="center",
            fontsize=12,
            color=ACCENT,
            bbox={"boxstyle": "circle,pad=0.1", "fc": "white", "ec": ACCENT},
        )
    ax.text(right + 0.02, 0.21, "残差接続\n（入力を\nそのまま足す）", ha="left", va="center", fontsize=10, color=ACCENT)
    ax.text(right + 0.02, 0.56, "残差接続", ha="left", va="center", fontsize=10, color=ACCENT)
    ax.set_title("エンコーダの 1 層（BERT はこれを積み重ねる）", fontsize=12)
    return fig


def reading_directions(tokens: Sequence[str], focus: int) -> Figure:
    """Which words ``tokens[focus]`` may look at: left-to-right (GPT-style) vs both directions (BERT)."""
    fig, axes = plt.subplots(2, 1, figsize=(8.5, 3.4), layout="constrained")
    xs = np.linspace(0.07, 0.93, len(tokens))
    rows = [
        ("左から右へ（GPT など）: 自分より左だけを見られる", lambda j: j <= focus),
        ("双方向（BERT）: 左右すべてを見られる", lambda j: True),
    ]
    for ax, (title, allowed) in zip(axes, rows, strict=True):
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.axis("off")
        ax.set_title(title, fontsize=13, loc="left")
        for j, (x, t) in enumerate(zip(xs, tokens, strict=True)):
            ok = allowed(j)
            fc = "#ffe9a8" if j == focus else ("#dbe9f6" if ok else "#f2f2f2")
            ax.text(
                x,
                0.25,
                t,
                ha="center",
                va="center",
                fontsize=13,
                color="black" if ok else "#b0b0b0",
                bbox={"boxstyle": "round", "fc": fc, "ec": "black" if ok else "#d0d0d0"},
            )
            if ok and j != focus:
                ax.add_patch(
                    FancyArrowPatch(
                        (xs[focus], 0.45),
                        (x, 0.45),
                        connectionstyle="arc3,rad=-0.35",
                        arrowstyle="-|>",
                        mutation_scale=10,
                        color=ACCENT,
                        lw=1.2,
                    )
                )
    return fig


def layer_stack(n_layers: int, *, ax: Axes | None = None) -> Figure:
    """The model's layers stacked from input (bottom) to output (top), numbered from 0 as in BERTviz."""
    fig, ax = new_axes(ax, (7.5, 0.42 * n_layers + 1.2))
    h = 1.0
    total = n_layers + 2
    _box(ax, 0.5, 0.5, 1.0, 0.7, "入力: [CLS] the cat sat on the mat [SEP]（埋め込み）", "#dbe9f6", 12)
    for i in range(n_layers):
        y = 1.5 + i * h
        color = "#fde2c8" if i == n_layers - 1 else "white"
        _box(ax, 0.5, y, 0.56, 0.72, f"Layer {i}（Self-Attention + FFN）", color, 12)
        ax.text(0.82, y, f"論文では第 {i + 1} 層", ha="left", va="center", fontsize=11, color=MUTED)
    _box(ax, 0.5, total - 0.5, 1.0, 0.7, "出力: 各トークンの文脈つきベクトル", "#e2f0d9", 12)
    for i in range(n_layers + 1):
        _arrow(ax, (0.5, 0.85 + i * h), (0.5, 1.14 + i * h))
    ax.text(0.18, 1.5, "BERTviz の番号", ha="right", va="center", fontsize=11, color=MUTED)
    ax.set_xlim(-0.05, 1.1)
    ax.set_ylim(0, total)
    ax.axis("off")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    return fig
