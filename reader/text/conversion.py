"""Simplified/Traditional script: detect it, convert between scripts, fold text for matching.

Every conversion used here keeps the length (character i of the output stands for character i of
the input), so offsets into the original body stay valid in any script. OpenCC's phrase modes that
change length (`s2twp`, `tw2sp`) are deliberately not used.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import cache, lru_cache

ORIGINAL, SIMPLIFIED, TRADITIONAL = "original", "simplified", "traditional"
MODES = (ORIGINAL, SIMPLIFIED, TRADITIONAL)

#: OpenCC configurations per target script. `tw2s` also folds Taiwan variants (裡, 著) first;
#: `s2tw` gives the Taiwan standard forms (為, 裡, 台) readers of the seed articles know.
_CONFIG = {SIMPLIFIED: "tw2s", TRADITIONAL: "s2tw"}
_converters: dict[str, object] = {}
_converter_lock = threading.Lock()


def _dictionary_dir() -> str:
    import opencc

    return os.path.join(os.path.dirname(opencc.__file__), "dictionary")


@cache
def _char_table(name: str) -> dict[str, str]:
    """One-character entries of an OpenCC dictionary, first candidate only."""
    table = {}
    with open(os.path.join(_dictionary_dir(), name), encoding="utf-8") as handle:
        for line in handle:
            key, _, values = line.rstrip("\n").partition("\t")
            value = values.split(" ")[0]
            if len(key) == 1 and len(value) == 1:
                table[key] = value
    return table


def _converter(target: str):
    with _converter_lock:
        if target not in _converters:
            import opencc

            _converters[target] = opencc.OpenCC(_CONFIG[target])
        return _converters[target]


#: Long texts are converted a piece at a time, cut at line ends (OpenCC never matches across them).
CHUNK = 20_000


def convert(text: str, target: str, progress: Callable[[int, int], None] | None = None) -> str:
    """`text` in the `target` script (SIMPLIFIED or TRADITIONAL), same length as `text`.

    `progress(done, total)` is called after each piece of a long text, in characters.
    """
    converter = _converter(target)
    pieces = []
    start = 0
    while start < len(text):
        end = len(text) if len(text) - start <= CHUNK else text.find("\n", start + CHUNK) + 1 or len(text)
        piece = text[start:end]
        converted = converter.convert(piece)
        if len(converted) != len(piece):  # Never seen; keep offsets valid whatever the library does.
            table = _char_table("TSCharacters.txt" if target == SIMPLIFIED else "STCharacters.txt")
            converted = "".join(table.get(char, char) for char in piece)
        pieces.append(converted)
        start = end
        if progress is not None:
            progress(start, len(text))
    return "".join(pieces)


def warm_up() -> None:
    """Load the conversion dictionaries and the fold table (a thread can do it after first paint)."""
    convert("", SIMPLIFIED)
    convert("", TRADITIONAL)
    _converter(SIMPLIFIED).convert("騰訊")
    _converter(TRADITIONAL).convert("腾讯")
    fold_table()


def detect(text: str, sample: int = 20_000, tie: str = SIMPLIFIED) -> str:
    """SIMPLIFIED or TRADITIONAL: which script's own characters the text uses more (`tie` if
    neither, as in a text of characters both share)."""
    traditional_only = _char_table("TSCharacters.txt")
    simplified_only = _char_table("STCharacters.txt")
    head = text[:sample]
    traditional = sum(1 for char in head if char in traditional_only and traditional_only[char] != char)
    simplified = sum(1 for char in head if char in simplified_only and simplified_only[char] != char)
    return TRADITIONAL if traditional > simplified else SIMPLIFIED if simplified > traditional else tie


def display_text(text: str, mode: str, original_script: str) -> str:
    """The text as the reader wants to see it: the original itself, never a double conversion."""
    if mode == ORIGINAL or mode == original_script:
        return text
    return convert(text, mode)


def in_script(text: str, mode: str) -> str:
    """A short text of its own (a title, a source, a quote) as the reader wants to see it: its
    own script detected, so text already in `mode` is never converted again (t2s on Simplified
    text turns 什么 into 什幺) and text in the other script always is."""
    return text if mode == ORIGINAL else display_text(text, mode, detect(text))


def mode_label(mode: str, original_script: str | None) -> str:
    """How the status bar names the script shown: 原文 (with the original's own script, once
    known), 简体 or 繁體."""
    if mode == ORIGINAL:
        return "原文" if original_script is None else f"原文·{'繁' if original_script == TRADITIONAL else '简'}"
    return "简体" if mode == SIMPLIFIED else "繁體"


def next_mode(mode: str, original_script: str) -> str:
    """The script `t` turns to on a text written in `original_script`: the other one, and from
    there back to the original. The mode that shows the original as it is (简体 on a Simplified
    text) is skipped: it looks like a key that did nothing."""
    other = TRADITIONAL if original_script == SIMPLIFIED else SIMPLIFIED
    return other if mode in (ORIGINAL, original_script) else ORIGINAL


#: Bump when folding changes, so a table kept on disk is made again.
FOLD_VERSION = 1


_FOLD_SOURCES = ("STCharacters.txt", "TSCharacters.txt", "TWVariantsRev.txt", "HKVariantsRev.txt")


@lru_cache(maxsize=1)
def fold_table() -> list[str]:
    """The fold table, from the cache folder when it was made from the OpenCC tables installed
    now (making it takes ~70 ms, a tenth of a `reader search`; reading it back a few). The file's
    first line names those tables with their size and time, so checking it imports nothing."""
    import json

    from reader.system import paths
    from reader.system.storage import atomic_write_text

    path = paths.cache_dir() / f"fold-table-{FOLD_VERSION}.txt"
    try:
        header, _, text = path.read_bytes().decode("utf-8", "surrogatepass").partition("\n")
        if len(text) == 0x10000 and all(_stamp(source) == stamp for source, stamp in json.loads(header)):
            return list(text)
    except (OSError, ValueError):
        pass
    table = _make_fold_table()
    sources = [os.path.join(_dictionary_dir(), name) for name in _FOLD_SOURCES]
    try:
        header = json.dumps([[source, _stamp(source)] for source in sources])
        atomic_write_text(path, header + "\n" + "".join(table), errors="surrogatepass")
    except OSError:
        pass  # Only the next start is slower.
    return table


def _stamp(path: str) -> list[int]:
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns]


def _make_fold_table() -> list[str]:
    """`str.translate` table that folds text for matching, one character to one character.

    A list indexed by code point, not a dict: translate then skips hashing, which makes folding
    2.3 times faster (17 million characters in about a second). Characters past U+FFFF stay as
    they are (an IndexError is a LookupError, which translate takes as "unchanged").

    Traditional and Simplified forms meet (via Traditional and back, so 着 and 著, 後 and 后 meet),
    Latin letters lose their case and full-width forms become ASCII (ＡＩ -> ai).
    """
    to_traditional = _char_table("STCharacters.txt")
    variants = {**_char_table("TWVariantsRev.txt"), **_char_table("HKVariantsRev.txt")}
    to_simplified = _char_table("TSCharacters.txt")

    def fold_char(char: str) -> str:
        if 0xFF01 <= ord(char) <= 0xFF5E:
            char = chr(ord(char) - 0xFEE0)
        elif char == "\u3000":
            char = " "
        lowered = char.lower()
        if len(lowered) == 1:
            char = lowered
        traditional = to_traditional.get(char, char)
        traditional = variants.get(traditional, traditional)
        return to_simplified.get(traditional, traditional)

    chars = set(to_traditional) | set(to_simplified) | set(variants)
    chars |= set(to_traditional.values()) | set(to_simplified.values()) | {chr(c) for c in range(0xFF01, 0xFF5F)}
    chars |= {chr(c) for c in range(0x41, 0x5B)} | {"\u3000"}
    chars |= {chr(c) for c in range(0xC0, 0x250) if len(chr(c).lower()) == 1}
    table = [chr(code) for code in range(0x10000)]
    for char in chars:
        folded = char
        for _ in range(4):  # Iterate to a fixed point so folding twice changes nothing.
            again = fold_char(folded)
            if again == folded:
                break
            folded = again
        if ord(char) < 0x10000:
            table[ord(char)] = folded
    return table


def fold(text: str) -> str:
    """Text folded for matching; same length, so a match's offsets are the original's."""
    return text.translate(fold_table())
