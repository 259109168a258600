"""Named entities: people, organisations, products, places, money, dates and percentages.

Four sources, merged so that the longest mention wins where they overlap:

* the user's gazetteer (`~/.config/reader/entities.tsv` or `--entities FILE`): its names always
  win, and a name it lists with type `none` is never shown as an entity;
* the bundled gazetteer (`reader/entities/data/entities.tsv`), for the names this corpus cares about and the
  products a news-trained model cannot know; it wins over the model where their mentions are equal
  or cross, and a listed place or organisation loses to a longer mention that contains it
  (中国共产党 over 中国, 国务院宗教事务局 over 国务院);
* patterns for money, dates and percentages (`10億元`, `4個億`, `2025年第三季度`, `1月26日`, `21%`);
* a statistical recogniser (`reader.entities.model`, a character CRF trained on labelled news and Wikipedia
  text) for the people, organisations and places of any text.

Matching and the model read folded text (`reader.text.conversion.fold`): Traditional and Simplified forms,
and any Latin case, are the same there, and already-Simplified text is left as it is (no `tw2s`,
which turns 什么 into 什幺). Every offset is a code-point offset into the original body: folding
keeps lengths.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reader.entities.mentions import (
    DATE,
    MONEY,
    NAME_TYPES,
    ORG,
    PERCENT,
    PERSON,
    PLACE,
    PRODUCT,
    TYPES,
    Entity,
)
from reader.entities.register import FUNCTION_WORDS, NOT_NAME_ENDS, classical_lines
from reader.system import paths
from reader.text.conversion import SIMPLIFIED, convert, fold

#: Bump when detection changes, so cached results are not reused.
DETECTOR_VERSION = 11

#: The gazetteer type that marks a name as never an entity (in the user's file; `-` also does).
NONE = "none"
_ENTRY_TYPES = (*NAME_TYPES, NONE, "-")

_BUNDLED = Path(__file__).parent / "data" / "entities.tsv"


class GazetteerError(Exception):
    """A line of a gazetteer file that cannot be used; the message names file and line."""


_NEVER = re.compile(r"(?!)")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class _Entry:
    type: str
    name: str
    not_before: re.Pattern = _NEVER
    """What may not follow a mention (聯想 is Lenovo, but not in 聯想起)."""
    user: bool = False
    """From the user's own file: wins over every other source."""


class Gazetteer:
    """Names to find, keyed by their folded form; built from one or more TSV files."""

    def __init__(self, entries: dict[str, _Entry], digest: str) -> None:
        self.excluded = {name for name, entry in entries.items() if entry.type == NONE}
        self.entries = {name: entry for name, entry in entries.items() if entry.type != NONE}
        self.digest = digest
        names = sorted(self.entries, key=len, reverse=True)  # Longest first: alternation is ordered.
        self._pattern = re.compile("|".join(re.escape(name) for name in names)) if names else None

    @classmethod
    def load(cls, given: Path | None = None) -> Gazetteer:
        """The bundled gazetteer, extended by the user's (`given`, or the one in the config folder)."""
        files = [_BUNDLED]
        extra = paths.user_gazetteer(given)
        if extra is not None:
            files.append(extra)
        entries: dict[str, _Entry] = {}
        digest = hashlib.sha1(f"{DETECTOR_VERSION} {model_digest()}".encode())
        for path in files:
            text = _read(path)
            digest.update(text.encode("utf-8"))
            entries.update(_parse(path, text, user=path != _BUNDLED))
        return cls(entries, digest.hexdigest()[:16])

    def find(self, folded: str) -> list[Entity]:
        """Gazetteer mentions in folded text (longest name at each position)."""
        return [entity for entity, _ in self.find_with_source(folded)]

    def find_with_source(self, folded: str) -> list[tuple[Entity, bool]]:
        """(mention, whether its name is from the user's file) in folded text."""
        if self._pattern is None:
            return []
        found = []
        for match in self._pattern.finditer(folded):
            start, end = match.span()
            entry = self.entries[match.group()]
            if entry.type == PRODUCT:
                end = _with_version(folded, end)
            if _cut_latin_word(folded, start, end) or entry.not_before.match(folded, end):
                continue
            found.append((Entity(start, end, entry.type, entry.name), entry.user))
        return found

    def names_for_jieba(self) -> list[tuple[str, str]]:
        """(Simplified name, jieba tag) so jieba keeps known names whole while it tags the rest."""
        tags = {PERSON: "nr", ORG: "nt", PRODUCT: "nz", PLACE: "ns"}
        return [(convert(entry.name, SIMPLIFIED), tags[entry.type]) for entry in self.entries.values()]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GazetteerError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise GazetteerError(f"{path}: cannot read it ({error})") from None


def _rows(path: Path, text: str):
    """(line number, fields) of each entry line; GazetteerError for a malformed one."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.rstrip("\n").split("\t")
        if len(fields) < 2 or fields[0] not in _ENTRY_TYPES or not fields[1].strip():
            raise GazetteerError(
                f"{path}:{number}: expected 'type<TAB>name[<TAB>other|names[<TAB>not|before]]' with a type of "
                f"{', '.join(NAME_TYPES)} (or {NONE}: never an entity)"
            )
        yield number, fields


def check_file(path: Path) -> None:
    """Raise GazetteerError if a user's gazetteer cannot be read or has a malformed line."""
    for _ in _rows(path, _read(path)):
        pass


def _parse(path: Path, text: str, user: bool = False) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for _, fields in _rows(path, text):
        exceptions = [fold(e) for e in fields[3].split("|") if e] if len(fields) > 3 else []
        not_before = re.compile("|".join(map(re.escape, exceptions))) if exceptions else _NEVER
        kind = NONE if fields[0] == "-" else fields[0]
        entry = _Entry(kind, fields[1].strip(), not_before, user)
        aliases = fields[2].split("|") if len(fields) > 2 else []
        for name in [entry.name, *aliases]:
            if name.strip():
                entries[fold(name.strip())] = entry
    return entries


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _cut_latin_word(text: str, start: int, end: int) -> bool:
    """A Latin name must not be part of a longer Latin word (`UC` in `UCLA`)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return (_is_latin(text[start]) and _is_latin(before)) or (_is_latin(text[end - 1]) and _is_latin(after))


def _with_version(folded: str, end: int) -> int:
    """`混元圖像3.0`, `HunyuanImage 3.0-Instruct`, `Gemini 2.5 Pro`: a version belongs to the product."""
    from reader.entities.products import version

    return version(folded, end)


# -- money, dates, percentages (on folded text: Simplified characters, ASCII digits) --------------

_NUMBER = r"\d+(?:[.,]\d+)*"
#: A number in Chinese numerals with a unit in it (十亿, 三千九百九十九, 九十九, 十九点九), not an
#: ordinal (第十): alone, 一 and 二 are words' parts (统一元素).
_HAN_AMOUNT = (r"(?<!第)(?=[零〇一二两三四五六七八九]*[十百千万亿])[一二两三四五六七八九十几]"
               r"[零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+)?")
_CURRENCY = r"(?:元|港元|港币|美元|美金|人民币|欧元|日元|英镑|块钱)"
_MONEY = re.compile(
    rf"{_NUMBER}(?:万亿|[十百千万亿兆])*{_CURRENCY}"  # 10亿元, 5兆港元, 362亿元
    rf"|{_NUMBER}个亿"  # 4个亿
    rf"|{_NUMBER}[万亿]现金"  # 10亿现金
    rf"|(?<![\d万亿])[万亿]元"  # 万元
    rf"|{_HAN_AMOUNT}{_CURRENCY}"  # 十亿元, 三千万美元
)
_DATE = re.compile(
    r"(?<!\d)(?:1[5-9]|20)\d\d年(?!前|后|间|内|代|来)"
    r"(?:第[一二三四1-4]季度|[qQ][1-4]|[上下]半年|\d{1,2}月(?:\d{1,2}[日号])?|初|底|末)?"
    r"|(?<!\d)(?:1[0-2]|0?[1-9])月(?:[0-3]?\d[日号]|初|末|底|中旬|上旬|下旬|头一周)?(?!份?[以之]?[前后内间])"
)
_PERCENT = re.compile(
    rf"{_NUMBER}%"  # 21% (and ２１％, folded)
    rf"|百分之(?:{_NUMBER}|[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?)"  # 百分之八, 百分之十点五
    rf"|{_NUMBER}个百分点"  # 2.5个百分点
)


def find_patterns(folded: str) -> list[Entity]:
    found = []
    for kind, pattern in ((MONEY, _MONEY), (DATE, _DATE), (PERCENT, _PERCENT)):
        for match in pattern.finditer(folded):
            found.append(Entity(match.start(), match.end(), kind, match.group()))
    return found


# -- jieba (word search and word navigation; no longer entities) -----------------------------------

_jieba_lock = threading.Lock()
_jieba_words: set[str] = set()


def jieba_with_names(gazetteer: Gazetteer):
    """jieba, initialised once and taught the gazetteer's names (thread-safe)."""
    import jieba

    with _jieba_lock:
        if not jieba.dt.initialized:
            jieba.setLogLevel(60)
            jieba.initialize()
        for word, tag in gazetteer.names_for_jieba():
            if word not in _jieba_words:
                jieba.add_word(word, freq=None, tag=tag)
                _jieba_words.add(word)
    return jieba


# -- the model ------------------------------------------------------------------------------------


_LATIN = re.compile(r"[a-z]")
_LATIN_NAME = re.compile(r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*)+")


def find_with_model(body: str, folded: str, gazetteer: Gazetteer) -> list[Entity]:
    """People, organisations, places and products the statistical recogniser finds in folded
    text, with the products their shape shows (`reader.entities.products`).

    A name without a Han character must look like a Latin name of two or more capitalised words
    (Walter Damrosch) or be one the pretrained analyser names the same way (FTC, Linda): the model
    reads Latin in lower case and takes Chatbot or AI for names; products are Latin often (iPad,
    Qwen3) and have rules of their own. No Latin mention is a common noun's acronym the model file
    lists (AI, CEO: `Model.common_latin`). A person's name is in one script (讓AI當 is not a person
    named AI當). A name is one character over and over (哈哈哈, 汗汗汗) only when the pretrained
    analyser names it so too (朱朱), and it never runs into one (宋茜汗汗汗 is 宋茜). In classical
    Chinese (`reader.entities.register`) only the people and places of at most three characters,
    neither starting nor ending with a function word (于, 曰), that the pretrained analyser names
    alike are kept. A place is never inside a longer common noun (太阳 in 太阳能).
    """
    from reader.entities import model as ner
    from reader.entities import products

    read, analysed = ner.read(folded)
    crf = ner.model()
    common = crf.common_latin if crf is not None else frozenset()
    read = [(s, _trimmed(folded, s, e, common), kind) for s, e, kind in read
            if not _repeated(folded, s, e) or _analyser_agrees(analysed, s, e, kind)]
    mentions: list[tuple[int, int, str]] = []
    starts = [s for s, _, _ in read]  # Sorted: the model's mentions come in text order.
    for start, end in _chunks(folded):
        first, last = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
        inside = [(s - start, e - start, kind) for s, e, kind in read[first:last]]
        part = analysed[start:end] if analysed is not None else None
        shaped = products.find(body[start:end], folded[start:end], part, inside)
        mentions += [(s + start, e + start, kind) for s, e, kind in shaped]
    classical = _classical_stretches(folded)
    found: list[Entity] = []
    for start, end, kind in mentions:
        name = folded[start:end]
        if not _HAN.search(name) and (name in common or (
                analysed is None and kind != PRODUCT and not _LATIN_NAME.fullmatch(body[start:end]))):
            continue
        if kind == PERSON and _LATIN.search(name) and _HAN.search(name):
            continue  # 讓AI當 is not a person named AI當.
        if kind == PLACE and end - start > 1 and _inside_a_noun(analysed, start, end):
            continue  # 太阳 in 太阳能.
        if classical and _inside(classical, start) and (
                kind not in (PERSON, PLACE) or end - start > _LONGEST_CLASSICAL_NAME
                or name[0] in FUNCTION_WORDS or name[-1] in NOT_NAME_ENDS
                or not _analyser_agrees(analysed, start, end, kind)):
            continue
        entry = gazetteer.entries.get(name)
        key = entry.name if entry is not None and entry.type == kind else name
        found.append(Entity(start, end, kind, key))
    return found


def _repeated(folded: str, start: int, end: int) -> bool:
    """One character over and over: laughter (哈哈), a cry (汗汗汗), unless the analyser names it
    the same way (朱朱, a nickname)."""
    return end - start > 1 and folded[start:end] == folded[start] * (end - start)


_LATIN_AT_END = re.compile(r"[a-z]+$")


def _trimmed(folded: str, start: int, end: int, common: frozenset[str]) -> int:
    """The end of a mention before a run of one character repeated it runs into (宋茜汗汗汗 is 宋茜)
    and before a common noun's acronym glued to it (百度AI is 百度)."""
    end = _before_a_run(folded, start, end)
    match = _LATIN_AT_END.search(folded, start, end)
    after = folded[end : end + 1]
    if match and match.start() > start and match.group() in common and not (after.isascii() and after.isalpha()):
        return match.start()
    return end


def _before_a_run(folded: str, start: int, end: int) -> int:
    """The end of a mention that runs into one character repeated (宋茜汗|汗汗 ends before it: 宋茜)."""
    after = end
    while after < len(folded) and folded[after] == folded[end - 1]:
        after += 1
    if after - end < 2:
        return end
    while end - 1 > start and folded[end - 1] == folded[after - 1]:
        end -= 1
    return end


def _classical_stretches(folded: str) -> list[tuple[int, int]]:
    """The segments of the text (`model.segments`) that read as classical Chinese."""
    from reader.entities import model as ner

    segments = ner.segments(folded)
    verdicts = classical_lines([folded[start:end] for start, end in segments])
    return [segment for segment, classical in zip(segments, verdicts) if classical]


def _inside(stretches: list[tuple[int, int]], offset: int) -> bool:
    """Whether `offset` is in one of the sorted, disjoint `stretches` (one starting at it too)."""
    index = bisect.bisect_right(stretches, (offset, float("inf"))) - 1
    return index >= 0 and offset < stretches[index][1]


_ANALYSER_TYPES = {PERSON: "PER", PLACE: "LOC", ORG: "ORG"}
#: Names in classical text are short (郑伯, 共叔段, 颍考叔); longer ones found there are clauses.
_LONGEST_CLASSICAL_NAME = 3


def _one_word(analysed: str, start: int, end: int) -> str | None:
    """The analyser's class of [start, end) if it read it as one word, else None."""
    from reader.entities import pretrained

    if pretrained.UNREAD in analysed[start:end]:
        return None
    places = "".join(pretrained.decode(code)[1] for code in analysed[start:end])
    one_word = places == "S" or (places[0] == "B" and places[-1] == "E" and set(places[1:-1]) <= {"M"})
    return pretrained.decode(analysed[start])[0] if one_word else None


def _inside_a_noun(analysed: str | None, start: int, end: int) -> bool:
    """Whether [start, end) lies inside a longer word the pretrained analyser reads as a common noun
    (太阳 in 太阳能 or 太阳穴; MSRA labels the sun a place). On the MSRA held-out slice this drops 2
    right places (特区 in 特区政府) and 3 wrong ones; one-character places inside words are left
    alone: they are MSRA's abbreviations (华 in 访华, 日 in 抗日)."""
    from reader.entities import pretrained

    if analysed is None or pretrained.UNREAD in analysed[start:end]:
        return False
    first = start
    while first > 0 and analysed[first] != pretrained.UNREAD and pretrained.decode(analysed[first])[1] in "ME":
        first -= 1
    last = end
    while last < len(analysed) and analysed[last] != pretrained.UNREAD and pretrained.decode(analysed[last])[1] in "ME":
        last += 1
    return (first, last) != (start, end) and _one_word(analysed, first, last) == "n"


def _analyser_agrees(analysed: str | None, start: int, end: int, kind: str) -> bool:
    """Whether the pretrained analyser read [start, end) as one word of the same type."""
    return analysed is not None and kind in _ANALYSER_TYPES and _one_word(analysed, start, end) == _ANALYSER_TYPES[kind]


def model_digest() -> str:
    """What identifies the model files, for cache keys (their sizes and times; they are never
    edited). Results found by either are served by either: which one tags is known only once
    the pretrained analyser has loaded, long after the first look at the cache."""
    from reader.entities import model as ner

    stamps = []
    for path in (ner.MODEL, ner.PLAIN_MODEL):
        try:
            stat = path.stat()
        except OSError:
            stamps.append("none")
            continue
        stamps.append(f"{stat.st_size}:{int(stat.st_mtime)}")
    return " ".join(stamps)


# -- all together ---------------------------------------------------------------------------------

#: Listed types that may be part of a longer name the model finds: places (中国共产党 holds 中国,
#: 香港特别行政区 香港) and organisations (国务院宗教事务局 holds 国务院, 联合国教科文组织 联合国);
#: the gazetteer's people and products are whole names. A listed organisation's own bodies stay
#: with it (騰訊董事會主席: 騰訊, not 騰訊董事會), and so do its shops: a listed organisation is
#: never part of a place (京东商城 is not a place); model mentions are keyed by their folded text.
_PARTS = frozenset({PLACE, ORG})
_ORGANS = ("董事会", "董事局", "股东大会")

USER, GAZETTEER, PATTERN, MODEL = 0, 1, 2, 3
"""Sources, most trusted first."""


def resolve(candidates: list[tuple[Entity, int]]) -> list[Entity]:
    """One mention per stretch of text, sorted by start.

    The user's names always win; a model mention that overlaps a gazetteer mention is dropped
    unless what it overlaps are listed places or organisations inside it (中国共产党 holds 中国,
    国务院宗教事务局 holds 国务院); otherwise the
    longest mention wins, then the more trusted source.
    """
    size = max((e.end for e, _ in candidates), default=0)
    user = bytearray(size)
    listed: list[Entity | None] = [None] * size  # The gazetteer mention at each character.
    for entity, source in candidates:
        if source == USER:
            user[entity.start : entity.end] = b"\x01" * (entity.end - entity.start)
        elif source == GAZETTEER:
            listed[entity.start : entity.end] = [entity] * (entity.end - entity.start)

    def blocked_by_gazetteer(entity: Entity) -> bool:
        # Only a listed place or organisation may be part of a longer name the model finds (_PARTS).
        for other in listed[entity.start : entity.end]:
            if other is not None and (other.type not in _PARTS or other.start < entity.start or other.end > entity.end
                                      or (other.start, other.end) == (entity.start, entity.end)
                                      or (other.type == ORG and (entity.key.endswith(_ORGANS)
                                                                 or entity.type == PLACE))):
                return True
        return False

    kept = []
    for entity, source in candidates:
        if source != USER and any(user[entity.start : entity.end]):
            continue
        if source == MODEL and blocked_by_gazetteer(entity):
            continue
        kept.append((entity, source))
    chosen: list[Entity] = []
    taken = bytearray(size)
    for entity, _source in sorted(kept, key=lambda c: (c[1] != USER, -(c[0].end - c[0].start), c[1], c[0].start)):
        if not any(taken[entity.start : entity.end]):
            chosen.append(entity)
            taken[entity.start : entity.end] = b"\x01" * (entity.end - entity.start)
    return sorted(chosen)


def detect(body: str, gazetteer: Gazetteer, *, use_model: bool = True, folded: str | None = None) -> list[Entity]:
    """Entities in `body`; `folded` may pass its folded form if it is at hand.

    `use_model=False` is the quick pass: gazetteer and patterns only. The full pass loads the
    model on first use (after the first paint in the app, in its worker).

    No mention crosses the edge of a segment (`model.segments`: a line, or a stretch of a very long
    one), so the entities of a run of whole segments, found alone, are those found in the whole
    text (`reader.entities.progressive` finds the part on screen first).
    """
    folded = folded if folded is not None else fold(body)
    candidates: list[tuple[Entity, int]] = []
    for start, end in _chunks(folded):
        part_folded = folded[start:end]
        found = [(e, USER if user else GAZETTEER) for e, user in gazetteer.find_with_source(part_folded)]
        found += [(e, PATTERN) for e in find_patterns(part_folded)]
        candidates += [(Entity(e.start + start, e.end + start, e.type, e.key), source) for e, source in found]
    if use_model:
        candidates += [(e, MODEL) for e in find_with_model(body, folded, gazetteer)]
    if gazetteer.excluded:
        candidates = [(e, s) for e, s in candidates if folded[e.start : e.end] not in gazetteer.excluded]
    return resolve(candidates)


def _chunks(folded: str) -> list[tuple[int, int]]:
    """The text cut where a segment ends inside a line (`model.segments`; lines longer than
    `model.LONGEST_SEGMENT` only): nothing is found across those cuts."""
    from reader.entities import model as ner

    if all(len(line) <= ner.LONGEST_SEGMENT for line in folded.split("\n")):
        return [(0, len(folded))]
    cuts = [start for start, _ in ner.segments(folded) if start > 0 and folded[start - 1] != "\n"]
    edges = [0, *cuts, len(folded)]
    return list(zip(edges, edges[1:]))


class EntityCache:
    """Results on disk, keyed by the text and the gazetteer, so an edit is never served stale."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.cache_dir() / "entities"

    def _path(self, body: str, gazetteer: Gazetteer, quick: bool) -> Path:
        key = hashlib.sha1(body.encode("utf-8")).hexdigest()[:24]
        return self.folder / f"{key}-{gazetteer.digest}{'-quick' if quick else ''}.json"

    def get(self, body: str, gazetteer: Gazetteer, *, quick: bool = False) -> list[Entity] | None:
        """Cached results (`quick`: those found without the model), or None."""
        try:
            rows = json.loads(self._path(body, gazetteer, quick).read_text(encoding="utf-8"))
            entities = [Entity(s, e, t, k) for s, e, t, k in rows]
        except (OSError, ValueError, TypeError, RecursionError):
            return None  # Missing or unreadable: detect again.
        if any(type(e.start) is not int or type(e.end) is not int or not (0 <= e.start < e.end <= len(body))
               or e.type not in TYPES or not isinstance(e.key, str) for e in entities):
            return None
        return entities

    def put(self, body: str, gazetteer: Gazetteer, entities: list[Entity], *, quick: bool = False) -> None:
        """Write the results atomically, without fsync (two of them cost about 4 ms a file, 0.4 s
        for a 100-article corpus; a cache lost in a crash only costs time, and a torn file is read
        as missing). A cache that cannot be written (a read-only folder, a file where the folder
        should be) only costs time too."""
        from reader.system.storage import atomic_write_text, dumps_json

        rows = [[e.start, e.end, e.type, e.key] for e in entities]
        try:
            atomic_write_text(self._path(body, gazetteer, quick), dumps_json(rows), durable=False)
        except OSError:
            pass


def detect_cached(body: str, gazetteer: Gazetteer, cache: EntityCache, *, quick: bool = False,
                  folded: str | None = None) -> list[Entity]:
    """`detect`, from the cache when it has the answer (`quick`: without the model)."""
    cached = cache.get(body, gazetteer, quick=quick)
    if cached is not None:
        return cached
    entities = detect(body, gazetteer, use_model=not quick, folded=folded)
    cache.put(body, gazetteer, entities, quick=quick)
    return entities


#: Texts are found together up to this many characters (the model batches across them).
TOGETHER = 50_000


def detect_many(bodies: list[str], gazetteer: Gazetteer, cache: EntityCache) -> Iterator[list[Entity]]:
    """`detect_cached` of each body, in order; those the cache lacks are found several at a time,
    as lines of one text (nothing found in a line depends on another), which lets the model batch."""
    waiting: list[int] = []
    results: dict[int, list[Entity]] = {}
    done = 0
    for index, body in enumerate(bodies):
        cached = cache.get(body, gazetteer)
        if cached is not None:
            results[index] = cached
        else:
            waiting.append(index)
        if sum(len(bodies[i]) for i in waiting) >= TOGETHER or index == len(bodies) - 1:
            results.update(_together([bodies[i] for i in waiting], waiting, gazetteer, cache))
            waiting = []
        while done in results:
            yield results.pop(done)
            done += 1


def _together(bodies: list[str], numbers: list[int], gazetteer: Gazetteer,
              cache: EntityCache) -> dict[int, list[Entity]]:
    if not bodies:
        return {}
    found = detect("\n".join(bodies), gazetteer)
    out: dict[int, list[Entity]] = {}
    position, index = 0, 0
    for number, body in zip(numbers, bodies):
        mine = []
        while index < len(found) and found[index].start < position + len(body):
            entity = found[index]
            mine.append(Entity(entity.start - position, entity.end - position, entity.type, entity.key))
            index += 1
        cache.put(body, gazetteer, mine)
        out[number] = mine
        position += len(body) + 1
    return out
