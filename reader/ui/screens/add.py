"""Dialogs of the library: what to add (web addresses, feeds, files) with tags, and a yes/no
question before something is removed."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from reader.ui.screens.annotate import parse_tags
from reader.ui.screens.dialog import Dialog
from reader.ui.widgets.fields import Field


@dataclass(frozen=True)
class AddRequest:
    sources: list[str]
    tags: tuple[str, ...]


class AddScreen(Dialog[AddRequest | None]):
    """Asks for web addresses, feeds or paths (several, separated by spaces) and tags."""

    DEFAULT_CSS = """
    AddScreen {
        & > .dialog-box { width: 84; max-width: 96%; height: auto; padding: 0 1; }
        & Input { margin-top: 1; }
        & #add-note { color: $text-muted; margin-top: 1; }
        & #add-problem { color: $error; display: none; }
    }
    """

    def __init__(self, library: str) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        with self.box("Add to the library", "enter add · esc cancel"):
            yield Field(placeholder="https://… page or feed, or a path (.html .epub .txt .md); several: spaces",
                        id="sources")
            yield Field(placeholder="tags, separated by spaces or commas", id="add-tags")
            yield Static("", id="add-problem", markup=False)
            yield Static(f"Saved as text files in {self.library}", id="add-note", markup=False)

    def on_mount(self) -> None:
        self.query_one("#sources", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        text = self.query_one("#sources", Input).value
        try:
            sources = shlex.split(text)  # Quotes keep a path with spaces whole.
        except ValueError as error:
            self._problem(f"Cannot read that: {error}.")
            return
        if not sources:
            self._problem("Give a web address, a feed or a path.")
            return
        self.dismiss(AddRequest(sources, parse_tags(self.query_one("#add-tags", Input).value)))

    def _problem(self, text: str) -> None:
        problem = self.query_one("#add-problem", Static)
        problem.update(text)
        problem.display = True


class ConfirmScreen(Dialog[bool]):
    """A question answered yes (enter, or the button) or no (esc, or the button)."""

    DEFAULT_CSS = """
    ConfirmScreen {
        & > .dialog-box { width: 70; max-width: 96%; height: auto; padding: 0 1; }
        & #buttons { height: auto; margin-top: 1; align: right middle; }
        & #buttons Button { margin-left: 1; }
    }
    """

    def __init__(self, title: str, question: str, yes: str) -> None:
        super().__init__()
        self.title_text, self.question, self.yes = title, question, yes

    def compose(self) -> ComposeResult:
        with self.box(self.title_text, "enter yes · esc no"):
            yield Static(self.question, markup=False)  # It quotes a title from outside.
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="no")
                yield Button(self.yes, id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_close(self) -> None:
        self.dismiss(False)
