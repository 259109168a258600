"""One line under the article: where the reader is and in which script.

Both bars show text from articles and notes as it is (Content), never as markup: `[AI]` in a
title is text, and `[/b]` in a note must not stop the app.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static


class StatusBar(Static):
    """Where the reader is (`place`: the article's number of all), the script shown, how far down,
    the search, the background work, side panels hidden and the title; each a reactive, drawn as
    one line that cuts the title to fit."""

    DEFAULT_CSS = """
    StatusBar { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    place: reactive[str] = reactive("")
    """"3/7"; empty while no article is open (the line is then empty)."""
    script: reactive[str] = reactive("")
    percent: reactive[int] = reactive(0)
    search: reactive[str | None] = reactive(None)
    busy: reactive[tuple[str, ...]] = reactive(())
    hidden: reactive[str] = reactive("")
    """Side panels hidden to leave the text room, and the keys that show them."""
    article_title: reactive[str] = reactive("")

    def render(self) -> Content:
        if not self.place:
            return Content("")
        parts = [self.place, self.script, f"{self.percent}%"]
        if self.search:
            parts.append(self.search)
        if self.busy:
            parts.append(f"{' · '.join(self.busy)}…")
        if self.hidden:
            parts.append(self.hidden)
        width, title = self.content_region.width, self.article_title
        gap = "  ·  "
        if width and cell_len(gap.join(parts)) + 11 > width:  # Narrow: closer, and the scrollbar says how far.
            gap, parts = " · ", [part for part in parts if part != f"{self.percent}%"]
        line = gap.join(parts)
        room = width - cell_len(line) - len(gap)  # What the title may take, after the gap.
        if room >= 6 or not width:  # Else no title at all: never a lone "·".
            if width and cell_len(title) > room:
                title = _cut(title, room - 1) + "…"
            line += f"{gap}{title}"
        elif cell_len(line) > width:  # Even without the title it is too long: cut visibly.
            line = _cut(line, width - 1) + "…"
        return Content(line)


def _cut(text: str, cells: int) -> str:
    """The start of `text` that fits in `cells` (wide characters take two)."""
    taken = 0
    for index, character in enumerate(text):
        taken += cell_len(character)
        if taken > cells:
            return text[:index]
    return text


class NoteBar(Static):
    """The note of the annotation under the cursor, above the status bar (hidden when none)."""

    DEFAULT_CSS = """
    NoteBar { height: auto; max-height: 4; padding: 0 1; background: $boost; display: none; }
    NoteBar.-shown { display: block; }
    """

    def show_note(self, text: str | None) -> None:
        self.set_class(bool(text), "-shown")
        self.update(Content(text or ""))


class WordBar(Static):
    """The dictionary word at the cursor: the word, its pinyin and first sense (hidden when none)."""

    DEFAULT_CSS = """
    WordBar { height: 1; padding: 0 1; background: $boost; display: none; text-wrap: nowrap; text-overflow: ellipsis; }
    WordBar.-shown { display: block; }
    """

    def show_word(self, text: str | None) -> None:
        self.set_class(bool(text), "-shown")
        self.update(Content(text or ""))
