"""The one table of head roles: their keys, Japanese names and colours.

A head's *role* is measured, never read off BERTviz's colours (those only number the heads): see
:mod:`attnviz.heads`. Every figure, table and widget that names or colours a role asks this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["LABELS", "ROLES", "ROLE_TABLE", "Label", "Role", "RoleInfo"]

#: A role a head can be measured for: where more than half of its attention goes.
Role = Literal["[CLS]", "[SEP]", "self", "previous", "next", "punctuation"]
#: Every label a head can get: a role, or "broad" (attention spread widely), or "mixed" (no single habit).
Label = Literal["[CLS]", "[SEP]", "self", "previous", "next", "punctuation", "broad", "mixed"]

#: The roles, in the order of legends and tables.
ROLES: tuple[Role, ...] = get_args(Role)
#: Every label, in the order of legends.
LABELS: tuple[Label, ...] = get_args(Label)


@dataclass(frozen=True)
class RoleInfo:
    """How a label is shown: its Japanese name (legends, tables), a short name (widget), a colour."""

    name_ja: str
    short_ja: str
    color: str


#: One entry per label (colour-blind-friendly Okabe-Ito palette; "mixed" is grey).
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
