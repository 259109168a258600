"""Words under the cursor: CC-CEDICT entries, pinyin (tone marks, numbers, zhuyin), longest match.

    dictionary = Dictionary.load()            # in a worker: ~50 ms from the cache, ~1 s the first time
    dictionary.lookup("騰訊")                  # [Entry(...)] in either script
    dictionary.find("horse", 10)              # Found(entries, more): also by pinyin (ma3, mǎ, ma) or English
    dictionary.matches_at(text, cursor)       # [Match(start, end, text, entries)], longest first
    dictionary.reading("馬化騰").pinyin_as(PinyinStyle.MARKS)   # CC-CEDICT's, else pypinyin's
"""

from reader.dictionary.cedict import (
    CEDICT,
    PYPINYIN,
    CrossReference,
    Dictionary,
    DictionaryError,
    Entry,
    Found,
    Match,
    Reading,
    guess_reading,
    parse_references,
)
from reader.dictionary.pinyin import (
    STYLES,
    PinyinStyle,
    brief_sense,
    format_pinyin,
    format_sense,
    marks_to_numbers,
    readable_sense,
)

__all__ = [
    "CEDICT", "PYPINYIN", "STYLES", "CrossReference", "Dictionary", "DictionaryError", "Entry", "Found", "Match",
    "PinyinStyle", "Reading", "brief_sense", "format_pinyin", "format_sense", "guess_reading", "marks_to_numbers",
    "parse_references", "readable_sense",
]
