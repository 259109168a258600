"""Annotations on the reading screen: drawn on the text, the note of the one under the cursor on
the note line; annotate the selection or what is under the cursor (`a`, `A`), delete (`x`) and
undo (`u`), list them (`m`), export them (`X`)."""

from __future__ import annotations

from collections.abc import Callable

from reader.annotations.store import Annotation, StoreError, place_all
from reader.reading.layers import Span
from reader.system import paths
from reader.text.sentences import sentence_at
from reader.ui.messages import AnnotationsChanged, OpenArticle
from reader.ui.parts.context import Reading
from reader.ui.widgets.styles import annotation_layer


def nested(annotations: list[Annotation]) -> list[tuple[Annotation, int]]:
    """Each annotation with how many others hold it whole (those of the same text: the older)."""
    by_place = sorted(annotations, key=lambda a: (a.start, -a.end))
    depths: list[tuple[Annotation, int]] = []
    holding: list[int] = []  # Ends of the annotations begun and not yet over, outermost first.
    for annotation in by_place:
        holding = [end for end in holding if end > annotation.start]
        depth = sum(1 for end in holding if end >= annotation.end)
        depths.append((annotation, depth))
        holding.append(annotation.end)
    return depths


class AnnotationsPart:
    def __init__(self, reading: Reading, show_line: Callable[[str | None], None]) -> None:
        """`show_line` puts a note on the note line (None: hides it)."""
        self.reading = reading
        self.show_line = show_line

    def show(self) -> None:
        """Draw the annotations of the article read, and the note under the cursor."""
        article = self.reading.current
        if article is not None:
            placed = self.reading.placed.of(article.id, article.body)
            spans = [Span(a.start, a.end, annotation_layer(a.color, depth)) for a, depth in nested(placed)]
            self.reading.view.set_layer("annotations", spans)
            self.show_note(self.reading.view.cursor)

    def changed(self, event: AnnotationsChanged) -> None:
        """The store changed (here or in another reader): place and draw the annotations again."""
        self.reading.placed.forget(event.article_id)
        self.show()

    def show_note(self, cursor: int | None) -> None:
        annotation = self._at(cursor)
        text = None
        if annotation is not None:
            tags = " ".join(f"#{t}" for t in annotation.tags)
            note = f"● {annotation.note}" if annotation.note else "● (no note)"
            text = "  ".join(part for part in (note, tags) if part)
        self.show_line(text)

    def _at(self, offset: int | None) -> Annotation | None:
        article = self.reading.current
        return self.reading.placed.at(article.id, article.body, offset) if article else None

    def _target(self, sentence: bool = False) -> tuple[int, int] | None:
        """What `a` annotates: the selection, else the hit, entity or sentence at the cursor."""
        view = self.reading.view
        if not sentence and view.selection is not None:
            return view.selection
        cursor = view.cursor if view.cursor is not None else view.current_mark
        if cursor is None or view.texts is None:
            return None
        if not sentence:
            for layer in ("hits", "entities"):
                for span in view.spans_at(layer, cursor):
                    return span.start, span.end
        return sentence_at(view.texts.body, cursor)

    def annotate(self, sentence: bool = False) -> None:
        from reader.ui.screens.annotate import AnnotateScreen, Deleted, Edit

        reading, article = self.reading, self.reading.current
        if article is None:
            return
        store, shown = reading.annotations, reading.shown
        existing = None if sentence or reading.view.selection else self._at(self.reading.view.cursor)
        start, end = (existing.start, existing.end) if existing else self._target(sentence) or (0, 0)
        if start == end:
            reading.notify("Move the cursor (arrows, h l w) or select text (v) first.", title="Annotate")
            return

        def save(edit: Edit) -> str | None:
            """Store the dialog's edit; a failure keeps the dialog open with the note in it and the
            reason in it (not in a toast: one covered the dialog's buttons at 80x24, and stayed
            after a retry had saved)."""
            try:
                if existing is not None:
                    store.update(existing.edited(note=edit.note, tags=edit.tags, color=edit.color))
                else:
                    store.add(Annotation.new(article.id, article.body, start, end, note=edit.note,
                                             tags=edit.tags, color=edit.color))
            except StoreError as error:
                return str(error)
            return None

        def done(result: Edit | Deleted | None) -> None:
            if result is None:
                return
            if isinstance(result, Deleted) and existing is not None:
                if not self._delete(existing):
                    return
                reading.notify("Annotation deleted: u brings it back.", title="Annotations")
            reading.view.move_cursor(reading.view.cursor, extend=False)
            reading.post_message(AnnotationsChanged(article.id))

        if existing is None:
            dialog = AnnotateScreen(shown.text(article.body[start:end]), read_only=store.problem, save=save)
        else:
            dialog = AnnotateScreen(shown.text(existing.quote), note=existing.note, tags=existing.tags,
                                    color=existing.color, existing=True, read_only=store.problem, save=save)
        reading.open_dialog(dialog, done)

    def _delete(self, annotation: Annotation) -> bool:
        try:
            self.reading.annotations.delete(annotation.id)
        except StoreError as error:
            self.reading.notify(str(error), title="Not deleted", severity="error", timeout=15)
            return False
        return True

    def delete_at_cursor(self) -> None:
        annotation = self._at(self.reading.view.cursor)
        if annotation is None:
            self.reading.notify("No annotation under the cursor (m lists them).", title="Annotations")
        elif self._delete(annotation):
            self.reading.post_message(AnnotationsChanged(annotation.article))
            self.reading.notify(f"Deleted “{self.reading.shown.text(annotation.quote[:20])}”: u brings it back.",
                                title="Annotations")

    def undo_delete(self) -> None:
        try:
            restored = self.reading.annotations.undo_delete()
        except StoreError as error:
            self.reading.notify(str(error), title="Not restored", severity="error", timeout=15)
            return
        if restored is None:
            self.reading.notify("Nothing to undo.", title="Annotations")
            return
        self.reading.post_message(AnnotationsChanged(restored.article))
        self.reading.post_message(OpenArticle(restored.article))
        self.reading.notify(f"Restored “{self.reading.shown.text(restored.quote[:20])}”.", title="Annotations")

    def export(self) -> None:
        from reader.annotations.export import export_current, what_is_exported, write_export
        from reader.ui.screens.export import ExportRequest, ExportScreen

        reading, here, store, state = self.reading, self.reading.current, self.reading.annotations, self.reading.state

        def chosen(request: ExportRequest | None) -> None:
            if request is None:
                return
            state.change(export_format=request.format)
            annotations = [a for a in store.all() if not request.this_article_only or (here and a.article == here.id)]
            text = export_current(request.format, annotations, reading.corpus.articles, reading.shown.mode,
                                  bom=request.bom)
            try:
                write_export(request.path, text)
            except OSError as error:
                reading.notify(f"Cannot write {request.path}: {error.strerror or error}", title="Export",
                               severity="error")
                return
            count = what_is_exported(request.format, annotations)
            reading.notify(f"{count} written to\n{request.path.resolve()}", title="Exported", timeout=10)

        if store.reload_if_changed():  # Another reader wrote: count what the file holds now.
            reading.post_message(AnnotationsChanged())
        reading.open_dialog(ExportScreen(paths.documents_dir(), store.all(), here.id if here else None,
                                         state.export_format or "markdown"), chosen)

    def list_all(self) -> None:
        from reader.ui.screens.annotation_list import AnnotationListScreen

        reading, articles = self.reading, self.reading.corpus.articles
        placed, orphans = place_all(reading.annotations.all(), {a.id: a.body for a in articles})
        by_id = {a.id: a for a in placed}

        def chosen(annotation_id: str | None) -> None:
            target = by_id.get(annotation_id or "")
            if target is None:
                if annotation_id:
                    reading.notify("That annotation's text is no longer in its article.", title="Orphaned")
                return
            reading.post_message(OpenArticle(target.article, focus_view=True, mark=(target.start, target.end)))

        titles = {a.id: a.title for a in articles}
        reading.open_dialog(AnnotationListScreen(placed + orphans, {a.id for a in orphans}, titles, reading.shown,
                                                 reading.current.id if reading.current else None), chosen)
