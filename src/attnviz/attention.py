"""A sentence (or a pair) in, an immutable attention result out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .errors import InputError
from .models import LoadedModel, ModelInfo, load_model

__all__ = ["DECIMALS", "AttentionResult", "attend"]

#: Weights handed to BERTviz are rounded to this many decimals: the views look the same and the
#: page carries a fraction of the bytes (BERTviz serialises every float at full length).
DECIMALS = 3


@dataclass(frozen=True, eq=False)
class AttentionResult:
    """Everything a page needs to show one input's attention.

    ``weights`` has shape ``(layers, heads, tokens, tokens)``: ``weights[l, h, i, j]`` is how much
    token ``i`` (the query) attends to token ``j`` (the key) in layer ``l``, head ``h``
    (both counted from 0, as BERTviz does). Every row sums to 1.
    """

    sentence_a: str
    sentence_b: str | None
    tokens: tuple[str, ...]
    token_type_ids: tuple[int, ...]
    weights: np.ndarray  # (L, H, T, T) float32, read-only
    sentence_b_start: int | None
    model: ModelInfo

    @property
    def n_layers(self) -> int:
        return int(self.weights.shape[0])

    @property
    def n_heads(self) -> int:
        return int(self.weights.shape[1])

    @cached_property
    def attention(self) -> tuple[Any, ...]:
        """The weights in BERTviz's format, rounded to :data:`DECIMALS` decimals.

        A tuple with one ``torch`` tensor of shape ``(1, heads, tokens, tokens)`` per layer, ready for
        ``head_view(r.attention, r.tokens, sentence_b_start=r.sentence_b_start)``. The tensors are
        float64 so that the rounded values print short (float32 0.123 prints as 0.12300000339...).
        """
        import torch

        rounded = np.round(self.weights.astype(np.float64), DECIMALS)  # (L, H, T, T)
        return tuple(torch.from_numpy(layer.copy()).unsqueeze(0) for layer in rounded)

    def index(self, token: str, occurrence: int = 0) -> int:
        """Position of the ``occurrence``-th (from 0) token equal to ``token`` (case-insensitive)."""
        hits = [i for i, t in enumerate(self.tokens) if t.lower() == token.lower()]
        if len(hits) <= occurrence:
            raise InputError(
                f"トークン {token!r} は入力にありません（{occurrence + 1} 個目）。トークン列: {list(self.tokens)}\n"
                f"Token {token!r} (occurrence {occurrence}) is not in the input; tokens: {list(self.tokens)}"
            )
        return hits[occurrence]


def _check_sentence(value: object, label: str) -> str:
    if not isinstance(value, str):
        raise InputError(
            f"{label} には文字列（英文）を渡してください。受け取った型: {type(value).__name__}\n"
            f"{label} must be a string (an English sentence), not {type(value).__name__}."
        )
    if not value.strip():
        raise InputError(
            f'{label} が空です。5〜10 語くらいの英文を入れてください（例: "The cat sat on the mat"）。\n'
            f'{label} is empty: write an English sentence of about 5-10 words, e.g. "The cat sat on the mat".'
        )
    return value


def attend(sentence_a: str, sentence_b: str | None = None, *, model: LoadedModel | None = None) -> AttentionResult:
    """Run the model on a sentence (or a pair) and return every layer's and head's attention.

    ``sentence_b`` may be ``None`` or ``""`` for a single sentence, as in the BERTviz notebooks.

    >>> r = attend("The cat sat on the mat")
    >>> r.tokens
    ('[CLS]', 'the', 'cat', 'sat', 'on', 'the', 'mat', '[SEP]')
    >>> r.weights.shape[2:]
    (8, 8)
    """
    sentence_a = _check_sentence(sentence_a, "sentence_a")
    if sentence_b is not None and not (isinstance(sentence_b, str) and sentence_b == ""):
        sentence_b = _check_sentence(sentence_b, "sentence_b")
    sentence_b = sentence_b or None

    loaded = model or load_model()
    tokenizer, info = loaded.tokenizer, loaded.info
    encoded = tokenizer(sentence_a, sentence_b, return_tensors="pt", return_token_type_ids=True, verbose=False)
    ids = encoded["input_ids"][0]
    n = int(ids.shape[0])
    if n > info.max_tokens:
        raise InputError(
            f"入力が長すぎます: {n} トークンありますが、{info.name} が扱えるのは {info.max_tokens} トークンまでです"
            "（[CLS] と [SEP] を含む）。文を短くするか、いくつかに分けてください。\n"
            f"The input is too long: {n} tokens, but {info.name} accepts at most {info.max_tokens} "
            "(including [CLS] and [SEP]). Shorten the sentence or split it."
        )
    tokens = tuple(tokenizer.convert_ids_to_tokens(ids.tolist()))
    content = [t for t in tokens if t not in (tokenizer.cls_token, tokenizer.sep_token)]
    if not content:
        raise InputError(
            "この文からは単語のトークンが一つも得られませんでした（制御文字や空白だけの入力など）。英文を入れてください。\n"
            "The tokenizer found no word in this input (control characters or spacing only): write an English sentence."
        )
    if all(t == tokenizer.unk_token for t in content):
        raise InputError(
            f"この文はすべて未知語 {tokenizer.unk_token} になりました: {info.name} の語彙で表せない文字だけです。"
            "英語の文を入れてください。\n"
            f"Every token is {tokenizer.unk_token}: {info.name}'s vocabulary cannot represent this text. "
            "Use an English sentence."
        )

    import torch

    with torch.inference_mode():
        out = loaded.model(**encoded, output_attentions=True)
    if not out.attentions:
        raise RuntimeError("The model returned no attentions: load it with attn_implementation='eager'.")
    weights = torch.cat(out.attentions, dim=0).float().numpy()  # L x (1, H, T, T) -> (L, H, T, T)
    weights.flags.writeable = False

    type_ids = tuple(int(t) for t in encoded["token_type_ids"][0].tolist())
    b_start = type_ids.index(1) if sentence_b is not None else None
    return AttentionResult(
        sentence_a=sentence_a,
        sentence_b=sentence_b,
        tokens=tokens,
        token_type_ids=type_ids,
        weights=weights,
        sentence_b_start=b_start,
        model=info,
    )
