"""The article view: the article laid out for Chinese reading, drawn with Textual's Line API.

Only the visible lines are rendered, and each rendered line is cached, so a 600,000-character text
scrolls as fast as a short one. Everything drawn on the text (highlights of any kind) is a layer of
`(start, end, component class)` spans in body offsets; the view maps them to lines itself.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.corpus import Article
from reader.layout import BLANK, META, TITLE, Layout, Line
from reader.linebreak import HANG
from reader.paragraphs import Block, split_blocks
from reader.widgets.bindings import bindings_for
from reader.widgets.styles import StyleCache


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    style: str


class SpanLayer:
    """Spans sorted by start, with the longest length kept so a range query stays a bisection."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = sorted(spans, key=lambda span: (span.start, span.end))
        self._starts = [span.start for span in self.spans]
        self._longest = max((span.end - span.start for span in self.spans), default=0)

    def overlapping(self, start: int, end: int) -> list[Span]:
        first = bisect_left(self._starts, start - self._longest)
        last = bisect_left(self._starts, end)
        return [span for span in self.spans[first:last] if span.end > start and span.start < end]


def meta_line(article: Article) -> str:
    parts = [article.source] if article.source else []
    parts += [f"#{tag}" for tag in article.tags]
    parts.append(f"{len(article.body):,}字")
    return " · ".join(parts)


class ArticleView(ScrollView, can_focus=True):
    """Shows one article; `show()` it, read `position` to know where the reader is."""

    BINDINGS = bindings_for("article")

    #: The longest line, in cells: about 45 characters, beyond which Chinese text tires the eye.
    MAX_MEASURE = 90
    #: Blank cells left of the text at the least.
    GUTTER = 2

    COMPONENT_CLASSES = {
        "article-view--title",
        "article-view--meta",
        "article-view--heading",
        "article-view--caption",
    }

    DEFAULT_CSS = """
    ArticleView {
        overflow-y: scroll;
        background: $surface;
        & > .article-view--title { text-style: bold; color: $text-primary; }
        & > .article-view--meta { color: $text-muted; }
        & > .article-view--heading { text-style: bold; color: $text-accent; }
        & > .article-view--caption { color: $text-muted; text-style: italic; }
    }
    """

    class Moved(Message):
        """The reading position changed (scrolled, resized or a new article)."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article: Article | None = None
        self._blocks: list[Block] = []
        self._texts: dict[str, str] = {TITLE: "", META: "", "body": ""}
        self._layout: Layout | None = None
        self._pending_offset = 0
        self._layers: dict[str, SpanLayer] = {}
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self._styles = StyleCache(self)

    # -- what to show ---------------------------------------------------------------------------

    def show(self, article: Article, offset: int = 0) -> None:
        """Show `article` with body `offset` at the top of the view."""
        self.article = article
        self._blocks = split_blocks(article.body)
        self._texts = {TITLE: article.title, META: meta_line(article), "body": article.body}
        self._layers = {}
        self._relayout(offset)

    @property
    def layout_lines(self) -> list[Line]:
        return self._layout.lines if self._layout else []

    @property
    def position(self) -> int:
        """Body offset of the first line in view: the reading position."""
        if self._layout is None:
            return self._pending_offset
        return self._layout.offset_of(round(self.scroll_y))

    @property
    def percent_read(self) -> int:
        """How far down the article the bottom of the view is."""
        total = self.virtual_size.height
        if total <= 0:
            return 0
        seen = min(total, round(self.scroll_y) + self.scrollable_content_region.height)
        return round(100 * seen / total)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self.post_message(self.Moved())

    def scroll_to_offset(self, offset: int, *, center: bool = False) -> None:
        if self._layout is None:
            self._pending_offset = offset
            return
        line = self._layout.line_of(offset)
        if center:
            line = max(0, line - self.scrollable_content_region.height // 3)
        elif line == self._layout.first_body_line:
            line = 0  # The top of the article: keep the title in view.
        self.scroll_to(y=line, animate=False, immediate=True)

    def set_layer(self, name: str, spans: list[Span]) -> None:
        """Draw `spans` (body offsets) in their component-class styles; replaces the layer `name`."""
        if spans:
            self._layers[name] = SpanLayer(spans)
        else:
            self._layers.pop(name, None)
        self._redraw()

    # -- layout ---------------------------------------------------------------------------------

    @property
    def _text_width(self) -> int:
        return min(self.scrollable_content_region.width - HANG - self.GUTTER, self.MAX_MEASURE)

    @property
    def margin(self) -> int:
        """Blank cells left of the text: a gutter, more to centre the text in a wide view.

        Drawn as part of each line rather than as CSS padding, which costs a pass per line.
        """
        spare = self.scrollable_content_region.width - self._text_width - HANG - self.GUTTER
        return self.GUTTER + max(0, spare // 2)

    def _relayout(self, offset: int | None = None) -> None:
        if offset is None:
            offset = self.position
        if self.article is None or self._text_width <= 2:
            self._pending_offset = offset
            return
        self._layout = Layout(
            self._texts[TITLE], self._texts[META], self._texts["body"], self._blocks, self._text_width
        )
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._layout))
        self._redraw()
        self.scroll_to_offset(offset)
        self.post_message(self.Moved())

    def on_resize(self) -> None:
        if self._layout is None or self._layout.width != self._text_width:
            self._relayout(self.position if self._layout else self._pending_offset)
        else:
            self._redraw()  # The margin may have changed.

    def _redraw(self) -> None:
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()
        self._strips.clear()

    # -- drawing --------------------------------------------------------------------------------


    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self._styles.base
        if self._layout is None or index >= len(self._layout):
            return Strip.blank(width, base)
        strip = self._strips.get(index)
        if strip is None:
            strip = self._render_layout_line(index, base)
            if self.margin:
                strip = Strip([Segment(" " * self.margin, base), *strip])
            self._strips[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _render_layout_line(self, index: int, base: Style) -> Strip:
        line = self._layout.lines[index]
        if line.kind == BLANK:
            return Strip([], 0)
        source = self._texts[line.kind] if line.kind in (TITLE, META) else self._texts["body"]
        text = source[line.start : line.end]
        line_style = base + self._styles[f"article-view--{line.kind}"] if line.kind != "paragraph" else base
        if not line.in_body or not self._layers:
            return Strip([Segment(text, line_style)])
        return Strip(self._segments(line, text, line_style))

    def _segments(self, line: Line, text: str, line_style: Style) -> list[Segment]:
        spans = [span for layer in self._layers.values() for span in layer.overlapping(line.start, line.end)]
        if not spans:
            return [Segment(text, line_style)]
        cuts = {0, len(text)}
        for span in spans:
            cuts.add(max(span.start - line.start, 0))
            cuts.add(min(span.end - line.start, len(text)))
        ordered = sorted(cuts)
        segments = []
        for left, right in zip(ordered, ordered[1:]):
            style = line_style
            for span in spans:
                if span.start - line.start <= left and span.end - line.start >= right:
                    style += self._styles[span.style]
            segments.append(Segment(text[left:right], style))
        return segments
