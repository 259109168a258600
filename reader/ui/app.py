"""The reader app: composes the sidebar, the article view and the status bar over the core.

Screens (and the exporter) are imported when first opened: they are not needed for the first paint.
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
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from reader.annotations.store import Annotation, AnnotationStore, StoreError, place_all
from reader.articles.corpus import Article, Corpus, CorpusCache, load_corpus
from reader.entities.mentions import TYPES, Entity, group
from reader.reading.layout import article_script, known_script
from reader.reading.navigation import sentence_at
from reader.settings.keymap import load_keymap, textual_keymap
from reader.settings.state import State
from reader.system import paths
from reader.text.conversion import ORIGINAL, in_script, mode_label, next_mode, warm_up
from reader.ui.widgets.article_view import ArticleView, Span
from reader.ui.widgets.bindings import bindings_for
from reader.ui.widgets.sidebar import Sidebar
from reader.ui.widgets.status_bar import NoteBar, StatusBar
from reader.ui.widgets.styles import annotation_layer

if TYPE_CHECKING:  # Loaded on first use: none of them is needed for the first paint.
    from reader.entities.detect import EntityCache
    from reader.search.index import FoldedCache, Results, SearchIndex
    from reader.ui.widgets.entity_panel import EntityPanel

SAVE_INTERVAL = 5.0
#: Seconds a signal gives the app to quit before the process ends regardless.
SIGNAL_GRACE = 3.0
#: From this many articles on, background work is trimmed to what stays quick (see `_find_entities`).
LARGE_CORPUS = 1000


class _ReadingScreen(Screen):
    AUTO_FOCUS = "ArticleView"  # Focused as it mounts: focusing it later restyles the screen twice.


class ReaderApp(App[None]):
    CSS_PATH = Path(__file__).parent / "reader.tcss"  # Absolute: subclasses may live anywhere.
    TITLE = "reader"
    BINDINGS = bindings_for("app")

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
        corpus_source: tuple[list[Path], CorpusCache] | None = None,
    ) -> None:
        """`corpus_source`: where the corpus came from, to check a corpus listed from the cache."""
        gc.freeze()  # See `_mount_footer`.
        super().__init__()
        self.corpus = corpus
        self.keys = keymap if keymap is not None else load_keymap()
        self.state = state if state is not None else State.load()
        self.current: Article | None = None
        self._painted = False
        """Whether the first paint is done (and the work kept off its way has started)."""
        self._state_dirty = False
        self._busy: dict[str, str] = {}
        self._frozen_after: set[str] = set()
        """Background tasks whose results were frozen out of the garbage collector (see `_set_busy`)."""
        self.entities_file = entities_file
        self.entity_cache = entity_cache
        """Detection results on disk (the default folder's, made on first use, if not given)."""
        self.entities: dict[str, list[Entity]] = {}
        """Entities found so far, by article id."""
        self._entities_complete: set[str] = set()
        self._entity_panel: EntityPanel | None = None
        """Mounted the first time it is asked for."""
        self._search_index: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self.folded_cache = folded_cache
        """Folded texts for the search index (like `entity_cache`, the default made on first use)."""
        self.corpus_source = corpus_source
        self.search_results: Results | None = None
        """The results the hit keys walk through (None: no search in progress)."""
        self.annotations = annotations if annotations is not None else AnnotationStore()
        self._placed: dict[str, list[Annotation]] = {}
        self._previous_handlers: dict[int, object] = {}
        """Annotations where their quotes are now, by article id (filled as articles are shown)."""

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Messages quote file paths, errors and the reader's text: shown as they are, not as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def action_help_quit(self) -> None:
        """ctrl+c: name the keys that quit, as plain text (Textual's own message is markup, and
        `notify` here shows every message as it is)."""
        keys = [key for key, active in self.active_bindings.items() if active.binding.action in ("quit", "app.quit")]
        if keys:
            self.notify(f"Press {' or '.join(keys)} to quit reader.", title="Do you want to quit?")

    def get_default_screen(self) -> Screen:
        return _ReadingScreen(id="_default")

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Sidebar(self.corpus.articles, id="sidebar")
            with Vertical(id="reading"):
                yield ArticleView(id="article")
                yield NoteBar(id="note")
                yield StatusBar(id="status")

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    def on_mount(self) -> None:
        self.set_keymap(textual_keymap(self.keys))
        self.view.script_mode = self.state.script
        if self.state.script != ORIGINAL:
            self._show_titles_in(self.state.script)
        if self.state.theme in self.available_themes:
            self.theme = self.state.theme
        for problem in self.corpus.problems:
            self.notify(f"{problem.path}\n{problem.message}", title="Skipped a file", severity="warning", timeout=10)
        if self.annotations.problem:
            self.notify(f"{self.annotations.problem}.\nAnnotations are read-only until it is fixed; the file is left as it is.",
                        title="Annotations file", severity="error", timeout=30)
        if self.corpus.articles:
            remembered = self.state.article if self.corpus.find(self.state.article or "") else None
            self.open_article(remembered or self.corpus.articles[0].id)
        self.set_interval(SAVE_INTERVAL, self._save_state_if_changed)
        self.call_after_refresh(self._mount_footer)
        self._quit_on_signals()

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

    async def _mount_footer(self) -> None:
        """The key hints and the sidebar's filter box cost more to build than the article, so they
        follow the first paint, and so does the slow work: conversion tables and entity detection.

        Modules, the corpus and the widgets live as long as the app, so they are frozen out of
        the garbage collector (once at start, once now): its full passes walked them all and
        took a third of the time to the first paint. `reader.cli.main` turns the collector off before
        loading anything; it comes back on here."""
        if self.is_running and self.screen.is_attached and not self._painted:
            from reader.ui.widgets.key_hints import KeyHints

            self._painted = True
            gc.freeze()
            gc.enable()
            await self.mount(KeyHints())
            self.sidebar.put_in_filter()
            self.refresh_bindings()  # A footer mounted late waits for this signal to draw its keys.
            self.run_worker(self._warm_up, thread=True, group="warm-up", exit_on_error=False)
            self.run_worker(self.annotations.prepare, thread=True, group="annotations", exit_on_error=False)
            if self.corpus.trusted and self.corpus_source is not None:
                self._check_corpus()
            self._index_in_background()
            self._find_entities()

    def _warm_up(self) -> None:
        """Conversion tables and the current article's script, off the way to the first paint."""
        warm_up()
        if self.current is not None:
            article_script(self.current)
            self.call_from_thread(self._update_status)

    def watch_theme(self, theme: str) -> None:
        self.state.theme = theme
        self._state_dirty = True

    def on_unmount(self) -> None:
        self._save_state()
        for number, handler in self._previous_handlers.items():
            signal.signal(number, handler)

    # -- articles -------------------------------------------------------------------------------

    def open_article(self, article_id: str, *, focus_view: bool = False) -> None:
        article = self.corpus.find(article_id)
        if article is None:
            return
        if self.current is None or article.id != self.current.id:
            self.current = article
            self.view.show(article, self.state.positions.get(article.id, 0))
            if article.problem:
                self.notify(article.problem, title="Cannot read this article", severity="error", timeout=15)
            self.sidebar.select(article.id)
            self.state.article = article.id
            self._state_dirty = True
            self._show_entities()
            self._show_hits()
            self._show_annotations()
            if self._painted:  # Not before the first paint: naming its script costs a few ms.
                article_script(article)
            if article.id not in self._entities_complete and self._painted:
                self._find_entities()  # Put this article first.
        if focus_view:
            self.view.focus()
        self._update_status()

    @on(Sidebar.ArticleChosen)
    def _article_chosen(self, event: Sidebar.ArticleChosen) -> None:
        self.open_article(event.article_id, focus_view=event.focus_view)

    @on(ArticleView.Busy)
    def _view_busy(self, event: ArticleView.Busy) -> None:
        self._set_busy("view", event.what)

    def _set_busy(self, task: str, what: str | None) -> None:
        if what:
            self._busy[task] = what
        else:
            self._busy.pop(task, None)
            if self._painted and (task == "view" or task not in self._frozen_after):
                # What background work loads (a long article's layout, the search index, jieba's
                # dictionary) lives on: out of the collector's full passes, which walked it all in
                # the middle of paging (45-70 ms, once in 30 pages of 左传). Freezing is instant,
                # but keeps the little garbage it catches: once per task, and per long article.
                self._frozen_after.add(task)
                gc.freeze()
        self._update_status()

    #: What each background task is called when it fails.
    _TASK_NAMES = {"entities": "Finding entities", "words": "Loading word boundaries",
                   "index": "Indexing for search", "corpus": "Checking the files",
                   "warm-up": "Loading the conversion tables", "annotations": "Preparing the annotations"}

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A task that ends, however it ends, leaves the status bar; one that fails says so in
        one line (its indicator would otherwise say "Finding entities…" for ever)."""
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        group = event.worker.group
        if group in self._busy and not self._running_in(group, besides=event.worker):
            self._set_busy(group, None)
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            what = self._TASK_NAMES.get(group, group)
            self.notify(f"{what} failed: {type(error).__name__}: {error}", title="Background work",
                        severity="error", timeout=15)

    def _running_in(self, group: str, *, besides: Worker) -> bool:
        return any(w.group == group and w is not besides and not w.is_finished for w in self.workers)

    @on(ArticleView.WordsNeeded)
    def _start_word_splitter(self) -> None:
        """Words come from jieba, started here by the first word key (it costs a second and ~150 MB,
        so not before it is wanted), saying so while it loads."""
        if not any(worker.group == "words" for worker in self.workers):
            self._set_busy("words", "Loading word boundaries")
            self.run_worker(self._load_word_splitter, thread=True, group="words", exit_on_error=False)

    def _load_word_splitter(self) -> None:
        from reader.search.index import jieba_splitter

        jieba_splitter()  # Starts jieba, taught the gazetteer's names.
        self.call_from_thread(self.notify, "Word keys (w W) now move by words.", title="Words", timeout=3)

    @on(ArticleView.Moved)
    def _view_moved(self) -> None:
        if not self.query(ArticleView):
            return  # Shutting down: the view is already gone.
        if self.current is not None:
            self.state.positions[self.current.id] = self.view.position
            self._state_dirty = True
        self._update_status()

    def _update_status(self) -> None:
        if self.current is None or not self.query(StatusBar):
            return
        number = (self.corpus.index_of(self.current.id) or 0) + 1
        self.query_one(StatusBar).show(
            number=number,
            total=len(self.corpus.articles),
            title=self.view.texts.title if self.view.texts else self.current.title,
            percent=self.view.percent_read,
            script=mode_label(self.view.script_mode, known_script(self.current)),
            busy=" · ".join(self._busy.values()) or None,
            search=self._search_status(),
        )

    def _search_status(self) -> str | None:
        if self.search_results is None or self.current is None:
            return None
        results = self.search_results
        hits = results.hits_for(self.current.id)
        mark = self.view.current_mark
        number = next((i + 1 for i, h in enumerate(hits) if h.start == mark), None)
        index = results.index.index_of(self.current.id)
        in_title = index is not None and index in results.indices and results.title_hits(index)
        where = f"{number}/{len(hits)}" if number else f"{len(hits)} hit{'' if len(hits) == 1 else 's'}"
        return f"“{results.query}” {where}" + (" · in the title" if in_title else "")

    def _step_article(self, step: int) -> None:
        """The next or previous article of those the sidebar shows (its filter holds), wrapping
        around with a word that it did."""
        shown = self.sidebar.shown
        if self.current is None or not shown:
            if not shown:
                self.notify("No article matches the filter (esc in the list clears it).", title="Articles")
            return
        ids = [article.id for article in shown]
        index = ids.index(self.current.id) if self.current.id in ids else (-1 if step > 0 else len(ids))
        target = index + step
        if not 0 <= target < len(ids):
            target %= len(ids)
            if len(ids) > 1:
                self.notify("Back to the first article." if step > 0 else "On to the last article.", title="Articles")
        self.open_article(ids[target])

    @work(thread=True, exclusive=True, group="corpus", exit_on_error=False)
    def _check_corpus(self) -> None:
        """Look at the files behind a corpus listed from the cache; take the changes if any."""
        corpus_paths, cache = self.corpus_source
        checked = load_corpus(corpus_paths, cache)
        if checked.signature != self.corpus.signature or checked.problems:
            self.call_from_thread(self.replace_corpus, checked)

    def replace_corpus(self, corpus: Corpus) -> None:
        """Show another version of the corpus: the same article stays open if it still exists."""
        for problem in corpus.problems:
            self.notify(f"{problem.path}\n{problem.message}", title="Skipped a file", severity="warning", timeout=10)
        if corpus.signature == self.corpus.signature:
            return
        reading = self.current.id if self.current else None
        self.corpus = corpus
        with self._index_lock:
            self._search_index = None
        self.search_results = None
        self.entities.clear()
        self._entities_complete.clear()
        self._placed.clear()
        self.sidebar.set_articles(corpus.articles)
        self.current = None
        if corpus.articles:
            self.open_article((corpus.find(reading or "") or corpus.articles[0]).id)
        self._index_in_background()
        self._find_entities()

    # -- entities -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def _find_entities(self) -> None:
        """Detect entities in every article, the current one first, from the disk cache if it can.

        The current article gets the gazetteer's and patterns' results at once, the model's after.
        """
        from reader.entities.detect import (
            EntityCache,
            Gazetteer,
            GazetteerError,
            detect,
        )

        worker = get_current_worker()
        cache = self.entity_cache = self.entity_cache or EntityCache()
        try:
            gazetteer = Gazetteer.load(self.entities_file)
        except GazetteerError as error:
            self.call_from_thread(self.notify, str(error), title="Entities", severity="error")
            return
        current = self.current
        if current is not None and current.id not in self._entities_complete:
            self.call_from_thread(self._set_busy, "entities", "Finding entities")
            entities = cache.get(current.body, gazetteer)
            if entities is None:
                quick = detect(current.body, gazetteer, use_model=False)
                self.call_from_thread(self._entities_found, current.id, quick, False)
                entities = detect(current.body, gazetteer)
                cache.put(current.body, gazetteer, entities)
            self.call_from_thread(self._entities_found, current.id, entities, True)
        # The other articles, for "which articles mention it". A large corpus gets the gazetteer
        # and patterns only (the model would take a while), on the search index's folded texts.
        large = len(self.corpus.articles) >= LARGE_CORPUS
        index = self.search_index() if large else None
        todo = [a for a in self.corpus.articles if a.id not in self._entities_complete and a.id not in self.entities]
        for number, article in enumerate(todo, start=1):
            if worker.is_cancelled:
                return
            if number % 50 == 1:
                self.call_from_thread(self._set_busy, "entities", f"Finding entities {number:,}/{len(todo):,}")
            entities = cache.get(article.body, gazetteer, quick=large)
            if entities is None:
                folded = index.folded[index.index_of(article.id)] if index else None
                entities = detect(article.body, gazetteer, use_model=not large, folded=folded)
                cache.put(article.body, gazetteer, entities, quick=large)
            self.call_from_thread(self._entities_found, article.id, entities, not large)
        self.call_from_thread(self._set_busy, "entities", None)

    def _entities_found(self, article_id: str, entities: list[Entity], complete: bool) -> None:
        self.entities[article_id] = entities
        if complete:
            self._entities_complete.add(article_id)
        if self.current is not None and article_id == self.current.id:
            self._show_entities()

    def _shown_types(self) -> frozenset[str]:
        return frozenset(t for t in TYPES if t not in self.state.hidden_types) if self.state.highlight else frozenset()

    def _show_entities(self) -> None:
        """Give the view and the panel the current article's entities."""
        if self.current is None:
            return
        entities = self.entities.get(self.current.id, [])
        self.view.set_entities(entities, self._shown_types())
        panel = self._entity_panel
        if panel is not None:
            body = self.view.texts.body if self.view.texts else self.current.body
            names = {}
            for entity in entities:
                names.setdefault(entity.key, body[entity.start : entity.end])
            hidden = set(self.state.hidden_types) if self.state.highlight else set(TYPES)
            panel.show(group(entities), names, hidden, self.current.id in self._entities_complete)

    async def action_entity_panel(self) -> None:
        panel = self._entity_panel
        if panel is None:
            from reader.ui.widgets.entity_panel import EntityPanel

            panel = self._entity_panel = EntityPanel(id="entities")
            await self.query_one("#main").mount(panel)
        elif panel.display and panel.has_focus_within:
            panel.display = False
            self.view.focus()
            return
        panel.display = True
        self._show_entities()
        panel.focus_list()

    def action_toggle_highlights(self) -> None:
        self.state.highlight = not self.state.highlight
        self._state_dirty = True
        self._show_entities()

    def on_entity_panel_type_toggled(self, event: EntityPanel.TypeToggled) -> None:
        hidden = set(self.state.hidden_types) ^ {event.kind}
        self.state.hidden_types = [t for t in TYPES if t in hidden]
        self.state.highlight = True
        self._state_dirty = True
        self._show_entities()

    def on_entity_panel_entity_chosen(self, event: EntityPanel.EntityChosen) -> None:
        """The text takes the keys at once: `.` and `,` walk the chosen entity's mentions."""
        self.view.choose_entity(event.key)
        self.view.focus()

    def on_entity_panel_show_articles(self, event: EntityPanel.ShowArticles) -> None:
        key = event.key
        rows = []
        for article in self.corpus.articles:
            count = sum(1 for e in self.entities.get(article.id, []) if e.key == key)
            if count:
                rows.append((article.id, article.title, count))
        rows.sort(key=lambda row: -row[2])
        pending = len(self.corpus.articles) - len(self.entities)
        name = next((self.current.body[e.start : e.end] for e in self.view.entities if e.key == key), key)

        def opened(article_id: str | None) -> None:
            if article_id:
                self.open_article(article_id, focus_view=True)
                self.view.choose_entity(key)

        from reader.ui.screens.mentions import MentionsScreen

        self.push_screen(MentionsScreen(name, rows, pending), opened)

    # -- search ---------------------------------------------------------------------------------

    def search_index(self, progress: Callable[[int], None] | None = None) -> SearchIndex:
        """The index of the corpus, built on first use (in whichever thread asks first), its
        folded texts from the disk cache when the corpus has not changed."""
        from reader.search.index import FoldedCache, SearchIndex, folded_texts

        with self._index_lock:
            if self._search_index is None:
                articles = self.corpus.articles
                cache = self.folded_cache = self.folded_cache or FoldedCache(paths.cache_dir() / "folded")
                folded = folded_texts(articles, self.corpus.signature, cache, progress)
                self._search_index = SearchIndex(articles, folded)
            return self._search_index

    @work(thread=True, group="index", exit_on_error=False)
    def _index_in_background(self) -> None:
        """Build the search index after the first paint, so a search never waits for it."""
        total = len(self.corpus.articles)
        large = total >= LARGE_CORPUS

        def progress(done: int) -> None:
            self.call_from_thread(self._set_busy, "index", f"Indexing {done:,}/{total:,}")

        if large:
            progress(0)
        index = self.search_index(progress if large else None)
        if large:
            self.call_from_thread(self._set_busy, "index", "Preparing search")
            index.warm_up()
            self.call_from_thread(self._set_busy, "index", None)

    def _script_display(self) -> Callable[[str], str]:
        mode = self.view.script_mode
        return partial(in_script, mode=mode)

    def action_search(self) -> None:
        from reader.ui.screens.search import Choice, SearchScreen

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            self.state.remember_query(choice.results.query)
            self._state_dirty = True
            self.search_results = choice.results
            article = self.corpus.articles[choice.position]
            self.open_article(article.id, focus_view=True)
            if choice.results.hits(choice.position):
                self._show_hits(focus=choice.hit)
            else:  # Found in the title only: the article from its top.
                self._show_hits()
                self.view.scroll_to(y=0, animate=False, immediate=True)

        last = self.search_results.query if self.search_results else ""
        word_mode = self.search_results.word_mode if self.search_results else False
        self.push_screen(
            SearchScreen(self.search_index, list(self.state.search_history), self._script_display(), query=last,
                         word_mode=word_mode),
            chosen,
        )

    def _show_hits(self, focus: int | None = None) -> None:
        """Highlight the current article's hits; with `focus`, bring that hit into view."""
        if self.current is None:
            return
        hits = self.search_results.hits_for(self.current.id) if self.search_results else []
        self.view.set_layer("hits", [Span(h.start, h.end, "article-view--hit") for h in hits])
        if focus is not None and hits:
            hit = hits[min(focus, len(hits) - 1)]
            self.view.mark(hit.start, hit.end)
        self._update_status()

    def _step_hit(self, forward: bool) -> None:
        """The next (or previous) hit after the marked place, on into the next matching article."""
        results = self.search_results
        if results is None or self.current is None or not results.indices:
            self.notify("No search hits to step through: / searches every article.", title="Search")
            return
        hits = results.hits_for(self.current.id)
        current = self.view.current_mark
        offset = current if current is not None else (self.view.position - 1 if forward else self.view.position)
        candidates = [i for i, h in enumerate(hits) if (h.start > offset if forward else h.start < offset)]
        if candidates:
            self._show_hits(focus=candidates[0] if forward else candidates[-1])
            return
        here = self.corpus.index_of(self.current.id)
        ordered = results.indices if forward else results.indices[::-1]
        later = [p for p in ordered if here is not None and (p > here if forward else p < here)]
        # Articles found by their titles alone have no hit in the text: stepped over.
        target = next((p for p in later + ordered if results.hits(p)), None)
        if target is None:
            self.notify(f"“{results.query}” is only in titles: there is no hit in the text to go to.",
                        title="Search")
            return
        if target not in later:
            self.notify(f"Wrapped around to the {'first' if forward else 'last'} hit of “{results.query}”.",
                        title="Search")
        self.open_article(self.corpus.articles[target].id)
        count = len(results.hits(target))
        self._show_hits(focus=0 if forward else count - 1)

    def action_next_hit(self) -> None:
        self._step_hit(forward=True)

    def action_previous_hit(self) -> None:
        self._step_hit(forward=False)

    def action_clear_marks(self) -> None:
        self.view.move_cursor(self.view.cursor, extend=False)
        self.search_results = None
        self.view.set_layer("hits", [])
        self.view.set_layer("current", [])
        self.view.chosen_entity = None
        self._update_status()

    # -- annotations ----------------------------------------------------------------------------

    def placed_annotations(self, article: Article) -> list[Annotation]:
        """The article's annotations where their quotes are now (orphans left out)."""
        if article.id not in self._placed:
            self._placed[article.id] = place_all(self.annotations.for_article(article.id), {article.id: article.body})[0]
        return self._placed[article.id]

    def _show_annotations(self) -> None:
        if self.current is None:
            return
        placed = self.placed_annotations(self.current)
        self.view.set_layer("annotations", [Span(a.start, a.end, annotation_layer(a.color)) for a in placed])
        self._show_note()

    def _annotation_at(self, offset: int | None) -> Annotation | None:
        if offset is None or self.current is None:
            return None
        inside = [a for a in self.placed_annotations(self.current) if a.start <= offset < a.end]
        return min(inside, key=lambda a: a.end - a.start) if inside else None

    @on(ArticleView.CursorMoved)
    def _show_note(self) -> None:
        annotation = self._annotation_at(self.view.cursor)
        text = None
        if annotation is not None:
            tags = " ".join(f"#{t}" for t in annotation.tags)
            text = "  ".join(part for part in (f"● {annotation.note}" if annotation.note else "● (no note)", tags) if part)
        self.query_one(NoteBar).show_note(text)

    def _target(self, sentence: bool = False) -> tuple[int, int] | None:
        """What `a` annotates: the selection, else the hit, entity or sentence at the cursor."""
        view = self.view
        if not sentence and view.selection is not None:
            return view.selection
        cursor = view.cursor if view.cursor is not None else view.current_mark
        if cursor is None or view.texts is None:
            return None
        if not sentence:
            for layer in ("hits", "entities"):
                spans = view._layers.get(layer)
                for span in spans.overlapping(cursor, cursor + 1) if spans else []:
                    return span.start, span.end
        return sentence_at(view.texts.body, cursor)

    def action_annotate(self, sentence: bool = False) -> None:
        from reader.ui.screens.annotate import DELETE, AnnotateScreen, Edit

        if self.current is None:
            return
        article = self.current
        existing = None if sentence or self.view.selection else self._annotation_at(self.view.cursor)

        def save(edit: Edit) -> str | None:
            """Store the dialog's edit; a failure keeps the dialog open with the note in it."""
            try:
                if existing is not None:
                    self.annotations.update(existing.edited(note=edit.note, tags=edit.tags, color=edit.color))
                else:
                    self.annotations.add(Annotation.new(article.id, article.body, start, end, note=edit.note,
                                                        tags=edit.tags, color=edit.color))
            except StoreError as error:
                self.notify(str(error), title="Not saved", severity="error", timeout=15)
                return str(error)
            return None

        if existing is None:
            target = self._target(sentence)
            if target is None:
                self.notify("Move the cursor (arrows, h l w) or select text (v) first.", title="Annotate")
                return
            start, end = target
            quote = article.body[start:end]
            screen = AnnotateScreen(self._script_display()(quote), read_only=self.annotations.problem, save=save)
        else:
            screen = AnnotateScreen(self._script_display()(existing.quote), note=existing.note, tags=existing.tags,
                                    color=existing.color, existing=True, read_only=self.annotations.problem,
                                    save=save)

        def done(result: Edit | str | None) -> None:
            if result is None:
                return
            if result == DELETE:
                try:
                    self.annotations.delete(existing.id)
                except StoreError as error:
                    self.notify(str(error), title="Not deleted", severity="error", timeout=15)
                    return
                self.notify("Annotation deleted: u brings it back.", title="Annotations")
            self._placed.pop(article.id, None)
            self.view.move_cursor(self.view.cursor, extend=False)
            self._show_annotations()

        self.push_screen(screen, done)

    def action_annotate_sentence(self) -> None:
        self.action_annotate(sentence=True)

    def action_delete_annotation(self) -> None:
        annotation = self._annotation_at(self.view.cursor)
        if annotation is None:
            self.notify("No annotation under the cursor (m lists them).", title="Annotations")
            return
        try:
            self.annotations.delete(annotation.id)
        except StoreError as error:
            self.notify(str(error), title="Not deleted", severity="error", timeout=15)
            return
        self._placed.pop(annotation.article, None)
        self._show_annotations()
        self.notify(f"Deleted “{self._script_display()(annotation.quote[:20])}”: u brings it back.", title="Annotations")

    def action_undo_delete(self) -> None:
        try:
            restored = self.annotations.undo_delete()
        except StoreError as error:
            self.notify(str(error), title="Not restored", severity="error", timeout=15)
            return
        if restored is None:
            self.notify("Nothing to undo.", title="Annotations")
            return
        self._placed.pop(restored.article, None)
        self.open_article(restored.article)
        self._show_annotations()
        self.notify(f"Restored “{self._script_display()(restored.quote[:20])}”.", title="Annotations")

    def action_export(self) -> None:
        from reader.annotations.export import export_current
        from reader.ui.screens.export import ExportRequest, ExportScreen

        here = self.current

        def chosen(request: ExportRequest | None) -> None:
            if request is None:
                return
            self.state.export_format = request.format
            self._state_dirty = True
            annotations = [a for a in self.annotations.all() if not request.this_article_only or (here and a.article == here.id)]
            text = export_current(request.format, annotations, self.corpus.articles, self.view.script_mode, bom=request.bom)
            try:
                request.path.parent.mkdir(parents=True, exist_ok=True)
                request.path.write_text(text, encoding="utf-8", newline="")
            except OSError as error:
                self.notify(f"Cannot write {request.path}: {error.strerror or error}", title="Export", severity="error")
                return
            count = f"{len(annotations)} annotation{'s' if len(annotations) != 1 else ''}"
            self.notify(f"{count} written to\n{request.path.resolve()}", title="Exported", timeout=10)

        count_here = len(self.annotations.for_article(here.id)) if here else 0
        self.push_screen(ExportScreen(paths.documents_dir(), len(self.annotations.all()), count_here,
                                      here.title if here else None, self.state.export_format or "markdown"), chosen)

    def action_annotations(self) -> None:
        from reader.ui.screens.annotation_list import AnnotationListScreen

        everything = self.annotations.all()
        bodies = {a.id: a.body for a in self.corpus.articles}
        placed, orphans = place_all(everything, bodies)
        by_id = {a.id: a for a in placed}
        titles = {a.id: a.title for a in self.corpus.articles}

        def chosen(annotation_id: str | None) -> None:
            target = by_id.get(annotation_id or "")
            if target is None:
                if annotation_id:
                    self.notify("That annotation's text is no longer in its article.", title="Orphaned")
                return
            self.open_article(target.article, focus_view=True)
            self.view.mark(target.start, target.end)
            self.view.move_cursor(target.start, extend=False)

        self.push_screen(
            AnnotationListScreen(placed + orphans, {a.id for a in orphans}, titles, self._script_display(),
                                 self.current.id if self.current else None),
            chosen,
        )

    # -- state ----------------------------------------------------------------------------------

    def _save_state_if_changed(self) -> None:
        if self._state_dirty:
            self._save_state()
        if self.annotations.reload_if_changed():  # Another reader changed the file.
            self._placed.clear()
            self._show_annotations()

    def _save_state(self) -> None:
        try:
            self.state.save()
        except OSError as error:
            self.notify(f"Could not save the reading state: {error}", severity="error")
        self._state_dirty = False

    # -- actions --------------------------------------------------------------------------------

    def action_next_article(self) -> None:
        self._step_article(+1)

    def action_previous_article(self) -> None:
        self._step_article(-1)

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen(self.keys))

    def action_toggle_script(self) -> None:
        """Cycle original -> 简体 -> 繁體; every offset stays valid, so nothing else moves."""
        mode = next_mode(self.view.script_mode)
        self.view.script_mode = mode
        self.state.script = mode
        self._state_dirty = True
        self._show_titles_in(mode)
        self._update_status()

    def _show_titles_in(self, mode: str) -> None:
        self.sidebar.set_display(partial(in_script, mode=mode))

    def action_toggle_sidebar(self) -> None:
        sidebar = self.sidebar
        sidebar.display = not sidebar.display
        if not sidebar.display:
            self.view.focus()

    def action_filter(self) -> None:
        self.sidebar.display = True
        self.sidebar.focus_filter()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Next article", "Open the next article in the list", self.action_next_article)
        yield SystemCommand("Previous article", "Open the previous article", self.action_previous_article)
        yield SystemCommand("Show or hide the article list", "Toggle the sidebar", self.action_toggle_sidebar)
        yield SystemCommand("Filter the article list", "Type to narrow the list", self.action_filter)
        yield SystemCommand("Search", "Find words in every article", self.action_search)
        yield SystemCommand("Annotations", "List and filter your annotations", self.action_annotations)
        yield SystemCommand("Undo delete", "Bring back the last deleted annotation", self.action_undo_delete)
        yield SystemCommand("Export annotations", "Markdown, CSV or W3C Web Annotation JSON", self.action_export)
        yield SystemCommand("Switch script", "Original, Simplified 简体, Traditional 繁體", self.action_toggle_script)
        yield SystemCommand("Entity panel", "People, organisations, products, places… in this article", self.action_entity_panel)
        yield SystemCommand("Entity highlighting on or off", "Colour the entities in the text", self.action_toggle_highlights)
        shown = self._script_display()
        for number, article in enumerate(self.corpus.articles, start=1):
            yield SystemCommand(
                f"Open: {shown(article.title)}",
                f"{number}. {shown(article.source) if article.source else article.path}",
                lambda article_id=article.id: self.open_article(article_id, focus_view=True),
                discover=False,
            )
