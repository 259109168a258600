"""Small files of the user's own data (feed subscriptions, read state): versioned JSON, written
atomically with the previous version kept as `.bak`, and changed under a lock.

Two processes that each wrote back the copy they read at start would lose each other's changes.
So a change here is a function, applied under the file's lock to the file as it is at that
moment, and written at once: each process's own changes win for what they touch, and nobody
else's are lost. A file that cannot be read (not JSON, not this kind of file, written by a newer
version) is never written over: `DataFileError` says so in one line, and the file stays as it is.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from reader.system.storage import atomic_write_text, dumps_json, file_lock

T = TypeVar("T")
R = TypeVar("R")


class DataFileError(Exception):
    """The file cannot be read (so it is not written either) or cannot be written; one line."""


class DataFile(Generic[T]):
    """One data file: `parse` turns its JSON object into a `T` (ValueError, KeyError or TypeError
    if it is not one), `dump` a `T` back into an object; `empty` is the value of a missing file."""

    def __init__(self, path: Path, what: str, version: int, parse: Callable[[dict], T],
                 dump: Callable[[T], dict], empty: Callable[[], T]) -> None:
        self.path = path
        self.what = what
        """What the file holds, for messages ("the read state")."""
        self.version = version
        self._parse, self._dump, self._empty = parse, dump, empty
        self.written: tuple[int, int, int] | None = None
        """The file's `stamp` as the last `change` left it (taken under the lock)."""

    def load(self) -> T:
        """The file's value (`empty()` if there is no file). DataFileError if it cannot be read."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return self._empty()
        except (OSError, UnicodeDecodeError) as error:
            raise self._damaged(getattr(error, "strerror", None) or str(error)) from None
        try:
            data = json.loads(text)
        except ValueError as error:
            raise self._damaged(f"not valid JSON: {error}") from None
        except RecursionError:
            raise self._damaged("nested too deeply") from None
        if not isinstance(data, dict) or type(data.get("version")) is not int:
            raise self._damaged("no version: not a file reader wrote")
        if data["version"] > self.version:
            raise self._damaged(f"written by a newer reader (version {data['version']}; this one reads "
                                f"{self.version})")
        try:
            return self._parse(data)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise self._damaged(f"not as reader writes it: {error}") from None

    def change(self, apply: Callable[[T], R]) -> tuple[T, R]:
        """Apply `apply` to the file's value as it is now, under the lock, and write the result
        (`apply` changes the value in place and returns what the caller wants to know). Returns
        the value written and what `apply` returned. DataFileError if the file cannot be read
        (it is left as it is) or written."""
        try:
            with file_lock(self.path):
                value = self.load()
                result = apply(value)
                atomic_write_text(self.path, dumps_json({"version": self.version, **self._dump(value)}, indent=1)
                                  + "\n", backup=True)
                self.written = self.stamp()
        except OSError as error:
            raise DataFileError(f"cannot write {self.what} {self.path}: {error.strerror or error}") from None
        return value, result

    def stamp(self) -> tuple[int, int, int] | None:
        """The file's (inode, size, modification time), None if absent: a value read while the
        stamp stays the same is still the file's (each write replaces the file, a new inode)."""
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_ino, info.st_size, info.st_mtime_ns

    def _damaged(self, reason: str) -> DataFileError:
        return DataFileError(f"{self.what} {self.path} cannot be read ({reason}); it is left as it is, "
                             "not written over: mend it or move it aside")

