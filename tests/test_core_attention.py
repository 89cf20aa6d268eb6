from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import attnviz
from attnviz import InputError


def test_single_sentence_shapes_and_tokens(single, loaded):
    info = loaded.info
    assert single.tokens == ("[CLS]", "the", "cat", "sat", "on", "the", "mat", "[SEP]")
    assert single.weights.shape == (info.layers, info.heads, 8, 8)
    assert single.sentence_b_start is None
    assert single.token_type_ids == (0,) * 8
    assert single.model is info


def test_rows_are_probability_distributions(single, pair):
    for r in (single, pair):
        assert np.all(r.weights >= 0)
        np.testing.assert_allclose(r.weights.sum(axis=-1), 1.0, atol=1e-5)


def test_pair_marks_where_sentence_b_starts(pair):
    assert pair.tokens[0] == "[CLS]"
    assert pair.tokens.count("[SEP]") == 2
    assert pair.sentence_b_start == pair.tokens.index("[SEP]") + 1 == 8
    assert pair.tokens[pair.sentence_b_start :] == ("the", "cat", "lay", "on", "the", "rug", "[SEP]")
    assert pair.token_type_ids == (0,) * 8 + (1,) * 7


def test_empty_sentence_b_means_single_sentence(single, loaded):
    r = attnviz.attend("The cat sat on the mat", "", model=loaded)
    assert r.tokens == single.tokens and r.sentence_b_start is None


def test_result_is_immutable(single):
    with pytest.raises(ValueError):
        single.weights[0, 0, 0, 0] = 1.0
    with pytest.raises(AttributeError):
        single.tokens = ()  # type: ignore[misc]


def test_bertviz_attention_is_rounded_and_close(single):
    att = single.attention
    assert len(att) == single.n_layers
    assert all(a.shape == (1, single.n_heads, 8, 8) and a.dtype == torch.float64 for a in att)
    stacked = torch.cat(att).numpy()
    np.testing.assert_allclose(stacked, single.weights, atol=0.5 * 10**-attnviz.DECIMALS + 1e-7)
    # every number serialises in at most DECIMALS decimals
    numbers = json.dumps(stacked.tolist()).replace("[", " ").replace("]", " ").replace(",", " ").split()
    assert max(len(n.split(".")[1]) for n in numbers if "." in n and "e" not in n) <= attnviz.DECIMALS


def test_matches_the_model_run_directly(single, loaded):
    enc = loaded.tokenizer("The cat sat on the mat", return_tensors="pt")
    with torch.inference_mode():
        out = loaded.model(**enc, output_attentions=True)
    np.testing.assert_allclose(single.weights[-1], out.attentions[-1][0].numpy(), atol=1e-6)


def test_index_finds_tokens(single):
    assert single.index("cat") == 2
    assert single.index("the", 1) == 5
    with pytest.raises(InputError, match="dog"):
        single.index("dog")


@pytest.mark.parametrize("bad", ["", "   ", "\n\t"])
def test_blank_sentence_is_refused_with_advice(bad, loaded):
    with pytest.raises(InputError, match="空です") as exc:
        attnviz.attend(bad, model=loaded)
    assert "empty" in str(exc.value)


def test_blank_sentence_b_is_refused(loaded):
    with pytest.raises(InputError, match="sentence_b"):
        attnviz.attend("The cat sat on the mat", "   ", model=loaded)


def test_non_string_is_refused(loaded):
    with pytest.raises(InputError, match="bytes"):
        attnviz.attend(b"The cat", model=loaded)  # type: ignore[arg-type]


def test_too_long_input_names_length_and_limit(loaded):
    limit = loaded.info.max_tokens
    text = " ".join(["cat"] * (limit + 10))
    with pytest.raises(InputError) as exc:
        attnviz.attend(text, model=loaded)
    msg = str(exc.value)
    assert f"{limit + 12} トークン" in msg and str(limit) in msg and "too long" in msg


def test_text_without_tokens_is_refused(loaded):
    with pytest.raises(InputError, match="no word"):
        attnviz.attend("\u200b\u200b\x00", model=loaded)


def test_text_outside_the_vocabulary_is_refused(loaded):
    with pytest.raises(InputError, match=r"\[UNK\]"):
        attnviz.attend("\U0001f9ec\U0001f9ec", model=loaded)


def test_markup_stays_text(loaded):
    r = attnviz.attend("</script><img src=x onerror=alert(1)>", model=loaded)
    assert "</script>" not in r.tokens and "<" in r.tokens
    assert r.weights.shape[-1] == len(r.tokens)
