"""Which articles mention an entity, and how often; choosing one opens it at the first mention."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.articles.corpus import Article
from reader.reading.shown import ShownText
from reader.ui.screens.dialog import Dialog


class MentionsScreen(Dialog[str | None]):
    """Dismissed with the chosen article's id, or None."""

    DEFAULT_CSS = """
    MentionsScreen {
        align: center middle;
        & > .dialog-box { width: 76; max-width: 90%; height: auto; max-height: 80%; padding: 0 1; }
        & OptionList { height: auto; max-height: 24; border: none; }
        & #mentions-note { color: $text-muted; }
    }
    """

    def __init__(self, name: str, mentions: list[tuple[Article, int]], pending: int, shown: ShownText) -> None:
        """`name`: the entity as the text shows it; `mentions`: the articles that mention it and how
        often; `pending`: articles not searched yet; `shown`: titles in the script the reader reads in."""
        super().__init__()
        self.entity_name = name
        self.rows = [(article.id, shown.title(article), count) for article, count in mentions]
        """(article id, title as shown, mentions)."""
        self.pending = pending

    def compose(self) -> ComposeResult:
        total = sum(count for _, _, count in self.rows)
        title = Content(f"{self.entity_name}: {total} mentions in {len(self.rows)} articles")
        with self.box(title, "enter to open · esc to close"):
            yield OptionList(*[Option(Content(f"{count:>4} × {name}"), id=article_id)
                               for article_id, name, count in self.rows])
            if self.pending:
                yield Static(f"{self.pending} articles are still being read for entities.", id="mentions-note")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
