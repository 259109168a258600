"""The reading screen: the article list, the article and the status lines, and what ties them.

Its state is reactive: the article read (`current`), the script it is shown in (`script`), the
search the hit keys walk (`results`) and the background work under way (`busy`); watchers and data
bindings bring the widgets along, so changing one is one assignment. Features with keys of their own
are parts (`reader/ui/parts/`: annotations, the dictionary, entities, feeds, the library, search,
the files behind the corpus); they see the screen through a narrow context (`parts/context.py`) and
tell it things in messages (`reader/ui/messages.py`), as background work does. The keymap reaches
a part's key through `part(name, method)`. Dialogs are imported when first opened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive

from reader.annotations.store import AnnotationStore, PlacedAnnotations
from reader.articles.corpus import Article, Corpus
from reader.articles.indexed import position_in
from reader.entities.session import EntitySession
from reader.reading.layout import article_script, known_script
from reader.reading.shown import ShownText
from reader.search.session import SearchSession
from reader.settings.state import State
from reader.text.conversion import ORIGINAL, mode_label, next_mode, warm_up
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
from reader.ui.parts.corpus import CorpusFiles
from reader.ui.parts.dictionary import DictionaryPart
from reader.ui.parts.entities import EntitiesPart
from reader.ui.parts.feeds import FeedsPart
from reader.ui.parts.host import PartsHost
from reader.ui.parts.library import LibraryPart
from reader.ui.parts.search import SearchPart
from reader.ui.room import PANEL, SIDEBAR, SidePanels
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.bindings import bindings_for, focus_now
from reader.ui.widgets.sidebar import Sidebar
from reader.ui.widgets.status_bar import NoteBar, StatusBar, WordBar

if TYPE_CHECKING:
    from reader.articles.indexed import CorpusCache
    from reader.entities.detect import EntityCache
    from reader.search.index import Results, Searchable
    from reader.ui.widgets.entity_panel import EntityPanel

def still_there(listed: Sequence[Article], before: Sequence[Article], corpus: Corpus, article_id: str) -> str | None:
    """The article to read in `corpus` now that it replaced `before`: the same one, else (it was
    removed) the nearest after it that is left in the list as it was shown (`listed`, its order and
    filter; `before`'s order if it was not shown), else the nearest before it. Looked up one at a
    time: a list from the index is not gone through."""
    if corpus.index_of(article_id) is not None:
        return article_id
    at = position_in(listed, article_id)
    if at is None:
        listed, at = before, position_in(before, article_id)
    at = -1 if at is None else at
    nearest = chain(range(at + 1, len(listed)), range(at - 1, -1, -1))
    return next((listed[i].id for i in nearest if corpus.index_of(listed[i].id) is not None), None)


def place_of(article_id: str, listed: Sequence[Article], corpus: Corpus) -> str:
    """"3/12": where the list shows the article (its order, its filter), else where the corpus has it."""
    at = position_in(listed, article_id)
    if at is not None:
        return f"{at + 1}/{len(listed)}"
    return f"{(corpus.index_of(article_id) or 0) + 1}/{len(corpus.articles)}"


class ReadingScreen(PartsHost):
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
        self.files = CorpusFiles(self, corpus_source)
        self.library = library if corpus_source is not None else None
        """Where `+` adds (None: this reader has no library, or was started on other files)."""
        self.entities = EntitySession()
        self.search = SearchSession(corpus)
        self.placed = PlacedAnnotations(annotations)
        self.painted = False
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
        self.in_background(self._warm_up, "warm-up", lambda _: self._show_status())
        self.in_background(self.annotations.prepare, "annotations")
        if self.corpus.trusted:
            self.files.check()
        if self.files.source is not None:
            self.feeds.watch([*self.files.roots(), *([self.library] if self.library is not None else [])])
        self.search_part.build_index()
        self.entity_part.find()

    def on_unmount(self) -> None:
        self.feeds.close()

    def _warm_up(self) -> None:
        """Conversion tables and the current article's script, off the way to the first paint."""
        warm_up()
        if self.current is not None:
            article_script(self.current)

    # -- the context of the parts (parts/context.py; the rest from PartsHost) -------------------

    @property
    def listed(self) -> Sequence[Article]:
        return self.sidebar.shown

    def offers(self, action_id: str) -> bool:
        """The key hints offer the feed reader's keys where there is a library to follow feeds in."""
        return action_id not in ("app.update_feeds", "app.next_unread") or self.feeds.read_state is not None

    def search_index(self) -> Searchable:
        return self.search.index()

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
        self._show_status()

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
        reading = still_there(self.listed, self.corpus.articles, corpus, self.current.id) if self.current else None
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

    @on(ArticleView.WordsNeeded)
    def _words_needed(self) -> None:
        self.lookup.load_words()

    @on(ArticleView.Moved)
    def _view_moved(self, event: ArticleView.Moved) -> None:
        if self.current is None or not self.query(ArticleView):
            return  # Nothing open, or shutting down.
        self.state.set_position(self.current.id, event.position)
        status, texts = self.query_one(StatusBar), self.view.texts
        status.percent, status.article_title = self.view.percent_read, texts.title if texts else self.current.title

    @on(Sidebar.Listed)
    def _show_status(self) -> None:
        """Where the article is in the list (its order, its filter), its script, the search's query."""
        if self.current is not None:
            status = self.query_one(StatusBar)
            status.place = place_of(self.current.id, self.listed, self.corpus)
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
        self._show_status()

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
