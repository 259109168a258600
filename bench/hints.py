"""Key hints: how long after a key that moves the focus (f, esc, enter between the list, the filter
and the text) the hints show the keys of where the focus went, drawn; beside the same keys with the
hints left as they are (the focus change and its redraw alone).

Target: the hints cost no more than the focus change itself (ratio <= 2).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import report
from reader.articles.corpus import load_corpus
from reader.settings.state import State
from reader.system.paths import bundled
from reader.ui.app import ReaderApp
from reader.ui.widgets.key_hints import KeyHints

#: A key and a hint that shows once the focus has moved where the key sends it.
ROUND = [("f", "esc Clear"), ("escape", "⏎ Read"), ("enter", "v Select")]


async def _lags(state_path: Path, rounds: int = 15) -> tuple[list[float], list[float]]:
    app = ReaderApp(load_corpus([bundled("seeds")]), state=State.load(state_path))
    with_hints, without = [], []
    async with app.run_test(size=(120, 35)) as pilot:
        while not app.query(KeyHints) or any(worker.is_running for worker in app.workers):
            await pilot.pause(0.05)
        hints = app.query_one(KeyHints)
        for _ in range(rounds):
            for key, wanted in ROUND:
                start = time.perf_counter()
                await pilot.press(key)
                while wanted not in hints.labels:
                    await pilot.pause(0.002)
                await pilot.pause()
                with_hints.append((time.perf_counter() - start) * 1000)
        await hints.remove()  # The baseline: the same keys, no hints to draw.
        for _ in range(rounds):
            for key, _wanted in ROUND:
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                without.append((time.perf_counter() - start) * 1000)
    return with_hints, without


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        with_hints, without = asyncio.run(_lags(Path(folder) / "state.json"))
    report("focus moved, hints drawn (median)", statistics.median(with_hints), statistics.median(without),
           target=2)
    print(f"  worst {max(with_hints):.0f} ms; baseline: the same keys without the hints")
