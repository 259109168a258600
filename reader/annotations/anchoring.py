"""Finding an annotation's text again after the article changed, the way Hypothesis does.

An annotation keeps its offsets and its quote with some text before and after it. The offsets are
trusted only while the text there is still the quote. Otherwise the quote is looked for: exact
occurrences first, then approximate matches near where the quote's ends or its context still
are; candidates are scored by the quote, the prefix, the suffix and the distance from the old
place. Nothing good enough means the annotation is orphaned: kept, never dropped.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import NamedTuple

#: Characters of context kept before and after a quote.
CONTEXT = 32
#: How alike a candidate must be to the quote to count as found (0 to 1).
THRESHOLD = 0.75


class Place(NamedTuple):
    start: int
    end: int


def context_of(body: str, start: int, end: int) -> tuple[str, str, str]:
    """Quote, prefix and suffix for the text at `start`-`end`."""
    return body[start:end], body[max(0, start - CONTEXT) : start], body[end : end + CONTEXT]


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _score(body: str, start: int, end: int, quote: str, prefix: str, suffix: str, old_start: int) -> float:
    quote_score = _similarity(quote, body[start:end])
    prefix_score = _similarity(prefix, body[max(0, start - len(prefix)) : start]) if prefix else 1.0
    suffix_score = _similarity(suffix, body[end : end + len(suffix)]) if suffix else 1.0
    distance = 1.0 / (1.0 + abs(start - old_start) / max(len(body), 1) * 10)
    return 0.55 * quote_score + 0.2 * prefix_score + 0.2 * suffix_score + 0.05 * distance


def anchor(body: str, start: int, end: int, quote: str, prefix: str = "", suffix: str = "") -> Place | None:
    """Where the quote is in `body` now, or None if it cannot be placed."""
    if 0 <= start <= end <= len(body) and body[start:end] == quote:
        return Place(start, end)
    if not quote:
        return None
    exact = _occurrences(body, quote)
    if exact:
        best = max(exact, key=lambda s: _score(body, s, s + len(quote), quote, prefix, suffix, start))
        return Place(best, best + len(quote))
    return _fuzzy(body, start, quote, prefix, suffix)


def _occurrences(body: str, quote: str) -> list[int]:
    found = []
    position = body.find(quote)
    while position != -1:
        found.append(position)
        position = body.find(quote, position + 1)
    return found


def _fuzzy(body: str, old_start: int, quote: str, prefix: str, suffix: str) -> Place | None:
    """The best approximate match, tried where the quote's ends or its context still are."""
    length = len(quote)
    piece = max(2, min(8, length // 3))
    starts: set[int] = set()
    for position in _occurrences(body, quote[:piece]):
        starts.add(position)
    for position in _occurrences(body, quote[-piece:]):
        starts.add(position + piece - length)
    if prefix:
        for position in _occurrences(body, prefix[-piece:]):
            starts.add(position + piece)
    if suffix:
        for position in _occurrences(body, suffix[:piece]):
            starts.add(position - length)
    starts.add(old_start)
    slack = max(2, length // 4)
    best: tuple[float, int, int] | None = None
    for candidate in sorted(s for s in starts if -slack <= s <= len(body)):
        for start in range(max(0, candidate - 2), min(len(body), candidate + 3)):
            for end in (start + length - slack, start + length, start + length + slack):
                end = min(max(end, start + 1), len(body))
                if _similarity(quote, body[start:end]) < THRESHOLD:
                    continue
                end = _refine_end(body, start, end, quote)
                score = _score(body, start, end, quote, prefix, suffix, old_start)
                if best is None or score > best[0]:
                    best = (score, start, end)
    if best is None:
        return None
    return Place(best[1], best[2])


def _refine_end(body: str, start: int, end: int, quote: str) -> int:
    """The end, near `end`, that makes the candidate most like the quote."""
    slack = max(2, len(quote) // 4)
    options = range(max(start + 1, end - slack), min(len(body), end + slack) + 1)
    return max(options, key=lambda e: (_similarity(quote, body[start:e]), -abs(e - start - len(quote))))
