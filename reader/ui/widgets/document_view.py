"""The view of an article's document (`reader.reading.document`): it is prepared for the view's
script and width (a long article in a worker thread, a preview shown meanwhile), the reading position
is kept through a new script or width, and the rows a layer changes are drawn again.

`ArticleView` draws the document and takes the keys and the mouse that read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.worker import get_current_worker

from reader.articles.corpus import Article
from reader.reading.document import ArticleDocument, Kept, Prepared
from reader.reading.layers import Span
from reader.reading.layout import Line, Texts
from reader.text.conversion import ORIGINAL
from reader.text.linebreak import HANG
from reader.ui.messages import Busy
from reader.ui.widgets.lines import LineView


class DocumentView(LineView):
    """Shows one article's document; `show()` it, read `position` to know where the reader is."""

    #: The longest line, in cells: about 45 characters, beyond which Chinese text tires the eye.
    MAX_MEASURE = 90
    #: Blank cells left of the text at the least.
    GUTTER = 2
    #: Up to this many spans changed, only their rows are drawn again.
    FEW_SPANS = 64
    #: The style name of Markdown markup of a kind (`{}`).
    MARKUP_STYLE = "md-{}"

    @dataclass
    class Moved(Message):
        """The reading position changed (scrolled, resized or a new article)."""

        position: int
        """Body offset of the first line in view."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, DocumentView.Moved)  # Only where scrolling ends matters.

    @dataclass
    class TextShown(Message):
        """Another text is shown: another article, or this one in another script (the part in
        view first, for a long one); what is drawn from the text (a word, a name) follows it."""

    script_mode: reactive[str] = reactive(ORIGINAL)
    """Show the original text, or the article converted to SIMPLIFIED or TRADITIONAL."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.document: ArticleDocument | None = None
        self._kept = Kept()
        self._pending_offset = 0
        self.preparing: str | None = None
        """What long preparation is under way (said on screen while nothing is shown yet), or None."""
        self._drawn_margin = 0

    # -- what to show ---------------------------------------------------------------------------

    def show(self, article: Article, offset: int = 0) -> None:
        """Show `article` with body `offset` at the top of the view."""
        if self.document is None or article is not self.document.article:  # Another article, or reloaded.
            self.document = ArticleDocument(article, self._kept, markup_style=self.MARKUP_STYLE)
        self._prepare(offset)

    def watch_script_mode(self) -> None:
        if self.document is not None:
            self._prepare(self.position)

    @property
    def article(self) -> Article | None:
        return self.document.article if self.document else None

    @property
    def texts(self) -> Texts | None:
        """What the view shows now: title, meta line and body in the current script."""
        return self.document.texts if self.document else None

    @property
    def layout_lines(self) -> list[Line]:
        layout = self.document.layout if self.document else None
        return layout.lines if layout else []

    @property
    def position(self) -> int:
        """Body offset of the first line in view: the reading position."""
        layout = self.document.layout if self.document else None
        return layout.offset_of(round(self.scroll_y)) if layout else self._pending_offset

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
        layout = self.document.layout if self.document else None
        if layout is None:
            self._pending_offset = offset
            return
        line = layout.line_of(offset)
        if center:
            line = max(0, line - self.scrollable_content_region.height // 3)
        elif line == layout.first_body_line:
            line = 0  # The top of the article: keep the title in view.
        self.scroll_to(y=line, animate=False, immediate=True)

    # -- layers ---------------------------------------------------------------------------------

    def set_layer(self, name: str, spans: list[Span]) -> None:
        """Draw `spans` (body offsets) in their styles (component classes, or a palette name of
        `styles.py`); replaces the layer `name`."""
        if self.document is not None:
            self._redraw_spans(self.document.layers.set(name, spans))

    def add_to_layer(self, name: str, spans: list[Span]) -> None:
        """Draw `spans` too, in a layer that arrives in pieces."""
        if self.document is not None:
            self._redraw_spans(self.document.layers.add(name, spans))

    def _redraw_spans(self, changed: list[Span]) -> None:
        """Draw again the rows of the spans that changed, all rows if they are many."""
        document = self.document
        if document is None or document.layout is None or len(changed) > self.FEW_SPANS:
            self.redraw()
        else:
            self.redraw_rows(row for span in changed for row in document.rows_of(span.start, span.end))

    def layer_spans(self, name: str) -> list[Span]:
        """The spans drawn in layer `name` (see `Layers.ORDER`), by start."""
        return self.document.layers.spans(name) if self.document else []

    def spans_at(self, name: str, offset: int) -> list[Span]:
        """The spans of layer `name` that hold body `offset`."""
        return self.document.layers.at(name, offset) if self.document else []

    # -- preparing ------------------------------------------------------------------------------

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
        """Prepare the document for the current script and width, then show it. A long article is
        prepared in a thread, the part around the reading position shown at once in the new
        script and width (the old text stayed up to 3 s on a 600,000-character text)."""
        document, mode, width = self.document, self.script_mode, self._text_width
        if document is None or width <= 2:
            self._pending_offset = offset
            return
        if not document.long or document.kept_for(mode, width):
            self._install(document, document.prepare(mode, width), offset)
            return
        self._pending_offset = offset
        self.preparing = f"Preparing {document.article.length:,} characters"
        self.post_message(Busy("view", self.preparing))
        self._install(document, document.preview(mode, width, self.position if document.layout else offset), offset)
        self.refresh()
        self._prepare_in_background(document, mode, width, offset)

    @work(thread=True, exclusive=True, group="prepare")
    def _prepare_in_background(self, document: ArticleDocument, mode: str, width: int, offset: int) -> None:
        prepared = document.prepare(mode, width)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._install, document, prepared, offset)

    def _install(self, document: ArticleDocument, prepared: Prepared, offset: int) -> None:
        if document is not self.document:
            return  # Another article was opened meanwhile.
        if (prepared.texts.mode, prepared.layout.width) != (self.script_mode, self._text_width):
            self._prepare(offset)  # Something changed while this was prepared.
            return
        header_line = None
        if document.layout is not None:  # Keep what the reader sees now; they may have scrolled.
            top = round(self.scroll_y)
            if top <= document.layout.first_body_line:
                header_line = top
            offset = self.position
        before = document.prepared
        document.install(prepared)
        self.preparing = self.preparing if not prepared.whole else None
        self.virtual_size = Size(self.scrollable_content_region.width, len(prepared.layout))
        self.redraw()
        if header_line is not None and header_line <= prepared.layout.first_body_line:
            self.scroll_to(y=header_line, animate=False, immediate=True)
        else:
            self.scroll_to_offset(offset)
        self.post_message(self.Moved(self.position))
        if before is None or not before.whole or before.texts.mode != prepared.texts.mode:
            self.post_message(self.TextShown())
        if prepared.whole:
            self.post_message(Busy("view", None))

    def on_resize(self) -> None:
        if self.document is None or not self.document.shows(self.script_mode, self._text_width):
            self._prepare(self.position)
        else:
            if self.margin != self._drawn_margin:  # Wider or narrower, with lines as long as before.
                self.redraw()
            # Only taller or shorter (the word or note line came or went): drawn rows stay as they are.
            self.post_message(self.Moved(self.position))  # How much of the article is in view changed.

    @property
    def row_count(self) -> int:
        layout = self.document.layout if self.document else None
        return len(layout) if layout is not None else 0
