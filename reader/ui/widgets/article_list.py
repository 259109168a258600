"""The list of articles: titles broken the Chinese way, source and length, drawn with the Line API.

Only visible rows are rendered, and an entry's height comes from its title's width alone, so ten
thousand articles cost no more to show than seven (`OptionList` renders every option to measure it).
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from rich.segment import Segment
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from reader.articles.corpus import Article
from reader.articles.indexed import position_in, title_widths
from reader.text.linebreak import clip, quick_width
from reader.ui.widgets.bindings import bindings_for
from reader.ui.widgets.lines import RowList

TITLE_LINES = 2


class _RowStarts:
    """Where each entry's rows start: as measured for the first entries, and for the rest as if
    each title took two lines (a long list is measured whole after the first paint; until then
    nothing as long as the list is made)."""

    GUESS = TITLE_LINES + 1

    def __init__(self, measured: list[int], entries: int) -> None:
        self.measured = measured
        """Where each measured entry starts, and where the last of them ends."""
        self.entries = entries

    def __getitem__(self, item: int) -> int:
        known = len(self.measured) - 1
        return self.measured[item] if item <= known else self.measured[-1] + (item - known) * self.GUESS

    @property
    def rows(self) -> int:
        return self[self.entries]

    def entry_at(self, row: int) -> int | None:
        if not 0 <= row < self.rows:
            return None
        if row < self.measured[-1]:
            return bisect_right(self.measured, row) - 1
        return len(self.measured) - 1 + (row - self.measured[-1]) // self.GUESS


class Heading:
    """A group's line in a list arranged by source: its name and how many of its articles are
    unread (`Sidebar` counts them). Never an article: its id is no article's."""

    __slots__ = ("name", "ids", "unread")

    def __init__(self, name: str, ids: list[str]) -> None:
        self.name, self.ids, self.unread = name, ids, 0

    @property
    def id(self) -> str:
        return "\x00" + self.name  # Ids are file names: none holds a NUL.

    @property
    def title(self) -> str:
        return self.name or "(no source)"

    def label(self, counted: bool) -> str:
        """The line drawn: the name, and unread of all when read state is kept."""
        return f"{self.title}  {self.unread}/{len(self.ids)}" if counted else f"{self.title}  {len(self.ids)}"


Entry = Article | Heading


def details(article: Article) -> str:
    """The line under a title: where the article is from, and how long it is."""
    return f"{article.source or os.path.basename(article.path)} · {article.length:,}字"


class ArticleList(RowList, can_focus=True):
    BINDINGS = bindings_for("sidebar")

    COMPONENT_CLASSES = {"article-list--details", "article-list--highlighted", "article-list--mark",
                         "article-list--unread", "article-list--unread-mark", "article-list--heading"}

    #: Drawn left of the article read, so it is marked in any theme (a light theme's blurred
    #: highlight barely differs from its list; the ANSI themes' not at all).
    MARK = "▌"
    #: Drawn left of an unread article's title (its title is bold too): a shape, not only a colour.
    UNREAD = "•"

    DEFAULT_CSS = """
    ArticleList {
        background: $panel;
        & > .article-list--details { color: $text-muted; }
        & > .article-list--highlighted { background: $primary 18%; }
        & > .article-list--mark { color: $text-primary; }
        & > .article-list--unread { text-style: bold; }
        & > .article-list--unread-mark { color: $text-accent; text-style: bold; }
        & > .article-list--heading { color: $text-secondary; text-style: bold; }
        &:focus > .article-list--highlighted {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    @dataclass
    class Highlighted(Message):
        """The highlight moved to another entry (by key or mouse)."""

        article_id: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ArticleList.Highlighted)  # Held down, a key moves many rows.

    @dataclass
    class Selected(Message):
        """The reader chose an entry (enter or click)."""

        article_id: str

    @dataclass
    class TypedToFilter(Message):
        """A printable key nothing is bound to: the start of a filter."""

        character: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: Sequence[Entry] = []
        self._headings: frozenset[int] = frozenset()
        """Where the headings are among the entries (a list arranged by source)."""
        self.is_read: Callable[[str], bool] | None = None
        """Whether an article is read (None: no read state is kept, nothing is marked)."""
        self._starts = _RowStarts([0], 0)
        self._measured_width = 0
        self._titles: LRUCache[tuple[str, int, int], list[str]] = LRUCache(4096)
        self._display: Callable[[str], str] = str

    # -- content --------------------------------------------------------------------------------

    def set_entries(self, entries: Sequence[Entry], highlight: str | None) -> None:
        """Show `entries` (headings only in a plain list: one from the index holds none)."""
        self.entries = entries
        self._headings = frozenset(index for index, entry in enumerate(entries) if isinstance(entry, Heading)) \
            if isinstance(entries, list) else frozenset()
        self._starts = _RowStarts([0], 0)
        self._measured_width = 0
        if self.scrollable_content_region.width:  # Else the first resize measures them.
            self._measure()
        index = position_in(entries, highlight) if highlight is not None else None
        self.set_reactive(ArticleList.highlighted, index)
        self.redraw()
        self.scroll_to_highlight()

    def set_display(self, display: Callable[[str], str]) -> None:
        """Show titles and details through `display` (a script conversion that keeps lengths).

        Applied only to the rows drawn, so a long list pays for what is on screen.
        """
        self._display = display
        self._titles.clear()
        self.redraw()

    def highlight(self, article_id: str) -> None:
        """Highlight an entry without announcing it (the app already shows that article)."""
        index = position_in(self.entries, article_id)
        if index is not None and index != self.highlighted:
            old = self.highlighted
            self.set_reactive(ArticleList.highlighted, index)
            self.redraw_rows(row for item in (old, index) if item is not None for row in self.item_rows(item))
            self.scroll_to_highlight()

    @property
    def _width(self) -> int:
        """Cells for a title: the list less a cell of gutter on either side."""
        return max(self.scrollable_content_region.width - 2, 8)

    #: Entries measured at once; a longer list is measured whole after the next refresh.
    MEASURED_AT_ONCE = 400

    def _measure(self, everything: bool = False) -> None:
        """Row where each entry starts: its title's rows plus one for the details."""
        width = self._measured_width = self._width
        widths = (title_widths(self.entries) if everything
                  else [quick_width(entry.title) for entry in self.entries[: self.MEASURED_AT_ONCE]])
        headings = self._headings
        rows = (0 if index in headings else 1 if title_width <= width else TITLE_LINES
                for index, title_width in enumerate(widths))
        self._starts = _RowStarts([0, *accumulate(title_rows + 1 for title_rows in rows)], len(self.entries))
        self.virtual_size = Size(width, self._starts.rows)
        if len(widths) < len(self.entries):
            self.call_after_refresh(self._measure_the_rest, width)

    def _measure_the_rest(self, width: int) -> None:
        if width == self._measured_width and self.entries:
            self._measure(everything=True)
            self.redraw()
            self.scroll_to_highlight()

    def on_resize(self) -> None:
        if self._width != self._measured_width:
            self._measure()
            self.redraw()
            self.scroll_to_highlight()

    def entry_at(self, row: int) -> int | None:
        return self._starts.entry_at(row)

    # -- drawing --------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return self._starts.rows

    def draw_row(self, row: int) -> Strip:
        base = self._styles.base
        index = self.entry_at(row)
        if index is None:
            return Strip([])
        entry = self.entries[index]
        offset = row - self._starts[index]
        title_rows = self._starts[index + 1] - self._starts[index] - 1
        if index == self.highlighted:
            base += self._styles["article-list--highlighted"]
        width = self._width
        unread = self.is_read is not None and not isinstance(entry, Heading) and not self.is_read(entry.id)
        if isinstance(entry, Heading):
            text = clip(self._display(entry.label(self.is_read is not None)), width, 1)[0]
            style = base + self._styles["article-list--heading"]
        elif offset < title_rows:
            key = (entry.title, width, title_rows)
            if key not in self._titles:
                self._titles[key] = clip(self._display(entry.title), width, title_rows)
            lines = self._titles[key]
            text = lines[offset] if offset < len(lines) else ""
            style = base + self._styles["article-list--unread"] if unread else base
        else:
            text = self._display(details(entry))
            room = self.scrollable_content_region.width - 1  # All of the row but its leading space.
            if quick_width(text) > room:
                text = clip(text, room, 1)[0]  # Cut with "…", as titles are.
            style = base + self._styles["article-list--details"]
        if index == self.highlighted:
            gutter = Segment(self.MARK, base + self._styles["article-list--mark"])
        elif unread and offset == 0:
            gutter = Segment(self.UNREAD, base + self._styles["article-list--unread-mark"])
        else:
            gutter = Segment(" ", base)
        strip = Strip([gutter, Segment(text, style)])
        return strip.crop_extend(0, self.scrollable_content_region.width, base)

    # -- moving ---------------------------------------------------------------------------------

    @property
    def item_count(self) -> int:
        return len(self.entries)

    def item_rows(self, item: int) -> range:
        """The rows of an entry (none until the entries are measured: the first resize scrolls)."""
        return range(self._starts[item], self._starts[item + 1]) if item < self._starts.entries else range(0)

    def highlight_moved(self, item: int) -> None:
        if item not in self._headings:  # A heading opens nothing.
            self.post_message(self.Highlighted(self.entries[item].id))

    def page_items(self) -> int:
        return max(1, self.scrollable_content_region.height // 3)

    def action_select(self) -> None:
        if self.highlighted is not None and self.highlighted not in self._headings:
            self.post_message(self.Selected(self.entries[self.highlighted].id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        index = None if offset is None else self.entry_at(round(self.scroll_y) + offset.y)
        if index is not None:
            self.highlighted = index
            self.action_select()

    def on_key(self, event: events.Key) -> None:
        """A printable key that nothing is bound to starts the filter."""
        character = event.character if event.is_printable else None
        if character and not character.isspace() and event.key not in self.screen.active_bindings:
            event.stop()
            self.post_message(self.TypedToFilter(character))
