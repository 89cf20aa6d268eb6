"""Chapter 3 (BERTviz の紹介): which layers the pair's head view shows.

Glued names: ``pair_layers``.
"""

from __future__ import annotations

from typing import Any

from ..core.models import LoadedModel, load_model
from ..core.rollout import default_layers
from .banner import start_page
from .glue import glue_value

__all__ = ["glue_page", "pair_layers"]


def pair_layers(n_layers: int) -> str:
    """The layers a pair's head view is cut to (first, middle, last), as the page names them.

    The page's shown cell picks them as ``sorted({0, n // 2, n - 1})``, which is
    :func:`~attnviz.core.rollout.default_layers`.

    >>> pair_layers(6)
    'Layer 0、Layer 3、Layer 5'
    """
    return "、".join(f"Layer {i}" for i in default_layers(n_layers))


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue ``pair_layers``; return the model note."""
    loaded = loaded or load_model()
    banner = start_page(loaded)
    glue_value("pair_layers", pair_layers(loaded.info.layers))
    return banner
