"""What a tokenizer makes of a text: each token beside the characters of the input it came from.

An English uncased WordPiece vocabulary (BERT's, and the bundled all-MiniLM-L6-v2's) meets text in another
script in three ways that a reader of the token list cannot see at once:

* a character that is not in the vocabulary becomes the unknown token (``[UNK]``): its meaning is gone;
* a run of kana is cut into single characters (``##`` pieces), and every CJK ideograph is its own token;
* uncased BERT lowercases and *strips accents*: it decomposes the text (Unicode NFD) and drops the combining
  marks, and a kana's voicing mark is such a mark (``U+3099``/``U+309A``), so a voiced kana comes out
  unvoiced, e.g. ``"\\u305c"`` (ze) becomes ``"\\u305b"`` (se).

:func:`tokenize_text` returns the pieces with their source characters (the fast tokenizer's offsets), so a
page can show what was lost where. :func:`strip_accents` is the same normalisation, for explaining it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

__all__ = ["Piece", "TokenizedText", "strip_accents", "tokenize_text"]


def strip_accents(text: str) -> str:
    """Lowercase, decompose (NFD) and drop combining marks, as uncased BERT's normaliser does.

    >>> strip_accents("Café")
    'cafe'
    >>> [hex(ord(c)) for c in strip_accents("\\u3060")]  # da -> ta: the voicing mark is a combining mark
    ['0x305f']
    """
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


@dataclass(frozen=True)
class Piece:
    """One token and the characters of the input it stands for."""

    token: str  #: as the tokenizer writes it (``##`` marks a piece that continues a word)
    source: str  #: the input's characters it came from (its offsets)

    @property
    def text(self) -> str:
        """The token without its ``##`` prefix."""
        return self.token.removeprefix("##")


@dataclass(frozen=True)
class TokenizedText:
    """A text and its pieces (no special tokens), with what the vocabulary lost."""

    text: str
    pieces: tuple[Piece, ...]
    unk_token: str

    @property
    def tokens(self) -> list[str]:
        return [p.token for p in self.pieces]

    @property
    def unknown(self) -> list[str]:
        """The input's characters that became the unknown token, in order."""
        return [p.source for p in self.pieces if p.token == self.unk_token]

    @property
    def changed(self) -> list[tuple[str, str]]:
        """``(source, token text)`` where a known token differs from its characters beyond lowercasing,
        e.g. a voiced kana that lost its voicing mark."""
        return [(p.source, p.text) for p in self.pieces if p.token != self.unk_token and p.text != p.source.lower()]

    @property
    def n_chars(self) -> int:
        """Characters of the text, spaces left out."""
        return sum(not c.isspace() for c in self.text)


def tokenize_text(tokenizer: Any, text: str) -> TokenizedText:
    """Tokenize ``text`` (no special tokens) and pair every token with its source characters.

    ``tokenizer`` is a Hugging Face *fast* tokenizer (it gives character offsets).
    """
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    tokens = tokenizer.convert_ids_to_tokens(encoded["input_ids"])
    pieces = tuple(Piece(t, text[a:b]) for t, (a, b) in zip(tokens, encoded["offset_mapping"], strict=True))
    return TokenizedText(text=text, pieces=pieces, unk_token=tokenizer.unk_token)
