"""The base of reader's Line API views: draw a row only when it is on screen, and only once."""

from __future__ import annotations

from textual.cache import LRUCache
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.ui.widgets.styles import StyleCache


class LineView(ScrollView):
    """Subclasses say how many rows there are (`row_count`) and how one looks (`draw_row`);
    `redraw()` forgets every drawn row, as after a change of content or layout."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self._styles = StyleCache(self)

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
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _redraw(self) -> None:
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()
