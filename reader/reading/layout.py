"""An article laid out as display lines of a given width.

Each line is a span of one of three texts: the title, the meta line (source, tags, length) or the
body. Body lines carry body offsets, so anything positioned by offset (highlights, hits,
annotations, the reading position) finds its line by bisection, at any width and in any script.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import NamedTuple

from reader.articles.corpus import Article
from reader.text.conversion import ORIGINAL, detect, display_text, in_script
from reader.text.decoding import UTF8
from reader.text.linebreak import wrap
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
            lines += [Line(block.kind, block.start + s, block.start + e) for s, e in wrap(text, width)]
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


def article_texts(article: Article, mode: str) -> Texts:
    if mode == ORIGINAL:  # No need to know the script (detecting it loads dictionaries).
        return Texts(mode, article.title, meta_line(article), article.body)
    original = article_script(article)
    meta, body = (display_text(text, mode, original) for text in (meta_line(article), article.body))
    title = in_script(article.title, mode)
    if len(body) != len(article.body):
        raise AssertionError("a script conversion changed the body's length")
    return Texts(mode, title, meta, body)


def article_script(article: Article) -> str:
    """SIMPLIFIED or TRADITIONAL, from the body (remembered per text)."""
    body = article.body
    script = _SCRIPTS.get(body)
    if script is None:
        script = _SCRIPTS[body] = detect(body)
        while len(_SCRIPTS) > 4096:
            _SCRIPTS.pop(next(iter(_SCRIPTS)))
    return script


def known_script(article: Article) -> str | None:
    """The article's script if it was worked out already, else None (detecting it loads
    dictionaries: nothing on the way to the first paint should)."""
    return _SCRIPTS.get(article.body)


_SCRIPTS: dict[str, str] = {}
