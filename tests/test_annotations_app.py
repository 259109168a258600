"""Annotations in the app: select by keys or mouse, annotate, edit, delete and undo, list, jump."""

from __future__ import annotations

from pathlib import Path

from apphelpers import SIZE, make_app, wait_until
from textual.widgets import Input, TextArea

from reader.annotations.store import Annotation, AnnotationStore
from reader.articles.corpus import load_corpus
from reader.reading.navigation import jieba_splitter_if_ready
from reader.ui.screens.annotate import AnnotateScreen
from reader.ui.screens.annotation_list import AnnotationListScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.status_bar import NoteBar, StatusBar


def layer(view: ArticleView, name: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.style) for s in view.layer_spans(name)]


async def fill_dialog(pilot, note: str, tags: str, colour: str | None = None) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, AnnotateScreen)
    screen.query_one(TextArea).text = note
    screen.query_one("#tags", Input).value = tags
    if colour:
        screen.query_one(f"#color-{colour}").value = True
    await pilot.press("ctrl+s")
    await pilot.pause()


async def test_select_with_keys_and_annotate(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        body = seed_corpus.articles[0].body
        await pilot.press("l")  # The cursor appears at the top of the text…
        assert view.cursor == 0
        await pilot.press("l", "l", "v", "l", "l", "l")  # …then a selection of four characters.
        assert view.selection == (2, 6)
        assert layer(view, "selection") == [(2, 6, "article-view--selection")]
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.quote_text == body[2:6]
        await fill_dialog(pilot, "第一行\n第二行", "年會, 騰訊 #人物", "green")
        [saved] = app.annotations.all()
        assert (saved.start, saved.end, saved.quote, saved.note) == (2, 6, body[2:6], "第一行\n第二行")
        assert saved.tags == ("年會", "騰訊", "人物") and saved.color == "green"
        assert layer(view, "annotations") == [(2, 6, "annotation-green")]
        assert view.selection is None  # Saving ends the selection.
        assert "第一行" in str(app.query_one(NoteBar).render())  # The cursor is on it: its note shows.
        assert AnnotationStore(app.annotations.path).all() == [saved]  # On disk at once.


async def test_words_and_sentences(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        body = seed_corpus.articles[0].body
        await pilot.press("l")
        await pilot.press(")")
        first_end = body.index("。") + 1
        assert view.cursor == first_end
        await pilot.press("A")  # The whole sentence at the cursor.
        await pilot.pause()
        second = body[first_end : body.index("。", first_end) + 1]
        assert app.screen.quote_text == second
        await pilot.press("escape")
        await pilot.press("(")
        assert view.cursor == 0
        await pilot.press("w")  # Starts jieba if nothing has yet (the key waits for it)…
        await wait_until(pilot, lambda: jieba_splitter_if_ready() is not None)
        await pilot.press("(")  # (An earlier test in this process may have started it: then w moved.)
        assert view.cursor == 0
        await pilot.press("w")  # …then moves by words.
        assert view.cursor == 2  # 近期 is one word.


async def test_annotate_the_search_hit_or_entity_under_the_cursor(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.seen.entities_found(pilot, seed_corpus.articles[0].id)
        view = app.query_one(ArticleView)
        body = seed_corpus.articles[0].body
        start = body.index("馬化騰")
        view.move_cursor(start + 1)
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.quote_text == "馬化騰"  # The entity under the cursor.
        await pilot.press("escape")
        await pilot.press("slash", *"穿越周期")
        await wait_until(pilot, lambda: "hit" in str(app.screen.query_one("#summary").render()))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a")  # The hit just opened.
        await pilot.pause()
        assert app.screen.quote_text == "穿越周期"


async def test_edit_delete_and_undo(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("l", "v", "l")
        await pilot.press("a")
        await fill_dialog(pilot, "原來的", "甲")
        await pilot.press("a")  # On an annotation: edit it.
        await pilot.pause()
        screen = app.screen
        assert screen.existing and screen.query_one(TextArea).text == "原來的"
        await fill_dialog(pilot, "改過的", "乙")
        [edited] = app.annotations.all()
        assert edited.note == "改過的" and edited.tags == ("乙",)
        await pilot.press("x")
        assert app.annotations.all() == [] and layer(view, "annotations") == []
        await pilot.press("u")
        assert [a.id for a in app.annotations.all()] == [edited.id]
        assert layer(view, "annotations")


async def test_mouse_click_and_drag_select(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        body_line = next(i for i, line in enumerate(view.layout_lines) if line.in_body)
        x = view.margin + 4  # Two wide characters in.
        await pilot.click(ArticleView, offset=(x, body_line))
        assert view.cursor == 2 and view.selection is None
        await pilot.mouse_down(ArticleView, offset=(x, body_line))
        await pilot.hover(ArticleView, offset=(x + 10, body_line))
        await pilot.mouse_up(ArticleView, offset=(x + 10, body_line))
        assert view.selection == (2, 8)


async def test_list_filter_and_jump(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        await pilot.press("l", "v", "l")
        await pilot.press("a")
        await fill_dialog(pilot, "開頭", "甲")
        await pilot.press("]", "l", "l", "v", "l")
        await pilot.press("a")
        await fill_dialog(pilot, "第二篇", "乙")
        await pilot.press("m")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnnotationListScreen)
        notes = screen.query_one("OptionList")
        assert notes.option_count == 1  # This article only…
        await pilot.press("f2")
        assert notes.option_count == 2  # …or all of them.
        await pilot.press(*"#甲")
        assert notes.option_count == 1
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert view.article.id == seed_corpus.articles[0].id
        assert view.current_mark == 0 and view.cursor == 0


async def test_a_corrupt_file_is_reported_and_left_alone(tmp_path: Path):
    path = tmp_path / "annotations.json"
    path.write_text('{"schema": 1, "annotations": [ broken', encoding="utf-8")
    before = path.read_bytes()
    app = make_app(annotations=AnnotationStore(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("not valid JSON" in m and "read-only" in m for m in app.seen.notifications)
        await pilot.press("l", "v", "l", "a")
        await pilot.pause()
        await fill_dialog(pilot, "不會存", "")
        assert isinstance(app.screen, AnnotateScreen)  # Kept open with the note, saying why in it.
        assert "not writing over it" in str(app.screen.query_one("#problem").render())
    assert path.read_bytes() == before


async def test_the_script_toggle_keeps_annotations_on_their_words(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        body = seed_corpus.articles[0].body
        start = body.index("騰訊")
        view.move_cursor(start)
        await pilot.press("v", "l", "a")
        await pilot.pause()
        await fill_dialog(pilot, "公司", "")
        await pilot.press("t")
        await pilot.pause()
        assert layer(view, "annotations") == [(start, start + 2, "annotation-yellow")]
        assert view.texts.body[start : start + 2] == "腾讯"
        assert view.cursor == start + 1 and "公司" in str(app.query_one(NoteBar).render())


async def test_brackets_in_titles_notes_and_paths_are_text_not_markup(tmp_path: Path):
    """Textual reads `[...]` as markup: a title `[AI] …` lost its tag, a note with `[/b]` stopped the app."""
    article_file = tmp_path / "[draft].txt"
    article_file.write_text("[AI] 新聞 [/b] 標題\n騰訊今天發布了元寶派。\n", encoding="utf-8")
    corpus = load_corpus([article_file])
    article = corpus.articles[0]
    store = AnnotationStore(tmp_path / "notes.json")
    store.add(Annotation.new(article.id, article.body, 0, 2, note="見 [1] 與 [/b]"))
    app = make_app(corpus, annotations=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "[AI] 新聞 [/b] 標題" in str(app.query_one(StatusBar).render())
        app.query_one(ArticleView).move_cursor(0)
        await pilot.pause()
        assert str(app.query_one(NoteBar).render()).endswith("見 [1] 與 [/b]")
        app.notify(f"Skipped {article_file}")
        await pilot.pause()
        shown = app.seen.notices[-1]
        assert "[draft].txt" in shown.message and not shown.markup
    assert app.return_code in (0, None)


def test_an_annotation_held_by_others_knows_how_deep_it_is():
    from reader.ui.parts.annotations import nested

    body = "近期,騰訊一年一度的員工大會如期而至。"
    sentence, word, letter, crossing = (Annotation.new("a", body, s, e) for s, e in [(0, 19), (10, 14), (10, 11),
                                                                                        (12, 17)])
    depths = {a.quote: depth for a, depth in nested([letter, crossing, word, sentence])}
    assert depths == {sentence.quote: 0, word.quote: 1, letter.quote: 2, crossing.quote: 1}
