"""The reading screen: the article list, the article and the status lines, and what ties them.

Its state is reactive: the article read (`current`), the script it is shown in (`script`), the
search the hit keys walk (`results`) and the background work under way (`busy`); watchers and data
bindings bring the widgets along, so changing one is one assignment. Features with keys of their own
are parts (`reader/ui/parts/`: annotations, the dictionary, entities, the library, search); they see
the screen through a narrow context (`parts/context.py`) and tell it things in messages
(`reader/ui/messages.py`), as background work does. The keymap reaches a part's key through
`part(name, method)`. Dialogs are imported when first opened.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker

from reader.annotations.store import AnnotationStore, PlacedAnnotations
from reader.articles.corpus import Article, Corpus, load_corpus
from reader.articles.indexed import indexing_progress, position_in
from reader.entities.session import EntitySession
from reader.reading.layout import article_script, known_script
from reader.reading.shown import ShownText
from reader.search.session import SearchSession
from reader.settings.state import State
from reader.text.conversion import ORIGINAL, mode_label, next_mode, warm_up
from reader.ui.background import Background
from reader.ui.messages import (
    AnnotationsChanged,
    Arranged,
    Busy,
    CorpusChanged,
    EntitiesFound,
    OpenArticle,
    ReadStateChanged,
)
from reader.ui.parts.annotations import AnnotationsPart
from reader.ui.parts.dictionary import DictionaryPart
from reader.ui.parts.entities import EntitiesPart
from reader.ui.parts.feeds import FeedsPart
from reader.ui.parts.library import LibraryPart
from reader.ui.parts.search import SearchPart
from reader.ui.room import PANEL, SIDEBAR, SidePanels
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.bindings import bindings_for, focus_now
from reader.ui.widgets.sidebar import Sidebar
from reader.ui.widgets.status_bar import NoteBar, StatusBar, WordBar

if TYPE_CHECKING:
    from reader.articles.catalog import Progress
    from reader.articles.indexed import CorpusCache
    from reader.entities.detect import EntityCache
    from reader.search.index import Results, Searchable
    from reader.ui.widgets.entity_panel import EntityPanel

Result = TypeVar("Result")


def still_there(before: Sequence[Article], corpus: Corpus, article_id: str) -> str | None:
    """The article to read in `corpus` now that it replaced the list `before`: the same one, else
    (it was removed) the nearest after it that is left, else the nearest before it. Looked up one
    at a time: a list from the index is not gone through."""
    if corpus.index_of(article_id) is not None:
        return article_id
    at = position_in(before, article_id)
    at = -1 if at is None else at
    nearest = chain(range(at + 1, len(before)), range(at - 1, -1, -1))
    return next((before[i].id for i in nearest if corpus.index_of(before[i].id) is not None), None)

class ReadingScreen(Screen[None]):
    AUTO_FOCUS = "ArticleView"  # Focused as it mounts: focusing it later restyles the screen twice.
    BINDINGS = bindings_for("app", app_wide=False)

    current: reactive[Article | None] = reactive(None, init=False)
    script: reactive[str] = reactive(ORIGINAL, init=False)
    results: reactive[Results | None] = reactive(None, init=False)
    busy: reactive[tuple[str, ...]] = reactive((), init=False)
    """What is being done in the background, as the status bar says it."""

    def __init__(self, corpus: Corpus, annotations: AnnotationStore, state: State, *,
                 entities_file: Path | None = None, entity_cache: EntityCache | None = None,
                 corpus_source: tuple[Callable[[], list[Path]], CorpusCache] | None = None,
                 library: Path | None = None) -> None:
        """`corpus_source`: which files make the corpus and their cache (to read it again after
        the library changes, or to check a corpus listed from the cache); `library`: where `+` adds."""
        super().__init__(id="_default")
        self.corpus, self.annotations, self.state = corpus, annotations, state
        self.corpus_source = corpus_source
        self.library = library if corpus_source is not None else None
        """Where `+` adds (None: this reader has no library, or was started on other files)."""
        self.entities = EntitySession()
        self.search = SearchSession(corpus)
        self.placed = PlacedAnnotations(annotations)
        self.painted = False
        self.background = Background(self)
        self.notes = AnnotationsPart(self, lambda text: self.query_one(NoteBar).show_note(text))
        self.lookup = DictionaryPart(self, lambda text: self.query_one(WordBar).show_word(text))
        self.library_part = LibraryPart(self)
        self.entity_part = EntitiesPart(self, entities_file, entity_cache)
        self.search_part = SearchPart(self)
        self.feeds = FeedsPart(self)
        self.side = SidePanels(lambda: self.sidebar, lambda: self.entity_part.panel,
                               lambda hidden: setattr(self.query_one(StatusBar), "hidden", hidden),
                               lambda: focus_now(self.view))
        self.parts: dict[str, object] = {"notes": self.notes, "dictionary": self.lookup, "entities": self.entity_part,
                                         "library": self.library_part, "search": self.search_part,
                                         "feeds": self.feeds}
        self.set_reactive(ReadingScreen.script, state.script)

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Sidebar(self.corpus.articles, id="sidebar")
            with Vertical(id="reading"):
                yield ArticleView(id="article").data_bind(script_mode=ReadingScreen.script)
                yield WordBar(id="word")
                yield NoteBar(id="note")
                yield StatusBar(id="status").data_bind(busy=ReadingScreen.busy)

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def shown(self) -> ShownText:
        return ShownText(self.script)

    def on_mount(self) -> None:
        if not self.query(ArticleView):
            return  # The app closed before the screen was ever shown.
        if self.script != ORIGINAL:
            self.sidebar.set_display(self.shown.text)
        if self.feeds.read_state is not None:
            self.sidebar.show_read_state(self.feeds.is_read)
        if self.state.order != "files":
            self.sidebar.set_order(self.feeds.arranged_now(self.corpus), grouped=self.state.order == "sources")
        if self.corpus.articles:
            remembered = self.state.article if self.corpus.find(self.state.article or "") else None
            self.open_article(remembered or self.corpus.articles[0].id)

    async def start_background_work(self) -> None:
        """After the first paint: the key hints, the filter box, and the slow work."""
        from reader.ui.widgets.key_hints import KeyHints

        self.painted = True
        await self.mount(KeyHints())
        self.sidebar.put_in_filter()
        self.in_background(self._warm_up, "warm-up", lambda _: self._show_script())
        self.in_background(self.annotations.prepare, "annotations")
        if self.corpus.trusted and self.corpus_source is not None:
            self.check_corpus()
        if self.corpus_source is not None:
            self.feeds.watch([*self.corpus_source[0](), *([self.library] if self.library is not None else [])])
        self.search_part.build_index()
        self.entity_part.find()

    def _warm_up(self) -> None:
        """Conversion tables and the current article's script, off the way to the first paint."""
        warm_up()
        if self.current is not None:
            article_script(self.current)

    # -- the context of the parts (parts/context.py) --------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Messages quote file paths, errors and the reader's text: shown as they are, not as markup."""
        self.app.notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def in_background(self, task: Callable[[], Result], group: str, done: Callable[[Result], object] | None = None,
                      *, exclusive: bool = False) -> None:
        self.background.run(task, group, done, exclusive=exclusive)

    def open_dialog(self, dialog: Screen[Result], done: Callable[[Result | None], None] | None = None) -> None:
        self.app.push_screen(dialog, done)

    def working(self, group: str) -> bool:
        return self.background.running(group)

    @property
    def listed(self) -> Sequence[Article]:
        return self.sidebar.shown

    def suspend(self) -> AbstractContextManager[None]:
        return self.app.suspend()

    def offers(self, action_id: str) -> bool:
        """The key hints offer the feed reader's keys where there is a library to follow feeds in."""
        return action_id not in ("app.update_feeds", "app.next_unread") or self.feeds.read_state is not None

    def read_corpus(self, progress: Progress | None = None, *, trust: bool = False) -> Corpus:
        """The corpus as the files hold it now (the index brought up to date, `progress` told how
        far), or with `trust`, as the index holds it now."""
        assert self.corpus_source is not None, "only a corpus that came from files is read again"
        corpus_paths, cache = self.corpus_source
        return load_corpus(corpus_paths(), cache, trust_cache=trust, progress=progress)

    @property
    def corpus_index(self) -> CorpusCache | None:
        return self.corpus_source[1] if self.corpus_source is not None else None

    def search_index(self) -> Searchable:
        return self.search.index()

    def check_corpus(self) -> None:
        """Bring the index up to date with the files behind a corpus listed from it, in the
        background (a stat of each; on a first start, indexing them all: the status line says how
        far it is and the list grows every few seconds); a corpus that changed comes back in a
        `CorpusChanged`. Not twice at once."""
        if self.corpus_source is not None and not self.background.running("corpus"):
            self.in_background(self._checked_corpus, "corpus",
                               lambda corpus: self.post_message(CorpusChanged(corpus)), exclusive=True)

    #: Seconds between showing what a first build has indexed so far.
    GROWING_EVERY = 3.0

    def _checked_corpus(self) -> Corpus:
        shown = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal shown
            said = indexing_progress(done, total)
            self.post_message(Busy("corpus", said[0].upper() + said[1:]))
            if time.monotonic() - shown > self.GROWING_EVERY:
                shown = time.monotonic()
                self.post_message(CorpusChanged(self.read_corpus(trust=True), growing=True))

        return self.read_corpus(progress)

    def action_part(self, name: str, method: str, *arguments: object) -> None:
        """A key a part answers (the keymap names the part and its method)."""
        getattr(self.parts[name], method)(*arguments)

    # -- articles -------------------------------------------------------------------------------

    def open_article(self, article_id: str, *, focus_view: bool = False) -> None:
        article = self.corpus.find(article_id)
        if article is not None:
            self.current = article
            self.feeds.opened(article.id, at_once=focus_view)
            if focus_view:
                focus_now(self.view)

    def watch_current(self, article: Article | None) -> None:
        """Everything shows the article now read; its script is named after the first paint (that
        costs a few ms) and its entities are found first."""
        if article is None:
            return
        self.view.show(article, self.state.positions.get(article.id, 0))
        if article.problem:
            self.notify(article.problem, title="Cannot read this article", severity="error", timeout=15)
        self.sidebar.select(article.id)
        self.state.change(article=article.id)
        self.entity_part.show()
        self.search_part.show_hits()
        self.notes.show()
        self.lookup.show_word(None)  # The cursor does not follow into another article.
        if self.painted:
            article_script(article)
            if article.id not in self.entities.complete:
                self.entity_part.find()
        status = self.query_one(StatusBar)
        status.place = f"{(self.corpus.index_of(article.id) or 0) + 1}/{len(self.corpus.articles)}"
        self._show_script()

    @on(OpenArticle)
    def _open(self, event: OpenArticle) -> None:
        self.open_article(event.article_id, focus_view=event.focus_view)
        if event.mark is not None:
            self.view.mark(*event.mark)
        if event.entity is not None:
            self.view.choose_entity(event.entity)
        if event.at_top:
            self.view.scroll_to(y=0, animate=False, immediate=True)

    @on(Sidebar.ArticleChosen)
    def _article_chosen(self, event: Sidebar.ArticleChosen) -> None:
        self.open_article(event.article_id, focus_view=event.focus_view)

    def action_step_article(self, step: int) -> None:
        """The next or previous article of those the sidebar shows, saying when it wrapped around."""
        target, said = self.sidebar.step_from(self.current.id if self.current else None, step)
        if said:
            self.notify(said, title="Articles")
        if target is not None:
            self.open_article(target)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The screen's keys act as they arrive (priority bindings, so a burst keeps its order),
        but not on a key the focused field takes as typing (`t` in the filter box is a t)."""
        key, focused = getattr(self.app, "key_arriving", None), self.focused
        return not (key is not None and focused is not None and focused.check_consume_key(key.key, key.character))

    @on(CorpusChanged)
    def _corpus_changed(self, event: CorpusChanged) -> None:
        """Show the corpus as the files hold it now, if it changed: the same article stays open if it
        still exists (the message goes on to the app, which reports files it skipped)."""
        corpus = event.corpus
        if corpus.signature == self.corpus.signature:
            return
        reading = still_there(self.corpus.articles, corpus, self.current.id) if self.current else None
        self.corpus = corpus
        self.search.replace_corpus(corpus)
        if not event.growing:  # Articles listed before keep their texts while a first build goes on.
            self.results = None
        self.entities.clear()
        self.placed.forget()
        self.sidebar.set_articles(corpus.articles, self.feeds.arranged_now(corpus),
                                  grouped=self.state.order == "sources")
        self.current = None
        if corpus.articles:
            self.open_article(reading or corpus.articles[0].id)
        self.search_part.build_index()
        self.entity_part.find()
        self.search_part.search_again()

    @on(ReadStateChanged)
    def _read_state_changed(self) -> None:
        self.sidebar.marks_changed()

    @on(Arranged)
    def _arranged(self, event: Arranged) -> None:
        self.sidebar.set_order(event.groups, grouped=event.grouped)

    # -- the status lines and background work ---------------------------------------------------

    @on(Busy)
    def _busy(self, event: Busy) -> None:
        """Work started or ended (the message goes on to the app, which tidies up after it)."""
        self.busy = self.background.said(event)

    @on(ArticleView.TextShown)
    def _text_shown(self) -> None:
        """The word at the cursor and the panel's names, as the text shows them now."""
        self.lookup.show_word(self.view.cursor)
        self.entity_part.list()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.background.ended(event)

    @on(ArticleView.WordsNeeded)
    def _start_word_splitter(self) -> None:
        """Words come from jieba, started here by the first word key (it costs a second and ~150 MB,
        so not before it is wanted), saying so while it loads."""
        if not self.background.running("words"):
            from reader.search.index import jieba_splitter  # Starts jieba, taught the gazetteer's names.

            self.post_message(Busy("words", "Loading word boundaries"))
            self.in_background(jieba_splitter, "words", lambda _: self.notify(
                "Word keys (w W) now move by words.", title="Words", timeout=3))

    @on(ArticleView.Moved)
    def _view_moved(self, event: ArticleView.Moved) -> None:
        if self.current is None or not self.query(ArticleView):
            return  # Nothing open, or shutting down.
        self.state.set_position(self.current.id, event.position)
        status, texts = self.query_one(StatusBar), self.view.texts
        status.percent, status.article_title = self.view.percent_read, texts.title if texts else self.current.title

    def _show_script(self) -> None:
        """The script on the status line, and the search's query in it."""
        if self.current is not None:
            status = self.query_one(StatusBar)
            status.script = mode_label(self.script, known_script(self.current))
            status.search = self.search_part.status()

    def watch_results(self) -> None:
        self.search_part.show_hits()
        self.query_one(StatusBar).search = self.search_part.status()

    # -- entities (the panel's messages come here on their way up; it is imported when first shown) --

    async def action_entity_panel(self) -> None:
        await self.entity_part.toggle_panel(self.query_one("#main").mount)
        self._show_side(PANEL, bool(self.entity_part.panel and self.entity_part.panel.display))

    @on(EntitiesFound)
    def _entities_found(self, event: EntitiesFound) -> None:
        self.entity_part.found(event)

    def on_entity_panel_type_toggled(self, event: EntityPanel.TypeToggled) -> None:
        self.entity_part.toggle_type(event.kind)

    def on_entity_panel_entity_chosen(self, event: EntityPanel.EntityChosen) -> None:
        self.entity_part.choose(event.key)

    def on_entity_panel_show_articles(self, event: EntityPanel.ShowArticles) -> None:
        self.entity_part.show_articles(event.key)

    @on(AnnotationsChanged)
    def _annotations_changed(self, event: AnnotationsChanged) -> None:
        self.notes.changed(event)

    @on(ArticleView.CursorMoved)
    def _cursor_moved(self, event: ArticleView.CursorMoved) -> None:
        self.notes.show_note(event.caret.cursor)
        self.lookup.show_word(event.caret.cursor)
        self.query_one(StatusBar).search = self.search_part.status()  # The hit marked may have changed.

    # -- script and sidebar ---------------------------------------------------------------------

    def action_toggle_script(self) -> None:
        """The article's other script, then its original (see `next_mode`); every offset stays
        valid, so nothing else moves."""
        if self.current is not None:
            self.script = next_mode(self.script, article_script(self.current))

    def watch_script(self, mode: str) -> None:
        self.state.change(script=mode)
        self.sidebar.set_display(self.shown.text)
        self._show_script()

    def action_toggle_sidebar(self) -> None:
        self._show_side(SIDEBAR, not self.sidebar.display)

    def action_filter(self) -> None:
        self._show_side(SIDEBAR, True)
        self.sidebar.focus_filter()

    def _show_side(self, name: str, shown: bool) -> None:
        """The reader shows or hides a side panel; the text keeps its room (`room.py`)."""
        self.side.want(name, shown, self.size.width)

    def on_resize(self) -> None:
        if self.query(Sidebar):  # Not in an app that closed before the screen was shown.
            self.side.share(self.size.width)
