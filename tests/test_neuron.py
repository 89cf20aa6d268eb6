from __future__ import annotations

import json
import re

import numpy as np
import torch

import attnviz


def test_neuron_model_attention_equals_transformers(loaded, pair):
    bv_model, bv_tokenizer = attnviz.neuron_model(loaded)
    enc = loaded.tokenizer("The cat sat on the mat", "The cat lay on the rug", return_tensors="pt")
    with torch.inference_mode():
        out = bv_model(enc["input_ids"], token_type_ids=enc["token_type_ids"])
    neuron = np.stack([layer["attn"][0].numpy() for layer in out[-1]])  # (L, H, T, T)
    assert neuron.shape == pair.weights.shape
    np.testing.assert_allclose(neuron, pair.weights, atol=1e-5)
    # BERTviz's own (old) tokenizer splits the same way
    assert ["[CLS]", *bv_tokenizer.tokenize("The cat sat on the mat"), "[SEP]"] == list(pair.tokens[:8])


def test_neuron_model_is_loaded_once(loaded):
    assert attnviz.neuron_model(loaded) is attnviz.neuron_model(loaded)


def test_neuron_view_numbers_are_rounded(loaded):
    html = attnviz.neuron_view("The cat sat on the mat", layer=1, head=3, model=loaded).data
    params = json.loads(re.search(r"window\.bertviz_params = (\{.*?\})\n</script>", html, re.S).group(1))
    assert params["layer"] == 1 and params["head"] == 3
    q = np.array(params["attention"]["all"]["queries"])  # (L, H, T, d)
    assert q.shape[:3] == (loaded.info.layers, loaded.info.heads, 8)
    assert np.all(np.round(q, attnviz.DECIMALS) == q)
    assert 'src="https://cdnjs' in html  # BERTviz's own markup, untouched: the Sphinx extension removes it


def test_neuron_model_works_with_a_tokenizer_that_has_no_vocab_file(loaded, tmp_path):
    from transformers import AutoTokenizer

    loaded.tokenizer.save_pretrained(tmp_path)
    (tmp_path / "vocab.txt").unlink(missing_ok=True)  # as for a model shipped with tokenizer.json only
    fast = AutoTokenizer.from_pretrained(tmp_path)
    bare = attnviz.LoadedModel(model=loaded.model, tokenizer=fast, info=loaded.info)
    _, bv_tokenizer = attnviz.neuron_model(bare)
    assert bv_tokenizer.tokenize("The cat sat on the mat") == fast.tokenize("The cat sat on the mat")
