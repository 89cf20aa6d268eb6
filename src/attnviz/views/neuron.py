"""BERTviz's neuron view, fed from the same weights as everything else (the view kind "neuron" draws it).

The neuron view needs BERTviz's own BERT classes (``bertviz.transformers_neuron_view``), whose
``from_pretrained`` downloads from addresses that no longer answer and silently returns ``None`` for
a directory without ``pytorch_model.bin``. Here they are built from the loaded transformers model's
config and state dict instead, so both views always show the same model.
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from ..core.attention import DECIMALS
from ..core.models import LoadedModel, load_model

__all__ = ["neuron_model", "neuron_view"]

_PARAMS = re.compile(r"window\.bertviz_params = (\{.*?\})\n</script>", re.S)


@functools.lru_cache(maxsize=4)
def _neuron_model(loaded: LoadedModel) -> tuple[Any, Any]:
    from bertviz.transformers_neuron_view import BertConfig, BertModel, BertTokenizer

    hf_cfg = loaded.model.config
    cfg = BertConfig(
        vocab_size_or_config_json_file=hf_cfg.vocab_size,
        hidden_size=hf_cfg.hidden_size,
        num_hidden_layers=hf_cfg.num_hidden_layers,
        num_attention_heads=hf_cfg.num_attention_heads,
        intermediate_size=hf_cfg.intermediate_size,
        hidden_act=hf_cfg.hidden_act,
        max_position_embeddings=hf_cfg.max_position_embeddings,
        type_vocab_size=hf_cfg.type_vocab_size,
        layer_norm_eps=hf_cfg.layer_norm_eps,
        output_attentions=True,
    )
    model = BertModel(cfg)
    missing, unexpected = model.load_state_dict(loaded.model.state_dict(), strict=False)
    if missing or [k for k in unexpected if not k.endswith("position_ids")]:
        raise RuntimeError(f"Neuron-view weights do not match: missing {missing}, unexpected {unexpected}")
    model.eval()
    # BERTviz's tokenizer reads a vocab.txt; write one from the loaded tokenizer's vocabulary (a fast
    # tokenizer loaded from tokenizer.json alone has no vocab file to copy).
    vocab = sorted(loaded.tokenizer.get_vocab().items(), key=lambda item: item[1])
    if [i for _, i in vocab] != list(range(len(vocab))):
        raise RuntimeError("The tokenizer's vocabulary ids are not 0..N-1: cannot build BERTviz's tokenizer.")
    with tempfile.TemporaryDirectory() as tmp:
        vocab_file = Path(tmp) / "vocab.txt"
        vocab_file.write_text("".join(f"{token}\n" for token, _ in vocab), encoding="utf-8")
        tokenizer = BertTokenizer(str(vocab_file), do_lower_case=getattr(loaded.tokenizer, "do_lower_case", True))
    return model, tokenizer


def neuron_model(model: LoadedModel | None = None) -> tuple[Any, Any]:
    """BERTviz's neuron-view ``(model, tokenizer)`` with the weights of the course model.

    Use them with BERTviz's own API::

        from bertviz.neuron_view import show
        model, tokenizer = neuron_model()
        show(model, "bert", tokenizer, "The cat sat on the mat", layer=2, head=0)
    """
    return _neuron_model(model or load_model())


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, list):
        return [_round(v) for v in value]
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    return value


def neuron_view(
    sentence_a: str,
    sentence_b: str | None = None,
    *,
    layer: int | None = None,
    head: int | None = None,
    display_mode: str = "light",
    model: LoadedModel | None = None,
) -> Any:
    """BERTviz's neuron view as an ``IPython.display.HTML`` object, with numbers rounded.

    Same output as ``bertviz.neuron_view.show(..., html_action="return")``, but the query, key and
    attention numbers are rounded to :data:`~attnviz.core.attention.DECIMALS` decimals, which makes the
    page several times lighter.
    """
    from bertviz.neuron_view import show
    from IPython.display import HTML

    from ..core.attention import _check_sentence

    _check_sentence(sentence_a, "sentence_a")
    if sentence_b:
        _check_sentence(sentence_b, "sentence_b")
    bv_model, bv_tokenizer = neuron_model(model)
    html = show(
        bv_model,
        "bert",
        bv_tokenizer,
        sentence_a,
        sentence_b or None,
        display_mode=display_mode,
        layer=layer,
        head=head,
        html_action="return",
    ).data
    match = _PARAMS.search(html)
    if match is None:  # BERTviz changed its output: keep it as it is rather than break the page
        return HTML(html)
    params = json.dumps(_round(json.loads(match.group(1))), separators=(",", ":"))
    return HTML(html[: match.start(1)] + params + html[match.end(1) :])
