"""Search on the reading screen: the index made after the first paint (nothing to make for a
corpus listed from the on-disk index), the search dialog (`/`), the hits of the article read
highlighted, `n` and `N` through them into the next or previous article, `esc` to clear them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.reading.layers import Span
from reader.search.session import search_status, step_hit
from reader.ui.messages import OpenArticle
from reader.ui.parts.context import Reading

if TYPE_CHECKING:
    from reader.ui.screens.search import SearchScreen


class SearchPart:
    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.dialog: SearchScreen | None = None
        """The search dialog while it is open."""

    def build_index(self) -> None:
        """Make the search index in the background, so a search never waits for it."""
        self.reading.in_background(lambda: self.reading.search_index().warm_up(), "index")

    def search(self) -> None:
        from reader.ui.screens.search import Choice, SearchScreen

        reading, last = self.reading, self.reading.results

        def chosen(choice: Choice | None) -> None:
            self.dialog = None
            if choice is None:
                return
            reading.state.remember_query(choice.results.query)
            reading.results = choice.results
            hits = choice.results.hits(choice.position)
            hit = hits[min(choice.hit, len(hits) - 1)] if hits else None  # None: found in the title only.
            # The article of the results it came from: the corpus may have changed since.
            article_id = choice.results.index.articles[choice.position].id
            reading.post_message(OpenArticle(article_id, focus_view=True, mark=(hit.start, hit.end) if hit else None,
                                             at_top=hit is None))

        reading.files.check()  # A file may have changed since the last look: caught up while the reader types.
        history = list(reading.state.search_history)
        self.dialog = SearchScreen(reading.search_index, history, reading.shown, query=last.query if last else "",
                                   word_mode=last.word_mode if last else False)
        reading.open_dialog(self.dialog, chosen)

    def search_again(self) -> None:
        """The corpus changed: the query in the open dialog is answered again (it was answered
        from the corpus before)."""
        if self.dialog is not None and self.dialog.is_attached:
            self.dialog.search_again()

    def show_hits(self) -> None:
        """Highlight the hits of the article read."""
        article, results = self.reading.current, self.reading.results
        hits = results.hits_for(article.id) if results and article else []
        self.reading.view.set_layer("hits", [Span(h.start, h.end, "article-view--hit") for h in hits])

    def status(self) -> str | None:
        """The status line's account of the search (None: no search)."""
        article, results = self.reading.current, self.reading.results
        if results is None or article is None:
            return None
        return search_status(results, article.id, self.reading.view.current_mark, self.reading.shown.text)

    def step(self, forward: bool) -> None:
        reading, results, article = self.reading, self.reading.results, self.reading.current
        if results is None or article is None or not results.indices:
            reading.notify("No search hits to step through: / searches every article.", title="Search")
            return
        offset = reading.view.walked_from(forward)
        # Positions in the index the results came from (a first build adds to the corpus meanwhile).
        step = step_hit(results, results.index.index_of(article.id), offset, forward=forward)
        if step is None:
            reading.notify(f"“{results.query}” is only in titles: there is no hit in the text to go to.",
                           title="Search")
            return
        if step.wrapped:
            reading.notify(f"Wrapped around to the {'first' if forward else 'last'} hit of “{results.query}”.",
                           title="Search")
        hit, target = results.hits(step.position)[step.hit], results.index.articles[step.position].id
        if target == article.id:
            reading.view.mark(hit.start, hit.end)  # At once: the next n in a burst of keys goes on from it.
        else:
            reading.post_message(OpenArticle(target, mark=(hit.start, hit.end)))

    def clear(self) -> None:
        """Clear the hits, the mark and the entity chosen (esc)."""
        view = self.reading.view
        view.move_cursor(view.cursor, extend=False)
        self.reading.results = None
        view.set_layer("current", [])
        view.chosen_entity = None
