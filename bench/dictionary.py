"""The dictionary: loading CC-CEDICT (first time, building the cache; then from the cache) beside
decompressing the raw data file, the memory it holds, a look-up and `matches_at` per call.

Targets (issue 15): load <= 400 ms and <= 80 MB; a look-up <= 2 ms.
"""

from __future__ import annotations

import gzip
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bench.common import REPO, interleaved, median_ms, report
from reader.dictionary import Dictionary
from reader.dictionary.cedict import data_file
from reader.system.paths import bundled

_RSS = """
import sys, time
from pathlib import Path
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
before = rss()
from reader.dictionary import Dictionary
start = time.perf_counter()
dictionary = Dictionary.load(Path(sys.argv[1]))
print(time.perf_counter() - start, rss() - before)
"""


def _timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    data = data_file()
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        cold = _timed(lambda: Dictionary.load(cache))
        raw = _timed(lambda: gzip.decompress(data.read_bytes()))
        report("load, first time (parse, write the cache)", cold * 1000, raw * 1000)
        times = interleaved({
            "load": lambda: _timed(lambda: Dictionary.load(cache)),
            "gunzip": lambda: _timed(lambda: gzip.decompress(data.read_bytes())),
        }, rounds=7)
        load_ms = median_ms(times["load"])
        report("load from the cache (vs gunzip of the data)", load_ms, median_ms(times["gunzip"]))
        print(f"{'':42} target 400 ms: {'ok' if load_ms <= 400 else 'OVER'}")

        tracemalloc.start()
        dictionary = Dictionary.load(cache)
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        tracemalloc.start()
        unpacked = gzip.decompress(data.read_bytes())
        raw_current, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del unpacked
        report("memory held (tracemalloc, vs the raw text)", current / 2**20, raw_current / 2**20, unit="MB")
        print(f"{'':42} peak while loading {peak / 2**20:.1f} MB; target 80 MB: "
              f"{'ok' if peak <= 80 * 2**20 else 'OVER'}")
        result = subprocess.run([sys.executable, "-c", _RSS, str(cache)], capture_output=True, text=True, cwd=REPO)
        seconds, rss = (float(word) for word in result.stdout.split())
        print(f"{'fresh process: load, RSS added':42} {seconds * 1000:9.1f} ms  {rss:9.1f} MB")

    body = "".join(p.read_text(encoding="utf-8") for p in sorted(bundled("seeds").glob("*.txt")))[:20_000]
    words = [match.text for match in dictionary.segments(body)]
    positions = range(len(body))
    lookups = statistics.median(
        _timed(lambda: [dictionary.lookup(word) for word in words]) / len(words) for _ in range(5)
    )
    dictionary._entries.clear()
    first = _timed(lambda: [dictionary.lookup(word) for word in words]) / len(words)
    matches = statistics.median(
        _timed(lambda: [dictionary.matches_at(body, p) for p in positions]) / len(body) for _ in range(3)
    )
    membership = statistics.median(
        _timed(lambda: [word in body for word in words]) / len(words) for _ in range(5)
    )
    report(f"look-up per word ({len(words):,} seed words, vs `in`)", lookups * 1e6, membership * 1e6, unit="µs")
    print(f"{'':42} entries not yet parsed: {first * 1e6:.1f} µs; target 2 ms: "
          f"{'ok' if max(first, lookups) <= 0.002 else 'OVER'}")
    report("matches_at per position (vs look-up)", matches * 1e6, lookups * 1e6, unit="µs")
