"""Search results as rows: an article's title and hit count, then a line of context per hit.

Drawn with the Line API; rows are built a page of articles at a time as the reader moves down, so
a query matching ten thousand articles shows its first screen at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from reader.reading.shown import ShownText
from reader.search.index import CONTEXT, Hit, Results, snippet
from reader.ui.widgets.bindings import bindings_for
from reader.ui.widgets.lines import RowList

#: Articles whose rows are built at a time.
PAGE = 60


@dataclass(frozen=True)
class Row:
    position: int
    """The article's position in the corpus."""
    hit: int | None = None
    """Which hit of that article (None: the article's heading row)."""


class ResultList(RowList, can_focus=True):
    BINDINGS = bindings_for("results")

    COMPONENT_CLASSES = {"result-list--title", "result-list--count", "result-list--match", "result-list--highlighted"}

    DEFAULT_CSS = """
    ResultList {
        background: $surface;
        & > .result-list--title { text-style: bold; color: $text-primary; }
        & > .result-list--count { color: $text-muted; }
        & > .result-list--match { background: $warning 40%; text-style: bold; }
        & > .result-list--highlighted { background: $block-cursor-blurred-background; }
        &:focus > .result-list--highlighted { background: $block-cursor-background; color: $block-cursor-foreground; }
    }
    """

    @dataclass
    class Chosen(Message):
        """A hit (or an article's first hit) was chosen."""

        position: int
        """The article's position in the corpus."""
        hit: int

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.results: Results | None = None
        self.rows: list[Row] = []
        self._pages_built = 0
        self._shown = ShownText()

    def show(self, results: Results, shown: ShownText) -> None:
        """List `results`, their text in the script the reader reads in (`shown`)."""
        self.results, self._shown = results, shown
        self.rows, self._pages_built = [], 0
        self._build_page()
        self.set_reactive(ResultList.highlighted, 1 if len(self.rows) > 1 else None)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.redraw()

    def _build_page(self) -> None:
        if self.results is None:
            return
        first = self._pages_built * PAGE
        for position in self.results.indices[first : first + PAGE]:
            hits = self.results.hits(position)
            self.rows.append(Row(position))
            self.rows.extend(Row(position, number) for number in range(len(hits)))
        self._pages_built += 1
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows))
        self.redraw()

    # -- drawing --------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def draw_row(self, index: int) -> Strip:
        results = self.results
        assert results is not None, "rows are built from the results shown"
        row = self.rows[index]
        base = self._styles.base
        if index == self.highlighted:
            base += self._styles["result-list--highlighted"]
        article = results.index.articles[row.position]
        width = self.scrollable_content_region.width
        if row.hit is None:
            count = results.count(row.position)
            where = " · in the title" if results.title_hits(row.position) else ""
            segments = [
                Segment(" " + self._shown.title(article), base + self._styles["result-list--title"]),
                Segment(f"  {count} hit{'s' if count != 1 else ''}{where}", base + self._styles["result-list--count"]),
            ]
        else:
            hit: Hit = results.hits(row.position)[row.hit]
            text, start, end = snippet(article.body, hit)
            text = self._shown.text(text)  # Conversions keep lengths: the hit stays where it was.
            # Pad short left contexts so every hit starts in the same column, as in a concordance.
            indent = " " * (4 + max(0, 2 * CONTEXT - cell_len(text[:start])))
            segments = [
                Segment(indent + text[:start], base),
                Segment(text[start:end], base + self._styles["result-list--match"]),
                Segment(text[end:], base),
            ]
        strip = Strip(segments)
        return strip.crop_extend(0, max(width, cell_len(strip.text)), base)

    # -- moving ---------------------------------------------------------------------------------

    @property
    def item_count(self) -> int:
        return len(self.rows)

    def highlight_moved(self, item: int) -> None:
        """Near the end of the rows built, build the next page of articles."""
        if item > len(self.rows) - 20 and self.results and self._pages_built * PAGE < len(self.results.indices):
            self._build_page()

    def action_choose(self) -> None:
        if self.highlighted is None:
            return
        row = self.rows[self.highlighted]
        self.post_message(self.Chosen(row.position, row.hit or 0))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and round(self.scroll_y) + offset.y < len(self.rows):
            self.highlighted = round(self.scroll_y) + offset.y
            self.action_choose()
