"""A sentence (or a pair) in, an immutable attention result out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from . import errors
from .errors import InputError, ViewTooLargeError
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
        return errors.view_too_large(
            n,
            size / 1e6,
            MAX_VIEW_BYTES / 1e6,
            chosen=chosen,
            n_layers=self.n_layers,
            n_heads=self.n_heads,
            hard_max_tokens=HARD_MAX_VIEW_TOKENS,
            max_view_tokens=MAX_VIEW_TOKENS,
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
            raise InputError(errors.token_not_found(token, occurrence, self.tokens))
        return hits[occurrence]


def _check_sentence(value: object, label: str) -> str:
    if not isinstance(value, str):
        raise InputError(errors.not_a_string(label, type(value).__name__))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = value[exc.start]
        raise InputError(errors.lone_surrogate(label, exc.start + 1, ord(bad))) from None
    if not value.strip():
        raise InputError(errors.empty_sentence(label))
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
        raise InputError(errors.tokenizer_failed(exc)) from exc
    ids = encoded["input_ids"][0]
    n = int(ids.shape[0])
    if n > info.max_tokens:
        raise InputError(errors.too_long(n, info.name, info.max_tokens))
    tokens = tuple(tokenizer.convert_ids_to_tokens(ids.tolist()))
    content = [t for t in tokens if t not in (tokenizer.cls_token, tokenizer.sep_token)]
    if not content:
        raise InputError(errors.no_words())
    if all(t == tokenizer.unk_token for t in content):
        raise InputError(errors.all_unknown(tokenizer.unk_token, info.name))

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
