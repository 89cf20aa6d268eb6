"""Which token may look at which: the bidirectional mask of BERT and the causal mask of GPT-style decoders."""

from __future__ import annotations

import numpy as np

__all__ = ["bidirectional_mask", "causal_mask"]


def bidirectional_mask(n: int) -> np.ndarray:
    """``(n, n)`` booleans, all True: in an encoder (BERT) every token may attend to every token.

    >>> bidirectional_mask(2).tolist()
    [[True, True], [True, True]]
    """
    return np.ones((n, n), dtype=bool)


def causal_mask(n: int) -> np.ndarray:
    """``(n, n)`` booleans, True on and below the diagonal: token ``i`` may attend to tokens ``0..i`` only.

    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    return np.tril(np.ones((n, n), dtype=bool))
