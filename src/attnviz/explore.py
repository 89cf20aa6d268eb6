"""Where does attention go, layer by layer: measured over the course sentences, set beside Clark et al. (2019).

Compute once, draw many: :func:`layer_shares` is a pure function of weight arrays (tests feed it
constructed arrays); :func:`plot_layer_shares` only draws; the ``*_facts`` functions turn numbers into
facts and Japanese phrases for a page (glued with :func:`attnviz.page.glue_facts`).

Every query token's attention (a row of weights, summing to 1) is split into five parts, in this order
of priority so that the parts never overlap:

1. ``cls``:   attention to ``[CLS]``;
2. ``sep``:   attention to any ``[SEP]``;
3. ``punct``: attention to a punctuation token such as ``.`` or ``,`` (Clark et al. found that deep
   heads of BERT-base attend to periods and commas, so they must not be counted as "words");
4. ``self``:  attention to the query token itself (when it is none of the above);
5. ``rest``:  attention to every other token.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np

from .heads import find_head, is_punctuation
from .page import Md
from .roles import ROLE_TABLE

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .attention import AttentionResult
    from .models import LoadedModel

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "CLARK_STAGE",
    "GROUP_LABELS",
    "Category",
    "HeadContrast",
    "LayerShares",
    "clark_facts",
    "clark_layers",
    "clark_stages",
    "clark_table",
    "contrast_heads",
    "describe_layer_shares",
    "example_results",
    "layer_groups",
    "layer_shares",
    "plot_layer_shares",
    "pronoun_facts",
    "shares_by_head",
    "target_masks",
]

#: Where a query token's attention can go (see the module doc).
Category = Literal["cls", "sep", "punct", "self", "rest"]
#: The five parts, in the column order of :attr:`LayerShares.shares`.
CATEGORIES: tuple[Category, ...] = get_args(Category)
#: Japanese labels for figures and tables.
CATEGORY_LABELS: dict[Category, str] = {
    "cls": "[CLS]",
    "sep": "[SEP]",
    "punct": "句読点",
    "self": "自分自身",
    "rest": "その他のトークン",
}
# the same colours as the head roles of the same name (attnviz.roles), so that figures agree
_COLORS: dict[Category, str] = {
    "cls": ROLE_TABLE["[CLS]"].color,
    "sep": ROLE_TABLE["[SEP]"].color,
    "punct": ROLE_TABLE["punctuation"].color,
    "self": ROLE_TABLE["self"].color,
    "rest": "#264653",
}


def target_masks(tokens: Sequence[str], cls_token: str = "[CLS]", sep_token: str = "[SEP]") -> np.ndarray:
    """Boolean masks ``(5, T, T)``: ``masks[c, i, j]`` says that query ``i`` -> key ``j`` belongs to part ``c``.

    The five masks partition every ``(i, j)``: each cell is in exactly one part (see the module doc).

    >>> m = target_masks(["[CLS]", "hi", ".", "[SEP]"])
    >>> m.sum(axis=0).min(), m.sum(axis=0).max()
    (np.int64(1), np.int64(1))
    >>> m[2].astype(int).tolist()  # "punct": every query's attention to "."
    [[0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 1, 0], [0, 0, 1, 0]]
    >>> m[3].astype(int).tolist()  # "self" only for the word "hi"
    [[0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    """
    n = len(tokens)
    is_cls = np.array([t == cls_token for t in tokens])
    is_sep = np.array([t == sep_token for t in tokens])
    is_punct = np.array([is_punctuation(t) for t in tokens]) & ~is_cls & ~is_sep
    cls = np.broadcast_to(is_cls[None, :], (n, n))  # (T, T): key j is [CLS]
    sep = np.broadcast_to(is_sep[None, :], (n, n)) & ~cls
    punct = np.broadcast_to(is_punct[None, :], (n, n)) & ~cls & ~sep
    self_ = np.eye(n, dtype=bool) & ~cls & ~sep & ~punct
    rest = ~(cls | sep | punct | self_)
    return np.stack([cls, sep, punct, self_, rest])  # (5, T, T)


def shares_by_head(weights: np.ndarray, tokens: Sequence[str]) -> np.ndarray:
    """Share of attention per part for each layer and head, averaged over query tokens: ``(L, H, 5)``.

    ``weights`` is ``(L, H, T, T)`` with rows summing to 1, so each ``[l, h, :]`` sums to 1.
    """
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 4 or weights.shape[2] != weights.shape[3] or weights.shape[3] != len(tokens):
        raise ValueError(f"weights must be (layers, heads, {len(tokens)}, {len(tokens)}), got {weights.shape}")
    masks = target_masks(tokens).astype(np.float64)  # (5, T, T)
    per_query = np.einsum("lhij,cij->lhci", weights, masks)  # (L, H, 5, T)
    return per_query.mean(axis=-1)  # (L, H, 5)


@dataclass(frozen=True, eq=False)
class LayerShares:
    """Per layer, the share of attention that goes to [CLS], [SEP], punctuation, the token itself and the rest.

    ``shares`` is ``(layers, 5)`` in the order of :data:`CATEGORIES`, averaged over heads, query tokens
    and inputs (each input counts equally); every row sums to 1. ``mean_tokens`` is the inputs' mean
    length in tokens and ``special_uniform`` the share [CLS] and [SEP] would get if every token spread
    its attention evenly (their count / T, averaged over inputs): the floor that short inputs raise.
    """

    shares: np.ndarray  # (L, 5)
    n_inputs: int
    mean_tokens: float = float("nan")
    special_uniform: float = float("nan")

    @property
    def n_layers(self) -> int:
        return int(self.shares.shape[0])

    def of(self, category: Category) -> np.ndarray:
        """The ``(layers,)`` column of one part."""
        return self.shares[:, CATEGORIES.index(category)]

    def peak_layer(self, category: Category) -> int:
        """The layer (from 0) where a part's share is largest."""
        return int(np.argmax(self.of(category)))

    def mean_over(self, layers: Iterable[int]) -> np.ndarray:
        """Mean shares ``(5,)`` over some layers."""
        return self.shares[list(layers)].mean(axis=0)

    def group_means(self) -> dict[str, np.ndarray]:
        """Mean shares ``(5,)`` of the shallow, middle and deep layers (see :func:`layer_groups`)."""
        return {name: self.mean_over(layers) for name, layers in layer_groups(self.n_layers).items()}


def layer_groups(n_layers: int) -> dict[str, range]:
    """Split the layers into thirds: ``shallow``, ``middle``, ``deep`` (BERT-base: 0-3, 4-7, 8-11).

    >>> {k: list(v) for k, v in layer_groups(6).items()}
    {'shallow': [0, 1], 'middle': [2, 3], 'deep': [4, 5]}
    """
    if n_layers < 3:
        raise ValueError("need at least 3 layers to split into shallow, middle and deep")
    a, b = round(n_layers / 3), round(2 * n_layers / 3)
    return {"shallow": range(0, a), "middle": range(a, b), "deep": range(b, n_layers)}


def clark_layers(n_layers: int) -> range:
    """The layers (from 0) where Clark et al. (2019) report that over half of BERT-base's attention goes to [SEP].

    They name layers 6-10 counted from 1, i.e. Layer 5-9 of 12. Another model gets the same fraction of
    its depth: the layers whose middle lies between 5/12 and 10/12 of the stack.

    >>> list(clark_layers(12)), list(clark_layers(6)), list(clark_layers(24))
    ([5, 6, 7, 8, 9], [2, 3, 4], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    """
    if n_layers < 3:
        raise ValueError("need at least 3 layers")
    inside = [layer for layer in range(n_layers) if 5 / 12 <= (layer + 0.5) / n_layers <= 10 / 12]
    return range(inside[0], inside[-1] + 1)


#: Clark et al.'s three stages (their Fig. 2) and the part each stage's heads attend to most.
CLARK_STAGE: dict[str, Category] = {"early": "cls", "middle": "sep", "deep": "punct"}
_STAGE_LABELS = {"early": "浅い層", "middle": "中間の層", "deep": "深い層"}


def clark_stages(n_layers: int) -> dict[str, range]:
    """Early (before :func:`clark_layers`), middle (:func:`clark_layers`) and deep (after) layers.

    >>> {k: list(v) for k, v in clark_stages(12).items()}
    {'early': [0, 1, 2, 3, 4], 'middle': [5, 6, 7, 8, 9], 'deep': [10, 11]}
    >>> {k: list(v) for k, v in clark_stages(6).items()}
    {'early': [0, 1], 'middle': [2, 3, 4], 'deep': [5]}
    """
    mid = clark_layers(n_layers)
    return {"early": range(0, mid.start), "middle": mid, "deep": range(mid.stop, n_layers)}


GROUP_LABELS: dict[str, str] = {"shallow": "浅い層", "middle": "中間の層", "deep": "深い層"}


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _layer_range(layers: range) -> str:
    return f"Layer {layers[0]}" if len(layers) == 1 else f"Layer {layers[0]}〜{layers[-1]}"


def _trend(first: float, last: float) -> str:
    if last > first + 0.02:
        return "増えます"
    if last < first - 0.02:
        return "減ります"
    return "ほとんど変わりません"


def describe_layer_shares(shares: LayerShares) -> dict[str, str]:
    """Numbers and Japanese phrases about a :class:`LayerShares`, ready for :func:`attnviz.page.glue_facts`.

    The phrases (:class:`~attnviz.page.Md` values) are chosen from the numbers, so the text stays true for
    whichever model built the page. Keys: ``n_inputs``, ``mean_tokens``, ``special_uniform``,
    ``cls_first``, ``sep_first``, ``cls_peak_layer``, ``cls_peak``, ``sep_peak_layer``, ``sep_peak``,
    ``punct_peak_layer``, ``punct_peak``, ``shallow``/``middle``/``deep`` (a phrase per third of the layers,
    see :func:`layer_groups`), ``cls_first_compare``, ``rest_trend``, ``punct_trend``, ``rest_trend_note``.
    """
    cls, sep = shares.of("cls"), shares.of("sep")
    groups = layer_groups(shares.n_layers)
    means = shares.group_means()
    out: dict[str, str] = {
        "n_inputs": str(shares.n_inputs),
        "mean_tokens": f"{shares.mean_tokens:.1f}",
        "special_uniform": _pct(shares.special_uniform),
        "cls_first": _pct(cls[0]),
        "sep_first": _pct(sep[0]),
        "cls_peak_layer": str(shares.peak_layer("cls")),
        "cls_peak": _pct(cls.max()),
        "sep_peak_layer": str(shares.peak_layer("sep")),
        "sep_peak": _pct(sep.max()),
        "punct_peak_layer": str(shares.peak_layer("punct")),
        "punct_peak": _pct(shares.of("punct").max()),
    }
    later = float(cls[1:].mean())
    out["cls_first_compare"] = Md(
        f"Layer 0 で [CLS] に向かう Attention は {_pct(cls[0])} で、それより後の層の平均（{_pct(later)}）より"
        + ("大きくなっています" if cls[0] > later else "小さくなっています")
    )
    i = CATEGORIES.index
    for name, layers in groups.items():
        m = means[name]
        top = CATEGORIES[int(np.argmax(m))]
        out[name] = Md(
            f"{GROUP_LABELS[name]}（{_layer_range(layers)}）では、いちばん多くの Attention が"
            f"「{CATEGORY_LABELS[top]}」に向かいます（{_pct(m[i(top)])}）。"
            f"[CLS] と [SEP] を合わせると {_pct(m[i('cls')] + m[i('sep')])}、句読点は {_pct(m[i('punct')])}、"
            f"自分自身を含むその他のトークンは {_pct(m[i('self')] + m[i('rest')])} です"
        )
    shallow, deep = means["shallow"], means["deep"]
    rest_trend = _trend(shallow[i("rest")], deep[i("rest")])
    out["rest_trend"] = Md(
        f"「その他のトークン」（特殊トークンでも句読点でも自分自身でもないトークン）に向かう Attention は、"
        f"浅い層（{_pct(shallow[i('rest')])}）から深い層（{_pct(deep[i('rest')])}）にかけて{rest_trend}"
    )
    out["punct_trend"] = Md(
        f"句読点に向かう Attention は、浅い層（{_pct(shallow[i('punct')])}）から深い層（{_pct(deep[i('punct')])}）"
        f"にかけて{_trend(shallow[i('punct')], deep[i('punct')])}"
    )
    out["rest_trend_note"] = Md(
        "このモデルでは、句読点を別に数えても、深い層ほどほかの単語を見る割合が増えています"
        if rest_trend == "増えます"
        else "少なくともこのモデルでは、「深い層ほど単語どうしをたくさん見る」とは言えないということです"
    )
    return out


def layer_shares(results: Iterable[AttentionResult]) -> LayerShares:
    """Average :func:`shares_by_head` over heads and over inputs: one row of five shares per layer."""
    results = list(results)
    per_input = [shares_by_head(r.weights, r.tokens).mean(axis=1) for r in results]  # each (L, 5)
    if not per_input:
        raise ValueError("layer_shares needs at least one result")
    shares = np.mean(per_input, axis=0)
    shares.flags.writeable = False
    special = [sum(t in ("[CLS]", "[SEP]") for t in r.tokens) / len(r.tokens) for r in results]
    return LayerShares(
        shares=shares,
        n_inputs=len(per_input),
        mean_tokens=float(np.mean([len(r.tokens) for r in results])),
        special_uniform=float(np.mean(special)),
    )


def example_results(model: LoadedModel | None = None) -> tuple[AttentionResult, ...]:
    """The course's short inputs run through the model (:func:`attnviz.sentences.course_results`)."""
    from .sentences import course_results

    return course_results(model)


def _paper_layers(layers: range) -> str:
    return f"第 {layers[0] + 1}〜{layers[-1] + 1} 層"


def clark_facts(short: LayerShares, long: LayerShares, long_tokens: int) -> dict[str, str]:
    """Facts for setting this model beside Clark et al. (2019), like for like.

    ``short`` is measured over the course's short inputs, ``long`` over the long passage pair
    (``long_tokens`` tokens). Keys: ``layers`` (Clark's layers, from 0), ``paper_layers`` (counted from
    1), ``sep_short``, ``sep_long``, ``long_tokens``, ``short_tokens``, ``uniform_short``, ``uniform_long``,
    ``sep_verdict`` (phrase), ``stage_<early|middle|deep>`` (phrase: what this model does in each of
    Clark's three stages on the long pair), ``stages_agree`` (how many of the three match Clark).
    """
    n = long.n_layers
    mid = clark_layers(n)
    i = CATEGORIES.index
    sep_short = float(short.mean_over(mid)[i("sep")])
    sep_long = float(long.mean_over(mid)[i("sep")])
    out: dict[str, str] = {
        "layers": _layer_range(mid),
        "paper_layers": _paper_layers(mid),
        "sep_short": _pct(sep_short),
        "sep_long": _pct(sep_long),
        "long_tokens": str(long_tokens),
        "short_tokens": f"{short.mean_tokens:.1f}",
        "uniform_short": _pct(short.special_uniform),
        "uniform_long": _pct(long.special_uniform),
    }
    if sep_long > 0.5:
        verdict = (
            f"長い入力でも Attention の半分以上（{_pct(sep_long)}）が [SEP] に向かい、"
            "Clark らの BERT-base と同じ結果です"
        )
    else:
        verdict = (
            f"長い 2 文で [SEP] に向かう割合は {_pct(sep_long)}（短い例文では {_pct(sep_short)}）で、"
            "Clark らの「半分以上」には届きません。"
        )
        if sep_short > sep_long + 0.05:
            verdict += "短い例文で多く見えた分の一部は、特殊トークンがトークン全体に占める割合が大きいせいです。"
        if sep_long < 0.1:
            verdict += "このモデルでは、[SEP] は大きな置き場になっていないということです"
        else:
            verdict += "このモデルでは、[SEP] は BERT-base ほど大きな置き場ではないということです"
    out["sep_verdict"] = Md(verdict)
    agree = 0
    for stage, layers in clark_stages(n).items():
        m = long.mean_over(layers)
        expected = CLARK_STAGE[stage]
        among: tuple[Category, ...] = ("cls", "sep", "punct")
        top = max(among, key=lambda c: m[i(c)])
        numbers = "、".join(f"{CATEGORY_LABELS[c]} {_pct(m[i(c)])}" for c in among)
        if top == expected:
            agree += 1
            tail = f"Clark らと同じく「{CATEGORY_LABELS[expected]}」がいちばん多くなっています"
        else:
            tail = (
                f"Clark らの「{CATEGORY_LABELS[expected]}」ではなく「{CATEGORY_LABELS[top]}」がいちばん多くなっています"
            )
        out[f"stage_{stage}"] = Md(f"{_STAGE_LABELS[stage]}（{_layer_range(layers)}）：{numbers}。{tail}")
    out["stages_agree"] = str(agree)
    return out


def clark_table(short: LayerShares, long: LayerShares) -> str:
    """A Markdown table: for each of Clark's three stages, the shares of [CLS], [SEP] and punctuation."""
    i = CATEGORIES.index
    rows = [
        "| 段階 | Layer | Clark らの BERT-base で多い相手 "
        "| 長い 2 文：[CLS] / [SEP] / 句読点 | 短い例文：[CLS] / [SEP] / 句読点 |",
        "|---|---|---|---|---|",
    ]
    for stage, layers in clark_stages(long.n_layers).items():
        cells = []
        for shares in (long, short):
            m = shares.mean_over(layers)
            cells.append(" / ".join(_pct(m[i(c)]) for c in ("cls", "sep", "punct")))
        expected = CATEGORY_LABELS[CLARK_STAGE[stage]]
        label = "「.」と「,」" if CLARK_STAGE[stage] == "punct" else expected
        rows.append(f"| {_STAGE_LABELS[stage]} | {_layer_range(layers)} | {label} | {cells[0]} | {cells[1]} |")
    return "\n".join(rows)


@dataclass(frozen=True)
class HeadContrast:
    """Two heads of one layer that look very differently at one input (heads counted from 0)."""

    layer: int
    special_head: int  #: the head with the most attention on [CLS] and [SEP]
    special_share: float
    word_head: int  #: another head with the most attention on "other tokens"
    word_share: float

    def facts(self) -> dict[str, str]:
        return {
            "layer": str(self.layer),
            "special_head": str(self.special_head),
            "special_share": _pct(self.special_share),
            "word_head": str(self.word_head),
            "word_share": _pct(self.word_share),
        }


def contrast_heads(result: AttentionResult, layer: int) -> HeadContrast:
    """In ``layer``, the head most on [CLS]+[SEP], and a different head most on "other tokens"."""
    per_head = shares_by_head(result.weights, result.tokens)[layer]  # (H, 5)
    i = CATEGORIES.index
    special = per_head[:, i("cls")] + per_head[:, i("sep")]
    head_special = int(np.argmax(special))
    words = per_head[:, i("rest")].copy()
    words[head_special] = -1.0  # two different heads
    head_words = int(np.argmax(words))
    return HeadContrast(layer, head_special, float(special[head_special]), head_words, float(words[head_words]))


def pronoun_facts(result: AttentionResult, counterfactual: AttentionResult) -> dict[str, str]:
    """Chapter 5's pronoun question, computed: which head links "it" to "animal", and what a changed sentence does.

    ``result`` is "... because it was too tired." and ``counterfactual`` "... because it was too wide."
    (where "it" means "street"). Keys: ``layer``, ``head``, ``name``, ``weight``, ``street``, ``mean``,
    ``spread`` (phrase), ``cf_animal``, ``cf_street`` (the same head on the changed sentence),
    ``cf_verdict`` (phrase), ``cf_best`` / ``cf_best_weight`` (the head with most "it" -> "street" there).
    """
    hit = find_head(result, query="it", key="animal")
    w = np.asarray(result.weights, dtype=np.float64)
    street = float(w[hit.layer, hit.head, hit.query, result.index("street")])
    mean = float(w[:, :, hit.query, hit.key].mean())
    cw = np.asarray(counterfactual.weights, dtype=np.float64)
    cq = counterfactual.index("it")
    cf_animal = float(cw[hit.layer, hit.head, cq, counterfactual.index("animal")])
    cf_street = float(cw[hit.layer, hit.head, cq, counterfactual.index("street")])
    cf_best = find_head(counterfactual, query="it", key="street")
    if cf_street > cf_animal:
        verdict = (
            f'変えた文では、このヘッドの「it」は "street" を {cf_street:.2f}、'
            f'"animal" を {cf_animal:.2f} の重みで見ていて、'
            '線は "street" の側に移りました。ただし 1 組の文だけでは、このヘッドが参照を解決しているとまでは言えません'
        )
    else:
        verdict = (
            f'変えた文でも、このヘッドの「it」は "animal" を {cf_animal:.2f}、'
            f'"street" を {cf_street:.2f} の重みで見ていて、'
            '線は "street" に移りませんでした。このヘッドは文の意味で参照先を選んでいるのではなく、'
            '別の手がかり（位置や語の種類など）で "animal" を見ていると考えるほうが自然です'
        )
    return {
        "layer": str(hit.layer),
        "head": str(hit.head),
        "name": hit.name,
        "weight": f"{hit.score:.2f}",
        "street": f"{street:.2f}",
        "mean": f"{mean:.2f}",
        "spread": Md(
            "つまり、このつながりはどこにでもあるわけではなく、特定のヘッドに強く現れています。"
            if hit.score >= 3 * mean
            else "最大のヘッドと平均の差は大きくなく、このつながりは多くのヘッドに薄く広がっています。"
        ),
        "cf_animal": f"{cf_animal:.2f}",
        "cf_street": f"{cf_street:.2f}",
        "cf_verdict": Md(verdict),
        "cf_best": cf_best.name,
        "cf_best_weight": f"{cf_best.score:.2f}",
    }


def plot_layer_shares(
    shares: LayerShares, ax: Any = None, *, model_name: str | None = None, title: str | None = None
) -> Figure:
    """Stacked bars: per layer (from 0), the share of attention to [CLS], [SEP], punctuation, itself and the rest."""
    from .figures import new_axes  # matplotlib with Japanese glyphs

    fig, ax = new_axes(ax, (7.5, 3.8), layout="constrained")
    layers = np.arange(shares.n_layers)
    bottom = np.zeros(shares.n_layers)
    for category in CATEGORIES:
        values = shares.of(category)
        ax.bar(layers, values, bottom=bottom, color=_COLORS[category], label=CATEGORY_LABELS[category], width=0.75)
        for x, (v, b) in enumerate(zip(values, bottom, strict=True)):
            if v >= 0.08:
                dark_text = category in ("punct", "self")
                ax.text(
                    x,
                    b + v / 2,
                    f"{v:.0%}",
                    ha="center",
                    va="center",
                    color="black" if dark_text else "white",
                    fontsize=8,
                )
        bottom += values
    ax.set_xticks(layers, [str(i) for i in layers])
    ax.set_xlabel("Layer（0 から数える）")
    ax.set_ylabel("Attention の割合")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    title = title or f"層ごとの Attention の行き先（例文 {shares.n_inputs} 件の平均）"
    if model_name:
        title += f"\n{model_name}"
    ax.set_title(title, fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
