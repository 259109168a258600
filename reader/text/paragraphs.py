"""Split an article body into display blocks: paragraphs, headings and image captions.

News bodies often arrive as one line of thousands of characters. Blocks are a view: each is a
`(kind, start, end)` span of the untouched body, so every offset still points into the original.
Headings and captions glued into the running text are found by best-effort patterns; a miss only
changes how a few characters are styled, never the text.

Text hard-wrapped at a fixed width (a Markdown file, a mail) has its lines joined back into
paragraphs: a line as wide as the widest (within a quarter), ending mid-sentence, goes on in the
next one. The line break stays in the body; the view draws it as a space.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from reader.text.linebreak import quick_width

PARAGRAPH, HEADING, CAPTION = "paragraph", "heading", "caption"

def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """`start`-`end` without the white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


#: A paragraph is closed at the first sentence end after it has grown this long (characters).
PARAGRAPH_TARGET = 100

_SENTENCE_END_RE = re.compile(r"[。？！?!…]+[”’」』）)\]】]*")
# `01. 遲來者騰訊元寶` after a sentence end: two digits or one, a dot, then a space.
# `01. 遲來者騰訊元寶`, `3、…`, and with a leading zero also `02 “絕密項目”浮出水面` (no dot).
_NUMBERED_HEADING_RE = re.compile(r"(?:(?<=^)|(?<=[。？！?!”」』]))\s*(?:(?:0?\d|[1-9]\d)[.．、]|0[1-9])\s+")
_HEADING_CLOSERS = "?？!！。"
_HEADING_FINAL_PARTICLES = "了嗎吗呢吧"
_HEADING_MAX = 32
# Words that commonly open the paragraph right after a glued heading. A one-character one counts
# unless it ends a common word with the character before it (`意在`, `根據`).
_PARAGRAPH_OPENERS = ("隨著", "随着", "對於", "对于", "除了")
_SHORT_OPENERS = ("在", "從", "从", "當", "当", "據", "据")
_WORDS_ENDING_IN_AN_OPENER = frozenset(
    "意在 旨在 志在 重在 貴在 贵在 正在 現在 现在 存在 實在 实在 所在 內在 内在 外在 自在 好在 難在 难在 "
    "自從 自从 服從 服从 無從 无从 適從 适从 聽從 听从 "
    "應當 应当 相當 相当 適當 适当 正當 正当 妥當 妥当 充當 充当 擔當 担当 "
    "根據 根据 依據 依据 證據 证据 數據 数据 佔據 占據 占据".split()
)
_CAPTION_RE = re.compile(r"圖片來源[:：]|图片来源[:：]|圖源[:：]|图源[:：]|圖片由|图片由")
_CAPTION_ENDINGS = re.compile(
    r"網路|網絡|网络|視覺中國|视觉中国|報告|报告|官網|官网|截圖|截图|供圖|供图|媒體|媒体|生成|"
    r"Getty Images|IC|新華社|新华社|中新社|[A-Za-z]+(?= |$)"
)
_CAPTION_MAX = 24
_MD_HEADING_RE = re.compile(r"#{1,6}\s+")
#: Lines that stand alone even in hard-wrapped text: Markdown headings, list items, table rows,
#: quotes and code fences.
_STRUCTURE_RE = re.compile(r"\s*(?:#|[-*+]\s|\d+[.)]\s|\||>|```)")
_LIST_ITEM_RE = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")
#: Hard-wrapped text is wrapped at most this wide (cells); longer lines are paragraphs of their own.
_HARD_WRAP_MAX = 160
_SENTENCE_ENDS = "。！？!?.…”’」』"
_CLOSING_PUNCTUATION = "。，、；：？！.,;:?!…”’」』）)】》"


class Block(NamedTuple):
    kind: str
    start: int
    end: int


def split_blocks(body: str) -> list[Block]:
    """Blocks covering the body's visible text, in order."""
    lines = _joined_hard_wraps(body, [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", body)])
    standalone = len(lines) > 1
    blocks: list[Block] = []
    for index, (start, end) in enumerate(lines):
        start, end = strip_span(body, start, end)
        if start == end:
            continue
        marker = _MD_HEADING_RE.match(body, start, end)
        if marker and marker.end() < end:
            blocks.append(Block(HEADING, marker.end(), end))
        elif standalone and _looks_like_heading_line(body[start:end], lines, index, body):
            blocks.append(Block(HEADING, start, end))
        else:
            blocks.extend(_split_line(body, start, end))
    return blocks


def _joined_hard_wraps(body: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The lines, each hard-wrapped paragraph among them joined into one span."""
    if len(lines) < 2:
        return lines
    texts, widths, widest = [], [], 0
    for start, end in lines:
        text = body[start:end].rstrip()
        width = quick_width(text)
        if not _STRUCTURE_RE.match(text):
            if width > _HARD_WRAP_MAX:  # Not hard-wrapped text (news come a paragraph a line).
                return lines
            widest = max(widest, width)
        texts.append(text)
        widths.append(width)
    joined = [lines[0]]
    for (start, end), previous, previous_width, text in zip(lines[1:], texts, widths, texts[1:]):
        span_start, span_end = joined[-1]
        # A list item goes on in an indented line; other structure (headings, tables) never does.
        structure_goes_on = _LIST_ITEM_RE.match(body, span_start, span_end) and text[:1].isspace()
        if (
            start == span_end + 1  # The next line, not after a blank one.
            and previous_width >= widest * 3 // 4
            and previous[-1:] not in _SENTENCE_ENDS
            and not _STRUCTURE_RE.match(text)
            and (structure_goes_on or not _STRUCTURE_RE.match(body, span_start, span_end))
        ):
            joined[-1] = (span_start, end)
        else:
            joined.append((start, end))
    return joined


def _looks_like_heading_line(text: str, lines: list[tuple[int, int]], index: int, body: str) -> bool:
    """A short line with no closing punctuation before a real paragraph (`第 一 条`, `隐公元年`)."""
    if len(text) > 20 or text[-1] in _CLOSING_PUNCTUATION or index + 1 >= len(lines):
        return False
    if not any(char.isalnum() for char in text):
        return False
    following = body[lines[index + 1][0] : lines[index + 1][1]].strip()
    return len(following) >= 30


def _split_line(body: str, start: int, end: int) -> list[Block]:
    """Split one physical line at glued headings, captions and sentence ends."""
    specials = sorted(_numbered_headings(body, start, end) + _captions(body, start, end))
    blocks: list[Block] = []
    position = start
    for special_start, special_end, kind in specials:
        if special_start < position:
            continue
        blocks.extend(_paragraphs(body, position, special_start))
        blocks.append(Block(kind, special_start, special_end))
        position = special_end
    blocks.extend(_paragraphs(body, position, end))
    return blocks


def _paragraphs(body: str, start: int, end: int) -> list[Block]:
    """Paragraphs of at least PARAGRAPH_TARGET characters, closed at sentence ends."""
    start, end = strip_span(body, start, end)
    blocks = []
    paragraph_start = start
    for match in _SENTENCE_END_RE.finditer(body, start, end):
        if match.end() - paragraph_start >= PARAGRAPH_TARGET and match.end() < end:
            blocks.append(Block(PARAGRAPH, *strip_span(body, paragraph_start, match.end())))
            paragraph_start = match.end()
    paragraph_start, end = strip_span(body, paragraph_start, end)
    if paragraph_start < end:
        blocks.append(Block(PARAGRAPH, paragraph_start, end))
    return blocks


def _numbered_headings(body: str, start: int, end: int) -> list[tuple[int, int, str]]:
    found = []
    for match in _NUMBERED_HEADING_RE.finditer(body, start, end):
        heading_start = match.start() + len(match.group()) - len(match.group().lstrip())
        heading_end = strip_span(body, match.end(), _heading_end(body, match.end(), end))[1]
        while heading_end < end and body[heading_end] in _CLOSING_PUNCTUATION:  # Never `,` after a heading.
            heading_end += 1
        if heading_end > match.end():
            found.append((heading_start, heading_end, HEADING))
    return found


def _heading_end(body: str, text_start: int, limit: int) -> int:
    """Where a heading glued to its paragraph most likely stops.

    After its last `?` or `!` nearby (`發紅包有用嗎?會贏嗎?`), else after a sentence-final
    particle (`越來越捲了`) or before a word that opens paragraphs (`遲來者騰訊元寶|在…`).
    """
    window_end = min(limit, text_start + _HEADING_MAX)
    closers = [i + 1 for i in range(text_start, window_end) if body[i] in _HEADING_CLOSERS]
    if closers:
        return closers[-1]
    for position in range(text_start + 1, window_end):
        if body[position - 1] in _HEADING_FINAL_PARTICLES:
            return position
        if position - text_start >= 4 and _opens_paragraph(body, position):
            return position
    return next((i for i in range(text_start, window_end) if body[i] in "，,"), window_end)


def _opens_paragraph(body: str, position: int) -> bool:
    if body.startswith(_PARAGRAPH_OPENERS, position):
        return True
    return (
        body.startswith(_SHORT_OPENERS, position)
        and body[position - 1 : position + 1] not in _WORDS_ENDING_IN_AN_OPENER
    )


def _captions(body: str, start: int, end: int) -> list[tuple[int, int, str]]:
    found = []
    for match in _CAPTION_RE.finditer(body, start, end):
        caption_start = _caption_start(body, start, match.start())
        window_end = min(end, match.end() + _CAPTION_MAX)
        ending = _CAPTION_ENDINGS.search(body, match.end(), window_end)
        if ending:
            caption_end = ending.end()
        else:
            stop = re.compile(r"[，。,.；;！!？?]").search(body, match.end(), window_end)
            caption_end = stop.start() if stop else window_end
        found.append((caption_start, strip_span(body, caption_start, caption_end)[1], CAPTION))
    return found


def _caption_start(body: str, line_start: int, marker: int) -> int:
    """Include a description such as `豆包手機被拒絕訪問 ` written just before `圖源:`."""
    if marker == line_start or not body[marker - 1].isspace():
        return marker
    previous_end = None
    for match in _SENTENCE_END_RE.finditer(body, max(line_start, marker - 40), marker):
        previous_end = match.end()
    if previous_end is None:
        return marker
    return strip_span(body, previous_end, marker)[0]
