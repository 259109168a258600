"""The dictionary: every CC-CEDICT entry, found in either script, longest match first, pinyin in
every style, pypinyin for what CC-CEDICT lacks, and `reader define` as a user runs it."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SEED_FILE
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.cli.dictionary import PINYIN_STYLES
from reader.dictionary import (
    CEDICT,
    PYPINYIN,
    STYLES,
    CrossReference,
    Dictionary,
    PinyinStyle,
    brief_sense,
    format_pinyin,
    format_sense,
    marks_to_numbers,
    parse_references,
    readable_sense,
)
from reader.dictionary.pinyin import _split, syllable_to_zhuyin
from reader.dictionary.reverse import (
    Gloss,
    Syllable,
    _ranks,
    english_words,
    entry_syllables,
    entry_tier,
    gloss_tier,
    glosses,
    parse_pinyin,
    pinyin_key,
)
from reader.text.conversion import SIMPLIFIED, convert, fold
from reader.text.sentences import sentence_span

TITLE = "馬化騰最新內部演講,透露騰訊AI的5個關鍵點"


@pytest.fixture(scope="session")
def xdg_cache(tmp_path_factory) -> Path:
    """One cache folder for the session (the dictionary's cache file is made once, ~1 s)."""
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(scope="session")
def dictionary(xdg_cache: Path) -> Dictionary:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(xdg_cache))
        return Dictionary.load()


@pytest.fixture(scope="session")
def indexed(dictionary: Dictionary) -> Dictionary:
    """The dictionary with its pinyin and English index built in the session's cache folder, where
    `reader define` finds it (the first build says so on stderr)."""
    dictionary.reverse()
    return dictionary


def texts(matches) -> list[str]:
    return [match.text for match in matches]


# -- look-ups ---------------------------------------------------------------------------------------


def test_every_entry_is_kept_both_yuanbao(dictionary: Dictionary):
    entries = dictionary.lookup("元寶")
    assert {(e.traditional, e.simplified, e.pinyin) for e in entries} == {
        ("元寶", "元宝", "yuan2 bao3"), ("元寶", "元宝", "Yuan2 bao3"),
    }
    # The common word first: it is what a status line shows.
    assert entries[0].pinyin == "yuan2 bao3" and entries[0].senses[0] == "a silver or gold ingot"
    assert [e.pinyin for e in dictionary.lookup("兒")] == ["er2", "r5"]
    assert len(dictionary) > 120_000


def test_both_scripts_find_the_same_entries(dictionary: Dictionary):
    assert dictionary.lookup("元宝") == dictionary.lookup("元寶")
    assert dictionary.lookup("腾讯") == dictionary.lookup("騰訊")
    assert dictionary.lookup("臺灣")[0].simplified == "台湾"
    assert dictionary.lookup("沒有這個詞") == []


def test_latin_script_entries_in_any_case_and_width(dictionary: Dictionary):
    assert [e.traditional for e in dictionary.lookup("3C")] == ["3C"]
    assert dictionary.lookup("3c") == dictionary.lookup("3C") == dictionary.lookup("３Ｃ")
    assert dictionary.lookup("996")[0].pinyin == "jiu3 jiu3 liu4"
    assert dictionary.lookup("aa制")[0].traditional == "AA制"
    # A Latin word counts only whole.
    assert texts(dictionary.matches_at("3C產品", 0)) == ["3C"]
    assert dictionary.matches_at("3Cs", 0) == []
    assert dictionary.matches_at("x3C", 1) == []


def test_longest_match_first_zhongwen_rule(dictionary: Dictionary):
    text = "騰訊控股有限公司的股價"
    assert texts(dictionary.matches_at(text, 0)) == ["騰訊控股有限公司", "騰訊", "騰"]
    assert texts(dictionary.matches_at(text, 4)) == ["有限公司", "有限", "有"]
    assert dictionary.longest_at(text, 9).text == "股價"
    assert dictionary.matches_at(text, len(text)) == [] and dictionary.matches_at(text, -1) == []


@pytest.mark.parametrize(("cursor", "expected"), [
    (0, ["馬化騰", "馬"]),
    (3, ["最新", "最"]),
    (5, ["內部", "內"]),
    (9, []),  # The comma.
    (12, ["騰訊", "騰"]),
    (14, []),  # AI: not an entry.
    (19, ["關鍵", "關"]),
])
def test_longest_match_at_cursor_positions_in_a_seed_title(dictionary: Dictionary, cursor, expected, seed_corpus):
    assert seed_corpus.articles[0].title == TITLE
    matches = dictionary.matches_at(TITLE, cursor)
    assert texts(matches) == expected
    for match in matches:
        assert (match.start, match.end) == (cursor, cursor + len(match.text)) and match.entries


def test_matches_in_the_simplified_view_are_the_same_words(dictionary: Dictionary):
    simplified = convert(TITLE, SIMPLIFIED)
    assert simplified != TITLE and len(simplified) == len(TITLE)
    for cursor in range(len(TITLE)):
        original = dictionary.matches_at(TITLE, cursor)
        converted = dictionary.matches_at(simplified, cursor)
        # The same words, with the same entries and more where one Simplified character stands
        # for several Traditional ones (个 for 個 and 箇); the first, what a status line shows, the same.
        assert [(m.start, m.end) for m in converted] == [(m.start, m.end) for m in original]
        for shown, source in zip(converted, original):
            assert set(source.entries) <= set(shown.entries) and shown.entries[0] == source.entries[0]
    assert texts(dictionary.matches_at(simplified, 0)) == ["马化腾", "马"]


def test_segments_step_word_by_word(dictionary: Dictionary):
    words = dictionary.segments("騰訊控股有限公司的股價")
    assert texts(words) == ["騰訊控股有限公司", "的", "股價"]
    assert [(w.start, w.end) for w in words] == [(0, 8), (8, 9), (9, 11)]


seed_text = SEED_FILE.read_text(encoding="utf-8")[:3000]


@settings(max_examples=200, deadline=None)
@given(start=st.integers(0, len(seed_text) - 40), size=st.integers(1, 40), cursor=st.integers(0, 45))
def test_every_match_is_the_text_at_its_offsets(dictionary: Dictionary, start, size, cursor):
    text = seed_text[start : start + size]
    matches = dictionary.matches_at(text, cursor)
    lengths = [m.end - m.start for m in matches]
    assert lengths == sorted(set(lengths), reverse=True)
    for match in matches:
        assert match.start == cursor and text[match.start : match.end] == match.text
        assert all(fold(match.text) in (fold(e.traditional), fold(e.simplified)) for e in match.entries)


# -- pypinyin fallback ------------------------------------------------------------------------------


def test_a_word_missing_from_cc_cedict_falls_back_to_pypinyin(dictionary: Dictionary):
    assert dictionary.lookup("元寶派") == []
    reading = dictionary.reading("元寶派")
    assert (reading.pinyin, reading.source) == ("yuan2 bao3 pai4", PYPINYIN)
    assert reading.pinyin_as(PinyinStyle.MARKS) == "yuán bǎo pài"
    assert reading.pinyin_as(PinyinStyle.ZHUYIN) == "ㄩㄢˊ ㄅㄠˇ ㄆㄞˋ"
    known = dictionary.reading("馬化騰")
    assert (known.pinyin_as(), known.source) == ("Mǎ Huà téng", CEDICT)
    # pypinyin's ü (v) comes back as CC-CEDICT's u:, Latin text as it is.
    assert dictionary.reading("綠了嗎").pinyin == "lu:4 le5 ma5"
    assert dictionary.reading("hello").pinyin == "hello"


# -- pinyin ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("numbers", "marks"), [
    ("ma1 ma2 ma3 ma4 ma5", "mā má mǎ mà ma"),  # Every tone; 5 is neutral: no mark.
    ("hao3 lei4 ke4", "hǎo lèi kè"),  # a, then e, take the mark.
    ("gou3 Ou1 zhou1", "gǒu Ōu zhōu"),  # The o of ou.
    ("liu2 gui4 huo3 xiong2", "liú guì huǒ xióng"),  # Otherwise the last vowel.
    ("lu:e4 nu:3 lu:4", "lüè nǚ lǜ"),  # u: is ü.
    ("lve4 nv3", "lüè nǚ"),  # So is pypinyin's v.
    ("er2 r5", "ér r"),
    ("Ma3 Hua4 teng2", "Mǎ Huà téng"),  # Capitals kept.
    ("san1 C", "sān C"),  # Not a syllable: as it is.
    ("m2 ng2", "ḿ ńg"),
    ("Ke1 er3 ke4 · Dao4 ge2 la1 si1", "Kē ěr kè · Dào gé lā sī"),
])
def test_tone_numbers_to_marks_for_every_vowel_rule(numbers, marks):
    assert format_pinyin(numbers, PinyinStyle.MARKS) == marks
    assert format_pinyin(numbers, "marks") == marks


def test_numbers_style_spells_u_umlaut():
    assert format_pinyin("lu:e4 Ma3", PinyinStyle.NUMBERS) == "lüe4 Ma3"


@pytest.mark.parametrize(("numbers", "zhuyin"), [
    ("Ma3 Hua4 teng2", "ㄇㄚˇ ㄏㄨㄚˋ ㄊㄥˊ"),
    ("de5", "˙ㄉㄜ"),  # The neutral tone's dot comes before the syllable.
    ("zhi1 ci2 ri4", "ㄓ ㄘˊ ㄖˋ"),  # The initial alone.
    ("ju2 que4 xuan3 lu:e4", "ㄐㄩˊ ㄑㄩㄝˋ ㄒㄩㄢˇ ㄌㄩㄝˋ"),  # u after j, q, x is ü.
    ("yi1 wu3 yu2 you3 wei4 yong4", "ㄧ ㄨˇ ㄩˊ ㄧㄡˇ ㄨㄟˋ ㄩㄥˋ"),
    ("liu2 gui4 dun1", "ㄌㄧㄡˊ ㄍㄨㄟˋ ㄉㄨㄣ"),  # iu, ui, un written out.
    ("er2 r5", "ㄦˊ ˙ㄦ"),
    ("san1 C", "ㄙㄢ C"),
])
def test_zhuyin(numbers, zhuyin):
    assert format_pinyin(numbers, PinyinStyle.ZHUYIN) == zhuyin


_EVERY_SYLLABLE: list[str] = []


def _all_syllables(dictionary: Dictionary) -> list[str]:
    """Every syllable in the dictionary's pinyin."""
    if _EVERY_SYLLABLE:
        return _EVERY_SYLLABLE
    syllables: set[str] = set()
    for line in dictionary.data[dictionary.base :].split(b"\n")[: len(dictionary)]:
        pinyin = line.split(b"[", 1)[1].split(b"]", 1)[0].decode("utf-8")
        syllables.update(token for token in pinyin.split() if _split(token))
    _EVERY_SYLLABLE.extend(sorted(syllables))
    return _EVERY_SYLLABLE


def test_zhuyin_agrees_with_pypinyin_on_the_dictionarys_syllables(dictionary: Dictionary):
    from pypinyin.style.bopomofo import BopomofoConverter

    converter = BopomofoConverter()
    syllables = [s for s in _all_syllables(dictionary) if not s.endswith("5") and s.lower()[:-1] not in {"m", "hm"}]
    assert len(syllables) > 1000
    wrong = [s for s in syllables if syllable_to_zhuyin(s) != converter.to_bopomofo("".join(_split(s.lower())))]
    assert wrong == []


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_marks_back_to_numbers_round_trip(dictionary: Dictionary, data):
    syllables = _round_trip_syllables(dictionary)
    words = data.draw(st.lists(st.sampled_from(syllables), min_size=1, max_size=5))
    numbers = " ".join(words)
    marked = format_pinyin(numbers, PinyinStyle.MARKS)
    assert not any(char.isdigit() for char in marked)
    assert marks_to_numbers(marked) == numbers


_SYLLABLES: list[str] = []


def _round_trip_syllables(dictionary: Dictionary) -> list[str]:
    """Syllables a tone mark can carry back: 5 and the r of erhua have none to read."""
    if not _SYLLABLES:
        _SYLLABLES.extend(s for s in _all_syllables(dictionary) if s[-1] in "1234" and s.lower() not in {"r1"})
    return _SYLLABLES


# -- cross-references ---------------------------------------------------------------------------------------


def test_cross_references_are_parsed():
    assert parse_references("see 騰訊控股有限公司|腾讯控股有限公司[Teng2 xun4 Kong4 gu3 You3 xian4 Gong1 si1]") == [
        CrossReference("see", "騰訊控股有限公司", "腾讯控股有限公司", "Teng2 xun4 Kong4 gu3 You3 xian4 Gong1 si1"),
    ]
    assert parse_references("old variant of 花[hua1]") == [CrossReference("old variant of", "花", "花", "hua1")]
    assert parse_references("CL:個|个[ge4],位[wei4]") == [
        CrossReference("CL", "個", "个", "ge4"), CrossReference("CL", "位", "位", "wei4"),
    ]
    assert parse_references("also written 台灣|台湾[Tai2 wan1]")[0].kind == "also written"
    assert parse_references("(alternative for 拜拜[bai2 bai2])")[0].traditional == "拜拜"
    assert parse_references("to go Dutch") == []
    assert format_sense("variant of 略[lu:e4]") == "variant of 略[lüè]"


def test_cross_references_are_followed(dictionary: Dictionary):
    [tencent] = dictionary.lookup("騰訊")
    [reference] = tencent.references
    assert reference.kind == "see"
    [target] = dictionary.follow(reference)
    assert target.traditional == "騰訊控股有限公司" and "Tencent" in target.senses[0]
    # A reference with pinyin finds the entry with that pinyin, not the surname.
    [variant] = [e for e in dictionary.lookup("芲") if e.traditional == "芲"]
    assert [e.pinyin for e in dictionary.follow(variant.references[0])] == ["hua1"]


# -- the cache ----------------------------------------------------------------------------------------------

MINI = """# CC-CEDICT
#! version=1
元寶 元宝 [Yuan2 bao3] /Yuanbao district/
元寶 元宝 [yuan2 bao3] /a silver or gold ingot/
騰訊 腾讯 [Teng2 xun4] /see 騰訊控股有限公司|腾讯控股有限公司[Teng2 xun4 Kong4 gu3 You3 xian4 Gong1 si1]/
"""


def test_the_cache_is_remade_when_the_data_changes(tmp_path: Path):
    data = tmp_path / "mini.txt.gz"
    data.write_bytes(gzip.compress(MINI.encode("utf-8")))
    first = Dictionary.load(tmp_path / "cache", data)
    assert len(first) == 3 and len(first.lookup("元宝")) == 2
    assert (tmp_path / "cache").glob("dictionary-*.txt")
    again = Dictionary.load(tmp_path / "cache", data)
    assert again.stamp == first.stamp and again.lookup("騰訊") == first.lookup("騰訊")
    data.write_bytes(gzip.compress((MINI + "股價 股价 [gu3 jia4] /stock price/\n").encode("utf-8")))
    changed = Dictionary.load(tmp_path / "cache", data)
    assert changed.stamp != first.stamp and changed.lookup("股价")[0].senses == ("stock price",)
    # A cache file cut short is not trusted.
    [cache] = (tmp_path / "cache").glob("dictionary-*.txt")
    cache.write_bytes(cache.read_bytes()[:-10])
    assert len(Dictionary.load(tmp_path / "cache", data).lookup("股價")) == 1


# -- sentences ------------------------------------------------------------------------------------------------


def test_the_sentence_around_a_word():
    text = "他說：“我們不會。”馬化騰認為，騰訊的基本盤是堅實後盾。然後呢"
    expected = [("騰訊", "馬化騰認為，騰訊的基本盤是堅實後盾。"), ("我們", "他說：“我們不會。”"), ("然後", "然後呢")]
    for word, sentence in expected:
        start = text.index(word)
        first, last = sentence_span(text, start, start + len(word))
        assert text[first:last] == sentence


# -- reader define ------------------------------------------------------------------------------------------


def define(xdg_cache: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_CACHE_HOME": str(xdg_cache)}
    return subprocess.run([sys.executable, "-m", "reader", "define", *args], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=120)


def test_define_json_lists_every_entry(dictionary: Dictionary, xdg_cache: Path):
    result = define(xdg_cache, "元宝", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["pinyin"] for row in rows] == ["yuan2 bao3", "Yuan2 bao3"]
    assert set(rows[0]) == {"traditional", "simplified", "pinyin", "pinyin_marks", "senses"}
    assert rows[0]["pinyin_marks"] == "yuán bǎo" and rows[0]["traditional"] == "元寶"


def test_define_plain_in_each_pinyin_style(dictionary: Dictionary, xdg_cache: Path):
    marks = define(xdg_cache, "騰訊")
    assert marks.returncode == 0 and marks.stdout.splitlines()[0] == "騰訊 腾讯 [Téng xùn]"
    assert "see 騰訊控股有限公司 · 腾讯控股有限公司 (Téng xùn Kòng gǔ Yǒu xiàn Gōng sī)" in marks.stdout
    zhuyin = define(xdg_cache, "3c", "--pinyin", "zhuyin")
    assert zhuyin.stdout.splitlines()[0] == "3C [ㄙㄢ C]"


def test_define_a_missing_word_is_status_1_with_one_line(dictionary: Dictionary, xdg_cache: Path):
    result = define(xdg_cache, "元寶派")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == "reader: “元寶派” is not in CC-CEDICT (pypinyin reads it yuán bǎo pài)\n"


def test_the_cli_offers_every_pinyin_style():
    assert PINYIN_STYLES == STYLES


def test_senses_read_as_words_with_their_pinyin():
    sense = "see 騰訊控股有限公司|腾讯控股有限公司[Teng2 xun4 Kong4 gu3 You3 xian4 Gong1 si1]"
    assert readable_sense(sense) == "see 騰訊控股有限公司 · 腾讯控股有限公司 (Téng xùn Kòng gǔ Yǒu xiàn Gōng sī)"
    assert readable_sense("variant of 台[tai2]", PinyinStyle.NUMBERS) == "variant of 台 (tai2)"
    assert brief_sense(sense) == "see 騰訊控股有限公司" and brief_sense(sense, "simplified") == "see 腾讯控股有限公司"
    assert readable_sense("a period of time") == brief_sense("a period of time") == "a period of time"


# -- reverse look-up: pinyin and English ----------------------------------------------------------------


def first(dictionary: Dictionary, query: str, count: int) -> list[tuple[str, str]]:
    return [(entry.traditional, entry.pinyin) for entry in dictionary.find(query, count).entries]


#: A dozen and more queries a reader types, with what a dictionary app should list first.
RANKED = [
    ("horse", [("馬", "ma3"), ("馬匹", "ma3 pi3")]),  # A sense that is just "horse", the common word first.
    ("horses", [("馬", "ma3"), ("馬匹", "ma3 pi3")]),
    ("HORSE", [("馬", "ma3"), ("馬匹", "ma3 pi3")]),
    ("ma3", [("馬", "ma3"), ("馬", "Ma3")]),  # The common word before the surname.
    ("mǎ", [("馬", "ma3"), ("馬", "Ma3")]),
    ("ma", [("嗎", "ma5"), ("馬", "ma3")]),  # Any tone: the commonest first.
    ("mahua", [("麻花", "ma2 hua1"), ("馬化騰", "Ma3 Hua4 teng2")]),  # The whole pinyin, then longer words.
    ("Ma Huateng", [("馬化騰", "Ma3 Hua4 teng2")]),
    ("ma3 hua4 teng2", [("馬化騰", "Ma3 Hua4 teng2")]),
    ("ni3hao3", [("你好", "ni3 hao3")]),
    ("nǐ hǎo", [("你好", "ni3 hao3")]),
    ("nihao", [("你好", "ni3 hao3")]),
    ("beijing", [("北京", "Bei3 jing1"), ("背景", "bei4 jing3")]),
    ("zhongguo", [("中國", "Zhong1 guo2")]),
    ("xi'an", [("西安", "Xi1 an1")]),  # The apostrophe splits; `xian` is one syllable.
    ("shi", [("是", "shi4")]),
    ("fangan", [("方案", "fang1 an4"), ("反感", "fan3 gan3")]),  # Both ways of cutting it.
    ("China", [("中國", "Zhong1 guo2")]),
    ("Turkey", [("土耳其", "Tu3 er3 qi2")]),  # Written as the sense writes it: the country…
    ("turkey", [("火雞", "huo3 ji1")]),  # …or the bird.
    ("ice cream", [("冰淇淋", "bing1 qi2 lin2"), ("冰激凌", "bing1 ji1 ling2")]),
    ("eat", [("吃", "chi1")]),
    ("to eat", [("吃", "chi1")]),
    ("news", [("新聞", "xin1 wen2")]),
    ("new", [("新", "xin1")]),  # News is not the plural of new.
    ("bank", [("銀行", "yin2 hang2")]),
    ("computer", [("計算機", "ji4 suan4 ji1"), ("電腦", "dian4 nao3")]),
    ("horseradish", [("辣根", "la4 gen1")]),
]


@pytest.mark.parametrize(("query", "expected"), RANKED)
def test_reverse_look_up_ranks_as_a_dictionary_app_does(dictionary: Dictionary, query, expected):
    assert first(dictionary, query, len(expected)) == expected


def test_an_exact_sense_comes_before_the_word_inside_a_longer_one(dictionary: Dictionary):
    found = [entry.traditional for entry in dictionary.find("horse").entries]
    # "horse", then "horse race" (the query and a word or two), then a long gloss with it inside.
    assert found.index("馬") < found.index("賽馬") < found.index("本末倒置")
    assert "辣根" not in found  # horseradish: a word is matched whole…
    assert "天線" not in [entry.traditional for entry in dictionary.find("ant").entries]  # …antenna too.
    # A classifier line is not English: 馬's `CL:匹[pi3]` is no "cl".
    assert "馬" not in [entry.traditional for entry in dictionary.find("cl").entries]


def test_the_whole_pinyin_comes_before_longer_words_and_tones_filter(dictionary: Dictionary):
    keys = [pinyin_key(letters for letters, _ in entry_syllables(e.pinyin)) for e in dictionary.find("ma").entries]
    assert max(i for i, key in enumerate(keys) if key == "ma") < min(i for i, key in enumerate(keys) if key != "ma")
    assert keys.count("ma") > 20 and "ma shang" in keys  # 馬上, after every 'ma'.
    assert all(entry.pinyin.split()[0].endswith("3") for entry in dictionary.find("ma3").entries)
    assert [e.pinyin for e in dictionary.find("lv4", 5).entries] == ["lu:4"] * 5
    assert first(dictionary, "lü4", 5) == first(dictionary, "lǜ", 5) == first(dictionary, "lu:4", 5) \
        == first(dictionary, "lv4", 5)
    assert first(dictionary, "lu4", 5) != first(dictionary, "lü4", 5)  # lu and lü are two syllables.
    assert first(dictionary, "nue4", 1) == [("虐", "nu:e4")]  # Only nüe exists: the ü may be left out.


def test_a_chinese_query_finds_what_it_always_did(dictionary: Dictionary):
    for word in ("騰訊", "元宝", "兒", "沒有這個詞", "ＡＡ制"):
        assert dictionary.find(word, 1) == (dictionary.lookup(word), False)
    # A Latin headword comes first, all of its entries, then what its letters mean in English.
    assert first(dictionary, "3c", 1) == [("3C", "san1 C")]
    assert first(dictionary, "word", 3)[0] == ("word", "w o r d") and len(first(dictionary, "word", 3)) == 3


def test_the_limit_and_whether_more_matched(dictionary: Dictionary):
    found = dictionary.find("horse", 5)
    assert len(found.entries) == 5 and found.more
    everything = dictionary.find("horse")
    assert everything.entries[:5] == found.entries and len(everything.entries) > 100 and not everything.more
    assert dictionary.find("Ma Huateng", 5) == (dictionary.find("Ma Huateng").entries, False)
    assert dictionary.find("xyzzy").entries == [] and dictionary.find("  ").entries == []


@pytest.mark.parametrize(("query", "readings"), [
    ("mahua", [("ma", None, "hua", None)]),
    ("ni3hao3", [("ni", "3", "hao", "3")]),
    ("nǐhǎo", [("ni", "3", "hao", "3")]),
    ("Ma Huateng", [("ma", None, "hua", None, "teng", None)]),
    ("xian", [("xian", None)]),  # Fewest syllables only…
    ("xi'an", [("xi", None, "an", None)]),  # …unless split.
    ("Xī’ān", [("xi", "1", "an", "1")]),
    ("fangan", [("fan", None, "gan", None), ("fang", None, "an", None)]),
    ("lv4", [("lv", "4")]), ("lü4", [("lv", "4")]), ("lǜ", [("lv", "4")]), ("lu:4", [("lv", "4")]),
    ("lu4", [("lu", "4")]),
    ("ju2", [("ju", "2")]), ("jü2", [("ju", "2")]),  # ü is written u after j, q, x, y.
    ("yidianr", [("yi", None, "dian", None, "r", None)]),
    ("ma5", [("ma", "5")]),
    ("horse", []), ("ma6", []), ("3", []), ("mǎ3", []), ("", []), ("ma!", []),
])
def test_pinyin_queries_are_cut_into_syllables(dictionary: Dictionary, query, readings):
    found = parse_pinyin(query, dictionary.reverse().inventory)
    assert sorted(tuple(part for s in reading for part in (s.letters, s.tone)) for reading in found) == readings


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_syllable_in_marks_numbers_or_none_is_one_key(dictionary: Dictionary, data):
    inventory = dictionary.reverse().inventory
    letters = data.draw(st.sampled_from(sorted(inventory)))
    tone = data.draw(st.sampled_from("12345"))
    written = letters.replace("v", "u:") + tone  # As CC-CEDICT writes it.
    if data.draw(st.booleans()):
        written = written.capitalize()
    ways = [written, written.replace("u:", "ü"), written.replace("u:", "v"), written.replace("u:", "U:")]
    marked = format_pinyin(written, PinyinStyle.MARKS)
    if marked != format_pinyin(written[:-1] + "5", PinyinStyle.MARKS):  # Not the neutral tone, nor r: no mark.
        ways.append(marked)
    for way in ways:
        assert parse_pinyin(way, inventory) == [(Syllable(letters, tone),)], way
    assert parse_pinyin(written.rstrip("12345"), inventory) == [(Syllable(letters, None),)]
    # And the dictionary's own pinyin goes under the same key.
    assert pinyin_key(syllable for syllable, _ in entry_syllables(written)) == letters


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_index_grades_one_word_as_a_query_does(dictionary: Dictionary, data):
    """The tiers kept in the index for a word alone are those `entry_tier` gives at query time."""
    index = dictionary.reverse()
    rank = data.draw(st.integers(0, len(dictionary) - 1))
    found = glosses(index._entry(rank).senses)
    words = sorted({word for gloss in found for word in (*gloss.words, *gloss.aside)})
    if not words:
        return
    word = data.draw(st.sampled_from(words))
    stored = {group for group, ranks in index._english_groups(word) if rank in _ranks(ranks)}
    tier = entry_tier(found, (word,))
    if tier == 0:  # Kept apart by the capital of the gloss saying just the word.
        assert stored == {"C" if gloss.capitalised else "0" for gloss in found if gloss.words == (word,)}
    else:
        assert stored == {str(tier)}


def test_english_words_and_glosses():
    assert english_words("To ride Horses") == ("ride", "horse")
    assert english_words("horse's tail") == ("horse", "tail")
    assert english_words("cities; boxes; news; glass") == ("city", "box", "news", "glass")
    assert english_words("the") == ("the",)  # A filler alone is kept.
    assert english_words("Pokémon") == ("pokemon",)
    [horse, cavalry] = glosses(["(bound form) horse; CL:匹[pi3]", "horse-drawn (old)"])[:2]
    assert (horse.words, horse.aside) == (("horse",), ("bound", "form"))
    assert cavalry.words == ("horse", "drawn")
    # Classifiers and cross-references with what introduces them are not English; what is left is.
    assert glosses(["CL:匹[pi3]", "see 騰訊控股有限公司|腾讯控股有限公司[Teng2 xun4 Kong4 gu3 You3 xian4 Gong1 si1]",
                    "old variant of 和[he2]", "CL:個|个[ge4],位[wei4]"]) == []
    assert glosses(["same as 碼頭|码头[ma3 tou2], pier", "Turkey"]) == [Gloss(("pier",)), Gloss(("turkey",), (), True)]
    assert gloss_tier(horse, ("horse",)) == 0
    assert gloss_tier(Gloss(("sea", "horse")), ("horse",)) == 1
    assert gloss_tier(Gloss(("put", "cart", "before", "the", "horse")), ("horse",)) == 2
    assert gloss_tier(Gloss(("cart", "horse")), ("horse", "cart")) == 3
    assert gloss_tier(Gloss(("cart",), ("horse",)), ("horse",)) == 3
    assert entry_tier([Gloss(("cart",)), Gloss(("horse",))], ("horse", "cart")) == 4
    assert entry_tier([Gloss(("cart",))], ("horse",)) is None


REVERSE_MINI = MINI + """馬 马 [ma3] /horse/CL:匹[pi3]/
馬 马 [Ma3] /surname Ma/
馬車 马车 [ma3 che1] /horse-drawn carriage/
"""


def mini_dictionary(tmp_path: Path, cache: Path) -> Dictionary:
    data = tmp_path / "mini.txt.gz"
    data.write_bytes(gzip.compress(REVERSE_MINI.encode("utf-8")))
    return Dictionary.load(cache, data)


def test_the_reverse_index_is_cached_and_a_damaged_one_rebuilt(tmp_path: Path):
    cache = tmp_path / "cache"
    dictionary = mini_dictionary(tmp_path, cache)
    assert not dictionary.reverse_loaded
    said: list[str] = []
    assert dictionary.find("horse", 5, building=lambda: said.append("building")).entries == [
        *dictionary.lookup("馬")[:1], *dictionary.lookup("馬車")]
    assert dictionary.reverse_loaded and said == ["building"]
    [index] = cache.glob("dictionary-reverse-*.txt")
    whole = index.read_bytes()
    written = index.stat()
    again = Dictionary.load(cache, tmp_path / "mini.txt.gz")
    assert again.find("yuan bao", 5, building=lambda: said.append("again")).entries == again.lookup("元寶")
    assert said == ["building"]  # Loaded: nothing to say.
    assert (index.stat().st_ino, index.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)  # Read, not made.
    # Cut short, a byte changed (the checksum sees it), not UTF-8, empty.
    for damage in (whole[:-20], whole.replace(b"\t", b" ", 1), b"\xff\xfe\x00", b""):
        index.write_bytes(damage)
        reloaded = Dictionary.load(cache, tmp_path / "mini.txt.gz")
        assert first(reloaded, "ma", 5) == [("馬", "ma3"), ("馬", "Ma3"), ("馬車", "ma3 che1")]
        assert index.read_bytes() == whole  # Rebuilt as it was.


def test_a_cache_folder_that_cannot_be_written_only_costs_time(tmp_path: Path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    dictionary = mini_dictionary(tmp_path, blocked)
    assert first(dictionary, "ingot", 1) == [("元寶", "yuan2 bao3")]
    assert blocked.read_text() == ""


# -- reader define: pinyin and English ----------------------------------------------------------------------


def test_define_by_english_prints_the_same_json_ranked(indexed: Dictionary, xdg_cache: Path):
    result = define(xdg_cache, "horse", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 10  # The default limit.
    assert all(set(row) == {"traditional", "simplified", "pinyin", "pinyin_marks", "senses"} for row in rows)
    assert rows[0] == indexed.lookup("馬")[0].to_json()
    assert [row["traditional"] for row in rows] == [e.traditional for e in indexed.find("horse", 10).entries]


def test_define_by_pinyin_in_words_as_typed(indexed: Dictionary, xdg_cache: Path):
    result = define(xdg_cache, "ma3", "hua4", "teng2")  # Unquoted: the words are one query.
    assert result.returncode == 0 and result.stdout.splitlines()[0] == "馬化騰 马化腾 [Mǎ Huà téng]"
    numbers = define(xdg_cache, "nǐ hǎo", "--pinyin", "numbers", "--limit", "1")
    assert numbers.stdout.splitlines() == ["你好 [ni3 hao3]", "  1. hello", "  2. hi"]


def test_define_says_when_more_entries_match(indexed: Dictionary, xdg_cache: Path):
    limited = define(xdg_cache, "ma", "--limit", "2")
    assert limited.returncode == 0
    assert [line for line in limited.stdout.splitlines() if line and not line.startswith(" ")] == [
        "嗎 吗 [ma]", "馬 马 [mǎ]", "… more entries match: --limit N shows N of them, --limit 0 all"]
    everything = json.loads(define(xdg_cache, "ma", "--json", "--limit", "0").stdout)
    assert len(everything) > 100


def test_define_nothing_found_and_a_bad_limit(indexed: Dictionary, xdg_cache: Path):
    missing = define(xdg_cache, "xyzzy")
    assert (missing.returncode, missing.stdout) == (1, "")
    assert missing.stderr == "reader: “xyzzy” is not in CC-CEDICT: no word, pinyin or English sense matches it\n"
    as_json = define(xdg_cache, "xyzzy", "--json")  # The rule for "nothing found": status 1, [] in JSON.
    assert as_json.returncode == 1 and json.loads(as_json.stdout) == [] and as_json.stderr == missing.stderr
    bad = define(xdg_cache, "horse", "--limit", "-1")
    assert bad.returncode == 2 and "--limit: -1 is below 0" in bad.stderr and "Traceback" not in bad.stderr
