"""The app on a corpus listed from the on-disk index: a first build it stays usable through, a
file edited while it runs, the article list and its filter answered by the index."""

from __future__ import annotations

from pathlib import Path

from apphelpers import SIZE, ObservedApp, make_app, wait_until
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.articles import catalog as catalog_module
from reader.articles.corpus import load_corpus
from reader.articles.indexed import CorpusCache, IndexedCorpus
from reader.ui.app import ReaderApp
from reader.ui.messages import Busy, CorpusChanged
from reader.ui.screens.search import SearchScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.sidebar import Sidebar


def write_corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        body = f"第{number}篇的正文。騰訊和元寶。" * 3
        (folder / f"{number:03d}.txt").write_text(f"標題{number}\n{body}", encoding="utf-8")
    return folder


def indexed(tmp_path: Path, count: int) -> tuple[Path, CorpusCache]:
    """A corpus of `count` files, indexed."""
    folder = write_corpus(tmp_path / "corpus", count)
    cache = CorpusCache(tmp_path / "index")
    load_corpus([folder], cache)
    return folder, cache


def indexed_app(folder: Path, cache: CorpusCache) -> ObservedApp:
    """The app as `reader --corpus FOLDER` starts it: the corpus as the index holds it, checked
    against the files after the first paint."""
    corpus = load_corpus([folder], cache, trust_cache=True)
    assert isinstance(corpus, IndexedCorpus)
    return make_app(corpus, corpus_source=(lambda: [folder], cache))


def count_text(app: ReaderApp) -> str:
    return str(app.query_one(Sidebar).query_one("#count").render())


async def test_a_first_build_lists_what_it_has_and_says_how_far_it_is(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(catalog_module, "BATCH_BYTES", 4 << 10)
    monkeypatch.setattr(CorpusCache, "FIRST_BATCH", 4 << 10)
    folder = write_corpus(tmp_path / "corpus", 300)
    cache = CorpusCache(tmp_path / "index")
    app = indexed_app(folder, cache)
    assert 0 < len(app.corpus.articles) < 300  # The first batch, indexed before the first paint.
    async with app.run_test(size=SIZE) as pilot:
        await app.seen.wait_for(pilot, lambda m: isinstance(m, CorpusChanged) and not m.growing, timeout=60)
        assert len(app.corpus.articles) == 300
        assert count_text(app) == "300 articles"
        assert app.reading.view.article.title == "標題0"  # Kept open throughout.
    said = [m.what for m in app.seen.messages if isinstance(m, Busy) and m.task == "corpus" and m.what]
    assert any("Indexing " in what and " KB of text: " in what for what in said), said


async def test_a_file_edited_while_the_app_runs_is_found_by_search(tmp_path: Path):
    folder, cache = indexed(tmp_path, 30)
    app = indexed_app(folder, cache)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted and not app.reading.busy)
        view = app.query_one(ArticleView)
        (folder / "017.txt").write_text("標題17\n後來寫進去的獨一無二的詞。", encoding="utf-8")
        await pilot.press("slash")
        await pilot.press(*"獨一無二")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await wait_until(pilot, lambda: str(screen.query_one("#summary").render()) == "1 hit in 1 article")
        await pilot.press("enter")
        await app.seen.until_focus(pilot, ArticleView)
        assert view.article.title == "標題17"
        assert view.current_mark == view.article.body.index("獨一無二")


async def test_the_list_and_its_filter_come_from_the_index(tmp_path: Path):
    app = indexed_app(*indexed(tmp_path, 600))
    async with app.run_test(size=SIZE) as pilot:
        from reader.ui.widgets.article_list import ArticleList

        await wait_until(pilot, lambda: app.painted)
        article_list = app.query_one(ArticleList)
        article_list.focus()
        await pilot.press("pagedown", "pagedown", "end")
        assert article_list.highlighted == 599 and app.reading.view.article.title == "標題599"
        await pilot.press("f", *"标题42")  # Either script.
        await pilot.pause()
        assert count_text(app) == "11 of 600 articles"
        await pilot.press("enter", "down")
        await pilot.pause()
        assert app.reading.view.article.title == "標題420"
        await pilot.press("right_square_bracket")
        assert app.reading.view.article.title == "標題421"


@settings(max_examples=200, deadline=None)
@given(heights=st.lists(st.integers(2, 3), max_size=12), unmeasured=st.integers(0, 12))
def test_rows_are_found_alike_in_the_measured_and_the_guessed_entries(heights, unmeasured):
    """A long list is laid out from its first entries' measured heights and a guess for the rest
    (nothing as long as the list is made at the first paint): every row belongs to one entry."""
    from itertools import accumulate

    from reader.ui.widgets.article_list import _RowStarts

    starts = _RowStarts([0, *accumulate(heights)], len(heights) + unmeasured)
    every = [*heights, *[_RowStarts.GUESS] * unmeasured]
    owners = [entry for entry, height in enumerate(every) for _ in range(height)]
    assert starts.rows == len(owners)
    assert [starts.entry_at(row) for row in range(len(owners))] == owners
    assert starts.entry_at(len(owners)) is None and starts.entry_at(-1) is None
    assert [starts[entry] for entry in range(len(every) + 1)] == [0, *accumulate(every)]
