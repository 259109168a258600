"""Every key does what it says where the reader is, and says why when it cannot act."""

from __future__ import annotations

import json
from pathlib import Path

from apphelpers import SIZE, make_app, wait_until
from test_cli import reader
from textual.widgets import TextArea

from reader.annotations.store import Annotation, AnnotationStore
from reader.articles.corpus import load_corpus
from reader.settings.state import State
from reader.ui.messages import AnnotationsChanged
from reader.ui.screens.annotate import AnnotateScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.entity_panel import EntityList, EntityPanel


async def test_after_choosing_an_entity_its_mention_keys_work_at_once(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        await app.seen.entities_found(pilot, seed_corpus.articles[0].id)
        await pilot.press("e")
        await pilot.pause()
        entity_list = app.query_one(EntityPanel).query_one(EntityList)
        entity_list.highlighted = [option.id for option in entity_list.options].index("entity:org:騰訊")
        await pilot.press("enter")
        await pilot.pause()
        body = seed_corpus.articles[0].body
        first = body.index("騰訊")
        assert app.focused is view
        await pilot.press(".")  # No click, no tab: straight on to the next mention.
        assert view.current_mark == body.index("騰訊", first + 2)


async def test_next_article_follows_the_filtered_list():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.reading.sidebar.apply_filter("紅包")  # Three of the seven titles hold 紅包.
        await pilot.pause()
        shown = [article.id for article in app.reading.sidebar.shown]
        assert 1 < len(shown) < 7
        app.reading.view.focus()
        visited = set()
        for _ in range(len(shown) + 1):
            await pilot.press("]")
            visited.add(app.reading.view.article.id)
        assert visited == set(shown)
        assert "Back to the first article." in app.seen.notifications


async def test_keys_that_cannot_act_say_why():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        assert app.seen.notifications[-1] == "No search hits to step through: / searches every article."
        await pilot.press("l")
        assert app.reading.view.cursor is not None and "cursor is at the top of the view" in app.seen.notifications[-1]
        await pilot.press("x")
        assert app.seen.notifications[-1] == "No annotation under the cursor (m lists them)."
        await pilot.press("ctrl+c")
        assert app.seen.notifications[-1] == "Press ctrl+q or q to quit reader."  # Not `Press [b]ctrl+q[/b] …`.


async def test_searching_past_the_last_hit_says_it_wrapped():
    from reader.search.index import SearchIndex

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.reading.results = SearchIndex(app.corpus.articles).search("元寶派")
        for _ in range(60):
            await pilot.press("n")
            if any("Wrapped around" in message for message in app.seen.notifications):
                break
        assert "Wrapped around to the first hit of “元寶派”." in app.seen.notifications


async def test_editing_a_note_types_after_it(tmp_path: Path, seed_corpus):
    article = seed_corpus.articles[0]
    app = make_app(annotations=AnnotationStore(tmp_path / "annotations.json"))
    app.annotations.add(Annotation.new(article.id, article.body, 0, 4, note="舊的筆記"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l", "a")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, AnnotateScreen))
        await pilot.press(*" more")
        assert app.screen.query_one(TextArea).text == "舊的筆記 more"


async def test_a_title_shows_in_the_chosen_script_even_when_its_body_has_no_script_of_its_own(tmp_path: Path):
    (tmp_path / "one.txt").write_text("第二篇標題\n阿里巴巴在杭州。", encoding="utf-8")
    state = State.load(tmp_path / "state.json")
    state.change(script="simplified")  # Chosen while reading a Traditional text (t goes to 繁體 on this one).
    app = make_app(load_corpus([tmp_path]), state=state)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.reading.view.texts.title == "第二篇标题"
    shown = json.loads(reader("show", "1", "--script", "simplified", "--json", "--corpus", str(tmp_path)).stdout)
    assert shown["title"] == "第二篇标题"


async def test_the_annotations_list_and_toasts_follow_the_script(tmp_path: Path, seed_corpus):
    from textual.widgets import OptionList

    article = seed_corpus.articles[0]
    start = article.body.index("騰訊")
    app = make_app(annotations=AnnotationStore(tmp_path / "annotations.json"))
    app.annotations.add(Annotation.new(article.id, article.body, start, start + 2, note="筆記"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")  # 简体
        await pilot.press("m")
        await pilot.pause()
        option = str(app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "腾讯" in option and "騰訊" not in option
        await pilot.press("escape")
        app.reading.view.move_cursor(start)
        await pilot.press("x")
        assert app.seen.notifications[-1].startswith("Deleted “腾讯")


def test_cli_annotate_finds_the_quote_in_either_script(tmp_path: Path):
    notes = tmp_path / "annotations.json"
    result = reader("annotate", "1", "--quote", "腾讯", "--occurrence", "2", "--annotations", str(notes), "--json")
    assert result.returncode == 0, result.stderr
    saved = json.loads(result.stdout)
    assert saved["quote"] == "騰訊"  # The article's own text, where the Simplified query found it.
    missing = reader("annotate", "1", "--quote", "腾讯", "--occurrence", "999", "--annotations", str(notes))
    assert missing.returncode == 2 and "occurs 30 times" in missing.stderr and "not 999" in missing.stderr


def test_cli_text_reads_as_english_and_a_script_can_parse_it(tmp_path: Path):
    one = reader("search", "豆包手機")
    assert one.returncode == 0 and one.stdout.splitlines()[0].endswith(" in 2 articles")
    single = reader("search", "諾曼底")
    assert single.stdout.splitlines()[0] == "1 hit in 1 article"
    pattern = reader("search", "\\d+")
    assert pattern.stdout.strip() == "No article holds every word of “\\d+”."
    empty = reader("search", "  ")
    assert empty.returncode == 2 and empty.stderr == "reader: the query is empty: give the words to find\n"
    notes = tmp_path / "annotations.json"
    body = json.loads(reader("show", "1", "--json").stdout)["body"]
    start = body.index("。") - 3
    reader("annotate", "1", "--start", str(start), "--end", str(start + 8), "--note", "一\n二",
           "--annotations", str(notes))
    listed = reader("annotations", "--annotations", str(notes)).stdout.splitlines()
    assert len(listed) == 1 and "⏎" in listed[0]


async def test_word_keys_start_the_segmenter_when_entities_came_from_the_cache(monkeypatch, seed_corpus):
    """On a start with warm caches nothing else starts jieba: the first `w` does, and says so."""
    import reader.search.index
    import reader.ui.widgets.article_view as view_module

    started = []
    real_ready, real_splitter = view_module.jieba_splitter_if_ready, reader.search.index.jieba_splitter
    monkeypatch.setattr(view_module, "jieba_splitter_if_ready", lambda: real_ready() if started else None)
    monkeypatch.setattr(reader.search.index, "jieba_splitter", lambda: started.append(True) or real_splitter())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l", "w")
        assert app.reading.view.cursor == 0  # Not a character on: it waits for the words, and says so.
        assert "Loading word boundaries: w and W move by words in a moment." in app.seen.notifications
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert started and "Loading word boundaries" not in app.reading.busy
        body = seed_corpus.articles[0].body  # 近期,騰訊一年一度的員工大會…
        app.reading.view.move_cursor(body.index("騰訊"))
        await pilot.press("w")
        assert app.reading.view.cursor == body.index("騰訊") + 2  # A word on, not a character.


async def test_alt_w_in_the_search_box_switches_word_mode_and_types_nothing():
    """A terminal sends alt+w as a key that also carries the character "w"."""
    from textual import events
    from textual.widgets import Input

    from reader.ui.screens.search import SearchScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, SearchScreen))
        app.screen.query_one(Input).value = "元寶"
        app.post_message(events.Key("alt+w", "w"))  # As the driver delivers it.
        await pilot.pause()
        assert app.screen.query_one(Input).value == "元寶"
        assert app.screen.word_mode and "whole words" in str(app.screen.query_one("Vertical").border_title)


async def test_a_word_found_only_in_a_title_opens_that_article_at_its_top(seed_corpus):
    from textual.widgets import Input

    from reader.ui.screens.search import SearchScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.reading.view.scroll_to(y=5, animate=False, immediate=True)
        await pilot.press("slash")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, SearchScreen))
        app.screen.query_one(Input).value = "殺出"
        await wait_until(pilot, lambda: app.screen.results is not None and len(app.screen.results) == 1)
        await pilot.press("enter")
        await app.seen.until_screen(pilot, lambda screen: not isinstance(screen, SearchScreen))
        assert app.reading.view.article.id == seed_corpus.articles[2].id and app.reading.view.scroll_y == 0
    cli = json.loads(reader("search", "殺出", "--json").stdout)
    assert [(row["in"], row["text"]) for row in cli] == [("title", "殺出")]


def hint_labels(app) -> list[str]:
    from reader.ui.widgets.key_hints import KeyHints

    return app.query_one(KeyHints).labels if app.query(KeyHints) else []


async def test_key_hints_show_what_acts_where_the_focus_is():
    app = make_app()
    async with app.run_test(size=(200, 30)) as pilot:
        await wait_until(pilot, lambda: app.query("KeyHints") and hint_labels(app))
        in_text = hint_labels(app)
        assert in_text[:4] == ["? Keys", "→ Cursor", "v Select", "a Annotate"]
        assert "x Delete note" not in in_text  # No note under a cursor that is not there.
        assert "q Quit" in in_text
        await pilot.press("f")
        await wait_until(pilot, lambda: "? Keys" not in hint_labels(app))
        typing = hint_labels(app)  # Printable keys would be typed into the filter, not obeyed.
        keys = [label.split(" ")[0] for label in typing]
        assert not any(len(key) == 1 and key.isascii() and key.isprintable() for key in keys), keys
        assert "f1 Keys" in typing
        await pilot.press("escape", "escape", "question_mark")
        await wait_until(pilot, lambda: "q Quit" not in hint_labels(app))
        assert hint_labels(app)[0] == "esc Close"


async def test_key_hints_are_whole_labels_at_80_columns():
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.query("KeyHints") and hint_labels(app))
        line = app.query_one("KeyHints").render().plain
        assert len(line) <= 80
        assert all(label in line for label in hint_labels(app))  # Each whole.


async def test_the_status_line_cuts_a_long_title_with_an_ellipsis_never_a_lone_dot():
    from reader.ui.widgets.status_bar import StatusBar

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")  # The list hidden: the status line is wider, the title still long.
        await pilot.press("s")
        await pilot.pause()
        line = str(app.query_one(StatusBar).render()).rstrip()
        assert not line.endswith("·")
        assert line.endswith("…") or line.endswith(app.reading.view.article.title)


async def test_a_paste_into_the_note_is_text_and_keeps_the_focus():
    """A terminal's (bracketed) paste of a note, a tab and tags lands whole in the note."""
    from textual import events

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l", "A")
        await app.seen.until_focus(pilot, TextArea)
        app.post_message(events.Paste("一條筆記\t標籤一 標籤二"))  # As the driver delivers a paste.
        await pilot.pause()
        assert isinstance(app.focused, TextArea)
        assert app.focused.text == "一條筆記\t標籤一 標籤二"


async def test_keys_typed_in_one_burst_keep_the_tab_between_fields():
    """Keys that arrive at once (a fast typist, `tmux send-keys`, a terminal without bracketed
    paste): the tab moves on to the tags before the keys after it are typed, in every dialog."""
    from textual import events

    from reader.ui.screens.add import AddScreen

    def burst(app, text: str) -> None:
        for character in text:
            key = "tab" if character == "\t" else "space" if character == " " else character
            app.post_message(events.Key(key, None if character == "\t" else character))

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l", "A")
        await app.seen.until_focus(pilot, TextArea)
        burst(app, "note\ttag1 tag2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnnotateScreen)
        assert screen.query_one("#note", TextArea).text == "note"
        assert screen.query_one("#tags").value == "tag1 tag2"
        await pilot.press("escape", "escape")  # The first asks before the note is thrown away.
        adding = AddScreen("library")
        app.push_screen(adding)
        await wait_until(pilot, lambda: app.screen is adding and getattr(app.focused, "id", None) == "sources")
        burst(app, "page.html\t科技")
        await pilot.pause()
        assert (adding.query_one("#sources").value, adding.query_one("#add-tags").value) == ("page.html", "科技")


def burst_keys(app, *keys: str) -> None:
    """Post keys to the app all at once, as a terminal delivers a fast burst: nothing is handled
    between them (Pilot.press waits for the app after every key)."""
    from textual import events

    for key in keys:
        character = key if len(key) == 1 else " " if key == "space" else None
        app.post_message(events.Key(key, character))


async def test_a_note_typed_and_saved_in_one_burst_is_saved_whole(tmp_path):
    """`A`, a note and ctrl+s at once, in the first dialog of a session: ctrl+s is acted on as it
    arrives while the note's keys wait in the note field's queue, so the note was read half typed."""
    from reader.annotations.store import AnnotationStore

    store = AnnotationStore(tmp_path / "notes.json")
    app = make_app(annotations=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        burst_keys(app, "A", *"note from a fast typist", "ctrl+s")
        await app.seen.until_screen(pilot, lambda screen: not isinstance(screen, AnnotateScreen))
        assert [annotation.note for annotation in store.all()] == ["note from a fast typist"]
        await pilot.press("a")  # Edit it: type on and save, at once.
        await app.seen.until_focus(pilot, TextArea)
        burst_keys(app, "space", *"more", "ctrl+s")
        await app.seen.until_screen(pilot, lambda screen: not isinstance(screen, AnnotateScreen))
        assert [annotation.note for annotation in store.all()] == ["note from a fast typist more"]


async def test_escape_on_an_edited_note_asks_before_throwing_it_away(tmp_path):
    from reader.annotations.store import AnnotationStore

    store = AnnotationStore(tmp_path / "notes.json")
    app = make_app(annotations=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l", "A")
        await app.seen.until_focus(pilot, TextArea)
        await pilot.press("escape")  # Nothing typed: closes at once.
        assert not isinstance(app.screen, AnnotateScreen)
        await pilot.press("A")
        await app.seen.until_focus(pilot, TextArea)
        burst_keys(app, *"half a thought", "escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnnotateScreen), "one esc threw the typed note away"
        assert "esc again" in str(screen.query_one("#problem").render())
        await pilot.press("ctrl+s")
        await app.seen.until_screen(pilot, lambda screen: not isinstance(screen, AnnotateScreen))
        assert [annotation.note for annotation in store.all()] == ["half a thought"]
        await pilot.press("a")
        await app.seen.until_focus(pilot, TextArea)
        await pilot.press("x", "escape", "escape")  # Asked, and the second esc means it.
        assert not isinstance(app.screen, AnnotateScreen)
        assert [annotation.note for annotation in store.all()] == ["half a thought"]


def test_every_action_in_the_keymap_reaches_a_method():
    """Action strings are looked up by name when the key is pressed: a misspelt one (or a part's
    method renamed) would only fail then. Here every one is followed to the method it calls."""
    from textual.actions import parse

    from reader.settings.keymap import ACTIONS
    from reader.ui.screens.annotate import AnnotateScreen
    from reader.ui.screens.annotation_list import AnnotationListScreen
    from reader.ui.screens.dialog import Dialog
    from reader.ui.screens.reading import ReadingScreen
    from reader.ui.screens.search import SearchScreen
    from reader.ui.screens.word import WordScreen
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.bindings import APP_WIDE
    from reader.ui.widgets.entity_panel import EntityList
    from reader.ui.widgets.result_list import ResultList
    from reader.ui.widgets.sidebar import Sidebar

    app = make_app()
    owners = {"article": ArticleView, "sidebar": ArticleList, "filter": Sidebar, "entities": EntityList,
              "annotate": AnnotateScreen, "notes": AnnotationListScreen, "search": SearchScreen,
              "results": ResultList, "dialog": Dialog, "word": WordScreen}
    unreachable = []
    for action in ACTIONS.values():
        namespace, name, arguments = parse(action.action)
        if namespace == "screen" or (action.context == "app" and action.id not in APP_WIDE):
            owner: object = ReadingScreen
        else:
            owner = type(app) if action.context == "app" else owners[action.context]
        if name == "part":
            part, method, *_ = arguments
            found = callable(getattr(app.reading.parts.get(str(part)), str(method), None))
        else:
            found = callable(getattr(owner, f"action_{name}", None))
        if not found:
            unreachable.append(f"{action.id}: {action.action}")
    assert unreachable == []


async def test_a_cursor_key_typed_in_the_burst_that_opens_a_note_is_kept(tmp_path):
    """`a` on a note, home, text and ctrl+s at once: the home key was taken before the dialog put
    the cursor at the note's end, so the text went after the old note instead of before it."""
    from reader.annotations.store import Annotation, AnnotationStore

    store = AnnotationStore(tmp_path / "notes.json")
    app = make_app(annotations=store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        article, cursor = app.reading.view.article, app.reading.view.cursor
        store.add(Annotation.new(article.id, article.body, cursor, cursor + 2, note="OLD NOTE"))
        app.reading.post_message(AnnotationsChanged(article.id))
        await pilot.pause()
        burst_keys(app, "a", "home", *"NEW ", "ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, AnnotateScreen))
        assert [annotation.note for annotation in store.all()] == ["NEW OLD NOTE"]


async def test_a_query_typed_with_corrections_in_one_burst_comes_out_as_typed():
    """abc, backspace, d, home, x: Textual acts on a field's own keys (backspace, home) only once
    they have bubbled up to the app, so letters typed after them were inserted first ("abcd")."""
    from reader.ui.screens.search import SearchScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        burst_keys(app, *"abc", "backspace", "d", "home", "x", "end", "left", "y")
        await wait_until(pilot, lambda: app.screen.query_one("#query").value.startswith("x"))
        assert app.screen.query_one("#query").value == "xabyd"
