"""Which articles have been read: `.read.json` in the library folder, by article id.

An article is unread until it is marked read (opened in the app, `reader mark ID --read`); what a
feed brings is unread, as in every feed reader. The file is the user's data, not a cache
(`reader.system.datafile`: versioned, atomic, `.bak`, never written over if it cannot be read), and
each mark is applied at once to the file as it is then, under its lock: two readers, or a reader
and `reader mark` in a shell, each keep what the other marked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from reader.system.datafile import DataFile, DataFileError

FILE_NAME = ".read.json"
VERSION = 1


def _parse(data: dict) -> set[str]:
    ids = data["read"]
    if not isinstance(ids, list) or not all(isinstance(article_id, str) for article_id in ids):
        raise TypeError("read is not a list of article ids")
    return set(ids)


def _dump(ids: set[str]) -> dict:
    return {"read": sorted(ids)}


class Count(NamedTuple):
    articles: int
    unread: int


class ReadState:
    """The read articles of one library, as last read from or written to its file.

    `problem` says why the file could not be read: then every article counts as unread, and
    `mark` raises rather than write over the file."""

    def __init__(self, library: Path) -> None:
        self.file: DataFile[set[str]] = DataFile(Path(library) / FILE_NAME, "the read state", VERSION, _parse, _dump,
                                                 set)
        self.read: set[str] = set()
        self.problem: str | None = None
        self._stamp: object = object()  # Not a stamp: the first refresh reads the file.
        self.refresh()

    def refresh(self) -> bool:
        """Read the file again if it changed since this last read or wrote it (another process
        marked something). Returns whether what is read changed."""
        stamp = self.file.stamp()
        if stamp == self._stamp:
            return False
        before = self.read
        try:
            self.read, self.problem = self.file.load(), None
        except DataFileError as error:
            self.read, self.problem = set(), str(error)
        self._stamp = stamp
        return self.read != before

    def is_read(self, article_id: str) -> bool:
        return article_id in self.read

    def show(self, article_ids: Iterable[str], read: bool = True) -> list[str]:
        """Mark these articles read (or unread) here only, at once; `mark` writes them (a writer
        in the background: with 100,000 articles read, a write takes ~80 ms). Returns those whose
        state this changed."""
        changed = [article_id for article_id in dict.fromkeys(article_ids) if (article_id in self.read) != read]
        self.read = self.read | set(changed) if read else self.read - set(changed)
        return changed

    def mark(self, article_ids: Iterable[str], read: bool = True) -> list[str]:
        """Mark these articles read (or unread). Returns those whose state this changed.
        DataFileError if the file cannot be read (it is not written over) or written."""
        wanted = list(dict.fromkeys(article_ids))
        if self.problem:
            raise DataFileError(self.problem)

        def apply(current: set[str]) -> list[str]:
            changed = [article_id for article_id in wanted if (article_id in current) != read]
            (current.update if read else current.difference_update)(changed)
            return changed

        if not wanted:
            return []
        self.read, changed = self.file.change(apply)
        self._stamp = self.file.written
        return changed

    def counts(self, feeds: Iterable[tuple[str, str]]) -> dict[str, Count]:
        """For (article id, feed URL) pairs, each feed's articles and how many are unread."""
        totals: dict[str, list[int]] = {}
        for article_id, feed in feeds:
            total = totals.setdefault(feed, [0, 0])
            total[0] += 1
            total[1] += article_id not in self.read
        return {feed: Count(*total) for feed, total in totals.items()}

    def next_unread(self, order: Sequence[str], after: str | None = None, wrap: bool = False) -> str | None:
        """The first unread article after `after` in `order` (the ids as the list shows them;
        from the top without `after`, or if it is not in the list). With `wrap`, on from the top
        to just before it. None if there is none."""
        start = 0
        if after is not None:
            try:
                start = order.index(after) + 1
            except ValueError:
                start = 0
        candidates = list(order[start:]) + (list(order[:max(start - 1, 0)]) if wrap else [])
        return next((article_id for article_id in candidates if article_id not in self.read), None)
