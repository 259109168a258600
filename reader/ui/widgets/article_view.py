"""The article view: the article laid out for Chinese reading, drawn with Textual's Line API.

Only the visible lines are rendered, and each rendered line is cached, so a 600,000-character text
scrolls as fast as a short one. Everything drawn on the text (highlights of any kind) is a layer of
`(start, end, component class)` spans in body offsets; the view maps them to lines itself.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.worker import get_current_worker

from reader.articles.corpus import Article
from reader.entities.mentions import TYPES, Entity, next_mention
from reader.reading.layout import (
    BLANK,
    META,
    TITLE,
    Layout,
    Line,
    Texts,
    article_blocks,
    article_script,
    article_texts,
    meta_line,
    with_markup,
)
from reader.reading.navigation import (
    after,
    before,
    jieba_splitter_if_ready,
    next_sentence,
    previous_sentence,
    word_starts,
)
from reader.text.conversion import ORIGINAL, display_text, in_script
from reader.text.linebreak import HANG, cells, shown
from reader.text.markdown import HIDDEN, KINDS
from reader.text.paragraphs import Block, split_blocks
from reader.ui.widgets.bindings import bindings_for
from reader.ui.widgets.lines import LineView
from reader.ui.widgets.styles import entity_layer


class Span(NamedTuple):
    start: int
    end: int
    style: str


class Caret(NamedTuple):
    """The reading cursor (a body offset; None until a key or click places it) and, while text is
    being selected, where the selection started."""

    cursor: int | None = None
    anchor: int | None = None

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected text as (start, end), the cursor's character included, or None."""
        if self.anchor is None or self.cursor is None:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor) + 1


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


class ArticleView(LineView, can_focus=True):
    """Shows one article; `show()` it, read `position` to know where the reader is."""

    BINDINGS = bindings_for("article")
    ALLOW_SELECT = False  # Selection is ours, in body offsets (mouse and keys alike).

    #: The longest line, in cells: about 45 characters, beyond which Chinese text tires the eye.
    MAX_MEASURE = 90
    #: Blank cells left of the text at the least.
    GUTTER = 2

    COMPONENT_CLASSES = {
        "article-view--title",
        "article-view--meta",
        "article-view--heading",
        "article-view--caption",
        "article-view--current",
        "article-view--hit",
        "article-view--cursor",
        "article-view--selection",
        *(f"article-view--md-{kind}" for kind in KINDS),
    }

    DEFAULT_CSS = """
    ArticleView {
        overflow-y: scroll;
        background: $surface;
        & > .article-view--title { text-style: bold; color: $text-primary; }
        & > .article-view--meta { color: $text-muted; }
        & > .article-view--heading { text-style: bold underline; }
        & > .article-view--caption { color: $text-muted; text-style: italic; }
        & > .article-view--current { text-style: reverse; }
        & > .article-view--hit { background: $warning 40%; }
        & > .article-view--cursor { text-style: reverse; }
        & > .article-view--selection { background: $primary 45%; }
        & > .article-view--md-bold { text-style: bold; }
        & > .article-view--md-italic { text-style: italic; }
        & > .article-view--md-code { background: $panel; }
        & > .article-view--md-link { color: $text-primary; text-style: underline; }
        & > .article-view--md-image { color: $text-muted; text-style: italic; }
        & > .article-view--md-quote { color: $text-muted; text-style: italic; }
    }
    """

    #: Layers drawn later win where they overlap. "markup" is Markdown's emphasis, links, code
    #: (set with the text, under everything else).
    LAYER_ORDER = ("markup", "entities", "annotations", "hits", "current", "selection", "cursor")

    @dataclass
    class Moved(Message):
        """The reading position changed (scrolled, resized or a new article)."""

        position: int
        """Body offset of the first line in view."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ArticleView.Moved)  # Only where scrolling ends matters.

    @dataclass
    class CursorMoved(Message):
        """The reading cursor moved (or appeared, or went away), or the selection changed."""

        caret: Caret

    @dataclass
    class WordsNeeded(Message):
        """Word movement was asked for before jieba runs: start it (characters until then)."""

    @dataclass
    class Busy(Message):
        """Long work started (`what` says which) or ended (`what` is None)."""

        what: str | None

    #: Articles longer than this (characters) are converted and laid out in a worker thread.
    BACKGROUND_FROM = 50_000

    script_mode: reactive[str] = reactive(ORIGINAL)
    """Show the original text, or the article converted to SIMPLIFIED or TRADITIONAL."""

    caret: reactive[Caret] = reactive(Caret(), always_update=False, repaint=False)
    """The cursor and the selection's anchor; changing it redraws the rows the two touch."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.article: Article | None = None
        self._texts: Texts | None = None
        self._layout: Layout | None = None
        self._pending_offset = 0
        self._blocks: LRUCache[str, list[Block]] = LRUCache(64)
        self._converted: LRUCache[tuple[str, str], Texts] = LRUCache(64)
        self._layouts: LRUCache[tuple[str, str, int], Layout] = LRUCache(16)
        self._layers: dict[str, SpanLayer] = {}
        self._busy: str | None = None
        self._entities: list[Entity] = []
        self._shown_types: frozenset[str] = frozenset(TYPES)
        self.chosen_entity: str | None = None
        """The key of the entity the mention keys walk through (None: any entity)."""
        self._drawn_margin = 0
        self._word_starts: dict[tuple[str, int], list[int]] = {}
        self._dragging = False

    # -- what to show ---------------------------------------------------------------------------

    def show(self, article: Article, offset: int = 0) -> None:
        """Show `article` with body `offset` at the top of the view."""
        if self.article is None or article is not self.article:  # Another article, or reloaded.
            self._layout = None
            self._texts = None
            self._layers = {}
            self._entities = []
            self.set_reactive(ArticleView.caret, Caret())
        self.article = article
        self._prepare(offset)

    def watch_script_mode(self) -> None:
        if self.article is not None:
            self._prepare(self.position)

    @property
    def texts(self) -> Texts | None:
        """What the view shows now: title, meta line and body in the current script."""
        return self._texts

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
        return 100 if seen >= total else min(99, round(100 * seen / total))  # 100 only at the very end.

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self.post_message(self.Moved(self.position))

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
        """Draw `spans` (body offsets) in their component-class styles; replaces the layer `name`.
        The rows the old and new spans cover are drawn again, all rows if they are many."""
        old = self._layers.get(name)
        if spans:
            self._layers[name] = SpanLayer(spans)
        else:
            self._layers.pop(name, None)
        self._layers = {key: self._layers[key] for key in sorted(self._layers, key=self._layer_rank)}
        changed = (old.spans if old else []) + spans
        if self._layout is None or len(changed) > self.FEW_SPANS:
            self.redraw()
        else:
            self.redraw_rows(row for span in changed for row in self._rows_of(span.start, span.end))

    #: Up to this many spans changed, only their rows are drawn again.
    FEW_SPANS = 64

    def _rows_of(self, start: int, end: int) -> range:
        assert self._layout is not None
        return range(self._layout.line_of(start), self._layout.line_of(max(start, end - 1)) + 1)

    def layer_spans(self, name: str) -> list[Span]:
        """The spans drawn in layer `name` (see `LAYER_ORDER`), by start."""
        found = self._layers.get(name)
        return list(found.spans) if found else []

    def spans_at(self, name: str, offset: int) -> list[Span]:
        """The spans of layer `name` that hold body `offset`."""
        found = self._layers.get(name)
        return found.overlapping(offset, offset + 1) if found else []

    # -- entities -------------------------------------------------------------------------------

    def set_entities(self, entities: list[Entity], shown_types: frozenset[str]) -> None:
        """Highlight `entities` of the types in `shown_types` (empty: highlighting off)."""
        self._entities = entities
        self._shown_types = shown_types
        self.set_layer(
            "entities", [Span(e.start, e.end, entity_layer(e.type)) for e in entities if e.type in shown_types]
        )

    @property
    def entities(self) -> list[Entity]:
        return self._entities

    def go_to_mention(self, mention: Entity) -> None:
        """Bring a mention into view and mark it."""
        self.mark(mention.start, mention.end)

    def mark(self, start: int, end: int) -> None:
        """Bring the text at `start`-`end` into view, mark it as the current place, put the cursor there."""
        self.scroll_to_offset(start, center=True)
        self.set_layer("current", [Span(start, end, "article-view--current")])
        self.move_cursor(start, extend=False)

    def choose_entity(self, key: str | None) -> None:
        """Walk the mention keys through `key`'s mentions, starting at its first."""
        self.chosen_entity = key
        first = next((e for e in self._entities if e.key == key), None)
        if first is not None:
            self.go_to_mention(first)

    @property
    def current_mark(self) -> int | None:
        """Where the marked place (a hit or mention) starts, if there is one."""
        current = self._layers.get("current")
        return current.spans[0].start if current else None

    def _step_mention(self, *, forward: bool, key: str | None) -> None:
        visible = [e for e in self._entities if e.type in self._shown_types or e.key == key]
        current = self.current_mark
        offset = current if current is not None else (self.position - 1 if forward else self.position)
        mention = next_mention(visible, offset, forward=forward, key=key)
        if mention is None:
            self.app.bell()
            return
        self.go_to_mention(mention)

    def action_next_mention(self) -> None:
        self._step_mention(forward=True, key=self.chosen_entity)

    def action_previous_mention(self) -> None:
        self._step_mention(forward=False, key=self.chosen_entity)

    def action_next_entity(self) -> None:
        self._step_mention(forward=True, key=None)

    def action_previous_entity(self) -> None:
        self._step_mention(forward=False, key=None)

    def _layer_rank(self, name: str) -> int:
        return self.LAYER_ORDER.index(name) if name in self.LAYER_ORDER else -1

    # -- scrolling: at once, not animated (reading pages should feel instant) --------------------

    def action_scroll_down(self) -> None:
        self.scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.scroll_up(animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)

    # -- cursor and selection -------------------------------------------------------------------

    @property
    def cursor(self) -> int | None:
        """The reading cursor: a body offset, or None until a movement key places it."""
        return self.caret.cursor

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected text as (start, end), the cursor's character included, or None."""
        return self.caret.selection

    def move_cursor(self, offset: int | None, *, extend: bool | None = None) -> None:
        """Put the cursor at `offset` (None removes it) and bring it into view. `extend=False`
        ends a selection; otherwise one in progress follows the cursor."""
        body = self._texts.body if self._texts else ""
        if offset is not None:
            offset = max(0, min(offset, len(body) - 1))
            offset = _shown_from(body, offset, +1)
            offset = _shown_from(body, offset, -1)  # Markup at the very end: the last shown character.
        anchor = None if offset is None or extend is False else self.caret.anchor
        self.caret = Caret(offset, anchor)
        if offset is not None and self._layout is not None:
            line = self._layout.line_of(offset)
            top, height = round(self.scroll_y), self.scrollable_content_region.height
            if not top <= line < top + height:
                self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True)

    def watch_caret(self, caret: Caret) -> None:
        cursor = caret.cursor
        self.set_layer("cursor", [Span(cursor, cursor + 1, "article-view--cursor")] if cursor is not None else [])
        selection = caret.selection
        self.set_layer("selection", [Span(*selection, "article-view--selection")] if selection else [])
        self.post_message(self.CursorMoved(caret))

    def _cursor_or_top(self) -> int | None:
        """The cursor, or, if it is out of view, the start of the first body line in view."""
        if self._layout is None or not self._texts or not self._texts.body:
            return None
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        if self.cursor is not None and top <= self._layout.line_of(self.cursor) < top + height:
            return self.cursor
        return self._layout.offset_of(top)

    def _step_cursor(self, find, step: int = +1) -> None:
        here = self._cursor_or_top()
        if here is None:
            return
        if self.cursor is None or here != self.cursor:
            self.move_cursor(here)
            self.notify("The cursor is at the top of the view: h l w W ( ) J K move it, v selects.",
                        title="Cursor", timeout=4)
            return
        assert self._texts is not None, "there is a cursor position only in a laid-out article"
        target = self._shown_target(self._texts.body, here, find, step)
        if target is None:
            self.app.bell()
            return
        self.move_cursor(target)

    @staticmethod
    def _shown_target(body: str, here: int, find, step: int) -> int | None:
        """Where `find` takes the cursor from `here`, past hidden Markdown markup: in the direction
        of a character step, else on to the text the markup opens (if that is where the cursor
        is, `find` from there once more: `(` goes on to the sentence before)."""
        target = find(body, here)
        for _ in range(64):
            if target is None:
                return None
            landed = _shown_from(body, target, step)
            if landed != here and body[landed] != HIDDEN:
                return landed
            following = find(body, target)
            if following is None or following == target:
                return None
            target = following
        return None

    def action_cursor_left(self) -> None:
        self._step_cursor(lambda body, at: at - 1 if at > 0 else None, step=-1)

    def action_cursor_right(self) -> None:
        self._step_cursor(lambda body, at: at + 1 if at + 1 < len(body) else None)

    def action_word_left(self) -> None:
        if self._words_ready():
            self._step_cursor(lambda body, at: before(self._words_around(at), at))

    def action_word_right(self) -> None:
        if self._words_ready():
            self._step_cursor(lambda body, at: after(self._words_around(at), at))

    def _words_ready(self) -> bool:
        """Whether words are known; if not, ask for them and say so (a character is no word)."""
        if jieba_splitter_if_ready() is not None:
            return True
        self.post_message(self.WordsNeeded())
        self.notify("Loading word boundaries: w and W move by words in a moment.", title="Words", timeout=3)
        return False

    def action_sentence_left(self) -> None:
        self._step_cursor(lambda body, at: previous_sentence(body, at))

    def action_sentence_right(self) -> None:
        self._step_cursor(lambda body, at: next_sentence(body, at) if next_sentence(body, at) != at else None)

    def action_line_down(self) -> None:
        self._step_cursor(lambda body, at: self._same_column(at, +1))

    def action_line_up(self) -> None:
        self._step_cursor(lambda body, at: self._same_column(at, -1))

    def action_toggle_selection(self) -> None:
        """Start a selection at the cursor (movement keys extend it), or drop the one there is."""
        here = self._cursor_or_top()
        if here is None:
            return
        if self.caret.anchor is None:
            self.caret = Caret(here, here)
        else:
            self.move_cursor(self.cursor, extend=False)

    def _words_around(self, offset: int) -> list[int]:
        """Word starts (jieba's: see `_words_ready`) in the block around `offset` and the blocks
        either side."""
        splitter = jieba_splitter_if_ready()
        assert splitter is not None, "word keys wait for jieba"
        article, texts = self.article, self._texts
        assert article is not None and texts is not None, "the cursor moves in a laid-out article"
        blocks = self._blocks.get(article.id) or []
        index = max(0, bisect_right([b.start for b in blocks], offset) - 1)
        starts: list[int] = []
        for block in blocks[max(0, index - 1) : index + 2]:
            key = (article.id, block.start)
            if key not in self._word_starts:
                self._word_starts[key] = word_starts(texts.body, block.start, block.end, splitter)
            starts += self._word_starts[key]
        return starts

    def _same_column(self, offset: int, step: int) -> int | None:
        """The offset one body line down (or up) at the same column."""
        layout, texts = self._layout, self._texts
        assert layout is not None and texts is not None, "the cursor moves in a laid-out article"
        body = texts.body
        index = layout.line_of(offset)
        column = cells(body[layout.lines[index].start : offset])
        target = index + step
        while 0 <= target < len(layout) and not layout.lines[target].in_body:
            target += step
        if not 0 <= target < len(layout):
            return None
        return self._offset_in_line(layout.lines[target], column)

    def _offset_in_line(self, line: Line, column: int) -> int:
        assert self._texts is not None, "lines are laid out from the texts"
        body = self._texts.body
        used = 0
        for position in range(line.start, line.end):
            used += cells(body[position])
            if used > column:
                return position
        return max(line.start, line.end - 1)

    def offset_at(self, x: int, y: int) -> int | None:
        """The body offset drawn at content coordinates (`x`, `y`), if a body line is there."""
        if self._layout is None:
            return None
        index = round(self.scroll_y) + y
        if not 0 <= index < len(self._layout):
            return None
        line = self._layout.lines[index]
        if not line.in_body:
            return None
        return self._offset_in_line(line, x - self.margin)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = event.get_content_offset(self)
        target = self.offset_at(offset.x, offset.y) if offset else None
        if target is None:
            return
        self.focus()
        self._dragging = True
        self.capture_mouse()
        self.caret = Caret(target, target)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = event.get_content_offset(self)
        target = self.offset_at(offset.x, offset.y) if offset else None
        if target is not None and target != self.cursor:
            self.move_cursor(target)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            if self.caret.anchor == self.cursor:  # A click, not a drag: a cursor, no selection.
                self.move_cursor(self.cursor, extend=False)

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

    def _prepare(self, offset: int) -> None:
        """Convert and lay out the article for the current script and width, then show it.

        Long articles are prepared in a thread; the old text stays on screen until the new is ready.
        """
        article, mode, width = self.article, self.script_mode, self._text_width
        if article is None or width <= 2:
            self._pending_offset = offset
            return
        if article.length < self.BACKGROUND_FROM:
            self._install(*self._prepared(article, mode, width), offset)
            return
        self._pending_offset = offset
        self._busy = f"Preparing {article.length:,} characters"
        self.post_message(self.Busy(self._busy))
        if self._layout is None:  # A new article: show the part around the offset at once.
            self._install(*self._preview(article, mode, width, offset), offset, preview=True)
        self.refresh()
        self._prepare_in_background(article, mode, width, offset)

    #: Characters a long article's preview holds while the whole is prepared.
    PREVIEW = 20_000

    def _preview(self, article: Article, mode: str, width: int, offset: int) -> tuple[list[Block], Texts, Layout]:
        """Blocks, texts and layout of just the lines around `offset` (the rest is not shown)."""
        body = article.body
        start = body.rfind("\n", 0, max(0, offset - self.PREVIEW // 4)) + 1
        end = body.find("\n", min(len(body), start + self.PREVIEW))
        end = len(body) if end == -1 else end
        blocks = [Block(b.kind, b.start + start, b.end + start) for b in split_blocks(body[start:end])]
        script = article_script(article)
        shown = body[:start] + display_text(body[start:end], mode, script) + body[end:]  # Same length.
        meta = display_text(meta_line(article), mode, script)
        texts = with_markup(article, Texts(mode, in_script(article.title, mode), meta, shown), start, end)
        blocks = article_blocks(article, blocks, texts)
        return blocks, texts, Layout(texts.title, texts.meta, texts.body, blocks, width)

    @work(thread=True, exclusive=True, group="prepare")
    def _prepare_in_background(self, article: Article, mode: str, width: int, offset: int) -> None:
        prepared = self._prepared(article, mode, width)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._install, *prepared, offset)

    def _prepared(self, article: Article, mode: str, width: int) -> tuple[list[Block], Texts, Layout]:
        """Blocks, texts and layout (safe in a thread: reads the caches, never writes them)."""
        texts = self._converted.get((article.id, mode)) or with_markup(article, article_texts(article, mode))
        blocks = self._blocks.get(article.id) or article_blocks(article, split_blocks(article.body), texts)
        layout = self._layouts.get((article.id, mode, width))
        shown = self._texts
        if layout is None and shown and self._layout and self._layout.width == width:
            if shown.body is texts.body and (shown.title, shown.meta) == (texts.title, texts.meta):
                layout = self._layout  # The same text: an original already in this script.
        if layout is None:
            layout = Layout(texts.title, texts.meta, texts.body, blocks, width)
        return blocks, texts, layout

    def _install(
        self, blocks: list[Block], texts: Texts, layout: Layout, offset: int, *, preview: bool = False
    ) -> None:
        if self.article is None or (texts.mode, layout.width) != (self.script_mode, self._text_width):
            self._prepare(offset)  # Something changed while this was prepared.
            return
        if not preview:  # A preview is a part: never cache it as the whole.
            self._blocks[self.article.id] = blocks
            self._converted[(self.article.id, texts.mode)] = texts
            self._layouts[(self.article.id, texts.mode, layout.width)] = layout
        header_line = None
        if self._layout is not None:  # Keep what the reader sees now; they may have scrolled.
            top = round(self.scroll_y)
            if top <= self._layout.first_body_line:
                header_line = top
            offset = self.position
        self._texts, self._layout = texts, layout
        self._set_markup_layer(texts)
        self._busy = self._busy if preview else None
        self.virtual_size = Size(self.scrollable_content_region.width, len(layout))
        self.redraw()
        if header_line is not None and header_line <= layout.first_body_line:
            self.scroll_to(y=header_line, animate=False, immediate=True)
        else:
            self.scroll_to_offset(offset)
        self.post_message(self.Moved(self.position))
        if not preview:
            self.post_message(self.Busy(None))

    def _set_markup_layer(self, texts: Texts) -> None:
        """The "markup" layer from the texts' Markdown styles (the whole view is drawn again after)."""
        if texts.styles:
            styles = [Span(span.start, span.end, f"article-view--md-{span.kind}") for span in texts.styles]
            self._layers["markup"] = SpanLayer(styles)
        else:
            self._layers.pop("markup", None)
        self._layers = {key: self._layers[key] for key in sorted(self._layers, key=self._layer_rank)}

    def on_resize(self) -> None:
        if self._layout is None or self._layout.width != self._text_width:
            self._prepare(self.position)
        else:
            if self.margin != self._drawn_margin:  # Wider or narrower, with lines as long as before.
                self.redraw()
            # Only taller or shorter (the word or note line came or went): drawn rows stay as they are.
            self.post_message(self.Moved(self.position))  # How much of the article is in view changed.

    # -- drawing --------------------------------------------------------------------------------


    def render_line(self, y: int) -> Strip:
        if self._layout is None and self._busy and y == 0:
            base = self._styles.base
            note = Strip([Segment(" " * self.GUTTER + self._busy + "…", base + self._styles["article-view--meta"])])
            return note.crop_extend(0, self.scrollable_content_region.width, base)
        return super().render_line(y)

    @property
    def row_count(self) -> int:
        return len(self._layout) if self._layout is not None else 0

    def draw_row(self, index: int) -> Strip:
        self._drawn_margin = self.margin
        base = self._styles.base
        strip = self._render_layout_line(index, base)
        return Strip([Segment(" " * self.margin, base), *strip]) if self.margin else strip

    def _render_layout_line(self, index: int, base: Style) -> Strip:
        layout, texts = self._layout, self._texts
        assert layout is not None and texts is not None, "rows are drawn only once the article is laid out"
        line = layout.lines[index]
        if line.kind == BLANK:
            return Strip([], 0)
        source = texts.title if line.kind == TITLE else texts.meta if line.kind == META else texts.body
        text = shown(source[line.start : line.end])
        line_style = base + self._styles[f"article-view--{line.kind}"] if line.kind != "paragraph" else base
        if not line.in_body or not self._layers:
            return Strip([Segment(text.replace(HIDDEN, "") if HIDDEN in text else text, line_style)])
        return Strip(self._segments(line, text, line_style))

    def _segments(self, line: Line, text: str, line_style: Style) -> list[Segment]:
        spans = [span for layer in self._layers.values() for span in layer.overlapping(line.start, line.end)]
        if not spans:
            return [Segment(text.replace(HIDDEN, "") if HIDDEN in text else text, line_style)]
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
            part = text[left:right]
            if HIDDEN in part:  # Markdown markup: zero cells wide, drawn as nothing.
                part = part.replace(HIDDEN, "")
                if not part:
                    continue
            segments.append(Segment(part, style))
        return segments


def _shown_from(body: str, offset: int, step: int) -> int:
    """The first character from `offset` on (`step` 1) or back (-1) that is not hidden Markdown
    markup; `offset` itself if there is none that way."""
    position = offset
    while 0 <= position < len(body) and body[position] == HIDDEN:
        position += step
    return position if 0 <= position < len(body) else offset
