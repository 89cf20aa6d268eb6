"""Japanese site search that finds words as readers type them.

Sphinx indexes Japanese with a word segmenter (TinySegmenter) but splits the reader's query only at
spaces and punctuation, so a query such as 自己注意 is one term that matches nothing: the index holds
自己 and 注意. Here both sides use character bigrams for runs of kanji and kana (自己注意 -> 自己, 己注,
注意), the usual approach for CJK search, and whole words for everything else. A page matches when it
holds every bigram of the query.

The query is split the same way in the browser by ``attnviz/web/search.js`` (checked against
:func:`split` by ``tests/test_web_js.py``).
"""

from __future__ import annotations

import re

__all__ = ["BigramSplitter", "split"]

_CJK = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_TOKEN = re.compile(rf"([{_CJK}]+)|([^\W{_CJK}]+)")


def split(text: str) -> list[str]:
    """Bigrams of kanji/kana runs, lower-cased words otherwise.

    >>> split("Self-Attention（自己注意）の図")
    ['self', 'attention', '自己', '己注', '注意', 'の図']
    """
    terms: list[str] = []
    for cjk, word in _TOKEN.findall(text):
        if cjk:
            terms += [cjk] if len(cjk) == 1 else [cjk[i : i + 2] for i in range(len(cjk) - 1)]
        else:
            terms.append(word.lower())
    return terms


class BigramSplitter:
    """A splitter for ``html_search_options = {"type": "attnviz.sphinx.search.BigramSplitter"}``."""

    def __init__(self, options: dict[str, str]) -> None:
        self.options = options

    def split(self, text: str) -> list[str]:
        return split(text)
