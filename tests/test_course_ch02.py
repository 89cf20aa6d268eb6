"""attnviz.course.ch02 and attnviz.core.vocab: Japanese text through the tokenizer, and the previous-token head."""

from __future__ import annotations

import unicodedata

import numpy as np

from attnviz.core.heads import find_head, measure_heads
from attnviz.core.sentences import course_results
from attnviz.core.vocab import Piece, TokenizedText, strip_accents, tokenize_text
from attnviz.course import ch02


def test_japanese_facts_on_constructed_pieces():
    t = TokenizedText(
        text="猫がだ",
        pieces=(Piece("[UNK]", "猫"), Piece("か", "が"), Piece("##た", "だ"), Piece("[UNK]", "猫")),
        unk_token="[UNK]",
    )
    f = ch02.japanese_facts(t)
    assert (f["n_tokens"], f["n_chars"], f["n_unk"], f["unknown"]) == ("4", "3", "2", "猫")
    assert (f["changed"], f["n_changed"], f["unk_share"]) == ("が→か、だ→た", "2", "50%")
    assert f["nfd"] == "が = か + U+3099"
    assert f["tokens"] == "`[UNK]` `か` `##た` `[UNK]`"


def test_the_tokenizer_loses_what_the_page_says(loaded):
    tok = loaded.tokenizer
    for text in (ch02.JAPANESE, ch02.MIXED, ch02.QUIZ):
        t = tokenize_text(tok, text)
        assert t.tokens == tok.tokenize(text)  # the same tokens as the tokenizer's own
        for source in t.unknown:
            assert tok.convert_tokens_to_ids(source) == tok.unk_token_id  # not in the vocabulary
        for source, token in t.changed:
            # the difference is a dropped combining mark (a voicing mark for kana)
            assert strip_accents(source) == token
            assert any(unicodedata.category(c) == "Mn" for c in unicodedata.normalize("NFD", source))
    ja = tokenize_text(tok, ch02.JAPANESE)
    assert ja.unknown and ja.changed, "the bundled uncased vocabulary loses kanji and voicing marks"


def test_previous_head_facts_name_the_best_previous_head(loaded):
    results = course_results(loaded)
    f = ch02.previous_head_facts(results, loaded)
    stats, used = measure_heads(model=loaded, results=results)
    hit = find_head(stats, role="previous")
    assert (f["name"], f["layer"], f["role"]) == (hit.name, str(hit.layer), hit.role)
    assert f["share"] == f"{hit.score:.0%}"
    assert f["even"] == f"{np.mean([1 / len(r.tokens) for r in used]):.0%}"
    assert ("Layer 0" in f["where"]) == (hit.layer == 0)
