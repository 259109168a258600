"""Search for the reading screen: the corpus's index, built once, and how to step from hit to hit
across articles and say where the reader is (the results themselves are the screen's state).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # The index is built after the first paint; its module is not on the way.
    from reader.articles.corpus import Corpus
    from reader.search.index import FoldedCache, Results, SearchIndex


class HitStep(NamedTuple):
    """Where stepping from a place goes: an article (its position in the corpus) and a hit in it."""

    position: int
    hit: int
    wrapped: bool
    """Whether the step went round the end (or start) of the results."""


def step_hit(results: Results, here: int | None, offset: int, *, forward: bool) -> HitStep | None:
    """The next (or previous) hit after body `offset` of the article at position `here`, else the
    first (last) hit of the next (previous) article with hits, wrapping around. Articles found by
    their titles alone have no hit in the text and are stepped over; None when no article has one."""
    if here is not None and here in results.indices:
        hits = results.hits(here)
        after = [i for i, h in enumerate(hits) if (h.start > offset if forward else h.start < offset)]
        if after:
            return HitStep(here, after[0] if forward else after[-1], False)
    ordered = results.indices if forward else results.indices[::-1]
    later = [p for p in ordered if here is not None and (p > here if forward else p < here)]
    target = next((p for p in later + ordered if results.hits(p)), None)
    if target is None:
        return None
    return HitStep(target, 0 if forward else len(results.hits(target)) - 1, target not in later)


def search_status(results: Results, article_id: str, mark: int | None, shown: Callable[[str], str] = str) -> str:
    """The status line's account of a search: the query (`shown` in the script the text is read
    in), which hit is marked, a title hit."""
    hits = results.hits_for(article_id)
    number = next((i + 1 for i, h in enumerate(hits) if h.start == mark), None)
    index = results.index.index_of(article_id)
    in_title = index is not None and index in results.indices and results.title_hits(index)
    where = f"{number}/{len(hits)}" if number else f"{len(hits)} hit{'' if len(hits) == 1 else 's'}"
    return f"“{shown(results.query)}” {where}" + (" · in the title" if in_title else "")


class SearchSession:
    """The search index of a corpus (made on first use, by whichever thread asks first)."""

    def __init__(self, corpus: Corpus, cache_folder: Path, cache: FoldedCache | None = None) -> None:
        self.corpus = corpus
        self.cache = cache
        """Folded texts kept on disk for a large corpus (made in `cache_folder` if not given)."""
        self._cache_folder = cache_folder
        self._index: SearchIndex | None = None
        self._lock = threading.Lock()

    def index(self, progress: Callable[[int], None] | None = None) -> SearchIndex:
        from reader.search.index import FoldedCache, SearchIndex, folded_texts

        with self._lock:
            if self._index is None:
                articles = self.corpus.articles
                cache = self.cache = self.cache or FoldedCache(self._cache_folder)
                self._index = SearchIndex(articles, folded_texts(articles, self.corpus.signature, cache, progress))
            return self._index

    def replace_corpus(self, corpus: Corpus) -> None:
        """Another version of the corpus: the index is made again."""
        with self._lock:
            self.corpus, self._index = corpus, None
