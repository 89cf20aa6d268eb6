"""What a view kind is, and the one tag in which every lazily drawn view carries its data.

A view kind (head view, head map, ...) is one :class:`ViewKind` in the registry
(:data:`attnviz.views.KINDS`) plus its JS module under ``attnviz/web``. In a built page each view of a
lazy kind is its own markup (its root element) and one :func:`lazy_tag`; ``web/views.js`` finds the
tags, imports the kind's module and calls its ``draw(root, data)`` when the view nears the viewport.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from typing import Any

from ..web import safe_json

__all__ = ["LAZY_TAG", "Found", "ViewFormatError", "ViewKind", "lazy_tag"]

#: A lazy view's data tag in a page (group 1: the kind's name).
LAZY_TAG = re.compile(r'<script type="application/json" data-attnviz-view="([\w-]+)"')


class ViewFormatError(ValueError):
    """A view's output is not what its kind knows how to rewrite (the build stops, naming the page)."""


@dataclass(frozen=True)
class Found:
    """A piece of a page body that a kind's ``find`` recognised: ``body[start:end]``.

    With ``params`` it becomes the view's lazy tag (``root``: the id of the view's root element); without,
    it is removed (e.g. a script whose content moved into the tag).
    """

    start: int
    end: int
    root: str | None = None
    params: Any = None


@dataclass(frozen=True)
class ViewKind:
    """One kind of view the site can show.

    * ``name``: the kind's name in the page (``data-attnviz-view``) and in the ``attnviz:drawn`` event.
    * ``marker``: text that every output of this kind contains (a notebook cell's HTML or a directive's
      markup); pages without any kind's marker are left alone.
    * ``module``: its JS module, relative to ``_static/attnviz/``. For a lazy kind it exports
      ``draw(root, data)``, which resolves to the view's handle for ``web/a11y.js``; otherwise it is added
      to the page as a module script and starts itself.
    * ``css``: its style sheets, relative to ``_static/attnviz/``, added to every page that shows it.
    * ``find``: where in a page body its outputs are to be rewritten (:class:`Found`), if any.
    * ``encode``: the data a lazy tag holds, from what ``find`` found (its encoder; :func:`lazy_tag` calls
      it). ``decode``: back again, as the JS module reads it (for tests and build checks).
    * ``leftovers``: text no ``<script>`` may still hold after rewriting (then the output's format changed).
    * ``name_controls``: ``(body, root) -> body`` with the controls of the view's own markup (its root element
      ``root``) given their accessible names, so that they have them before anything draws.
    * ``generated``: files written into ``_static/attnviz/`` at build time (name -> text).
    * ``source``: the folder that ``module`` and ``css`` are read from, when it is not ``attnviz/web``.
    """

    name: str
    marker: str
    module: str
    css: tuple[str, ...] = ()
    lazy: bool = True
    find: Callable[[str], Iterable[Found]] | None = None
    encode: Callable[..., Any] | None = None
    decode: Callable[[Any], Any] | None = None
    leftovers: tuple[str, ...] = ()
    name_controls: Callable[[str, str], str] | None = None
    generated: Callable[[], Mapping[str, str]] | None = None
    source: Traversable | None = field(default=None, compare=False)

    @property
    def assets(self) -> tuple[str, ...]:
        """The files of this kind that a notebook output may inline and the built site serves instead."""
        return (self.module, *self.css)


def lazy_tag(kind: ViewKind, root: str, data: Any) -> str:
    """The tag that carries one view's data for ``web/views.js`` (its root element has the id ``root``)."""
    return (
        f'<script type="application/json" data-attnviz-view="{kind.name}" '
        f'data-attnviz-module="{html.escape(kind.module)}" data-root="{html.escape(root)}">{safe_json(data)}</script>'
    )
