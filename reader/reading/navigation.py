"""Moving a reading cursor through text by word and by sentence, in body offsets.

Words come from jieba, which the first word key starts if word search has not (the view says so
and waits: a character is not a word).
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from reader.text.conversion import SIMPLIFIED, convert
from reader.text.sentences import sentence_at

Splitter = Callable[[str], Iterable[str]]


def next_sentence(body: str, offset: int) -> int:
    _, end = sentence_at(body, offset)
    while end < len(body) and body[end].isspace():
        end += 1
    return min(end, len(body) - 1)


def previous_sentence(body: str, offset: int) -> int:
    start, _ = sentence_at(body, offset)
    if offset > start:
        return start
    return sentence_at(body, max(0, start - 1))[0]


def jieba_splitter_if_ready() -> Splitter | None:
    """jieba's words if jieba has already started (it is never started here: that takes a second)."""
    jieba = sys.modules.get("jieba")
    if jieba is None or not jieba.dt.initialized:
        return None
    return lambda text: jieba.cut(text, HMM=True)


def word_starts(body: str, start: int, end: int, splitter: Splitter) -> list[int]:
    """Where the words of `body[start:end]` start (segmenting its Simplified form)."""
    starts = []
    position = start
    for word in splitter(convert(body[start:end], SIMPLIFIED)):
        if not word.isspace():
            starts.append(position)
        position += len(word)
    return starts


def after(positions: list[int], offset: int) -> int | None:
    """The first of the sorted `positions` past `offset`."""
    index = bisect_right(positions, offset)
    return positions[index] if index < len(positions) else None


def before(positions: list[int], offset: int) -> int | None:
    """The last of the sorted `positions` before `offset`."""
    index = bisect_left(positions, offset) - 1
    return positions[index] if index >= 0 else None
