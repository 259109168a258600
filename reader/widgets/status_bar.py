"""One line under the article: where the reader is and in which script.

Both bars show text from articles and notes as it is (Content), never as markup: `[AI]` in a
title is text, and `[/b]` in a note must not stop the app.
"""

from __future__ import annotations

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
        self.update(Content(f"{'  ·  '.join(parts)}  ·  {title}"), layout=False)


class NoteBar(Static):
    """The note of the annotation under the cursor, above the status bar (hidden when none)."""

    DEFAULT_CSS = """
    NoteBar { height: auto; max-height: 4; padding: 0 1; background: $boost; display: none; }
    NoteBar.-shown { display: block; }
    """

    def show_note(self, text: str | None) -> None:
        self.set_class(bool(text), "-shown")
        self.update(Content(text or ""))
