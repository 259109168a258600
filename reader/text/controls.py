"""Control characters in text from outside: the one rule for what may reach a terminal.

A page, feed, book or file can hold characters a terminal obeys instead of showing:
`ESC ]52;c;… BEL` writes the clipboard, `ESC ]0;… BEL` the window title, `ESC [2J` clears the
screen, U+009B is a one-character CSI, and the bidi overrides (U+202E) show text in another
order than it is stored. None of them is ever text a reader wants to see, so:

- `strip_controls` removes them: for what reader stores (library files, notes, tags);
- `visible_controls` shows each as a visible stand-in of the same length (`␛` for ESC, `�` for a
  C1 or bidi control), so every offset into the text still holds: for text read from files and
  for everything the CLI prints;
- `json_for_terminal` writes JSON with them escaped (`\\u001b`, `\\u009b`): the same data, safe to print.

Tab and newline are kept. Lone surrogates (from undecodable command-line bytes or a JSON
`"\\ud800"`) count too: they cannot be written as UTF-8 at all.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: C0 but tab and newline, DEL, C1, the Arabic letter mark, left-to-right and right-to-left marks,
#: the bidi embeddings, overrides and isolates, the interlinear annotation marks, the noncharacters
#: U+FFFE and U+FFFF (no XML file can hold them: one in a feed's tag made the OPML export
#: unreadable), lone surrogates.
UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb\ufffe\uffff\ud800-\udfff"
_UNSAFE_RE = re.compile(f"[{UNSAFE}]")
#: Each C0 control as its Control Pictures symbol (␀ … ␟), DEL as ␡; anything else as U+FFFD.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
REPLACEMENT = "\ufffd"


def has_controls(text: str) -> bool:
    return _UNSAFE_RE.search(text) is not None


def strip_controls(text: str) -> str:
    """`text` without any character a terminal would obey or that would hide text."""
    return _UNSAFE_RE.sub("", text) if _UNSAFE_RE.search(text) else text


def _picture(match: re.Match[str]) -> str:
    return _PICTURES.get(ord(match.group()), REPLACEMENT)


def visible_controls(text: str) -> str:
    """`text` with each such character replaced by a visible one: as long as `text`."""
    return _UNSAFE_RE.sub(_picture, text) if _UNSAFE_RE.search(text) else text


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_for_terminal(value: Any, **options: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, **options)` with every such character written as
    a `\\uXXXX` escape: JSON that means the same and prints safely. (They can only be inside
    strings, so escaping them never touches the JSON's own syntax.)"""
    return _UNSAFE_RE.sub(_escaped, json.dumps(value, ensure_ascii=False, **options))


def json_escaped_for_terminal(json_text: str) -> str:
    """JSON text (written with `ensure_ascii=False`) with those characters escaped, as
    `json_for_terminal` writes them: for JSON made a piece at a time, many pieces at once."""
    return _UNSAFE_RE.sub(_escaped, json_text)


__all__ = ["REPLACEMENT", "UNSAFE", "has_controls", "json_for_terminal", "json_escaped_for_terminal", "strip_controls",
           "visible_controls"]
