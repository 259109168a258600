"""The bases of reader's Line API views: draw a row only when it is on screen, and only once; and
a list of items with a highlight that moves by key, page and mouse."""

from __future__ import annotations

from collections.abc import Iterable

from textual.cache import LRUCache
from textual.geometry import Region
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.ui.widgets.styles import StyleCache


class LineView(ScrollView):
    """Subclasses say how many rows there are (`row_count`) and how one looks (`draw_row`);
    `redraw()` forgets every drawn row (a change of content or layout), `redraw_rows` some."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self._styles = StyleCache(self)
        self.rows_drawn = 0
        """Rows drawn since the view was made (cached rows are not drawn again)."""

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    def draw_row(self, index: int) -> Strip:
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self._styles.base
        if index >= self.row_count:
            return Strip.blank(width, base)
        strip = self._strips.get(index)
        if strip is None:
            strip = self._strips[index] = self.draw_row(index)
            self.rows_drawn += 1
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def redraw(self) -> None:
        self._strips.clear()
        self.refresh()

    def redraw_rows(self, rows: Iterable[int]) -> None:
        """Draw these rows again (those on screen now, the others when they come into view)."""
        for row in set(rows):
            self._strips.discard(row)
            self.refresh_line(row)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()


class RowList(LineView):
    """Items of one or more rows each, one highlighted. Subclasses give `item_count` and the rows
    of an item (`item_rows`); moving the highlight redraws the rows of the two items it touches."""

    highlighted: reactive[int | None] = reactive(None, always_update=False)

    @property
    def item_count(self) -> int:
        raise NotImplementedError

    def item_rows(self, item: int) -> range:
        return range(item, item + 1)

    def highlight_moved(self, item: int) -> None:
        """The highlight is on `item` now, moved by the reader (a key, the mouse)."""

    def validate_highlighted(self, item: int | None) -> int | None:
        if item is None or not self.item_count:
            return None
        return max(0, min(item, self.item_count - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        self.redraw_rows(row for item in (old, new) if item is not None for row in self.item_rows(item))
        if new is not None:
            self.scroll_to_highlight()
            self.highlight_moved(new)

    def scroll_to_highlight(self) -> None:
        if self.highlighted is None:
            return
        rows = self.item_rows(self.highlighted)
        if rows:
            self.scroll_to_region(Region(0, rows.start, 1, len(rows)), animate=False, immediate=True, force=True)

    def _move(self, step: int) -> None:
        if self.item_count:
            self.highlighted = 0 if self.highlighted is None else self.highlighted + step

    def page_items(self) -> int:
        """Items a page key moves over."""
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_down(self) -> None:
        self._move(+1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(+self.page_items())

    def action_page_up(self) -> None:
        self._move(-self.page_items())

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = self.item_count - 1
