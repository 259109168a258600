"""Where the reading cursor goes in a prepared document: by character, word, sentence or line,
never onto hidden Markdown markup; and which body offset a place on the screen shows.

Every answer is a body offset (None: there is nowhere to go that way). The navigator reads the
document as it is installed now, so it serves every script and width the document is shown in.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from typing import NamedTuple

from reader.reading.document import ArticleDocument
from reader.reading.layout import Layout, Line, Texts
from reader.reading.navigation import Splitter, after, before, next_sentence, previous_sentence, word_starts
from reader.text.linebreak import cells
from reader.text.markdown import HIDDEN

#: From a body and an offset, where a move goes (None: nowhere).
Find = Callable[[str, int], "int | None"]


class Caret(NamedTuple):
    """The reading cursor (a body offset; None until a key or click places it) and, while text is
    being selected, where the selection started."""

    cursor: int | None = None
    anchor: int | None = None

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected text as (start, end), the cursor's character included, or None."""
        if self.anchor is None or self.cursor is None:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor) + 1


class Navigator:
    def __init__(self, document: ArticleDocument) -> None:
        self.document = document
        self._word_starts: dict[int, list[int]] = {}
        """Word starts by the start of their block (the same in every script)."""

    def _prepared(self) -> tuple[Texts, Layout]:
        prepared = self.document.prepared
        assert prepared is not None, "the cursor moves in a laid-out article"
        return prepared.texts, prepared.layout

    def clamp(self, offset: int) -> int:
        """`offset` inside the body, on a shown character (hidden markup at the very end: the last
        shown character)."""
        body = self.document.texts.body if self.document.texts else ""
        offset = max(0, min(offset, len(body) - 1))
        return shown_from(body, shown_from(body, offset, +1), -1)

    def cursor_or_top(self, cursor: int | None, top: int, height: int) -> int | None:
        """The cursor if it is on the lines `top` to `top + height`, else the first body offset there."""
        if self.document.prepared is None or not self.document.prepared.texts.body:
            return None
        layout = self.document.prepared.layout
        if cursor is not None and top <= layout.line_of(cursor) < top + height:
            return cursor
        return layout.offset_of(top)

    # -- moves ----------------------------------------------------------------------------------

    def character(self, here: int, *, forward: bool) -> int | None:
        if forward:
            return self._target(here, lambda body, at: at + 1 if at + 1 < len(body) else None, +1)
        return self._target(here, lambda body, at: at - 1 if at > 0 else None, -1)

    def word(self, here: int, splitter: Splitter, *, forward: bool) -> int | None:
        """By jieba's words (`splitter`), in the block around the cursor and those either side."""
        step = after if forward else before
        return self._target(here, lambda body, at: step(self._words_around(at, splitter), at), +1)

    def sentence(self, here: int, *, forward: bool) -> int | None:
        if forward:
            return self._target(here, lambda body, at: next_sentence(body, at) if next_sentence(body, at) != at
                                else None, +1)
        return self._target(here, previous_sentence, +1)

    def line(self, here: int, *, forward: bool) -> int | None:
        """The same column one body line down (or up)."""
        return self._target(here, lambda body, at: self._same_column(at, +1 if forward else -1), +1)

    def _target(self, here: int, find: Find, step: int) -> int | None:
        """Where `find` takes the cursor from `here`, past hidden Markdown markup: in the direction
        of a character step, else on to the text the markup opens (if that is where the cursor
        is, `find` from there once more: `(` goes on to the sentence before)."""
        body = self._prepared()[0].body
        target = find(body, here)
        for _ in range(64):
            if target is None:
                return None
            landed = shown_from(body, target, step)
            if landed != here and body[landed] != HIDDEN:
                return landed
            following = find(body, target)
            if following is None or following == target:
                return None
            target = following
        return None

    def _words_around(self, offset: int, splitter: Splitter) -> list[int]:
        texts = self._prepared()[0]
        blocks = self.document.prepared.blocks if self.document.prepared else []
        index = max(0, bisect_right([b.start for b in blocks], offset) - 1)
        starts: list[int] = []
        for block in blocks[max(0, index - 1) : index + 2]:
            if block.start not in self._word_starts:
                self._word_starts[block.start] = word_starts(texts.body, block.start, block.end, splitter)
            starts += self._word_starts[block.start]
        return starts

    def _same_column(self, offset: int, step: int) -> int | None:
        texts, layout = self._prepared()
        index = layout.line_of(offset)
        column = cells(texts.body[layout.lines[index].start : offset])
        target = index + step
        while 0 <= target < len(layout) and not layout.lines[target].in_body:
            target += step
        if not 0 <= target < len(layout):
            return None
        return self.offset_in_line(layout.lines[target], column)

    # -- the screen -----------------------------------------------------------------------------

    def offset_in_line(self, line: Line, column: int) -> int:
        """The body offset drawn at `column` (cells) of a body line (its last if the line is shorter)."""
        body = self._prepared()[0].body
        used = 0
        for position in range(line.start, line.end):
            used += cells(body[position])
            if used > column:
                return position
        return max(line.start, line.end - 1)

    def offset_at(self, row: int, column: int) -> int | None:
        """The body offset drawn at line `row`, `column` cells into the text, if a body line is there."""
        if self.document.prepared is None:
            return None
        layout = self.document.prepared.layout
        if not 0 <= row < len(layout) or not layout.lines[row].in_body:
            return None
        return self.offset_in_line(layout.lines[row], column)


def shown_from(body: str, offset: int, step: int) -> int:
    """The first character from `offset` on (`step` 1) or back (-1) that is not hidden Markdown
    markup; `offset` itself if there is none that way."""
    position = offset
    while 0 <= position < len(body) and body[position] == HIDDEN:
        position += step
    return position if 0 <= position < len(body) else offset
