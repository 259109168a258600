"""The sentence around a place in a text: what a vocabulary card shows the word in."""

from __future__ import annotations

#: Characters that end a sentence; closing quotes and brackets right after one stay with it.
ENDS = frozenset("。！？!?；;…\n")
CLOSERS = frozenset("”’」』）)】》\"'")
#: A sentence longer than this either side of the word is cut (a run-on paragraph without stops).
LIMIT = 150


def sentence_span(text: str, start: int, end: int, limit: int = LIMIT) -> tuple[int, int]:
    """(first, last) offsets of the sentence holding `text[start:end]`, spaces trimmed: it starts
    after the previous sentence end (and the quotes closing it) and runs to its own end mark and
    the quotes closing it."""
    first = start
    floor = max(0, start - limit)
    while first > floor and text[first - 1] not in ENDS:
        first -= 1
    while first < start and (text[first] in CLOSERS or text[first].isspace()):
        first += 1
    last = end
    ceiling = min(len(text), end + limit)
    while last < ceiling and text[last] not in ENDS:
        last += 1
    if last < ceiling and text[last] != "\n":
        last += 1
        while last < len(text) and text[last] in CLOSERS:
            last += 1
    while last > end and text[last - 1].isspace():
        last -= 1
    return first, last
