"""attnviz: the helper package of the course "Attention を可視化して直感的に理解する".

Compute once, draw many times: :func:`attend` turns a sentence (or a pair) into an immutable
:class:`AttentionResult`; BERTviz and the figure functions draw from it.

The package's layout: ``core`` (numbers), ``course`` (what each chapter page states), ``draw`` (figures
and tables); see the README's layout section.
"""

import warnings

# transformers imports tqdm.auto; without ipywidgets (deliberately not installed: widget outputs
# make myst-nb load require.js from a CDN) it warns into every page.
warnings.filterwarnings("ignore", message="IProgress not found")

from .core.attention import DECIMALS, MAX_VIEW_TOKENS, AttentionResult, attend  # noqa: E402
from .core.errors import AttnvizError, InputError, ModelLoadError, ViewTooLargeError  # noqa: E402
from .core.heads import HeadHit, find_head  # noqa: E402
from .core.models import LoadedModel, ModelInfo, load_model  # noqa: E402
from .views.neuron import neuron_model, neuron_view  # noqa: E402

__all__ = [
    "DECIMALS",
    "MAX_VIEW_TOKENS",
    "AttentionResult",
    "AttnvizError",
    "HeadHit",
    "InputError",
    "LoadedModel",
    "ModelInfo",
    "ModelLoadError",
    "ViewTooLargeError",
    "attend",
    "find_head",
    "load_model",
    "neuron_model",
    "neuron_view",
]
__version__ = "0.1.0"
