"""Annotations on the reading screen: annotate the selection or what is under the cursor (`a`,
`A`), delete (`x`) and undo (`u`), list them (`m`), export them (`X`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reader.annotations.store import Annotation, StoreError, place_all
from reader.system import paths
from reader.text.sentences import sentence_at

if TYPE_CHECKING:
    from reader.ui.screens.reading import ReadingScreen


class AnnotationsPart:
    def __init__(self, reading: ReadingScreen) -> None:
        self.reading = reading

    def _at_cursor(self) -> Annotation | None:
        if self.reading.current is None:
            return None
        return self.reading.placed.at(self.reading.current.id, self.reading.current.body, self.reading.view.cursor)

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

        if self.reading.current is None:
            return
        article, store, display = self.reading.current, self.reading.reader.annotations, self.reading.script_display()
        existing = None if sentence or self.reading.view.selection else self._at_cursor()
        start, end = (existing.start, existing.end) if existing else self._target(sentence) or (0, 0)
        if start == end:
            self.reading.notify("Move the cursor (arrows, h l w) or select text (v) first.", title="Annotate")
            return

        def save(edit: Edit) -> str | None:
            """Store the dialog's edit; a failure keeps the dialog open with the note in it."""
            try:
                if existing is not None:
                    store.update(existing.edited(note=edit.note, tags=edit.tags, color=edit.color))
                else:
                    store.add(Annotation.new(article.id, article.body, start, end, note=edit.note,
                                             tags=edit.tags, color=edit.color))
            except StoreError as error:
                self.reading.notify(str(error), title="Not saved", severity="error", timeout=15)
                return str(error)
            return None

        def done(result: Edit | Deleted | None) -> None:
            if result is None:
                return
            if isinstance(result, Deleted) and existing is not None:
                if not self._delete(existing):
                    return
                self.reading.notify("Annotation deleted: u brings it back.", title="Annotations")
            self.reading.view.move_cursor(self.reading.view.cursor, extend=False)
            self.reading.annotations_changed(article.id)

        if existing is None:
            screen = AnnotateScreen(display(article.body[start:end]), read_only=store.problem, save=save)
        else:
            screen = AnnotateScreen(display(existing.quote), note=existing.note, tags=existing.tags,
                                    color=existing.color, existing=True, read_only=store.problem, save=save)
        self.reading.app.push_screen(screen, done)

    def _delete(self, annotation: Annotation) -> bool:
        try:
            self.reading.reader.annotations.delete(annotation.id)
        except StoreError as error:
            self.reading.notify(str(error), title="Not deleted", severity="error", timeout=15)
            return False
        return True

    def delete_at_cursor(self) -> None:
        annotation = self._at_cursor()
        if annotation is None:
            self.reading.notify("No annotation under the cursor (m lists them).", title="Annotations")
        elif self._delete(annotation):
            self.reading.annotations_changed(annotation.article)
            self.reading.notify(f"Deleted “{self.reading.script_display()(annotation.quote[:20])}”: u brings it back.",
                        title="Annotations")

    def undo_delete(self) -> None:
        try:
            restored = self.reading.reader.annotations.undo_delete()
        except StoreError as error:
            self.reading.notify(str(error), title="Not restored", severity="error", timeout=15)
            return
        if restored is None:
            self.reading.notify("Nothing to undo.", title="Annotations")
            return
        self.reading.placed.forget(restored.article)
        self.reading.open_article(restored.article)
        self.reading._show_annotations()
        self.reading.notify(f"Restored “{self.reading.script_display()(restored.quote[:20])}”.", title="Annotations")

    def export(self) -> None:
        from reader.annotations.export import export_current, what_is_exported, write_export
        from reader.ui.screens.export import ExportRequest, ExportScreen

        here, store, state = self.reading.current, self.reading.reader.annotations, self.reading.reader.state

        def chosen(request: ExportRequest | None) -> None:
            if request is None:
                return
            state.export_format = request.format
            self.reading.reader.state_changed()
            annotations = [a for a in store.all() if not request.this_article_only or (here and a.article == here.id)]
            reading = self.reading
            text = export_current(request.format, annotations, reading.corpus.articles, reading.view.script_mode,
                                  bom=request.bom)
            try:
                write_export(request.path, text)
            except OSError as error:
                self.reading.notify(f"Cannot write {request.path}: {error.strerror or error}", title="Export",
                            severity="error")
                return
            count = what_is_exported(request.format, annotations)
            self.reading.notify(f"{count} written to\n{request.path.resolve()}", title="Exported", timeout=10)

        count_here = len(store.for_article(here.id)) if here else 0
        self.reading.app.push_screen(ExportScreen(paths.documents_dir(), len(store.all()), count_here,
                                          here.title if here else None, state.export_format or "markdown"), chosen)

    def list_all(self) -> None:
        from reader.ui.screens.annotation_list import AnnotationListScreen

        articles = self.reading.corpus.articles
        placed, orphans = place_all(self.reading.reader.annotations.all(), {a.id: a.body for a in articles})
        by_id = {a.id: a for a in placed}

        def chosen(annotation_id: str | None) -> None:
            target = by_id.get(annotation_id or "")
            if target is None:
                if annotation_id:
                    self.reading.notify("That annotation's text is no longer in its article.", title="Orphaned")
                return
            self.reading.open_article(target.article, focus_view=True)
            self.reading.view.mark(target.start, target.end)
            self.reading.view.move_cursor(target.start, extend=False)

        titles = {a.id: a.title for a in self.reading.corpus.articles}
        self.reading.app.push_screen(
            AnnotationListScreen(placed + orphans, {a.id for a in orphans}, titles, self.reading.script_display(),
                                 self.reading.current.id if self.reading.current else None),
            chosen,
        )
