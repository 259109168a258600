"""Entities of one text found a stretch at a time: the part on screen first, the rest after.

The model reads about 30,000 characters a second with the pretrained analyser: a long book takes
it many seconds, a screen of it a few hundredths. What the model finds in one segment of text (a
line, or a stretch of a very long one: `reader.entities.model.segments`) never depends on another,
and neither do the gazetteer's and the patterns' mentions, which never cross a segment's edge; so
the entities of any run of whole segments, found alone, are those the whole text gives there.

    found = ProgressiveDetection(body, gazetteer, cache)
    shown = found.stretch(first_offset, last_offset)   # the screen, now (a worker: the model loads)
    for done in found.rest():                           # the rest, in a worker, as fast as it goes
        ...                                             # found.entities grows; `done` characters
    found.entities                                      # sorted; complete when found.complete

When the whole text is done, its entities go to the cache (keyed by the text and the gazetteer),
and a text whose entities are cached is complete from the start.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from reader.entities import model as ner
from reader.entities.detect import EntityCache, Gazetteer, detect, detect_cached, detect_many
from reader.entities.mentions import Entity
from reader.text.conversion import fold

if TYPE_CHECKING:
    from reader.articles.corpus import Article

#: What `rest` finds in one go, in characters (the model batches within it).
STEP = 20_000


class ProgressiveDetection:
    """One text's entities, found stretch by stretch on demand (thread-safe)."""

    def __init__(self, body: str, gazetteer: Gazetteer, cache: EntityCache | None = None) -> None:
        self.body = body
        self.gazetteer = gazetteer
        self.cache = cache
        self._folded: str | None = None
        self._lock = threading.Lock()
        self._done: list[tuple[int, int]] = []  # Sorted, disjoint stretches already found.
        self._found: list[Entity] = []
        cached = cache.get(body, gazetteer) if cache is not None else None
        if cached is not None:
            self._done = [(0, len(body))]
            self._found = cached

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.body)
        return self._folded

    @property
    def complete(self) -> bool:
        return self._done == [(0, len(self.body))] or not self.body

    @property
    def entities(self) -> list[Entity]:
        """Everything found so far, sorted."""
        with self._lock:
            return list(self._found)

    @property
    def characters_done(self) -> int:
        with self._lock:
            return sum(end - start for start, end in self._done)

    def stretch(self, start: int, end: int) -> list[Entity]:
        """The entities of the segments [start, end) touches, found now if they are not yet."""
        a, b = bounds(self.folded, max(0, start), min(len(self.body), max(start, end)))
        self._find(a, b)
        with self._lock:
            first = bisect.bisect_left(self._found, (a,))
            last = bisect.bisect_left(self._found, (b,))
            return self._found[first:last]

    def rest(self, step: int = STEP) -> Iterator[int]:
        """Find what is not found yet, about `step` characters at a time, onwards from the first
        gap; yields the characters done after each step. Puts the whole result in the cache."""
        position = 0
        while True:
            with self._lock:
                gaps = self._gaps(0, len(self.body))
            if not gaps:
                break
            start, _ = next((gap for gap in gaps if gap[1] > position), gaps[0])
            a, b = bounds(self.folded, start, min(len(self.body), start + step))
            self._find(a, b)
            position = b
            yield self.characters_done
        if self.cache is not None and self.complete:
            self.cache.put(self.body, self.gazetteer, self.entities)

    def _gaps(self, a: int, b: int) -> list[tuple[int, int]]:
        """Parts of [a, b) not found yet (call with the lock held)."""
        gaps = []
        position = a
        for start, end in self._done:
            if end <= position:
                continue
            if start >= b:
                break
            if start > position:
                gaps.append((position, start))
            position = max(position, end)
        if position < b:
            gaps.append((position, b))
        return gaps

    def _find(self, a: int, b: int) -> None:
        with self._lock:
            gaps = self._gaps(a, b)
        for start, end in gaps:
            found = [Entity(e.start + start, e.end + start, e.type, e.key)
                     for e in detect(self.body[start:end], self.gazetteer, folded=self.folded[start:end])]
            with self._lock:
                if self._gaps(start, end) != [(start, end)]:
                    continue  # Another thread found it meanwhile.
                self._found = sorted(self._found + found)
                self._done = _merged(self._done + [(start, end)])


def bounds(folded: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened to the edges of the segments it touches (`model.segments`): whole
    lines, or whole stretches of a line longer than `model.LONGEST_SEGMENT`."""
    a = _start_bound(folded, start)
    return a, max(a, _end_bound(folded, end))


def _line(folded: str, offset: int) -> tuple[int, int]:
    """(start, end) of the line holding `offset`, without its line end."""
    line_start = folded.rfind("\n", 0, offset) + 1
    line_end = folded.find("\n", offset)
    return line_start, len(folded) if line_end < 0 else line_end


def _start_bound(folded: str, offset: int) -> int:
    if offset >= len(folded) or folded[offset] == "\n":
        return offset
    line_start, line_end = _line(folded, offset)
    if line_end - line_start > ner.LONGEST_SEGMENT:
        return line_start + _segment_start(ner.segments(folded[line_start:line_end]), offset - line_start)
    return line_start


def _end_bound(folded: str, offset: int) -> int:
    if offset <= 0 or folded[offset - 1] == "\n":
        return offset
    line_start, line_end = _line(folded, offset - 1)
    if line_end - line_start > ner.LONGEST_SEGMENT:
        return line_start + _segment_end(ner.segments(folded[line_start:line_end]), offset - line_start)
    return line_end


def _segment_start(segments: list[tuple[int, int]], offset: int) -> int:
    """The start of the segment holding `offset` (segments cover a line but its line end)."""
    return next((start for start, end in segments if offset < end), offset)


def _segment_end(segments: list[tuple[int, int]], offset: int) -> int:
    """The end of the segment holding the character before `offset`."""
    return next((end for _, end in segments if offset <= end), offset)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


#: Of a long article read first, what `detect_articles` finds with the model before the rest:
#: about a screen from its start (a 120x40 terminal shows some 2,300 Han characters).
FIRST_STRETCH = 3_000


class Found(NamedTuple):
    """Entities found in one article; `complete` when the model has had its say too."""

    article_id: str
    entities: list[Entity]
    complete: bool
    done: int
    """How many of the other articles are done (0 while the article read first is)."""


def detect_articles(first: Article | None, others: list[Article], gazetteer: Gazetteer, cache: EntityCache, *,
                    quick: bool = False, folded: Callable[[Article], str | None] | None = None) -> Iterator[Found]:
    """Entities article by article: `first` (the one being read) at once from the gazetteer and
    patterns, then, if it is long, its opening (FIRST_STRETCH characters) with the model, then all
    of it with the model; then `others` (found several at a time: `detect_many`), without the
    model if `quick` (a large corpus), on their folded texts when `folded` has them."""
    if first is not None:
        entities = cache.get(first.body, gazetteer)
        if entities is None:
            listed = detect(first.body, gazetteer, use_model=False)
            yield Found(first.id, listed, False, 0)
            progressive = ProgressiveDetection(first.body, gazetteer, cache)
            if len(first.body) > FIRST_STRETCH:  # Its opening with the model, the rest as listed.
                shown = progressive.stretch(0, FIRST_STRETCH)
                end = bounds(progressive.folded, 0, FIRST_STRETCH)[1]
                yield Found(first.id, shown + [e for e in listed if e.start >= end], False, 0)
            for _ in progressive.rest():
                pass
            entities = progressive.entities
        yield Found(first.id, entities, True, 0)
    if quick:
        for done, article in enumerate(others, start=1):
            entities = detect_cached(article.body, gazetteer, cache, quick=True,
                                     folded=folded(article) if folded else None)
            yield Found(article.id, entities, False, done)
        return
    together = detect_many([article.body for article in others], gazetteer, cache)  # The model batches.
    for done, (article, entities) in enumerate(zip(others, together), start=1):
        yield Found(article.id, entities, True, done)
