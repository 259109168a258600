"""The annotations list: this article's annotations or all of them, filtered by tag and text."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.annotations.store import COLOR_VALUES, Annotation
from reader.reading.shown import ShownText
from reader.text.conversion import fold
from reader.ui.screens.dialog import Dialog
from reader.ui.widgets.bindings import bindings_for
from reader.ui.widgets.fields import Field

#: Rows the list shows at most; a filter narrows the rest.
SHOWN = 500


class AnnotationListScreen(Dialog[str | None]):
    """Dismissed with the chosen annotation's id, or None."""

    BINDINGS = bindings_for("notes")

    DEFAULT_CSS = """
    AnnotationListScreen {
        align: center middle;
        & > .dialog-box { width: 100; max-width: 96%; height: 85%; }
        & #filter { border: none; height: 1; background: $boost; }
        & #counts { height: 1; padding: 0 1; color: $text-muted; }
        & OptionList { height: 1fr; border: none; }
    }
    """

    def __init__(self, annotations: list[Annotation], orphans: set[str], titles: dict[str, str],
                 shown: ShownText, current_article: str | None) -> None:
        """`shown`: article text (quotes, titles) in the script the reader reads in."""
        super().__init__()
        self.shown = shown
        self.annotations = annotations
        self.orphans = orphans
        self.titles = titles
        self.current_article = current_article
        self.everything = current_article is None

    def compose(self) -> ComposeResult:
        with self.box(keys="type to filter (#tag or text) · f2: this article / all · enter: go · esc: close"):
            yield Field(placeholder="Filter: #tag words…", id="filter", select_on_focus=False)
            yield Static("", id="counts")
            yield OptionList(id="notes")

    def on_mount(self) -> None:
        self._refill("")
        self.query_one(Input).focus()

    def _matches(self, annotation: Annotation, words: list[str]) -> bool:
        text = fold(" ".join([annotation.quote, annotation.note, *(f"#{t}" for t in annotation.tags)]))
        return all(word in text for word in words)

    def _refill(self, query: str) -> None:
        words = fold(query).split()
        here = self.current_article
        scope = self.annotations if self.everything else [a for a in self.annotations if a.article == here]
        shown = [a for a in scope if self._matches(a, words)]
        box = self.query_one(".dialog-box", Vertical)
        box.border_title = "Annotations: all articles" if self.everything else "Annotations: this article"
        orphaned = sum(1 for a in shown if a.id in self.orphans)
        counts = f"{len(shown)} of {len(scope)}" + (f" · {orphaned} orphaned (their text is gone)" if orphaned else "")
        if len(shown) > SHOWN:
            counts += f" · showing the first {SHOWN}"
        self.query_one("#counts", Static).update(counts)
        self.query_one(OptionList).set_options([self._option(a) for a in shown[:SHOWN]])

    def _option(self, annotation: Annotation) -> Option:
        quote = self.shown.text(annotation.quote.replace("\n", " "))
        quote = quote if len(quote) <= 40 else quote[:40] + "…"
        parts: list = [(" ● ", COLOR_VALUES[annotation.color]), (quote, "bold")]
        if annotation.id in self.orphans:
            parts.append(("  orphaned", "$text-error"))
        if annotation.note:
            parts.append("  " + annotation.note.splitlines()[0][:60])
        if annotation.tags:
            parts.append(("  " + " ".join(f"#{t}" for t in annotation.tags), "$text-accent"))
        if self.everything:
            title = self.titles.get(annotation.article)
            parts.append((f"  · {self.shown.text(title)[:30] if title else annotation.article}", "$text-muted"))
        return Option(Content.assemble(*parts), id=annotation.id)

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._refill(event.value)

    @on(Input.Submitted, "#filter")
    def _to_list(self) -> None:
        notes = self.query_one(OptionList)
        if notes.option_count:
            notes.focus()
            notes.highlighted = 0

    def action_toggle_scope(self) -> None:
        self.everything = not self.everything
        self._refill(self.query_one(Input).value)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

