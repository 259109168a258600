"""What a part of the reading screen may use of it (the screen is one): the view and the article
read in it, the text as shown, the stores, and three ways to act — messages to the screen, work in
the background, dialogs. Nothing else: a part changes what the screen shows by telling it
(`reader.ui.messages`), never by reaching into it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from textual.message import Message
    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.timer import Timer

    from reader.annotations.store import AnnotationStore, PlacedAnnotations
    from reader.articles.corpus import Article, Corpus
    from reader.entities.session import EntitySession
    from reader.reading.shown import ShownText
    from reader.search.index import Results, Searchable
    from reader.settings.state import State
    from reader.ui.parts.corpus import CorpusFiles
    from reader.ui.widgets.article_view import ArticleView

Result = TypeVar("Result")


class Reading(Protocol):
    @property
    def view(self) -> ArticleView: ...

    @property
    def current(self) -> Article | None:
        """The article being read."""

    results: Results | None
    """The search the hit keys walk (None: no search); set it to change that."""

    @property
    def shown(self) -> ShownText:
        """Article text as the reader sees it now."""

    @property
    def corpus(self) -> Corpus: ...

    @property
    def state(self) -> State:
        """What is remembered between sessions (changed by its own calls, saved by the app)."""

    @property
    def annotations(self) -> AnnotationStore: ...

    @property
    def placed(self) -> PlacedAnnotations:
        """The annotations where their quotes are now, by article."""

    @property
    def entities(self) -> EntitySession:
        """The entities found so far, by article."""

    @property
    def library(self) -> Path | None:
        """Where `+` adds articles (None: this reader has no library)."""

    @property
    def files(self) -> CorpusFiles:
        """The files behind the corpus and their index: to read them again or check them."""

    def search_index(self) -> Searchable:
        """The corpus's search index, made by the first to ask (slow then: in the background)."""

    def post_message(self, message: Message) -> bool:
        """Tell the screen (safe from a worker thread)."""

    def notify(self, message: str, *, title: str = ..., severity: SeverityLevel = ...,
               timeout: float | None = ...) -> None:
        """Say something in a toast (safe from a worker thread); shown as it is, never as markup."""

    def in_background(self, task: Callable[[], Result], group: str, done: Callable[[Result], object] | None = None,
                      *, exclusive: bool = False) -> None:
        """Run `task` in a worker thread of `group` (`exclusive`: cancelling the one running); `done`
        gets its result, back on the screen's thread. A task that fails is said in one line."""

    def open_dialog(self, dialog: Screen[Result], done: Callable[[Result | None], None] | None = None) -> None:
        """Show `dialog`; `done` gets what it is dismissed with."""

    def open_article(self, article_id: str, *, focus_view: bool = False) -> None:
        """Open an article at once (a key's doing: the next key of a burst finds it open)."""

    def working(self, group: str) -> bool:
        """Whether background work of `group` is under way."""

    @property
    def listed(self) -> Sequence[Article]:
        """The articles the list shows, in its order (its filter holds)."""

    def set_timer(self, delay: float, callback: Callable[[], object]) -> Timer:
        """Call `callback` once, `delay` seconds from now (on the screen's thread)."""

    def set_interval(self, interval: float, callback: Callable[[], object]) -> Timer:
        """Call `callback` every `interval` seconds (on the screen's thread)."""

    def suspend(self) -> AbstractContextManager[None]:
        """The terminal given to another program (a browser in the terminal) meanwhile."""
