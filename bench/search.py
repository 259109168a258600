"""Search over a generated corpus of 10,000 articles (about 17 million characters, one file each).

Measures loading and indexing (target <= 3 s), then query latency over a fixed set of queries in
both scripts (target p50 <= 20 ms), beside `rg -F -c` over the same files (target ratio <= 1.0).
Query latency is the time until the first screen of results can be drawn: the matching articles
and the hits of the first 60; counting every hit is reported on its own line.

Then the same 10,000 articles in the seed shape (100 files of 100 articles each, 48 MB): the whole
`reader search 豆包手机 --json` command, warm (its caches made by a first run), beside `rg -F -c`
of the query's Traditional form over the same files (target: <= 1.0 s; it grew with articles per
file times file size before each file was read once per command).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from bench.common import report
from bench.generate import generate
from reader.articles.corpus import load_corpus
from reader.search.index import SearchIndex
from reader.text.conversion import SIMPLIFIED, TRADITIONAL, convert, warm_up

QUERIES = ["騰訊", "馬化騰 紅包", "元寶派", "豆包手機", "10億元", "諾曼底", "AI", "字節跳動 火山引擎",
           "\"微信紅包\"", "Qwen3", "春節", "阿里 千問", "不存在的詞"]
FIRST_SCREEN = 60


def corpus_folder() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "reader-bench"
    return generate(base / "corpus-10000")


def _ms(seconds: float) -> float:
    return seconds * 1000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def seed_shaped_folder() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "reader-bench"
    return generate(base / "corpus-100x100", per_file=100)


def command_on_seed_shaped_files(query: str = "豆包手机", runs: int = 5) -> None:
    import sys

    folder = seed_shaped_folder()
    command = [sys.executable, "-m", "reader", "search", query, "--json", "--corpus", str(folder)]
    rg = shutil.which("rg")
    baseline = [rg, "-F", "-c", convert(query, TRADITIONAL), str(folder)] if rg else None

    def timed(argv: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=argv is command)
        return _ms(time.perf_counter() - start)

    timed(command)  # Makes the listing and folded-text caches: what follows is warm.
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(timed(command))
        if baseline:
            theirs.append(timed(baseline))
    hits = len(json.loads(subprocess.run(command, capture_output=True, text=True).stdout))
    print(f"seed-shaped corpus: 100 files x 100 articles in {folder}; {hits:,} hits for {query}")
    if theirs:
        report(f"`reader search {query} --json`, warm (median)", statistics.median(ours), statistics.median(theirs))
        print("  baseline: rg -F -c of the Traditional form over the same files; target <= 1000 ms")
    else:
        print(f"`reader search {query} --json`, warm: median {statistics.median(ours):.0f} ms (rg not installed)")


def main() -> None:
    command_on_seed_shaped_files()
    folder = corpus_folder()
    warm_up()
    start = time.perf_counter()
    corpus = load_corpus([folder])
    loaded = time.perf_counter()
    index = SearchIndex(corpus.articles)
    indexed = time.perf_counter()
    characters = sum(len(a.body) for a in corpus.articles)
    print(f"corpus: {len(corpus.articles):,} articles, {characters:,} characters in {folder}")
    print(f"load {_ms(loaded - start):.0f} ms + index {_ms(indexed - loaded):.0f} ms = "
          f"{_ms(indexed - start):.0f} ms  (target <= 3000 ms)")
    start = time.perf_counter()
    index.warm_up()
    print(f"background warm-up of common characters: {_ms(time.perf_counter() - start):.0f} ms (after the index)")

    queries = [q for query in QUERIES for q in dict.fromkeys([query, convert(query, SIMPLIFIED)])]
    ours, totals, theirs = [], [], []
    rg = shutil.which("rg")
    for query in queries:
        start = time.perf_counter()
        results = index.search(query)
        for position in results.indices[:FIRST_SCREEN]:
            results.hits(position)
        ours.append(_ms(time.perf_counter() - start))
        start = time.perf_counter()
        results.total()
        totals.append(_ms(time.perf_counter() - start))
        if rg:
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                subprocess.run([rg, "-F", "-c", query.strip('"'), str(folder)], stdout=subprocess.DEVNULL)
                runs.append(_ms(time.perf_counter() - start))
            theirs.append(statistics.median(runs))
    print(f"{len(queries)} queries (both scripts): {', '.join(queries)}")
    if theirs:
        report("query p50 (to the first screen of results)", statistics.median(ours), statistics.median(theirs))
        report("query p95", _percentile(ours, 0.95), _percentile(theirs, 0.95))
        print("  baseline: rg -F -c QUERY over the same files, median of 3; targets: p50 <= 20 ms, ratio <= 1.0")
    else:
        print(f"query p50 {statistics.median(ours):.1f} ms, p95 {_percentile(ours, 0.95):.1f} ms (rg not installed)")
    print(f"counting every hit afterwards (in the background): p50 {statistics.median(totals):.0f} ms, "
          f"p95 {_percentile(totals, 0.95):.0f} ms")
    print("  per query, ours / rg ms: " + ", ".join(
        f"{q} {o:.0f}/{t:.0f}" for q, o, t in zip(queries, ours, theirs or [0] * len(ours))))
