"""The article view: draws an article's document with Textual's Line API, and takes the keys and
the mouse that read it: the cursor and the selection, the mention keys, scrolling.

Only the visible lines are rendered, and each rendered line is cached, so a 600,000-character text
scrolls as fast as a short one. What the text is, where its lines break and what is drawn on it are
the document's (`reader.reading.document`); where the cursor goes is the navigator's; when the
document is prepared and where the view is scrolled, `DocumentView`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from reader.articles.corpus import Article
from reader.entities.mentions import Entity
from reader.reading.layers import Span
from reader.reading.layout import BLANK, Line
from reader.reading.navigation import jieba_splitter_if_ready
from reader.reading.navigator import Caret, Navigator
from reader.text.linebreak import shown
from reader.text.markdown import KINDS
from reader.ui.widgets.bindings import bindings_for
from reader.ui.widgets.document_view import DocumentView
from reader.ui.widgets.styles import entity_layer

__all__ = ["ArticleView", "Caret", "Span"]


class ArticleView(DocumentView, can_focus=True):
    """Shows one article; `show()` it, read `position` to know where the reader is, `caret` where
    the cursor and the selection are."""

    BINDINGS = bindings_for("article")
    ALLOW_SELECT = False  # Selection is ours, in body offsets (mouse and keys alike).
    MARKUP_STYLE = "article-view--md-{}"

    COMPONENT_CLASSES = {
        "article-view--title", "article-view--meta", "article-view--heading", "article-view--caption",
        "article-view--current", "article-view--hit", "article-view--cursor", "article-view--selection",
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

    @dataclass
    class CursorMoved(Message):
        """The reading cursor moved (or appeared, or went away), or the selection changed."""

        caret: Caret

    @dataclass
    class WordsNeeded(Message):
        """Word movement was asked for before jieba runs: start it (characters until then)."""

    caret: reactive[Caret] = reactive(Caret(), always_update=False, repaint=False)
    """The cursor and the selection's anchor; changing it redraws the rows the two touch."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._navigator: Navigator | None = None
        self.chosen_entity: str | None = None
        """The key of the entity the mention keys walk through (None: any entity)."""
        self._dragging = False

    def show(self, article: Article, offset: int = 0) -> None:
        if self.document is None or article is not self.document.article:  # The cursor stays behind.
            self.set_reactive(ArticleView.caret, Caret())
        super().show(article, offset)
        assert self.document is not None, "shown: the article has a document"
        if self._navigator is None or self._navigator.document is not self.document:
            self._navigator = Navigator(self.document)

    @property
    def current_mark(self) -> int | None:
        """Where the marked place (a hit or mention) starts, if there is one."""
        current = self.layer_spans("current")
        return current[0].start if current else None

    def mark(self, start: int, end: int) -> None:
        """Bring the text at `start`-`end` into view, mark it as the current place, put the cursor there."""
        self.scroll_to_offset(start, center=True)
        self.set_layer("current", [Span(start, end, "article-view--current")])
        self.move_cursor(start, extend=False)

    # -- entities -------------------------------------------------------------------------------

    def set_entities(self, entities: list[Entity], shown_types: frozenset[str]) -> None:
        """Highlight `entities` of the types in `shown_types` (empty: highlighting off)."""
        if self.document is not None:
            self.document.entities, self.document.shown_types = entities, shown_types
            self.set_layer("entities", [Span(e.start, e.end, entity_layer(e.type)) for e in entities
                                        if e.type in shown_types])

    @property
    def entities(self) -> list[Entity]:
        return self.document.entities if self.document else []

    def choose_entity(self, key: str | None) -> None:
        """Walk the mention keys through `key`'s mentions, starting at its first."""
        self.chosen_entity = key
        first = next((e for e in self.entities if e.key == key), None)
        if first is not None:
            self.mark(first.start, first.end)

    def action_mention(self, forward: bool, any_entity: bool = False) -> None:
        """Mark the next (or previous) mention of the chosen entity, or of any entity."""
        key = None if any_entity else self.chosen_entity
        offset = self.walked_from(forward)
        mention = self.document.mention(offset, forward=forward, key=key) if self.document else None
        if mention is None:
            self.app.bell()
        else:
            self.mark(mention.start, mention.end)

    def action_scroll(self, where: str) -> None:
        """Scroll at once, not animated (reading pages should feel instant)."""
        scrolls = {"down": self.scroll_down, "up": self.scroll_up, "page_down": self.scroll_page_down,
                   "page_up": self.scroll_page_up, "top": self.scroll_home, "bottom": self.scroll_end}
        scrolls[where](animate=False)

    def walked_from(self, forward: bool) -> int:
        """Where the keys that walk to the next (or previous) thing start from: the cursor while it
        is in view (a mention or hit walked to puts it there), else the top of the view."""
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        cursor = self._navigator.cursor_or_top(self.cursor, top, height) if self._navigator else None
        if cursor is not None and cursor == self.cursor:
            return cursor
        return self.position - 1 if forward else self.position

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
        if offset is not None and self._navigator is not None:
            offset = self._navigator.clamp(offset)
        self.caret = Caret(offset, None if offset is None or extend is False else self.caret.anchor)
        layout = self.document.layout if self.document else None
        if offset is not None and layout is not None:
            line = layout.line_of(offset)
            top, height = round(self.scroll_y), self.scrollable_content_region.height
            if not top <= line < top + height:
                self.scroll_to(y=max(0, line - height // 3), animate=False, immediate=True)

    def watch_caret(self, caret: Caret) -> None:
        cursor, selection = caret.cursor, caret.selection
        self.set_layer("cursor", [Span(cursor, cursor + 1, "article-view--cursor")] if cursor is not None else [])
        self.set_layer("selection", [Span(*selection, "article-view--selection")] if selection else [])
        self.post_message(self.CursorMoved(caret))
        self.refresh_bindings()  # What the key hints offer depends on the cursor.

    def offers(self, action_id: str) -> bool:
        """Whether the key hints offer this key where the reader is: the key that brings the
        cursor out until it is out, the one that deletes a note on a note."""
        if action_id == "article.cursor_right":
            return self.cursor is None
        if action_id == "article.delete_annotation":
            return self.cursor is not None and bool(self.spans_at("annotations", self.cursor))
        return True

    def set_layer(self, name: str, spans: list[Span]) -> None:
        super().set_layer(name, spans)
        if name == "annotations":
            self.refresh_bindings()  # A note may be under the cursor now, or no longer.

    def _step_cursor(self, move: Callable[[Navigator, int], int | None]) -> None:
        """Move the cursor by `move`; the first key puts it at the top of the view (if it is not in view)."""
        navigator = self._navigator
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        here = navigator.cursor_or_top(self.cursor, top, height) if navigator else None
        if navigator is None or here is None:
            return
        if self.cursor is None or here != self.cursor:
            self.move_cursor(here)
            self.notify("The cursor is at the top of the view: h l w W ( ) J K move it, v selects.",
                        title="Cursor", timeout=4)
            return
        target = move(navigator, here)
        if target is None:
            self.app.bell()
        else:
            self.move_cursor(target)

    def action_cursor(self, unit: str, forward: bool) -> None:
        """Move the cursor a "character", "word", "sentence" or "line" on (or back). Words are
        jieba's: if it has not started, ask for it and say so (a character is no word)."""
        splitter = jieba_splitter_if_ready() if unit == "word" else None
        if unit == "word" and splitter is None:
            self.post_message(self.WordsNeeded())
            self.notify("Loading word boundaries: w and W move by words in a moment.", title="Words", timeout=3)
            return
        moves: dict[str, Callable[[Navigator, int], int | None]] = {
            "character": lambda navigator, at: navigator.character(at, forward=forward),
            "word": lambda navigator, at: navigator.word(at, splitter, forward=forward) if splitter else None,
            "sentence": lambda navigator, at: navigator.sentence(at, forward=forward),
            "line": lambda navigator, at: navigator.line(at, forward=forward),
        }
        self._step_cursor(moves[unit])

    def action_toggle_selection(self) -> None:
        """Start a selection at the cursor (movement keys extend it), or drop the one there is."""
        top, height = round(self.scroll_y), self.scrollable_content_region.height
        here = self._navigator.cursor_or_top(self.cursor, top, height) if self._navigator else None
        if here is None:
            return
        if self.caret.anchor is None:
            self.caret = Caret(here, here)
        else:
            self.move_cursor(self.cursor, extend=False)

    # -- the mouse ------------------------------------------------------------------------------

    def offset_at(self, x: int, y: int) -> int | None:
        """The body offset drawn at content coordinates (`x`, `y`), if a body line is there."""
        return self._navigator.offset_at(round(self.scroll_y) + y, x - self.margin) if self._navigator else None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = event.get_content_offset(self)
        target = self.offset_at(offset.x, offset.y) if offset else None
        if target is not None:
            self.focus()
            self._dragging = True
            self.capture_mouse()
            self.caret = Caret(target, target)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self) if self._dragging else None
        target = self.offset_at(offset.x, offset.y) if offset else None
        if target is not None and target != self.cursor:
            self.move_cursor(target)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
            if self.caret.anchor == self.cursor:  # A click, not a drag: a cursor, no selection.
                self.move_cursor(self.cursor, extend=False)

    # -- drawing --------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        if (self.document is None or self.document.layout is None) and self.preparing and y == 0:
            base = self._styles.base
            note = Strip([Segment(" " * self.GUTTER + self.preparing + "…", base + self._styles["article-view--meta"])])
            return note.crop_extend(0, self.scrollable_content_region.width, base)
        return super().render_line(y)

    def draw_row(self, index: int) -> Strip:
        assert self.document is not None, "rows are drawn only once the article is laid out"
        self._drawn_margin = margin = self.margin
        base = self._styles.base
        line, text = self.document.line_text(index)
        segments = [] if line.kind == BLANK else self._segments(line, shown(text), base)
        return Strip([Segment(" " * margin, base), *segments] if margin else segments)

    def _segments(self, line: Line, text: str, base: Style) -> list[Segment]:
        assert self.document is not None, "rows are drawn only once the article is laid out"
        line_style = base + self._styles[f"article-view--{line.kind}"] if line.kind != "paragraph" else base
        segments = []
        for part, styles in self.document.pieces(line, text):
            style = line_style
            for name in styles:
                style += self._styles[name]
            segments.append(Segment(part, style))
        return segments
