"""The app driven as a user would, through `run_test()` and `Pilot`."""

from __future__ import annotations

import gc
from pathlib import Path

from apphelpers import SIZE, make_app, rich_text, view_text, wait_until
from conftest import SEEDS

from reader.articles.corpus import load_corpus
from reader.settings.state import State
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.sidebar import Sidebar


async def test_opens_on_the_first_article_with_title_source_and_paragraphs(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert view.article.id == seed_corpus.articles[0].id
        lines = view_text(view)
        assert lines[0].strip() == "馬化騰最新內部演講,透露騰訊AI的5個關鍵點"
        assert lines[1].strip() == "湧現觀察 · #馬化騰 · 2,326字"
        assert lines[2] == ""
        assert lines[3].strip().startswith("近期,騰訊一年一度的員工大會如期而至。")
        assert "" in lines[4:]  # Paragraphs are separated by a blank line.
        assert app.focused is view
        assert app.query_one(Sidebar).filter_input.placeholder == "Filter titles…"
        assert not app.query("#filter-hint")  # The look-alike is gone once the real box is in.


async def test_the_collector_comes_back_on_after_the_first_paint():
    gc.disable()  # As reader.cli.main leaves it for the app.
    try:
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: app.painted)
            assert gc.isenabled()
    finally:
        gc.enable()


async def test_quitting_before_the_first_paint_is_clean():
    """What waits for the first paint (the filter box, the footer, the workers) must not run
    into an app that is already closing."""
    app = make_app()
    app.call_later(app.exit)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert app.return_code == 0


async def test_choosing_articles_in_the_sidebar(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click(ArticleList, offset=(2, 4))  # The second title: opens it to read.
        await pilot.pause()
        assert app.query_one(ArticleView).article.id == seed_corpus.articles[1].id
        assert isinstance(app.focused, ArticleView)
        await pilot.press("shift+tab")
        assert isinstance(app.focused, ArticleList)
        await pilot.press("j", "j")  # Down the list: the article follows.
        await pilot.pause()
        assert app.query_one(ArticleView).article.id == seed_corpus.articles[3].id
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, ArticleView)


async def test_next_and_previous_article(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("]", "]")
        assert app.query_one(ArticleView).article.id == seed_corpus.articles[2].id
        await pilot.press("[", "[", "[")
        assert app.query_one(ArticleView).article.id == seed_corpus.articles[-1].id  # Wraps around.


async def test_scrolling_by_line_page_and_to_the_ends():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("j", "j", "j")
        assert view.scroll_y == 3
        await pilot.press("k")
        assert view.scroll_y == 2
        await pilot.press("space")
        await pilot.pause()
        assert view.scroll_y == 2 + view.scrollable_content_region.height
        await pilot.press("G")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y > 0
        assert view_text(view)[-1] or view_text(view)[-2]
        await pilot.press("g")
        await pilot.pause()
        assert view.scroll_y == 0


async def test_filter_narrows_the_list_in_either_script():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        await pilot.press(*"豆包")
        await pilot.pause()
        sidebar = app.query_one(Sidebar)
        assert str(sidebar.query_one("#count").render()) == "1 of 7 articles"
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(ArticleView).article.title.startswith("馬化騰不看好的「豆包手機」")
        # Simplified input finds Traditional titles.
        await pilot.press("f", "ctrl+u", *"腾讯")
        await pilot.pause()
        assert str(sidebar.query_one("#count").render()) == "1 of 7 articles"
        assert "騰訊" in sidebar.article_list.entries[0].title
        await pilot.press("escape")
        await pilot.pause()
        assert str(sidebar.query_one("#count").render()) == "7 articles"


async def test_typing_in_the_list_starts_the_filter():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(ArticleList).focus()
        await pilot.press("3", "6")
        await pilot.pause()
        sidebar = app.query_one(Sidebar)
        assert sidebar.filter_input.value == "36"
        assert sidebar.filter_input.content_region.height == 1  # Room for what is typed (no border).
        assert str(sidebar.query_one("#count").render()) == "1 of 7 articles"


async def test_a_user_keymap_rebinds_keys(tmp_path: Path):
    keymap = tmp_path / "keys.toml"
    keymap.write_text('[article]\nscroll_down = "y"\nscroll_up = "i"\n', encoding="utf-8")
    app = make_app(keymap_file=keymap)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("j")
        assert view.scroll_y == 0
        await pilot.press("y", "y")
        assert view.scroll_y == 2
        await pilot.press("i")
        assert view.scroll_y == 1


async def test_reading_position_and_article_survive_a_restart(seed_corpus, tmp_path: Path):
    state_path = tmp_path / "state.json"
    app = make_app(state=State.load(state_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("]", "j", "j", "j", "j", "j", "j")
        await pilot.pause()
        position = app.query_one(ArticleView).position
        assert position > 0
    again = make_app(state=State.load(state_path))
    async with again.run_test(size=(100, 30)) as pilot:  # Another width: same words at the top.
        await pilot.pause()
        view = again.query_one(ArticleView)
        assert view.article.id == seed_corpus.articles[1].id
        top = view.layout_lines[round(view.scroll_y)]
        assert top.start <= position < top.end or view.position == position


async def test_help_lists_every_binding_with_its_current_keys(tmp_path: Path):
    keymap = tmp_path / "keys.toml"
    keymap.write_text('[app]\nnext_article = "L"\n', encoding="utf-8")
    app = make_app(keymap_file=keymap)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = rich_text(app.screen.query_one("Static").content)
        lines = {" ".join(line.split()) for line in text.splitlines()}
        assert "j, down Scroll down a line" in lines
        assert "L Next article" in lines  # The user's key, not the default.
        assert "?, f1 Show the keys" in lines
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_files_that_cannot_be_read_are_reported_in_the_app(tmp_path: Path):
    (tmp_path / "bad.txt").write_bytes("Café".encode("latin-1"))
    corpus = load_corpus([SEEDS, tmp_path / "bad.txt"])
    app = make_app(corpus)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("bad.txt" in m and "not UTF-8" in m for m in app.seen.notifications)


async def test_sidebar_can_be_hidden_and_the_text_reflows():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        narrow = len(view.layout_lines)
        await pilot.press("s")
        await pilot.pause()
        assert not app.query_one(Sidebar).display
        assert len(view.layout_lines) < narrow


async def test_the_sidebar_takes_a_third_of_a_narrow_terminal():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.query_one(Sidebar).outer_size.width == 25
        assert app.query_one(ArticleView).size.width >= 54


async def test_hard_wrapped_markdown_is_reflowed(tmp_path: Path):
    note = tmp_path / "note.md"
    note.write_text(
        "# A note\n\nA paragraph that an editor wrapped at\n"
        "a narrow width, as mail and Markdown\nfiles often are.\n",
        encoding="utf-8",
    )
    app = make_app(load_corpus([note]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = view_text(app.query_one(ArticleView))
        assert lines[3].strip() == "A paragraph that an editor wrapped at a narrow width, as mail and Markdown"
        view = app.query_one(ArticleView)
        offset = view.offset_at(lines[3].index("Markdown"), 3)  # A click there lands on its first letter.
        assert view.article.body[offset : offset + 8] == "Markdown"


async def test_details_too_long_for_a_narrow_list_end_in_an_ellipsis():
    app = make_app()
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        article_list = app.query_one(ArticleList)
        rows = [article_list.render_line(y).text.strip(" " + ArticleList.MARK) for y in range(article_list.size.height)]
        assert "湧現觀察 · 2,326字" in rows  # What fits is whole,
        assert "財富中文網 ·…" in rows  # what does not is cut visibly.
