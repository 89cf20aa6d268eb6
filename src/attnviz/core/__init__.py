"""Numbers only: the model, attention results, and everything the course measures on them.

``models`` (which model, loaded once), ``attention`` (:func:`attend` → :class:`AttentionResult`),
``errors`` (what a learner reads when an input is wrong), ``tokens`` (special tokens, punctuation,
content words), ``qkv`` (one head worked through by hand), ``heads`` (head statistics, roles and the one
head finder), ``shares`` (where attention goes, layer by layer), ``rollout``, ``masks``, ``probes`` (the
chapters' questions about one input), ``sentences`` (the course's one sentence set) and ``fmt`` (how a
number is written). Nothing here draws, displays or writes a Japanese sentence: :mod:`attnviz.draw` and
:mod:`attnviz.course` do, from these numbers.
"""
