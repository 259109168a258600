"""Sentences in a text: the one the cursor is in (`A`, `(` `)`), the one a vocabulary card shows
its word in. One rule for both, so a card's sentence is the one `A` would annotate."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[。！？!?…]+[”’」』）)]*|\n+")
#: A sentence longer than this either side of the word is cut (a run-on paragraph without stops).
LIMIT = 150


def sentence_at(body: str, offset: int) -> tuple[int, int]:
    """The sentence holding `offset`: from after the previous sentence end to after its own."""
    offset = max(0, min(offset, len(body) - 1))
    start = 0
    for match in _SENTENCE_END.finditer(body, 0, offset + 1):
        if match.end() <= offset:
            start = match.end()
    end_match = _SENTENCE_END.search(body, offset)
    end = end_match.end() if end_match else len(body)
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, max(end, start + 1)


def sentence_span(text: str, start: int, end: int, limit: int = LIMIT) -> tuple[int, int]:
    """(first, last) offsets of the sentence holding `text[start:end]`, at most `limit`
    characters either side of it."""
    first, last = sentence_at(text, start)
    return max(first, start - limit), min(max(last, end), end + limit)
