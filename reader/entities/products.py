"""Products from the shape of the text: what a list of names cannot know.

The model learns products from labelled titles of books, films and games; news about technology
names apps, devices and models it has never seen. Their shape gives them away (on folded text:
Simplified, Latin in lower case):

* a model number: Latin letters with digits (`Qwen3`, `SU7`, `GPT-4o`, `H20`), or a name with a
  version and an edition after it (`HunyuanImage 3.0`, `iPhone 17 Pro`, `Mate 60 Pro`);
* a name and the word for what it is: `豆包手机`, `华为平板`, `小米汽车 SU7`;
* a name before `App`, `客户端` or `小程序` (the name is the product, the word is not);
* a title in 《》 that no other mention claims and that is not a law or a document;
* a Latin word written as products are and common words are not (iPad, ChatGPT), and a website
  the pretrained analyser calls a proper noun (当当网), that the model left alone.

A "name" here is a mention the model found, or a word the pretrained analyser tags as a proper
noun or organisation (`reader.entities.pretrained`), so these rules work best with it.
"""

from __future__ import annotations

import bisect
import re

from reader.entities import pretrained
from reader.entities.mentions import ORG, PERSON, PLACE, PRODUCT

Mention = tuple[int, int, str]

#: What a product is called after its brand's name (豆包手机, 华为平板, 文心大模型).
PRODUCT_WORDS = ("手机", "平板", "电脑", "笔记本", "耳机", "手表", "手环", "音箱", "眼镜", "大模型", "助手",
                 "浏览器", "输入法", "网盘", "云盘")
#: Words that make a product with a model's name after them (小米汽车 SU7), a company without (通用汽车).
MODEL_WORDS = ("汽车", "电视")
#: What follows a product's name without being part of it (元宝App is 元宝).
_APP = re.compile(r" ?(?:app|客户端|小程序|应用)(?![a-z])")
#: Latin letters and digits together, at least one of each (qwen3, su7, gpt-4o, h20, m4); not a
#: name with a year (wcg2011, cpl2011: events).
_MODEL_NUMBER = re.compile(r"(?<![a-z0-9])(?=[a-z0-9-]*[a-z])(?=[a-z0-9-]*\d)(?![a-z-]*(?:19|20)\d\d(?![a-z0-9]))"
                           r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?![a-z0-9])")
#: A version and editions after a name: ` 3.0`, `3`, ` 17 pro`, ` 2.5 pro`, `-instruct`.
_VERSION = re.compile(r"(?: ?\d{1,3}(?:\.\d+)*[a-z]?(?![\d.年月日号个家亿万%]))?"
                      r"(?:[ -](?:pro|max|plus|ultra|mini|air|lite|se|turbo|flash|instruct|preview|thinking|edition|"
                      r"note|fold|flip)(?![a-z]))*")
#: Latin words for what a product is, after a brand (Apple Watch, Vision Pro).
_LATIN_PRODUCT_WORDS = frozenset({"watch", "pad", "phone", "book", "tv", "vision", "pods", "buds", "band", "pay"})
_YEAR_AT_END = re.compile(r"(?<!\d)(?:19|20)\d\d$")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*")
_WHOLE_LATIN_WORD = re.compile(r"(?<![a-z0-9])[a-z][a-z0-9]*(?![a-z0-9])")
#: Titles of what is not a product: laws, rules, reports, treaties.
_DOCUMENT = re.compile(r"(?:法|条例|规定|办法|意见|通知|决定|决议|公约|协议|协定|条约|纲要|规划|计划|"
                       r"报告|方案|声明|宣言|细则|准则|标准|指南|白皮书|章程|规则|通告|公告|批复|指引|目录)$")
_TITLE = re.compile(r"《([^《》\n]{1,30})》")
#: Analyser classes that name something.
_NAME_CLASSES = ("nz", "ORG", "nw")


def analyser_words(analysed: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """(start, end, class) of each word the analyser read that starts in analysed[start:end]
    (a word the slice cuts ends at the slice's end)."""
    import numpy as np

    end = len(analysed) if end is None else end
    codes = np.frombuffer(analysed[start:end].encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    read = codes != ord(pretrained.UNREAD)
    index = np.where(read, codes - 0x100, 0)
    place = index % len(pretrained.PLACES)
    first = np.flatnonzero(read & (place <= pretrained.PLACES.index("B")))  # S or B: a word starts.
    last = np.flatnonzero(read & ((place == pretrained.PLACES.index("S")) | (place == pretrained.PLACES.index("E"))))
    ends = np.append(last + 1, len(codes))[np.searchsorted(last, first)]
    classes = index[first] // len(pretrained.PLACES)
    return [(int(s) + start, int(e) + start, pretrained.TAGS[c]) for s, e, c in zip(first, ends, classes)]


def find(body: str, folded: str, analysed: str | None, mentions: list[Mention]) -> list[Mention]:
    """The model's mentions with the products their shape shows: new ones, and mentions turned
    into products (a name before `App`). Sorted, never overlapping."""
    mentions = sorted(mentions)
    words = analyser_words(analysed) if analysed is not None else []
    names = {(s, e): kind for s, e, kind in mentions}
    for start, end, kind in words:
        if kind in _NAME_CLASSES and (start, end) not in names and not _overlapping(mentions, start, end):
            names[(start, end)] = "word:" + kind
    found: list[Mention] = []
    for (start, end), kind in names.items():
        if kind in (PERSON, PLACE):
            continue
        # A brand: a product, a proper noun, or a short organisation (华为, not 美国海军 before F-18).
        brand = kind in (PRODUCT, "word:nz") or (kind in (ORG, "word:ORG") and end - start <= 3)
        product_word = next((w for w in PRODUCT_WORDS + MODEL_WORDS if folded.startswith(w, end)), None)
        after_word = _model_after(folded, end + len(product_word)) if product_word else None
        model = _model_after(folded, end)
        if _APP.match(folded, end):
            found.append((start, end, PRODUCT))  # 元宝App: the name is the product.
        elif brand and product_word and (after_word or product_word in PRODUCT_WORDS):
            found.append((start, after_word or end + len(product_word), PRODUCT))  # 豆包手机, 小米汽车 SU7
        elif brand and model:
            found.append((start, model, PRODUCT))  # 华为 Mate 60 Pro, Apple Watch, 小米汽车 SU7
        elif kind == ORG and _ends_in_model_number(folded, start, end):
            found.append((start, end, PRODUCT))  # A company's name never ends in a model number.
        elif kind == PRODUCT:
            found.append((start, version(folded, end), PRODUCT))  # ChatGPT 5
        elif kind == "word:nz" and end - start >= 3 and folded[end - 1] == "网":
            found.append((start, end, PRODUCT))  # A website the model left alone: 当当网.
        elif brand and folded[end - 1 : end].isascii() and folded[end - 1 : end].isalpha():
            versioned = version(folded, end)  # Windows 11, 华为Mate 60 Pro
            if re.search(r"\d", folded[end:versioned]):
                found.append((start, versioned, PRODUCT))
    for match in _MODEL_NUMBER.finditer(folded):
        found.append((match.start(), version(folded, match.end()), PRODUCT))  # Qwen3, SU7
    for match in _WHOLE_LATIN_WORD.finditer(folded):
        start, end = match.span()
        if _product_like(body, start, end) and not _overlapping(mentions, start, end):
            found.append((start, version(folded, end), PRODUCT))  # iPad, whatever the analyser says.
    for match in _TITLE.finditer(folded):
        start, end = match.span(1)
        inside = [m for m in _overlapping(mentions, start, end) if start <= m[0] and m[1] <= end and m[2] != PRODUCT]
        if not _DOCUMENT.search(match.group(1)) and not inside:
            found.append((start, end, PRODUCT))  # 《王者荣耀》; 《上海新娘》 keeps its place.
    return _merge(mentions, found)


def _overlapping(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    """The mentions that overlap [start, end), of sorted mentions that never overlap each other."""
    index = max(0, bisect.bisect_left(mentions, (start,)) - 1)
    found = []
    while index < len(mentions) and mentions[index][0] < end:
        if mentions[index][1] > start:
            found.append(mentions[index])
        index += 1
    return found


def _ends_in_model_number(folded: str, start: int, end: int) -> bool:
    return any(match.end() == end for match in _MODEL_NUMBER.finditer(folded, start, end))


def _product_like(body: str, start: int, end: int) -> bool:
    """A Latin word written as products are and common words are not: a capital after its first
    letter or a digit (iPad, ChatGPT, WeChat, M4); not Chatbot, AI or CEO."""
    word = body[start:end]
    return word.isascii() and word.isalnum() and (any(c.isdigit() for c in word) or (
        any(c.islower() for c in word) and any(c.isupper() for c in word[1:])))


def version(folded: str, end: int) -> int:
    """The end of a version and editions after a name (` 3.0`, ` 17 pro`, `-instruct`), or `end`."""
    match = _VERSION.match(folded, end)
    return match.end() if match else end


def _model_after(folded: str, end: int) -> int | None:
    """The end of a model's name right after a brand or a product word (` su7`, `mate 60 pro`,
    ` watch`), or None."""
    position = end + 1 if folded.startswith(" ", end) else end
    latin = _LATIN_WORD.match(folded, position)
    if latin is None or _YEAR_AT_END.search(latin.group()):
        return None  # Not a model: wcg2011 is an event of a year.
    after = version(folded, latin.end())
    if re.search(r"\d", folded[latin.start() : after]) or latin.group() in _LATIN_PRODUCT_WORDS:
        return after
    return None


def _merge(mentions: list[Mention], products: list[Mention]) -> list[Mention]:
    """Mentions and products without overlaps: a product wins over the mentions it covers and
    over a shorter product; a mention that crosses a product's edge or holds it keeps its place
    (q1大厦 is a place)."""
    chosen: list[Mention] = []
    taken: set[int] = set()
    for start, end, kind in sorted(set(products), key=lambda m: (m[0] - m[1], m[0])):
        if not taken.intersection(range(start, end)) and all(
            start <= s and e <= end for s, e, _ in _overlapping(mentions, start, end)
        ):
            chosen.append((start, end, kind))
            taken.update(range(start, end))
    for start, end, kind in mentions:
        if not taken.intersection(range(start, end)):
            chosen.append((start, end, kind))
    return sorted(chosen)
