"""What the site calls core's categories and which colour it gives them, in every figure, table and sentence.

A head's *role* is measured (:mod:`attnviz.core.heads`), never read off BERTviz's colours (those only
number the heads). Every figure, table and widget that names or colours a role, a layer-share part or a
group of layers asks this module; :mod:`attnviz.course` uses the same names in its sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.controls import CHOICES, Choice
from ..core.heads import LABELS, Label
from ..core.shares import CATEGORIES, Category

__all__ = [
    "CATEGORY_COLORS",
    "CATEGORY_LABELS",
    "CHOICE_TABLE",
    "GROUP_LABELS",
    "ROLE_TABLE",
    "STAGE_LABELS",
    "RoleInfo",
]


@dataclass(frozen=True)
class RoleInfo:
    """How a label is shown: its Japanese name (legends, tables), a short name (widget), a colour."""

    name_ja: str
    short_ja: str
    color: str


#: One entry per head label (colour-blind-friendly Okabe-Ito palette; "mixed" is grey).
ROLE_TABLE: dict[Label, RoleInfo] = {
    "[CLS]": RoleInfo("[CLS] へ集中", "[CLS]", "#0072B2"),
    "[SEP]": RoleInfo("[SEP] へ集中", "[SEP]", "#D55E00"),
    "self": RoleInfo("自分自身", "自分", "#009E73"),
    "previous": RoleInfo("直前のトークン", "直前", "#CC79A7"),
    "next": RoleInfo("直後のトークン", "直後", "#E69F00"),
    "punctuation": RoleInfo("句読点", "句読点", "#56B4E9"),
    "broad": RoleInfo("広く分散", "分散", "#6B4C9A"),
    "mixed": RoleInfo("混合（決まったクセなし）", "混合", "#9A9A9A"),
}
assert tuple(ROLE_TABLE) == LABELS, "ROLE_TABLE must list every label, in order"

#: The layer-share parts (:data:`attnviz.core.shares.CATEGORIES`) as figures, tables and sentences name them.
CATEGORY_LABELS: dict[Category, str] = {
    "cls": "[CLS]",
    "sep": "[SEP]",
    "punct": "句読点",
    "self": "自分自身",
    "rest": "その他のトークン",
}
assert tuple(CATEGORY_LABELS) == CATEGORIES, "CATEGORY_LABELS must list every part, in order"
#: The parts' colours: the same as the head roles of the same name, so that figures agree.
CATEGORY_COLORS: dict[Category, str] = {
    "cls": ROLE_TABLE["[CLS]"].color,
    "sep": ROLE_TABLE["[SEP]"].color,
    "punct": ROLE_TABLE["punctuation"].color,
    "self": ROLE_TABLE["self"].color,
    "rest": "#264653",
}

#: Thirds of the layers (:func:`attnviz.core.shares.layer_groups`).
GROUP_LABELS: dict[str, str] = {"shallow": "浅い層", "middle": "中間の層", "deep": "深い層"}
#: Clark et al.'s three stages (:func:`attnviz.core.shares.clark_stages`).
STAGE_LABELS: dict[str, str] = {"early": "浅い層", "middle": "中間の層", "deep": "深い層"}

#: What a head does in a control (:mod:`attnviz.core.controls`): name and colour.
CHOICE_TABLE: dict[Choice, RoleInfo] = {
    "park": RoleInfo("[CLS]/[SEP] のまま", "置き場", "#D9D9D9"),
    "position": RoleInfo("同じ位置を見続ける", "位置", "#E69F00"),
    "word": RoleInfo("単語についていく", "単語", "#0072B2"),
    "other": RoleInfo("別の相手に変わる", "変化", "#CC79A7"),
}
assert tuple(CHOICE_TABLE) == CHOICES, "CHOICE_TABLE must list every choice, in order"
