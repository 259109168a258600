"""Search a corpus listed from the on-disk index: the index says which articles hold every word
of a query (in their folded text or title); the hits are then found in those articles' own text,
so their offsets are offsets into the original body, as with the in-memory `SearchIndex`.

The first screen of results comes first: the index gives matches in corpus order and stops after
`FIRST` of them; the rest are listed when asked for (`Positions`), and counting every hit reads
each matching article once, in the original script, without folding it (`scan`'s patterns).
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial

from reader.articles.catalog import phrase_query
from reader.articles.corpus import Article
from reader.articles.indexed import IndexedArticles
from reader.search.index import (
    Positions,
    Results,
    Scanned,
    WordSplitter,
    _merged,
    _pattern_for,
    jieba_splitter,
    parse_query,
)
from reader.text.conversion import fold

#: Matches listed at once: the result list's first page.
FIRST = 64


class _Folded(Sequence[str]):
    """Each article's folded body (or title), folded when first asked for; the last few kept."""

    KEPT = 512

    def __init__(self, articles: IndexedArticles, text: Callable[[Article], str]) -> None:
        self._articles = articles
        self._text = text
        self._kept: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._articles)

    def __getitem__(self, position):
        article = self._articles[position]
        with self._lock:
            found = self._kept.get(article.id)
            if found is not None:
                self._kept.move_to_end(article.id)
                return found
        folded = fold(self._text(article))
        with self._lock:
            self._kept[article.id] = folded
            while len(self._kept) > self.KEPT:
                self._kept.popitem(last=False)
        return folded


class IndexedSearch:
    """The search of a corpus listed from the index (what `SearchIndex` is for one in memory)."""

    def __init__(self, articles: IndexedArticles) -> None:
        self.articles = articles
        self.folded = _Folded(articles, lambda article: article.body)
        self.titles = _Folded(articles, lambda article: article.title)
        self._splitter: WordSplitter | None = None

    def search(
        self,
        query: str,
        *,
        word_mode: bool = False,
        cancelled: Callable[[], bool] = lambda: False,
        splitter: WordSplitter | None = None,
    ) -> Results:
        """The articles that hold every word of `query` (in word mode, as whole words): the
        first `FIRST` at once, the rest when asked for."""
        words = parse_query(query)
        results = Results(self, query, words, word_mode, splitter)
        if not words:
            return results
        expression = phrase_query(words)
        if word_mode:
            whole = []
            for position in self.matching(expression):
                if cancelled():
                    results.cancelled = True
                    return results
                if results.hits(position) or results.title_hits(position):
                    whole.append(position)
            results.indices = whole
            return results
        first = self.matching(expression, FIRST)
        results.indices = Positions(first, partial(self.matching, expression) if len(first) == FIRST else None)
        return results

    def matching(self, expression: str, limit: int | None = None) -> list[int]:
        return matching(self.articles, expression, limit)

    def index_of(self, article_id: str) -> int | None:
        return self.articles.position(article_id)

    def splitter(self) -> WordSplitter:
        if self._splitter is None:
            self._splitter = jieba_splitter()
        return self._splitter

    def warm_up(self) -> None:
        """Nothing to do: the index is on disk."""

    def count_hits(self, results: Results) -> int:
        """Every hit of every matching article: each read once, matched in its own script."""
        if results.word_mode:
            return sum(results.count(i) for i in results.indices)
        return sum(len(found.hits) + len(found.title_hits) for found in self._scan(results.words, results.indices))

    def scan(self, words: list[str], unreadable: list[Article] | None = None) -> Iterator[Scanned]:
        """The articles holding every word, with their hits (what `scan` finds, reading only the
        articles the index matches, each file once); `unreadable` gets those whose text could not
        be read. Their positions in the corpus are not worked out: each `Scanned.position` is -1."""
        if not words:
            return iter(())
        articles = self.articles.matching(phrase_query(words))
        return _scanned(words, ((-1, article) for article in articles), unreadable)

    def _scan(self, words: list[str], positions: Sequence[int]) -> Iterator[Scanned]:
        return _scanned(words, ((position, self.articles[position]) for position in positions))


def _scanned(words: list[str], articles: Iterable[tuple[int, Article]], unreadable: list[Article] | None = None
             ) -> Iterator[Scanned]:
    """The articles that hold every word, with their hits, found in the original text with
    patterns that match whatever folds to each word (no folding, as `scan` does). An article the
    index matched whose file changed since may not: left out."""
    patterns = [_pattern_for(word) for word in words]
    for position, article in articles:
        body, title = article.body, article.title
        if article.problem and unreadable is not None:
            unreadable.append(article)
        hits, title_hits = _merged(body, patterns), _merged(title, patterns)
        if (hits or title_hits) if len(patterns) == 1 else all(
                pattern.regex.search(body) or pattern.regex.search(title) for pattern in patterns):
            yield Scanned(position, article, hits, title_hits)


def matching(articles: IndexedArticles, expression: str, limit: int | None = None, *, heads: bool = False
             ) -> list[int]:
    """Positions of the articles the FTS5 `expression` matches, in order (at most `limit`), in
    their titles and bodies (with `heads`, in their titles and sources)."""
    found: list[int] = []
    for catalog, rowids, start in articles.rowids():
        if limit is None:
            found += _positions(catalog.matching(expression, heads=heads), rowids, start)
            continue
        after = None
        while len(found) < limit:  # Leftovers of articles gone are skipped: ask again for more.
            wanted = limit - len(found)
            batch = catalog.matching(expression, after=after, limit=wanted, heads=heads)
            found += _positions(batch, rowids, start)
            if len(batch) < wanted:
                break
            after = batch[-1]
        if len(found) >= limit:
            return found[:limit]
    return found


class Selection(Sequence[Article]):
    """Some articles of a corpus listed from the index, by position (those a filter keeps)."""

    def __init__(self, articles: IndexedArticles, positions: list[int]) -> None:
        self.articles = articles
        self.positions = positions

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.articles[position] for position in self.positions[index]]
        return self.articles[self.positions[index]]

    def position(self, article_id: str) -> int | None:
        found = self.articles.position(article_id)
        if found is None:
            return None
        index = bisect_left(self.positions, found)
        return index if index < len(self.positions) and self.positions[index] == found else None

    def title_widths(self) -> list[int]:
        widths = self.articles.title_widths()
        return [widths[position] for position in self.positions]


class TitleFilter:
    """The articles whose title or source holds every word of a filter, whatever the script
    (`腾讯` keeps `騰訊`): from the index for a corpus listed from it, else from the titles folded
    once, at the first filter."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = articles
        self._folded: dict[str, str] | None = None

    def __call__(self, text: str) -> Sequence[Article]:
        words = fold(text).split()
        articles = self.articles
        if not words:
            return articles
        if isinstance(articles, IndexedArticles):
            return Selection(articles, matching(articles, phrase_query(words), heads=True))
        if self._folded is None:
            self._folded = {a.id: fold(f"{a.title}\n{a.source}") for a in articles}
        folded = self._folded
        return [a for a in articles if all(word in folded[a.id] for word in words)]


def _positions(found: list[int], rowids: array, start: int) -> list[int]:
    """Corpus positions of the rowids `found` (sorted) that the snapshot `rowids` lists: the
    index may hold leftovers of articles gone, and articles newer than the snapshot."""
    if len(found) < 64:
        positions = []
        for rowid in found:
            index = bisect_left(rowids, rowid)
            if index < len(rowids) and rowids[index] == rowid:
                positions.append(start + index)
        return positions
    import numpy as np

    listed = np.frombuffer(rowids, dtype=np.int64) if len(rowids) else np.zeros(0, dtype=np.int64)
    wanted = np.array(found, dtype=np.int64)
    indices = np.searchsorted(listed, wanted)
    inside = indices < len(listed)
    inside[inside] = listed[indices[inside]] == wanted[inside]
    return (indices[inside] + start).tolist()

