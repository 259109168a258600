"""Time to first paint: reader on the seeds beside a bare Textual app showing the same text.

Both run in fresh interpreters, headless, and exit right after their first screen refresh; the
runs interleave so both see the same machine noise. Target: ratio <= 1.2.
"""

from __future__ import annotations

import os
import tempfile

from bench.common import interleaved, median_ms, report, run_python

ROUNDS = 15

READER = """
from reader.app import ReaderApp
from reader.corpus import load_corpus
from reader.paths import bundled
from reader.widgets.article_view import ArticleView

class FirstPaint(ReaderApp):
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        assert self.query_one(ArticleView).layout_lines, "nothing was laid out"
        self.exit()

FirstPaint(load_corpus([bundled("seeds")])).run(headless=True, size=(120, 35))
"""

BARE = """
from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Static

text = open("seeds/ma-huateng-ai-2026.txt", encoding="utf-8").read().split("\\n")

class Bare(App):
    def compose(self):
        with VerticalScroll():
            yield Static(text[1] + "\\n\\n" + text[2])
    def on_mount(self):
        self.call_after_refresh(self.exit)

Bare().run(headless=True, size=(120, 35))
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, **{v: f"{home}/{v}" for v in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")}}
        times = interleaved(
            {"reader": lambda: run_python(READER, env), "bare": lambda: run_python(BARE, env)}, ROUNDS
        )
    report(
        "time to first paint, seeds (median)", median_ms(times["reader"]), median_ms(times["bare"]),
        target=1.2,
    )
    print(f"  {ROUNDS} interleaved runs each; fresh interpreter, headless 120x35, includes imports")
