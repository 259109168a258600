"""The library on the reading screen: `+` adds pages, feeds, books or files in a worker and opens
the first added; `-` removes the article being read, after asking."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.articles.corpus import Article, Corpus
    from reader.articles.library import AddReport
    from reader.ui.screens.reading import ReadingScreen


class LibraryPart:
    def __init__(self, reading: ReadingScreen) -> None:
        self.reading = reading

    def add(self) -> None:
        reading = self.reading
        library = reading.reader.library
        if library is None or reading.reader.corpus_source is None:
            reading.notify("This reader has no library to add to.", title="Add", severity="warning")
            return
        from reader.ui.screens.add import AddRequest, AddScreen

        def chosen(request: AddRequest | None) -> None:
            if request is not None:
                reading.run_worker(partial(self._add, library, request.sources, request.tags),
                                   thread=True, group="add", exit_on_error=False)

        reading.app.push_screen(AddScreen(str(library)), chosen)

    def _add(self, library: Path, sources: list[str], tags: tuple[str, ...]) -> None:
        """In a worker: add, then read the corpus again with what was added."""
        from reader.articles.library import add_sources

        call = self.reading.app.call_from_thread

        def progress(done: int, total: int, what: str) -> None:
            call(self.reading.set_busy, "add", f"Adding {min(done + 1, total)}/{total}: {what}")

        report = add_sources(sources, library, tags, progress=progress)
        call(self._added, report, self.reading.load_corpus_again())

    def _added(self, report: AddReport, corpus: Corpus) -> None:
        reading = self.reading
        reading.set_busy("add", None)
        reading.replace_corpus(corpus)
        for failed in report.failed:
            reading.notify(f"{failed.what}\n{failed.reason}", title="Not added", severity="error", timeout=15)
        for skipped in report.skipped:
            reading.notify(f"{skipped.what}\n{skipped.reason}", title="Skipped", severity="warning", timeout=8)
        for extra in sorted(report.missing_extras):
            reading.notify(f"pip install 'reader[{extra}]' to add these.", title="Needs an extra", severity="warning")
        shown = [added for added in report.added if corpus.find(added.article_id)]
        if shown:
            reading.open_article(shown[0].article_id, focus_view=True)
        if report.added:
            note = "" if len(shown) == len(report.added) else "\nNot shown here: reader was started with --corpus."
            reading.notify(report.summary() + note, title="Library", timeout=8)

    def remove(self) -> None:
        """Remove the article being read from the library, after asking; its annotations stay."""
        reading = self.reading
        library, article = reading.reader.library, reading.current
        if article is None:
            return
        if library is None or not Path(article.path).resolve().is_relative_to(library.resolve()):
            reading.notify("Only articles added to the library can be removed; this one is in\n"
                           f"{article.path}", title="Remove")
            return
        from reader.ui.screens.add import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                reading.run_worker(partial(self._remove, library, article), thread=True, group="remove",
                                   exit_on_error=False)

        title = reading.script_display()(article.title)
        question = f"Remove “{title}” from the library? Its annotations are kept."
        reading.app.push_screen(ConfirmScreen("Remove article", question, "Remove"), answered)

    def _remove(self, library: Path, article: Article) -> None:
        """In a worker (finding the file asks the index): remove, then read the corpus again."""
        from reader.articles.library import LibraryError, remove_article

        call = self.reading.app.call_from_thread
        source = self.reading.reader.corpus_source
        try:
            removed = remove_article(library, article.id, source[1] if source else None)
        except LibraryError as error:
            call(self.reading.notify, str(error), title="Not removed", severity="error", timeout=15)
            return
        call(self._removed, removed.title, self.reading.load_corpus_again())

    def _removed(self, title: str, corpus: Corpus) -> None:
        self.reading.replace_corpus(corpus)
        self.reading.notify(f"Removed “{title}”; its annotations are kept (m lists them).", title="Library")
