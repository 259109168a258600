"""Keyword search across articles, whatever script the query or the text is in.

Text and query are folded character by character (to Simplified, lower case, half-width), which
keeps lengths, so a hit's offsets in the folded text are its offsets in the original body.

A query is words separated by spaces, all of which must occur in an article; a quoted phrase
("like this" or “like this”) is one word, spaces included. Every occurrence of any word is a hit.
In word mode a hit must also start and end on jieba word boundaries (元寶 does not hit 元寶派).
Nothing in a query is special to a regular-expression engine: it is all literal text.

Two indexes answer queries the same way. `SearchIndex` holds every folded text in memory: for a
corpus made in memory (and the reference the on-disk index is tested against). Which articles
hold a character is worked out (one fast single-character scan) the first time a query uses it
and remembered as a bit set, so a query reads only the articles that hold all its characters, and
each only up to its first occurrence of each word. `reader.search.indexed.IndexedSearch` asks the
on-disk index (`reader.articles.catalog`) which articles match, for a corpus listed from it.
Hits are found per article when asked for (`Results` are lazy), so the first screen of results
never waits for the count of every hit in ten thousand articles.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple, Protocol, overload

from reader.articles.corpus import Article
from reader.text.conversion import SIMPLIFIED, convert, fold, fold_table

#: Characters of context either side of a hit in a snippet.
CONTEXT = 20
#: Characters either side of a hit that word mode segments to find its word boundaries.
WORD_WINDOW = 40

#: Between articles in the joined text; folding never makes it, so no word can span two articles.
_SEPARATOR = "\x00"

_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|(\S+)')
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def parse_query(query: str) -> list[str]:
    """The folded words of a query, quoted phrases kept whole, duplicates dropped."""
    words: list[str] = []
    for match in _QUOTED.finditer(query):
        word = next(group for group in match.groups() if group is not None)
        folded = fold(word)
        if folded.strip() and folded not in words:
            words.append(folded)
    return words


class Hit(NamedTuple):
    """Where a match is: code-point offsets into the original body (folding keeps lengths)."""

    start: int
    end: int


_WHITESPACE = re.compile(r"\s")


def snippet(body: str, hit: Hit, context: int = CONTEXT) -> tuple[str, int, int]:
    """Context around a hit on one line, and where the hit is in it."""
    start = max(0, hit.start - context)
    end = min(len(body), hit.end + context)
    return _WHITESPACE.sub(" ", body[start:end]), hit.start - start, hit.end - start


WordSplitter = Callable[[str], Iterable[str]]


def jieba_splitter() -> WordSplitter:
    """jieba's segmentation, taught the gazetteer's names (so 元寶派 is one word)."""
    from reader.entities.detect import Gazetteer, jieba_with_names

    jieba = jieba_with_names(Gazetteer.load())
    return lambda text: jieba.cut(text, HMM=True)


class SearchIndex:
    """Folded article texts, and which articles hold each character a query has used."""

    CHARACTERS_KEPT = 4096
    #: Below this many candidate articles, words are checked in their text directly.
    FEW = 64

    def __init__(self, articles: Iterable[Article]) -> None:
        self.articles: list[Article] = list(articles)
        self.folded = [fold(article.body) for article in self.articles]
        self._joined = _SEPARATOR.join(self.folded)  # What a character's articles are found in.
        self._starts = list(accumulate((len(text) + 1 for text in self.folded[:-1]), initial=0))
        self._positions = {article.id: index for index, article in enumerate(self.articles)}
        self._holding_cache: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()
        self._splitter: WordSplitter | None = None
        self._titles: list[str] | None = None

    @property
    def titles(self) -> list[str]:
        """Every article's folded title (titles are searched too), made at the first search."""
        if self._titles is None:
            self._titles = [fold(article.title) for article in self.articles]
        return self._titles

    def _holding(self, character: str) -> int:
        """Bit set of the articles whose text holds `character` (remembered for the next query)."""
        with self._lock:
            found = self._holding_cache.get(character)
            if found is not None:
                self._holding_cache.move_to_end(character)
                return found
        # Jump from one occurrence to the next article's text: a rare character costs little.
        bits = bytearray((len(self.folded) + 7) // 8)
        joined, starts, last = self._joined, self._starts, len(self.folded) - 1
        position = joined.find(character)
        while position != -1:
            index = bisect_right(starts, position) - 1
            bits[index >> 3] |= 1 << (index & 7)
            position = joined.find(character, starts[index + 1]) if index < last else -1
        found = int.from_bytes(bits, "little")
        with self._lock:
            self._holding_cache[character] = found
            while len(self._holding_cache) > self.CHARACTERS_KEPT:
                self._holding_cache.popitem(last=False)
        return found

    def search(
        self,
        query: str,
        *,
        word_mode: bool = False,
        cancelled: Callable[[], bool] = lambda: False,
        splitter: WordSplitter | None = None,
    ) -> Results:
        """The articles that hold every word of `query` (in word mode, as whole words)."""
        words = parse_query(query)
        results = Results(self, query, words, word_mode, splitter)
        if not words:
            return results
        titles = self.titles
        in_titles = [i for i, title in enumerate(titles) if any(word in title for word in words)]
        candidates = (1 << len(self.folded)) - 1
        characters = {char for word in words for char in word if not char.isspace()}
        with self._lock:  # Characters already worked out first: they cost nothing.
            ordered = sorted(characters, key=lambda char: char not in self._holding_cache)
        for char in ordered:
            if cancelled():
                results.cancelled = True
                return results
            if candidates.bit_count() <= self.FEW and char not in self._holding_cache:
                break  # Reading a few articles beats scanning every one for another character.
            candidates &= self._holding(char)
            if not candidates:
                break
        # An article matches when each word is in its text or its title. One whose title holds
        # none of them needs them all in its text: the character sets above found those.
        indices = sorted(set(_set_bits(candidates)) | set(in_titles)) if in_titles else _set_bits(candidates)
        folded = self.folded
        for word in sorted(words, key=len, reverse=True):
            indices = [i for i in indices if word in folded[i] or word in titles[i]]
        if word_mode:
            indices = [i for i in indices if results.hits(i) or results.title_hits(i)]
        results.indices = indices
        return results

    def index_of(self, article_id: str) -> int | None:
        return self._positions.get(article_id)

    def warm_up(self, sample: int = 200_000, characters: int = 400) -> None:
        """Work out, ahead of queries, which articles hold the corpus's most common characters."""
        for character, _ in Counter(self._joined[:sample]).most_common(characters):
            if not character.isspace():
                self._holding(character)

    def splitter(self) -> WordSplitter:
        if self._splitter is None:
            self._splitter = jieba_splitter()
        return self._splitter

    def count_hits(self, results: Results) -> int:
        return sum(results.count(i) for i in results.indices)


def _set_bits(bits: int) -> list[int]:
    """Positions of the set bits, lowest first."""
    digits = bin(bits)[:1:-1]
    found = []
    position = digits.find("1")
    while position != -1:
        found.append(position)
        position = digits.find("1", position + 1)
    return found


class Searchable(Protocol):
    """What `Results` reads from the index that made them: the in-memory `SearchIndex`, or the
    on-disk one (`reader.search.indexed.IndexedSearch`)."""

    @property
    def articles(self) -> Sequence[Article]: ...

    @property
    def folded(self) -> Sequence[str]:
        """Each article's folded body, by position."""
        ...

    @property
    def titles(self) -> Sequence[str]:
        """Each article's folded title, by position."""
        ...

    def index_of(self, article_id: str) -> int | None: ...

    def splitter(self) -> WordSplitter: ...

    def count_hits(self, results: Results) -> int: ...

    def search(self, query: str, *, word_mode: bool = False, cancelled: Callable[[], bool] = ...,
               splitter: WordSplitter | None = None) -> Results: ...

    def warm_up(self) -> None: ...


class Positions(Sequence[int]):
    """Corpus positions of the articles that match: the first few, found at once, and the rest
    when anything past them is asked for (`rest()` runs once, in the thread that asks first), so
    the first screen of results never waits for the thousands after it."""

    def __init__(self, first: list[int], rest: Callable[[], list[int]] | None) -> None:
        self._known = first
        self._rest = rest
        self._lock = threading.Lock()

    @property
    def complete(self) -> bool:
        return self._rest is None

    def _all(self) -> list[int]:
        with self._lock:
            if self._rest is not None:
                self._known = self._rest()
                self._rest = None
            return self._known

    def __len__(self) -> int:
        return len(self._all())

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        known = self._known
        if isinstance(index, slice):
            forward = (index.step or 1) > 0 and 0 <= (index.start or 0)
            if forward and index.stop is not None and index.stop <= len(known):
                return known[index]
            return self._all()[index]
        return known[index] if 0 <= index < len(known) else self._all()[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self._all())

    def __contains__(self, position: object) -> bool:
        return position in self._known or (not self.complete and position in self._all())


class Results:
    """Articles matching a query, in corpus order; their hits are found when first asked for."""

    #: Articles whose hits are kept (those shown, and stepped through).
    HITS_KEPT = 4096

    def __init__(
        self, index: Searchable, query: str, words: list[str], word_mode: bool, splitter: WordSplitter | None
    ) -> None:
        self.index = index
        self.query = query
        self.words = words
        self.word_mode = word_mode
        self.indices: Sequence[int] = []
        self.cancelled = False
        self._splitter = splitter
        self._hits: OrderedDict[int, list[Hit]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.indices)

    @property
    def found(self) -> int | None:
        """How many articles match; None while that is still being worked out (`Positions`):
        `len` would wait for it."""
        indices = self.indices
        return None if isinstance(indices, Positions) and not indices.complete else len(indices)

    @property
    def articles(self) -> list[Article]:
        return [self.index.articles[i] for i in self.indices]

    def hits(self, index: int) -> list[Hit]:
        """Every hit in the article at corpus position `index`."""
        with self._lock:
            found = self._hits.get(index)
            if found is not None:
                self._hits.move_to_end(index)
                return found
        folded = self.index.folded[index]
        hits = find_hits(folded, self.words)
        if self.word_mode:
            body = self.index.articles[index].body
            splitter = self._splitter or self.index.splitter()
            hits = [hit for hit in hits if on_word_boundaries(body, hit, splitter)]
            if not covers_every_word(folded, hits, self.words):
                hits = []
        with self._lock:
            self._hits[index] = hits
            while len(self._hits) > self.HITS_KEPT:
                self._hits.popitem(last=False)
        return hits

    def title_hits(self, index: int) -> list[Hit]:
        """The query's words in the title of the article at `index` (offsets into the title)."""
        title = self.index.titles[index]
        return find_hits(title, self.words) if any(word in title for word in self.words) else []

    def hits_for(self, article_id: str) -> list[Hit]:
        index = self.index.index_of(article_id)
        return self.hits(index) if index is not None else []

    def total(self) -> int:
        """Every hit in every matching article, titles included (reads them all: call it off the
        UI thread)."""
        return self.index.count_hits(self)

    def count(self, index: int) -> int:
        """The hits in the article at `index`: in its text and in its title."""
        return len(self.hits(index)) + len(self.title_hits(index))

    def rows(self) -> Iterator[tuple[Article, list[Hit]]]:
        for index in self.indices:
            yield self.index.articles[index], self.hits(index)


class Scanned(NamedTuple):
    """An article that matched a scan, with its hits in the text and in the title."""

    position: int
    article: Article
    hits: list[Hit]
    title_hits: list[Hit]


def scan(articles: list[Article], query: str) -> list[Scanned]:
    """The articles holding every word of `query`, found by reading their original texts once
    with a pattern that matches whatever folds to each word (腾讯 as 騰訊, ＡＩ as ai): the same
    matches and hits as `SearchIndex.search` (whole words aside), without folding or indexing the
    corpus. For one query over a corpus read once (the `search` command), that is the quick way."""
    words = parse_query(query)
    patterns = [_pattern_for(word) for word in words]
    found = []
    for position, article in enumerate(articles):
        body, title = article.body, article.title
        if words and all(p.regex.search(body) or p.regex.search(title) for p in patterns):
            found.append(Scanned(position, article, _merged(body, patterns), _merged(title, patterns)))
    return found


class WordPattern(NamedTuple):
    """A pattern matching every text whose folded form is a word, and whether two occurrences of
    the word can overlap (元元 in 元元元: one of its starts is one of its ends)."""

    regex: re.Pattern
    overlapping: bool


def _pattern_for(folded_word: str) -> WordPattern:
    parts = []
    for character in folded_word:
        variants = _unfolded(character)
        parts.append(re.escape(variants) if len(variants) == 1 else f"[{re.escape(variants)}]")
    overlapping = any(folded_word[:size] == folded_word[-size:] for size in range(1, len(folded_word)))
    return WordPattern(re.compile("".join(parts)), overlapping)


def _merged(text: str, patterns: list[WordPattern]) -> list[Hit]:
    """Every occurrence of every pattern (overlapping ones too), merged as `find_hits` merges."""
    found: list[Hit] = []
    for regex, overlapping in patterns:
        if not overlapping:  # Matches found one after another are all the matches: quicker.
            found += [Hit(*match.span()) for match in regex.finditer(text)]
            continue
        match = regex.search(text)
        while match:
            found.append(Hit(match.start(), match.end()))
            match = regex.search(text, match.start() + 1)
    return found if len(patterns) == 1 and not patterns[0].overlapping else _merge(found)


@lru_cache(maxsize=4096)
def _unfolded(folded: str) -> str:
    """Every character that folds to `folded`, itself first (looked for in the fold table as a
    string: a whole reverse table would take 20 ms to make, a fifth of a `reader search`)."""
    table = _fold_text()
    found = [folded]
    position = table.find(folded)
    while position != -1:
        if chr(position) != folded:
            found.append(chr(position))
        position = table.find(folded, position + 1)
    return "".join(found)


@lru_cache(maxsize=1)
def _fold_text() -> str:
    return "".join(fold_table())


def find_hits(folded: str, words: list[str]) -> list[Hit]:
    """Every occurrence of every word, in order; of overlapping ones the earlier, longer stays."""
    found: list[Hit] = []
    for word in words:
        start = folded.find(word)
        while start != -1:
            found.append(Hit(start, start + len(word)))
            start = folded.find(word, start + 1)
    return _merge(found)


def _merge(found: list[Hit]) -> list[Hit]:
    """In order; of overlapping hits the earlier, longer stays."""
    found.sort(key=lambda hit: (hit.start, -hit.end))
    merged: list[Hit] = []
    for hit in found:
        if not merged or hit.start >= merged[-1].end:
            merged.append(hit)
    return merged


def covers_every_word(folded: str, hits: list[Hit], words: list[str]) -> bool:
    present = {folded[hit.start : hit.end] for hit in hits}
    return all(word in present for word in words)


def on_word_boundaries(body: str, hit: Hit, splitter: WordSplitter) -> bool:
    """Whether jieba, segmenting the hit's sentence, starts and ends words where the hit does."""
    start = max(0, hit.start - WORD_WINDOW)
    end = min(len(body), hit.end + WORD_WINDOW)
    before = list(_SENTENCE_END.finditer(body, start, hit.start))
    after = _SENTENCE_END.search(body, hit.end, end)
    start = before[-1].end() if before else start
    end = after.start() if after else end
    edges = {start}
    position = start
    for word in splitter(convert(body[start:end], SIMPLIFIED)):
        position += len(word)
        edges.add(position)
    return hit.start in edges and hit.end in edges
