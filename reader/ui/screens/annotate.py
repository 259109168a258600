"""The annotation dialog: a note (several lines), tags and a colour for the chosen text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import (
    Button,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)

from reader.annotations.store import COLORS, DEFAULT_COLOR
from reader.ui.screens.dialog import Dialog
from reader.ui.widgets.bindings import bindings_for
from reader.ui.widgets.fields import Field, TextBox

#: How much of a long quote the dialog shows.
QUOTE_SHOWN = 160


@dataclass(frozen=True)
class Edit:
    note: str
    tags: tuple[str, ...]
    color: str


class Deleted:
    """What the dialog of an existing annotation is dismissed with when the reader deletes it."""


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags separated by commas, spaces or `#` (Chinese commas too); duplicates dropped."""
    tags = [tag for tag in re.split(r"[\s,，、#]+", text) if tag]
    return tuple(dict.fromkeys(tags))


class _NoteArea(TextBox):
    """The note: typing goes on from the end of a note being edited. The field puts its cursor
    there when it is mounted itself, before it handles any key: the dialog's own mount came after
    the field had taken a key typed in a burst (`a`, home, text: the text went to the end)."""

    def on_mount(self) -> None:
        self.move_cursor(self.document.end)


class AnnotateScreen(Dialog[Edit | Deleted | None]):
    """Dismissed with an `Edit`, with `Deleted` (existing annotations), or with None (cancelled)."""

    BINDINGS = bindings_for("annotate")

    DEFAULT_CSS = """
    AnnotateScreen {
        align: center middle;
        & > .dialog-box { width: 80; max-width: 96%; height: auto; max-height: 90%; padding: 0 1; }
        & #quote { color: $text-muted; margin-bottom: 1; max-height: 5; }
        & TextArea { height: 6; }
        & #tags { margin: 1 0 0 0; }
        & #problem { display: none; color: $error; margin-top: 1; width: 1fr; height: auto; }
        & RadioSet { layout: horizontal; border: none; height: auto; margin: 1 0 0 0; }
        & #buttons { height: auto; margin-top: 1; align: right middle; }
        & #buttons Button { margin-left: 1; }
    }
    """

    def __init__(self, quote: str, *, note: str = "", tags: tuple[str, ...] = (), color: str = DEFAULT_COLOR,
                 existing: bool = False, read_only: str | None = None,
                 save: Callable[[Edit], str | None] | None = None) -> None:
        """`save` stores an edit and returns None, or why it could not: the dialog then stays
        open with the note as typed, so a failed save loses nothing."""
        super().__init__()
        self.save = save
        self.quote_text = quote
        self.note = note
        self.tags = tags
        self.color = color
        self.existing = existing
        self.read_only = read_only
        self.asked_to_discard = False
        """esc was pressed once on changes: the next esc throws them away."""

    def compose(self) -> ComposeResult:
        shown = self.quote_text if len(self.quote_text) <= QUOTE_SHOWN else self.quote_text[:QUOTE_SHOWN] + "…"
        keys = "ctrl+s save · esc cancel" + (" · ctrl+d delete" if self.existing else "")
        with self.box("Edit annotation" if self.existing else "Annotate", keys):
            yield Static(Content(f"“{shown}”"), id="quote")
            if self.read_only:
                yield Label(Content(f"Read-only: {self.read_only}"), id="read-only")
            yield _NoteArea(self.note, id="note", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="problem", markup=False)
            yield Field(" ".join(self.tags), placeholder="tags, separated by spaces or commas", id="tags")
            with RadioSet(id="colors"):
                for colour in COLORS:
                    yield RadioButton(colour, value=colour == self.color, id=f"color-{colour}")
            with Horizontal(id="buttons"):
                if self.existing:
                    yield Button("Delete", id="delete", variant="error")
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def _chosen_color(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id.removeprefix("color-") if pressed and pressed.id else DEFAULT_COLOR

    def _edit(self) -> Edit:
        return Edit(self.query_one(TextArea).text.strip(), parse_tags(self.query_one("#tags", Input).value),
                    self._chosen_color())

    def _after_typing(self, then: Callable[[], None]) -> None:
        """Run `then` once the fields have handled every key that reached them first. A field's keys
        wait in its own queue while ctrl+s and esc are acted on as they arrive: in a burst (a fast
        typist, a paste without bracketed paste, tmux send-keys) the note was read half typed."""
        note, tags = self.query_one(TextArea), self.query_one("#tags", Input)
        note.call_later(tags.call_later, then)

    def action_save(self) -> None:
        self._after_typing(self._save)

    def _save(self) -> None:
        edit = self._edit()
        problem = self.save(edit) if self.save is not None else None
        if problem is None:
            self.dismiss(edit)
            return
        self._say(f"Not saved: {problem}. ctrl+s tries again.")

    def _say(self, text: str) -> None:
        shown = self.query_one("#problem", Static)  # A Static wraps: the reason is never cut off.
        shown.update(Content(text))
        shown.display = True

    def action_close(self) -> None:
        self._after_typing(self._close_unless_changed)

    def _close_unless_changed(self) -> None:
        """Close at once if nothing was changed; else say so, and close on the next esc."""
        unchanged = self._edit() == Edit(self.note.strip(), parse_tags(" ".join(self.tags)), self.color)
        if unchanged or self.asked_to_discard:
            self.dismiss(None)
            return
        self.asked_to_discard = True
        self._say("Not saved. esc again throws the changes away; ctrl+s saves them.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Delete only for an annotation that exists (nor is it offered in the key hints)."""
        return self.existing if action == "delete" else True

    def action_delete(self) -> None:
        if self.existing:
            self.dismiss(Deleted())

    @on(Input.Submitted, "#tags")
    def _tags_submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {"save": self.action_save, "delete": self.action_delete, "cancel": self.action_close}
        if event.button.id in actions:
            actions[event.button.id]()
