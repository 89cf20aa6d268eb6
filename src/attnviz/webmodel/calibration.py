"""What the Linear layers see on the calibration text: the data GPTQ rounds the packed weights with.

``calibration.txt`` holds plain English inputs of the kind a reader types into the playground (one per
line, a tab before sentence B). None of them is a course sentence: those are what the precision gate
checks, so the gate measures the rounding on inputs it was not fitted to.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np

__all__ = ["calibration_inputs", "linear_inputs"]


def calibration_inputs() -> list[tuple[str, str | None]]:
    """The calibration inputs: (sentence A, sentence B or None)."""
    text = (resources.files("attnviz") / "webmodel" / "calibration.txt").read_text(encoding="utf-8")
    inputs: list[tuple[str, str | None]] = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            a, _, b = line.partition("\t")
            inputs.append((a, b or None))
    return inputs


def linear_inputs(model: Any, tokenizer: Any, prefix: str = "") -> dict[str, np.ndarray]:
    """The inputs of every Linear of ``model`` over the calibration inputs, run one at a time:
    ``prefix + module name + ".weight"`` -> float32 (tokens, in)."""
    import torch

    seen: dict[str, list[np.ndarray]] = {}
    hooks = []
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear):

            def keep(_module: Any, args: tuple[Any, ...], _out: Any, name: str = name) -> None:
                x = args[0].detach()
                seen.setdefault(name, []).append(x.reshape(-1, x.shape[-1]).numpy())

            hooks.append(module.register_forward_hook(keep))
    try:
        with torch.no_grad():
            for a, b in calibration_inputs():
                model(**tokenizer(a, b, return_tensors="pt"))
    finally:
        for hook in hooks:
            hook.remove()
    return {f"{prefix}{name}.weight": np.concatenate(xs) for name, xs in seen.items()}
