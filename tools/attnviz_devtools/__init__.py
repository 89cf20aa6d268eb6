"""Test tooling for the attnviz course site, shared by ``tests/``, ``scripts/`` and ``benchmarks/``.

It is a package of its own (``tools/``, distribution ``attnviz-devtools``), installed editable by ``make``
beside ``attnviz``, so that the package a learner installs in Colab carries none of it:

* :mod:`.project`: where the repository and the built site are, and its settings files;
* :mod:`.site`: a localhost server and page log for the built site, the page-weight limits;
* :mod:`.browser`: a headless Chromium found or installed for the browser tests (``make browser``);
* :mod:`.views`: drawing the lazily drawn views in browser tests and screenshots;
* :mod:`.notebooks`: running a page's notebook the way a learner would;
* :mod:`.precision`: how close the in-browser model's attention weights must be to PyTorch's.

Nothing here is used by the course pages; Playwright is imported only when a browser is launched.
"""
