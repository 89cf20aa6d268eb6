"""Matplotlib figures and Markdown tables, drawn from :mod:`attnviz.core`'s numbers (never from ``course``).

``figures`` (chapters 1-2), ``shares`` (the layer-share bars), ``rollout``, ``masks``, ``tables``
(tokens, rounded matrices, Clark's stages) and ``labels`` (the names and colours every figure, table and
sentence gives core's categories).
"""
