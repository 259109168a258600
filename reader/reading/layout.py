"""An article laid out as display lines of a given width.

Each line is a span of one of three texts: the title, the meta line (source, tags, length) or the
body. Body lines carry body offsets, so anything positioned by offset (highlights, hits,
annotations, the reading position) finds its line by bisection, at any width and in any script.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from reader.articles.corpus import Article
from reader.text.conversion import ORIGINAL, detect, display_text, in_script
from reader.text.decoding import UTF8
from reader.text.linebreak import wrap
from reader.text.markdown import HIDDEN, Markup, Span, hide, is_markdown, parse, refine_blocks
from reader.text.paragraphs import Block

TITLE, META, BLANK = "title", "meta", "blank"
HEADER_KINDS = (TITLE, META)


class Line(NamedTuple):
    kind: str
    start: int
    end: int

    @property
    def in_body(self) -> bool:
        return self.kind not in HEADER_KINDS and self.kind != BLANK


class Layout:
    def __init__(self, title: str, meta: str, body: str, blocks: list[Block], width: int) -> None:
        self.width = width
        lines: list[Line] = [Line(TITLE, s, e) for s, e in wrap(title, width)]
        lines += [Line(META, s, e) for s, e in wrap(meta, width)]
        for block in blocks:
            lines.append(Line(BLANK, block.start, block.start))
            text = body[block.start : block.end]
            lines += [Line(block.kind, block.start + s, block.start + e) for s, e in wrap_shown(text, width)]
        self.lines = lines
        self._body_lines = [index for index, line in enumerate(lines) if line.in_body]
        self._body_starts = [lines[index].start for index in self._body_lines]

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def first_body_line(self) -> int:
        return self._body_lines[0] if self._body_lines else 0

    def line_of(self, offset: int) -> int:
        """Index of the body line that shows `offset` (or the nearest one before it)."""
        if not self._body_lines:
            return 0
        position = max(bisect_right(self._body_starts, offset) - 1, 0)
        return self._body_lines[position]

    def offset_of(self, index: int) -> int:
        """Body offset where line `index` starts; header and blank lines give the next body line's."""
        position = bisect_left(self._body_lines, index)
        if position < len(self._body_lines):
            return self.lines[self._body_lines[position]].start
        return self.lines[self._body_lines[-1]].end if self._body_lines else 0


def wrap_shown(text: str, width: int) -> list[tuple[int, int]]:
    """`wrap()` as the text is drawn: hidden Markdown markup (zero cells) is left out while the
    lines are broken, so it never glues to a word or carries punctuation to a line's start. A
    line starts and ends at a shown character; hidden ones at a break belong to no line."""
    if HIDDEN not in text:
        return wrap(text, width)
    kept = [index for index, char in enumerate(text) if char != HIDDEN]
    if not kept:
        return []
    visible = "".join(text[index] for index in kept)
    return [(kept[start], kept[end - 1] + 1) for start, end in wrap(visible, width)]


def meta_line(article: Article) -> str:
    """What the view shows under the title: source, tags, length, and the file's encoding when it
    is not UTF-8."""
    parts = [article.source] if article.source else []
    parts += [f"#{tag}" for tag in article.tags]
    parts.append(f"{article.length:,}字")
    if article.encoding != UTF8:
        parts.append(article.encoding)
    return " · ".join(parts)


class Texts(NamedTuple):
    """An article's title, meta line and body in one script; the body as long as the original."""

    mode: str
    title: str
    meta: str
    body: str
    styles: tuple[Span, ...] = ()
    """Markdown's emphasis, links, images, code and quotes in body offsets (`with_markup`)."""


def article_texts(article: Article, mode: str) -> Texts:
    if mode == ORIGINAL:  # No need to know the script (detecting it loads dictionaries).
        return Texts(mode, article.title, meta_line(article), article.body)
    body = display_text(article.body, mode, article_script(article))
    meta, title = shown_meta(article, mode), in_script(article.title, mode)
    if len(body) != len(article.body):
        raise AssertionError("a script conversion changed the body's length")
    return Texts(mode, title, meta, body)


def shown_meta(article: Article, mode: str) -> str:
    """The meta line as `article_texts` shows it, without converting the body."""
    meta = meta_line(article)
    return meta if mode == ORIGINAL else display_text(meta, mode, article_script(article))


def article_markup(article: Article) -> Markup | None:
    """The Markdown markup of an article from a Markdown file (remembered per text), else None."""
    if not is_markdown(article.path):
        return None
    return _remembered(_MARKUPS, article.body, parse, 64)


def with_markup(article: Article, texts: Texts, start: int = 0, end: int | None = None) -> Texts:
    """`texts` as the reader sees a Markdown article: the markup in body[start:end] (all of it by
    default) HIDDEN, the spans it styles in `styles`. Other articles' texts as they are."""
    if not is_markdown(article.path):
        return texts
    if start == 0 and end is None:
        markup = article_markup(article)
        assert markup is not None, "a Markdown article has markup, if none"
    else:
        part = parse(article.body[start:end])
        markup = Markup(tuple((s + start, e + start) for s, e in part.hidden),
                        tuple(Span(s + start, e + start, kind) for s, e, kind in part.spans))
    return texts._replace(body=hide(texts.body, markup), styles=markup.spans)


def article_blocks(article: Article, blocks: list[Block], texts: Texts) -> list[Block]:
    """`blocks` of the article's body fit to what `texts` shows: for Markdown, blocks never start or
    end with hidden markup, a block of hidden markup only is dropped, one of images is a caption."""
    if not is_markdown(article.path):
        return blocks
    return refine_blocks(blocks, texts.body, texts.styles)


def article_script(article: Article) -> str:
    """SIMPLIFIED or TRADITIONAL, from the body (remembered per text); a body of characters both
    scripts share is in its title's script."""
    return _remembered(_SCRIPTS, article.body, lambda body: detect(body, tie=detect(article.title)), 4096)


def known_script(article: Article) -> str | None:
    """The article's script if it was worked out already, else None (detecting it loads
    dictionaries: nothing on the way to the first paint should)."""
    return _SCRIPTS.get(article.body)


_SCRIPTS: dict[str, str] = {}
_MARKUPS: dict[str, Markup] = {}

_Found = TypeVar("_Found")


def _remembered(found: dict[str, _Found], body: str, work_out: Callable[[str], _Found], keep: int) -> _Found:
    """What `work_out(body)` gives, remembered for the last `keep` bodies worked out."""
    if body not in found:
        found[body] = work_out(body)
        while len(found) > keep:
            found.pop(next(iter(found)))
    return found[body]
