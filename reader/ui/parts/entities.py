"""Entities on the reading screen: found in the background (the article read first), highlighted
by type, listed in the panel (`e`, mounted when first asked for), switched off (`E`, or a type in the
panel), and looked for in other articles (`a` in the panel)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.entities.mentions import TYPES, group
from reader.ui.messages import Busy, EntitiesFound, OpenArticle
from reader.ui.parts.context import Reading
from reader.ui.widgets.bindings import focus_now

if TYPE_CHECKING:
    from reader.entities.detect import EntityCache
    from reader.ui.widgets.entity_panel import EntityPanel

#: From this many articles on, entities are found in the articles opened only (see `_find`).
LARGE_CORPUS = 1000


class EntitiesPart:
    def __init__(self, reading: Reading, entities_file: Path | None, cache: EntityCache | None) -> None:
        self.reading = reading
        self.entities_file = entities_file
        self.cache = cache
        """Results on disk (the default folder's, made when first needed, if not given)."""
        self.panel: EntityPanel | None = None
        """Mounted the first time it is asked for."""

    def find(self) -> None:
        """Detect entities in every article not done yet, the one being read first."""
        from reader.entities.detect import EntityCache

        self.cache = self.cache or EntityCache()
        self.reading.in_background(self._find, "entities", exclusive=True)

    def _find(self) -> None:
        """In a worker: from the disk cache where it can, reported article by article. In a large
        corpus (or one still being indexed), only in the articles opened: reading every text would
        keep a core busy for minutes after each start."""
        from textual.worker import get_current_worker

        from reader.entities.detect import Gazetteer, GazetteerError
        from reader.entities.progressive import detect_articles

        reading, worker, cache = self.reading, get_current_worker(), self.cache
        assert cache is not None, "made before the worker starts"
        try:
            gazetteer = Gazetteer.load(self.entities_file)
        except GazetteerError as error:
            reading.notify(str(error), title="Entities", severity="error")
            return
        session, current, articles = reading.entities, reading.current, reading.corpus.articles
        first = current if current is not None and current.id not in session.complete else None
        others = [] if not reading.corpus.complete or len(articles) >= LARGE_CORPUS else [
            a for a in articles if a.id not in session.found and a is not first]
        reading.post_message(Busy("entities", "Finding entities"))
        for found in detect_articles(first, others, gazetteer, cache):
            if worker.is_cancelled:
                return
            if found.done % 50 == 1:
                reading.post_message(Busy("entities", f"Finding entities {found.done:,}/{len(others):,}"))
            reading.post_message(EntitiesFound(found.article_id, found.entities, found.complete))

    def found(self, event: EntitiesFound) -> None:
        self.reading.entities.record(event.article_id, event.entities, event.complete)
        if self.reading.current is not None and event.article_id == self.reading.current.id:
            self.show()

    def show(self) -> None:
        """Give the view and the panel the current article's entities."""
        reading, article = self.reading, self.reading.current
        if article is None:
            return
        state = reading.state
        shown = frozenset(t for t in TYPES if t not in state.hidden_types) if state.highlight else frozenset()
        reading.view.set_entities(reading.entities.of(article.id), shown)
        self.list()

    def list(self) -> None:
        """The panel's list of the current article's entities, named as the text shows them now."""
        article, panel = self.reading.current, self.panel
        if panel is None or article is None:
            return
        entities = self.reading.entities.of(article.id)
        hidden = set(self.reading.state.hidden_types) if self.reading.state.highlight else set(TYPES)
        panel.show(group(entities), self.names(), hidden, article.id in self.reading.entities.complete)

    def names(self) -> dict[str, str]:
        """Each entity of the current article by its first mention, as the text shows it now."""
        view, article = self.reading.view, self.reading.current
        body = view.texts.body if view.texts else article.body if article else ""
        names: dict[str, str] = {}
        for entity in self.reading.entities.of(article.id) if article else []:
            names.setdefault(entity.key, body[entity.start : entity.end])
        return names

    async def toggle_panel(self, mount: Callable[[EntityPanel], Awaitable[object]]) -> None:
        """Show the panel (made and mounted with `mount` the first time) and go into it; from
        inside it, hide it."""
        panel = self.panel
        if panel is None:
            from reader.ui.widgets.entity_panel import EntityPanel

            panel = self.panel = EntityPanel(id="entities")
            await mount(panel)
        elif panel.display and panel.has_focus_within:
            panel.display = False
            focus_now(self.reading.view)
            return
        panel.display = True
        self.show()
        panel.focus_list()

    def toggle_highlights(self) -> None:
        self.reading.state.change(highlight=not self.reading.state.highlight)
        self.show()

    def toggle_type(self, kind: str) -> None:
        hidden = set(self.reading.state.hidden_types) ^ {kind}
        self.reading.state.change(hidden_types=[t for t in TYPES if t in hidden], highlight=True)
        self.show()

    def choose(self, key: str) -> None:
        """The text takes the keys at once: `.` and `,` walk the chosen entity's mentions."""
        self.reading.view.choose_entity(key)
        focus_now(self.reading.view)

    def show_articles(self, key: str) -> None:
        """Which articles mention the entity, named as the text shows it; one chosen opens at it."""
        from reader.ui.screens.mentions import MentionsScreen

        reading, articles = self.reading, self.reading.corpus.articles
        by_id = {article.id: article for article in articles}
        rows = [(by_id[article_id], count) for article_id, count in reading.entities.mentions_by_article(by_id, key)]
        pending = len(articles) - len(reading.entities.found)

        def opened(article_id: str | None) -> None:
            if article_id:
                reading.post_message(OpenArticle(article_id, focus_view=True, entity=key))

        reading.open_dialog(MentionsScreen(self.names().get(key, key), rows, pending, reading.shown), opened)
