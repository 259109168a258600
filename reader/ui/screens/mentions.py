"""Which articles mention an entity, and how often; choosing one opens it at the first mention."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.ui.widgets.bindings import bindings_for


class MentionsScreen(ModalScreen[str | None]):
    """Dismissed with the chosen article's id, or None."""

    BINDINGS = bindings_for("dialog")

    DEFAULT_CSS = """
    MentionsScreen {
        align: center middle;
        & > Vertical {
            width: 76; max-width: 90%; height: auto; max-height: 80%;
            border: round $primary; background: $surface; padding: 0 1;
        }
        & OptionList { height: auto; max-height: 24; border: none; }
        & #mentions-note { color: $text-muted; }
    }
    """

    def __init__(self, name: str, rows: list[tuple[str, str, int]], pending: int) -> None:
        """`rows`: (article id, title, mentions); `pending`: articles not searched yet."""
        super().__init__()
        self.entity_name = name
        self.rows = rows
        self.pending = pending

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            total = sum(count for _, _, count in self.rows)
            box.border_title = Content(f"{self.entity_name}: {total} mentions in {len(self.rows)} articles")
            box.border_subtitle = "enter to open · esc to close"
            yield OptionList(*[Option(Content(f"{count:>4} × {title}"), id=article_id) for article_id, title, count in self.rows])
            if self.pending:
                yield Static(f"{self.pending} articles are still being read for entities.", id="mentions-note")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
