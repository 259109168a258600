"""The reader app: composes the sidebar, the article view and the status bar over the core."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Iterable

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from reader.corpus import Article, Corpus
from reader.keymap import load_keymap, textual_keymap
from reader.layout import article_script
from reader.script import ORIGINAL, convert, mode_label, next_mode, warm_up
from reader.state import State
from reader.widgets.article_view import ArticleView
from reader.widgets.bindings import bindings_for
from reader.widgets.sidebar import Sidebar
from reader.widgets.status_bar import StatusBar

SAVE_INTERVAL = 5.0


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
    ) -> None:
        super().__init__()
        self.corpus = corpus
        self.keys = keymap if keymap is not None else load_keymap()
        self.state = state if state is not None else State.load()
        self.current: Article | None = None
        self._state_dirty = False
        self._busy: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Sidebar(self.corpus.articles, id="sidebar")
            with Vertical(id="reading"):
                yield ArticleView(id="article")
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
        if self.corpus.articles:
            remembered = self.state.article if self.corpus.find(self.state.article or "") else None
            self.open_article(remembered or self.corpus.articles[0].id)
        self.view.focus()
        self.set_interval(SAVE_INTERVAL, self._save_state_if_changed)
        self.call_after_refresh(self._mount_footer)

    async def _mount_footer(self) -> None:
        """The key hints cost more to build than the article, so they follow the first paint."""
        if self.is_running and self.screen.is_attached and not self.query(Footer):
            await self.mount(Footer())
            self.refresh_bindings()  # A footer mounted late waits for this signal to draw its keys.
            self.run_worker(warm_up, thread=True, group="warm-up", exit_on_error=False)

    def watch_theme(self, theme: str) -> None:
        self.state.theme = theme
        self._state_dirty = True

    def on_unmount(self) -> None:
        self._save_state()

    # -- articles -------------------------------------------------------------------------------

    def open_article(self, article_id: str, *, focus_view: bool = False) -> None:
        article = self.corpus.find(article_id)
        if article is None:
            return
        if self.current is None or article.id != self.current.id:
            self.current = article
            self.view.show(article, self.state.positions.get(article.id, 0))
            self.sidebar.select(article.id)
            self.state.article = article.id
            self._state_dirty = True
        if focus_view:
            self.view.focus()
        self._update_status()

    @on(Sidebar.ArticleChosen)
    def _article_chosen(self, event: Sidebar.ArticleChosen) -> None:
        self.open_article(event.article_id, focus_view=event.focus_view)

    @on(ArticleView.Busy)
    def _view_busy(self, event: ArticleView.Busy) -> None:
        self._busy = event.what
        self._update_status()

    @on(ArticleView.Moved)
    def _view_moved(self) -> None:
        if self.current is not None:
            self.state.positions[self.current.id] = self.view.position
            self._state_dirty = True
        self._update_status()

    def _update_status(self) -> None:
        if self.current is None:
            return
        number = (self.corpus.index_of(self.current.id) or 0) + 1
        self.query_one(StatusBar).show(
            number=number,
            total=len(self.corpus.articles),
            title=self.view.texts.title if self.view.texts else self.current.title,
            percent=self.view.percent_read,
            script=mode_label(self.view.script_mode, article_script(self.current)),
            busy=self._busy,
        )

    def _step_article(self, step: int) -> None:
        if self.current is None:
            return
        index = self.corpus.index_of(self.current.id) or 0
        target = (index + step) % len(self.corpus.articles)
        self.open_article(self.corpus.articles[target].id)

    # -- state ----------------------------------------------------------------------------------

    def _save_state_if_changed(self) -> None:
        if self._state_dirty:
            self._save_state()

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
        from reader.screens.help import HelpScreen

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
        self.sidebar.set_display(str if mode == ORIGINAL else partial(convert, target=mode))

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
        yield SystemCommand("Switch script", "Original, Simplified 简体, Traditional 繁體", self.action_toggle_script)
        for number, article in enumerate(self.corpus.articles, start=1):
            yield SystemCommand(
                f"Open: {article.title}",
                f"{number}. {article.source or article.path}",
                lambda article_id=article.id: self.open_article(article_id, focus_view=True),
                discover=False,
            )
