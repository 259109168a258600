"""Many writers on one annotations file: every annotation any of them saved is there at the end.

Each writer is its own process with its own `AnnotationStore` (as separate readers are), plus an
app instance adding through its dialog. Rounds are repeated because a lost update is a race: the
old check (inode, size, mtime) lost one in most runs of a single round.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, SEEDS

from reader.annotations.store import Annotation, AnnotationStore

WRITERS = 4
EACH = 50
ROUNDS = 3
PRESENT = 300
BODY = "騰訊在深圳。" * 40


def _writer(path: str, name: str, count: int, start: multiprocessing.Event, reopen: bool) -> None:
    """Adds `count` annotations; with `reopen`, each through a store opened for it (as each
    `reader annotate` does), else all through one store kept open (as the app does)."""
    pause = random.Random(name).uniform
    store = AnnotationStore(Path(path))
    start.wait()
    for number in range(count):
        time.sleep(pause(0, 0.01))  # Writers spread out, as people and scripts are.
        offset = number % (len(BODY) - 1)
        if reopen:
            store = AnnotationStore(Path(path))
        # Notes of equal length, so files of equal size follow each other.
        store.add(Annotation.new("a", BODY, offset, offset + 1, note=f"{name}-{number:03d}"))


def _notes(path: Path) -> list[str]:
    return [item["note"] for item in json.loads(path.read_text(encoding="utf-8"))["annotations"]]


#: Kept alive while children start: `Process.start` lets go of its arguments.
_EVENTS: list = []


def _run_writers(path: Path, count: int = EACH) -> list[multiprocessing.Process]:
    """Start the writers on a file that already holds annotations (a reader's file after a while,
    and one that takes a moment to read)."""
    if not path.exists():
        AnnotationStore(path).import_many([Annotation.new("old", BODY, n % 200, n % 200 + 1, note=f"old-{n}")
                                        for n in range(PRESENT)])
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    _EVENTS.append(start)
    processes = [
        context.Process(target=_writer, args=(str(path), f"w{n}", count, start, n % 2 == 1)) for n in range(WRITERS)
    ]
    for process in processes:
        process.start()
    start.set()
    return processes


def _old() -> set[str]:
    return {f"old-{n}" for n in range(PRESENT)}


def _expected(count: int = EACH) -> set[str]:
    return {f"w{n}-{i:03d}" for n in range(WRITERS) for i in range(count)}


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_four_processes_lose_nothing(tmp_path: Path, round_: int):
    path = tmp_path / "annotations.json"
    for process in _run_writers(path):
        process.join(60)
        assert process.exitcode == 0
    notes = _notes(path)
    assert len(notes) == len(set(notes))
    assert set(notes) - _old() == _expected()


@pytest.mark.slow
async def test_an_app_adding_beside_four_processes_loses_nothing(tmp_path: Path):
    from apphelpers import make_app, wait_until
    from textual.widgets import TextArea

    path = tmp_path / "annotations.json"
    app = make_app(annotations=AnnotationStore(path))
    mine: list[str] = []
    async with app.run_test(size=(120, 35)) as pilot:
        processes = _run_writers(path)
        for number in range(12):
            await pilot.press("J" if number else "l")  # A new line each time: a new sentence.
            await pilot.press("A")
            await app.seen.until_focus(pilot, TextArea)
            note = f"app-{number:03d}"
            app.focused.insert(note)
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not isinstance(app.focused, TextArea))
            mine.append(note)
        for process in processes:
            process.join(60)
            assert process.exitcode == 0
    notes = _notes(path)
    assert set(notes) == _old() | _expected() | set(mine)
    assert len(notes) == len(set(notes))


@pytest.mark.slow
def test_four_shells_of_cli_annotate_lose_nothing(tmp_path: Path):
    """4 shells x 30 `reader annotate` on one file, as a person scripting it would."""
    path = tmp_path / "annotations.json"
    script = (
        'for i in $(seq -w 1 30); do "$PY" -m reader annotate 1 --quote 騰訊 --note "$W-$i" '
        '--corpus "$SEEDS" --annotations "$FILE" > /dev/null || exit 1; done'
    )
    environment = {**os.environ, "PY": sys.executable, "SEEDS": str(SEEDS), "FILE": str(path)}
    shells = [subprocess.Popen(["bash", "-c", script], env={**environment, "W": f"s{n}"}, cwd=REPO) for n in range(4)]
    assert [shell.wait(300) for shell in shells] == [0] * 4
    notes = _notes(path)
    assert sorted(notes) == sorted(f"s{n}-{i:02d}" for n in range(4) for i in range(1, 31))


def test_a_save_landing_while_a_store_loads_is_merged_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The first way the old check was fooled: another save between reading the file and
    looking at it made the store believe it had read the newer file."""
    import reader.annotations.store as module

    path = tmp_path / "annotations.json"
    other = AnnotationStore(path)
    other.add(Annotation.new("a", BODY, 0, 1, note="first"))
    parse = module._parse

    def parse_then_another_save(text: str):
        monkeypatch.setattr(module, "_parse", parse)
        result = parse(text)
        other.add(Annotation.new("a", BODY, 1, 2, note="landed meanwhile"))
        return result

    monkeypatch.setattr(module, "_parse", parse_then_another_save)
    mine = AnnotationStore(path)
    mine.add(Annotation.new("a", BODY, 2, 3, note="mine"))
    assert sorted(_notes(path)) == ["first", "landed meanwhile", "mine"]


def test_a_file_that_looks_the_same_to_stat_is_still_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The second way: a later file with the inode, size and modification time of the one a store
    saw (an inode freed with the old backup and reused, notes of equal length, one clock tick)."""
    path = tmp_path / "annotations.json"
    first, second = AnnotationStore(path), AnnotationStore(path)
    real_stat = os.stat(path.parent)
    same = os.stat_result((real_stat.st_mode, 7, real_stat.st_dev, 1, 0, 0, 4096, 0, 0, 0))
    real_fstat, real_path_stat = os.fstat, Path.stat

    def path_stat(self: Path, **options):
        real = real_path_stat(self, **options)  # Raises as it would when the file is missing.
        return same if self == path else real

    monkeypatch.setattr(os, "fstat", lambda descriptor: real_fstat(descriptor) and same)
    monkeypatch.setattr(Path, "stat", path_stat)
    first.add(Annotation.new("a", BODY, 0, 1, note="one-0"))
    second.add(Annotation.new("a", BODY, 1, 2, note="two-0"))
    first.add(Annotation.new("a", BODY, 2, 3, note="one-1"))
    monkeypatch.undo()
    assert sorted(_notes(path)) == ["one-0", "one-1", "two-0"]
