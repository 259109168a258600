"""The reading screen: the article list, the article and the status lines, and what ties them.

It composes the widgets and coordinates them with the core: which article is open, the entities
found so far (`EntitySession`), the search the hit keys walk (`SearchSession`), the annotations
placed in the text (`PlacedAnnotations`). Features with keys of their own are parts
(`reader/ui/parts/`: annotating, the dictionary, the library) that the screen's actions hand on to.
What is app-wide (the corpus, the stores, the reading state, the keymap) belongs to `ReaderApp`.
Dialogs are imported when first opened.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from reader.annotations.store import AnnotationStore, PlacedAnnotations
from reader.articles.corpus import Article, Corpus, load_corpus
from reader.articles.indexed import indexing_progress, position_in
from reader.entities.mentions import TYPES, Entity, group
from reader.entities.session import EntitySession
from reader.reading.layout import article_script, known_script
from reader.search.session import SearchSession, search_status, step_hit
from reader.text.conversion import ORIGINAL, in_script, mode_label, next_mode, warm_up
from reader.ui.parts.annotations import AnnotationsPart
from reader.ui.parts.dictionary import DictionaryPart
from reader.ui.parts.library import LibraryPart
from reader.ui.widgets.article_view import ArticleView, Caret, Span
from reader.ui.widgets.bindings import bindings_for
from reader.ui.widgets.sidebar import Sidebar
from reader.ui.widgets.status_bar import NoteBar, StatusBar, WordBar
from reader.ui.widgets.styles import annotation_layer

if TYPE_CHECKING:
    from reader.articles.catalog import Progress
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.entity_panel import EntityPanel

#: From this many articles on, background work is trimmed to what stays quick (see `_find_entities`).
LARGE_CORPUS = 1000


class ReadingScreen(Screen[None]):
    AUTO_FOCUS = "ArticleView"  # Focused as it mounts: focusing it later restyles the screen twice.
    BINDINGS = bindings_for("app", app_wide=False)

    #: What each background task is called when it fails.
    TASK_NAMES = {"entities": "Finding entities", "words": "Loading word boundaries",
                  "index": "Indexing for search", "corpus": "Checking the files",
                  "warm-up": "Loading the conversion tables", "annotations": "Preparing the annotations",
                  "dictionary": "Loading the dictionary", "add": "Adding to the library",
                  "remove": "Removing from the library"}

    def __init__(self, corpus: Corpus, annotations: AnnotationStore) -> None:
        super().__init__(id="_default")
        self.corpus = corpus
        self.current: Article | None = None
        self.entities = EntitySession()
        self.search = SearchSession(corpus)
        self.placed = PlacedAnnotations(annotations)
        self._busy: dict[str, str] = {}
        self._entity_panel: EntityPanel | None = None
        """Mounted the first time it is asked for."""
        self.lookup = DictionaryPart(self)
        self.library_part = LibraryPart(self)
        self.notes = AnnotationsPart(self)

    @property
    def reader(self) -> ReaderApp:
        return cast("ReaderApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Sidebar(self.corpus.articles, id="sidebar")
            with Vertical(id="reading"):
                yield ArticleView(id="article")
                yield WordBar(id="word")
                yield NoteBar(id="note")
                yield StatusBar(id="status")

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def busy(self) -> list[str]:
        """What is being done in the background, as the status bar says it."""
        return list(self._busy.values())

    def on_mount(self) -> None:
        if not self.query(ArticleView):
            return  # The app closed before the screen was ever shown.
        state = self.reader.state
        self.view.script_mode = state.script
        if state.script != ORIGINAL:
            self.sidebar.set_display(partial(in_script, mode=state.script))
        if self.corpus.articles:
            remembered = state.article if self.corpus.find(state.article or "") else None
            self.open_article(remembered or self.corpus.articles[0].id)

    async def start_background_work(self) -> None:
        """After the first paint: the key hints, the filter box, and the slow work."""
        from reader.ui.widgets.key_hints import KeyHints

        await self.mount(KeyHints())
        self.sidebar.put_in_filter()
        self.run_worker(self._warm_up, thread=True, group="warm-up", exit_on_error=False)
        self.run_worker(self.reader.annotations.prepare, thread=True, group="annotations", exit_on_error=False)
        if self.corpus.trusted and self.reader.corpus_source is not None:
            self._check_corpus()
        self._index_in_background()
        self._find_entities()

    def _warm_up(self) -> None:
        """Conversion tables and the current article's script, off the way to the first paint."""
        warm_up()
        if self.current is not None:
            article_script(self.current)
            self.app.call_from_thread(self._update_status)

    def script_display(self) -> Callable[[str], str]:
        return partial(in_script, mode=self.view.script_mode)

    # -- articles -------------------------------------------------------------------------------

    def open_article(self, article_id: str, *, focus_view: bool = False) -> None:
        article = self.corpus.find(article_id)
        if article is None:
            return
        if self.current is None or article.id != self.current.id:
            self.current = article
            self.view.show(article, self.reader.state.positions.get(article.id, 0))
            if article.problem:
                self.notify(article.problem, title="Cannot read this article", severity="error", timeout=15)
            self.sidebar.select(article.id)
            self.reader.state.article = article.id
            self.reader.state_changed()
            self._show_entities()
            self._show_hits()
            self._show_annotations()
            self.lookup.show_word(None)  # The cursor does not follow into another article.
            if self.reader.painted:  # Not before the first paint: naming its script costs a few ms.
                article_script(article)
                if article.id not in self.entities.complete:
                    self._find_entities()  # Put this article first.
        if focus_view:
            self.view.focus()
        self._update_status()

    @on(Sidebar.ArticleChosen)
    def _article_chosen(self, event: Sidebar.ArticleChosen) -> None:
        self.open_article(event.article_id, focus_view=event.focus_view)

    def _step_article(self, step: int) -> None:
        """The next or previous article of those the sidebar shows (its filter holds), wrapping
        around with a word that it did."""
        shown = self.sidebar.shown
        if self.current is None or not shown:
            if not shown:
                self.notify("No article matches the filter (esc in the list clears it).", title="Articles")
            return
        index = position_in(shown, self.current.id)
        target = (index if index is not None else (-1 if step > 0 else len(shown))) + step
        if not 0 <= target < len(shown):
            target %= len(shown)
            if len(shown) > 1:
                self.notify("Back to the first article." if step > 0 else "On to the last article.", title="Articles")
        self.open_article(shown[target].id)

    def action_next_article(self) -> None:
        self._step_article(+1)

    def action_previous_article(self) -> None:
        self._step_article(-1)

    @work(thread=True, exclusive=True, group="corpus", exit_on_error=False)
    def _check_corpus(self) -> None:
        """Bring the index up to date with the files behind a corpus listed from it (a stat of
        each; on a first start, indexing them all, the list growing every few seconds, the status
        bar saying how far it is); take the changes if any."""
        shown = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal shown
            progressed = indexing_progress(done, total)
            self.app.call_from_thread(self.set_busy, "corpus", progressed[0].upper() + progressed[1:])
            if time.monotonic() - shown > self.GROWING_EVERY:
                shown = time.monotonic()
                self.app.call_from_thread(self.replace_corpus, self.load_corpus_again(trust=True), report=False)

        checked = self.load_corpus_again(progress)
        if checked.signature != self.corpus.signature or checked.problems:
            self.app.call_from_thread(self.replace_corpus, checked)

    #: Seconds between showing what a first build has indexed so far.
    GROWING_EVERY = 3.0

    def load_corpus_again(self, progress: Progress | None = None, *, trust: bool = False) -> Corpus:
        """The corpus as the files hold it now (what the command line named, the library as it
        is), or with `trust`, as the index holds it now."""
        source = self.reader.corpus_source
        assert source is not None, "only a corpus that came from files is loaded again"
        corpus_paths, cache = source
        return load_corpus(corpus_paths(), cache, trust_cache=trust, progress=progress)

    def replace_corpus(self, corpus: Corpus, *, report: bool = True) -> None:
        """Show another version of the corpus: the same article stays open if it still exists."""
        if report:
            self.reader.report_problems(corpus)
        if corpus.signature == self.corpus.signature:
            return
        reading = self.current.id if self.current else None
        self.corpus = self.reader.corpus = corpus
        self.search.replace_corpus(corpus)
        self.entities.clear()
        self.placed.forget()
        self.sidebar.set_articles(corpus.articles)
        self.current = None
        if corpus.articles:
            self.open_article((corpus.find(reading or "") or corpus.articles[0]).id)
        self._index_in_background()
        self._find_entities()
        from reader.ui.screens.search import SearchScreen

        if isinstance(self.app.screen, SearchScreen):
            self.app.screen.search_again()  # The query typed was answered from the corpus before.

    # -- the library and the dictionary (ui/parts) ------------------------------------------

    def action_add_article(self) -> None:
        self.library_part.add()

    def action_remove_article(self) -> None:
        self.library_part.remove()

    def action_define(self) -> None:
        self.lookup.define()

    def action_save_word(self) -> None:
        self.lookup.save_word()

    def action_pinyin_style(self) -> None:
        self.lookup.next_pinyin_style()

    # -- the status lines and background work ---------------------------------------------------

    @on(ArticleView.Busy)
    def _view_busy(self, event: ArticleView.Busy) -> None:
        self.set_busy("view", event.what)
        if event.what is None:  # The article is shown whole, perhaps in another script.
            self._list_entities()

    def set_busy(self, task: str, what: str | None) -> None:
        if what:
            self._busy[task] = what
        else:
            self._busy.pop(task, None)
            self.reader.work_done(task)
        self._update_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A task that ends, however it ends, leaves the status bar; one that fails says so in
        one line (its indicator would otherwise say "Finding entities…" for ever)."""
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        name = event.worker.group
        running = any(w.group == name and w is not event.worker and not w.is_finished for w in self.workers)
        if name in self._busy and not running:
            self.set_busy(name, None)
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{self.TASK_NAMES.get(name, name)} failed: {type(error).__name__}: {error}",
                        title="Background work", severity="error", timeout=15)

    @on(ArticleView.WordsNeeded)
    def _start_word_splitter(self) -> None:
        """Words come from jieba, started here by the first word key (it costs a second and ~150 MB,
        so not before it is wanted), saying so while it loads."""
        if not any(worker.group == "words" for worker in self.workers):
            self.set_busy("words", "Loading word boundaries")
            self.run_worker(self._load_word_splitter, thread=True, group="words", exit_on_error=False)

    def _load_word_splitter(self) -> None:
        from reader.search.index import jieba_splitter

        jieba_splitter()  # Starts jieba, taught the gazetteer's names.
        self.app.call_from_thread(self.notify, "Word keys (w W) now move by words.", title="Words", timeout=3)

    @on(ArticleView.Moved)
    def _view_moved(self, event: ArticleView.Moved) -> None:
        if self.current is not None and self.query(ArticleView):  # Not while shutting down.
            self.reader.state.positions[self.current.id] = event.position
            self.reader.state_changed()
        self._update_status()

    def _update_status(self) -> None:
        if self.current is None or not self.query(StatusBar):
            return  # Nothing open, or shutting down.
        results = self.search.results
        number = (self.corpus.index_of(self.current.id) or 0) + 1
        self.query_one(StatusBar).show(
            number=number,
            total=len(self.corpus.articles),
            title=self.view.texts.title if self.view.texts else self.current.title,
            percent=self.view.percent_read,
            script=mode_label(self.view.script_mode, known_script(self.current)),
            busy=" · ".join(self._busy.values()) or None,
            search=search_status(results, self.current.id, self.view.current_mark) if results else None,
        )

    # -- entities -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def _find_entities(self) -> None:
        """Detect entities in every article, the current one first, from the disk cache if it can.
        In a large corpus (or one still being indexed), only in the articles opened: reading every
        text would keep a core busy for minutes after each start."""
        from reader.entities.detect import EntityCache, Gazetteer, GazetteerError, detect_articles

        worker = get_current_worker()
        cache = self.reader.entity_cache = self.reader.entity_cache or EntityCache()
        try:
            gazetteer = Gazetteer.load(self.reader.entities_file)
        except GazetteerError as error:
            self.app.call_from_thread(self.notify, str(error), title="Entities", severity="error")
            return
        first = self.current if self.current is not None and self.current.id not in self.entities.complete else None
        articles = self.corpus.articles
        others = [] if not self.corpus.complete or len(articles) >= LARGE_CORPUS else [
            a for a in articles if a.id not in self.entities.found and a is not first]
        self.app.call_from_thread(self.set_busy, "entities", "Finding entities")
        for found in detect_articles(first, others, gazetteer, cache):
            if worker.is_cancelled:
                return
            if found.done % 50 == 1:
                self.app.call_from_thread(self.set_busy, "entities",
                                          f"Finding entities {found.done:,}/{len(others):,}")
            self.app.call_from_thread(self._entities_found, found.article_id, found.entities, found.complete)
        self.app.call_from_thread(self.set_busy, "entities", None)

    def _entities_found(self, article_id: str, entities: list[Entity], complete: bool) -> None:
        self.entities.record(article_id, entities, complete)
        if self.current is not None and article_id == self.current.id:
            self._show_entities()

    def _show_entities(self) -> None:
        """Give the view and the panel the current article's entities."""
        if self.current is None:
            return
        state = self.reader.state
        entities = self.entities.of(self.current.id)
        shown = frozenset(t for t in TYPES if t not in state.hidden_types) if state.highlight else frozenset()
        self.view.set_entities(entities, shown)
        self._list_entities()

    def _list_entities(self) -> None:
        """The panel's list of the current article's entities, named as the text shows them now."""
        panel = self._entity_panel
        if panel is None or self.current is None:
            return
        state = self.reader.state
        entities = self.entities.of(self.current.id)
        body = self.view.texts.body if self.view.texts else self.current.body
        names: dict[str, str] = {}
        for entity in entities:
            names.setdefault(entity.key, body[entity.start : entity.end])
        hidden = set(state.hidden_types) if state.highlight else set(TYPES)
        panel.show(group(entities), names, hidden, self.current.id in self.entities.complete)

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
        self.reader.state.highlight = not self.reader.state.highlight
        self.reader.state_changed()
        self._show_entities()

    def on_entity_panel_type_toggled(self, event: EntityPanel.TypeToggled) -> None:
        state = self.reader.state
        hidden = set(state.hidden_types) ^ {event.kind}
        state.hidden_types = [t for t in TYPES if t in hidden]
        state.highlight = True
        self.reader.state_changed()
        self._show_entities()

    def on_entity_panel_entity_chosen(self, event: EntityPanel.EntityChosen) -> None:
        """The text takes the keys at once: `.` and `,` walk the chosen entity's mentions."""
        self.view.choose_entity(event.key)
        self.view.focus()

    def on_entity_panel_show_articles(self, event: EntityPanel.ShowArticles) -> None:
        from reader.ui.screens.mentions import MentionsScreen

        key = event.key
        titles = {article.id: article.title for article in self.corpus.articles}
        rows = [(article_id, titles[article_id], count)
                for article_id, count in self.entities.mentions_by_article(titles, key)]
        pending = len(self.corpus.articles) - len(self.entities.found)
        body = self.current.body if self.current else ""
        name = next((body[e.start : e.end] for e in self.view.entities if e.key == key), key)

        def opened(article_id: str | None) -> None:
            if article_id:
                self.open_article(article_id, focus_view=True)
                self.view.choose_entity(key)

        self.app.push_screen(MentionsScreen(name, rows, pending), opened)

    # -- search ---------------------------------------------------------------------------------

    @work(thread=True, group="index", exit_on_error=False)
    def _index_in_background(self) -> None:
        """Make the search index after the first paint, so a search never waits for it (for a
        corpus listed from the on-disk index, there is nothing to make)."""
        self.search.index().warm_up()

    def action_search(self) -> None:
        from reader.ui.screens.search import Choice, SearchScreen

        def chosen(choice: Choice | None) -> None:
            if choice is None:
                return
            self.reader.state.remember_query(choice.results.query)
            self.reader.state_changed()
            self.search.results = choice.results
            self.open_article(choice.results.index.articles[choice.position].id, focus_view=True)
            if choice.results.hits(choice.position):
                self._show_hits(focus=choice.hit)
            else:  # Found in the title only: the article from its top.
                self._show_hits()
                self.view.scroll_to(y=0, animate=False, immediate=True)

        if self.reader.corpus_source is not None and not any(
                worker.group == "corpus" and not worker.is_finished for worker in self.workers):
            self._check_corpus()  # A file may have changed since the last look: caught up while the reader types.
        last = self.search.results
        self.app.push_screen(
            SearchScreen(self.search.index, list(self.reader.state.search_history), self.script_display(),
                         query=last.query if last else "", word_mode=last.word_mode if last else False),
            chosen,
        )

    def _show_hits(self, focus: int | None = None) -> None:
        """Highlight the current article's hits; with `focus`, bring that hit into view."""
        if self.current is None:
            return
        results = self.search.results
        hits = results.hits_for(self.current.id) if results else []
        self.view.set_layer("hits", [Span(h.start, h.end, "article-view--hit") for h in hits])
        if focus is not None and hits:
            hit = hits[min(focus, len(hits) - 1)]
            self.view.mark(hit.start, hit.end)
        self._update_status()

    def _step_hit(self, forward: bool) -> None:
        results = self.search.results
        if results is None or self.current is None or not results.indices:
            self.notify("No search hits to step through: / searches every article.", title="Search")
            return
        mark, position = self.view.current_mark, self.view.position
        offset = mark if mark is not None else (position - 1 if forward else position)
        step = step_hit(results, self.corpus.index_of(self.current.id), offset, forward=forward)
        if step is None:
            self.notify(f"“{results.query}” is only in titles: there is no hit in the text to go to.",
                        title="Search")
            return
        if step.wrapped:
            self.notify(f"Wrapped around to the {'first' if forward else 'last'} hit of “{results.query}”.",
                        title="Search")
        self.open_article(self.corpus.articles[step.position].id)
        self._show_hits(focus=step.hit)

    def action_next_hit(self) -> None:
        self._step_hit(forward=True)

    def action_previous_hit(self) -> None:
        self._step_hit(forward=False)

    def action_clear_marks(self) -> None:
        self.view.move_cursor(self.view.cursor, extend=False)
        self.search.results = None
        self.view.set_layer("hits", [])
        self.view.set_layer("current", [])
        self.view.chosen_entity = None
        self._update_status()

    # -- annotations ----------------------------------------------------------------------------

    def _show_annotations(self) -> None:
        if self.current is None:
            return
        placed = self.placed.of(self.current.id, self.current.body)
        self.view.set_layer("annotations", [Span(a.start, a.end, annotation_layer(a.color)) for a in placed])
        self._show_note(self.view.caret)

    def annotations_changed(self, article_id: str | None = None) -> None:
        """The store changed (here or in another reader): place and draw the annotations again."""
        self.placed.forget(article_id)
        self._show_annotations()

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        self._show_note(event.caret)
        self.lookup.show_word(event.caret.cursor)

    def _show_note(self, caret: Caret) -> None:
        annotation = self.placed.at(self.current.id, self.current.body, caret.cursor) if self.current else None
        text = None
        if annotation is not None:
            tags = " ".join(f"#{t}" for t in annotation.tags)
            note = f"● {annotation.note}" if annotation.note else "● (no note)"
            text = "  ".join(part for part in (note, tags) if part)
        self.query_one(NoteBar).show_note(text)

    def action_annotate(self) -> None:
        self.notes.annotate()

    def action_annotate_sentence(self) -> None:
        self.notes.annotate(sentence=True)

    def action_delete_annotation(self) -> None:
        self.notes.delete_at_cursor()

    def action_undo_delete(self) -> None:
        self.notes.undo_delete()

    def action_export(self) -> None:
        self.notes.export()

    def action_annotations(self) -> None:
        self.notes.list_all()

    # -- script and sidebar ---------------------------------------------------------------------

    def action_toggle_script(self) -> None:
        """Cycle original -> 简体 -> 繁體; every offset stays valid, so nothing else moves."""
        mode = next_mode(self.view.script_mode)
        self.view.script_mode = mode
        self.reader.state.script = mode
        self.reader.state_changed()
        self.sidebar.set_display(partial(in_script, mode=mode))
        self.lookup.show_word(self.view.cursor)  # The word as the text now shows it.
        self._update_status()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.sidebar
        sidebar.display = not sidebar.display
        if not sidebar.display:
            self.view.focus()

    def action_filter(self) -> None:
        self.sidebar.display = True
        self.sidebar.focus_filter()

    def commands(self) -> Iterable[SystemCommand]:
        """The command palette's entries for reading."""
        yield SystemCommand("Next article", "Open the next article in the list", self.action_next_article)
        yield SystemCommand("Previous article", "Open the previous article", self.action_previous_article)
        yield SystemCommand("Show or hide the article list", "Toggle the sidebar", self.action_toggle_sidebar)
        yield SystemCommand("Filter the article list", "Type to narrow the list", self.action_filter)
        yield SystemCommand("Search", "Find words in every article", self.action_search)
        yield SystemCommand("Annotations", "List and filter your annotations", self.action_annotations)
        yield SystemCommand("Undo delete", "Bring back the last deleted annotation", self.action_undo_delete)
        yield SystemCommand("Export annotations", "Markdown, CSV or W3C Web Annotation JSON", self.action_export)
        yield SystemCommand("Switch script", "Original, Simplified 简体, Traditional 繁體", self.action_toggle_script)
        yield SystemCommand("Entity panel", "People, organisations, products, places… in this article",
                            self.action_entity_panel)
        yield SystemCommand("Entity highlighting on or off", "Colour the entities in the text",
                            self.action_toggle_highlights)
        yield SystemCommand("Add to the library", "Web pages, feeds, EPUBs, text files", self.action_add_article)
        yield SystemCommand("Remove this article", "From the library (its annotations are kept)",
                            self.action_remove_article)
        yield SystemCommand("Look up the word at the cursor", "CC-CEDICT: pinyin and meanings", self.action_define)
        yield SystemCommand("Pinyin style", "Tone marks, tone numbers or zhuyin", self.action_pinyin_style)
        shown = self.script_display()
        for number, article in enumerate(self.corpus.articles, start=1):
            yield SystemCommand(
                f"Open: {shown(article.title)}",
                f"{number}. {shown(article.source) if article.source else article.path}",
                partial(self.open_article, article.id, focus_view=True),
                discover=False,
            )
