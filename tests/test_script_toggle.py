"""The script toggle in the app: everything drawn by offset stays on the same words."""

from __future__ import annotations

import threading
from pathlib import Path

from apphelpers import SIZE, make_app, view_text, wait_until
from conftest import shared_corpus

from reader.articles.corpus import load_corpus
from reader.reading import shown as shown_text
from reader.reading.document import ArticleDocument
from reader.settings.state import State
from reader.text.conversion import ORIGINAL, SIMPLIFIED, TRADITIONAL, convert
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.article_view import ArticleView, Span
from reader.ui.widgets.status_bar import StatusBar


def word_at(view: ArticleView, start: int, end: int) -> str:
    return view.texts.body[start:end]


async def settle(pilot, view: ArticleView, mode: str) -> None:
    """Wait until the view shows `mode` (long articles are prepared in a worker)."""
    await wait_until(pilot, lambda: view.texts is not None and view.texts.mode == mode)


async def test_toggle_keeps_highlights_position_and_returns_to_the_original(seed_corpus):
    article = seed_corpus.articles[0]
    start = article.body.index("馬化騰")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        view.set_layer("test", [Span(start, start + 3, "article-view--heading")])
        await pilot.press(*"jjjjjjjj")
        position = view.position
        await pilot.press("t")
        await pilot.pause()
        assert view.script_mode == SIMPLIFIED
        assert word_at(view, start, start + 3) == "马化腾"
        assert view.position == position
        assert view.layer_spans("test") == [Span(start, start + 3, "article-view--heading")]
        assert "简体" in str(app.query_one(StatusBar).render())
        await pilot.press("t")  # The seeds are Traditional: 繁體 would show them as they are, so on to the original.
        await pilot.pause()
        assert view.script_mode == ORIGINAL
        assert view.texts.body == article.body
        assert view.position == position


async def test_highlighted_words_are_drawn_in_the_new_script(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        body = seed_corpus.articles[0].body
        start = body.index("騰訊")
        view.set_layer("test", [Span(start, start + 2, "article-view--heading")])
        await pilot.press("t")
        await pilot.pause()
        lines = view.layout_lines
        line = lines.index(next(row for row in lines if row.in_body and row.start <= start < row.end))
        strip = view.render_line(line - round(view.scroll_y))
        styled = [seg for seg in strip if seg.style and seg.style.bold and seg.text.strip()]
        assert styled[0].text == "腾讯"


async def test_sidebar_titles_and_status_follow_the_script():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        rows = "".join(
            "".join(seg.text for seg in app.query_one(ArticleList).render_line(y)) for y in range(6)
        )
        assert "马化腾最新内部演讲" in rows and "涌现观察" in rows
        assert "马化腾最新内部演讲" in str(app.query_one(StatusBar).render())


async def test_the_mode_is_remembered(tmp_path: Path):
    state = tmp_path / "state.json"
    app = make_app(state=State.load(state))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
    again = make_app(state=State.load(state))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.query_one(ArticleView).script_mode == SIMPLIFIED


async def test_a_simplified_document_toggles_to_traditional_and_back():
    path = shared_corpus("us_constitution_zhs.txt")
    article = load_corpus([path]).articles[0]
    app = make_app(load_corpus([path]))
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        assert "原文·简" in str(app.query_one(StatusBar).render())
        await pilot.press("t")  # Traditional at once (简体 would be the original itself).
        await pilot.pause()
        assert view.texts.title == "美利堅合眾國憲法"
        assert view.texts.body == convert(article.body, TRADITIONAL)
        await pilot.press("t")
        await pilot.pause()
        assert view.texts.body == article.body


async def test_a_long_article_is_prepared_in_the_background(tmp_path: Path, seed_corpus, monkeypatch):
    body = "".join(a.body for a in seed_corpus.articles) * 12  # About 200,000 characters.
    path = tmp_path / "long.txt"
    path.write_text("長文\n" + body, encoding="utf-8")
    release = threading.Event()
    real_texts = shown_text.article_texts

    def slow_texts(article, mode):
        if mode != ORIGINAL:
            assert release.wait(30), "the test never released the conversion"
        return real_texts(article, mode)

    monkeypatch.setattr(shown_text, "article_texts", slow_texts)
    app = make_app(load_corpus([path]))
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        assert len(view.article.body) > ArticleDocument.BACKGROUND_FROM
        await settle(pilot, view, ORIGINAL)
        assert view_text(view)[0].strip() == "長文"
        await pilot.press("t")
        await pilot.pause()
        # While the conversion runs: the part in view is shown converted, the status says the
        # rest is being prepared, and keys still work.
        assert view.texts.mode == SIMPLIFIED and view.texts.title == "长文"
        assert view.texts.body != convert(body, SIMPLIFIED)  # Only a part of it.
        assert f"Preparing {len(view.article.body):,} characters…" in str(app.query_one(StatusBar).render())
        await pilot.press("j", "j")
        await pilot.pause()
        assert view.scroll_y == 2
        release.set()
        await wait_until(pilot, lambda: view.texts.body == convert(body, SIMPLIFIED))
        assert view.scroll_y == 2  # Where the reader went meanwhile, not where they were.
        await pilot.press("G")
        await pilot.pause()
        assert view.percent_read == 100
