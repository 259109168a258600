"""Script toggle: repaint time of a seed article after the toggle, first time and cached, beside a
plain repaint of the same view; and the time to convert and lay out the 624k-character 左传.

Targets: first toggle <= 50 ms, cached <= 10 ms (per seed article, median).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

from bench.common import SHARED_CORPORA, report
from reader.articles.corpus import load_corpus
from reader.settings.state import State
from reader.system.paths import bundled
from reader.text.conversion import ORIGINAL, SIMPLIFIED, TRADITIONAL
from reader.ui.app import ReaderApp
from reader.ui.widgets.article_view import ArticleView


def _paint(view: ArticleView) -> None:
    """Draw every visible line, as a screen refresh would."""
    for y in range(view.scrollable_content_region.height):
        view.render_line(y)


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


async def _settle(app: ReaderApp, pilot) -> None:
    """Let the start-up work in the background finish, as it has when a reader first presses t."""
    while not app.query("KeyHints") or any(worker.is_running for worker in app.workers):
        await pilot.pause(0.05)


async def _seed_toggles(state_path: Path) -> dict[str, list[float]]:
    app = ReaderApp(load_corpus([bundled("seeds")]), state=State.load(state_path))
    times: dict[str, list[float]] = {"first": [], "cached": [], "repaint": []}
    async with app.run_test(size=(120, 35)) as pilot:
        view = app.query_one(ArticleView)
        await _settle(app, pilot)
        for article in app.corpus.articles:
            app.reading.open_article(article.id)
            await pilot.pause()

            def toggle(mode: str) -> None:
                view.script_mode = mode
                _paint(view)

            def repaint() -> None:
                view.redraw()
                _paint(view)

            times["repaint"].append(_timed(repaint))
            times["first"].append(_timed(lambda: toggle(SIMPLIFIED)))
            toggle(ORIGINAL)
            times["cached"].append(_timed(lambda: toggle(SIMPLIFIED)))
            toggle(ORIGINAL)
    return times


async def _long_document(path: Path, state_path: Path) -> tuple[float, float, float]:
    """Milliseconds until the text in view is shown in 繁體, until the whole is, and the UI's
    longest stall meanwhile."""
    app = ReaderApp(load_corpus([path]), state=State.load(state_path))
    async with app.run_test(size=(120, 35)) as pilot:
        view = app.query_one(ArticleView)
        await _settle(app, pilot)
        view.scroll_to(y=20_000, animate=False, immediate=True)  # Somewhere in the middle.
        await pilot.pause()
        start = time.perf_counter()
        view.script_mode = TRADITIONAL
        _paint(view)
        in_view = (time.perf_counter() - start) * 1000 if view.texts.mode == TRADITIONAL else float("nan")
        worst_gap, last = 0.0, time.perf_counter()
        while view.preparing:  # The UI keeps running: measure its longest stall.
            await pilot.pause(0.01)
            now = time.perf_counter()
            worst_gap, last = max(worst_gap, now - last), now
        return in_view, (time.perf_counter() - start) * 1000, worst_gap * 1000


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        times = asyncio.run(_seed_toggles(Path(folder) / "state.json"))
        repaint = statistics.median(times["repaint"])
        report("toggle + repaint, seed article, first (median)", statistics.median(times["first"]), repaint)
        report("toggle + repaint, seed article, cached (median)", statistics.median(times["cached"]), repaint)
        print("  targets: first <= 50 ms, cached <= 10 ms; baseline: the same view repainted without a toggle;")
        print("  measured once the start-up work in the background is done")
        print(f"  first, per article: {', '.join(f'{t:.1f}' for t in times['first'])} ms")
        zuozhuan = SHARED_CORPORA / "zuozhuan.txt"
        if zuozhuan.exists():
            in_view, whole, stall = asyncio.run(_long_document(zuozhuan, Path(folder) / "state2.json"))
            report("左传 (624k chars) to 繁體, the part in view", in_view, whole)
            print(f"  baseline: the whole converted and laid out in a worker (shown until then: the old text); "
                  f"longest UI stall meanwhile {stall:.0f} ms")
        else:
            print(f"左传: {zuozhuan} not found, skipped")
