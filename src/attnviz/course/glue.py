"""How a chapter hands its facts to the page: myst-nb ``glue``, as text, Markdown or a figure.

A page pastes a fact with ``{glue:text}`name``` (plain text), ``{glue:md}`name``` (a Markdown phrase:
an :class:`Md` value) or a ``{glue:}`` / ``{glue:figure}`` block (a table or a figure).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["Md", "glue_facts", "glue_figure", "glue_markdown", "glue_value"]


class Md(str):
    """A fact that is a Markdown phrase (paste it with ``{glue:md}``); plain ``str`` facts are for ``{glue:text}``."""

    __slots__ = ()


def glue_value(name: str, value: Any) -> None:
    """Glue one value (text, a number, or a display object such as a BERTviz view) without showing it here."""
    from myst_nb import glue

    glue(name, value, display=False)


def glue_markdown(name: str, text: str) -> None:
    """Glue Markdown text (a table, a phrase) for ``{glue:}`` or ``{glue:md}``."""
    from IPython.display import Markdown

    glue_value(name, Markdown(text))


def glue_figure(name: str, fig: Any) -> None:
    """Glue a matplotlib figure for ``{glue:figure}``, then close it (else the notebook would show it here too)."""
    import matplotlib.pyplot as plt

    glue_value(name, fig)
    plt.close(fig)


def glue_facts(facts: Mapping[str, object], prefix: str = "") -> None:
    """Glue every fact under ``<prefix>_<key>`` (or ``<key>`` with no prefix).

    :class:`Md` values are glued as Markdown (for ``{glue:md}``), everything else as plain text.
    """
    for key, value in facts.items():
        name = f"{prefix}_{key}" if prefix else key
        if isinstance(value, Md):
            glue_markdown(name, str(value))
        else:
            glue_value(name, value)
