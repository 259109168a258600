"""Large corpora and very long articles stay instant.

* 10,000 articles (the search benchmark's corpus): time to first paint without caches (target
  <= 2 s) and with them (target <= 1.2 x the seven seed articles), beside the seeds' own; memory
  once all background work is done (target <= 600 MB); filtering and paging the list.
* 左传 (624,000 characters): time until its text is on screen, paging (target <= 30 ms a page),
  memory (target <= 400 MB), and the script toggle in the background with the UI's longest stall.

Children are fresh interpreters (headless, 120x35, bytecode cached); runs interleave.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, SHARED_CORPORA, report
from bench.index import app_figures, environment
from bench.search import corpus_folder

ROUNDS = 5
#: The warm first paints are compared by ratio: more rounds, as this machine's speed jumps between runs.
WARM_ROUNDS = 11

SETTLED = """
import asyncio, resource, sys, time
from pathlib import Path
from reader.system import paths
from reader.ui.app import ReaderApp
from reader.articles.corpus import load_corpus
from reader.articles.indexed import CorpusCache

async def run():
    cache = CorpusCache(paths.cache_dir() / "index")
    corpus = load_corpus([Path(p) for p in sys.argv[1:]], cache)
    app = ReaderApp(corpus, corpus_source=(lambda: [Path(p) for p in sys.argv[1:]], cache))
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause(1)
        deadline = time.time() + 900
        while time.time() < deadline and app.reading.busy:
            await pilot.pause(0.5)
    print(peak_mb())

def peak_mb():
    # This process's peak resident memory. Not ru_maxrss alone: on Linux that keeps the peak of
    # the process it was forked from (a `python -m bench` that ran the search benchmark first).
    try:
        status = open("/proc/self/status").read()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

asyncio.run(run())
"""


def _paint_ms(env: dict, *corpus: Path) -> float:
    return app_figures(env, list(corpus), [], 0)["paint"] * 1000


def _settled_mb(env: dict, *corpus: Path) -> float:
    result = subprocess.run([sys.executable, "-c", SETTLED, *map(str, corpus)], cwd=REPO, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"benchmark child failed:\n{result.stderr[-2000:]}")
    return float(result.stdout.split()[-1])


def _corpus_figures(big: Path, seeds: Path) -> None:
    cold, seeded = [], []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as home:  # No caches at all.
            env = environment(home)
            cold.append(_paint_ms(env, big))
            seeded.append(_paint_ms(env, seeds))
    report("10,000 articles, first paint, no caches", statistics.median(cold), statistics.median(seeded))
    print("  target <= 2000 ms; baseline: the seven seed articles")
    with tempfile.TemporaryDirectory() as home:
        env = environment(home)
        _paint_ms(env, big), _paint_ms(env, seeds)  # Fill the caches (and bytecode).
        memory = _settled_mb(env, big)
        warm, baseline = [], []
        for _ in range(WARM_ROUNDS):
            warm.append(_paint_ms(env, big))
            baseline.append(_paint_ms(env, seeds))
        seeds_memory = _settled_mb(env, seeds)
    report(
        "10,000 articles, first paint, caches warm", statistics.median(warm), statistics.median(baseline), target=1.2
    )
    report("10,000 articles, memory when all work is done", memory, seeds_memory, unit="MB")
    print("  target <= 600 MB (maximum RSS); baseline: the seed articles")


def _list_figures(big: Path) -> None:
    import asyncio

    from reader.articles.corpus import load_corpus
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.sidebar import Sidebar

    async def run() -> tuple[list[float], list[float]]:
        with tempfile.TemporaryDirectory() as folder:
            from reader.annotations.store import AnnotationStore
            from reader.settings.state import State

            app = ReaderApp(load_corpus([big]), state=State.load(Path(folder) / "s.json"),
                            annotations=AnnotationStore(Path(folder) / "a.json"))
            async with app.run_test(size=(120, 35)):
                sidebar = app.query_one(Sidebar)
                article_list = app.query_one(ArticleList)
                filters, pages = [], []
                for query in ["騰訊", "豆包手機", "", "諾曼底", "2015", ""]:
                    start = time.perf_counter()
                    sidebar.apply_filter(query)
                    for y in range(article_list.scrollable_content_region.height):
                        article_list.render_line(y)
                    filters.append((time.perf_counter() - start) * 1000)
                for _ in range(20):
                    start = time.perf_counter()
                    article_list.action_page_down()
                    for y in range(article_list.scrollable_content_region.height):
                        article_list.render_line(y)
                    pages.append((time.perf_counter() - start) * 1000)
                return filters, pages

    filters, pages = asyncio.run(run())
    print(f"10,000 articles, list: filter and redraw median {statistics.median(filters):.1f} ms "
          f"(max {max(filters):.1f}); a page down {statistics.median(pages):.1f} ms (max {max(pages):.1f})")


def _long_article(path: Path, seeds: Path) -> None:
    import asyncio

    from reader.articles.corpus import load_corpus
    from reader.text.conversion import TRADITIONAL
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.article_view import ArticleView

    with tempfile.TemporaryDirectory() as home:
        env = environment(home)
        _paint_ms(env, path), _paint_ms(env, seeds)
        opens, baseline = [], []
        for _ in range(ROUNDS):
            opens.append(_paint_ms(env, path))
            baseline.append(_paint_ms(env, seeds))
        memory = _settled_mb(env, path)
    report("左传, its text on screen (from process start)", statistics.median(opens), statistics.median(baseline))
    print("  target <= 1000 ms to open; baseline: the seeds' first paint")

    async def run() -> tuple[list[float], list[float], float, float]:
        with tempfile.TemporaryDirectory() as folder:
            from reader.annotations.store import AnnotationStore
            from reader.settings.state import State

            def paged(app, view) -> float:
                start = time.perf_counter()
                view.action_page_down()
                for y in range(view.scrollable_content_region.height):
                    view.render_line(y)
                return (time.perf_counter() - start) * 1000

            seeds_app = ReaderApp(load_corpus([seeds]), state=State.load(Path(folder) / "t.json"),
                                  annotations=AnnotationStore(Path(folder) / "b.json"))
            async with seeds_app.run_test(size=(120, 35)) as pilot:
                view = seeds_app.query_one(ArticleView)
                await pilot.pause()
                seed_pages = [paged(seeds_app, view) for _ in range(5)]
            app = ReaderApp(load_corpus([path]), state=State.load(Path(folder) / "s.json"),
                            annotations=AnnotationStore(Path(folder) / "a.json"))
            async with app.run_test(size=(120, 35)) as pilot:
                view = app.query_one(ArticleView)
                while view._busy or view.texts is None:
                    await pilot.pause(0.05)
                pages = [paged(app, view) for _ in range(30)]
                start = last = time.perf_counter()
                worst = 0.0
                view.script_mode = TRADITIONAL
                while view.texts.mode != TRADITIONAL:
                    await pilot.pause(0.01)
                    now = time.perf_counter()
                    worst, last = max(worst, now - last), now
                return pages, seed_pages, (time.perf_counter() - start) * 1000, worst * 1000

    pages, seed_pages, toggle, stall = asyncio.run(run())
    report("左传, a page down (median)", statistics.median(pages), statistics.median(seed_pages))
    print(f"  max {max(pages):.1f} ms; target <= 30 ms; baseline: a page down in a seed article")
    print(f"左传 to 繁體 in a worker: {toggle:.0f} ms; the UI's longest stall meanwhile {stall:.0f} ms")
    print(f"左传, memory when all work is done: {memory:.0f} MB (target <= 400 MB)")


def main() -> None:
    seeds = REPO / "seeds"
    big = corpus_folder()
    _corpus_figures(big, seeds)
    _list_figures(big)
    zuozhuan = SHARED_CORPORA / "zuozhuan.txt"
    if zuozhuan.exists():
        _long_article(zuozhuan, seeds)
    else:
        print(f"{zuozhuan} not found: the long-article figures are skipped")
