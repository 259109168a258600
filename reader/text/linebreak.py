"""Line breaking for Chinese text in terminal cells.

Rich and Textual wrap only at spaces, which leaves half-empty lines in Chinese and lets lines start
with `，` or `。`. Here a line may break between any two CJK characters, Latin words stay whole
(unless wider than a line), and the usual rules of Chinese typesetting hold:

* closing punctuation (`，。、？！：；」』）》”`) never starts a line: it stays with the character
  before it, hanging up to `HANG` cells into the right margin when the line is otherwise full;
* opening punctuation (`「『（《“`) never ends a line: it moves down with the character after it.

`wrap()` returns code-point spans into the text, so the lines map straight back to body offsets.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import cell_len

#: Cells that closing punctuation may hang past the line width. Callers reserve them as a margin.
HANG = 2

CLOSING = "。，、；：？！.,;:?!…”’」』）)】》〉〕］]}｝%％‰°"
OPENING = "“‘「『（(【《〈〔［[{｛"
_OPEN = re.escape(OPENING)
_CLOSE = re.escape(CLOSING)
#: A character of a word kept whole (Latin, digits, Cyrillic…): anything below the CJK blocks, or
#: astral outside the CJK extensions, but spaces and punctuation. From U+2E80 up, the BMP breaks
#: between any two characters. (Small ranges on purpose: compiling a class walks every code point
#: in it, and this module is on the way to the first paint.)
_WORD_CHAR = rf"(?![\s{_OPEN}{_CLOSE}—])[\x00-\u2e7f\U00010000-\U0001ffff\U00040000-\U0010ffff]"
#: Word characters, and what joins them inside a word (3.5, 10:30, don't, a/b, e-mail).
_WORD = rf"(?:{_WORD_CHAR}|[.,:'’/\-])+"
#: An unbreakable unit: opening punctuation, then a word, a dash run or one character,
#: then closing punctuation (even after a space); or a run of spaces (a break opportunity that is
#: never displayed).
_ATOM_RE = re.compile(rf"[{_OPEN}]*(?:{_WORD}|—+|\S)(?:\s*[{_CLOSE}])*|[{_OPEN}]+|\s+")


@lru_cache(maxsize=4096)
def _width(text: str) -> int:
    return cell_len(text)


def shown(text: str) -> str:
    """`text` as it is drawn: a line break inside a paragraph (hard-wrapped text) is a space."""
    return text.replace("\n", " ")


def cells(text: str) -> int:
    """Cells `text` takes as it is drawn."""
    return _width(shown(text))


def _wide_table() -> bytes:
    """1 at each code point that takes two cells, for `str.translate` (a regex class this big
    costs milliseconds to compile; this costs a fraction of one)."""
    table = bytearray(0x40000)
    for first, last in (
        (0x1100, 0x115F), (0x2E80, 0x303E), (0x3041, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
        (0xA000, 0xA4CF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFF60),
        (0xFFE0, 0xFFE6), (0x1F300, 0x1FAFF), (0x20000, 0x3FFFD),
    ):
        table[first : last + 1] = b"\x01" * (last + 1 - first)
    return bytes(table)


_WIDE = _wide_table()


def quick_width(text: str) -> int:
    """About the cells `text` takes: exact for CJK and ASCII, cheap enough for ten thousand titles.
    (Layout uses Rich's own measure; this one only sizes list rows, which clip what overflows.)"""
    return len(text) + text.translate(_WIDE).count("\x01")


def _trailing_closing(atom: str) -> int:
    """Length of the closing punctuation (and spaces among it) ending an atom, never all of it."""
    count = 0
    while count < len(atom) - 1 and (atom[-1 - count] in CLOSING or atom[-1 - count].isspace()):
        count += 1
    return count


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Break `text` into lines no wider than `width` cells (plus hanging punctuation).

    Returns (start, end) spans into `text`; spaces at a break belong to no line.
    """
    width = max(width, 2)
    lines: list[tuple[int, int]] = []
    line_start: int | None = None
    line_end = 0
    used = 0
    position = 0
    for atom in _ATOM_RE.findall(text):
        start = position
        position += len(atom)
        if atom[0].isspace():
            if line_start is not None:
                used += cells(atom)
            continue
        atom_width = _width(atom)
        too_wide = atom_width > width and not _hangs(atom, atom_width, width)
        if line_start is None:
            line_start, used = start, 0
        elif not too_wide and used + atom_width > width and not _hangs(atom, atom_width, width - used):
            lines.append((line_start, line_end))
            line_start, used = start, 0
        if too_wide:
            # Wider than any line (a long word or URL): break it by character, from where we are.
            last_break = None
            for char_start in range(start, position):
                char = text[char_start]
                if used == 0 and char.isspace():
                    line_start = char_start + 1  # No line starts with a space.
                    continue
                char_width = _width(char)
                breakable = char not in CLOSING and text[char_start - 1] not in OPENING
                if breakable and char_start > line_start:
                    last_break = char_start
                if used + char_width > width and used:
                    hangs = char in CLOSING and used + char_width <= width + HANG
                    if breakable:
                        _close(lines, text, line_start, char_start)
                        line_start, used, last_break = char_start, 0, None
                        if char.isspace():
                            line_start = char_start + 1
                            continue
                    elif not hangs and last_break is not None:
                        # Cannot break here nor hang: carry what is glued to this character down.
                        _close(lines, text, line_start, last_break)
                        line_start = last_break
                        while text[line_start].isspace():
                            line_start += 1
                        used, last_break = _width(text[line_start:char_start]), None
                used += char_width
            line_end = position
            continue
        used += atom_width
        line_end = position
    if line_start is not None:
        lines.append((line_start, line_end))
    return lines


def _close(lines: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """End a line at `end`, less trailing spaces (an empty line is no line)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        lines.append((start, end))


def _hangs(atom: str, atom_width: int, room: int) -> bool:
    """Whether the atom fits if its closing punctuation hangs into the margin."""
    closing = _trailing_closing(atom)
    if not closing:
        return False
    punctuation_width = _width(atom[len(atom) - closing :])
    return atom_width - punctuation_width <= room and atom_width <= room + HANG


def clip(text: str, width: int, max_lines: int) -> list[str]:
    """At most `max_lines` wrapped lines of `text`, the last ending in `…` if text was cut."""
    lines = wrap(text, width - HANG)
    shown = [text[start:end] for start, end in lines[:max_lines]]
    if len(lines) > max_lines:
        last = shown[-1]
        while last and _width(last) + 1 > width:
            last = last[:-1]
        shown[-1] = last + "…"
    return shown
