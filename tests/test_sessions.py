"""The pure pieces the reading screen leans on, without an app: stepping through search hits, the
search status line, the search and entity sessions, detection article by article, and which
annotation is at a place."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.annotations.store import Annotation, AnnotationStore, PlacedAnnotations, innermost_at
from reader.articles.corpus import Article, Corpus, load_corpus
from reader.articles.indexed import CorpusCache
from reader.entities.detect import EntityCache, Gazetteer, detect
from reader.entities.mentions import ORG, PERSON, Entity
from reader.entities.progressive import FIRST_STRETCH, Found, detect_articles
from reader.entities.session import EntitySession
from reader.search.index import SearchIndex
from reader.search.indexed import IndexedSearch
from reader.search.session import HitStep, SearchSession, search_status, step_hit

# -- stepping through hits ----------------------------------------------------------------------

#: Positions: 0 has three hits, 1 none, 2 only in its title, 3 one hit, 4 none.
ARTICLES = [
    Article("a0", "甲", "貓x貓x貓"),
    Article("a1", "乙", "沒有"),
    Article("a2", "貓的故事", "無"),
    Article("a3", "丁", "一隻貓"),
    Article("a4", "戊", "nothing"),
]


@pytest.fixture(scope="module")
def cats():
    results = SearchIndex(ARTICLES).search("貓")
    assert results.indices == [0, 2, 3]
    assert [h.start for h in results.hits(0)] == [0, 2, 4] and results.hits(2) == []
    return results


def test_forward_within_an_article(cats):
    assert step_hit(cats, 0, -1, forward=True) == HitStep(0, 0, False)
    assert step_hit(cats, 0, 0, forward=True) == HitStep(0, 1, False)  # Strictly after the offset.
    assert step_hit(cats, 0, 3, forward=True) == HitStep(0, 2, False)


def test_backward_within_an_article(cats):
    assert step_hit(cats, 0, 4, forward=False) == HitStep(0, 1, False)  # Strictly before the offset.
    assert step_hit(cats, 0, 5, forward=False) == HitStep(0, 2, False)


def test_on_into_the_next_article_past_a_title_only_one(cats):
    assert step_hit(cats, 0, 4, forward=True) == HitStep(3, 0, False)  # a2's hit is in its title only.
    assert step_hit(cats, 3, 2, forward=False) == HitStep(0, 2, False)  # The last hit of a0.


def test_from_an_article_without_hits(cats):
    assert step_hit(cats, 1, 0, forward=True) == HitStep(3, 0, False)
    assert step_hit(cats, 1, 0, forward=False) == HitStep(0, 2, False)
    assert step_hit(cats, 2, 0, forward=True) == HitStep(3, 0, False)  # From the title-only one.


def test_wrapping_around_is_flagged(cats):
    assert step_hit(cats, 3, 2, forward=True) == HitStep(0, 0, True)
    assert step_hit(cats, 4, 0, forward=True) == HitStep(0, 0, True)
    assert step_hit(cats, 0, 0, forward=False) == HitStep(3, 0, True)


def test_wrapping_within_the_only_article_with_hits():
    results = SearchIndex(ARTICLES).search("隻")
    assert step_hit(results, 3, 1, forward=True) == HitStep(3, 0, True)
    assert step_hit(results, 3, 1, forward=False) == HitStep(3, 0, True)


def test_none_when_only_titles_hold_the_query():
    results = SearchIndex(ARTICLES).search("故事")
    assert results.indices == [2]
    assert step_hit(results, 2, 0, forward=True) is None
    assert step_hit(results, 0, 0, forward=False) is None


def test_the_seeds_step_from_the_last_hit_of_one_article_to_the_next(seed_corpus):
    results = SearchIndex(seed_corpus.articles).search("騰訊")
    last = results.hits(0)[-1].start
    assert step_hit(results, 0, last, forward=True) == HitStep(1, 0, False)
    assert step_hit(results, 1, results.hits(1)[0].start, forward=False) == HitStep(0, len(results.hits(0)) - 1, False)


BODY_CHARACTERS = st.text(alphabet="貓狗x", max_size=12)
TITLES = st.text(alphabet="貓題", min_size=1, max_size=3)


@settings(max_examples=150, deadline=None)
@given(
    corpus=st.lists(st.tuples(TITLES, BODY_CHARACTERS), min_size=1, max_size=6),
    data=st.data(),
    forward=st.booleans(),
)
def test_step_hit_agrees_with_walking_every_hit_in_order(corpus, data, forward):
    """The next hit is the first (position, start) after (here, offset) in reading order, else the
    very first (wrapped); backwards the same from the end. Title-only articles have no hit."""
    articles = [Article(f"n{i}", title, body) for i, (title, body) in enumerate(corpus)]
    results = SearchIndex(articles).search("貓")
    here = data.draw(st.integers(0, len(articles) - 1), label="here")
    offset = data.draw(st.integers(-1, len(articles[here].body) + 1), label="offset")
    every = [(p, i, start) for p, (_, body) in enumerate(corpus) for i, start in enumerate(_starts(body, "貓"))]
    if forward:
        after = [hit for hit in every if (hit[0], hit[2]) > (here, offset)]
        expected = (after[0], False) if after else ((every[0], True) if every else None)
    else:
        before = [hit for hit in every if (hit[0], hit[2]) < (here, offset)]
        expected = (before[-1], False) if before else ((every[-1], True) if every else None)
    found = step_hit(results, here, offset, forward=forward)
    if expected is None:
        assert found is None
    else:
        (position, hit, start), wrapped = expected
        assert found == HitStep(position, hit, wrapped)
        assert results.hits(position)[hit].start == start


def _starts(text: str, needle: str) -> list[int]:
    return [i for i in range(len(text)) if text.startswith(needle, i)]


# -- the search status line ---------------------------------------------------------------------


def test_search_status_names_the_hit_marked(cats):
    assert search_status(cats, "a0", 2) == "“貓” 2/3"
    assert search_status(cats, "a0", None) == "“貓” 3 hits"
    assert search_status(cats, "a0", 1) == "“貓” 3 hits"  # A mark that is no hit's start.
    assert search_status(cats, "a3", None) == "“貓” 1 hit"
    assert search_status(cats, "a3", 2) == "“貓” 1/1"


def test_search_status_says_when_the_title_holds_it(cats):
    assert search_status(cats, "a2", None) == "“貓” 0 hits · in the title"
    assert search_status(cats, "a1", None) == "“貓” 0 hits"  # Not a result at all.
    both = SearchIndex([Article("t", "貓貓", "一貓")]).search("貓")
    assert search_status(both, "t", 1) == "“貓” 1/1 · in the title"


# -- the search session -------------------------------------------------------------------------


def test_the_index_is_built_once_and_shared(monkeypatch: pytest.MonkeyPatch):
    import time

    made: list[int] = []
    real = SearchIndex.__init__

    def slow_index(self, *args, **kwargs):
        made.append(1)
        time.sleep(0.05)  # Widens the window in which another thread could start a second index.
        real(self, *args, **kwargs)

    monkeypatch.setattr(SearchIndex, "__init__", slow_index)
    session = SearchSession(Corpus(articles=list(ARTICLES)))
    built: list = []
    threads = [threading.Thread(target=lambda: built.append(session.index())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1  # The texts were folded once, by whichever thread came first.
    assert len(built) == 4 and all(index is built[0] for index in built)
    assert session.index() is built[0]
    assert built[0].search("貓").indices == [0, 2, 3]


def test_a_corpus_listed_from_the_index_is_searched_there(tmp_path: Path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for article in ARTICLES:
        (folder / f"{article.id}.txt").write_text(f"{article.title}\n{article.body}", encoding="utf-8")
    session = SearchSession(load_corpus([folder], CorpusCache(tmp_path / "index")))
    index = session.index()
    assert isinstance(index, IndexedSearch)
    assert list(index.search("貓").indices) == [0, 2, 3]


def test_replacing_the_corpus_indexes_again():
    """(That it ends the search is the reading screen's: tests/test_reading_extras.py.)"""
    session = SearchSession(Corpus(articles=list(ARTICLES)))
    first = session.index()
    other = Corpus(articles=[Article("b0", "新", "狗與貓")])
    session.replace_corpus(other)
    assert session.corpus is other
    again = session.index()
    assert again is not first and [a.id for a in again.articles] == ["b0"]
    assert again.search("貓").indices == [0]


# -- the entity session -------------------------------------------------------------------------

TENCENT = Entity(0, 2, ORG, "騰訊")
PONY = Entity(3, 6, PERSON, "馬化騰")


def test_entity_session_records_and_completes():
    session = EntitySession()
    assert session.of("x") == [] and session.complete == set()
    session.record("x", [TENCENT], complete=False)
    assert session.of("x") == [TENCENT] and "x" not in session.complete
    session.record("x", [TENCENT, PONY], complete=True)  # The full pass replaces the quick one.
    assert session.of("x") == [TENCENT, PONY] and session.complete == {"x"}
    session.record("y", [], complete=True)
    assert set(session.found) == {"x", "y"} and session.complete == {"x", "y"}
    session.clear()
    assert session.found == {} and session.complete == set() and session.of("x") == []


def test_mentions_by_article_counts_and_orders():
    session = EntitySession()
    session.record("one", [TENCENT, PONY], complete=True)
    session.record("three", [TENCENT, TENCENT._replace(start=10, end=12), TENCENT._replace(start=20, end=22)], True)
    session.record("none", [PONY], complete=True)
    session.record("also-one", [TENCENT], complete=False)
    ids = ["one", "none", "unknown", "also-one", "three"]
    assert session.mentions_by_article(ids, "騰訊") == [("three", 3), ("one", 1), ("also-one", 1)]  # Ties keep order.
    assert session.mentions_by_article(ids, "馬化騰") == [("one", 1), ("none", 1)]
    assert session.mentions_by_article(ids, "微信") == []
    assert session.mentions_by_article([], "騰訊") == []


# -- detection article by article ---------------------------------------------------------------

FIRST = Article("f", "一", "騰訊的馬化騰在深圳說話。")
OTHERS = [Article("o1", "二", "今天騰訊發布了元寶。"), Article("o2", "三", "今天天氣好。")]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_the_first_article_quick_then_complete_then_the_others(tmp_path: Path, gazetteer: Gazetteer):
    found = list(detect_articles(FIRST, OTHERS, gazetteer, EntityCache(tmp_path)))
    assert [(f.article_id, f.complete, f.done) for f in found] == [
        ("f", False, 0), ("f", True, 0), ("o1", True, 1), ("o2", True, 2)]
    assert found[0].entities == detect(FIRST.body, gazetteer, use_model=False)
    assert found[1].entities == detect(FIRST.body, gazetteer)
    assert "騰訊" in {e.key for e in found[0].entities} and "騰訊" in {e.key for e in found[2].entities}


def test_a_long_first_article_shows_its_opening_found_by_the_model_first(tmp_path: Path, gazetteer: Gazetteer):
    long = Article("long", "長", "\n".join(["騰訊的馬化騰在深圳說話。"] * 300 + ["今天沃尔玛宣布在北京开店。"] * 200))
    found = list(detect_articles(long, [], gazetteer, EntityCache(tmp_path)))
    assert [f.complete for f in found] == [False, False, True]
    quick, opening, complete = (f.entities for f in found)
    assert complete == detect(long.body, gazetteer)
    cut = FIRST_STRETCH + 20  # Past the line the opening ends in.
    assert [e for e in opening if e.start < cut - 20] == [e for e in complete if e.start < cut - 20]
    assert [e for e in opening if e.start >= cut] == [e for e in quick if e.start >= cut]
    assert ("沃尔玛", "org") not in {(long.body[e.start : e.end], e.type) for e in opening}  # Not yet the model's.


def test_a_cached_first_article_yields_only_the_complete_result(tmp_path: Path, gazetteer: Gazetteer):
    cache = EntityCache(tmp_path)
    list(detect_articles(FIRST, [], gazetteer, cache))
    again = list(detect_articles(FIRST, [], gazetteer, cache))
    assert [(f.article_id, f.complete) for f in again] == [("f", True)]
    assert again[0].entities == detect(FIRST.body, gazetteer)


def test_quick_leaves_the_others_incomplete(tmp_path: Path, gazetteer: Gazetteer):
    found = list(detect_articles(None, OTHERS, gazetteer, EntityCache(tmp_path), quick=True))
    assert [(f.article_id, f.complete, f.done) for f in found] == [("o1", False, 1), ("o2", False, 2)]
    assert found[0].entities == detect(OTHERS[0].body, gazetteer, use_model=False)
    assert found[1].entities == []  # No name, no money, no date: the model is not asked.


def test_folded_texts_are_used_when_given(tmp_path: Path, gazetteer: Gazetteer):
    """Matching reads the folded text handed in, not the body folded again (folding keeps lengths)."""
    article = Article("p", "四", "今天天氣好")
    asked: list[str] = []

    def folded(given: Article) -> str:
        asked.append(given.id)
        return "腾讯天气好"  # What the body would not fold to: only the given text has the name.

    [found] = detect_articles(None, [article], gazetteer, EntityCache(tmp_path), quick=True, folded=folded)
    assert asked == ["p"]
    assert [(e.start, e.end, e.key) for e in found.entities] == [(0, 2, "騰訊")]
    [plain] = detect_articles(None, [article], gazetteer, EntityCache(tmp_path / "other"), quick=True)
    assert plain.entities == []


def test_found_is_what_the_worker_reads():
    assert Found._fields == ("article_id", "entities", "complete", "done")


# -- annotations at a place ---------------------------------------------------------------------

BODY = "馬化騰說,騰訊要做AI。元寶是騰訊的AI助手。"


def _annotation(article: str, body: str, start: int, end: int, note: str = "") -> Annotation:
    return Annotation.new(article, body, start, end, note=note)


def test_innermost_at_prefers_the_shortest_of_nested_annotations():
    outer = _annotation("a", BODY, 0, 12)
    middle = _annotation("a", BODY, 5, 10)
    inner = _annotation("a", BODY, 5, 7)
    annotations = [outer, middle, inner]
    assert innermost_at(annotations, 5) == inner
    assert innermost_at(annotations, 7) == middle  # The end is outside.
    assert innermost_at(annotations, 10) == outer
    assert innermost_at(annotations, 0) == outer
    assert innermost_at(annotations, 12) is None
    assert innermost_at(annotations, None) is None
    assert innermost_at([], 3) is None


@settings(max_examples=200, deadline=None)
@given(
    spans=st.lists(st.tuples(st.integers(0, 20), st.integers(1, 8)), max_size=8),
    offset=st.one_of(st.none(), st.integers(-2, 30)),
)
def test_innermost_at_agrees_with_looking_at_every_character(spans, offset):
    body = "字" * 30
    annotations = [_annotation("a", body, start, start + length) for start, length in spans]
    covering = [a for a in annotations if offset is not None and offset in set(range(a.start, a.end))]
    found = innermost_at(annotations, offset)
    if not covering:
        assert found is None
    else:
        assert found in covering
        assert all(found.end - found.start <= a.end - a.start for a in covering)
        assert found is next(a for a in covering if a.end - a.start == found.end - found.start)  # The first such.


@pytest.fixture
def store(tmp_path: Path) -> AnnotationStore:
    return AnnotationStore(tmp_path / "annotations.json")


def test_placed_annotations_answer_by_article(store: AnnotationStore):
    outer = store.add(_annotation("a", BODY, 0, 12, "outer"))
    inner = store.add(_annotation("a", BODY, 5, 7, "inner"))
    store.add(_annotation("b", "別的文章", 0, 2, "elsewhere"))
    placed = PlacedAnnotations(store)
    assert sorted(a.id for a in placed.of("a", BODY)) == sorted([outer.id, inner.id])
    assert placed.at("a", BODY, 6) == inner
    assert placed.at("a", BODY, 2) == outer
    assert placed.at("a", BODY, 15) is None
    assert placed.at("a", BODY, None) is None
    assert [a.note for a in placed.of("b", "別的文章")] == ["elsewhere"]


def test_orphans_are_left_out(store: AnnotationStore):
    store.add(_annotation("a", BODY, 0, 3))  # 馬化騰
    placed = PlacedAnnotations(store)
    assert placed.of("a", "完全不同的文字,沒有那個名字。") == []


def test_placement_follows_edited_text_once_forgotten(store: AnnotationStore):
    annotation = store.add(_annotation("a", BODY, 5, 7))  # 騰訊
    placed = PlacedAnnotations(store)
    assert [(a.start, a.end) for a in placed.of("a", BODY)] == [(5, 7)]
    edited = "新聞:" + BODY
    assert [(a.start, a.end) for a in placed.of("a", edited)] == [(5, 7)]  # Placed once: until forgotten.
    placed.forget("a")
    [moved] = placed.of("a", edited)
    assert (moved.id, moved.start, moved.end) == (annotation.id, 8, 10)
    assert edited[moved.start : moved.end] == "騰訊"
    assert placed.at("a", edited, 8) == moved and placed.at("a", edited, 5) is None


def test_forget_one_article_or_all(store: AnnotationStore):
    placed = PlacedAnnotations(store)
    assert placed.of("a", BODY) == [] and placed.of("b", BODY) == []
    store.add(_annotation("a", BODY, 0, 3))
    store.add(_annotation("b", BODY, 0, 3))
    assert placed.of("a", BODY) == [] and placed.of("b", BODY) == []  # Remembered as placed.
    placed.forget("a")
    assert len(placed.of("a", BODY)) == 1 and placed.of("b", BODY) == []  # Only a's is placed again.
    placed.forget("unknown")  # Nothing to forget: no error.
    placed.forget()
    assert len(placed.of("a", BODY)) == 1 and len(placed.of("b", BODY)) == 1
