"""Script detection, conversion and folding: lengths never change, so offsets always hold."""

from __future__ import annotations

import subprocess
import sys

import opencc
from conftest import REPO, SEED_FILE, shared_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.reading.layout import article_texts
from reader.text.conversion import (
    MODES,
    ORIGINAL,
    SIMPLIFIED,
    TRADITIONAL,
    _char_table,
    convert,
    detect,
    display_text,
    fold,
    mode_label,
    next_mode,
)


def test_detects_each_document_script(seed_corpus):
    assert {detect(a.body) for a in seed_corpus.articles} == {TRADITIONAL}
    assert detect(shared_corpus("us_constitution_zhs.txt").read_text(encoding="utf-8")) == SIMPLIFIED
    assert detect("腾讯发布了新的人工智能产品") == SIMPLIFIED
    assert detect("騰訊發佈了新的人工智慧產品") == TRADITIONAL


def test_the_original_is_shown_as_is_never_converted_twice(seed_corpus):
    body = seed_corpus.articles[0].body
    assert display_text(body, ORIGINAL, TRADITIONAL) is body
    assert display_text(body, TRADITIONAL, TRADITIONAL) is body
    simplified = display_text(body, SIMPLIFIED, TRADITIONAL)
    assert simplified != body and len(simplified) == len(body)
    # Going back is the original itself, not s2t of the Simplified view (which differs: 裡 -> 裏 ...).
    assert convert(simplified, TRADITIONAL) != body


def test_every_seed_converts_at_the_same_length(seed_corpus):
    for article in seed_corpus.articles:
        for mode in MODES:
            texts = article_texts(article, mode)
            assert len(texts.body) == len(article.body)
            assert len(texts.title) == len(article.title)


def test_examples_from_the_seeds():
    traditional = "馬化騰、騰訊、元寶派、豆包手機、杭州、10億元"
    assert convert(traditional, SIMPLIFIED) == "马化腾、腾讯、元宝派、豆包手机、杭州、10亿元"
    assert convert("马化腾的腾讯", TRADITIONAL) == "馬化騰的騰訊"


def test_cli_conversion_is_the_librarys():
    text = SEED_FILE.read_text(encoding="utf-8")
    for target, config in ((SIMPLIFIED, "tw2s"), (TRADITIONAL, "s2tw")):
        result = subprocess.run(
            [sys.executable, "-m", "reader", "convert", "--to", target],
            input=text, capture_output=True, text=True, cwd=REPO, check=True,
        )
        assert result.stdout == opencc.OpenCC(config).convert(text)


def test_mode_cycle_and_labels():
    # From the original to the other script and back; the mode that shows the original as it is, skipped.
    assert [next_mode(m, TRADITIONAL) for m in MODES] == [SIMPLIFIED, ORIGINAL, SIMPLIFIED]
    assert [next_mode(m, SIMPLIFIED) for m in MODES] == [TRADITIONAL, TRADITIONAL, ORIGINAL]
    assert mode_label(ORIGINAL, TRADITIONAL) == "原文·繁"
    assert mode_label(SIMPLIFIED, TRADITIONAL) == "简体"


def test_folding_meets_scripts_case_and_width():
    assert fold("騰訊") == fold("腾讯")
    assert fold("ＡＩ") == fold("ai") == fold("Ai")
    assert fold("後來") == fold("后来")
    assert fold("著") == fold("着")


_convertible = st.sampled_from(
    sorted(set(_char_table("TSCharacters.txt")) | set(_char_table("STCharacters.txt")))[:3000]
    + list("的了是在，。「」“”AIai 12%（）\n")
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_convertible, max_size=200).map("".join))
def test_every_conversion_keeps_the_length(text):
    for target in (SIMPLIFIED, TRADITIONAL):
        assert len(convert(text, target)) == len(text)
    folded = fold(text)
    assert len(folded) == len(text)
    assert fold(folded) == folded


def test_the_fold_table_kept_on_disk_is_the_one_made_and_is_made_again_when_opencc_changes(isolated_xdg):
    import json

    from reader.text import conversion as script

    script.fold_table.cache_clear()
    made = script.fold_table()  # Made, and written to the cache folder.
    [kept] = (isolated_xdg / "cache" / "reader").glob("fold-table-*.txt")
    script.fold_table.cache_clear()
    assert script.fold_table() == made
    header, _, table = kept.read_text(encoding="utf-8", errors="surrogatepass").partition("\n")
    sources = json.loads(header)
    sources[0][1] = [0, 0]  # As if OpenCC's tables had been replaced.
    kept.write_text(json.dumps(sources) + "\n" + "x" * 0x10000, encoding="utf-8")
    script.fold_table.cache_clear()
    assert script.fold_table() == made  # Not the stale file's.
    script.fold_table.cache_clear()
