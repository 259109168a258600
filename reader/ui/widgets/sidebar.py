"""The sidebar: a filter, the article list and a count.

Typing a character the list has no key for starts filtering with it. The filter matches titles and
sources in either script (folded, as search does).

The filter box is a look-alike until the app has painted (it calls `put_in_filter`) or the reader
wants it: an Input's styles take a few milliseconds to work out, and the first paint does not
need them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from reader.articles.corpus import Article
from reader.articles.dates import Group
from reader.articles.indexed import position_in
from reader.search.indexed import TitleFilter
from reader.ui.widgets.article_list import ArticleList, Entry, Heading
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

    class Listed(Message):
        """The list shows other articles, or in another order (a filter, an order, a new corpus)."""

    def __init__(self, articles: Sequence[Article], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.articles = articles
        self._matching = TitleFilter(articles)
        self._shown: Sequence[Article] = articles
        self._entries: Sequence[Entry] = articles
        """What the list draws: the articles shown, with a heading before each group when grouped."""
        self._arranged: list[Group[Article]] | None = None
        """The articles in another order than the corpus's (see `set_order`), None: the corpus's."""
        self._grouped = False
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
    def shown(self) -> Sequence[Article]:
        """The articles the list shows: all, or those the filter keeps."""
        return self._shown

    def step_from(self, article_id: str | None, step: int) -> tuple[str | None, str | None]:
        """The article `step` on from `article_id` among those the list shows (its filter holds),
        wrapping around, and what to say about it (None: nothing). The list is not gone through:
        the index finds the article in one it made."""
        shown = self._shown
        if not shown:
            return None, "No article matches the filter (esc in the list clears it)."
        if article_id is None:
            return None, None
        index = position_in(shown, article_id)
        target = (index if index is not None else (-1 if step > 0 else len(shown))) + step
        if 0 <= target < len(shown):
            return shown[target].id, None
        wrapped = "Back to the first article." if step > 0 else "On to the last article."
        return shown[target % len(shown)].id, wrapped if len(shown) > 1 else None

    def _count_text(self) -> str:
        total, shown = len(self.articles), len(self._shown)
        noun = "article" if total == 1 else "articles"
        return f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}"

    def _refill(self) -> None:
        self.recount()
        self.article_list.set_entries(self._entries, self._current)
        self.query_one("#count", Static).update(self._count_text())
        self.post_message(self.Listed())

    def select(self, article_id: str) -> None:
        """Highlight the article the app shows, without announcing it back."""
        self._current = article_id
        if self.is_mounted:
            self.article_list.highlight(article_id)

    def set_articles(self, articles: Sequence[Article], groups: list[Group[Article]] | None = None, *,
                     grouped: bool = False) -> None:
        """A new list (the corpus changed on disk), in the order of `groups` if given (see
        `set_order`); the filter typed so far still applies."""
        self.articles = articles
        self._matching = TitleFilter(articles)
        self.set_order(groups, grouped=grouped)

    def set_display(self, display: Callable[[str], str]) -> None:
        """Show titles and sources through `display` (another script); the filter matches either."""
        self.article_list.set_display(display)

    def set_order(self, groups: list[Group[Article]] | None, *, grouped: bool = False) -> None:
        """Show the articles in the order of `groups` (from `reader.articles.dates.arrange`), with
        a heading before each group if `grouped`; None: in the corpus's order."""
        self._arranged, self._grouped = groups, grouped
        self.apply_filter(self.filter_input.value if self._filter is not None else "")

    def show_read_state(self, is_read: Callable[[str], bool] | None) -> None:
        """Mark the unread articles and count them under each heading (None: no read state)."""
        self.article_list.is_read = is_read
        self.marks_changed()

    def marks_changed(self) -> None:
        """Articles were marked read or unread: draw the marks and counts again."""
        self.recount()
        self.article_list.redraw()

    def recount(self) -> None:
        is_read = self.article_list.is_read if self.is_mounted else None
        for entry in self._entries if self._grouped else ():
            if isinstance(entry, Heading):
                entry.unread = 0 if is_read is None else sum(not is_read(article_id) for article_id in entry.ids)

    def apply_filter(self, text: str) -> None:
        matching = self._matching(text)
        if self._arranged is None:
            self._shown = self._entries = matching
        else:
            kept = {article.id for article in matching} if matching is not self.articles else None
            shown: list[Article] = []
            entries: list[Entry] = []
            for group in self._arranged:
                items = [a for a in group.items if a.id in kept] if kept is not None else group.items
                if items and self._grouped:
                    entries.append(Heading(group.name, [a.id for a in items]))
                entries += items
                shown += items
            self._shown, self._entries = shown, entries
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
