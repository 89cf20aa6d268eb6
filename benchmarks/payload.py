"""Page-weight figures: BERTviz's default output vs this project's, and every built page.

    python benchmarks/payload.py            (or: make bench)

Prints, for the same model and input, the bytes of BERTviz's default
``head_view(outputs.attentions, tokens, html_action="return")`` (float32 weights at full length)
next to this project's ``head_view(r.attention, r.tokens, ...)`` (weights rounded to DECIMALS),
and the same for the model and neuron views; then the size of every page in _build/html/book.
Targets (issue "walking skeleton"): head view <= 45 % of BERTviz's for one sentence, <= 35 % for the pair.
Target (issue "chapters"): no chapter page over 1.5 MB.
"""

from __future__ import annotations

from pathlib import Path

import torch
from bertviz import head_view, model_view
from bertviz.neuron_view import show

import attnviz

ROOT = Path(__file__).resolve().parents[1]
INPUTS = {
    "single": ("The cat sat on the mat", None),
    "pair": ("The cat sat on the mat", "The cat lay on the rug"),
}
TARGETS = {("head view", "single"): 0.45, ("head view", "pair"): 0.35}
PAGE_LIMIT = 1.5e6


def default_attentions(loaded: attnviz.LoadedModel, a: str, b: str | None) -> tuple:
    enc = loaded.tokenizer(a, b, return_tensors="pt")
    with torch.inference_mode():
        return loaded.model(**enc, output_attentions=True).attentions


def row(view: str, name: str, theirs: int, ours: int) -> None:
    ratio = ours / theirs
    target = TARGETS.get((view, name))
    verdict = "" if target is None else f"  target <= {target:.0%}: {'ok' if ratio <= target else 'MISSED'}"
    print(f"{view:<12}{name:<8}{theirs:>12,}{ours:>12,}{ratio:>8.1%}{verdict}")


def main() -> None:
    loaded = attnviz.load_model()
    print(f"model: {loaded.info.describe()}\n")
    print(f"{'view':<12}{'input':<8}{'BERTviz':>12}{'attnviz':>12}{'ratio':>8}")
    for name, (a, b) in INPUTS.items():
        r = attnviz.attend(a, b, model=loaded)
        raw = default_attentions(loaded, a, b)
        theirs = head_view(raw, list(r.tokens), sentence_b_start=r.sentence_b_start, html_action="return").data
        ours = head_view(r.attention, r.tokens, sentence_b_start=r.sentence_b_start, html_action="return").data
        row("head view", name, len(theirs.encode()), len(ours.encode()))
        theirs = model_view(raw, list(r.tokens), sentence_b_start=r.sentence_b_start, html_action="return").data
        ours = model_view(r.attention, r.tokens, sentence_b_start=r.sentence_b_start, html_action="return").data
        row("model view", name, len(theirs.encode()), len(ours.encode()))
        bv_model, bv_tok = attnviz.neuron_model(loaded)
        theirs = show(bv_model, "bert", bv_tok, a, b, html_action="return").data
        ours = attnviz.neuron_view(a, b, model=loaded).data
        row("neuron view", name, len(theirs.encode()), len(ours.encode()))

    pages = sorted((ROOT / "_build" / "html" / "book").glob("*.html"))
    if not pages:
        print("\n(no built pages: run `make book` for page sizes)")
        return
    print(f"\n{'page':<40}{'bytes':>12}")
    for page in pages:
        size = page.stat().st_size
        flag = "  OVER 1.5 MB" if size > PAGE_LIMIT else ""
        print(f"{page.relative_to(ROOT).as_posix():<40}{size:>12,}{flag}")


if __name__ == "__main__":
    main()
