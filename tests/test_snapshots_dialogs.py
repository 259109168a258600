"""Every dialog, and a long article's preview, as pictures (see test_snapshots.py).

Update after an intended change with `pytest tests/test_snapshots_dialogs.py --snapshot-update`.
Each picture is taken once the background work is done and nothing changes with time: text cursors
are held still, notifications cleared, the export folder fixed, annotations kept in the test's own file.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TypeVar

import pytest
from apphelpers import SIZE, make_app, wait_until
from conftest import SEEDS
from textual.widgets import Input, TextArea

import reader.reading.shown
from reader.annotations.store import Annotation, AnnotationStore
from reader.articles.corpus import load_corpus
from reader.reading.document import ArticleDocument
from reader.ui.screens.annotate import AnnotateScreen
from reader.ui.screens.annotation_list import AnnotationListScreen
from reader.ui.screens.export import ExportScreen
from reader.ui.screens.mentions import MentionsScreen
from reader.ui.screens.search import SearchScreen
from reader.ui.screens.word import WordScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.entity_panel import EntityList

S = TypeVar("S")


def everything_found(app) -> bool:
    return len(app.reading.entities.complete) == len(app.corpus.articles) and bool(app.query("KeyHints"))


async def settled(pilot) -> None:
    """Every article's entities found, nothing in progress, the key hints drawn."""
    app = pilot.app
    await wait_until(pilot, lambda: everything_found(app) and not app.reading.busy)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def still(pilot) -> None:
    """The dialog's own work done, its text cursors held still (they blink on a timer), and no
    notification left (they go after a timeout, so a slow run would show fewer)."""
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    app.clear_notifications()
    for widget in app.screen.query("Input, TextArea"):
        assert isinstance(widget, (Input, TextArea))
        widget.cursor_blink = False
    await pilot.pause()


async def open_dialog(pilot, keys: tuple[str, ...], screen_type: type[S]) -> S:
    """Press `keys` once the app has settled; the dialog they open, still."""
    await settled(pilot)
    await pilot.press(*keys)
    screen = pilot.app.screen
    assert isinstance(screen, screen_type)
    await still(pilot)
    return screen


def test_search_dialog_with_results(snap_compare):
    async def run_before(pilot) -> None:
        screen = await open_dialog(pilot, ("slash", *"騰訊"), SearchScreen)
        assert screen.results is not None and screen.results.query == "騰訊" and len(screen.results) == 7
        assert "hits in 7 articles" in str(screen.query_one("#summary").render())  # Counted, not "counting…".

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_annotate_dialog(snap_compare):
    async def run_before(pilot) -> None:
        await settled(pilot)
        await pilot.press("l")  # The cursor, and a word on the keys that move it, which is let go:
        pilot.app.clear_notifications()  # under a dialog it would stay for good, above it time out.
        await pilot.pause()
        await pilot.press("a")
        assert isinstance(pilot.app.screen, AnnotateScreen)
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_annotation_list(snap_compare, tmp_path: Path):
    corpus = load_corpus([SEEDS])
    store = AnnotationStore(tmp_path / "annotations.json")
    first, other = corpus.articles[0], corpus.articles[1]
    store.add(Annotation.new(first.id, first.body, 2, 6, note="年會上說的", tags=("人物", "騰訊"), color="green"))
    store.add(Annotation.new(other.id, other.body, 0, 4, note="another article's"))

    async def run_before(pilot) -> None:
        screen = await open_dialog(pilot, ("m",), AnnotationListScreen)
        assert str(screen.query_one("#counts").render()) == "1 of 1"  # This article's.

    assert snap_compare(make_app(corpus, annotations=store), terminal_size=SIZE, run_before=run_before)


def test_export_dialog(snap_compare, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", "/home/reader/Documents")  # Not the test's own temporary folder.

    async def run_before(pilot) -> None:
        screen = await open_dialog(pilot, ("X",), ExportScreen)
        assert screen.folder == Path("/home/reader/Documents")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_mentions_dialog(snap_compare):
    async def run_before(pilot) -> None:
        app = pilot.app
        await settled(pilot)
        await pilot.press("e")
        await pilot.pause()
        entity_list = app.query_one(EntityList)
        entity_list.highlighted = [option.id for option in entity_list.options].index("entity:person:馬化騰")
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, MentionsScreen)
        await still(pilot)
        assert len(screen.rows) == 7

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def long_article(tmp_path: Path) -> Path:
    """One article of about 86,000 characters: the seeds' texts five times over."""
    body = "\n".join(article.body for article in load_corpus([SEEDS]).articles) * 5
    assert len(body) > ArticleDocument.BACKGROUND_FROM + ArticleDocument.PREVIEW
    path = tmp_path / "long.txt"
    path.write_text("長文\n" + body, encoding="utf-8")
    return path


def test_long_article_preview(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The preview shows while the whole article is prepared. The worker that prepares it is held
    until the picture is taken, so the picture is the preview every time."""
    release = threading.Event()
    real = reader.reading.shown.article_texts

    def held_article_texts(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            release.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(reader.reading.shown, "article_texts", held_article_texts)
    app = make_app(load_corpus([long_article(tmp_path)]))
    export_screenshot = app.export_screenshot

    def export_then_release(*args, **kwargs):
        try:
            return export_screenshot(*args, **kwargs)
        finally:
            release.set()

    app.export_screenshot = export_then_release  # type: ignore[method-assign]

    def preview_shown() -> bool:
        article = app.query_one(ArticleView).article
        return article is not None and app.reading.busy == (f"Preparing {article.length:,} characters",)

    async def run_before(pilot) -> None:
        try:
            await wait_until(pilot, lambda: everything_found(app) and preview_shown())
            view = app.query_one(ArticleView)
            assert view.article is not None and view.texts is not None
            shown = max(line.end for line in view.layout_lines if line.in_body)  # Where the preview ends:
            assert ArticleDocument.PREVIEW <= shown < ArticleDocument.PREVIEW + 5000 < len(view.article.body)  # a part.
            await pilot.pause()
        except BaseException:
            release.set()  # The app waits for its workers on the way out.
            raise

    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    finally:
        release.set()


def test_long_article_prepared_whole(snap_compare, tmp_path: Path):
    async def run_before(pilot) -> None:
        await settled(pilot)
        view = pilot.app.query_one(ArticleView)
        assert view.texts is not None and view.texts.body == view.article.body and view.scroll_y == 0

    assert snap_compare(make_app(load_corpus([long_article(tmp_path)])), terminal_size=SIZE, run_before=run_before)


def test_dictionary_panel(snap_compare, seed_corpus):
    start = seed_corpus.articles[0].body.index("騰訊")

    async def run_before(pilot) -> None:
        await settled(pilot)
        pilot.app.query_one(ArticleView).move_cursor(start)
        # (snap_compare runs the app without a message hook: this one polls.)
        await wait_until(pilot, lambda: pilot.app.reading.lookup.dictionary is not None)
        await pilot.press("d")
        assert isinstance(pilot.app.screen, WordScreen)
        await still(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)
