"""Reverse look-up: CC-CEDICT entries found by their sound or their meaning, as dictionary apps do.

Pinyin with tone marks, tone numbers or none, syllables joined or apart (`mǎ`, `ma3`, `ma`, `mahua`,
`ni3hao3`, `Ma Huateng`, `lü4` = `lv4` = `lu:4`), or English words in the senses (`horse`, `ice
cream`, `Horses`), ranked by tier, then commonness:

- tier 0: the whole pinyin (`mahua` 麻花), or a gloss that says just the query (`horse` 馬);
- 1: the query with one or two more words (`sea horse`, `to ride a horse`);
- 2: a longer word starting with the pinyin (`mahua` 馬化騰), a longer gloss with the query inside;
- 3: the query's words in a gloss but apart, or in parentheses; 4: spread over several glosses.
In tier 0, a gloss with the query's capital comes first (`Turkey` 土耳其, `turkey` 火雞).

"Common" is one order over every entry, made when the index is built: entries that only point to
another (`variant of 嗎`) last, then by the word's count in jieba's dictionary (`dict.txt`, the
counts jieba segments with, shipped in its package: 马 19,918, 马匹 382; a tenth of it for a
reading other than pypinyin's, `_counts`), then common words before proper nouns (capitalised
pinyin), then more senses, then the file's order. Posting lists hold entries by that rank, so
merging and cutting at a limit is a sort of ints.

The index is a cache file beside the dictionary's (`dictionary-reverse-<version>.txt`), keyed by the
dictionary's stamp and jieba's `dict.txt`, with a CRC-32 of its body: the rank-to-line table
(fixed-width hex, read by slicing, nothing parsed at load), the pinyin syllables, then sorted
`key<TAB>ranks` lines (each rank 8 hex digits, best first), one set for pinyin (toneless
syllables: `ma hua teng`) and one for English words (`horse<TAB>0:ranks|C:ranks|1:ranks|...`, the
ranks grouped by the tier of the word alone, tier 0 split by the gloss's capital).
"""

from __future__ import annotations

import bisect
import heapq
import re
import sys
import unicodedata
import zlib
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from reader.dictionary.cedict import REFERENCE_KINDS, points_elsewhere
from reader.dictionary.pinyin import REFERENCE

if TYPE_CHECKING:
    from reader.dictionary.cedict import Dictionary, Entry

#: Bump when the index's layout or the ranking changes.
REVERSE_VERSION = 1
#: Characters of a number in the index: 4 bytes in hex, big-endian (`_written`): a line's offset
#: in the rank-to-line table (the data is well under 4 GB), a rank in a posting list.
_WIDTH = 8

# -- pinyin ----------------------------------------------------------------------------------------

_MARK_TONE = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}
_DIAERESIS = "\u0308"
#: What may stand between syllables in a query: spaces, the apostrophe of xi'an, a hyphen.
_SEPARATORS = frozenset(" \t'’-")
#: The longest pinyin syllable (zhuang, shuang) in letters.
_LONGEST_SYLLABLE = 6
#: Segmentations of one query tried at most (fangan: fang an, fan gan).
_MOST_READINGS = 8
#: Characters of the longest query read as pinyin (CC-CEDICT's longest pinyin has 104).
_LONGEST_QUERY = 160


@dataclass(frozen=True)
class Syllable:
    """One syllable of a query: its letters (lower case, ü as `v`) and its tone, None for any."""

    letters: str
    tone: str | None = None


def entry_syllables(pinyin: str) -> list[tuple[str, str]]:
    """(letters, tone) of each syllable of CC-CEDICT pinyin (`Lu:4 xun4` -> lv 4, xun 4); a Latin
    letter (`san1 C`) is a syllable with no tone (`c`, ""); punctuation (`,`, `·`) is dropped."""
    syllables = []
    for token in pinyin.split():
        letters = token.rstrip("12345")
        tone = token[len(letters):]
        letters = letters.lower().replace("u:", "v").replace("ü", "v")
        if len(tone) <= 1 and letters.isascii() and letters.isalpha():
            syllables.append((letters, tone))
    return syllables


def pinyin_key(syllables: Iterable[str]) -> str:
    return " ".join(syllables)


def parse_pinyin(query: str, inventory: frozenset[str]) -> list[tuple[Syllable, ...]]:
    """The ways `query` reads as pinyin, fewest syllables first and only those (`xian` is one
    syllable; `xi'an` or `xi an` two), at most `_MOST_READINGS`; [] if it is not pinyin. Tone
    marks, tone digits (5 neutral) and none (any tone) all work, so do `ü`, `v` and `u:`."""
    if len(query) > _LONGEST_QUERY:
        return []
    chunks = _chunks(unicodedata.normalize("NFD", query))
    if not chunks:
        return []
    readings: list[tuple[Syllable, ...]] = [()]
    for chunk in chunks:
        ways = _segment(chunk, inventory)
        if not ways:
            return []
        readings = [reading + way for reading in readings for way in ways][:_MOST_READINGS]
    return readings


@dataclass
class _Chunk:
    """Letters between separators, with the tone each letter's mark gives and the tone digit
    written after a letter (keyed by the index after it)."""

    letters: list[str]
    marks: dict[int, str]
    digits: dict[int, str]


def _chunks(decomposed: str) -> list[_Chunk] | None:
    chunks: list[_Chunk] = []
    current = _Chunk([], {}, {})
    for char in decomposed:
        letters = current.letters
        if char.isascii() and char.isalpha():
            letters.append(char.lower())
        elif char in _MARK_TONE:
            if not letters or len(letters) - 1 in current.marks or len(letters) in current.digits:
                return None
            current.marks[len(letters) - 1] = _MARK_TONE[char]
        elif char in (_DIAERESIS, ":"):
            if not letters or letters[-1] != "u" or len(letters) in current.digits:
                return None
            letters[-1] = "v"
        elif char in "12345":
            if not letters or len(letters) in current.digits:
                return None
            current.digits[len(letters)] = char
        elif char in _SEPARATORS:
            if letters:
                chunks.append(current)
                current = _Chunk([], {}, {})
        else:
            return None
    if current.letters:
        chunks.append(current)
    return chunks or None


def _syllable(letters: str, inventory: frozenset[str]) -> str | None:
    """`letters` as the inventory spells it: ü is written u after j, q, x, y (jü -> ju) and
    where no syllable with u exists (lue -> lve); otherwise u and ü differ (lu, lü)."""
    if letters in inventory:
        return letters
    for spelt in (letters.replace("v", "u"), letters.replace("u", "v")):
        if spelt in inventory:
            return spelt
    return None


def _segment(chunk: _Chunk, inventory: frozenset[str]) -> list[tuple[Syllable, ...]]:
    """Every split of a chunk into syllables with the fewest syllables (a tone digit ends one)."""
    size = len(chunk.letters)
    # best[i]: (syllables needed from i to the end, the ways of doing it); None: no way.
    best: list[tuple[int, list[tuple[Syllable, ...]]] | None] = [None] * size + [(0, [()])]
    for start in range(size - 1, -1, -1):
        found: tuple[int, list[tuple[Syllable, ...]]] | None = None
        for end in range(start + 1, min(size, start + _LONGEST_SYLLABLE) + 1):
            if any(inside in chunk.digits for inside in range(start + 1, end)):
                break  # A tone digit ends a syllable: none goes past it.
            rest = best[end]
            letters = _syllable("".join(chunk.letters[start:end]), inventory)
            if rest is None or letters is None:
                continue
            tones = [chunk.marks[i] for i in range(start, end) if i in chunk.marks]
            if end in chunk.digits:
                tones.append(chunk.digits[end])
            if len(tones) > 1:
                continue
            syllable = Syllable(letters, tones[0] if tones else None)
            count = rest[0] + 1
            if found is None or count < found[0]:
                found = (count, [])
            if count == found[0]:
                found[1].extend((syllable, *way) for way in rest[1])
                del found[1][_MOST_READINGS:]
        best[start] = found
    return best[0][1] if best[0] else []


def _tones_agree(wanted: Sequence[Syllable], syllables: Sequence[tuple[str, str]]) -> bool:
    return all(want.tone is None or want.tone == tone for want, (_, tone) in zip(wanted, syllables))


# -- English ---------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)*")
#: A cross-reference with what says what it is (`see 騰訊…[…]`, `old variant of 和[he2]`): not English.
_POINTER = re.compile("(?:(?:" + "|".join(re.escape(kind) for kind in REFERENCE_KINDS) + r")\s*)?" + REFERENCE.pattern)
_ASIDE = re.compile(r"\(([^()]*)\)")
#: Words at the start of a gloss that say what kind of word it is (to eat, a horse, the end).
_FILLERS = frozenset({"to", "a", "an", "the"})
#: Words an -s does not make plural (news is not new).
_NOT_PLURALS = frozenset({"news", "means", "goods", "customs", "glasses", "series", "species", "arms", "thanks"})
#: The most words a gloss has beyond the query for the query to be its head (sea horse, horse race).
_NEAR = 2
#: Grading an entry costs about as much as reading this many ranks of a word's list (~40 µs).
_GRADE_COST = 1000


@cache
def _stem(word: str) -> str:
    """A plural as its singular, by spelling only (cities city, boxes box, horses horse); the
    index and the query both go through it, so a wrong guess costs little."""
    if word in _NOT_PLURALS or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _raw_words(text: str) -> list[str]:
    """The words of some English as written (accents dropped, ’ as ')."""
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text.replace("’", "'")) if not unicodedata.combining(c))
    return _WORD.findall(text)


def _without_fillers(words: list[str]) -> list[str]:
    start = 0
    while start < len(words) - 1 and words[start].lower() in _FILLERS:
        start += 1
    return words[start:]


def english_words(text: str) -> tuple[str, ...]:
    """The words to match: lower case, `'s` dropped, plurals singular, leading `to`/`a`/`the`
    dropped (unless nothing else is left): `To ride Horses` -> ride horse."""
    return _matchable(_without_fillers(_raw_words(text)))


def _matchable(written: list[str]) -> tuple[str, ...]:
    return tuple([_stem(word[:-2] if word.endswith("'s") else word) for word in map(str.lower, written)])


@dataclass(frozen=True)
class Gloss:
    """One meaning of a sense (CC-CEDICT separates them with `/` and `;`): its words outside
    parentheses (`english_words`), those inside (`aside`), and whether it starts with a capital
    (`Turkey` the country, `turkey` the bird)."""

    words: tuple[str, ...]
    aside: tuple[str, ...] = ()
    capitalised: bool = False


def glosses(senses: Iterable[str]) -> list[Gloss]:
    """The glosses of an entry's senses; classifiers (`CL:匹[pi3]`) and cross-references with what
    introduces them (`see 騰訊…[…]`, `variant of 台[tai2]`) are not English."""
    found = []
    for sense in senses:
        for part in (_POINTER.sub(" ", sense) if "[" in sense else sense).split(";"):
            written = _without_fillers(_raw_words(_ASIDE.sub(" ", part) if "(" in part else part))
            aside = english_words(" ".join(_ASIDE.findall(part))) if "(" in part else ()
            if written or aside:
                found.append(Gloss(_matchable(written), aside, _capitalised(written)))
    return found


def _capitalised(written: Sequence[str]) -> bool:
    return bool(written) and written[0][:1].isupper()


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    if size == 1:
        return phrase[0] in words
    return any(words[start : start + size] == phrase for start in range(len(words) - size + 1))


def gloss_tier(gloss: Gloss, query: tuple[str, ...]) -> int | None:
    """How well a gloss matches: 0 it says just the query (`horse`), 1 the query with at most
    `_NEAR` other words (`sea horse`, `to ride a horse`), 2 the query inside a longer gloss, 3 its
    words in the gloss but not together, or in parentheses; None: not all there."""
    if gloss.words == query:
        return 0
    if _contains(gloss.words, query):
        return 1 if len(gloss.words) - len(query) <= _NEAR else 2
    if set(query) <= set(gloss.words) | set(gloss.aside):
        return 3
    return None


def entry_tier(found: Sequence[Gloss], query: tuple[str, ...]) -> int | None:
    """The best tier of an entry's glosses; 4 if its words are only spread over several."""
    tiers = [tier for gloss in found if (tier := gloss_tier(gloss, query)) is not None]
    if tiers:
        return min(tiers)
    everywhere = {word for gloss in found for word in (*gloss.words, *gloss.aside)}
    return 4 if set(query) <= everywhere else None


#: The index's groups of tier 0 for a word: the gloss starts with a small letter, or a capital.
_EXACT_SMALL = "0"
_EXACT_CAPITALISED = "C"
_EXACT = (_EXACT_SMALL, _EXACT_CAPITALISED)
#: The tier a pinyin hit ranks with: the whole pinyin beside an exact sense, a longer word
#: starting with it (`mahua` -> 马化腾) beside a sense with the query inside.
_PINYIN_EXACT = 0
_PINYIN_START = 2


# -- the index -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    tier: int
    case: int
    """1 when an exact gloss is capitalised and the query is not, or the other way round (a
    query `Turkey` finds 土耳其 before 火雞, `turkey` 火雞 before 土耳其)."""
    rank: int

    def key(self) -> tuple[int, int, int]:
        return (self.tier, self.case, self.rank)


class ReverseIndex:
    """Pinyin and English look-ups over a loaded `Dictionary`; read-only, shared by threads."""

    def __init__(self, dictionary: Dictionary, order: str, inventory: frozenset[str],
                 pinyin: list[str], english: list[str]) -> None:
        self.dictionary = dictionary
        self._order = order
        """Rank r's line offset: `order[r * 8 : r * 8 + 8]` in hex."""
        self.inventory = inventory
        """Every syllable in the dictionary (ü as v), what a query may be cut into."""
        self._pinyin = pinyin
        self._english = english

    # -- loading ----------------------------------------------------------------------------------

    @classmethod
    def load(cls, dictionary: Dictionary, folder: Path, building: Callable[[], object] | None = None) -> ReverseIndex:
        """From the cache file when it matches the dictionary and jieba's frequencies, else built
        (a few seconds: `building` is called first, to say so) and written for next time; a cache
        that cannot be written costs time only."""
        frequencies = _frequency_file()
        stamp = f"reader-cedict-reverse {REVERSE_VERSION} {dictionary.stamp} {_file_stamp(frequencies)}"
        path = folder / f"dictionary-reverse-{REVERSE_VERSION}.txt"
        try:
            loaded = cls._from_cache(dictionary, path.read_bytes(), stamp)
        except (OSError, ValueError):
            loaded = None
        if loaded is not None:
            return loaded
        if building is not None:
            building()
        cache = _build(dictionary, _read_frequencies(frequencies), stamp)
        try:
            from reader.system.storage import atomic_write_text

            atomic_write_text(path, cache, durable=False)
        except OSError:
            pass
        built = cls._from_cache(dictionary, cache.encode("utf-8"), stamp)
        assert built is not None
        return built

    @classmethod
    def _from_cache(cls, dictionary: Dictionary, raw: bytes, stamp: str) -> ReverseIndex | None:
        """The header line: stamp, the counts of entries, pinyin keys and English keys, and the
        CRC-32 of the rest; then the rank table, the syllables, the keys. A file that does not add
        up (cut short, a byte changed) is None: rebuilt."""
        header_end = raw.index(b"\n")
        head = raw[:header_end].decode("utf-8").rsplit(" ", 4)
        if head[0] != stamp or zlib.crc32(memoryview(raw)[header_end + 1 :]) != int(head[4]):
            return None
        entries, pinyin_count, english_count = int(head[1]), int(head[2]), int(head[3])
        lines = raw[header_end + 1 :].decode("utf-8").split("\n")
        order, inventory = lines[0], frozenset(lines[1].split())
        if len(order) != entries * _WIDTH or len(lines) != 2 + pinyin_count + english_count + 1 or lines[-1]:
            return None
        return cls(dictionary, order, inventory, lines[2 : 2 + pinyin_count], lines[2 + pinyin_count : -1])

    # -- look-ups ---------------------------------------------------------------------------------

    def find(self, query: str, limit: int | None = None) -> list[Entry]:
        """The entries whose pinyin or English senses match `query`, best first, at most `limit`."""
        query = unicodedata.normalize("NFKC", query).strip()
        if not query:
            return []
        hits: dict[int, _Hit] = {}
        readings = parse_pinyin(query, self.inventory)
        for hit in self._pinyin_hits(readings, limit):
            hits.setdefault(hit.rank, hit)
        if not readings or not _has_tones(readings):
            for hit in self._english_hits(query, limit):
                if hit.rank not in hits or hit.key() < hits[hit.rank].key():
                    hits[hit.rank] = hit
        best = sorted(hits.values(), key=_Hit.key) if limit is None else heapq.nsmallest(limit, hits.values(),
                                                                                          key=_Hit.key)
        return [self._entry(hit.rank) for hit in best]

    def _entry(self, rank: int) -> Entry:
        start = rank * _WIDTH
        return self.dictionary._entry(int(self._order[start : start + _WIDTH], 16))

    def _postings(self, keys: list[str], key: str) -> str | None:
        probe = key + "\t"
        index = bisect.bisect_left(keys, probe)
        if index < len(keys) and keys[index].startswith(probe):
            return keys[index][len(probe):]
        return None

    def _pinyin_hits(self, readings: list[tuple[Syllable, ...]], limit: int | None) -> list[_Hit]:
        """Entries whose whole pinyin is a reading of the query, then (when those are fewer than
        `limit`) longer words that start with it; tones checked where the query gives them."""
        exact: list[_Hit] = []
        for reading in readings:
            postings = self._postings(self._pinyin, pinyin_key(s.letters for s in reading))
            for rank in _ranks(postings or ""):
                if self._tones_agree(reading, rank):
                    exact.append(_Hit(_PINYIN_EXACT, 0, rank))
        if limit is not None and len(exact) >= limit:
            return exact
        starting: list[_Hit] = []
        for reading in readings:
            prefix = pinyin_key(s.letters for s in reading) + " "
            index = bisect.bisect_left(self._pinyin, prefix)
            ranks: list[int] = []
            while index < len(self._pinyin) and self._pinyin[index].startswith(prefix):
                ranks += _ranks(self._pinyin[index].partition("\t")[2])
                index += 1
            wanted = None if limit is None else limit - len(exact)
            for rank in sorted(ranks):
                if wanted is not None and len(starting) >= wanted:
                    break
                if self._tones_agree(reading, rank):
                    starting.append(_Hit(_PINYIN_START, 0, rank))
        return exact + starting

    def _tones_agree(self, reading: tuple[Syllable, ...], rank: int) -> bool:
        if all(syllable.tone is None for syllable in reading):
            return True
        return _tones_agree(reading, entry_syllables(self._entry(rank).pinyin))

    def _english_hits(self, query: str, limit: int | None) -> list[_Hit]:
        """Entries with the query's words in their senses, by `entry_tier`: for one word, the
        first `limit` from the tiers the index keeps (all of tier 0, which case reorders); for
        several, the entries having all of them, each graded."""
        words = english_words(query)
        if not words:
            return []
        capitalised = _capitalised(_without_fillers(_raw_words(query)))
        if len(words) == 1:
            hits: list[_Hit] = []
            for group, ranks in self._english_groups(words[0]):
                if group in _EXACT:
                    case = int((group == _EXACT_CAPITALISED) != capitalised)
                    hits += (_Hit(0, case, rank) for rank in _ranks(ranks))
                elif limit is None or len(hits) < limit:
                    wanted = ranks if limit is None else ranks[: (limit - len(hits)) * _WIDTH]
                    hits += (_Hit(int(group), 0, rank) for rank in _ranks(wanted))
            return hits
        # The rarest words first; once the entries left are few beside the next list, grading
        # them is cheaper than reading the long lists of common words (`in`, `the`).
        lists = sorted((self._postings(self._english, word) or "" for word in set(words)), key=len)
        if not lists[0]:
            return []
        candidates: set[int] | None = None
        for postings in lists:
            if candidates is not None and len(candidates) * _GRADE_COST * _WIDTH <= len(postings):
                break
            having: set[int] = set()
            for group in postings.split("|"):
                having.update(_ranks(group.partition(":")[2]))
            candidates = having if candidates is None else candidates & having
        hits = []
        for rank in candidates or ():
            found = glosses(self._entry(rank).senses)
            tier = entry_tier(found, words)
            if tier is not None:
                case = 0 if tier or any(g.capitalised == capitalised for g in found if gloss_tier(g, words) == 0) else 1
                hits.append(_Hit(tier, case, rank))
        return hits

    def _english_groups(self, word: str) -> list[tuple[str, str]]:
        """(group, its ranks as written) of one word: the tiers, tier 0 as two groups (`_EXACT`)."""
        postings = self._postings(self._english, word)
        if postings is None:
            return []
        return [(group, ranks) for group, _, ranks in (part.partition(":") for part in postings.split("|"))]


def _ranks(written: str) -> array[int]:
    """The ranks of a posting list as the index writes them (`_written`)."""
    ranks = array("I", bytes.fromhex(written))
    if sys.byteorder == "little":
        ranks.byteswap()
    return ranks


def _written(ranks: Iterable[int]) -> str:
    """Ranks (or offsets) as fixed-width hex, big-endian: read by `bytes.fromhex` (a third of the
    time `int` takes on decimals) or sliced."""
    numbers = array("I", ranks)
    if sys.byteorder == "little":
        numbers.byteswap()
    return numbers.tobytes().hex()


def _has_tones(readings: list[tuple[Syllable, ...]]) -> bool:
    """A query with a tone mark or digit is pinyin, not English."""
    return any(syllable.tone is not None for reading in readings for syllable in reading)


# -- building --------------------------------------------------------------------------------------


def _frequency_file() -> Path | None:
    """jieba's `dict.txt` (word, count, part of speech), found without importing jieba."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "dict.txt"
        if path.exists():
            return path
    return None


def _file_stamp(path: Path | None) -> str:
    try:
        info = path.stat() if path is not None else None
    except OSError:
        info = None
    return f"{info.st_size}-{info.st_mtime_ns}" if info is not None else "none"


def _read_frequencies(path: Path | None) -> dict[str, int]:
    """jieba's counts; none (every word as rare as the next) if its file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8") if path is not None else ""
    except (OSError, ValueError):
        text = ""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split(" ")
        if len(parts) >= 2 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    return counts


def _counts(entries: list[Entry], frequencies: dict[str, int]) -> list[float]:
    """Each entry's share of its word's count in jieba (counted by its Simplified form): all of it
    for the reading pypinyin gives the word (吗 ma5, 中 zhong1 before 中 Zhong1, the abbreviation
    for China), a tenth for its other readings (吗 ma2, 骑 ji4) and for a Traditional form that
    says it is a variant of another with the same Simplified one (驩 of 歡, both 欢); all of it
    when pypinyin's reading is none of the entries'."""
    from reader.dictionary.cedict import guess_reading, parse_references

    readings: dict[str, set[str]] = {}
    for entry in entries:
        readings.setdefault(entry.simplified, set()).add(entry.pinyin)
    main: dict[str, set[str]] = {}
    for word, pinyins in readings.items():
        if len(pinyins) > 1:
            guess = guess_reading(word).pinyin
            main[word] = ({guess} & pinyins) or {p for p in pinyins if p.lower() == guess.lower()} or pinyins
    counts = []
    for entry in entries:
        count = frequencies.get(entry.simplified, frequencies.get(entry.traditional, 0))
        variant = any("variant" in reference.kind and reference.simplified == entry.simplified
                      and reference.traditional != entry.traditional
                      for sense in entry.senses if "variant" in sense for reference in parse_references(sense))
        main_reading = entry.pinyin in main.get(entry.simplified, (entry.pinyin,))
        counts.append(count if main_reading and not variant else count / 10)
    return counts


#: The index's groups of a word, best first.
_GROUP_ORDER = (*_EXACT, "1", "2", "3")


def _word_groups(found: list[Gloss]) -> Iterable[tuple[str, str]]:
    """(word, group) for every word of the glosses and the tier of each gloss it is in."""
    for gloss in found:
        for word in {*gloss.words, *gloss.aside}:
            tier = gloss_tier(gloss, (word,))
            assert tier is not None
            yield word, (_EXACT_CAPITALISED if gloss.capitalised else _EXACT_SMALL) if tier == 0 else str(tier)


def _build(dictionary: Dictionary, frequencies: dict[str, int], stamp: str) -> str:
    """The index's text (see the module docstring)."""
    entries = list(dictionary.entries())
    counts = _counts([entry for _, entry in entries], frequencies)
    order = sorted(range(len(entries)), key=lambda index: (
        points_elsewhere(entries[index][1]),
        -counts[index],
        entries[index][1].pinyin[:1].isupper(),
        -len(entries[index][1].senses),
        index,
    ))
    pinyin: defaultdict[str, list[int]] = defaultdict(list)
    english: defaultdict[str, defaultdict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    inventory: set[str] = set()
    for rank, index in enumerate(order):
        entry = entries[index][1]
        syllables = entry_syllables(entry.pinyin)
        inventory.update(letters for letters, tone in syllables if tone)
        if syllables:
            pinyin[pinyin_key(letters for letters, _ in syllables)].append(rank)
        # A word alone: the best tier of the glosses it is in (`entry_tier` for a one-word query),
        # tier 0 kept apart by the gloss's capital (in both groups if it has both).
        exact: defaultdict[str, set[str]] = defaultdict(set)
        looser: dict[str, str] = {}
        for word, group in _word_groups(glosses(entry.senses)):
            if group in _EXACT:
                exact[word].add(group)
            elif group < looser.get(word, "9"):
                looser[word] = group
        for word, groups in exact.items():
            for group in groups:
                english[word][group].append(rank)
        for word, group in looser.items():
            if word not in exact:
                english[word][group].append(rank)
    inventory.discard("xx")  # CC-CEDICT's placeholder for an unknown reading.
    table = _written(entries[index][0] for index in order)
    pinyin_lines = [f"{key}\t{_written(ranks)}" for key, ranks in sorted(pinyin.items())]
    english_lines = [
        f"{word}\t" + "|".join(f"{group}:{_written(groups[group])}" for group in _GROUP_ORDER
                               if group in groups)
        for word, groups in sorted(english.items())
    ]
    body = "\n".join([table, " ".join(sorted(inventory)), *pinyin_lines, *english_lines, ""])
    checksum = zlib.crc32(body.encode("utf-8"))
    return f"{stamp} {len(order)} {len(pinyin_lines)} {len(english_lines)} {checksum}\n{body}"
