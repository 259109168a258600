"""Writing files so that a crash at any moment leaves either the old or the new version, whole."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def atomic_write_text(path: Path, text: str, *, backup: bool = False, errors: str = "strict") -> None:
    """Write `text` to `path` atomically: temporary file in the same folder, fsync, `os.replace`.

    With `backup`, the previous version is kept as `path` + `.bak` (by hard link, so it is never
    missing or half written either).
    """
    import tempfile  # Not needed before the first save: kept off the start-up path.

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors=errors) as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if backup and path.exists():
            backup_path = path.with_name(path.name + ".bak")
            _replace_with_link(path, backup_path)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _replace_with_link(source: Path, target: Path) -> None:
    staging = target.with_name(f".{target.name}.{os.getpid()}.link")
    staging.unlink(missing_ok=True)
    try:
        os.link(source, staging)
    except OSError:  # File systems without hard links: copy instead.
        staging.write_bytes(source.read_bytes())
    os.replace(staging, target)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_json(path: Path, data: Any, *, backup: bool = False) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", backup=backup)


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An advisory lock on `path` + `.lock`, held while a process reads, merges and writes
    `path`, so two processes never merge at the same time. OSError if it cannot be made."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
