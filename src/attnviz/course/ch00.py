"""Chapter 0 (導入): the page states only which model computed the site's outputs."""

from __future__ import annotations

from typing import Any

from ..core.models import LoadedModel, load_model
from .banner import start_page

__all__ = ["glue_page"]


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue the model's facts; return the model note."""
    return start_page(loaded or load_model())
