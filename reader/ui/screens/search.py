"""The search screen: type a query, see every hit in every article as you type, pick one.

The search runs in a worker thread; each key press cancels the search before it, so typing never
waits. Up and down in the query recall earlier queries (kept across restarts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from reader.reading.shown import ShownText
from reader.search.index import Results, Searchable
from reader.ui.screens.dialog import Dialog
from reader.ui.widgets.bindings import bindings_for
from reader.ui.widgets.fields import Field
from reader.ui.widgets.result_list import ResultList


@dataclass(frozen=True)
class Choice:
    """What the reader picked: the results, and which hit of which article."""

    results: Results
    position: int
    hit: int


class SearchScreen(Dialog[Choice | None]):
    BINDINGS = bindings_for("search")

    DEFAULT_CSS = """
    SearchScreen {
        align: center top;
        & > .dialog-box { width: 100; max-width: 96%; height: 90%; margin-top: 1; }
        & #query { border: none; height: 1; margin: 0 0 1 0; background: $boost; }
        & #summary { height: 1; padding: 0 1; color: $text-muted; }
        & ResultList { height: 1fr; }
    }
    """

    def __init__(
        self,
        index: Callable[[], Searchable],
        history: list[str],
        shown: ShownText,
        *,
        query: str = "",
        word_mode: bool = False,
    ) -> None:
        """`index` returns the search index (it may wait for it to be built); `shown`: article text
        in the script the reader reads in."""
        super().__init__()
        self._index = index
        self.history = history
        self._shown = shown
        self._initial = query
        self.word_mode = word_mode
        self._recall = len(history)
        self._waiting: tuple[str, Callable[[Results], None]] | None = None
        """A key that came before the results of the query typed before it (enter, tab, sent at
        once with the query): that query, and what to do with its results when they come."""
        self.results: Results | None = None

    def compose(self) -> ComposeResult:
        with self.box(keys="enter: first hit · tab: the list · alt+w: whole words · esc: close"):
            yield Field(self._initial, placeholder="Search all articles (腾讯 finds 騰訊; \"a phrase\")", id="query",
                        select_on_focus=False)
            yield Static("", id="summary", markup=False)
            yield ResultList(id="results")

    def on_mount(self) -> None:
        self._update_title()
        query_input = self.query_one(Input)
        query_input.focus()
        if self._initial:  # The last query, selected: typing replaces it, → or end keeps it to edit.
            query_input.select_all()
            self._search(self._initial)

    def _update_title(self) -> None:
        self.query_one(".dialog-box", Vertical).border_title = "Search · whole words" if self.word_mode else "Search"

    # -- searching ------------------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def search_again(self) -> None:
        """The corpus changed (a file was edited): the query is answered again."""
        self._search(self.query_one(Input).value)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, query: str) -> None:
        worker = get_current_worker()
        if not query.strip():
            self.app.call_from_thread(self._show, None)
            return
        if self.word_mode:
            self.app.call_from_thread(self._summary, "Finding whole words…")
        results = self._index().search(query, word_mode=self.word_mode, cancelled=lambda: worker.is_cancelled)
        if worker.is_cancelled or results.cancelled:
            return
        self.app.call_from_thread(self._show, results)
        total = results.total()  # Every hit, for the summary: after the first screen is drawn.
        if not worker.is_cancelled:
            self.app.call_from_thread(self._summary, self._describe(results, total))

    def _describe(self, results: Results, total: int | None) -> str:
        found = results.found  # None while the articles after the first screen are being listed.
        if found is None:
            return "counting hits…"
        articles = f"{found:,} article{'s' if found != 1 else ''}"
        hits = f"{total:,} hit{'s' if total != 1 else ''}" if total is not None else "counting hits…"
        return f"{hits} in {articles}" if found else "No article holds every word."

    def _show(self, results: Results | None) -> None:
        self.results = results
        result_list = self.query_one(ResultList)
        if results is None:
            result_list.rows = []
            result_list.refresh()
            self._summary("")
            return
        result_list.show(results, self._shown)
        self._summary(self._describe(results, None))
        if self._waiting is not None and self._waiting[0] == results.query:
            _, act = self._waiting
            self._waiting = None
            act(results)

    def _summary(self, text: str) -> None:
        self.query_one("#summary", Static).update(text)

    # -- keys -----------------------------------------------------------------------------------

    def action_toggle_word_mode(self) -> None:
        self.word_mode = not self.word_mode
        self._update_title()
        self._search(self.query_one(Input).value)

    def action_history_back(self) -> None:
        self._recall_query(-1)

    def action_history_forward(self) -> None:
        self._recall_query(+1)

    def _recall_query(self, step: int) -> None:
        if not self.history:
            return
        self._recall = max(0, min(len(self.history), self._recall + step))
        query_input = self.query_one(Input)
        query_input.value = self.history[self._recall] if self._recall < len(self.history) else ""
        query_input.cursor_position = len(query_input.value)

    def action_focus_results(self) -> None:
        """Into the results; before any came for the query typed, as soon as they do."""
        self._when_found(self.query_one(Input).value, self._focus_results)

    def _focus_results(self, _: Results) -> None:
        result_list = self.query_one(ResultList)
        if result_list.rows:
            result_list.focus()

    def _when_found(self, query: str, act: Callable[[Results], None]) -> None:
        """`act` on the results of `query`: now if they are shown, else when they come."""
        if self.results is not None and self.results.query == query:
            act(self.results)
        else:
            self._waiting = (query, act)

    def action_next_field(self) -> None:
        """From the query, tab goes into the results (when there are any)."""
        if isinstance(self.focused, Input):
            self.action_focus_results()
        else:
            self.focus_next()

    def action_focus_query(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        """The first hit of the query as typed before enter, once it is found (keys sent at once
        reach here before the search does)."""
        self._when_found(event.value, self._open_first)

    def _open_first(self, results: Results) -> None:
        if results.indices:
            self.dismiss(Choice(results, results.indices[0], 0))

    @on(ResultList.Chosen)
    def _chosen(self, event: ResultList.Chosen) -> None:
        if self.results is not None:
            self.dismiss(Choice(self.results, event.position, event.hit))

    def action_close(self) -> None:
        if isinstance(self.focused, ResultList):
            self.action_focus_query()
        else:
            self.dismiss(None)
