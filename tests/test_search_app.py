"""Search in the app: type, see results as you type, open a hit, walk hits across articles."""

from __future__ import annotations

from pathlib import Path

from apphelpers import SIZE, make_app, wait_until
from textual.widgets import Input

from reader.settings.state import State
from reader.ui.screens.search import SearchScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.result_list import ResultList


def summary(app) -> str:
    return str(app.screen.query_one("#summary").render())


async def search(pilot, text: str) -> SearchScreen:
    await pilot.press("slash")
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    await pilot.press(*text)
    await wait_until(pilot, lambda: "hit" in summary(pilot.app) and "counting" not in summary(pilot.app))
    return screen


def hit_layer(view: ArticleView) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in view.layer_spans("hits")]


async def test_results_as_you_type_and_enter_opens_the_first_hit(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(pilot, "元宝派")
        assert summary(app) == "17 hits in 4 articles"
        result_list = screen.query_one(ResultList)
        assert result_list.rows[0].hit is None and result_list.rows[1].hit == 0
        await pilot.press("enter")
        await pilot.pause()
        view = app.query_one(ArticleView)
        first = next(a for a in seed_corpus.articles if "元寶派" in a.body)
        assert app.reading.view.article.id == first.id
        assert hit_layer(view) == [(i, i + 3) for i in range(len(first.body)) if first.body.startswith("元寶派", i)]
        assert view.current_mark == first.body.index("元寶派")
        assert app.focused is view


async def slow_search(pilot) -> SearchScreen:
    """The search dialog, its search taking its time (as on a large library)."""
    import time

    await pilot.press("slash")
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    index = screen._index

    def slow_index():
        time.sleep(0.3)
        return index()

    screen._index = slow_index
    return screen


async def test_enter_before_the_results_come_opens_the_first_hit_when_they_do(seed_corpus):
    """Keys sent at once (`/元宝派` then enter, from tmux or a paste) reach enter before the search
    is done: enter waits for the query typed before it, not for whatever was shown then."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await slow_search(pilot)
        await pilot.press(*"元宝派", "enter")
        assert screen.results is None  # Enter came before any result.
        await wait_until(pilot, lambda: not isinstance(app.screen, SearchScreen))
        first = next(a for a in seed_corpus.articles if "元寶派" in a.body)
        assert app.reading.view.article.id == first.id
        assert app.reading.view.current_mark == first.body.index("元寶派")  # Its first hit.


async def test_tab_before_the_results_come_goes_into_them_when_they_do(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await slow_search(pilot)
        await pilot.press(*"元宝派", "tab")
        assert screen.results is None
        await wait_until(pilot, lambda: isinstance(screen.focused, ResultList))
        assert screen.results.query == "元宝派"


async def test_hit_keys_continue_into_the_next_article(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "元宝派")
        await pilot.press("enter")
        await pilot.pause()
        view = app.query_one(ArticleView)
        with_hits = [a for a in seed_corpus.articles if "元寶派" in a.body]
        first_count = with_hits[0].body.count("元寶派")
        await pilot.press(*["n"] * first_count)  # Past the last hit of the first article.
        assert view.article.id == with_hits[1].id
        assert view.current_mark == with_hits[1].body.index("元寶派")
        await pilot.press("N")
        assert view.article.id == with_hits[0].id
        assert view.current_mark == with_hits[0].body.rindex("元寶派")
        await pilot.press("escape")
        assert hit_layer(view) == [] and view.current_mark is None


async def test_choosing_a_hit_in_the_list(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await search(pilot, "豆包手機")
        await pilot.press("tab")
        assert isinstance(screen.focused, ResultList)
        await pilot.press("down", "down")
        row = screen.query_one(ResultList).rows[screen.query_one(ResultList).highlighted]
        await pilot.press("enter")
        await pilot.pause()
        article = seed_corpus.articles[row.position]
        hit = [i for i in range(len(article.body)) if article.body.startswith("豆包手機", i)][row.hit]
        view = app.query_one(ArticleView)
        assert view.article.id == article.id and view.current_mark == hit


async def test_word_mode_and_escape(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "元寶")
        assert summary(app) == "57 hits in 6 articles"  # 56 in the texts, one in a title.
        await pilot.press("alt+w")
        await wait_until(pilot, lambda: summary(app).startswith("40 hits"))
        assert "whole words" in app.screen.query_one("Vertical").border_title
        await pilot.press("escape")
        assert not isinstance(app.screen, SearchScreen)


async def test_history_is_recalled_and_kept(tmp_path: Path):
    state = tmp_path / "state.json"
    app = make_app(state=State.load(state))
    async with app.run_test(size=SIZE) as pilot:
        await search(pilot, "騰訊")
        await pilot.press("enter")
        await pilot.pause()
        await search(pilot, "")  # Opens with the last query, selected…
        query = app.screen.query_one(Input)
        assert (query.value, query.selected_text) == ("騰訊", "騰訊")
        await pilot.press("end", "backspace")  # …kept to edit after end…
        assert query.value == "騰"
        await pilot.press("escape")
        await search(pilot, "")
        await pilot.press(*"豆包")  # …replaced by what is typed.
        assert app.screen.query_one(Input).value == "豆包"
        await wait_until(pilot, lambda: "hits" in summary(app))
        await pilot.press("enter")
        await pilot.pause()
    again = make_app(state=State.load(state))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await pilot.press("up")
        assert again.screen.query_one(Input).value == "豆包"
        await pilot.press("up")
        assert again.screen.query_one(Input).value == "騰訊"
        await pilot.press("down", "down")
        assert again.screen.query_one(Input).value == ""
