"""Time to first paint: reader on the seeds beside a bare Textual app showing the same text.

Both run in fresh interpreters, headless, and exit right after their first screen refresh; the
runs interleave so both see the same machine noise. reader goes through its real entry point
(`reader.cli.main.main` with no arguments: keymap, corpus, annotation store, then the app). Each child
also reports how its time splits into imports and the run up to the first paint. Target: ratio
<= 1.2.
"""

from __future__ import annotations

import os
import statistics
import tempfile

from bench.common import interleaved, report, run_python

ROUNDS = 15

_CLOCK = "import time\n_start = time.perf_counter()\n"
#: The child prints when it painted (wall clock, comparable with the parent's spawn time), then
#: how long its imports and its run up to the paint took.
_REPORT = "print(f'{_painted_at} {_imported - _start} {_painted - _imported}')\n"

READER = _CLOCK + """
import reader.cli.main  # First, as in the `reader` script.
import gc
gc.disable()  # As reader.cli.main.main does before it loads the app…
import reader.ui.app  # …which it would import next: here, to hook the first paint.
_imported = time.perf_counter()

class FirstPaint(reader.ui.app.ReaderApp):
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        global _painted, _painted_at
        _painted, _painted_at = time.perf_counter(), time.time()
        assert self.reading.view.layout_lines, "nothing was laid out"
        self.exit()
    def run(self):
        return super().run(headless=True, size=(120, 35))

reader.ui.app.ReaderApp = FirstPaint  # What `reader` with no arguments starts, headless.
reader.cli.main.main([])
""" + _REPORT

BARE = _CLOCK + """
from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Static
_imported = time.perf_counter()

text = open("seeds/ma-huateng-ai-2026.txt", encoding="utf-8").read().split("\\n")

class Bare(App):
    def compose(self):
        with VerticalScroll():
            yield Static(text[1] + "\\n\\n" + text[2])
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        global _painted, _painted_at
        _painted, _painted_at = time.perf_counter(), time.time()
        self.exit()

Bare().run(headless=True, size=(120, 35))
""" + _REPORT


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        homes = ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")
        env = {**os.environ, **{v: f"{home}/{v}" for v in homes}}
        # As on a user's machine, compiled bytecode is cached: one warm-up run each writes it.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        run_python(READER, env), run_python(BARE, env)
        runs = interleaved({"reader": lambda: run_python(READER, env), "bare": lambda: run_python(BARE, env)}, ROUNDS)

    def median(name: str, index: int) -> float:
        return statistics.median(run[index] for run in runs[name]) * 1000

    report("time to first paint, seeds (median)", median("reader", 0), median("bare", 0), target=1.2)
    report("  of which imports", median("reader", 2), median("bare", 2))
    report("  of which app start to first paint", median("reader", 3), median("bare", 3))
    report("whole run including exit", median("reader", 1), median("bare", 1))
    print(f"  {ROUNDS} interleaved runs each; from process spawn; fresh interpreter, headless 120x35")
