"""The frame every dialog shares: a bordered box over the dimmed screen, a title, a line saying its
keys, and `esc` (the keymap's `dialog.close`) to close it with nothing chosen."""

from __future__ import annotations

from typing import TypeVar

from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen

from reader.ui.widgets.bindings import bindings_for

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal dialog; subclasses compose their content inside `self.box(...)`."""

    BINDINGS = bindings_for("dialog")

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        & > .dialog-box { border: round $primary; background: $surface; }
    }
    """

    def box(self, title: str | Content = "", keys: str = "", *, scrolls: bool = False) -> Vertical | VerticalScroll:
        """The dialog's frame, titled, with `keys` (what the keys do) in its bottom border."""
        frame = (VerticalScroll if scrolls else Vertical)(classes="dialog-box")
        frame.border_title = title
        frame.border_subtitle = keys
        return frame

    def action_close(self) -> None:
        self.dismiss(None)

    # Moving between fields is a priority binding, decided as the key arrives: Textual's own tab
    # goes to the focused field first and comes back to the screen through the message queues, so
    # in a burst of keys (a paste, a fast typist, tmux send-keys) what follows the tab was already
    # handed to the field being left, and the tab was lost.

    def action_next_field(self) -> None:
        self.focus_next()

    def action_previous_field(self) -> None:
        self.focus_previous()
