"""The export dialog: a format, which annotations, and where to write them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet

from reader.annotations.export import FORMATS, what_is_exported
from reader.annotations.store import Annotation
from reader.ui.screens.dialog import Dialog
from reader.ui.widgets.bindings import bindings_for
from reader.ui.widgets.fields import Field

EXTENSIONS = {"markdown": ".md", "csv": ".csv", "json": ".json", "anki": ".txt"}
LABELS = {"markdown": "Markdown (notes apps, Obsidian)", "csv": "CSV (spreadsheets)", "json": "W3C Web Annotation JSON",
          "anki": "Anki notes (the words tagged vocab)"}


@dataclass(frozen=True)
class ExportRequest:
    format: str
    path: Path
    this_article_only: bool
    bom: bool


class ExportScreen(Dialog[ExportRequest | None]):
    BINDINGS = bindings_for("annotate")

    DEFAULT_CSS = """
    ExportScreen {
        align: center middle;
        & > .dialog-box { width: 76; max-width: 96%; height: auto; padding: 0 1; }
        & RadioSet { border: none; height: auto; }
        & Checkbox { border: none; }
        & #path { margin-top: 1; }
        & #exists { display: none; color: $warning; }
        & #buttons { height: auto; margin-top: 1; align: right middle; }
        & #buttons Button { margin-left: 1; }
    }
    """

    def __init__(self, folder: Path, annotations: list[Annotation], article_id: str | None,
                 format: str = "markdown") -> None:
        """`annotations`: all there are; `article_id`: the article read (None: none); `format`:
        the one chosen last time. A file that exists is replaced only at a second ctrl+s (or
        Export) on the same path."""
        super().__init__()
        self.folder = folder
        self.annotations = annotations
        self.article_id = article_id
        self.initial_format = format if format in FORMATS else "markdown"
        self._suggested = str(folder / f"reader-annotations{EXTENSIONS[self.initial_format]}")
        self._confirmed: Path | None = None

    def compose(self) -> ComposeResult:
        with self.box("Export annotations", "ctrl+s export · esc cancel"):
            with RadioSet(id="format"):
                for fmt in FORMATS:
                    yield RadioButton(LABELS[fmt], value=fmt == self.initial_format, id=f"format-{fmt}")
            yield Checkbox("Only this article", value=False, id="here", disabled=self.article_id is None)
            yield Checkbox("CSV: start with a byte-order mark (for Excel)", value=False, id="bom")
            yield Label(self._count(self.initial_format, False), id="count", markup=False)
            yield Field(self._suggested, id="path")
            yield Label("", id="exists", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Export", id="save", variant="primary")

    def _count(self, format: str, this_article_only: bool) -> str:
        """What the export will hold (Anki: only the vocabulary), and from where."""
        chosen = [a for a in self.annotations if not this_article_only or a.article == self.article_id]
        return f"{what_is_exported(format, chosen)} ({'this article' if this_article_only else 'all articles'}). " \
               "Write to:"

    def on_mount(self) -> None:
        formats = self.query_one(RadioSet)
        formats.focus()
        for _ in range(formats.pressed_index):  # The highlight starts on the format pressed (RadioSet's on the first).
            formats.action_next_button()

    @on(Checkbox.Changed, "#here")
    def _scope_changed(self) -> None:
        self._recount()

    def _recount(self) -> None:
        self.query_one("#count", Label).update(self._count(self._format(), self.query_one("#here", Checkbox).value))

    def _format(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id.removeprefix("format-") if pressed and pressed.id else "markdown"

    @on(RadioSet.Changed)
    def _format_changed(self) -> None:
        """Follow the format with the suggested file name, unless the reader typed their own."""
        self._recount()
        path_input = self.query_one("#path", Input)
        if path_input.value == self._suggested:
            self._suggested = str(Path(self._suggested).with_suffix(EXTENSIONS[self._format()]))
            path_input.value = self._suggested

    def action_save(self) -> None:
        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self.notify("Say where to write the file.", severity="warning")
            return
        path = Path(raw).expanduser()
        if path.exists() and path != self._confirmed:
            self._confirmed = path
            warning = self.query_one("#exists", Label)
            warning.update(f"{path.name} exists: ctrl+s again replaces it.")
            warning.display = True
            return
        self.dismiss(ExportRequest(self._format(), path, self.query_one("#here", Checkbox).value,
                                   self.query_one("#bom", Checkbox).value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The annotation dialog's delete key means nothing here (nor is it offered)."""
        return action != "delete"

    def action_delete(self) -> None:
        """The dialog key for delete means nothing here."""


    @on(Input.Changed, "#path")
    def _path_changed(self) -> None:
        self._confirmed = None
        self.query_one("#exists", Label).display = False

    @on(Input.Submitted, "#path")
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        (self.action_save if event.button.id == "save" else self.action_close)()
