"""Whether the folders of a corpus changed since last asked: a cheap look for the app to poll.

A file added, removed or renamed in a folder changes that folder's modification time, and `reader
add`, `remove` and `update` write files only so (a temporary file renamed into place). So watching
the folders, not the files, is enough to notice another process adding or removing articles: a
stat per folder each time, however many files they hold. The subfolders (an EPUB's chapters) are
listed again only when their parent's time moves. A file edited in place is not noticed here: the
app finds it when it next checks the files (on opening the search, or after a change seen here).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


class _Folder(NamedTuple):
    time: int
    names: frozenset[str]
    """What it holds that the corpus reads (hidden files left out: the read state, the feeds)."""
    folders: tuple[str, ...]


def _look(path: str, known: _Folder | None) -> _Folder | None:
    """A folder as it is now (None if it is not a folder, or is gone); listed again only if its
    time moved since `known`."""
    try:
        time = os.stat(path).st_mtime_ns
    except OSError:
        return None
    if known is not None and known.time == time:
        return known
    try:
        with os.scandir(path) as entries:
            visible = [entry for entry in entries if not entry.name.startswith(".")]
            folders = tuple(entry.path for entry in visible if entry.is_dir(follow_symlinks=False))
    except OSError:
        return None
    return _Folder(time, frozenset(entry.name for entry in visible), folders)


class FolderWatch:
    """What the roots (folders or files) of a corpus hold, and the folders under them."""

    def __init__(self, roots: Iterable[Path]) -> None:
        self.roots = [os.path.abspath(root) for root in roots]
        self._folders: dict[str, _Folder | None] = {}
        self.changed()

    def changed(self) -> bool:
        """Whether a file or folder came or went (or a root that is a file changed) since the last
        call. A folder whose time moved is listed again (the read state written beside the
        articles moves the library's time, and changes nothing the corpus reads)."""
        seen: dict[str, _Folder | None] = {}
        changed = False
        todo = list(self.roots)
        while todo:
            path = todo.pop()
            before = self._folders.get(path)
            now = seen[path] = _look(path, before)
            if now is None and path in self.roots and os.path.isfile(path):  # A file named as a root.
                now = seen[path] = _Folder(_mtime(path), frozenset(), ())
                changed = changed or before is None or before.time != now.time
                continue
            if now is None:
                changed = changed or before is not None or path not in self._folders
                continue
            changed = changed or before is None or before.names != now.names
            todo += now.folders
        changed = changed or set(seen) != set(self._folders)
        self._folders = seen
        return changed
