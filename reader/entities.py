"""Named entities: people, organisations, products, places, money, dates and percentages.

Three sources, merged so that the longest mention wins where they overlap:

* a gazetteer (`reader/data/entities.tsv` plus the user's own file), matched on folded text, so
  Traditional and Simplified forms and any Latin case all match;
* patterns for money, dates and percentages (`10億元`, `4個億`, `2025年第三季度`, `1月26日`, `21%`);
* jieba's part-of-speech tags, run on the Simplified form of the text (never HMM on Traditional
  text: it is 50 times slower), for people and places the gazetteer does not know, filtered hard
  because raw tags are noisy (元宝 as a person, 入口 as a place).

Every offset is a code-point offset into the original body: folding and conversion keep lengths.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from reader import paths
from reader.mentions import DATE, MONEY, NAME_TYPES, ORG, PERCENT, PERSON, PLACE, PRODUCT, TYPES, Entity
from reader.script import SIMPLIFIED, convert, fold

#: Bump when detection changes, so cached results are not reused.
DETECTOR_VERSION = 5

_BUNDLED = Path(__file__).parent / "data" / "entities.tsv"


class GazetteerError(Exception):
    """A line of a gazetteer file that cannot be used; the message names file and line."""


_NEVER = re.compile(r"(?!)")


@dataclass(frozen=True)
class _Entry:
    type: str
    name: str
    not_before: re.Pattern = _NEVER
    """What may not follow a mention (聯想 is Lenovo, but not in 聯想起)."""


class Gazetteer:
    """Names to find, keyed by their folded form; built from one or more TSV files."""

    def __init__(self, entries: dict[str, _Entry], digest: str) -> None:
        self.entries = entries
        self.digest = digest
        names = sorted(entries, key=len, reverse=True)  # Longest first: alternation is ordered.
        self._pattern = re.compile("|".join(re.escape(name) for name in names)) if names else None

    @classmethod
    def load(cls, given: Path | None = None) -> "Gazetteer":
        """The bundled gazetteer, extended by the user's (`given`, or the one in the config folder)."""
        files = [_BUNDLED]
        extra = paths.user_gazetteer(given)
        if extra is not None:
            files.append(extra)
        entries: dict[str, _Entry] = {}
        digest = hashlib.sha1(str(DETECTOR_VERSION).encode())
        for path in files:
            text = _read(path)
            digest.update(text.encode("utf-8"))
            entries.update(_parse(path, text))
        return cls(entries, digest.hexdigest()[:16])

    def find(self, folded: str) -> list[Entity]:
        """Gazetteer mentions in folded text (longest name at each position)."""
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
            found.append(Entity(start, end, entry.type, entry.name))
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
        if len(fields) < 2 or fields[0] not in NAME_TYPES or not fields[1].strip():
            raise GazetteerError(
                f"{path}:{number}: expected 'type<TAB>name[<TAB>other|names[<TAB>not|before]]' with a type of "
                f"{', '.join(NAME_TYPES)}"
            )
        yield number, fields


def check_file(path: Path) -> None:
    """Raise GazetteerError if a user's gazetteer cannot be read or has a malformed line."""
    for _ in _rows(path, _read(path)):
        pass


def _parse(path: Path, text: str) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for _, fields in _rows(path, text):
        exceptions = [fold(e) for e in fields[3].split("|") if e] if len(fields) > 3 else []
        not_before = re.compile("|".join(map(re.escape, exceptions))) if exceptions else _NEVER
        entry = _Entry(fields[0], fields[1].strip(), not_before)
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


_VERSION = re.compile(r" ?\d+(?:\.\d+)*(?:-[a-z]+)?(?![\d.])")


def _with_version(folded: str, end: int) -> int:
    """`混元圖像3.0`, `HunyuanImage 3.0-Instruct`, `Qwen3`: a version belongs to the product."""
    match = _VERSION.match(folded, end)
    return match.end() if match else end


# -- money, dates, percentages (on folded text: Simplified characters, ASCII digits) --------------

_NUMBER = r"\d+(?:[.,]\d+)*"
_CURRENCY = r"(?:元|港元|港币|美元|美金|人民币|欧元|日元|英镑|块钱)"
_MONEY = re.compile(
    rf"{_NUMBER}(?:万亿|[十百千万亿兆])*{_CURRENCY}"  # 10亿元, 5兆港元, 362亿元
    rf"|{_NUMBER}个亿"  # 4个亿
    rf"|{_NUMBER}[万亿]现金"  # 10亿现金
    rf"|(?<![\d万亿])[万亿]元"  # 万元
)
_DATE = re.compile(
    r"(?<!\d)(?:1[5-9]|20)\d\d年(?!前|后|间|内|代|来)"
    r"(?:第[一二三四1-4]季度|[qQ][1-4]|[上下]半年|\d{1,2}月(?:\d{1,2}[日号])?|初|底|末)?"
    r"|(?<!\d)(?:1[0-2]|0?[1-9])月(?:[0-3]?\d[日号]|初|末|底|中旬|上旬|下旬|头一周)?(?!份?[以之]?[前后内间])"
)
_PERCENT = re.compile(rf"{_NUMBER}%")


def find_patterns(folded: str) -> list[Entity]:
    found = []
    for kind, pattern in ((MONEY, _MONEY), (DATE, _DATE), (PERCENT, _PERCENT)):
        for match in pattern.finditer(folded):
            found.append(Entity(match.start(), match.end(), kind, match.group()))
    return found


# -- jieba ----------------------------------------------------------------------------------------

_jieba_lock = threading.Lock()
_jieba_words: set[str] = set()

#: The common surnames (Simplified) a jieba person must start with.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤雷"
)
#: jieba tags these as names or places; in news text they rarely are.
_NOT_NAMES = {"高达", "高峰", "高阶", "周", "马拉松", "元宝", "万元", "金额", "石头", "江湖", "堰塞湖", "城市"}
_PLACE_SUFFIX = re.compile(r"(?:国|省|市|县|区|州|岛|洲|湾|港|山|江|河|湖)$")
#: Function characters that do not appear in given names (錢不缺, 向本州 are not people).
_NOT_IN_GIVEN_NAMES = set("不没的地得了着过是在和与及或向从把被对于上下本之而其也就都这那个们吗呢吧啊很更最还再又已才")
#: A name is rare in jieba's dictionary; common words tagged nr are not names.
_NAME_MAX_FREQUENCY = 30


def _jieba(gazetteer: Gazetteer):
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


def find_with_jieba(body: str, gazetteer: Gazetteer) -> list[Entity]:
    """People and places jieba finds in the Simplified text, after strict filters.

    Words come from `jieba.cut` (its HMM finds unknown names) and tags from jieba's dictionary:
    five times faster than `posseg`, whose second HMM only guesses tags for unknown words, which
    the filters below would judge anyway.
    """
    jieba = _jieba(gazetteer)
    simplified = convert(body, SIMPLIFIED)
    frequency = jieba.dt.FREQ
    tags = _word_tags()
    tokens = []
    position = 0
    for piece in _pieces(simplified):
        for word in jieba.cut(piece, HMM=True):
            tag = tags.get(word) or ("unknown" if _is_han(word) else "x")
            tokens.append((position, word, tag))
            position += len(word)
    found = _dotted_names(tokens)
    for start, word, tag in tokens:
        end = start + len(word)
        if fold(word) in gazetteer.entries or word in _NOT_NAMES:
            continue
        if (tag == "nr" or (tag == "unknown" and len(word) == 3)) and _looks_like_person(word, frequency):
            found.append(Entity(start, end, PERSON, fold(word)))
        elif tag == "ns" and len(word) >= 3 and _PLACE_SUFFIX.search(word) and frequency.get(word, 0) > 0:
            found.append(Entity(start, end, PLACE, fold(word)))
    return found


#: jieba is fed pieces of about this many characters, cut after a line or sentence end: it
#: splits its whole input with one regular expression first, holding the interpreter meanwhile,
#: which for a long article froze the UI for a noticeable moment.
PIECE = 2000
_PIECE_END = re.compile(r"[\n。！？!?]")


def _pieces(text: str):
    start = 0
    while start < len(text):
        end = min(len(text), start + PIECE)
        if end < len(text):
            cut = _PIECE_END.search(text, end, min(len(text), end + PIECE))
            end = cut.end() if cut else end
        yield text[start:end]
        start = end


def _word_tags() -> dict[str, str]:
    import jieba.posseg

    jieba.posseg.dt.makesure_userdict_loaded()  # Brings in the tags add_word gave.
    return jieba.posseg.dt.word_tag_tab


def _is_han(word: str) -> bool:
    return all("\u4e00" <= char <= "\u9fff" for char in word)


_NAME_TAGS = {"nr", "nrt", "nrfg", "ns", "nz", "eng", "unknown"}
_NAME_DOTS = {"·", "・", "•", "‧"}
_PERSON_TAGS = {"nr", "nrt", "nrfg", "unknown"}


def found_end(found: list[Entity]) -> int:
    return found[-1].end if found else 0


def _dotted_names(tokens: list[tuple[int, str, str]]) -> list[Entity]:
    """Foreign names written with a middle dot (乔治·华盛顿): name-like tokens joined by dots."""
    found = []
    index = 0
    while index < len(tokens):
        end_index = index
        while (
            end_index + 2 < len(tokens)
            and tokens[end_index + 1][1] in _NAME_DOTS
            and tokens[end_index][2] in _NAME_TAGS
            and tokens[end_index + 2][2] in _NAME_TAGS
        ):
            end_index += 2
        if end_index > index:
            while index > 0 and tokens[index - 1][2] in _PERSON_TAGS and found_end(found) <= tokens[index - 1][0]:
                index -= 1  # 鲁 + 弗斯·金: jieba cut the first name.
            while end_index + 1 < len(tokens) and tokens[end_index + 1][2] in _PERSON_TAGS:
                end_index += 1  # 麦克 + 亨利
            start = tokens[index][0]
            end = tokens[end_index][0] + len(tokens[end_index][1])
            name = "".join(word for _, word, _ in tokens[index : end_index + 1])
            found.append(Entity(start, end, PERSON, fold(name)))
        index = end_index + 1
    return found


def _looks_like_person(word: str, frequency: dict[str, int]) -> bool:
    if not 2 <= len(word) <= 3 or word[0] not in SURNAMES or not _is_han(word):
        return False
    if frequency.get(word, 0) > _NAME_MAX_FREQUENCY:
        return False
    given = word[1:]
    if any(char in _NOT_IN_GIVEN_NAMES for char in given):
        return False
    return len(given) == 1 or frequency.get(given, 0) < 50


# -- all together ---------------------------------------------------------------------------------

_PRIORITY = {"gazetteer": 0, "pattern": 1, "jieba": 2}


def resolve(candidates: list[tuple[Entity, int]]) -> list[Entity]:
    """Keep the longest of overlapping mentions (then the more trusted source), sorted by start."""
    chosen: list[Entity] = []
    taken = bytearray(max((e.end for e, _ in candidates), default=0))
    for entity, _ in sorted(candidates, key=lambda c: (-(c[0].end - c[0].start), c[1], c[0].start)):
        if not any(taken[entity.start : entity.end]):
            chosen.append(entity)
            taken[entity.start : entity.end] = b"\x01" * (entity.end - entity.start)
    return sorted(chosen)


def detect(body: str, gazetteer: Gazetteer, *, use_jieba: bool = True, folded: str | None = None) -> list[Entity]:
    """Entities in `body`; `folded` may pass its folded form if it is at hand."""
    folded = folded if folded is not None else fold(body)
    candidates = [(e, _PRIORITY["gazetteer"]) for e in gazetteer.find(folded)]
    candidates += [(e, _PRIORITY["pattern"]) for e in find_patterns(folded)]
    if use_jieba:
        candidates += [(e, _PRIORITY["jieba"]) for e in find_with_jieba(body, gazetteer)]
    return resolve(candidates)


class EntityCache:
    """Results on disk, keyed by the text and the gazetteer, so an edit is never served stale."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or paths.cache_dir() / "entities"

    def _path(self, body: str, gazetteer: Gazetteer, quick: bool) -> Path:
        key = hashlib.sha1(body.encode("utf-8")).hexdigest()[:24]
        return self.folder / f"{key}-{gazetteer.digest}{'-quick' if quick else ''}.json"

    def get(self, body: str, gazetteer: Gazetteer, *, quick: bool = False) -> list[Entity] | None:
        """Cached results (`quick`: those found without jieba), or None."""
        try:
            rows = json.loads(self._path(body, gazetteer, quick).read_text(encoding="utf-8"))
            entities = [Entity(int(s), int(e), t, k) for s, e, t, k in rows]
        except (OSError, ValueError, TypeError):
            return None  # Missing or unreadable: detect again.
        if any(not (0 <= e.start < e.end <= len(body)) or e.type not in TYPES for e in entities):
            return None
        return entities

    def put(self, body: str, gazetteer: Gazetteer, entities: list[Entity], *, quick: bool = False) -> None:
        from reader.storage import atomic_write_text

        rows = [[e.start, e.end, e.type, e.key] for e in entities]
        try:
            atomic_write_text(self._path(body, gazetteer, quick), json.dumps(rows, ensure_ascii=False))
        except OSError:
            pass  # A cache that cannot be written only costs time.


def detect_cached(body: str, gazetteer: Gazetteer, cache: EntityCache) -> list[Entity]:
    cached = cache.get(body, gazetteer)
    if cached is not None:
        return cached
    entities = detect(body, gazetteer)
    cache.put(body, gazetteer, entities)
    return entities
