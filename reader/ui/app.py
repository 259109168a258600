"""The reader app: what is app-wide. The reading screen (`screens/reading.py`) does the reading.

The app holds the corpus, the annotation store, the reading state (saved every few seconds and on
the way out), the keymap, the theme and the command palette, and quits cleanly on a signal.
Dialogs and the footer are imported when first used: the first paint needs none of them.
"""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from textual import events, on
from textual.app import App, SystemCommand
from textual.notifications import SeverityLevel
from textual.screen import Screen

from reader.annotations.store import AnnotationStore
from reader.articles.corpus import Corpus, CorpusCache
from reader.settings.keymap import load_keymap, textual_keymap
from reader.settings.state import State
from reader.ui import terminal_guard
from reader.ui.messages import AnnotationsChanged, Busy, CorpusChanged
from reader.ui.screens.reading import ReadingScreen
from reader.ui.widgets.bindings import bindings_for

if TYPE_CHECKING:  # Loaded on first use: none of them is needed for the first paint.
    from types import FrameType

    from reader.entities.detect import EntityCache
    from reader.search.index import FoldedCache

    #: What `signal.signal` takes and gives back.
    _SignalHandler: TypeAlias = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

SAVE_INTERVAL = 5.0
#: Seconds a signal gives the app to quit before the process ends regardless.
SIGNAL_GRACE = 3.0


class ReaderApp(App[None]):
    CSS_PATH = Path(__file__).parent / "reader.tcss"  # Absolute: subclasses may live anywhere.
    TITLE = "reader"
    BINDINGS = bindings_for("app", app_wide=True)

    def __init__(
        self,
        corpus: Corpus,
        *,
        keymap: dict[str, list[str]] | None = None,
        state: State | None = None,
        entities_file: Path | None = None,
        entity_cache: EntityCache | None = None,
        annotations: AnnotationStore | None = None,
        folded_cache: FoldedCache | None = None,
        corpus_source: tuple[Callable[[], list[Path]], CorpusCache] | None = None,
        library: Path | None = None,
    ) -> None:
        """`entity_cache`: detection results on disk (the default folder's if not given);
        `corpus_source`: which files make the corpus (asked again after the library changes) and
        their cache, to check a corpus listed from the cache; `library`: where `+` adds."""
        gc.freeze()  # See `_after_first_paint`.
        terminal_guard.install()  # Nothing the app draws may carry a control character to the terminal.
        super().__init__()
        self.corpus = corpus
        self.keys = keymap if keymap is not None else load_keymap()
        self.state = state if state is not None else State.load()
        self.annotations = annotations if annotations is not None else AnnotationStore()
        self.reading = ReadingScreen(corpus, self.annotations, self.state, folded_cache=folded_cache,
                                     entities_file=entities_file, entity_cache=entity_cache,
                                     corpus_source=corpus_source, library=library)
        self.painted = False
        """Whether the first paint is done (and the work kept off its way has started)."""
        self._frozen_after: set[str] = set()
        """Background tasks whose results were frozen out of the garbage collector (see `work_done`)."""
        self._previous_handlers: dict[int, _SignalHandler] = {}
        self.key_arriving: events.Key | None = None
        """The key being dispatched to priority bindings (see `on_event`), else None."""

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Messages quote file paths, errors and the reader's text: shown as they are, not as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    async def on_event(self, event: events.Event) -> None:
        """Keep the key being dispatched in `key_arriving` while priority bindings are looked up
        (the reading screen's keys give way to a text field that types them)."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        self.key_arriving = event
        try:
            await super().on_event(event)
        finally:
            self.key_arriving = None

    def action_help_quit(self) -> None:
        """ctrl+c: name the keys that quit, as plain text (Textual's own message is markup, and
        `notify` here shows every message as it is)."""
        keys = [key for key, active in self.active_bindings.items() if active.binding.action in ("quit", "app.quit")]
        if keys:
            self.notify(f"Press {' or '.join(keys)} to quit reader.", title="Do you want to quit?")

    def get_default_screen(self) -> Screen:
        return self.reading

    def on_mount(self) -> None:
        self.set_keymap(textual_keymap(self.keys))
        if self.state.theme in self.available_themes:
            self.theme = self.state.theme
        self.report_problems(self.corpus)
        if self.annotations.problem:
            self.notify(f"{self.annotations.problem}.\nAnnotations are read-only until it is fixed; "
                        "the file is left as it is.", title="Annotations file", severity="error", timeout=30)
        self.set_interval(SAVE_INTERVAL, self._save_if_changed)
        self.call_after_refresh(self._after_first_paint)
        self._quit_on_signals()

    def report_problems(self, corpus: Corpus) -> None:
        """The files that could not be read, in one toast (a folder of them made one each)."""
        from reader.ui.summary import summary

        problems = corpus.problems
        if len(problems) == 1:
            self.notify(f"{problems[0].path}\n{problems[0].message}", title="Skipped a file", severity="warning",
                        timeout=10)
        elif problems:
            self.notify(summary([(os.path.basename(p.path), p.message) for p in problems]),
                        title=f"Skipped {len(problems)} files", severity="warning", timeout=10)

    def _quit_on_signals(self) -> None:
        """`kill` (SIGTERM) or a closed terminal (SIGHUP) quits as `q` does: the terminal is given
        back as it was (no alternate screen, mouse tracking or hidden cursor left on) and the
        reading state is saved; the exit status is the usual 128 + the signal's number.

        If quitting does not finish in `SIGNAL_GRACE` seconds the process ends anyway: when the
        terminal goes away in the first moments, Textual's writer can block the event loop for
        good (a bounded queue nobody drains), and the process would linger, deaf to signals."""
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()

        def quit_now(number: int, _frame: object) -> None:
            loop.call_soon_threadsafe(partial(self.exit, return_code=128 + number))
            watchdog = threading.Timer(SIGNAL_GRACE, os._exit, args=(128 + number,))
            watchdog.daemon = True
            watchdog.start()

        for number in (signal.SIGTERM, signal.SIGHUP):
            self._previous_handlers[number] = signal.signal(number, quit_now)

    async def _after_first_paint(self) -> None:
        """The key hints and the sidebar's filter box cost more to build than the article, so they
        follow the first paint, and so does the slow work: conversion tables and entity detection.

        Modules, the corpus and the widgets live as long as the app, so they are frozen out of
        the garbage collector (once at start, once now): its full passes walked them all and
        took a third of the time to the first paint. `reader.cli.main` turns the collector off before
        loading anything; it comes back on here."""
        if self.is_running and self.reading.is_attached and not self.painted:
            self.painted = True
            gc.freeze()
            gc.enable()
            await self.reading.start_background_work()
            self.refresh_bindings()  # A footer mounted late waits for this signal to draw its keys.

    @on(CorpusChanged)
    def _corpus_changed(self, event: CorpusChanged) -> None:
        """The reading screen shows the corpus as the files hold it now: say which it skipped."""
        self.report_problems(event.corpus)
        self.corpus = self.reading.corpus

    @on(Busy)
    def _work_done(self, event: Busy) -> None:
        if event.what is None:
            self.work_done(event.task)

    def work_done(self, task: str) -> None:
        """What background work loads (a long article's layout, the search index, jieba's
        dictionary) lives on: out of the collector's full passes, which walked it all in the
        middle of paging (45-70 ms, once in 30 pages of 左传). Freezing is instant, but keeps the
        little garbage it catches: once per task, and per long article."""
        if self.painted and (task == "view" or task not in self._frozen_after):
            self._frozen_after.add(task)
            gc.freeze()

    def watch_theme(self, theme: str) -> None:
        self.state.change(theme=theme)

    def on_unmount(self) -> None:
        self._save_state()
        for number, handler in self._previous_handlers.items():
            signal.signal(number, handler)

    def _save_if_changed(self) -> None:
        if self.state.unsaved:  # Saved within `SAVE_INTERVAL` seconds of a change, and on quitting.
            self._save_state()
        if self.annotations.reload_if_changed():  # Another reader changed the file.
            self.reading.post_message(AnnotationsChanged())

    def _save_state(self) -> None:
        try:
            self.state.save()
        except OSError as error:
            self.notify(f"Could not save the reading state: {error}", severity="error")

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen(self.keys))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from reader.ui.commands import reading_commands

        yield from super().get_system_commands(screen)
        yield from reading_commands(self.reading)
