"""Pinyin as CC-CEDICT writes it (tone numbers: `Ma3 Hua4 teng2`, `lu:e4`, `r5`) shown three ways:
tone marks (`Mǎ Huà téng`), tone numbers (`Ma3 Hua4 teng2`, ü spelt out) and zhuyin (`ㄇㄚˇ`).

A syllable is one space-separated token ending in a tone digit 1-5; anything else in the string
(`C` of 3C, `,`, `·`, `xx`) is passed through as it is, so a name or a Latin letter never breaks.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class PinyinStyle(StrEnum):
    """How pinyin is shown; the value is what settings and `--pinyin` store."""

    MARKS = "marks"
    NUMBERS = "numbers"
    ZHUYIN = "zhuyin"


STYLES = tuple(style.value for style in PinyinStyle)

_SYLLABLE = re.compile(r"^([A-Za-zÜüÊê:]+)([1-5])$")
#: Combining marks for tones 1-4, composed with their vowel by NFC (a + ̌ = ǎ, ü + ̀ = ǜ, m + ́ = ḿ).
_TONE_MARKS = {"1": "\u0304", "2": "\u0301", "3": "\u030c", "4": "\u0300"}
_MARK_TONES = {mark: tone for tone, mark in _TONE_MARKS.items()}
_VOWELS = "aeiouüê"


def _u_umlaut(letters: str) -> str:
    """CC-CEDICT writes ü as `u:` (pypinyin as `v`)."""
    return letters.replace("u:", "ü").replace("U:", "Ü").replace("v", "ü").replace("V", "Ü")


def _split(token: str) -> tuple[str, str] | None:
    """(letters with ü, tone digit) of a syllable, None for anything else."""
    found = _SYLLABLE.match(token)
    if found is None:
        return None
    return _u_umlaut(found.group(1)), found.group(2)


def _mark_position(letters: str) -> int | None:
    """Where the tone mark goes: on a or e if there is one, on the o of `ou`, else on the last
    vowel; a syllable without vowels (m, n, ng, hm) carries it on its m or n."""
    lower = letters.lower()
    for vowel in ("a", "e", "ê"):
        if vowel in lower:
            return lower.index(vowel)
    if "ou" in lower:
        return lower.index("ou")
    for index in range(len(lower) - 1, -1, -1):
        if lower[index] in _VOWELS:
            return index
    for consonant in ("m", "n"):
        if consonant in lower:
            return lower.index(consonant)
    return None


def syllable_to_marks(token: str) -> str:
    """One syllable with a tone mark: `lu:e4` -> `lüè`, `er2` -> `ér`, `r5` -> `r`, `Ma3` -> `Mǎ`."""
    split = _split(token)
    if split is None:
        return token
    letters, tone = split
    position = _mark_position(letters)
    if tone == "5" or position is None:
        return letters
    marked = letters[: position + 1] + _TONE_MARKS[tone] + letters[position + 1 :]
    return unicodedata.normalize("NFC", marked)


def to_marks(numbers: str) -> str:
    """Tone numbers to tone marks, syllable by syllable (`Ma3 Hua4 teng2` -> `Mǎ Huà téng`)."""
    return " ".join(syllable_to_marks(token) for token in numbers.split())


def to_numbers(numbers: str) -> str:
    """Tone numbers as a reader wants them: ü instead of `u:`, otherwise as CC-CEDICT has them."""
    return " ".join(_u_umlaut(token) if _split(token) else token for token in numbers.split())


def marks_to_numbers(marked: str) -> str:
    """Tone marks back to CC-CEDICT's numbers (`lüè` -> `lu:e4`, `ma` -> `ma5`): what a user types
    or pypinyin gives in marks, made comparable with the dictionary's pinyin."""
    out = []
    for token in marked.split():
        decomposed = unicodedata.normalize("NFD", token)
        tone = "5"
        letters = []
        for char in decomposed:
            if char in _MARK_TONES:
                tone = _MARK_TONES[char]
            else:
                letters.append(char)
        plain = unicodedata.normalize("NFC", "".join(letters))
        if not plain or not all(char.isascii() and char.isalpha() or char in "üÜêÊ" for char in plain):
            out.append(token)
            continue
        out.append(plain.replace("ü", "u:").replace("Ü", "U:") + tone)
    return " ".join(out)


# -- zhuyin ----------------------------------------------------------------------------------------

_INITIALS = {
    "zh": "ㄓ", "ch": "ㄔ", "sh": "ㄕ", "b": "ㄅ", "p": "ㄆ", "m": "ㄇ", "f": "ㄈ", "d": "ㄉ", "t": "ㄊ",
    "n": "ㄋ", "l": "ㄌ", "g": "ㄍ", "k": "ㄎ", "h": "ㄏ", "j": "ㄐ", "q": "ㄑ", "x": "ㄒ", "r": "ㄖ",
    "z": "ㄗ", "c": "ㄘ", "s": "ㄙ",
}
_FINALS = {
    "a": "ㄚ", "o": "ㄛ", "e": "ㄜ", "ê": "ㄝ", "ai": "ㄞ", "ei": "ㄟ", "ao": "ㄠ", "ou": "ㄡ", "an": "ㄢ",
    "en": "ㄣ", "ang": "ㄤ", "eng": "ㄥ", "er": "ㄦ", "ong": "ㄨㄥ",
    "i": "ㄧ", "ia": "ㄧㄚ", "io": "ㄧㄛ", "ie": "ㄧㄝ", "iai": "ㄧㄞ", "iao": "ㄧㄠ", "iu": "ㄧㄡ", "iou": "ㄧㄡ",
    "ian": "ㄧㄢ", "in": "ㄧㄣ", "iang": "ㄧㄤ", "ing": "ㄧㄥ", "iong": "ㄩㄥ",
    "u": "ㄨ", "ua": "ㄨㄚ", "uo": "ㄨㄛ", "uai": "ㄨㄞ", "ui": "ㄨㄟ", "uei": "ㄨㄟ", "uan": "ㄨㄢ", "un": "ㄨㄣ",
    "uen": "ㄨㄣ", "uang": "ㄨㄤ", "ueng": "ㄨㄥ",
    "ü": "ㄩ", "üe": "ㄩㄝ", "üan": "ㄩㄢ", "ün": "ㄩㄣ",
}
#: Syllables without an initial, as pinyin spells them (y and w stand for i, u and ü).
_ZERO_INITIAL = {
    "yi": "i", "ya": "ia", "yo": "io", "ye": "ie", "yai": "iai", "yao": "iao", "you": "iou", "yan": "ian",
    "yin": "in", "yang": "iang", "ying": "ing", "yong": "iong", "yu": "ü", "yue": "üe", "yuan": "üan",
    "yun": "ün", "wu": "u", "wa": "ua", "wo": "uo", "wai": "uai", "wei": "uei", "wan": "uan", "wen": "uen",
    "wang": "uang", "weng": "ueng",
}
#: Syllables that are not initial + final.
_WHOLE = {"r": "ㄦ", "m": "ㄇ", "n": "ㄣ", "ng": "ㄫ", "hm": "ㄏㄇ", "hng": "ㄏㄫ"}
_ZHUYIN_TONES = {"1": "", "2": "ˊ", "3": "ˇ", "4": "ˋ"}


def syllable_to_zhuyin(token: str) -> str:
    """One syllable in zhuyin (`ma3` -> `ㄇㄚˇ`, `de5` -> `˙ㄉㄜ`); not a syllable: unchanged."""
    split = _split(token)
    if split is None:
        return token
    letters, tone = split
    letters = letters.lower()
    if letters in _WHOLE:
        body = _WHOLE[letters]
    elif letters in _ZERO_INITIAL:
        body = _FINALS[_ZERO_INITIAL[letters]]
    else:
        initial = next((i for i in ("zh", "ch", "sh") if letters.startswith(i)), letters[:1])
        if initial not in _INITIALS:
            body = _FINALS.get(letters, "")
        else:
            final = letters[len(initial) :]
            if initial in "jqx" and final.startswith("u"):
                final = "ü" + final[1:]  # ju, que, xuan: the ü is written u after j, q and x.
            if final == "i" and initial in ("zh", "ch", "sh", "r", "z", "c", "s"):
                body = _INITIALS[initial]  # zhi, ci: the initial alone.
            elif final in _FINALS:
                body = _INITIALS[initial] + _FINALS[final]
            else:
                body = ""
        if not body:
            return token
    if tone == "5":
        return "˙" + body
    return body + _ZHUYIN_TONES[tone]


def to_zhuyin(numbers: str) -> str:
    return " ".join(syllable_to_zhuyin(token) for token in numbers.split())


def format_pinyin(numbers: str, style: PinyinStyle | str = PinyinStyle.MARKS) -> str:
    """CC-CEDICT pinyin (tone numbers) in the given style."""
    style = PinyinStyle(style)
    if style is PinyinStyle.MARKS:
        return to_marks(numbers)
    if style is PinyinStyle.ZHUYIN:
        return to_zhuyin(numbers)
    return to_numbers(numbers)


#: A reference inside a sense: `騰訊控股有限公司|腾讯控股有限公司[Teng2 xun4 ...]` or `台[tai2]`.
REFERENCE = re.compile(r"([^\s\[\]|,;:()/\"'.，]+)(?:\|([^\s\[\]|,;:()/\"'.，]+))?\[([^\]]+)\]")


def format_sense(sense: str, style: PinyinStyle | str = PinyinStyle.MARKS) -> str:
    """A sense with the pinyin of its references (`丹東市|丹东市[Dan1 dong1 shi4]`) in the style."""
    style = PinyinStyle(style)
    if style is PinyinStyle.NUMBERS:
        return sense
    return REFERENCE.sub(
        lambda m: m.group(0)[: m.start(3) - m.start(0)] + format_pinyin(m.group(3), style) + "]", sense
    )


def brief_sense(sense: str, script: str = "traditional") -> str:
    """A sense for one line: each reference as its word alone, in `script` (`see 騰訊控股有限公司`)."""
    return REFERENCE.sub(lambda m: (m.group(2) or m.group(1)) if script == "simplified" else m.group(1), sense)


def readable_sense(sense: str, style: PinyinStyle | str = PinyinStyle.MARKS) -> str:
    """A sense as a reader reads it: each reference as `騰訊控股有限公司 · 腾讯控股有限公司 (Téng xùn…)`."""
    def reference(match: re.Match[str]) -> str:
        forms = match.group(1) + (f" · {match.group(2)}" if match.group(2) else "")
        return f"{forms} ({format_pinyin(match.group(3), style)})"

    return REFERENCE.sub(reference, sense)
