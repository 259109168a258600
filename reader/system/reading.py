"""Reading a file named from outside: only a regular file, and only up to a size.

A folder given to reader may hold anything under a text file's name: a FIFO (opening it for
reading waits for a writer forever), a link to `/dev/zero` (reading it never ends) or a file of
gigabytes. Each is refused with a reason instead.
"""

from __future__ import annotations

import errno
import os
import stat

#: The largest file read: 256 MB is a library of novels in one file; past it, a mistake.
MAX_FILE_BYTES = 256 * 1024 * 1024


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file (symbolic links followed) and its stat, taken on the open file
    before reading. OSError with a readable `strerror` for anything else (a FIFO, a device, a
    file of more than `limit` bytes, MAX_FILE_BYTES by default)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # A FIFO opens at once, and is refused below.
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a device, a pipe or a socket)")
        if info.st_size > limit:
            raise _too_large(limit)
        data = file.read(info.st_size + 1)  # Not read(limit): that would allocate `limit` bytes first.
        if len(data) > info.st_size:  # It grew since: read on, to the limit.
            data += file.read(limit + 1 - len(data))
    if len(data) > limit:
        raise _too_large(limit)
    return data, info


def _too_large(limit: int) -> OSError:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
    return OSError(errno.EFBIG, f"larger than {size}")
