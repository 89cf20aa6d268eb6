"""How the site writes core's numbers: one format for a share, a range of layers, a head.

Figures, tables and the chapters' sentences all write a share as ``12%`` and name heads and layers the
way BERTviz labels them (counted from 0), so they all ask this module.
"""

from __future__ import annotations

__all__ = ["head_name", "layer_range", "pct"]


def pct(x: float) -> str:
    """A share (0 to 1) as a whole percentage.

    >>> pct(0.125), pct(0.5), pct(1.0)
    ('12%', '50%', '100%')
    """
    return f"{x:.0%}"


def layer_range(layers: range) -> str:
    """Layers counted from 0, as BERTviz numbers them.

    >>> layer_range(range(5, 10)), layer_range(range(5, 6))
    ('Layer 5〜9', 'Layer 5')
    """
    return f"Layer {layers[0]}" if len(layers) == 1 else f"Layer {layers[0]}〜{layers[-1]}"


def head_name(layer: int, head: int) -> str:
    """A head as BERTviz labels it (both counted from 0).

    >>> head_name(3, 7)
    'Layer 3・Head 7'
    """
    return f"Layer {layer}・Head {head}"
