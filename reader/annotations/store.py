"""Annotations and the JSON file that keeps them, which must never lose or corrupt anything.

* Every change is written at once, atomically (temporary file, fsync, rename), and the previous
  version is kept beside it as `.bak`. A process killed at any moment leaves the old file or the
  new one, whole.
* Several processes may share the file: each change takes a lock, reloads what is on disk if it
  changed, merges by annotation id (the later `modified` wins; deletions are remembered as
  tombstones so a merge never brings an annotation back), then writes. "Changed" is decided by a
  random revision written at the head of the file with every save (read back in a few bytes)
  together with the file's inode, size and modification time: a file's stat alone can be fooled
  (an inode reused, a size and a clock tick the same), a fresh random revision cannot.
* A file that cannot be read (bad JSON, nested too deeply, an unknown schema, an entry of the
  wrong shape) is never overwritten: the store opens read-only with whatever could be read, and
  says why.
* Text comes in with its lone surrogates as U+FFFD (they cannot be written as UTF-8); ids keep
  theirs, as `\\uXXXX` escapes in the file, because they must match the article's id exactly.
* An import never replaces a note it did not bring: see `import_many`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from reader.annotations.anchoring import anchor, context_of
from reader.system import paths
from reader.system.storage import atomic_write_text, dumps_json, file_lock, without_surrogates

SCHEMA = 1
#: Annotation colours and the value each stands for (the app tints text with it, exports name it).
COLOR_VALUES = {"yellow": "#e5c300", "green": "#3fb950", "blue": "#388bfd", "pink": "#f778ba", "purple": "#a371f7"}
COLORS = tuple(COLOR_VALUES)
DEFAULT_COLOR = COLORS[0]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Annotation(NamedTuple):
    id: str
    article: str
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    note: str = ""
    tags: tuple[str, ...] = ()
    color: str = DEFAULT_COLOR
    created: str = ""
    modified: str = ""
    imported: bool = False
    """As an import left it (not made or edited here): a later import of its id may update it."""

    @classmethod
    def new(
        cls, article: str, body: str, start: int, end: int, *, note: str = "", tags=(), color: str = DEFAULT_COLOR
    ) -> Annotation:
        if not 0 <= start < end <= len(body):
            raise ValueError(f"the range {start}-{end} is not inside the article (0-{len(body)})")
        if color not in COLORS:
            raise ValueError(f"unknown colour {color!r} (one of {', '.join(COLORS)})")
        quote, prefix, suffix = context_of(body, start, end)
        stamp = now()
        import uuid  # Its import pulls in `platform`: kept off the way of commands that never add.

        return cls(uuid.uuid4().hex, article, start, end, quote, prefix, suffix, without_surrogates(note),
                   tuple(map(without_surrogates, tags)), color, stamp, stamp)

    def edited(self, **changes) -> Annotation:
        """Changed here: from now on the user's, whatever an import brought."""
        if "color" in changes and changes["color"] not in COLORS:
            raise ValueError(f"unknown colour {changes['color']!r}")
        if "note" in changes:
            changes["note"] = without_surrogates(changes["note"])
        if "tags" in changes:
            changes["tags"] = tuple(map(without_surrogates, changes["tags"]))
        return self._replace(**changes, modified=now(), imported=False)

    def to_json(self) -> dict:
        data = {
            "id": self.id, "article": self.article, "start": self.start, "end": self.end, "quote": self.quote,
            "prefix": self.prefix, "suffix": self.suffix, "note": self.note, "tags": list(self.tags),
            "color": self.color, "created": self.created, "modified": self.modified,
        }
        return {**data, "imported": True} if self.imported else data

    @classmethod
    def from_json(cls, data: dict) -> Annotation:
        """ValueError (or KeyError, TypeError) for anything not as `to_json` writes it: such an
        entry is skipped and the file kept read-only, never rewritten with a guess."""
        if not isinstance(data.get("id"), str) or not isinstance(data.get("article"), str):
            raise ValueError("id and article must be text")
        start, end = data["start"], data["end"]
        if type(start) is not int or type(end) is not int or not 0 <= start <= end:
            raise ValueError("start and end must be whole numbers, 0 <= start <= end")
        texts = {name: data.get(name, "") for name in ("quote", "prefix", "suffix", "note", "created")}
        texts["modified"] = data.get("modified", texts["created"])
        tags, color, imported = data.get("tags", []), data.get("color", DEFAULT_COLOR), data.get("imported", False)
        wrong = [name for name, value in texts.items() if not isinstance(value, str)]
        if wrong or not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise ValueError(f"{(wrong or ['tags'])[0]} must be text")
        if color not in COLORS or not isinstance(imported, bool):
            raise ValueError(f"unknown colour {color!r}" if color not in COLORS else "imported must be true or false")
        texts = {name: without_surrogates(value) for name, value in texts.items()}
        return cls(data["id"], data["article"], start, end, **texts, tags=tuple(map(without_surrogates, tags)),
                   color=color, imported=imported)

    def content(self) -> tuple:
        """What a reader sees of it, for telling whether two annotations say the same (their
        places may differ: one placed in the article's current text, one not yet)."""
        return self.article, self.quote, self.note, self.tags, self.color

    def digest(self) -> str:
        """A short digest of `content` and its place: the same annotation, the same digest."""
        key = dumps_json([*self.content(), self.start, self.end])
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]

    def placed(self, body: str | None) -> Annotation | None:
        """This annotation where its quote is in `body` now (None: orphaned)."""
        if body is None:
            return None
        place = anchor(body, self.start, self.end, self.quote, self.prefix, self.suffix)
        if place is None:
            return None
        if (place.start, place.end) == (self.start, self.end):
            return self
        return self._replace(start=place.start, end=place.end)


class StoreError(Exception):
    """The file could not be read or written; the message says which and why."""


@dataclass
class ImportReport:
    """What `import_many` did with each annotation it was given."""

    new: int = 0
    beside: int = 0
    """New, under an id of their own: a note made here has theirs and says something else."""
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    """Not taken: the annotation here was edited here, or changed as late or later."""

    def summary(self) -> str:
        counts = [(self.new, "new"), (self.beside, "kept beside a local note with the same id"),
                  (self.updated, "updated"), (self.unchanged, "unchanged"),
                  (self.kept, "not taken: the one here is edited here or newer")]
        return ", ".join(f"{count} {what}" for count, what in counts if count) or "none"


@dataclass
class _Snapshot:
    annotations: dict[str, Annotation] = field(default_factory=dict)
    deleted: dict[str, str] = field(default_factory=dict)
    """Tombstones: id -> when it was deleted."""


def default_path() -> Path:
    """`READER_ANNOTATIONS`, else `annotations.json` in the XDG data folder."""
    configured = os.environ.get("READER_ANNOTATIONS")
    return Path(configured) if configured else paths.data_dir() / "annotations.json"


#: The head of a file this module wrote: its schema and the revision of that save.
_HEAD = re.compile(rb'\{"schema":\d+,"revision":"([0-9a-f]{32})"')
_HEAD_BYTES = 80


class _Seen(NamedTuple):
    """What the store last read or wrote: the file's revision and its stat."""

    revision: str | None
    stat: tuple[int, int, int]


def _stat_of(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_ino, info.st_size, info.st_mtime_ns


def _parse(text: str) -> tuple[_Snapshot, list[str]]:
    """What a file holds, and what in it had to be skipped. StoreError if it is not ours at all."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise StoreError(f"not valid JSON ({error})") from None
    except RecursionError:
        raise StoreError("not an annotations file (nested too deeply to read)") from None
    if not isinstance(data, dict) or not isinstance(data.get("annotations"), list):
        raise StoreError("not a reader annotations file")
    if type(data.get("schema")) is not int or data.get("schema") != SCHEMA:  # Not true, nor 1.0.
        raise StoreError(f"schema {data.get('schema')!r} is not one this version reads ({SCHEMA})")
    snapshot, skipped = _Snapshot(), []
    for number, item in enumerate(data["annotations"]):
        try:
            annotation = Annotation.from_json(item)
        except KeyError as error:
            skipped.append(f"entry {number + 1}: no {error}")
            continue
        except (TypeError, ValueError, AttributeError) as error:
            skipped.append(f"entry {number + 1}: {error}")
            continue
        if annotation.id in snapshot.annotations:  # Saving would keep only one of them.
            skipped.append(f"entry {number + 1}: a second annotation with the id {annotation.id!r}")
            continue
        snapshot.annotations[annotation.id] = annotation
    deleted = data.get("deleted", {})
    if not isinstance(deleted, dict):  # Dropped, a deleted note could come back from another file.
        skipped.append("the list of deleted annotations is not an object")
        deleted = {}
    snapshot.deleted = {key: value for key, value in deleted.items() if isinstance(value, str)}
    if len(snapshot.deleted) < len(deleted):
        skipped.append(f"{len(deleted) - len(snapshot.deleted)} deleted annotations without a time")
    return snapshot, skipped


def _merge(ours: _Snapshot, theirs: _Snapshot) -> _Snapshot:
    """By id, the later change wins; a deletion later than an annotation's last change removes it."""
    deleted = dict(theirs.deleted)
    for key, when in ours.deleted.items():
        if when > deleted.get(key, ""):
            deleted[key] = when
    annotations = dict(theirs.annotations)
    for key, annotation in ours.annotations.items():
        other = annotations.get(key)
        # An equal one is taken from ours too: its JSON is made already (see `_serialised`).
        if other is None or annotation.modified > other.modified or annotation == other:
            annotations[key] = annotation
    for key, when in deleted.items():
        if key in annotations and annotations[key].modified <= when:
            del annotations[key]
    return _Snapshot(annotations, deleted)


class AnnotationStore:
    """The annotations of one file. Every change is saved before the method returns."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._state = _Snapshot()
        self._seen: _Seen | None = None
        """The file as last read or written (None: no file then)."""
        self._lock = threading.RLock()
        self._last_deleted: Annotation | None = None
        self._json: dict[int, tuple[Annotation, str]] = {}
        self._last_written: tuple[list[Annotation], str] = ([], "")
        self.problem: str | None = None
        """Why the file could not be read (the store is then read-only), or None."""
        self.skipped: list[str] = []
        self.load()

    # -- reading --------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.problem is not None

    def load(self) -> None:
        with self._lock:
            self.problem, self.skipped = None, []
            try:
                # The stat of the descriptor read from, taken before reading: it describes the
                # very bytes parsed, whatever is written to the path meanwhile.
                with open(self.path, "rb") as file:
                    stat = _stat_of(os.fstat(file.fileno()))
                    data = file.read()
                text = data.decode("utf-8")
            except (FileNotFoundError, NotADirectoryError):  # No file yet: the first save makes it.
                self._state, self._seen = _Snapshot(), None
                return
            except (OSError, UnicodeDecodeError) as error:
                self._fail(f"cannot read it ({error})")
                return
            try:
                self._state, self.skipped = _parse(text)
            except StoreError as error:
                self._fail(str(error))
                return
            if self.skipped:  # Writing would drop them: read-only, keep the file as it is.
                self.problem = f"{self.path}: {len(self.skipped)} entries cannot be read ({self.skipped[0]})"
            self._seen = _Seen(_revision(data[:_HEAD_BYTES]), stat)

    def reload_if_changed(self) -> bool:
        """Read the file again if another process changed it; True if it did."""
        with self._lock:
            if self.read_only or self._on_disk() == self._seen:
                return False
            self.load()
            return True

    def _fail(self, reason: str) -> None:
        """Read-only from now on; show what the backup holds, if it can be read."""
        self.problem = f"{self.path}: {reason}"
        self._state = _Snapshot()
        try:
            self._state, _ = _parse(self.backup_path.read_text(encoding="utf-8"))
            self.problem += f"; showing the backup {self.backup_path.name}"
        except (OSError, UnicodeDecodeError, StoreError):
            pass

    @property
    def backup_path(self) -> Path:
        """The previous version of the file, kept by every save."""
        return self.path.with_name(self.path.name + ".bak")

    def _unchanged_since_seen(self) -> bool:
        """Whether the file is certainly as this store last saw it. A file without a revision
        (written by hand or by an older reader) is never certain: it is read again and merged."""
        on_disk = self._on_disk()
        if on_disk is None or self._seen is None:
            return on_disk is None and self._seen is None
        return on_disk.revision is not None and on_disk == self._seen

    def _on_disk(self) -> _Seen | None:
        """The revision and stat of the file as it is now (None: there is none)."""
        try:
            with open(self.path, "rb") as file:
                return _Seen(_revision(file.read(_HEAD_BYTES)), _stat_of(os.fstat(file.fileno())))
        except OSError:
            return None

    def all(self) -> list[Annotation]:
        with self._lock:
            return sorted(self._state.annotations.values(), key=lambda a: (a.article, a.start, a.created))

    def for_article(self, article_id: str) -> list[Annotation]:
        return [a for a in self.all() if a.article == article_id]

    def get(self, annotation_id: str) -> Annotation | None:
        with self._lock:
            return self._state.annotations.get(annotation_id)

    # -- changing -------------------------------------------------------------------------------

    def add(self, annotation: Annotation) -> Annotation:
        self._change(lambda state: state.annotations.__setitem__(annotation.id, annotation))
        return annotation

    def update(self, annotation: Annotation) -> Annotation:
        return self.add(annotation)

    def import_many(self, annotations: list[Annotation]) -> ImportReport:
        """Add imported annotations in one save, never at the cost of one already here: an id
        held by a note made or edited here, saying something else, is kept, and the import added
        beside it under an id of its own (the same at every import of that file). Only what an
        earlier import brought and nobody edited since is updated, by a later change."""
        report = ImportReport()

        def change(state: _Snapshot) -> bool:
            for annotation in annotations:
                annotation = annotation._replace(imported=True)
                present = state.annotations.get(annotation.id)
                beside = present is not None and not present.imported and present.content() != annotation.content()
                if beside:
                    annotation = annotation._replace(id=f"{annotation.id}~{annotation.digest()}")
                    present = state.annotations.get(annotation.id)
                if present is None:
                    report.beside += beside
                    report.new += not beside
                elif present.content() == annotation.content():
                    report.unchanged += 1
                    continue
                elif not present.imported or present.modified >= annotation.modified:
                    report.kept += 1
                    continue
                else:
                    report.updated += 1
                state.annotations[annotation.id] = annotation
                state.deleted.pop(annotation.id, None)
            return bool(report.new or report.beside or report.updated)

        self._change(change)
        return report

    def delete(self, annotation_id: str) -> Annotation | None:
        removed = self.get(annotation_id)
        if removed is None:
            return None

        def change(state: _Snapshot) -> None:
            state.annotations.pop(annotation_id, None)
            state.deleted[annotation_id] = now()

        self._change(change)
        self._last_deleted = removed
        return removed

    def undo_delete(self) -> Annotation | None:
        """Bring back the annotation deleted last (as a new change, so merges keep it)."""
        removed, self._last_deleted = self._last_deleted, None
        if removed is None:
            return None
        restored = removed._replace(modified=now())

        def change(state: _Snapshot) -> None:
            state.annotations[restored.id] = restored
            state.deleted.pop(restored.id, None)

        self._change(change)
        return restored

    def _change(self, apply: Callable[[_Snapshot], bool | None]) -> None:
        """Apply a change to what is on disk now, and save it (unless `apply` says, by returning
        False, that it changed nothing: an import of what is here already writes nothing)."""
        if self.read_only:
            raise StoreError(f"{self.problem}; not writing over it")
        with self._lock, self._file_lock():
            mine = _Snapshot(dict(self._state.annotations), dict(self._state.deleted))
            if not self._unchanged_since_seen():
                try:  # Someone else wrote since: merge with theirs, then change (an import sees theirs).
                    theirs, _ = _parse(self.path.read_text(encoding="utf-8"))
                except FileNotFoundError:
                    theirs = _Snapshot()
                except (OSError, UnicodeDecodeError, StoreError) as error:
                    self._fail(f"changed on disk into something unreadable ({error})")
                    raise StoreError(f"{self.problem}; not writing over it") from None
                mine = _merge(mine, theirs)
            if apply(mine) is False:
                return
            revision = os.urandom(16).hex()
            self._write(mine, revision)
            self._state = mine
            on_disk = self._on_disk()  # Under the lock: nobody else writes between.
            self._seen = on_disk._replace(revision=revision) if on_disk else None

    def _write(self, state: _Snapshot, revision: str) -> None:
        annotations = self._annotations_json(list(state.annotations.values()))
        deleted = dumps_json(state.deleted, separators=(",", ":"))
        text = f'{{"schema":{SCHEMA},"revision":"{revision}","annotations":[\n{annotations}\n],"deleted":{deleted}}}\n'
        try:
            atomic_write_text(self.path, text, backup=True)
        except OSError as error:
            raise _cannot_save(self.path, error) from None
        if len(self._json) > 2 * len(state.annotations) + 64:  # Now and then, not at every save.
            current = {id(a) for a in state.annotations.values()}
            self._json = {key: value for key, value in self._json.items() if key in current}

    def _annotations_json(self, annotations: list[Annotation]) -> str:
        """The annotations' JSON, one a line. The common change adds one at the end: then the
        text written last is reused and only the new one is made (a save of ten thousand then
        costs the writing, not ten thousand look-ups and a join)."""
        last, text = self._last_written
        if last and len(annotations) >= len(last) and all(a is b for a, b in zip(last, annotations)):
            added = annotations[len(last):]
            text = ",\n".join([text, *map(self._serialised, added)]) if added else text
        else:
            text = ",\n".join(map(self._serialised, annotations))
        self._last_written = (annotations, text)
        return text

    def prepare(self) -> None:
        """Make every annotation's JSON ahead of the first change (a thread can do it at start)."""
        with self._lock:
            annotations = list(self._state.annotations.values())
        for annotation in annotations:
            self._serialised(annotation)

    def _serialised(self, annotation: Annotation) -> str:
        """An annotation's JSON, made once per annotation object: a save writes ten thousand of
        them, but only the changed one is new."""
        cached = self._json.get(id(annotation))
        if cached is not None and cached[0] is annotation:
            return cached[1]
        text = dumps_json(annotation.to_json(), separators=(",", ":"))
        self._json[id(annotation)] = (annotation, text)
        return text

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """`storage.file_lock`; a failure to save (the lock or anything under it) worded for the user."""
        try:
            with file_lock(self.path):
                yield
        except OSError as error:
            raise _cannot_save(self.path, error) from None


def _revision(head: bytes) -> str | None:
    match = _HEAD.match(head)
    return match.group(1).decode() if match else None


def _cannot_save(path: Path, error: OSError) -> StoreError:
    """One line for the user: where, and the system's reason in words (not a traceback). A
    folder on the way that is a file says so ("file exists" from mkdir would not)."""
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        blocker = next((parent for parent in path.parents if parent.exists() and not parent.is_dir()), None)
        if blocker is not None:
            return StoreError(f"cannot save to {path}: {blocker} is a file, not a folder")
    reason = (error.strerror or str(error)).lower()
    return StoreError(f"cannot save to {path}: {reason}")


def place_all(annotations: list[Annotation], bodies: dict[str, str]) -> tuple[list[Annotation], list[Annotation]]:
    """Annotations placed in their articles' current text, and those that could not be (orphans)."""
    placed: list[Annotation] = []
    orphans: list[Annotation] = []
    for annotation in annotations:
        found = annotation.placed(bodies.get(annotation.article))
        (placed if found is not None else orphans).append(found or annotation)
    return placed, orphans


def innermost_at(annotations: list[Annotation], offset: int | None) -> Annotation | None:
    """The annotation whose text holds `offset`; of nested ones, the shortest (the one drawn on top)."""
    if offset is None:
        return None
    inside = [a for a in annotations if a.start <= offset < a.end]
    return min(inside, key=lambda a: a.end - a.start) if inside else None


class PlacedAnnotations:
    """Each article's annotations where their quotes are now (orphans left out), placed once per
    article until the store or the article changes (`forget`)."""

    def __init__(self, store: AnnotationStore) -> None:
        self.store = store
        self._placed: dict[str, list[Annotation]] = {}

    def of(self, article_id: str, body: str) -> list[Annotation]:
        if article_id not in self._placed:
            self._placed[article_id] = place_all(self.store.for_article(article_id), {article_id: body})[0]
        return self._placed[article_id]

    def at(self, article_id: str, body: str, offset: int | None) -> Annotation | None:
        return innermost_at(self.of(article_id, body), offset)

    def forget(self, article_id: str | None = None) -> None:
        """Place again next time: one article's annotations, or (None) every article's."""
        if article_id is None:
            self._placed.clear()
        else:
            self._placed.pop(article_id, None)
