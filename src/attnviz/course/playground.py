"""The playground page (自分の文で試す): which model built the site, beside the one that runs in the browser.

Glued names (besides the model's): ``pg_browser`` (the model the widget runs), ``pg_same`` (phrase: how the
site's figures relate to what the widget draws).
"""

from __future__ import annotations

from typing import Any

from ..core.models import BUNDLED_NAME, LoadedModel, load_model
from .banner import describe_model, model_facts
from .glue import Md, glue_facts

__all__ = ["browser_facts", "glue_page", "site_note"]


def browser_facts(loaded: LoadedModel) -> dict[str, str]:
    """Keys: ``browser`` (the model the widget runs: always the bundled one), ``same`` (phrase)."""
    info = loaded.info
    if info.is_bundled:
        same = (
            "ここで動くモデルと同じモデルです。ただしブラウザ用に重みを縮めているので、"
            "同じ文でも重みが小数第 2 位くらいで少し違うことがあります"
        )
    else:
        same = (
            f"ここで動く {BUNDLED_NAME} とは別のモデルです。層の数も重みも違うので、"
            "同じ文でも、ほかのページの図とここでの図は一致しません"
        )
    return {"browser": BUNDLED_NAME, "same": Md(same)}


def site_note(loaded: LoadedModel) -> Any:
    """The page's model note: here the build's model computed the other pages, not what this page draws."""
    from IPython.display import Markdown

    lines = [
        ":::{admonition} このサイトの図と数値を計算したモデル",
        ":class: note attnviz-model",
        f"{describe_model(loaded.info)}。",
        f"このページの図だけは、ビルドのときではなく、あなたのブラウザの中で {BUNDLED_NAME} が計算します。",
        ":::",
    ]
    return Markdown("\n".join(lines))


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue the model's facts and the comparison; return the page's model note (:func:`site_note`)."""
    loaded = loaded or load_model()
    glue_facts(model_facts(loaded), "model")
    glue_facts(browser_facts(loaded), "pg")
    return site_note(loaded)
