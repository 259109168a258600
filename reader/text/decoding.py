"""Text files in the encodings Chinese text comes in: UTF-8, UTF-16/32 with a byte-order mark,
GB18030 (which includes GBK and GB2312) and Big5.

UTF-8 and byte-order marks are certain. GB18030 and Big5 are not: GB18030 decodes nearly any
pair of bytes, Big5 many, so the bytes of one often decode in the other into rare characters.
Both are tried strictly, and the one whose text is mostly common Chinese characters (in either
script, `data/common-chars.txt`) wins; a file that neither explains clearly is refused by name
rather than shown as mojibake.
"""

from __future__ import annotations

import codecs
from functools import lru_cache
from pathlib import Path

UTF8 = "UTF-8"
#: Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_MARKS = [
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", UTF8),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
]
#: The legacy encodings tried, with the names shown for them. big5hkscs reads Big5 and the
#: Hong Kong additions.
_LEGACY = [("gb18030", "GB18030"), ("big5hkscs", "Big5")]
#: How much of the text must be common characters, ASCII or punctuation to trust a guess, and by
#: how much the winner must lead.
_TRUSTED = 0.8
_LEAD = 0.1
_SAMPLE = 20_000


class DecodeError(ValueError):
    """The bytes are not text in an encoding reader reads; the message says why."""


def decode(data: bytes) -> tuple[str, str]:
    """The text of a file's bytes, newlines normalised, and the name of its encoding."""
    if not data or data.isspace():  # isspace stops at the first other byte; strip copies it all.
        raise DecodeError("the file is empty")
    for mark, codec, name in _MARKS:
        if data.startswith(mark):
            try:
                return _normalised(data.decode(codec)), name
            except UnicodeDecodeError as error:
                raise DecodeError(f"not {name} text, though it starts like it ({error.reason})") from None
    if b"\x00" in data[:8192]:
        raise DecodeError("a binary file, not text")
    try:
        return _normalised(data.decode("utf-8")), UTF8
    except UnicodeDecodeError as error:
        utf8_error = error
    scored = []
    for codec, name in _LEGACY:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        scored.append((_plausibility(text), text, name))
    scored.sort(key=lambda item: item[0], reverse=True)
    if scored and scored[0][0] >= _TRUSTED and (len(scored) == 1 or scored[0][0] - scored[1][0] >= _LEAD):
        return _normalised(scored[0][1]), scored[0][2]
    if scored:
        tried = ", ".join(f"{name} {score:.0%}" for score, _, name in scored)
        raise DecodeError(f"cannot tell its encoding (not UTF-8; common Chinese text as {tried})")
    raise DecodeError(f"not UTF-8, GB18030 or Big5 text (byte 0x{data[utf8_error.start]:02x} at offset "
                      f"{utf8_error.start} is not UTF-8)")


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _plausibility(text: str) -> float:
    """The share of the text's characters that ordinary Chinese prose is made of."""
    sample = text[:_SAMPLE]
    common = _common_characters()
    counted = good = 0
    for character in sample:
        if character.isspace():
            continue
        counted += 1
        if character in common or character.isascii() or _is_punctuation(character):
            good += 1
    return good / counted if counted else 0.0


def _is_punctuation(character: str) -> bool:
    return "\u3000" <= character <= "\u303f" or "\uff00" <= character <= "\uffef" or "\u2010" <= character <= "\u2027"


@lru_cache(maxsize=1)
def _common_characters() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "common-chars.txt"
    return frozenset(path.read_text(encoding="utf-8").strip())
