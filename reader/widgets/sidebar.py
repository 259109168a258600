"""The article list: one `OptionList` of titles with source and length, a filter and a count.

Typing a character the list has no key for starts filtering with it. The filter matches titles and
sources in either script (folded, as search does).
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.corpus import Article
from reader.linebreak import clip
from reader.script import fold
from reader.widgets.bindings import bindings_for


SIDEBAR_WIDTH = 38
#: Title width before the list knows its own: the sidebar less its border.
_ESTIMATED_TITLE_WIDTH = SIDEBAR_WIDTH - 1
TITLE_LINES = 2


class ArticleList(OptionList):
    BINDINGS = bindings_for("sidebar")

    class TypedToFilter(Message):
        def __init__(self, character: str) -> None:
            super().__init__()
            self.character = character

    def on_key(self, event: events.Key) -> None:
        """A printable key that nothing is bound to starts the filter."""
        printable = event.is_printable and event.character and not event.character.isspace()
        if printable and event.key not in self.screen.active_bindings:
            event.stop()
            self.post_message(self.TypedToFilter(event.character))


class Sidebar(Vertical):
    """Lists `articles`; posts `ArticleChosen` when the highlighted article changes."""

    DEFAULT_CSS = """
    Sidebar {
        width: SIDEBAR_WIDTH;
        border-right: vkey $foreground 20%;
        & > Input { border: none; height: 1; padding: 0 1; background: $boost; }
        & > ArticleList { height: 1fr; border: none; padding: 0; background: $panel; }
        & > ArticleList:focus { background-tint: $foreground 3%; }
        & > #count { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    }
    """.replace("SIDEBAR_WIDTH", str(SIDEBAR_WIDTH))

    class ArticleChosen(Message):
        def __init__(self, article_id: str, focus_view: bool = False) -> None:
            super().__init__()
            self.article_id = article_id
            self.focus_view = focus_view

    def __init__(self, articles: list[Article], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.articles = articles
        self._titles: dict[str, str] = {article.id: article.title for article in articles}
        self._folded: dict[str, str] = {}  # Built on the first filter: not on the way to first paint.
        self._shown: list[str] = [article.id for article in articles]
        self._prompt_width = _ESTIMATED_TITLE_WIDTH
        self._current: str | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Filter titles…", id="filter", select_on_focus=False)
        # Filled on mount: OptionList highlights its first option when built with options.
        yield ArticleList(id="articles")
        yield Static(self._count_text(), id="count")

    @property
    def option_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def filter_input(self) -> Input:
        return self.query_one(Input)

    def _options(self, ids: list[str]) -> list[Option]:
        by_id = {article.id: article for article in self.articles}
        return [Option(self._prompt(by_id[article_id]), id=article_id) for article_id in ids]

    def _prompt(self, article: Article) -> Text:
        """Title on up to two lines broken the Chinese way, then source and length."""
        title = "\n".join(clip(self._titles[article.id], self._text_width, TITLE_LINES))
        source = article.source or article.path.rsplit("/", 1)[-1]
        details = Text(f"{source} · {len(article.body):,}字", style="dim", no_wrap=True, overflow="ellipsis")
        return Text("\n").join([Text(title), details])

    @property
    def _text_width(self) -> int:
        width = self.option_list.scrollable_content_region.width if self.is_mounted else 0
        return max(width, 10) if width else _ESTIMATED_TITLE_WIDTH

    def on_resize(self) -> None:
        if self._prompt_width != self._text_width:
            self._refill()

    def _count_text(self) -> str:
        total = len(self.articles)
        shown = len(self._shown)
        noun = "article" if total == 1 else "articles"
        return f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"

    def select(self, article_id: str) -> None:
        """Highlight the article the app shows, without announcing it back."""
        self._current = article_id
        self._highlight_current()

    def _highlight_current(self) -> None:
        lists = self.query(ArticleList)
        if lists and self._current in self._shown:
            lists.first().highlighted = self._shown.index(self._current)

    def on_mount(self) -> None:
        self._refill()

    def set_titles(self, titles: dict[str, str]) -> None:
        """Show titles in another script; the filter still matches either."""
        self._titles = titles
        self._refill()

    def apply_filter(self, text: str) -> None:
        words = fold(text).split()
        if words and not self._folded:
            self._folded = {a.id: fold(f"{a.title}\n{a.source}") for a in self.articles}
        self._shown = [
            article.id for article in self.articles
            if all(word in self._folded[article.id] for word in words)
        ]
        self._refill()

    def _refill(self) -> None:
        self._prompt_width = self._text_width
        self.option_list.set_options(self._options(self._shown))
        self._highlight_current()
        self.query_one("#count", Static).update(self._count_text())

    def focus_filter(self, initial: str = "") -> None:
        self.filter_input.focus()
        if initial:
            self.filter_input.insert_text_at_cursor(initial)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        option_list = self.option_list
        option_list.focus()
        if option_list.highlighted is None and option_list.option_count:
            option_list.highlighted = 0

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and self.filter_input.has_focus:
            event.stop()
            self.filter_input.value = ""
            self.option_list.focus()
        elif event.key == "down" and self.filter_input.has_focus:
            event.stop()
            self._filter_submitted()

    @on(ArticleList.TypedToFilter)
    def _typed(self, event: ArticleList.TypedToFilter) -> None:
        self.focus_filter(event.character)

    @on(OptionList.OptionHighlighted, "#articles")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """The reader moved through the list: show that article (stale and echoed moves aside)."""
        event.stop()
        if event.option_index != event.option_list.highlighted or event.option.id == self._current:
            return
        self._current = event.option.id
        self.post_message(self.ArticleChosen(event.option.id))

    @on(OptionList.OptionSelected, "#articles")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.ArticleChosen(event.option.id, focus_view=True))
