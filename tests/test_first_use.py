"""What a person trying reader for the first time tripped on (issue 27): keys act from where the
reader is, dialogs say what they will do, the text keeps its room, the footer offers what acts."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from apphelpers import SIZE, make_app, view_text, wait_until
from conftest import SEEDS
from rich.cells import cell_len
from textual import events

from reader.annotations.store import Annotation, AnnotationStore
from reader.articles.corpus import CorpusCache, load_corpus
from reader.reading.document import ArticleDocument
from reader.text.conversion import convert
from reader.text.linebreak import cells
from reader.ui.messages import Busy, CorpusChanged
from reader.ui.widgets.article_view import ArticleView


async def test_the_entity_keys_walk_on_from_the_cursor_not_from_the_last_entity(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.reading.view
        await app.seen.entities_found(pilot, seed_corpus.articles[0].id)
        await pilot.press("right", *"J" * 12)
        cursor = view.cursor
        assert cursor is not None and cursor > 200
        await pilot.press("greater_than_sign")
        after = min(e.start for e in view.entities if e.start > cursor)
        assert view.current_mark == after
        await pilot.press(*"J" * 3)
        cursor = view.cursor
        await pilot.press("full_stop")  # Any entity (none chosen), from the cursor too.
        assert view.current_mark == min(e.start for e in view.entities if e.start > cursor)
        await pilot.press(*"K" * 5)
        cursor = view.cursor
        await pilot.press("less_than_sign")  # Back from the cursor, not from the mark below it.
        assert view.current_mark == max(e.start for e in view.entities if e.start < cursor)


async def test_removing_a_library_article_opens_its_neighbour(tmp_path: Path):
    from reader.articles.library import add_sources
    from reader.ui.screens.add import ConfirmScreen

    library = tmp_path / "library"
    texts = []
    for number, title in enumerate(["第一篇", "第二篇", "第三篇"]):
        texts.append(tmp_path / f"{number}.txt")
        texts[-1].write_text(f"{title}\n這是{title}的正文。", encoding="utf-8")
    assert len(add_sources(texts, library).added) == 3
    source = (lambda: [SEEDS, library], CorpusCache(tmp_path / "cache"))
    app = make_app(library=library, corpus_source=source, corpus=load_corpus([SEEDS, library]))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        titles = [article.title for article in app.corpus.articles]
        app.reading.open_article(app.corpus.articles[titles.index("第二篇")].id, focus_view=True)
        await pilot.press("minus")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, ConfirmScreen))
        await pilot.press("enter")
        await app.seen.wait_for(pilot, lambda m: isinstance(m, CorpusChanged) and len(m.corpus.articles) == 9)
        assert app.reading.view.article.title == "第三篇"  # The one after it in the list, not article 1.
        await pilot.press("minus")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, ConfirmScreen))
        await pilot.press("enter")
        await app.seen.wait_for(pilot, lambda m: isinstance(m, CorpusChanged) and len(m.corpus.articles) == 8)
        assert app.reading.view.article.title == "第一篇"  # The last one gone: the one before it.


async def test_v_on_an_entity_walked_to_saves_the_whole_entity(tmp_path: Path):
    (tmp_path / "one.txt").write_text("會議\n1月26日,騰訊在深圳召開員工大會。", encoding="utf-8")
    store = AnnotationStore(tmp_path / "notes.json")
    app = make_app(load_corpus([tmp_path]), annotations=store)
    async with app.run_test(size=SIZE) as pilot:
        article = app.corpus.articles[0]
        await app.seen.entities_found(pilot, article.id)
        assert any(article.body[e.start : e.end] == "1月26日" for e in app.reading.view.entities)
        await pilot.press("greater_than_sign")
        assert app.reading.view.cursor == 0
        await app.seen.wait_for(pilot, app.seen.ended("dictionary"))
        await pilot.press("V")
        await app.seen.wait_for(pilot, app.seen.said("saved to your vocabulary"))
        assert [a.quote for a in store.all()] == ["1月26日"]


async def test_adding_a_feed_again_says_so_in_one_toast(tmp_path: Path):
    from reader.articles.library import add_sources
    from reader.ui.screens.add import AddScreen

    library = tmp_path / "library"
    feed = Path(__file__).parent / "fixtures" / "library" / "atom.xml"
    assert len(add_sources([feed], library).added) == 3
    source = (lambda: [SEEDS, library], CorpusCache(tmp_path / "cache"))
    app = make_app(library=library, corpus_source=source, corpus=load_corpus([SEEDS, library]))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        await pilot.press("plus")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, AddScreen))
        app.screen.query_one("#sources").value = str(feed)
        await pilot.press("enter")
        await app.seen.wait_for(pilot, app.seen.ended("add"))
        await pilot.pause()
        [toast] = [notice for notice in app.seen.notices if notice.title not in ("Cursor", "Words")]
        assert toast.message.startswith("Nothing added\nalready in the library (3):")


async def test_a_folder_of_unreadable_files_is_one_toast(tmp_path: Path):
    (tmp_path / "good.txt").write_text("標題\n正文。", encoding="utf-8")
    for number in range(6):
        (tmp_path / f"bad{number}.txt").write_bytes(b"\x00\x01\x02\xff" * 50)
    corpus = load_corpus([tmp_path])
    assert len(corpus.problems) == 6
    app = make_app(corpus)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        [toast] = app.seen.notices
        assert toast.title == "Skipped 6 files" and "bad0.txt" in toast.message and "… and 3 more" in toast.message


async def test_the_help_scrolls_with_the_reading_keys():
    from reader.ui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, HelpScreen))
        box = app.screen.query_one(".dialog-box")
        assert box.max_scroll_y > 20
        await pilot.press("j", "j")
        assert box.scroll_y == 2
        await pilot.press("k")
        assert box.scroll_y == 1
        await pilot.press("G")
        assert box.scroll_y == box.max_scroll_y
        await pilot.press("g", "space")
        assert box.scroll_y == box.scrollable_content_region.height
        await pilot.press("b")
        assert box.scroll_y == 0


@pytest.mark.parametrize("size", [(80, 24), (60, 20), (120, 35)])
async def test_the_annotation_list_keeps_each_bullet_with_its_quote_and_inside_its_border(size, tmp_path: Path,
                                                                                         seed_corpus):
    from textual.widgets import OptionList

    from reader.ui.screens.annotation_list import AnnotationListScreen

    article = seed_corpus.articles[0]
    store = AnnotationStore(tmp_path / "notes.json")
    end = article.body.index("窗口。") + 3
    note = "一個很長的筆記 with several words to see how it wraps"
    store.add(Annotation.new(article.id, article.body, 0, end, note=note, tags=("重點", "ai")))
    store.add(Annotation.new(article.id, article.body, 3, 5, note="short"))
    app = make_app(annotations=store)
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.painted)
        await pilot.press("m")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, AnnotationListScreen))
        await pilot.press("f2")
        await pilot.pause()
        notes = app.screen.query_one(OptionList)
        rows = ["".join(segment.text for segment in notes.render_line(y)).rstrip() for y in range(notes.size.height)]
        bullets = [row for row in rows if "●" in row]
        assert len(bullets) == 2 and all(row.strip() != "●" for row in bullets), rows
        assert all(cells(row) <= notes.scrollable_content_region.width for row in rows), rows
        assert sum(1 for row in rows if row.strip()) <= 4  # A quote's line and a line of note, tags, title.


async def test_the_word_panel_keeps_the_entity_type_after_following_a_reference_and_back(seed_corpus):
    from reader.ui.screens.word import WordScreen

    article = seed_corpus.articles[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.seen.entities_found(pilot, article.id)
        app.reading.view.move_cursor(article.body.index("騰訊"))
        await app.seen.wait_for(pilot, app.seen.ended("dictionary"))
        await pilot.press("d")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, WordScreen))
        box = app.screen.query_one(".dialog-box")
        assert box.border_title == "騰訊 · org"
        await pilot.press("enter")  # See 騰訊控股有限公司…
        await pilot.pause()
        assert app.screen.words == ["騰訊控股有限公司"] and "org" not in str(box.border_title)
        await pilot.press("backspace")  # …and back.
        await pilot.pause()
        assert box.border_title == "騰訊 · org"


async def test_the_export_dialog_counts_what_it_will_write_and_starts_on_the_format_chosen_last(tmp_path: Path,
                                                                                              seed_corpus):
    from textual.widgets import Checkbox, Label, RadioSet

    from reader.settings.state import State
    from reader.ui.screens.export import ExportScreen

    first, other = seed_corpus.articles[0], seed_corpus.articles[1]
    path = tmp_path / "notes.json"
    store = AnnotationStore(path)
    store.add(Annotation.new(first.id, first.body, 0, 2))
    store.add(Annotation.new(other.id, other.body, 0, 2))
    state = State.load()
    state.change(export_format="csv")
    app = make_app(annotations=store, state=state)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        AnnotationStore(path).add(Annotation.new(first.id, first.body, 3, 5, tags=("vocab",)))  # Another reader.
        await pilot.press("X")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, ExportScreen))
        screen = app.screen
        count = screen.query_one("#count", Label)
        assert str(count.render()) == "3 annotations (all articles). Write to:"
        screen.query_one("#here", Checkbox).value = True
        await pilot.pause()
        assert str(count.render()) == "2 annotations (this article). Write to:"
        await pilot.press("down", "enter")  # The highlight starts on CSV, the format chosen last: JSON next.
        assert screen.query_one(RadioSet).pressed_button.id == "format-json"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert str(count.render()) == "1 vocabulary note (this article). Write to:"  # What Anki is given.


def simplified_text(folder: Path, paragraphs: int) -> Path:
    """A long Simplified text (the article view prepares one this long in the background)."""
    paragraph = "郑伯克段于鄢。这是国家的历史，东西南北都记载着。学习历史让人们认识过去的经验与教训。" * 3
    path = folder / "history.txt"
    path.write_text("左传选读\n" + "\n\n".join([paragraph] * paragraphs), encoding="utf-8")
    return path


async def test_t_on_a_simplified_text_turns_it_traditional_at_once_and_back(tmp_path: Path, monkeypatch):
    from reader.reading import shown as shown_text
    from reader.search.index import SearchIndex
    from reader.ui.widgets.status_bar import StatusBar, WordBar

    release, whole_texts = threading.Event(), shown_text.article_texts

    def slow_texts(article, mode):
        """The whole text in another script, converted (in a worker) once the test says so."""
        if mode != "original":
            assert release.wait(30), "the test never released the conversion"
        return whole_texts(article, mode)

    monkeypatch.setattr(shown_text, "article_texts", slow_texts)
    corpus = load_corpus([simplified_text(tmp_path, 500)])
    article = corpus.articles[0]
    assert article.length > ArticleDocument.BACKGROUND_FROM
    app = make_app(corpus)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        view = app.reading.view
        app.reading.results = SearchIndex(corpus.articles).search("郑伯")
        view.move_cursor(article.body.index("郑伯"))
        await app.seen.wait_for(pilot, app.seen.ended("dictionary"))
        assert str(app.query_one(WordBar).render()).startswith("郑 ")
        await app.workers.wait_for_complete()
        await pilot.press("t")  # Not 简体 (the text as it is): 繁體, on the first press,
        assert app.reading.script == "traditional"
        assert "鄭伯克段於鄢" in "".join(view_text(view))  # shown at once (a long text: the part in view first),
        status = app.query_one(StatusBar)
        assert status.script == "繁體" and status.search.startswith("“鄭伯”")  # the query as the text shows it,
        assert str(app.query_one(WordBar).render()).startswith("鄭 ")  # the word at the cursor too,
        release.set()
        await app.seen.wait_for(pilot, lambda m: isinstance(m, Busy) and m.task == "view" and m.what is None)
        assert view.texts.body == convert(article.body, "traditional")  # and then the whole text.
        await pilot.press("t")  # Back to the original, not on to 简体 by way of nothing.
        assert app.reading.script == "original" and "郑伯克段于鄢" in "".join(view_text(view))
        await app.seen.wait_for(pilot, lambda m: isinstance(m, Busy) and m.task == "view" and m.what is None)
        assert str(app.query_one(WordBar).render()).startswith("郑 ") and status.search.startswith("“郑伯”")


def drawn_styles(view: ArticleView, offset: int) -> set:
    """The styles the character at body `offset` is drawn in (it must be in view)."""
    row = view.document.layout.line_of(offset) - round(view.scroll_y)
    line = view.layout_lines[row + round(view.scroll_y)]
    column = cells(view.texts.body[line.start : offset]) + view.margin
    styles, at = set(), 0
    for segment in view.render_line(row):
        if at <= column < at + cells(segment.text):
            styles.add(segment.style)
        at += cells(segment.text)
    return styles


@pytest.mark.parametrize("inner_colour", ["yellow", "green"])
async def test_a_word_annotated_inside_a_sentence_annotated_later_stays_visible(inner_colour, tmp_path: Path,
                                                                                seed_corpus):
    from reader.ui.screens.annotate import AnnotateScreen

    article = seed_corpus.articles[0]
    body = article.body
    store = AnnotationStore(tmp_path / "notes.json")
    start = body.index("員工大會")
    store.add(Annotation.new(article.id, body, start, start + 5, color=inner_colour))
    app = make_app(annotations=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        view = app.reading.view
        await pilot.press("E")  # No entity colours: only the annotations' own.
        view.move_cursor(start - 3)
        await pilot.press("A")  # The sentence around it, in yellow.
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, AnnotateScreen))
        await pilot.press("ctrl+s")
        await app.seen.until_screen(pilot, lambda screen: not isinstance(screen, AnnotateScreen))
        assert len(store.all()) == 2
        view.move_cursor(None)
        await pilot.pause()
        sentence, word = drawn_styles(view, start - 2), drawn_styles(view, start + 1)
        assert sentence and word and sentence != word
        assert drawn_styles(view, start) == word == drawn_styles(view, start + 4) != drawn_styles(view, start + 5)


def contrast(one, other) -> float:
    """WCAG's contrast ratio of two Rich colours."""
    def luminance(colour) -> float:
        channels = [value / 255 for value in colour.get_truecolor()]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(one), luminance(other)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def test_the_article_read_is_marked_in_the_list_and_muted_text_is_legible_in_every_theme():
    from reader.ui.widgets.article_list import ArticleList

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        articles = app.query_one(ArticleList)
        assert app.focused is app.reading.view
        for theme in sorted(app.available_themes):
            app.theme = theme
            await pilot.pause()
            current, other = articles.render_line(0), articles.render_line(articles.item_rows(1).start)
            mark, title = list(current)[:2]
            assert mark.text == ArticleList.MARK and list(other)[0].text == " ", theme
            if theme.startswith("ansi"):
                continue  # The terminal's own colours: the mark is what shows it.
            plain = list(other)[1].style
            assert contrast(mark.style.color, plain.bgcolor) >= 3, theme  # A mark that stands out (WCAG, not text),
            assert contrast(title.style.bgcolor, plain.bgcolor) > 1.1, theme  # on a row of its own colour,
            readable = contrast(title.style.color, title.style.bgcolor) / contrast(plain.color, plain.bgcolor)
            assert readable >= 0.65, theme  # with a title as easy to read as the others, nearly.
            # Muted text (the source and length under a title, the article's meta line) is muted, not white.
            details = [list(articles.render_line(entry.stop - 1))[1] for entry in map(articles.item_rows, (0, 1))]
            meta = next(segment for segment in app.reading.view.render_line(1) if segment.text.strip())
            assert "字" in meta.text and all("字" in segment.text for segment in details)
            assert all(contrast(s.style.color, s.style.bgcolor) >= 2.8 for s in [*details, meta]), theme


def test_the_text_keeps_its_room_beside_the_side_panels():
    from reader.ui.room import PANEL, SIDEBAR, TEXT_LEAST, Room, share

    assert share(120, True, True) == Room(38, 34)  # Room for all: as wide as they like.
    assert share(90, True, True) == Room(24, 26)  # Both, narrowed.
    for width in (100, 90, 80, 70, 60):
        for last in (SIDEBAR, PANEL):
            room = share(width, True, True, last)
            assert width - sum(cells for cells in room if cells is not None) >= TEXT_LEAST
            assert (room.sidebar if last == SIDEBAR else room.panel) is not None  # The one asked for last.
    assert share(80, True, True, PANEL) == Room(None, 34)  # Too narrow for both: the one asked for last.
    assert share(80, True, True, SIDEBAR) == Room(25, None)
    assert share(50, True, False, PANEL) == Room(None, None)  # The list not asked for just now: hidden.
    assert share(50, True, False, SIDEBAR) == Room(16, None)  # Asked for: shown, narrow.


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_opening_the_entity_panel_leaves_the_text_its_room(size, seed_corpus):
    from reader.ui.widgets.entity_panel import EntityPanel
    from reader.ui.widgets.status_bar import StatusBar

    app = make_app()
    async with app.run_test(size=size) as pilot:
        await app.seen.entities_found(pilot, seed_corpus.articles[0].id)
        view, sidebar, status = app.reading.view, app.reading.sidebar, app.query_one(StatusBar)
        await pilot.press("e")
        await pilot.pause()
        panel = app.query_one(EntityPanel)
        assert panel.display and view.size.width >= 40
        assert not sidebar.display and status.hidden == "list hidden: s"  # No room for both: the list gives way.
        await pilot.press("s")  # Asked for: the list comes back, the panel gives way.
        await pilot.pause()
        assert sidebar.display and not panel.display and view.size.width >= 40
        assert status.hidden == "entities hidden: e" and "entities hidden: e" in str(status.render())
        await pilot.press("e")  # And back, the focus in the panel.
        await pilot.pause()
        assert panel.display and not sidebar.display and panel.has_focus_within
    wide = make_app()
    async with wide.run_test(size=(100, 30)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert wide.reading.sidebar.display and wide.query_one(EntityPanel).display  # Room for both.
        assert wide.reading.view.size.width >= 40


async def test_hiding_the_list_widens_a_long_text_at_once(tmp_path: Path, monkeypatch):
    """The first `s` left the text narrow for 2-4 s while a long text was laid out again."""
    release, whole = threading.Event(), ArticleDocument.prepare

    def slow_prepare(document, mode, width):
        if threading.current_thread() is not threading.main_thread():  # The worker that lays out the whole.
            assert release.wait(30), "the test never released the layout"
        return whole(document, mode, width)

    corpus = load_corpus([simplified_text(tmp_path, 500)])
    app = make_app(corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.painted)
        view = app.reading.view
        release.set()
        await wait_until(pilot, lambda: not view.preparing)
        narrow = max(cells(line) for line in view_text(view))
        release.clear()
        monkeypatch.setattr(ArticleDocument, "prepare", slow_prepare)
        await pilot.press("s")
        await pilot.pause()
        assert view.preparing and max(cells(line) for line in view_text(view)) > narrow + 10
        release.set()
        await wait_until(pilot, lambda: not view.preparing)


async def test_the_key_hints_offer_what_acts_and_follow_the_focus_at_once(tmp_path: Path, seed_corpus):
    from reader.ui.widgets.entity_panel import EntityPanel
    from reader.ui.widgets.key_hints import KeyHints

    article = seed_corpus.articles[0]
    store = AnnotationStore(tmp_path / "notes.json")
    start = article.body.index("員工大會")
    store.add(Annotation.new(article.id, article.body, start, start + 4, note="年會"))
    app = make_app(annotations=store)
    async with app.run_test(size=(200, 30)) as pilot:
        await app.seen.entities_found(pilot, article.id)
        await wait_until(pilot, lambda: app.query(KeyHints) and app.query_one(KeyHints).labels)
        hints = app.query_one(KeyHints)
        assert "→ Cursor" in hints.labels and "x Delete note" not in hints.labels
        await pilot.press("l")  # The cursor is out: the key that brings it out is not offered again.
        assert "→ Cursor" not in hints.labels and "v Select" in hints.labels
        app.reading.view.move_cursor(start + 1)
        await pilot.pause()
        assert "x Delete note" in hints.labels  # On a note: it can be deleted,
        await pilot.press("l", "l", "l")
        assert "x Delete note" not in hints.labels  # and past it, not.
        await pilot.press("f")  # Straight after a key, not a fifth of a second later:
        assert hints.labels[:2] == ["f1 Keys", "esc Clear"]
        await pilot.press("escape", "enter")
        assert hints.labels[1] == "v Select"
        await pilot.press("e", "j", "j")  # Onto the first entity.
        assert app.query_one(EntityPanel).has_focus_within and "a Elsewhere" in hints.labels
        await pilot.press("e")  # The panel closed: none of its keys.
        assert not app.query_one(EntityPanel).display and "a Elsewhere" not in hints.labels
        assert hints.labels[1] == "v Select"


async def test_j_and_k_move_through_the_entity_panel_as_through_the_list(seed_corpus):
    from reader.ui.widgets.entity_panel import EntityList

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.seen.entities_found(pilot, seed_corpus.articles[0].id)
        await pilot.press("e")
        await pilot.pause()
        entities = app.query_one(EntityList)
        await pilot.press("j")
        first = entities.highlighted
        assert first is not None
        await pilot.press("j", "j")
        assert entities.highlighted == first + 2
        await pilot.press("k")
        assert entities.highlighted == first + 1


async def test_n_in_a_burst_steps_once_per_key_and_the_status_line_is_cut_visibly(seed_corpus):
    from reader.search.index import SearchIndex
    from reader.ui.widgets.status_bar import StatusBar

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.painted)
        app.reading.results = SearchIndex(app.corpus.articles).search("腾讯")
        await pilot.press("n")
        status = app.query_one(StatusBar)
        assert status.search.startswith("“腾讯” 1/")
        for _ in range(3):  # As fast as a terminal sends them (pilot.press waits after each key).
            app.post_message(events.Key("n", "n"))
        await pilot.pause()
        await pilot.pause()
        assert status.search.startswith("“腾讯” 4/")
        line = str(status.render())
        assert cell_len(line) <= status.content_region.width and line.endswith("…")  # No title fits: cut.


async def test_a_selection_annotated_in_one_burst_of_keys_is_the_text_selected(tmp_path: Path, seed_corpus):
    """`l l l v l l a`, a note and ctrl+s sent at once (tmux send-keys, a paste): `a` ran before the
    cursor keys, said "Move the cursor first", and the note's keys fell on the text."""
    body = seed_corpus.articles[0].body
    store = AnnotationStore(tmp_path / "notes.json")
    app = make_app(annotations=store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        for key in [*"lllvlla", *"note", "ctrl+s"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_until(pilot, lambda: store.all())
        [saved] = store.all()
        assert (saved.start, saved.end, saved.quote, saved.note) == (2, 5, body[2:5], "note")


async def test_the_entity_panel_says_when_it_has_none_and_offers_a_on_an_entity_only(tmp_path: Path, seed_corpus):
    from reader.ui.widgets.entity_panel import EntityList, EntityPanel
    from reader.ui.widgets.key_hints import KeyHints

    (tmp_path / "plain.txt").write_text("天氣\n今天天氣很好，我們去散步吧。", encoding="utf-8")
    app = make_app(load_corpus([tmp_path]))
    async with app.run_test(size=(200, 30)) as pilot:
        await app.seen.entities_found(pilot)
        await wait_until(pilot, lambda: app.query(KeyHints))
        await pilot.press("e")
        await pilot.pause()
        panel = app.query_one(EntityPanel)
        assert str(panel.query_one("#entities-title").render()) == "Entities: none found"
        assert "a Elsewhere" not in app.query_one(KeyHints).labels
    app = make_app()
    async with app.run_test(size=(200, 30)) as pilot:
        await app.seen.entities_found(pilot, seed_corpus.articles[0].id)
        await wait_until(pilot, lambda: app.query(KeyHints))
        await pilot.press("e", "j")  # On the first type's row: a type has no other articles.
        hints = app.query_one(KeyHints)
        assert app.query_one(EntityList).highlighted_option.id.startswith("type:")
        assert "a Elsewhere" not in hints.labels
        await pilot.press("j")  # On an entity.
        assert "a Elsewhere" in hints.labels


async def test_keys_sent_in_one_burst_act_in_their_order(seed_corpus):
    from textual.widgets import Input

    from reader.ui.screens.search import SearchScreen
    from reader.ui.widgets.entity_panel import EntityList

    def burst(app, *keys: str) -> None:
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else {"slash": "/"}.get(key)))

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.seen.entities_found(pilot, seed_corpus.articles[0].id)
        burst(app, "e", "j", "j")  # The panel opens and the keys after e move in it, not in the text.
        await wait_until(pilot, lambda: app.query(EntityList) and app.query_one(EntityList).highlighted == 1)
        assert app.reading.view.scroll_y == 0
        burst(app, "escape")
        app.reading.view.focus()
        await pilot.pause()
        burst(app, "f", *"騰訊", "t", "backspace", "t")  # Into the filter box, t typed, not the script key.
        await pilot.pause()
        await pilot.pause()
        assert app.reading.sidebar.filter_input.value == "騰訊t" and app.reading.script == "original"
        burst(app, "escape")
        await wait_until(pilot, lambda: app.focused is app.reading.sidebar.article_list)
        burst(app, "slash", *"元寶")  # The query typed right after / is the query.
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, SearchScreen))
        await pilot.pause()
        assert app.screen.query_one(Input).value == "元寶"


async def test_down_in_the_filter_box_goes_to_the_filtered_list_after_the_typing_before_it():
    from reader.ui.widgets.article_list import ArticleList

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        for key in ["f", *"紅包t", "backspace", "down"]:  # At once, as a terminal sends a burst.
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_until(pilot, lambda: isinstance(app.focused, ArticleList))
        await pilot.pause()
        assert app.reading.sidebar.filter_input.value == "紅包" and len(app.reading.sidebar.shown) == 3
