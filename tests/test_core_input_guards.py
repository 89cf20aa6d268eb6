"""Inputs a learner might type: text that is not valid Unicode, and inputs too long to draw (issue 12)."""

from __future__ import annotations

import pytest
from bertviz import head_view

import attnviz
from attnviz.core.attention import (
    BYTES_PER_WEIGHT,
    HARD_MAX_VIEW_TOKENS,
    MAX_VIEW_BYTES,
    MAX_VIEW_TOKENS,
    ViewTooLargeError,
)

WORDS = "the quick brown fox jumps over the lazy dog while a small cat watches from the old red barn".split()


def _text(n_words: int) -> str:
    return " ".join((WORDS * 40)[:n_words])


@pytest.mark.parametrize("text", ["a \ud800 b", "cat\udc80", "\udfff"])
def test_lone_surrogates_get_the_packages_error(loaded, text):
    with pytest.raises(attnviz.InputError, match=r"U\+D[89A-F][0-9A-F]{2}") as info:
        attnviz.attend(text, model=loaded)
    assert "surrogate" in str(info.value) and "サロゲート" in str(info.value)


def test_a_lone_surrogate_in_sentence_b_is_named(loaded):
    with pytest.raises(attnviz.InputError, match="sentence_b"):
        attnviz.attend("The cat sat", "on the \ud83d mat", model=loaded)


def test_a_short_sentence_is_handed_to_bertviz(single):
    assert len(single.attention) == single.n_layers
    assert single.estimated_view_bytes() < MAX_VIEW_BYTES


def test_attend_accepts_long_inputs_but_the_view_is_refused(loaded):
    r = attnviz.attend(_text(250), model=loaded)  # within the model's 512, beyond a readable view
    assert len(r.tokens) == 252
    with pytest.raises(ViewTooLargeError) as info:
        r.attention  # noqa: B018
    message = str(info.value)
    assert "252" in message and "MB" in message
    assert "include_layers" in message and "短く" in message and "Shorten" in message


def test_choosing_layers_lets_a_longer_input_through(loaded):
    r = attnviz.attend(_text(MAX_VIEW_TOKENS + 40), model=loaded)
    with pytest.raises(ViewTooLargeError):
        r.view_attention()
    last = r.n_layers - 1
    assert len(r.view_attention(include_layers=[last])) == r.n_layers  # BERTviz filters with include_layers


def test_no_choice_of_layers_passes_the_hard_limit(loaded):
    r = attnviz.attend(_text(HARD_MAX_VIEW_TOKENS + 10), model=loaded)
    with pytest.raises(ViewTooLargeError, match=str(HARD_MAX_VIEW_TOKENS)):
        r.view_attention(include_layers=[0], include_heads=[0])


def test_largest_view_the_guard_lets_through(loaded, capsys):
    """The estimate is honest: the largest single-sentence head view the guard allows stays within the limit."""
    info = loaded.info

    def fits(n_words: int) -> bool:  # the guard's estimate, from the token count alone (no forward pass)
        tokens = len(loaded.tokenizer(_text(n_words))["input_ids"])
        return info.layers * info.heads * tokens**2 * BYTES_PER_WEIGHT <= MAX_VIEW_BYTES

    n_words = max(n for n in range(1, 300) if fits(n))
    r = attnviz.attend(_text(n_words), model=loaded)
    assert r.estimated_view_bytes() <= MAX_VIEW_BYTES
    html = head_view(r.attention, r.tokens, html_action="return").data
    with capsys.disabled():
        print(
            f"\n[view guard] largest head view let through ({r.model.name}, {len(r.tokens)} tokens): "
            f"{len(html):,} bytes of HTML (limit {MAX_VIEW_BYTES:,})"
        )
    assert len(html) <= MAX_VIEW_BYTES
    with pytest.raises(ViewTooLargeError):
        attnviz.attend(_text(n_words + 1), model=loaded).attention  # noqa: B018
