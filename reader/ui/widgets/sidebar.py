"""The sidebar: a filter, the article list and a count.

Typing a character the list has no key for starts filtering with it. The filter matches titles and
sources in either script (folded, as search does).

The filter box is a look-alike until the app has painted (it calls `put_in_filter`) or the reader
wants it: an Input's styles take a few milliseconds to work out, and the first paint does not
need them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from reader.articles.corpus import Article
from reader.text.conversion import fold
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.bindings import bindings_for, focus_now
from reader.ui.widgets.fields import Field


class Sidebar(Vertical):
    """Lists `articles`; posts `ArticleChosen` when the reader moves to or picks an article."""

    DEFAULT_CSS = """
    Sidebar {
        width: 32%; min-width: 20; max-width: 40;  /* 38 cells at 120 columns, 25 at 80. */
        border-right: vkey $foreground 20%;
        background: $panel;
        & > Input, & > #filter-hint { border: none; height: 1; padding: 0 1; background: $boost; }
        & > #filter-hint { color: $text-disabled; }
        & > Input:focus { border: none; background: $primary 25%; }  /* Textual's tall border hid the text. */
        & > ArticleList { height: 1fr; }
        & > #count { height: 1; padding: 0 1; color: $text-muted; }
    }
    """

    BINDINGS = bindings_for("filter")

    FILTER_PLACEHOLDER = "Filter titles…"

    @dataclass
    class ArticleChosen(Message):
        """An article to show; `focus_view` when the reader chose it to read (enter, a click)."""

        article_id: str
        focus_view: bool = False

    def __init__(self, articles: list[Article], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.articles = articles
        self._folded: dict[str, str] = {}  # Built on the first filter: not on the way to first paint.
        self._shown: list[Article] = list(articles)
        self._current: str | None = None
        self._filter: Input | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.FILTER_PLACEHOLDER, id="filter-hint")
        yield ArticleList(id="articles")
        yield Static(self._count_text(), id="count")

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def filter_input(self) -> Input:
        """The filter box (put in at once if the reader wants it before the first paint)."""
        self.put_in_filter()
        assert self._filter is not None, "the filter box is put in once the sidebar is attached"
        return self._filter

    def on_mount(self) -> None:
        self._refill()

    def put_in_filter(self) -> None:
        """Swap the look-alike for the real filter box."""
        if self._filter is None and self.is_attached:  # Not into an app that quit before painting.
            self._filter = Field(placeholder=self.FILTER_PLACEHOLDER, id="filter", select_on_focus=False)
            hint = self.query_one("#filter-hint")
            self.mount(self._filter, before=hint)
            hint.remove()

    @property
    def shown(self) -> list[Article]:
        """The articles the list shows: all, or those the filter keeps."""
        return self._shown

    def step_from(self, article_id: str | None, step: int) -> tuple[str | None, str | None]:
        """The article `step` on from `article_id` among those the list shows (its filter holds),
        wrapping around, and what to say about it (None: nothing)."""
        ids = [article.id for article in self._shown]
        if not ids:
            return None, "No article matches the filter (esc in the list clears it)."
        if article_id is None:
            return None, None
        index = ids.index(article_id) if article_id in ids else (-1 if step > 0 else len(ids))
        target = index + step
        if 0 <= target < len(ids):
            return ids[target], None
        wrapped = "Back to the first article." if step > 0 else "On to the last article."
        return ids[target % len(ids)], wrapped if len(ids) > 1 else None

    def _count_text(self) -> str:
        total, shown = len(self.articles), len(self._shown)
        noun = "article" if total == 1 else "articles"
        return f"{total} {noun}" if shown == total else f"{shown} of {total} {noun}"

    def _refill(self) -> None:
        self.article_list.set_entries(self._shown, self._current)
        self.query_one("#count", Static).update(self._count_text())

    def select(self, article_id: str) -> None:
        """Highlight the article the app shows, without announcing it back."""
        self._current = article_id
        if self.is_mounted:
            self.article_list.highlight(article_id)

    def set_articles(self, articles: list[Article]) -> None:
        """A new list (the corpus changed on disk); the filter typed so far still applies."""
        self.articles = articles
        self._folded = {}
        self.apply_filter(self.filter_input.value)

    def set_display(self, display: Callable[[str], str]) -> None:
        """Show titles and sources through `display` (another script); the filter matches either."""
        self.article_list.set_display(display)

    def apply_filter(self, text: str) -> None:
        words = fold(text).split()
        if words and not self._folded:
            self._folded = {a.id: fold(f"{a.title}\n{a.source}") for a in self.articles}
        self._shown = [a for a in self.articles if all(word in self._folded[a.id] for word in words)]
        self._refill()

    def focus_filter(self, initial: str = "") -> None:
        focus_now(self.filter_input)
        if initial:
            self.filter_input.insert_text_at_cursor(initial)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        article_list = self.article_list
        focus_now(article_list)
        if article_list.highlighted is None and article_list.entries:
            article_list.highlighted = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The filter box's keys act only while it has the focus (elsewhere they pass on)."""
        if action in ("clear_filter", "to_list"):
            return self._filter is not None and self._filter.has_focus
        return True

    def action_clear_filter(self) -> None:
        self.filter_input.value = ""
        focus_now(self.article_list)

    def action_to_list(self) -> None:
        self._filter_submitted()

    @on(ArticleList.TypedToFilter)
    def _typed(self, event: ArticleList.TypedToFilter) -> None:
        self.focus_filter(event.character)

    @on(ArticleList.Highlighted)
    def _highlighted(self, event: ArticleList.Highlighted) -> None:
        event.stop()
        if event.article_id != self._current:
            self._current = event.article_id
            self.post_message(self.ArticleChosen(event.article_id))

    @on(ArticleList.Selected)
    def _selected(self, event: ArticleList.Selected) -> None:
        event.stop()
        self._current = event.article_id
        self.post_message(self.ArticleChosen(event.article_id, focus_view=True))
