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
_CJK_RANGES = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f\U00020000-\U0003ffff"
_OPEN = re.escape(OPENING)
_CLOSE = re.escape(CLOSING)
_WORD = rf"[^\s{_CJK_RANGES}{_OPEN}{_CLOSE}—]+(?:[.,:'’/\-][^\s{_CJK_RANGES}{_OPEN}{_CLOSE}—]+)*"
#: An unbreakable unit: opening punctuation, then a word, a dash run or one character,
#: then closing punctuation (even after a space); or a run of spaces (a break opportunity that is
#: never displayed).
_ATOM_RE = re.compile(rf"[{_OPEN}]*(?:{_WORD}|—+|\S)(?:\s*[{_CLOSE}])*|[{_OPEN}]+|\s+")


@lru_cache(maxsize=4096)
def _width(text: str) -> int:
    return cell_len(text)


_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U0001f300-\U0001faff\U00020000-\U0003fffd]"
)


def quick_width(text: str) -> int:
    """About the cells `text` takes: exact for CJK and ASCII, cheap enough for ten thousand titles.
    (Layout uses Rich's own measure; this one only sizes list rows, which clip what overflows.)"""
    return len(text) + len(_WIDE.findall(text))


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
                used += _width(atom)
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
