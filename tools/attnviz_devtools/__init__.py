"""Developer tools shared by ``tests/``, ``scripts/`` and ``benchmarks/``: where the repository and the built
site are (:mod:`.project`), a localhost server and page log for the built site (:mod:`.site`), and a headless
Chromium found or installed for the browser tests (:mod:`.browser`).

Nothing here is used by the course pages; Playwright is imported only when a browser is launched.
"""
