"""The Chinese line breaker: no line starts with closing punctuation, lines fill the width."""

from __future__ import annotations

import re

import pytest
from conftest import shared_corpus
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from reader.text.linebreak import CLOSING, HANG, OPENING, clip, quick_width, wrap
from reader.text.paragraphs import split_blocks

_LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-'/:,]*")


def first_unit(text: str) -> str:
    """The first piece of a line that could not be split: opening punctuation, a Latin word, a dash
    run or one character, then closing punctuation."""
    i = 0
    while i < len(text) and text[i] in OPENING:
        i += 1
    latin = _LATIN_RUN.match(text, i) or re.compile("—+").match(text, i)
    i = latin.end() if latin else i + 1
    while i < len(text) and text[i] in CLOSING:
        i += 1
    return text[:i]


def check(text: str, width: int) -> list[str]:
    spans = wrap(text, width)
    lines = [text[start:end] for start, end in spans]
    # Nothing is lost: between lines there is only the space a break consumed.
    position = 0
    for start, end in spans:
        assert text[position:start].strip() == "", (text, spans)
        assert start < end
        position = end
    assert text[position:].strip() == ""
    for number, line in enumerate(lines):
        used = cell_len(line)
        if used > width:  # Only closing punctuation may hang into the margin.
            assert used <= width + HANG and line[-1] in CLOSING, (width, line)
        if number > 0:
            assert line[0] not in CLOSING, f"line starts with closing punctuation: {line!r}"
        if number < len(lines) - 1:
            assert line[-1] not in OPENING, f"line ends with opening punctuation: {line!r}"
            gap = width - used
            # What the next line starts with, with the space the break consumed.
            unit = text[spans[number][1] : spans[number + 1][0]] + first_unit(lines[number + 1])
            assert gap <= 2 or cell_len(unit) > gap, (
                f"line {number} leaves {gap} cells although {unit!r} would fit: {line!r}"
            )
    return lines


@pytest.mark.parametrize("width", [40, 80, 120])
def test_seed_paragraphs_break_the_chinese_way(seed_corpus, width):
    count = 0
    for article in seed_corpus.articles:
        for block in split_blocks(article.body):
            count += len(check(article.body[block.start : block.end], width))
    assert count > 100


@pytest.mark.parametrize("width", [40, 80, 120])
def test_unseen_document_breaks_the_chinese_way(width):
    text = shared_corpus("us_constitution_zhs.txt").read_text(encoding="utf-8")
    for paragraph in text.split("\n"):
        if paragraph.strip():
            check(paragraph.strip(), width)


def test_breaks_between_any_two_cjk_characters_not_only_at_spaces():
    text = "騰訊" * 30 + " AI " + "騰訊" * 30
    lines = check(text, 40)
    assert [cell_len(line) for line in lines[:-1]] == [40] * (len(lines) - 1) or all(
        cell_len(line) >= 38 for line in lines[:-1]
    )


def test_closing_punctuation_hangs_instead_of_starting_a_line():
    text = "一二三四五六七八九十。後面還有"
    lines = check(text, 20)
    assert lines[0] == "一二三四五六七八九十。"


def test_latin_words_stay_whole_unless_wider_than_a_line():
    assert check("騰訊發佈HunyuanImage模型", 12) == ["騰訊發佈", "HunyuanImage", "模型"]
    assert all(cell_len(line) <= 10 for line in check("Supercalifragilistic", 10))
    assert check("據Интерфакс報道，e-mail和10:30", 12) == ["據Интерфакс", "報道，e-mail", "和10:30"]


def test_a_line_break_inside_a_paragraph_takes_a_cell_like_a_space():
    assert wrap("aaaa\nbbbb", 9) == [(0, 9)]
    assert wrap("aaaa\nbbbb", 8) == [(0, 4), (5, 9)]


def test_clip_ends_with_an_ellipsis_when_cut():
    lines = clip("馬化騰最新內部演講,透露騰訊AI的5個關鍵點", 16, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(cell_len(line) <= 16 for line in lines)
    assert clip("短標題", 16, 2) == ["短標題"]


_word = st.sampled_from(
    list("騰訊馬化騰元寶派豆包手機杭州億元月日的了是在") + ["AI", "QQ", "2026", "2.5", "21%", "3.96%", "Q2"]
    + ["HunyuanImage", "——", "「騰訊」", "“AI”", "（2026）", "《元寶》", "(QQ)", "“HunyuanImage”"]
)
_after = st.sampled_from(
    ["", "", "", "，", "。", "、", "？", "！", "：", "；", "」", "』", "）", "》", "”", "。”", ",", "?!", "……", "……”"]
)
_space = st.sampled_from(["", "", "", "", " ", "\u3000"])
_token = st.tuples(_word, _after, _space).map("".join)
_any = st.sampled_from(list("騰訊，。」“「（()—… ") + ["HunyuanImage"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_any, min_size=1, max_size=80).map("".join), st.integers(min_value=2, max_value=30))
def test_any_text_at_any_width_keeps_every_character(text, width):
    spans = wrap(text, width)
    position = 0
    for start, end in spans:
        assert text[position:start].strip() == "" and start < end
        assert cell_len(text[start:end]) <= max(width, 2) + HANG + 2 * len(text[start:end])
        position = end
    assert text[position:].strip() == ""


@settings(max_examples=500, deadline=None)
@given(st.lists(_token, min_size=1, max_size=60).map("".join), st.integers(min_value=8, max_value=60))
def test_any_text_breaks_by_the_rules(text, width):
    check(text, width)


_title_char = st.sampled_from(
    list("騰訊馬化騰元寶派，。、「」“”（）《》—…·%％ ABCxyz019.:-é한글ｱ") + ["\U00020bb7", "\U0001f600"]
)


@given(st.lists(_title_char, max_size=60).map("".join))
def test_quick_width_agrees_with_rich(text):
    assert quick_width(text) == cell_len(text)
