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
