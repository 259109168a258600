"""The README's two commands, as a new user runs them (used by .ci/run).

    python3 .ci/readme.py command N    prints the README's Nth command (its ```sh block, comments dropped)
    python3 .ci/readme.py terminal N   runs it in a pseudo-terminal as a user would: waits for the
                                       first article on screen, presses q, and fails unless reader
                                       quits with status 0

Standard library only: it runs before anything is installed."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import sys
import termios
import time
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
#: What the first article shows once it is painted (its author line, from the seeds).
PAINTED = "馬化騰".encode()
INSTALL_AND_START_SECONDS = 900


def commands() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    if block is None:
        sys.exit("readme.py: README.md has no ```sh block")
    return [line.split("  #", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def run_in_terminal(command: str) -> int:
    pid, terminal = pty.fork()
    if pid == 0:
        os.execvp("bash", ["bash", "-c", command])
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = bytearray()
    deadline = time.monotonic() + INSTALL_AND_START_SECONDS
    pressed = False
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # The child closed the terminal: it has ended.
            chunk = b""
        if not chunk:
            break
        seen.extend(chunk)
        if not pressed and PAINTED in seen:
            time.sleep(1.0)  # Let it settle, as a person would look before pressing a key.
            os.write(terminal, b"q")
            pressed = True
            deadline = time.monotonic() + 30
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            print(bytes(seen[-2000:]).decode("utf-8", "replace"))
            print("readme.py: the app did not show the first article and quit on q in time")
            return 1
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    text = bytes(seen).decode("utf-8", "replace")
    if not pressed:
        print(text[-3000:])
        print(f"readme.py: the command ended (status {code}) before the first article was on screen")
        return 1
    print(f"readme.py: {command!r}: the first article was on screen, q quit with status {code}")
    return code


def main() -> int:
    what, number = sys.argv[1], int(sys.argv[2])
    command = commands()[number - 1]
    if what == "command":
        print(command)
        return 0
    return run_in_terminal(command)


if __name__ == "__main__":
    sys.exit(main())
