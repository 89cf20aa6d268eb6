"""A sentence (or a pair) in, an immutable attention result out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .errors import InputError
from .models import LoadedModel, ModelInfo, load_model

__all__ = ["DECIMALS", "MAX_VIEW_BYTES", "MAX_VIEW_TOKENS", "AttentionResult", "ViewTooLargeError", "attend"]

#: Weights handed to BERTviz are rounded to this many decimals: the views look the same and the
#: page carries a fraction of the bytes (BERTviz serialises every float at full length).
DECIMALS = 3

#: Bytes of BERTviz head-view HTML per attention weight at :data:`DECIMALS` decimals (measured on the
#: bundled model: 15.0 MB for 128 tokens x 6 layers x 12 heads). A pair stores its weights twice
#: (all, plus the four A/B blocks that together cover the matrix once more).
BYTES_PER_WEIGHT = 13
#: The longest input whose view of every layer and head of a 12 x 12 model (bert-base) is handed to
#: BERTviz. At 64 tokens a head view is ~1,300 px tall and its HTML ~7.7 MB; beyond that the labels
#: and lines stop being readable and a browser tab (Colab's included) slows down: 128 tokens give
#: 15 MB on the 6 x 12 model, 510 tokens 223 MB.
MAX_VIEW_TOKENS = 64
#: The estimated HTML a view may weigh: a full 12 x 12 head view of :data:`MAX_VIEW_TOKENS` tokens.
#: Fewer layers or heads (``include_layers`` / ``include_heads``) let a longer input through.
MAX_VIEW_BYTES = 12 * 12 * MAX_VIEW_TOKENS**2 * BYTES_PER_WEIGHT
#: No choice of layers makes a view of more tokens than this readable.
HARD_MAX_VIEW_TOKENS = 256


class ViewTooLargeError(InputError):
    """The weights would make a BERTviz view too big to draw; the message says what to do."""


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

    @property
    def attention(self) -> tuple[Any, ...]:
        """The weights in BERTviz's format, rounded to :data:`DECIMALS` decimals, for a view of every layer.

        A tuple with one ``torch`` tensor of shape ``(1, heads, tokens, tokens)`` per layer, ready for
        ``head_view(r.attention, r.tokens, sentence_b_start=r.sentence_b_start)``. The tensors are
        float64 so that the rounded values print short (float32 0.123 prints as 0.12300000339...).
        Raises :class:`ViewTooLargeError` when the view would be too big to draw (see :meth:`view_attention`).
        """
        return self.view_attention()

    def estimated_view_bytes(
        self, include_layers: Sequence[int] | None = None, include_heads: Sequence[int] | None = None
    ) -> int:
        """About how many bytes of HTML BERTviz writes for a view of these layers and heads (default: all)."""
        layers = len(include_layers) if include_layers is not None else self.n_layers
        heads = len(include_heads) if include_heads is not None else self.n_heads
        copies = 2 if self.sentence_b_start is not None else 1
        return layers * heads * len(self.tokens) ** 2 * BYTES_PER_WEIGHT * copies

    def view_attention(
        self, include_layers: Sequence[int] | None = None, include_heads: Sequence[int] | None = None
    ) -> tuple[Any, ...]:
        """:attr:`attention`, checked for the layers and heads a view will show.

        Pass the same ``include_layers`` (and, for ``model_view``, ``include_heads``) to BERTviz:
        ``head_view(r.view_attention(include_layers=[10, 11]), r.tokens, include_layers=[10, 11])``.
        Refuses (:class:`ViewTooLargeError`) an input of more than :data:`HARD_MAX_VIEW_TOKENS` tokens,
        or a view whose estimated HTML exceeds :data:`MAX_VIEW_BYTES` (every layer and head of
        bert-base at :data:`MAX_VIEW_TOKENS` tokens).

        >>> r = attend("The cat sat on the mat")
        >>> len(r.view_attention()) == r.n_layers
        True
        """
        n = len(self.tokens)
        size = self.estimated_view_bytes(include_layers, include_heads)
        if n > HARD_MAX_VIEW_TOKENS or size > MAX_VIEW_BYTES:
            raise ViewTooLargeError(self._too_large(n, size, include_layers is not None or include_heads is not None))
        return self._rounded

    def _too_large(self, n: int, size: int, chosen: bool) -> str:
        mb, limit_mb = size / 1e6, MAX_VIEW_BYTES / 1e6
        last = self.n_layers - 1
        if n > HARD_MAX_VIEW_TOKENS:
            ja_fix = (
                f"文を {HARD_MAX_VIEW_TOKENS} トークン以下に短くしてください"
                "（どの層を選んでも、これより長いと読めません）。"
            )
            en_fix = (
                f"Shorten the input to {HARD_MAX_VIEW_TOKENS} tokens or fewer (no choice of layers makes it readable)."
            )
        else:
            ja_fix = (
                f"文を短くする（目安: 全層・全ヘッドなら {MAX_VIEW_TOKENS} トークンまで）か、見る層を選んでください: "
                f"head_view(r.view_attention(include_layers=[{last}]), r.tokens, include_layers=[{last}])"
                "（model_view なら include_heads も使えます）。"
            )
            en_fix = (
                f"Shorten the input (up to {MAX_VIEW_TOKENS} tokens for every layer and head), or choose layers: "
                f"head_view(r.view_attention(include_layers=[{last}]), r.tokens, include_layers=[{last}]) "
                "(model_view also takes include_heads)."
            )
        scope = "選んだ層とヘッド" if chosen else f"全 {self.n_layers} 層 × {self.n_heads} ヘッド"
        scope_en = "the chosen layers and heads" if chosen else f"all {self.n_layers} layers x {self.n_heads} heads"
        return (
            f"この入力は {n} トークンあり、{scope}の BERTviz の図は約 {mb:.1f} MB になります"
            f"（上限 {limit_mb:.1f} MB）。ブラウザやノートブックが固まるおそれがあるため描きません。{ja_fix}\n"
            f"This input has {n} tokens: a BERTviz view of {scope_en} would be about {mb:.1f} MB of HTML "
            f"(limit {limit_mb:.1f} MB), enough to freeze a browser tab, so it is not drawn. {en_fix}"
        )

    @cached_property
    def _rounded(self) -> tuple[Any, ...]:
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
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = value[exc.start]
        raise InputError(
            f"{label} の {exc.start + 1} 文字目に、文字として表せない値 U+{ord(bad):04X}"
            "（対になっていないサロゲート）があります。コピー＆ペーストで壊れた文字かもしれません。その文字を消すか、文を打ち直してください。\n"
            f"{label} holds U+{ord(bad):04X} at position {exc.start + 1}, a lone surrogate that is not a character "
            "(often a broken copy-paste): delete it or retype the sentence."
        ) from None
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
    try:
        encoded = tokenizer(sentence_a, sentence_b, return_tensors="pt", return_token_type_ids=True, verbose=False)
    except (TypeError, ValueError) as exc:  # text the tokenizer cannot take, beyond what _check_sentence catches
        raise InputError(
            f"トークナイザーがこの文を処理できませんでした（{type(exc).__name__}: {exc}）。"
            "英文を打ち直してください。\n"
            f"The tokenizer could not process this text ({type(exc).__name__}: {exc}). Retype the sentence."
        ) from exc
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
