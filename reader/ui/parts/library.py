"""The library on the reading screen: `+` adds pages, feeds, books or files in a worker and opens
the first added; `-` removes the article being read, after asking."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reader.ui.messages import Busy, CorpusChanged, OpenArticle
from reader.ui.parts.context import Reading

if TYPE_CHECKING:
    from reader.articles.corpus import Article, Corpus
    from reader.articles.library import AddReport, Removed


class LibraryPart:
    def __init__(self, reading: Reading) -> None:
        self.reading = reading

    def add(self) -> None:
        reading, library = self.reading, self.reading.library
        if library is None:
            reading.notify("This reader has no library to add to.", title="Add", severity="warning")
            return
        from reader.ui.screens.add import AddRequest, AddScreen

        def chosen(request: AddRequest | None) -> None:
            if request is not None:
                reading.in_background(lambda: self._add(library, request.sources, request.tags), "add", self._added)

        reading.open_dialog(AddScreen(str(library)), chosen)

    def _add(self, library: Path, sources: list[str], tags: tuple[str, ...]) -> tuple[AddReport, Corpus]:
        """In a worker: add, then read the corpus again with what was added."""
        from reader.articles.library import add_sources

        def progress(done: int, total: int, what: str) -> None:
            self.reading.post_message(Busy("add", f"Adding {min(done + 1, total)}/{total}: {what}"))

        report = add_sources(sources, library, tags, progress=progress)
        return report, self.reading.files.read()

    def _added(self, result: tuple[AddReport, Corpus]) -> None:
        """Open the first article added, and say what happened in one toast (not one per item)."""
        from reader.articles.library import summaries_note
        from reader.ui.summary import summary

        reading, (report, corpus) = self.reading, result
        reading.post_message(CorpusChanged(corpus))
        shown = [added for added in report.added if corpus.find(added.article_id)]
        if shown:
            reading.post_message(OpenArticle(shown[0].article_id, focus_view=True))
        problems = [*report.failed, *report.skipped]
        lines = [f"{len(report.added)} added" if report.added else "Nothing added", summary(problems)]
        if report.error:
            lines.append(f"Stopped: {report.error}")
        lines += [f"pip install 'reader[{extra}]' to add these." for extra in sorted(report.missing_extras)]
        lines.append(summaries_note(report.summaries))
        if len(shown) < len(report.added):
            lines.append("Not shown here: reader was started with --corpus.")
        failed = report.failed or report.error or report.missing_extras
        reading.notify("\n".join(line for line in lines if line), title="Library",
                       severity="error" if failed else "information" if report.added else "warning",
                       timeout=15 if failed else 8)

    def remove(self) -> None:
        """Remove the article being read from the library, after asking; its annotations stay."""
        reading, library, article = self.reading, self.reading.library, self.reading.current
        if article is None:
            return
        if library is None or not Path(article.path).resolve().is_relative_to(library.resolve()):
            reading.notify("Only articles added to the library can be removed; this one is in\n"
                           f"{article.path}", title="Remove")
            return
        from reader.ui.screens.add import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                reading.in_background(lambda: self._remove(library, article), "remove", self._removed)

        question = f"Remove “{reading.shown.title(article)}” from the library? Its annotations are kept."
        reading.open_dialog(ConfirmScreen("Remove article", question, "Remove"), answered)

    def _remove(self, library: Path, article: Article) -> tuple[Removed, Corpus] | None:
        """In a worker (finding the file asks the index): remove, then read the corpus again."""
        from reader.articles.library import LibraryError, remove_article

        try:
            removed = remove_article(library, article.id, self.reading.files.index)
        except LibraryError as error:
            self.reading.notify(str(error), title="Not removed", severity="error", timeout=15)
            return None
        return removed, self.reading.files.read()

    def _removed(self, result: tuple[Removed, Corpus] | None) -> None:
        if result is not None:
            removed, corpus = result
            self.reading.post_message(CorpusChanged(corpus))
            message = f"Removed “{removed.title}”; its annotations are kept (m lists them)."
            self.reading.notify(f"{message}\n{removed.problem}" if removed.problem else message, title="Library",
                                severity="warning" if removed.problem else "information")
