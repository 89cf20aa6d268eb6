"""The files the playground widget downloads, built from the bundled all-MiniLM-L6-v2 (format 3).

:mod:`attnviz.browser_model` runs the export at ``make book``; the parts live here:

* :mod:`.graph`: the ONNX graph. It takes the embedded input (``inputs_embeds``) instead of token ids, names
  every weight after its PyTorch parameter, and keeps only what the attention weights depend on;
* :mod:`.quant`: how each weight is stored (int8, packed 5-7-bit codes, float16) and the nodes that decode
  it inside the graph; the codes of the packed weights are chosen by GPTQ on ``calibration.txt``;
* :mod:`.embeddings`: the word-embedding table as chunk files of rows, fetched on demand, and
  :class:`~.embeddings.EmbeddingRows`, the reference reader (what the widget's JavaScript must match).

Everything here only runs at build time (torch, onnx); nothing of it is imported by the pages.
"""
