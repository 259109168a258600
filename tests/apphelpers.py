"""Helpers for driving the app in tests."""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from conftest import SEEDS
from textual import events
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.screen import Screen

from reader.annotations.store import AnnotationStore
from reader.articles.corpus import Corpus, CorpusCache, load_corpus
from reader.entities.detect import EntityCache
from reader.settings.keymap import load_keymap
from reader.settings.state import State
from reader.ui.app import ReaderApp
from reader.ui.messages import Busy, EntitiesFound
from reader.ui.widgets.article_view import ArticleView

SIZE = (120, 35)

#: Entity results shared by every app a test session starts: jieba runs once per article, not per test.
_CACHE_FOLDER = Path(tempfile.mkdtemp(prefix="reader-test-entities-"))
atexit.register(shutil.rmtree, _CACHE_FOLDER, ignore_errors=True)
SHARED_ENTITY_CACHE = EntityCache(_CACHE_FOLDER)
#: CC-CEDICT's cache, built once per session (a second or two) rather than by every app that shows a cursor.
SHARED_DICTIONARY_CACHE = _CACHE_FOLDER / "dictionary"


class Seen:
    """Every message the app handles, as `run_test(message_hook=seen)` hands them over: what it
    said (toasts), what its parts and background work reported, and a way to wait for one."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._waiting: list[tuple[Callable[[Message], bool], asyncio.Event]] = []

    def __call__(self, message: Message) -> None:
        self.messages.append(message)
        for wanted, arrived in self._waiting:
            if wanted(message):
                arrived.set()

    @property
    def notices(self) -> list[Notification]:
        """The app's toasts, oldest first (expired ones too)."""
        return [message.notification for message in self.messages if isinstance(message, Notify)]

    @property
    def notifications(self) -> list[str]:
        """What the app said in toasts, oldest first."""
        return [notice.message for notice in self.notices]

    def said(self, text: str) -> Callable[[Message], bool]:
        """Whether a message is a toast that says `text` (in part)."""
        return lambda message: isinstance(message, Notify) and text in message.notification.message

    def ended(self, task: str) -> Callable[[Message], bool]:
        """Whether a message says background work `task` ended."""
        return lambda message: isinstance(message, Busy) and message.task == task and message.what is None

    async def wait_for(self, pilot, wanted: Callable[[Message], bool], timeout: float = 30.0) -> None:
        """Until a message `wanted` holds for has come (or came already) and the app has acted on it."""
        if not any(wanted(message) for message in self.messages):
            arrived = asyncio.Event()
            self._waiting.append((wanted, arrived))
            try:
                await asyncio.wait_for(arrived.wait(), timeout)
            finally:
                self._waiting.remove((wanted, arrived))
        await pilot.pause()

    async def until_screen(self, pilot, holds: Callable[[Screen], bool]) -> None:
        """Until a screen that `holds` is true of comes to the top (or is there)."""
        await self.wait_for(pilot, lambda m: isinstance(m, events.ScreenResume) and holds(pilot.app.screen))

    async def until_focus(self, pilot, kind: type) -> None:
        """Until a widget of type `kind` takes the focus (or has it)."""
        await self.wait_for(pilot, lambda m: isinstance(m, events.Focus) and isinstance(pilot.app.focused, kind))

    async def entities_found(self, pilot, article_id: str | None = None) -> None:
        """Until the whole detection ran for `article_id`, or (None) for every article."""
        if article_id is None:
            await self.wait_for(pilot, self.ended("entities"))
        else:
            await self.wait_for(pilot, lambda m: isinstance(m, EntitiesFound) and m.complete
                                and m.article_id == article_id)


class ObservedApp(ReaderApp):
    """The app as the tests drive it: `seen` holds every message it handles in `run_test` (not in
    `snap_compare`, which runs it without a message hook)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.seen = Seen()

    def run_test(self, *args, **kwargs):
        return super().run_test(*args, message_hook=self.seen, **kwargs)


def make_app(
    corpus: Corpus | None = None, *, keymap_file: Path | None = None, state: State | None = None,
    entity_cache: EntityCache | None = None, annotations: AnnotationStore | None = None,
    corpus_source: tuple[Callable[[], list[Path]], CorpusCache] | None = None, library: Path | None = None,
) -> ObservedApp:
    app = ObservedApp(
        corpus or load_corpus([SEEDS]), keymap=load_keymap(keymap_file), state=state,
        entity_cache=entity_cache or SHARED_ENTITY_CACHE, annotations=annotations, corpus_source=corpus_source,
        library=library,
    )
    app.reading.lookup.cache = SHARED_DICTIONARY_CACHE
    return app


def view_text(view: ArticleView) -> list[str]:
    """What the article view shows now, line by line, without trailing blanks."""
    return ["".join(segment.text for segment in view.render_line(y)).rstrip() for y in range(view.size.height)]


def rich_text(renderable, width: int = 100) -> str:
    """Plain text of a Rich renderable, as a terminal of `width` columns would show it."""
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def wait_until(pilot, predicate, timeout: float = 30.0) -> None:
    """Let the app run until `predicate()` holds (background work), or fail after `timeout`."""
    for _ in range(int(timeout / 0.05)):
        if predicate():
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never got there")
