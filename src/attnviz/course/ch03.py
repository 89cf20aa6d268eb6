"""Chapter 3 (BERTviz の紹介): which layers the pair's head view shows; the neuron view's head and its role;
how much of a word's attention crosses to the other sentence (the predict-then-check question).

Glued names: ``pair_layers``, ``neuron_role``, ``cross_*`` (:func:`cross_facts`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.attention import AttentionResult, attend
from ..core.fmt import pct
from ..core.heads import label_heads, measure_heads
from ..core.models import LoadedModel, load_model
from ..core.rollout import default_layers
from ..core.sentences import course_sentences
from ..draw.labels import ROLE_TABLE
from .banner import start_page
from .glue import Md, glue_facts, glue_value

__all__ = ["NEURON_HEAD", "cross_facts", "glue_page", "pair_layers"]

#: The head the page's neuron view opens on (layer, head), as its shown cell names it.
NEURON_HEAD = (0, 0)


def pair_layers(n_layers: int) -> str:
    """The layers a pair's head view is cut to (first, middle, last), as the page names them.

    The page's shown cell picks them as ``sorted({0, n // 2, n - 1})``, which is
    :func:`~attnviz.core.rollout.default_layers`.

    >>> pair_layers(6)
    'Layer 0、Layer 3、Layer 5'
    """
    return "、".join(f"Layer {i}" for i in default_layers(n_layers))


def cross_facts(pair: AttentionResult, word: str = "cat") -> dict[str, str]:
    """How much of ``word``'s attention (in sentence A) goes to sentence B: the A→B lines added up.

    Averaged over the heads, in the first and the last layer, next to an even spread (B's share of the
    tokens). Keys: ``word``, ``even``, ``first``, ``last``, ``last_layer``, ``verdict`` (phrase).
    """
    if pair.sentence_b_start is None:
        raise ValueError("cross_facts needs a sentence pair")
    q, b = pair.index(word), pair.sentence_b_start
    w = np.asarray(pair.weights, dtype=np.float64)[:, :, q, b:].sum(axis=-1).mean(axis=-1)  # (L,)
    even = (len(pair.tokens) - b) / len(pair.tokens)
    first, last = float(w[0]), float(w[-1])
    lo, hi = float(w.min()), float(w.max())
    if hi < even:
        verdict = f"どの層でも、均等に配った場合（{pct(even)}）より少なくなっています"
    elif lo > even:
        verdict = f"どの層でも、均等に配った場合（{pct(even)}）より多くなっています"
    else:
        verdict = f"層によって、均等に配った場合（{pct(even)}）より多くも少なくもなります（{pct(lo)}〜{pct(hi)}）"
    return {
        "word": word,
        "even": pct(even),
        "first": pct(first),
        "last": pct(last),
        "last_layer": str(len(w) - 1),
        "verdict": Md(verdict),
    }


def glue_page(loaded: LoadedModel | None = None) -> Any:
    """Glue ``pair_layers``, ``neuron_role`` and ``cross_*``; return the model note."""
    loaded = loaded or load_model()
    banner = start_page(loaded)
    glue_value("pair_layers", pair_layers(loaded.info.layers))
    stats, _ = measure_heads(model=loaded)
    labels, _ = label_heads(stats)
    glue_value("neuron_role", ROLE_TABLE[labels[NEURON_HEAD]].name_ja)
    a, b = course_sentences().demo_pair
    glue_facts(cross_facts(attend(a, b, model=loaded)), "cross")
    return banner
