"""reader on a pseudo-terminal, as a terminal emulator starts it: for tests that read the bytes
the app really writes to its terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable


def _controlling_terminal() -> None:
    """In the child: a session of its own with the pseudo-terminal as its controlling terminal,
    as a terminal emulator starts a program (closing the terminal then sends it SIGHUP)."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def run_in_terminal(args: list[str], environment: dict[str, str]) -> tuple[subprocess.Popen, Callable[[], bytes], int]:
    """Start `reader` on a 100x30 pseudo-terminal, as a shell would; returns the process, a reader
    of everything it wrote to the terminal so far, and the terminal's own end (to write keys to)."""
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    os.set_blocking(main, False)
    process = subprocess.Popen([sys.executable, "-m", "reader", *args], stdin=secondary, stdout=secondary,
                               stderr=secondary, env={**os.environ, **environment, "TERM": "xterm-256color"},
                               close_fds=True, preexec_fn=_controlling_terminal)
    os.close(secondary)
    written = bytearray()

    def output() -> bytes:
        while True:
            try:
                chunk = os.read(main, 65536)
            except (BlockingIOError, OSError):
                return bytes(written)
            if not chunk:
                return bytes(written)
            written.extend(chunk)

    return process, output, main


def wait_for(output: Callable[[], bytes], wanted: bytes, seconds: float = 60) -> bool:
    """Read the terminal (a full one would block the app) until `wanted` is in it or time is up."""
    deadline = time.monotonic() + seconds
    while wanted not in output() and time.monotonic() < deadline:
        time.sleep(0.05)
    return wanted in output()
