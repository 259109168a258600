"""A cursor or highlight move draws again only the rows it touches, not the screen.

`LineView.rows_drawn` counts the rows drawn (a row in the strip cache is not drawn again), so
each test reads it before and after one key. The first cursor starts the dictionary, whose word line
above the status bar then shows: the tests let that settle before they count.
"""

from __future__ import annotations

from apphelpers import SIZE, make_app, wait_until

from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView


async def settled(pilot) -> None:
    """Every article's entities found, nothing in progress, the key hints drawn, the screen painted."""
    app = pilot.app
    await wait_until(
        pilot,
        lambda: len(app.reading.entities.complete) == len(app.corpus.articles) and not app.reading.busy
        and app.query("KeyHints"),
    )
    await app.workers.wait_for_complete()
    await pilot.pause()


async def place_cursor(pilot) -> ArticleView:
    """The cursor at the top of the text, and what it starts (the dictionary) done."""
    view = pilot.app.query_one(ArticleView)
    await pilot.press("l")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert view.cursor == 0
    return view


def word_line_shown(app) -> bool:
    """Whether the line that shows the word at the cursor is up (it takes a row from the text)."""
    return any(widget.display for widget in app.query("#word"))


async def drawn_by(pilot, widget, *keys: str) -> int:
    """Rows `widget` draws while `keys` are pressed and the screen is painted again."""
    await pilot.pause()
    before = widget.rows_drawn
    await pilot.press(*keys)
    await pilot.pause()
    return widget.rows_drawn - before


async def test_a_cursor_move_in_a_line_draws_one_row():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        view = app.query_one(ArticleView)
        assert view.rows_drawn >= SIZE[1] - 5  # The screen was drawn once: the count works.
        await place_cursor(pilot)
        shown = word_line_shown(app)
        first = view.layout_lines[next(i for i, line in enumerate(view.layout_lines) if line.in_body)]
        assert first.start == 0 and first.end > 1  # The next character is on the same line.
        moved = await drawn_by(pilot, view, "l")
        assert view.cursor == 1 and word_line_shown(app) == shown  # 近 to 期: a word at both.
        assert 1 <= moved <= 2  # The cursor's row (old and new are one); not the screen.


async def test_a_cursor_move_down_a_line_draws_the_two_rows():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        view = await place_cursor(pilot)
        shown = word_line_shown(app)
        moved = await drawn_by(pilot, view, "J")
        assert view.cursor is not None and view.cursor > 0 and word_line_shown(app) == shown
        assert 1 <= moved <= 2  # The old cursor row and the new one.


async def test_scrolling_a_line_draws_only_the_row_that_comes_into_view():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        view = await place_cursor(pilot)  # A cursor on screen changes nothing: it stays where it is.
        top = view.scroll_y
        scrolled = await drawn_by(pilot, view, "j")
        assert view.scroll_y == top + 1 and view.cursor == 0
        assert scrolled <= 2  # The row that came in at the bottom (if not drawn before); not the others.


async def test_a_cursor_move_that_hides_the_word_line_draws_only_the_rows_it_touches():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        view = await place_cursor(pilot)
        await pilot.press("l")  # 期
        assert word_line_shown(app)
        onto_comma = await drawn_by(pilot, view, "l")
        assert view.texts is not None and view.texts.body[view.cursor or 0] == ","
        assert not word_line_shown(app)  # No word starts at a comma: the text gains a row.
        assert 1 <= onto_comma <= 3  # The cursor's row, and the row that came into view.


async def test_moving_the_list_highlight_draws_only_the_two_entries():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        articles = app.query_one(ArticleList)
        articles.focus()
        await pilot.pause()
        assert articles.highlighted == 0
        assert articles.rows_drawn >= 2 * len(app.corpus.articles)  # Every entry was drawn once.
        moved = await drawn_by(pilot, articles, "j")
        assert articles.highlighted == 1
        await settled(pilot)  # The next article opened: its entities are known already.
        touched = len(articles.item_rows(0)) + len(articles.item_rows(1))
        assert 1 <= moved <= touched
        again = await drawn_by(pilot, articles, "j")
        assert articles.highlighted == 2
        assert 1 <= again <= len(articles.item_rows(1)) + len(articles.item_rows(2))
