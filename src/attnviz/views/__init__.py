"""Every kind of view the site shows, in one registry, and the rewriting of built pages that uses it.

=============  ==========================  ===========================  ====================================
kind           marker (in the output)      JS module, CSS (attnviz/web)  encoder / decoder
=============  ==========================  ===========================  ====================================
head           BERTviz's ``id="bertviz-``  kinds/head.js, bertviz.css    compact.encode / compact.decode,
model          BERTviz's ``id="bertviz-``  kinds/model.js, bertviz.css   web/decode.js in the browser
neuron         BERTviz's ``id=bertviz-``   kinds/neuron.js, bertviz.css
headmap        ``class="attnviz-headmap"``  kinds/headmap.js, headmap.css headmap.payload / read as it is
playground     ``data-attnviz-playground`` playground/playground.js,     web/playground/encode.js /
                                           playground/playground.css     web/decode.js (both in the browser)
=============  ==========================  ===========================  ====================================

To add a view kind: write its JS module under ``attnviz/web/kinds/`` (``export async function
draw(root, data)``, resolving to its handle for ``web/a11y.js``: a title, and optionally keyboard code and
a text alternative), and add one :class:`ViewKind` to :data:`KINDS` (or :func:`register` it). The output
that a notebook cell shows either carries its data in a :func:`lazy_tag` already (as the head map does),
or the kind's ``find`` points at what :func:`rewrite` turns into one (as for BERTviz's views). The Sphinx
extension (:mod:`attnviz.sphinx`) then rewrites every page, adds the kind's CSS and ``views.js``, and the
site draws the view lazily, with names, keyboard access and the text alternative; nothing else changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from . import bertviz, compact
from .compact import BertvizFormatError
from .headmap import HEADMAP
from .kind import LAZY_TAG, Found, ViewFormatError, ViewKind, lazy_tag

__all__ = [
    "KINDS",
    "LAZY_TAG",
    "BertvizFormatError",
    "Found",
    "Rewritten",
    "ViewFormatError",
    "ViewKind",
    "kinds_in",
    "lazy_tag",
    "register",
    "rewrite",
]


def _bertviz_kind(view: compact.View) -> ViewKind:
    return ViewKind(
        name=view,
        marker="id=bertviz-" if view == "neuron" else 'id="bertviz-',  # the neuron view writes its id unquoted
        module=f"kinds/{view}.js",
        css=("bertviz.css",),
        find=bertviz.finder(view),
        encode=partial(compact.encode_checked, view),
        decode=compact.decode,
        leftovers=bertviz.LEFTOVERS,
        name_controls=bertviz.name_controls,
        generated=bertviz.site_scripts(view),
    )


PLAYGROUND = ViewKind(
    name="playground",
    marker="data-attnviz-playground",  # the attnviz-playground directive (attnviz.sphinx.playground)
    module="playground/playground.js",  # computes in the browser; encode.js writes what decode.js reads
    css=("playground/playground.css",),
    lazy=False,
)

#: Every view kind, by name, in the order a page is rewritten.
KINDS: dict[str, ViewKind] = {
    kind.name: kind for kind in (*(_bertviz_kind(v) for v in compact.VIEWS), HEADMAP, PLAYGROUND)
}


@contextmanager
def register(kind: ViewKind) -> Iterator[ViewKind]:
    """Add a view kind for the duration of a ``with`` block (a kind outside this package, e.g. in a test)."""
    if kind.name in KINDS:
        raise ValueError(f"a view kind named {kind.name!r} is registered already")
    KINDS[kind.name] = kind
    try:
        yield kind
    finally:
        del KINDS[kind.name]


def kinds_in(body: str) -> list[ViewKind]:
    """The kinds whose marker ``body`` contains."""
    return [kind for kind in KINDS.values() if kind.marker in body]


@dataclass
class Rewritten:
    """A page body after :func:`rewrite`, and the view kinds it shows."""

    body: str
    views: list[str] = field(default_factory=list)  # the kind of each lazy view, in page order

    @property
    def kinds(self) -> list[ViewKind]:
        """Every kind the page shows: those with lazy views, and the others whose marker it holds."""
        return [k for k in KINDS.values() if (k.name in self.views if k.lazy else k.marker in self.body)]


ANY_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
INLINE_ASSET = re.compile(r'<(style|script)\b[^>]*\bdata-attnviz-asset="([^"]+)"[^>]*>.*?</\1>', re.S)


def _replace(body: str, found: list[tuple[ViewKind, Found]]) -> str:
    pieces: list[str] = []
    pos = 0
    for kind, item in sorted(found, key=lambda pair: pair[1].start):
        if item.start < pos:
            raise ViewFormatError(f"two views claim the same part of the page ({kind.name} at {item.start})")
        pieces.append(body[pos : item.start])
        if item.params is not None:
            if kind.encode is None or item.root is None:
                raise TypeError(f"view kind {kind.name!r} found a view but has no encoder or root")
            pieces.append(lazy_tag(kind, item.root, kind.encode(item.params)))
        pos = item.end
    pieces.append(body[pos:])
    return "".join(pieces)


def rewrite(body: str) -> Rewritten:
    """``body`` with every view of every kind in its lazy form: what a kind's ``find`` points at becomes
    one :func:`lazy_tag` (its data encoded), the controls in a view's markup get their accessible names
    (its kind's ``name_controls``), and the code and style that a notebook output inlined are removed
    (the site serves one copy). Raises :class:`ViewFormatError` if an output's format changed."""
    kinds = kinds_in(body)
    found = [(kind, item) for kind in kinds if kind.find for item in kind.find(body)]
    text = _replace(body, found)
    for kind, item in found:  # names before drawing: a screen reader meets no unnamed control
        if kind.name_controls is not None and item.root is not None:
            text = kind.name_controls(text, item.root)
    assets = {asset for kind in KINDS.values() for asset in kind.assets}
    text = INLINE_ASSET.sub(lambda m: "" if m.group(2) in assets else m.group(0), text)
    for script in ANY_SCRIPT.findall(text):  # prose may mention these names; scripts may not
        for kind in KINDS.values():
            for leftover in kind.leftovers:
                if leftover in script:
                    what = f"a script with {leftover!r} is left in the page after rewriting"
                    if kind.leftovers == bertviz.LEFTOVERS:
                        raise compact.fail(what)
                    raise ViewFormatError(f"{what}: the output of view kind {kind.name!r} changed its format")
    return Rewritten(text, views=LAZY_TAG.findall(text))
