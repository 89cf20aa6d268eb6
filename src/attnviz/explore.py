"""Exploring many inputs at once: where does attention go, layer by layer, and which head links two words.

Compute once, draw many: :func:`layer_shares` and :func:`strongest_head` are pure functions of weight
arrays (tests feed them constructed arrays); :func:`plot_layer_shares` only draws.

Every query token's attention (a row of weights, summing to 1) is split into four parts, in this order
of priority so that the parts never overlap:

1. ``cls``:  attention to ``[CLS]``;
2. ``sep``:  attention to any ``[SEP]``;
3. ``self``: attention to the query token itself (when it is neither ``[CLS]`` nor ``[SEP]``);
4. ``rest``: attention to every other token.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .attention import AttentionResult
    from .models import LoadedModel

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "EXAMPLE_PAIRS",
    "EXAMPLE_SINGLES",
    "GROUP_LABELS",
    "PHRASE_KEYS",
    "PRONOUN_SENTENCE",
    "HeadHit",
    "LayerShares",
    "describe_layer_shares",
    "example_results",
    "find_head",
    "layer_groups",
    "layer_shares",
    "plot_layer_shares",
    "shares_by_head",
    "strongest_head",
    "target_masks",
]

#: The pronoun sentence of the mini work: which head links "it" to "animal"?
PRONOUN_SENTENCE = "The animal didn't cross the street because it was too tired."

#: Single sentences of the course (short, simple English, as in the session).
EXAMPLE_SINGLES: tuple[str, ...] = (
    "The cat sat on the mat",
    "She loves programming.",
    PRONOUN_SENTENCE,
    "The dog chased the ball in the park.",
    "My sister bought a new red bicycle yesterday.",
    "Birds sing early in the morning.",
)

#: Sentence pairs (sentence A, sentence B), as BERT reads them: [CLS] A [SEP] B [SEP].
EXAMPLE_PAIRS: tuple[tuple[str, str], ...] = (
    ("The cat sat on the mat", "The cat lay on the rug"),
    ("The cat sat.", "The dog barked."),
    ("I opened the window.", "Fresh air came into the room."),
    ("He missed the bus.", "So he was late for school."),
)

#: Keys of the four parts, in the column order of :attr:`LayerShares.shares`.
CATEGORIES: tuple[str, ...] = ("cls", "sep", "self", "rest")
#: Japanese labels for figures and tables.
CATEGORY_LABELS: dict[str, str] = {"cls": "[CLS]", "sep": "[SEP]", "self": "自分自身", "rest": "その他の単語"}
_COLORS = {"cls": "#2a9d8f", "sep": "#e76f51", "self": "#8d99ae", "rest": "#264653"}


def target_masks(tokens: Sequence[str], cls_token: str = "[CLS]", sep_token: str = "[SEP]") -> np.ndarray:
    """Boolean masks ``(4, T, T)``: ``masks[c, i, j]`` says that query ``i`` -> key ``j`` belongs to part ``c``.

    The four masks partition every ``(i, j)``: each cell is in exactly one part (see the module doc).

    >>> m = target_masks(["[CLS]", "hi", "[SEP]"])
    >>> m.sum(axis=0).min(), m.sum(axis=0).max()
    (np.int64(1), np.int64(1))
    >>> m[2].astype(int).tolist()  # "self" only for the word "hi"
    [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    """
    n = len(tokens)
    is_cls = np.array([t == cls_token for t in tokens])
    is_sep = np.array([t == sep_token for t in tokens])
    cls = np.broadcast_to(is_cls[None, :], (n, n))  # (T, T): key j is [CLS]
    sep = np.broadcast_to(is_sep[None, :], (n, n)) & ~cls
    self_ = np.eye(n, dtype=bool) & ~cls & ~sep
    rest = ~(cls | sep | self_)
    return np.stack([cls, sep, self_, rest])  # (4, T, T)


def shares_by_head(weights: np.ndarray, tokens: Sequence[str]) -> np.ndarray:
    """Share of attention per part for each layer and head, averaged over query tokens: ``(L, H, 4)``.

    ``weights`` is ``(L, H, T, T)`` with rows summing to 1, so each ``[l, h, :]`` sums to 1.
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 4 or weights.shape[2] != weights.shape[3] or weights.shape[3] != len(tokens):
        raise ValueError(f"weights must be (layers, heads, {len(tokens)}, {len(tokens)}), got {weights.shape}")
    masks = target_masks(tokens).astype(np.float64)  # (4, T, T)
    per_query = np.einsum("lhij,cij->lhci", weights, masks)  # (L, H, 4, T)
    return per_query.mean(axis=-1)  # (L, H, 4)


@dataclass(frozen=True, eq=False)
class LayerShares:
    """Per layer, the share of attention that goes to [CLS], [SEP], the token itself and the rest.

    ``shares`` is ``(layers, 4)`` in the order of :data:`CATEGORIES`, averaged over heads, query tokens
    and inputs (each input counts equally); every row sums to 1.
    """

    shares: np.ndarray  # (L, 4)
    n_inputs: int

    @property
    def n_layers(self) -> int:
        return int(self.shares.shape[0])

    def of(self, category: str) -> np.ndarray:
        """The ``(layers,)`` column of one part (``"cls"``, ``"sep"``, ``"self"`` or ``"rest"``)."""
        return self.shares[:, CATEGORIES.index(category)]

    def peak_layer(self, category: str) -> int:
        """The layer (from 0) where a part's share is largest."""
        return int(np.argmax(self.of(category)))

    def group_means(self) -> dict[str, np.ndarray]:
        """Mean shares ``(4,)`` of the shallow, middle and deep layers (see :func:`layer_groups`)."""
        return {name: self.shares[list(layers)].mean(axis=0) for name, layers in layer_groups(self.n_layers).items()}


def layer_groups(n_layers: int) -> dict[str, range]:
    """Split the layers into thirds: ``shallow``, ``middle``, ``deep`` (BERT-base: 0-3, 4-7, 8-11).

    >>> {k: list(v) for k, v in layer_groups(6).items()}
    {'shallow': [0, 1], 'middle': [2, 3], 'deep': [4, 5]}
    """
    if n_layers < 3:
        raise ValueError("need at least 3 layers to split into shallow, middle and deep")
    a, b = round(n_layers / 3), round(2 * n_layers / 3)
    return {"shallow": range(0, a), "middle": range(a, b), "deep": range(b, n_layers)}


#: Keys of :func:`describe_layer_shares` whose values are whole phrases (glue them as Markdown and paste
#: with ``{glue:md}``; the other values are short numbers for ``{glue:text}``).
PHRASE_KEYS: frozenset[str] = frozenset(
    {"shallow", "middle", "deep", "middle_parking", "rest_trend", "rest_trend_note", "cls_first_compare"}
)

GROUP_LABELS: dict[str, str] = {"shallow": "浅い層", "middle": "中間の層", "deep": "深い層"}


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _layer_range(layers: range) -> str:
    return f"Layer {layers[0]}" if len(layers) == 1 else f"Layer {layers[0]}〜{layers[-1]}"


def describe_layer_shares(shares: LayerShares) -> dict[str, str]:
    """Numbers and Japanese phrases about a :class:`LayerShares`, ready to glue into a page.

    The phrases are chosen from the numbers, so the text stays true for whichever model built the page.
    Keys: ``n_inputs``, ``cls_first``, ``sep_first``, ``cls_peak_layer``, ``cls_peak``, ``sep_peak_layer``,
    ``sep_peak``, ``sep_peak_group``, ``cls_peak_group``, ``cls_first_compare``, ``rest_first``, ``rest_last``,
    ``shallow``/``middle``/``deep`` (a phrase per group of layers, see :func:`layer_groups`),
    ``middle_parking`` (which special token collects the middle layers' attention,
    compared with Clark et al.'s BERT-base), ``rest_trend``, ``rest_trend_note``.
    """
    cls, sep, rest = shares.of("cls"), shares.of("sep"), shares.of("rest")
    groups = layer_groups(shares.n_layers)
    means = shares.group_means()
    out = {
        "n_inputs": str(shares.n_inputs),
        "cls_first": _pct(cls[0]),
        "sep_first": _pct(sep[0]),
        "cls_peak_layer": str(shares.peak_layer("cls")),
        "cls_peak": _pct(cls.max()),
        "sep_peak_layer": str(shares.peak_layer("sep")),
        "sep_peak": _pct(sep.max()),
        "rest_first": _pct(rest[0]),
        "rest_last": _pct(rest[-1]),
    }
    out["sep_peak_group"] = next(GROUP_LABELS[k] for k, v in groups.items() if shares.peak_layer("sep") in v)
    out["cls_peak_group"] = next(GROUP_LABELS[k] for k, v in groups.items() if shares.peak_layer("cls") in v)
    later = float(cls[1:].mean())
    out["cls_first_compare"] = (
        f"Layer 0 で [CLS] に向かう注意は {_pct(cls[0])} で、それより後の層の平均（{_pct(later)}）より"
        + ("大きくなっています" if cls[0] > later else "小さくなっています")
    )
    for name, layers in groups.items():
        m = means[name]
        top = CATEGORIES[int(np.argmax(m))]
        out[name] = (
            f"{GROUP_LABELS[name]}（{_layer_range(layers)}）では、いちばん多くの注意が"
            f"「{CATEGORY_LABELS[top]}」に向かいます（{_pct(m[CATEGORIES.index(top)])}）。"
            f"[CLS] と [SEP] を合わせると {_pct(m[0] + m[1])}、"
            f"それ以外の単語（自分自身を含む）は {_pct(m[2] + m[3])} です"
        )
    mid_cls, mid_sep = means["middle"][0], means["middle"][1]
    if mid_sep > 0.5:
        out["middle_parking"] = (
            f"このモデルでも、中間の層では注意の半分以上（{_pct(mid_sep)}）が [SEP] に向かっていて、"
            "Clark らが BERT-base で報告した傾向と同じです"
        )
    elif mid_sep >= mid_cls:
        out["middle_parking"] = (
            f"このモデルでも、中間の層で最も多くの注意を集める特殊トークンは [SEP] です（{_pct(mid_sep)}、"
            f"[CLS] は {_pct(mid_cls)}）。Clark らが BERT-base で見た「半分以上」ほどではありませんが、向きは同じです"
        )
    else:
        out["middle_parking"] = (
            f"このモデルでは、中間の層の注意は [SEP]（{_pct(mid_sep)}）よりも "
            f"[CLS]（{_pct(mid_cls)}）に集まっています。"
            "Clark らの BERT-base では [SEP] がこの役でした。どの特殊トークンが「注意の置き場」になるかは、"
            "モデルによって違うということです"
        )
    shallow_rest, deep_rest = means["shallow"][3], means["deep"][3]
    if deep_rest > shallow_rest + 0.02:
        trend = "増えます"
    elif deep_rest < shallow_rest - 0.02:
        trend = "減ります"
    else:
        trend = "ほとんど変わりません"
    out["rest_trend_note"] = (
        "このモデルでは、深い層ほど単語どうしを見る割合が増えています"
        if trend == "増えます"
        else "少なくともこのモデルでは、「深い層ほど単語どうしをたくさん見る」とは限らないということです"
    )
    out["rest_trend"] = (
        f"「その他の単語」に向かう注意は、浅い層（{_pct(shallow_rest)}）から深い層（{_pct(deep_rest)}）にかけて{trend}"
    )
    return out


def layer_shares(results: Iterable[AttentionResult]) -> LayerShares:
    """Average :func:`shares_by_head` over heads and over inputs: one row of four shares per layer."""
    per_input = [shares_by_head(r.weights, r.tokens).mean(axis=1) for r in results]  # each (L, 4)
    if not per_input:
        raise ValueError("layer_shares needs at least one result")
    shares = np.mean(per_input, axis=0)
    shares.flags.writeable = False
    return LayerShares(shares=shares, n_inputs=len(per_input))


def example_results(model: LoadedModel | None = None) -> tuple[AttentionResult, ...]:
    """:func:`~attnviz.attend` on every example: the singles, then the pairs."""
    from .attention import attend

    singles = [attend(s, model=model) for s in EXAMPLE_SINGLES]
    pairs = [attend(a, b, model=model) for a, b in EXAMPLE_PAIRS]
    return (*singles, *pairs)


@dataclass(frozen=True)
class HeadHit:
    """The layer and head (both from 0) where a query token attends most to a key token, and the weight."""

    layer: int
    head: int
    weight: float
    query: int  #: position of the query token
    key: int  #: position of the key token


def strongest_head(weights: np.ndarray, query: int, key: int) -> HeadHit:
    """Find the ``(layer, head)`` where ``weights[layer, head, query, key]`` is largest.

    >>> w = np.zeros((2, 3, 4, 4)); w[1, 2, 3, 0] = 0.9
    >>> strongest_head(w, query=3, key=0)
    HeadHit(layer=1, head=2, weight=0.9, query=3, key=0)
    """
    weights = np.asarray(weights)
    column = weights[:, :, query, key]  # (L, H)
    layer, head = np.unravel_index(int(np.argmax(column)), column.shape)
    return HeadHit(int(layer), int(head), float(column[layer, head]), query, key)


def find_head(result: AttentionResult, query_token: str, key_token: str) -> HeadHit:
    """:func:`strongest_head` for two tokens given as text (their first occurrence), e.g. ``"it"``, ``"animal"``."""
    return strongest_head(result.weights, result.index(query_token), result.index(key_token))


def plot_layer_shares(shares: LayerShares, ax: Any = None, *, model_name: str | None = None) -> Figure:
    """Stacked bars: per layer (from 0), the share of attention to [CLS], [SEP], itself and the rest."""
    from .figures import new_axes  # matplotlib with Japanese glyphs

    fig, ax = new_axes(ax, (7.5, 3.8), layout="constrained")
    layers = np.arange(shares.n_layers)
    bottom = np.zeros(shares.n_layers)
    for category in CATEGORIES:
        values = shares.of(category)
        ax.bar(layers, values, bottom=bottom, color=_COLORS[category], label=CATEGORY_LABELS[category], width=0.75)
        for x, (v, b) in enumerate(zip(values, bottom, strict=True)):
            if v >= 0.08:
                ax.text(x, b + v / 2, f"{v:.0%}", ha="center", va="center", color="white", fontsize=8)
        bottom += values
    ax.set_xticks(layers, [str(i) for i in layers])
    ax.set_xlabel("Layer（0 から数える）")
    ax.set_ylabel("注意の割合")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    title = f"層ごとの注意の行き先（例文 {shares.n_inputs} 件の平均）"
    if model_name:
        title += f"\n{model_name}"
    ax.set_title(title, fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
