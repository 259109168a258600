"""Markdown shown as text: the markup hidden, emphasis, links, images and code styled.

Nothing moves: `parse()` finds the markup characters of a Markdown text (`**`, `[`, `](url)`,
`## `, `> ` …) and the spans they style, all in code-point offsets into the untouched source.
`hide()` replaces the markup characters by `HIDDEN`, a zero-width character, so the display text
is exactly as long as the source and every offset (highlights, search hits, annotations, the
cursor) stays valid; lines are measured and drawn without the hidden characters.

The common subset: ATX headings (`#` … `######`), `**`/`__` bold, `*`/`_` italic, `` `code` ``,
fenced code blocks, inline links `[text](url)`, images `![alt](src)`, autolinks `<http://…>`,
block quotes `>`, backslash escapes. List markers, tables and rules stay as they are written.
A delimiter is markup only if it pairs up: a lone `*`, `2*3*4` or `snake_case` is text. Emphasis
follows CommonMark's flanking rules, loosened next to CJK characters (`**「引」**文` is bold).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from reader.text.paragraphs import CAPTION, Block

#: Stands in the display text for a hidden markup character: zero cells wide.
HIDDEN = "\u200b"

BOLD, ITALIC, CODE, LINK, IMAGE, QUOTE = "bold", "italic", "code", "link", "image", "quote"
KINDS = (BOLD, ITALIC, CODE, LINK, IMAGE, QUOTE)

MARKDOWN_SUFFIXES = (".md", ".markdown")


class Span(NamedTuple):
    start: int
    end: int
    kind: str


class Markup(NamedTuple):
    hidden: tuple[tuple[int, int], ...]
    """Sorted, disjoint (start, end) ranges of markup characters."""
    spans: tuple[Span, ...]
    """Styled text: (start, end, kind), kind one of KINDS; they may nest."""

    @property
    def hidden_count(self) -> int:
        return sum(end - start for start, end in self.hidden)


def is_markdown(path: str) -> bool:
    """Whether the file at `path` is Markdown, by its suffix."""
    return path.lower().endswith(MARKDOWN_SUFFIXES)


def hide(text: str, markup: Markup) -> str:
    """`text` with its markup characters replaced by HIDDEN: as long as `text`."""
    if not markup.hidden:
        return text
    parts, position = [], 0
    for start, end in markup.hidden:
        parts += [text[position:start], HIDDEN * (end - start)]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def plain(text: str) -> str:
    """The text a reader sees in a line of Markdown (a heading made title): its markup left out."""
    return hide(text, parse(text)).replace(HIDDEN, "")


def shown_length(text: str) -> int:
    """Characters of a Markdown text the reader sees (markup not counted)."""
    return len(text) - parse(text).hidden_count


def refine_blocks(blocks: list[Block], display: str, spans: Iterable[Span]) -> list[Block]:
    """Blocks of a Markdown body, given its display text and styled spans: each without hidden
    characters at either end (none left: no block), and a block that is nothing but images a caption."""
    images = [span for span in spans if span.kind == IMAGE]
    refined = []
    for block in blocks:
        start, end = block.start, block.end
        while start < end and (display[start] == HIDDEN or display[start].isspace()):
            start += 1
        while end > start and (display[end - 1] == HIDDEN or display[end - 1].isspace()):
            end -= 1
        if start == end:
            continue
        kind = block.kind
        if images and _only_images(display, start, end, images):
            kind = CAPTION
        refined.append(Block(kind, start, end))
    return refined


def _only_images(display: str, start: int, end: int, images: list[Span]) -> bool:
    inside = [image for image in images if image.start < end and image.end > start]
    if not inside:
        return False
    position = start
    for image in inside:
        if display[position : max(position, image.start)].replace(HIDDEN, "").strip():
            return False
        position = max(position, image.end)
    return not display[position:end].replace(HIDDEN, "").strip()


# -- parsing ------------------------------------------------------------------------------------

_FENCE_RE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
_HEADING_RE = re.compile(r"[ \t]*(#{1,6})(?:[ \t]+|$)")
_CLOSING_HASHES_RE = re.compile(r"[ \t]+#+[ \t]*$|^#+[ \t]*$")
_QUOTE_RE = re.compile(r"[ \t]{0,3}>[ \t]?(?:>[ \t]?)*")
#: A line that starts an inline chunk of its own: a list item or a table row.
_ITEM_RE = re.compile(r"[ \t]*(?:[-*+][ \t]|\d+[.)][ \t]|\|)")
_ESCAPE_OR_CODE_RE = re.compile(r"\\[!-/:-@\[-`{-~]|`+")
_AUTOLINK_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>")
_LINK_RE = re.compile(
    r"(!?)\[((?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*)\]"  # [text], one level of brackets inside
    r"\([ \t]*(?:<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"  # (destination
    r"(?:[ \t\n]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*\)"  # "title")
)
_DELIMITER_RE = re.compile(r"\*+|_+")
_PROTECTED = "\x00"


def parse(text: str) -> Markup:
    """The markup of a Markdown text and the spans it styles."""
    parser = _Parser(text)
    parser.run()
    return parser.result()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.hidden: list[tuple[int, int]] = []
        self.spans: list[Span] = []
        self.protected: list[tuple[int, int]] = []  # Per chunk: not markup, whatever it looks like.
        self.chunk_hidden = 0  # Where the current chunk's hidden ranges start in `hidden`.

    def result(self) -> Markup:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(self.hidden):
            if start >= end:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return Markup(tuple(merged), tuple(sorted(self.spans)))

    def hide(self, start: int, end: int) -> None:
        self.hidden.append((start, end))

    def run(self) -> None:
        text = self.text
        lines, position = [], 0
        for line in text.split("\n"):
            lines.append((position, position + len(line)))
            position += len(line) + 1
        chunk: tuple[int, int] | None = None
        fence: str | None = None
        for start, end in lines:
            line = text[start:end]
            if fence is not None:  # Inside a fenced code block: text as it is, drawn as code.
                closing = _FENCE_RE.match(line)
                if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence) \
                        and not line[closing.end() :].strip():
                    self.hide(start, end)
                    fence = None
                elif line.strip():
                    self.spans.append(Span(start, end, CODE))
                continue
            opening = _FENCE_RE.match(line)
            if opening and not (opening.group(1)[0] == "`" and "`" in line[opening.end() :]):
                chunk = self._inline_chunk(chunk)
                fence = opening.group(1)
                self.hide(start + opening.start(1), end)
                continue
            if not line.strip():
                chunk = self._inline_chunk(chunk)
                continue
            heading = _HEADING_RE.match(line)
            if heading:
                chunk = self._inline_chunk(chunk)
                content_end = end
                closing_hashes = _CLOSING_HASHES_RE.search(line, heading.end())
                if closing_hashes:
                    content_end = start + closing_hashes.start()
                self.hide(start + heading.start(1), start + heading.end())
                self.hide(content_end, end)
                self._inline(start + heading.end(), content_end)
                continue
            quote = _QUOTE_RE.match(line)
            if quote:
                chunk = self._inline_chunk(chunk)
                marker_start = start + len(line) - len(line.lstrip(" \t"))
                self.hide(marker_start, start + quote.end())
                if start + quote.end() < end:
                    self.spans.append(Span(start + quote.end(), end, QUOTE))
                self._inline(start + quote.end(), end)
                continue
            if chunk is not None and _ITEM_RE.match(line):
                chunk = self._inline_chunk(chunk)
            chunk = (chunk[0] if chunk else start, end)
        self._inline_chunk(chunk)

    def _inline_chunk(self, chunk: tuple[int, int] | None) -> tuple[int, int] | None:
        """Parse the inline markup of the paragraph gathered so far; the next one starts empty."""
        if chunk is not None:
            self._inline(*chunk)
        return None

    # -- inline ---------------------------------------------------------------------------------

    def _inline(self, start: int, end: int) -> None:
        """Code spans, escapes, links, images and emphasis in text[start:end] (a paragraph)."""
        if start >= end:
            return
        text = self.text
        self.protected = []
        self.chunk_hidden = len(self.hidden)
        position = start
        while True:
            match = _ESCAPE_OR_CODE_RE.search(text, position, end)
            if match is None:
                break
            if match.group()[0] == "\\":
                self.hide(match.start(), match.start() + 1)
                self.protected.append((match.start(), match.end()))
                position = match.end()
                continue
            ticks = match.group()
            closer = re.compile(rf"(?<!`){ticks}(?!`)").search(text, match.end(), end)
            if closer is None:  # No closing run: the backticks are text.
                self.protected.append(match.span())
                position = match.end()
                continue
            self.hide(*match.span())
            self.hide(*closer.span())
            if closer.start() > match.end():
                self.spans.append(Span(match.end(), closer.start(), CODE))
            self.protected.append((match.start(), closer.end()))
            position = closer.end()
        for match in _AUTOLINK_RE.finditer(text, start, end):
            if not self._is_protected(match.start(), match.end()):
                self.hide(match.start(), match.start() + 1)
                self.hide(match.end() - 1, match.end())
                self.spans.append(Span(match.start() + 1, match.end() - 1, LINK))
                self.protected.append(match.span())
        self._links(start, end, depth=0)
        self._emphasis(start, end)

    def _is_protected(self, start: int, end: int) -> bool:
        return any(p_start < end and p_end > start for p_start, p_end in self.protected)

    def _links(self, start: int, end: int, depth: int) -> None:
        text = self.text
        for match in _LINK_RE.finditer(text, start, end):
            text_start, text_end = match.span(2)
            if self._is_protected(match.start(), text_start) or self._is_protected(text_end, match.end()):
                continue
            self.hide(match.start(), text_start)
            self.hide(text_end, match.end())
            self.protected += [(match.start(), text_start), (text_end, match.end())]
            if text_end > text_start:
                self.spans.append(Span(text_start, text_end, IMAGE if match.group(1) else LINK))
            if depth == 0:
                self._links(text_start, text_end, depth + 1)  # An image in a link: `[![alt](img)](url)`.

    def _emphasis(self, start: int, end: int) -> None:
        """Pair `*` and `_` runs as CommonMark does (simplified), hide the pairs, style between."""
        text = self.text
        if "*" not in text[start:end] and "_" not in text[start:end]:
            return
        work = list(text[start:end])
        for p_start, p_end in self.protected:
            for index in range(max(p_start, start), min(p_end, end)):
                work[index - start] = _PROTECTED
        for h_start, h_end in self.hidden[self.chunk_hidden :]:
            for index in range(max(h_start, start), min(h_end, end)):
                work[index - start] = _PROTECTED
        masked = "".join(work)
        stack: list[list] = []  # [char, start, count, can_open, can_close, length] of each opener.
        for match in _DELIMITER_RE.finditer(masked):
            run = match.group()
            run_start = start + match.start()
            before = masked[match.start() - 1] if match.start() > 0 else "\n"
            after = masked[match.end()] if match.end() < len(masked) else "\n"
            can_open, can_close = _flanking(run[0], before, after)
            count, position = len(run), run_start
            if can_close:
                while count:
                    found = _opener(stack, run[0], len(run), can_open)
                    if found is None:
                        break
                    opener = stack[found]
                    use = 2 if count >= 2 and opener[2] >= 2 else 1
                    content_start = opener[1] + opener[2]
                    opener[2] -= use
                    self.hide(opener[1] + opener[2], content_start)
                    self.hide(position, position + use)
                    self.spans.append(Span(content_start, position, BOLD if use == 2 else ITALIC))
                    position += use
                    count -= use
                    del stack[found + 1 :]
                    if opener[2] == 0:
                        del stack[found]
            if count and can_open:
                stack.append([run[0], position, count, can_open, can_close, len(run)])


def _opener(stack: list[list], char: str, length: int, closer_can_open: bool) -> int | None:
    for index in range(len(stack) - 1, -1, -1):
        opener_char, _, _, _, opener_can_close, opener_length = stack[index]
        if opener_char != char:
            continue
        # CommonMark's rule of three: `*a**b*` pairs the single stars.
        if (opener_can_close or closer_can_open) and (opener_length + length) % 3 == 0 \
                and not (opener_length % 3 == 0 and length % 3 == 0):
            continue
        return index
    return None


def _flanking(char: str, before: str, after: str) -> tuple[bool, bool]:
    """Whether a run of `char` between `before` and `after` can open and can close emphasis."""
    if before.isascii() and before.isalnum() and after.isascii() and after.isalnum():
        return False, False  # `2*3*4`, `a*b`, `snake_case`: arithmetic and names, never emphasis.
    before_space, after_space = before.isspace(), after.isspace()
    before_punct, after_punct = _is_punctuation(before), _is_punctuation(after)
    # CJK text has no spaces around emphasis: a CJK character counts as a space would.
    left = not after_space and (not after_punct or before_space or before_punct or _is_cjk(before))
    right = not before_space and (not before_punct or after_space or after_punct or _is_cjk(after))
    if char == "*":
        return left, right
    return (left and (not right or before_punct)), (right and (not left or after_punct))


def _is_punctuation(char: str) -> bool:
    return char != _PROTECTED and unicodedata.category(char)[0] in "PS"


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return 0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7A3 or 0xF900 <= code <= 0xFAFF \
        or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x3FFFD
