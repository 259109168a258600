"""The on-disk index at 10,000, 100,000 and 300,000 articles, each figure beside ripgrep on the same
files in the same run, and how each grows with the corpus.

The corpora are made from the seed sentences in the seed shape (files of 100 articles, about 4.9 KB
of text an article: 479 MB at 100,000), once, in `$READER_BENCH_DIR` (default
`~/.cache/reader-bench`); `READER_BENCH_SIZES=10000,100000` picks the sizes. Every figure comes from
fresh interpreters with their own XDG folders:

* build: `reader list` on a cold index (MB of text a second, wall and CPU), beside `rg -F -c 的`
  (how fast the files can be read and searched at all: 的 is in every line); and less what the
  same `reader list` takes on the warm index (listing 100,000 articles: the build alone);
* disk: everything reader keeps for the corpus (index and caches) against the text;
* warm first paint (median of 7, beside the seven seed articles'), then in one run of the app:
  resident memory 30 s after the first paint, the CPU it used in those 30 s, and the app's search
  (the matching articles and the hits of the first 60, as the search screen draws them) for each
  query, beside `rg -F -c` of the query;
* `reader search QUERY --json` (start-up included, warm) for the same queries beside `rg -F -o -b`
  (both print every hit); for a query with a handful of hits (a title's number) beside `rg -F -c`;
  for 豆包手機 (228,000 hits at 100,000) beside `rg -F -o -b`.

Goals at 100,000 (issue 28): paint <= 1.0 s, memory <= 300 MB, <= 2 s of CPU in the 30 s, app search
p50 <= 50 ms, build >= 20 MB/s, disk <= 1.5 x the text, the handful <= rg -F -c, 豆包手機 <= 3 x
rg -F -o -b; from 100,000 to 300,000 paint, memory and search time grow at most 1.5 x.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO
from bench.generate import generate
from bench.search import QUERIES, _percentile
from reader.text.conversion import SIMPLIFIED, convert

SIZES = [int(size) for size in os.environ.get("READER_BENCH_SIZES", "10000,100000,300000").split(",")]
PAINTS = 7
#: Rounds of each `reader search` of the query set (once each: printing every hit of a common word
#: takes seconds at 100,000) and of the two chosen queries.
QUERY_ROUNDS = 1
CLI_ROUNDS = 3
SETTLE = float(os.environ.get("READER_BENCH_SETTLE", "30"))
MANY_HITS = "豆包手機"

#: A child app that prints, as JSON: when it painted; 30 s later its memory and the CPU it used
#: since the paint; then how long the app's search takes for each query.
APP = """
import json, os, sys, time
from reader.cli.main import main
from reader.ui.app import ReaderApp
from reader.ui.widgets.article_view import ArticleView

queries = json.loads(os.environ["BENCH_QUERIES"])
settle = float(os.environ["BENCH_SETTLE"])
_mount = ReaderApp.on_mount

def cpu():
    times = os.times()
    return times.user + times.system

def on_mount(self):
    _mount(self)
    self.call_after_refresh(painted, self)

def painted(app):
    if not app.query_one(ArticleView).layout_lines:  # Not laid out yet: wait for the next refresh.
        app.call_after_refresh(painted, app)
        return
    app.bench = (time.time(), cpu())
    if settle:
        app.set_timer(settle, lambda: settled(app))
    else:
        print(json.dumps({"paint": app.bench[0]}))
        app.exit()

def settled(app):
    used = cpu() - app.bench[1]
    status = open("/proc/self/status").read()
    rss, peak = (int(status.split(key)[1].split()[0]) / 1024 for key in ("VmRSS:", "VmHWM:"))
    index = app.reading.search.index()
    times, counts = [], []
    for query in queries:
        start = time.perf_counter()
        results = index.search(query)
        for position in results.indices[:60]:
            results.hits(position)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        len(results)
        counts.append(time.perf_counter() - start)
    print(json.dumps({"paint": app.bench[0], "rss": rss, "peak": peak, "cpu": used, "search": times,
                      "count": counts}))
    app.exit()

ReaderApp.on_mount = on_mount
ReaderApp.run = lambda self, _run=ReaderApp.run: _run(self, headless=True, size=(120, 35))
main(sys.argv[1:])
"""


def environment(home: str) -> dict[str, str]:
    """Our environment with every XDG folder in `home` (no cache of the user's used or changed)."""
    homes = ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")
    environment = {**os.environ, **{name: f"{home}/{name}" for name in homes}}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def _timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of a command (its output thrown away)."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def app_figures(env: dict[str, str], corpus: list[Path], queries: list[str], settle: float) -> dict:
    """A fresh headless app on `corpus`: seconds from its spawn to its first paint; with `settle`,
    its memory and CPU `settle` s after, and its search of each of `queries` (see APP)."""
    env = {**env, "BENCH_QUERIES": json.dumps(queries), "BENCH_SETTLE": str(settle)}
    arguments = [argument for path in corpus for argument in ("--corpus", str(path))]
    spawned = time.time()
    result = subprocess.run([sys.executable, "-c", APP, *arguments], cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"benchmark child failed:\n{result.stderr[-2000:]}")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["paint"] -= spawned
    return figures


def _text_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.glob("*.txt"))


def _folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _corpus(size: int) -> Path:
    base = Path(os.environ.get("READER_BENCH_DIR", Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
                               / "reader-bench"))
    folder = base / f"seed-shaped-{size}"
    if not (folder / f".complete-{size}-100").exists():
        base.mkdir(parents=True, exist_ok=True)
        needed = size * 4900 * 3  # The text, its index, and room to spare.
        if shutil.disk_usage(base).free < needed:
            raise SystemExit(f"{base} has {shutil.disk_usage(base).free / 1e9:.1f} GB free; "
                             f"{size:,} articles need {needed / 1e9:.1f} GB (set READER_BENCH_DIR)")
        print(f"making {size:,} articles in {folder} …", flush=True)
    return generate(folder, size, per_file=100)


def _title_number(size: int) -> str:
    """A query with a handful of hits: the number ending one title (in 1 to 3 titles)."""
    return str(size * 54 // 100 + 21)


def _measure(size: int, rg: str) -> dict:
    folder = _corpus(size)
    text = _text_bytes(folder)
    queries = [q for query in QUERIES for q in dict.fromkeys([query, convert(query, SIMPLIFIED)])]
    figures: dict = {"size": size, "text": text}
    with tempfile.TemporaryDirectory() as home:
        env = environment(home)
        reader = [sys.executable, "-m", "reader"]
        figures["build"] = _timed([*reader, "list", "--corpus", str(folder)], env)
        figures["listing"] = _timed([*reader, "list", "--corpus", str(folder)], env)  # The same, warm: no build.
        figures["rg_scan"] = _timed([rg, "-F", "-c", "的", str(folder)])[0]  # In every line: it reads them all.
        seeds = REPO / "seeds"
        app_figures(env, [seeds], [], 0)  # Caches and bytecode for the seeds too.
        settled = app_figures(env, [folder], queries, SETTLE)  # Warm caches from here on.
        baseline = app_figures(env, [seeds], queries, SETTLE)
        figures["disk"] = _folder_bytes(Path(home) / "XDG_CACHE_HOME" / "reader")
        paints, seed_paints = [], []
        for _ in range(PAINTS):
            paints.append(app_figures(env, [folder], [], 0)["paint"])
            seed_paints.append(app_figures(env, [seeds], [], 0)["paint"])
        figures.update(paint=statistics.median(paints), seed_paint=statistics.median(seed_paints), app=settled,
                       seed_app=baseline)
        figures["app_rg"] = [_timed([rg, "-F", "-c", query.strip('"'), str(folder)])[0] for query in queries]
        cli, cli_rg = [], []
        for query in queries:
            ours = [_timed([*reader, "search", query, "--json", "--corpus", str(folder)], env)[0]
                    for _ in range(QUERY_ROUNDS)]
            theirs = [_timed([rg, "-F", "-o", "-b", query.strip('"'), str(folder)])[0] for _ in range(QUERY_ROUNDS)]
            cli.append(statistics.median(ours))
            cli_rg.append(statistics.median(theirs))
        figures.update(cli=cli, cli_rg=cli_rg)
        number = _title_number(size)
        figures["handful"] = (number, *_rounds([*reader, "search", number, "--json", "--corpus", str(folder)],
                                               [rg, "-F", "-c", number, str(folder)], env))
        figures["many"] = _rounds([*reader, "search", MANY_HITS, "--json", "--corpus", str(folder)],
                                  [rg, "-F", "-o", "-b", MANY_HITS, str(folder)], env)
        hits = subprocess.run([*reader, "search", MANY_HITS, "--json", "--corpus", str(folder)], cwd=REPO, env=env,
                              capture_output=True, text=True).stdout.count('"article"')
        figures["many_hits"] = hits
    return figures


def _rounds(ours: list[str], theirs: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Median wall seconds of ours and theirs, interleaved, and our median CPU seconds."""
    walls, cpus, baseline = [], [], []
    for _ in range(CLI_ROUNDS):
        wall, cpu = _timed(ours, env)
        walls.append(wall)
        cpus.append(cpu)
        baseline.append(_timed(theirs)[0])
    return statistics.median(walls), statistics.median(baseline), statistics.median(cpus)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _report(figures: dict) -> None:
    size, text, app, seed_app = figures["size"], figures["text"], figures["app"], figures["seed_app"]
    build_wall, build_cpu = figures["build"]
    print(f"\n{size:,} articles, {text / 1e6:,.0f} MB of text ({os.getloadavg()[0]:.1f} load on "
          f"{os.cpu_count()} cores)")
    list_wall, list_cpu = figures["listing"]
    print(f"  build               {text / 1e6 / build_wall:5.1f} MB/s wall ({build_wall:.1f} s), "
          f"{text / 1e6 / build_cpu:5.1f} MB/s of CPU ({build_cpu:.1f} s)   rg -F -c 的 reads it at "
          f"{text / 1e6 / figures['rg_scan']:,.0f} MB/s ({figures['rg_scan']:.2f} s)")
    print(f"  … less listing      {text / 1e6 / (build_wall - list_wall):5.1f} MB/s wall, "
          f"{text / 1e6 / (build_cpu - list_cpu):5.1f} MB/s of CPU   (the same `reader list` warm: "
          f"{list_wall:.1f} s, CPU {list_cpu:.1f} s)")
    print(f"  disk                {figures['disk'] / 1e6:,.0f} MB = {figures['disk'] / text:.2f} x the text")
    print(f"  warm first paint    {_ms(figures['paint'])}   seeds {_ms(figures['seed_paint'])}")
    print(f"  memory at {SETTLE:.0f} s      {app['rss']:.0f} MB (peak {app['peak']:.0f})   "
          f"seeds {seed_app['rss']:.0f} MB")
    print(f"  CPU in {SETTLE:.0f} s after    {app['cpu']:.2f} s   seeds {seed_app['cpu']:.2f} s")
    search, rg = app["search"], figures["app_rg"]
    print(f"  app search          p50 {_ms(statistics.median(search))}, p95 {_ms(_percentile(search, 0.95))}   "
          f"rg -F -c p50 {_ms(statistics.median(rg))}, p95 {_ms(_percentile(rg, 0.95))}   (all articles counted: "
          f"p50 {_ms(statistics.median(app['count']))}, in the background)")
    cli, cli_rg = figures["cli"], figures["cli_rg"]
    print(f"  reader search --json p50 {_ms(statistics.median(cli))}, p95 {_ms(_percentile(cli, 0.95))}   "
          f"rg -F -o -b p50 {_ms(statistics.median(cli_rg))}, p95 {_ms(_percentile(cli_rg, 0.95))}")
    number, ours, theirs, cpu = figures["handful"]
    print(f"  a handful ({number})  reader search {_ms(ours)} (CPU {_ms(cpu)})   rg -F -c {_ms(theirs)}   "
          f"ratio {ours / theirs:.2f}")
    ours, theirs, cpu = figures["many"]
    print(f"  {MANY_HITS} ({figures['many_hits']:,} hits)  reader search {_ms(ours)} (CPU {_ms(cpu)})   "
          f"rg -F -o -b {_ms(theirs)}   ratio {ours / theirs:.1f}")


def _growth(smaller: dict, larger: dict) -> None:
    def ratio(pick) -> str:
        return f"{pick(larger) / pick(smaller):.2f}"

    print(f"\ngrowth {smaller['size']:,} -> {larger['size']:,} articles ({larger['size'] / smaller['size']:.0f} x):"
          f" paint {ratio(lambda f: f['paint'])}, memory {ratio(lambda f: f['app']['rss'])}, "
          f"CPU after start {ratio(lambda f: f['app']['cpu'])}, app search p50 "
          f"{ratio(lambda f: statistics.median(f['app']['search']))}, reader search p50 "
          f"{ratio(lambda f: statistics.median(f['cli']))}, a handful {ratio(lambda f: f['handful'][1])}, "
          f"{MANY_HITS} {ratio(lambda f: f['many'][0])}, build rate "
          f"{ratio(lambda f: f['text'] / f['build'][0])}, disk per MB of text {ratio(lambda f: f['disk'] / f['text'])}")


def main() -> None:
    rg = shutil.which("rg")
    if rg is None:
        raise SystemExit("ripgrep (rg) is needed for the baselines: apt install ripgrep")
    measured = []
    for size in SIZES:
        figures = _measure(size, rg)
        _report(figures)
        measured.append(figures)
    for smaller, larger in zip(measured, measured[1:]):
        _growth(smaller, larger)
