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
        self._width = 0
        """Cells the rows were cut to."""

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
        notes = self.query_one(OptionList)
        self._width = notes.scrollable_content_region.width or self._estimated_width()
        notes.set_options([self._option(a, self._width) for a in shown[:SHOWN]])

    def _estimated_width(self) -> int:
        """The list's width before it is laid out: the box (see the CSS) less its border and scrollbar."""
        return min(100, self.app.size.width * 96 // 100) - 4

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Cut the rows again when the list turns out (or becomes) wider or narrower than they are."""
        if self.query_one(OptionList).scrollable_content_region.width != self._width:
            self._refill(self.query_one(Input).value)

    def _option(self, annotation: Annotation, width: int) -> Option:
        """Two lines at most, each cut to `width` cells: the bullet and the quote, then the note,
        tags and (listing all articles) the title. Wrapped, a long quote left its bullet alone on
        a line (it has no space to break at) and pushed the rest to a third and fourth."""
        quote = self.shown.text(annotation.quote.replace("\n", " "))
        first = Content.assemble((" ● ", COLOR_VALUES[annotation.color]), (quote, "bold"))
        details: list = []
        if annotation.id in self.orphans:
            details.append(("orphaned", "$text-error"))
        if annotation.note:
            details.append(annotation.note.splitlines()[0])
        if annotation.tags:
            details.append((" ".join(f"#{t}" for t in annotation.tags), "$text-accent"))
        if self.everything:
            title = self.titles.get(annotation.article)
            details.append((f"· {self.shown.text(title) if title else annotation.article}", "$text-muted"))
        lines = [first.truncate(width, ellipsis=True)]
        if details:
            second = Content.assemble("   ", *[piece for detail in details for piece in ("  ", detail)][1:])
            lines.append(second.truncate(width, ellipsis=True))
        return Option(Content("\n").join(lines), id=annotation.id)

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

