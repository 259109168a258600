"""One line under the article: where the reader is and in which script.

Both bars show text from articles and notes as it is (Content), never as markup: `[AI]` in a
title is text, and `[/b]` in a note must not stop the app.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def show(
        self, *, number: int, total: int, title: str, percent: int, script: str, busy: str | None = None,
        search: str | None = None,
    ) -> None:
        parts = [f"{number}/{total}", script, f"{percent}%"]
        if search:
            parts.append(search)
        if busy:
            parts.append(f"{busy}…")
        line = "  ·  ".join(parts)
        room = self.content_region.width - cell_len(line) - 5  # What the title may take, after "  ·  ".
        if room >= 6 or not self.content_region.width:  # Else no title at all: never a lone "·".
            if self.content_region.width and cell_len(title) > room:
                title = _cut(title, room - 1) + "…"
            line += f"  ·  {title}"
        self.update(Content(line), layout=False)


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
