"""Search in the core: script, case and width ignored, words all required, offsets exact."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.search.index import SearchIndex, find_hits, parse_query, scan, snippet
from reader.text.conversion import SIMPLIFIED, TRADITIONAL, convert, fold


@pytest.fixture(scope="module")
def index(seed_corpus) -> SearchIndex:
    return SearchIndex(seed_corpus.articles)


def hits(results) -> list[tuple[str, int, int]]:
    return [(article.id, hit.start, hit.end) for article, found in results.rows() for hit in found]


def test_either_script_finds_the_same_hits(index):
    assert hits(index.search("腾讯")) == hits(index.search("騰訊"))
    assert len(hits(index.search("腾讯"))) == 144
    assert hits(index.search("马化腾")) == hits(index.search("馬化騰"))


def test_case_and_full_width_are_ignored(index):
    assert hits(index.search("ＡＩ")) == hits(index.search("ai")) == hits(index.search("AI"))


def test_every_word_must_occur_and_each_is_a_hit(index, seed_corpus):
    both = index.search("腾讯 豆包")
    assert {a.id for a in both.articles} == {
        a.id for a in seed_corpus.articles if "騰訊" in a.body and "豆包" in a.body
    }
    article, found = next(both.rows())
    assert {article.body[h.start : h.end] for h in found} == {"騰訊", "豆包"}


def test_a_quoted_phrase_is_one_word(index):
    assert parse_query('"AI Infra" 騰訊') == ["ai infra", "腾讯"]
    assert parse_query("“AI  社交”") == ["ai  社交"]
    phrase = hits(index.search('"AI Infra"'))
    assert len(phrase) == 1
    assert len(hits(index.search("AI Infra"))) > len(phrase)


def test_regex_characters_are_plain_text(index):
    for query in ["a.b*(", "[", "(人工智慧", "3.96%", "\\d+", "?"]:
        results = index.search(query)  # Never an error.
        for article, found in results.rows():
            for hit in found:
                assert fold(article.body[hit.start : hit.end]) in parse_query(query)
    assert len(hits(index.search("3.96%"))) == 1


def test_word_mode_matches_whole_words_only(index):
    anywhere = hits(index.search("元寶"))
    words = index.search("元寶", word_mode=True)
    assert 0 < len(hits(words)) < len(anywhere)
    for article, found in words.rows():
        for hit in found:
            assert article.body[hit.start : hit.end + 1] != "元寶派"


def test_snippets_are_one_line_around_the_hit(seed_corpus, index):
    article, found = next(index.search("元寶派").rows())
    text, start, end = snippet(article.body, found[0])
    assert text[start:end] == "元寶派" and "\n" not in text and start <= 20 and len(text) - end <= 20


_seed_text = st.sampled_from(["騰訊元寶", "馬化騰", "豆包手機", "AI", "微信紅包", "字節跳動", "1月26日", "10億元"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_seed_text, min_size=1, max_size=2), st.sampled_from([None, SIMPLIFIED, TRADITIONAL]),
       st.booleans())
def test_every_hit_folds_to_a_query_word(seed_corpus, words, script, upper):
    query = " ".join(convert(w, script) if script else w for w in words)
    query = query.upper() if upper else query
    results = SearchIndex(seed_corpus.articles).search(query)
    folded_words = parse_query(query)
    previous = None
    for article, found in results.rows():
        assert all(word in fold(article.body) for word in folded_words)
        for hit in found:
            assert fold(article.body[hit.start : hit.end]) in folded_words
            assert previous is None or previous[0] != article.id or previous[1] <= hit.start
            previous = (article.id, hit.end)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="騰腾訊讯元寶宝派AIai. ", max_size=60),
    st.text(alphabet="騰腾訊讯元寶宝派AIai.", min_size=1, max_size=4),
)
def test_find_hits_matches_a_plain_scan(text, word):
    folded, target = fold(text), fold(word)
    expected_starts = [i for i in range(len(folded)) if folded.startswith(target, i)]
    found = find_hits(folded, [target])
    # Overlapping occurrences are merged into the earlier one, so every hit is a real occurrence
    # and no occurrence is missed unless it overlaps the hit before it.
    assert all(hit.start in expected_starts for hit in found)
    kept = []
    for start in expected_starts:
        if not kept or start >= kept[-1] + len(target):
            kept.append(start)
    assert [hit.start for hit in found] == kept


def test_cli_search_json(seed_corpus):
    result = subprocess.run(
        [sys.executable, "-m", "reader", "search", "腾讯 元宝派", "--json"],
        capture_output=True, text=True, cwd=REPO, check=True,
    )
    rows = json.loads(result.stdout)
    texts = {(a.id, "body"): a.body for a in seed_corpus.articles}
    texts |= {(a.id, "title"): a.title for a in seed_corpus.articles}
    assert rows and all(set(row) == {"article", "in", "start", "end", "text", "snippet"} for row in rows)
    assert all(texts[row["article"], row["in"]][row["start"] : row["end"]] == row["text"] for row in rows)
    assert {row["in"] for row in rows} == {"title", "body"}  # 騰訊 is in a title too.
    assert {row["text"] for row in rows} == {"騰訊", "元寶派"}
    word = subprocess.run(
        [sys.executable, "-m", "reader", "search", "元寶", "--word", "--json"],
        capture_output=True, text=True, cwd=REPO, check=True,
    )
    assert all(texts[r["article"], r["in"]][r["end"] : r["end"] + 1] != "派" for r in json.loads(word.stdout))


def test_titles_are_searched_too(seed_corpus):
    index = SearchIndex(seed_corpus.articles)
    third = seed_corpus.articles[2]  # 馬化騰不看好的「豆包手機」,殺出「圍剿」
    results = index.search("杀出")  # Only in that title, found from either script.
    assert results.articles == [third]
    assert results.hits(results.indices[0]) == []
    [hit] = results.title_hits(results.indices[0])
    assert third.title[hit.start : hit.end] == "殺出"
    both = index.search("殺出 元寶派")  # One word in the title, the other in the text.
    assert third in both.articles or all("元寶派" in a.body for a in both.articles)
    assert index.search("殺出 不存在的詞").articles == []


def _index_rows(index: SearchIndex, query: str) -> list[tuple[int, list, list]]:
    results = index.search(query)
    return [(position, results.hits(position), results.title_hits(position)) for position in results.indices]


@pytest.mark.parametrize("query", ["腾讯", "騰訊", "ＡＩ", "ai", "AI 元宝", '"微信紅包"', "馬化騰 紅包", "殺出",
                                   "10億元", "不存在的詞", "2025年", "騰 訊", "“元寶派”"])
def test_a_scan_of_the_texts_finds_what_the_index_finds(seed_corpus, query):
    index = SearchIndex(seed_corpus.articles)
    scanned = [(s.position, s.hits, s.title_hits) for s in scan(seed_corpus.articles, query)]
    assert scanned == _index_rows(index, query)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_scan_agrees_with_the_index_on_any_piece_of_text(seed_corpus, data):
    article = data.draw(st.sampled_from(seed_corpus.articles))
    start = data.draw(st.integers(0, len(article.body) - 1))
    piece = article.body[start : start + data.draw(st.integers(1, 6))].strip()
    query = convert(piece, SIMPLIFIED) if data.draw(st.booleans()) else piece
    query = query.replace(" ", "")
    if not parse_query(query):
        return
    index = SearchIndex(seed_corpus.articles)
    assert [(s.position, s.hits, s.title_hits) for s in scan(seed_corpus.articles, query)] == _index_rows(index, query)


_ALPHABET = "騰腾訊讯AaＡａ. *+?()[]\\^$|{}-元寶宝“”「」 　\n后後著着"


@settings(max_examples=80, deadline=None)
@given(texts=st.lists(st.text(alphabet=_ALPHABET, min_size=1, max_size=40), min_size=1, max_size=4),
       query=st.text(alphabet=_ALPHABET, min_size=1, max_size=6))
def test_a_scan_agrees_with_the_index_on_any_text_and_query(texts, query):
    """Regular-expression characters, case, width, both scripts, spaces and quotes alike."""
    from reader.articles.corpus import Article

    articles = [Article(f"a{n}", f"標題{n}{text[:3]}", text) for n, text in enumerate(texts)]
    index = SearchIndex(articles)
    assert [(s.position, s.hits, s.title_hits) for s in scan(articles, query)] == _index_rows(index, query)
