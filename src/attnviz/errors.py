"""Errors that tell a learner what went wrong and what to do next (Japanese first, then English)."""

from __future__ import annotations

__all__ = ["AttnvizError", "InputError", "ModelLoadError"]


class AttnvizError(Exception):
    """Base class of every error raised by :mod:`attnviz`."""


class InputError(AttnvizError, ValueError):
    """The sentence given to :func:`attnviz.attend` cannot be analysed as it is."""


class ModelLoadError(AttnvizError, RuntimeError):
    """No model could be loaded; the message lists what was tried and how to fix it."""
