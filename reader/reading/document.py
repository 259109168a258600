"""An article made ready to read: its texts in a script, its blocks, its lines at a width, and the
layers drawn on it. The article view draws a document; everything here works without a view.

Preparing follows the core's pipeline in its one order: the texts in the script (`ShownText`), the
Markdown markup hidden (`with_markup`), the body split into blocks and fitted to the markup
(`split_blocks`, `article_blocks`), the lines laid out (`Layout`). What was prepared is kept
(`Kept`, shared by the documents one view shows), so a script or a width seen before costs nothing.
Preparing only reads what is kept, so it may run in a worker thread; `install` keeps the result and
is called by the thread that draws.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, NamedTuple, TypeVar

from reader.articles.corpus import Article
from reader.entities.mentions import Entity, next_mention
from reader.reading.layers import Layers, Span
from reader.reading.layout import BLANK, META, TITLE, Layout, Line, Texts, article_blocks, article_script, with_markup
from reader.reading.shown import ShownText
from reader.text.conversion import ORIGINAL, display_text
from reader.text.markdown import HIDDEN
from reader.text.paragraphs import Block, split_blocks

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class Recent(Generic[Key, Value]):
    """The last `size` values used, by key; read from a worker while the drawing thread writes."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[Key, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Key) -> Value | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Key, value: Value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


#: An article as it is now: its id, and the digest and length of what it was read from (a file
#: edited while reader runs keeps its id, and must not show what was prepared before).
Version = tuple[str, str | None, int]


class Kept:
    """What was prepared: blocks by article, texts by article and script, layouts by article,
    script and width."""

    def __init__(self) -> None:
        self.blocks: Recent[Version, list[Block]] = Recent(64)
        self.texts: Recent[tuple[Version, str], Texts] = Recent(64)
        self.layouts: Recent[tuple[Version, str, int], Layout] = Recent(16)


class Prepared(NamedTuple):
    texts: Texts
    blocks: list[Block]
    layout: Layout
    whole: bool = True
    """False for a preview: the lines around one place of a long article, the rest not laid out."""


class ArticleDocument:
    """One article, prepared for a script and a width (`prepare`, then `install`), with its layers
    and its entities."""

    #: Articles from this long (characters) are best prepared in the background, a preview shown meanwhile.
    BACKGROUND_FROM = 50_000
    #: Characters a long article's preview holds.
    PREVIEW = 20_000

    def __init__(self, article: Article, kept: Kept | None = None, *, markup_style: str = "md-{}") -> None:
        """`markup_style`: the style name a Markdown span of a kind is drawn in (`{}`: the kind)."""
        self.article = article
        self.kept = kept or Kept()
        self.markup_style = markup_style
        self.prepared: Prepared | None = None
        """What is shown now (None: nothing yet)."""
        self.layers = Layers()
        self.entities: list[Entity] = []
        self.shown_types: frozenset[str] = frozenset()
        """The entity types highlighted (and walked by the mention keys)."""

    @property
    def version(self) -> Version:
        article = self.article
        return article.id, article.stamp, article.length

    @property
    def texts(self) -> Texts | None:
        return self.prepared.texts if self.prepared else None

    @property
    def layout(self) -> Layout | None:
        return self.prepared.layout if self.prepared else None

    @property
    def long(self) -> bool:
        return self.article.length >= self.BACKGROUND_FROM

    def shows(self, mode: str, width: int) -> bool:
        """Whether what is installed is for this script and width."""
        return self.prepared is not None and (self.prepared.texts.mode, self.prepared.layout.width) == (mode, width)

    def kept_for(self, mode: str, width: int) -> bool:
        """Whether the whole article was prepared for this script and width before (preparing it
        again is instant)."""
        version = self.version
        return self.kept.texts.get((version, mode)) is not None and \
            self.kept.layouts.get((version, mode, width)) is not None

    def prepare(self, mode: str, width: int) -> Prepared:
        """The whole article for `mode` and `width` (safe in a thread: reads what is kept, never writes)."""
        article, kept, version = self.article, self.kept, self.version
        texts = kept.texts.get((version, mode)) or with_markup(article, ShownText(mode).texts(article))
        blocks = kept.blocks.get(version) or article_blocks(article, split_blocks(article.body), texts)
        layout = kept.layouts.get((version, mode, width))
        shown = self.prepared
        if layout is None and shown and shown.layout.width == width and shown.texts.body is texts.body:
            if (shown.texts.title, shown.texts.meta) == (texts.title, texts.meta):
                layout = shown.layout  # The same text: an original already in this script.
        if layout is None:
            layout = Layout(texts.title, texts.meta, texts.body, blocks, width)
        return Prepared(texts, blocks, layout)

    def preview(self, mode: str, width: int, offset: int) -> Prepared:
        """Just the lines around `offset`, quick to make while the whole is prepared."""
        article, body = self.article, self.article.body
        start, end = self.preview_range(offset)
        blocks = [Block(b.kind, b.start + start, b.end + start) for b in split_blocks(body[start:end])]
        part = body[start:end] if mode == ORIGINAL else display_text(body[start:end], mode, article_script(article))
        shown = ShownText(mode)
        texts = Texts(mode, shown.title(article), shown.meta(article), body[:start] + part + body[end:])
        texts = with_markup(article, texts, start, end)
        blocks = article_blocks(article, blocks, texts)
        return Prepared(texts, blocks, Layout(texts.title, texts.meta, texts.body, blocks, width), whole=False)

    def preview_range(self, offset: int) -> tuple[int, int]:
        """About `PREVIEW` characters around `offset`, from and to a paragraph's end where one is
        near (in a body of one long line, wherever: it was converted and laid out whole)."""
        body, size = self.article.body, self.PREVIEW
        low = max(0, offset - size // 4)
        newline = body.rfind("\n", max(0, low - size), low)
        start = newline + 1 if newline >= 0 else 0 if low <= size else low
        high = min(len(body), start + size)
        newline = body.find("\n", high, high + size)
        return start, newline if newline >= 0 else min(len(body), high)

    def install(self, prepared: Prepared) -> None:
        """Show `prepared` from now on (the drawing thread's call): kept unless it is a preview; its
        Markdown styles become the "markup" layer."""
        if prepared.whole:
            version, mode = self.version, prepared.texts.mode
            self.kept.blocks.put(version, prepared.blocks)
            self.kept.texts.put((version, mode), prepared.texts)
            self.kept.layouts.put((version, mode, prepared.layout.width), prepared.layout)
        self.prepared = prepared
        styles = prepared.texts.styles
        self.layers.set("markup", [Span(s.start, s.end, self.markup_style.format(s.kind)) for s in styles])

    # -- lines ----------------------------------------------------------------------------------

    def line_text(self, index: int) -> tuple[Line, str]:
        """Line `index` and the text it shows (from the title, the meta line or the body)."""
        assert self.prepared is not None, "lines exist once the article is prepared"
        texts = self.prepared.texts
        line = self.prepared.layout.lines[index]
        if line.kind == BLANK:
            return line, ""
        source = texts.title if line.kind == TITLE else texts.meta if line.kind == META else texts.body
        return line, source[line.start : line.end]

    def pieces(self, line: Line, text: str) -> list[tuple[str, list[str]]]:
        """`text`, line `line` as drawn, cut where the layers' spans start and end: each piece with
        the styles of the spans over it, in drawing order. Hidden Markdown markup is left out."""
        spans = self.layers.overlapping(line.start, line.end) if line.in_body else []
        if not spans:
            return [(text.replace(HIDDEN, "") if HIDDEN in text else text, [])]
        cuts = {0, len(text)}
        for span in spans:
            cuts.add(max(span.start - line.start, 0))
            cuts.add(min(span.end - line.start, len(text)))
        ordered = sorted(cuts)
        pieces = []
        for left, right in zip(ordered, ordered[1:]):
            part = text[left:right]
            if HIDDEN in part:  # Markdown markup: zero cells wide, drawn as nothing.
                part = part.replace(HIDDEN, "")
                if not part:
                    continue
            left_at, right_at = line.start + left, line.start + right
            pieces.append((part, [span.style for span in spans if span.start <= left_at and span.end >= right_at]))
        return pieces

    def rows_of(self, start: int, end: int) -> range:
        """The lines that show body `start`-`end`."""
        assert self.prepared is not None, "lines exist once the article is prepared"
        layout = self.prepared.layout
        return range(layout.line_of(start), layout.line_of(max(start, end - 1)) + 1)

    # -- entities -------------------------------------------------------------------------------

    def mention(self, offset: int, *, forward: bool, key: str | None) -> Entity | None:
        """The next (or previous) mention from `offset`: of `key`, else of any type highlighted."""
        visible = [e for e in self.entities if e.type in self.shown_types or e.key == key]
        return next_mention(visible, offset, forward=forward, key=key)
