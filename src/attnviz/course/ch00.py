"""Chapter 0 (導入): which model computed the site's outputs, and the numbers of its two questions.

Glued names (besides the model's): ``cat_*`` (:func:`first_look_facts`): the demo sentence's length, an even
spread's weight, and the head where "cat" looks hardest at one content word, with its role.
"""

from __future__ import annotations

from typing import Any

from ..core.attention import AttentionResult, attend
from ..core.fmt import pct
from ..core.heads import find_head
from ..core.models import LoadedModel, load_model
from ..core.sentences import course_sentences
from ..draw.labels import ROLE_TABLE
from .banner import start_page
from .glue import Md, glue_facts

__all__ = ["first_look_facts", "glue_page"]


def first_look_facts(result: AttentionResult, query: str = "cat") -> dict[str, str]:
    """Keys: ``n_tokens`` (T), ``even`` / ``even_pct`` (1/T), ``name`` / ``weight`` / ``weight_pct`` / ``key``
    (the head where ``query`` puts the most weight on one content word, that weight and word), ``times``
    (weight / even, one decimal), ``role`` (the head's role on the sentence, Japanese), ``reading`` (phrase:
    position or not)."""
    hit = find_head(result, query=query)
    assert hit.key is not None and hit.query is not None and hit.role is not None
    role = ROLE_TABLE[hit.role].name_ja  # type: ignore[index]
    key = result.tokens[hit.key]
    if hit.role in ("previous", "next") and abs(hit.key - hit.query) == 1:
        reading = (
            f"このヘッドは、文のどの単語からも{role}を見るヘッドで、"
            f"「{key}」はたまたま「{query}」の隣にあっただけでした。線の強さは意味ではなく位置から来ています"
        )
    else:
        reading = (
            f"このヘッドのこの文での役割は「{role}」です。"
            "それでも、意味で選んでいるかどうかは、語順や単語を変えた文で確かめるまでわかりません"
        )
    return {
        "n_tokens": str(len(result.tokens)),
        "even": f"{hit.even:.3f}".rstrip("0"),
        "even_pct": pct(hit.even),
        "weight_pct": pct(hit.score),
        "name": hit.name,
        "weight": f"{hit.score:.2f}",
        "key": key,
        "times": f"{hit.score / hit.even:.1f}",
        "role": role,
        "reading": Md(reading),
    }


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue the model's facts and the first look at "cat"; return the model note."""
    loaded = loaded or load_model()
    banner = start_page(loaded)
    glue_facts(first_look_facts(attend(course_sentences().demo_single, model=loaded)), "cat")
    return banner
