"""Annotation saves with 10,000 annotations in the file (target <= 50 ms a change) and loading it,
beside plainly writing and parsing the same JSON (no lock, no merge check, no fsync, no backup);
then 4 processes adding 50 each to that file at once, every one of them kept, beside one process
adding the same 200 alone.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import report
from reader.annotations.store import Annotation, AnnotationStore
from reader.articles.corpus import load_corpus
from reader.system.paths import bundled

COUNT = 10_000
CHANGES = 30


def main() -> None:
    articles = load_corpus([bundled("seeds")]).articles
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "annotations.json"
        store = AnnotationStore(path)
        seeded = []
        for number in range(COUNT):
            article = articles[number % len(articles)]
            start = (number * 37) % (len(article.body) - 40)
            annotation = Annotation.new(
                article.id, article.body, start, start + 12, note=f"筆記 {number}", tags=["標籤"]
            )
            seeded.append(annotation)
        store.add_many(seeded)  # Seed the file in one save; every change below goes the normal way.
        store = AnnotationStore(path)
        size = path.stat().st_size
        start = time.perf_counter()
        store.prepare()
        prepared = time.perf_counter() - start
        saves, plain = [], []
        for number in range(CHANGES):
            article = articles[number % len(articles)]
            annotation = Annotation.new(article.id, article.body, 10, 20, note="新的")
            start = time.perf_counter()
            store.add(annotation)
            saves.append(time.perf_counter() - start)
            text = path.read_text(encoding="utf-8")
            start = time.perf_counter()
            (Path(folder) / "plain.json").write_text(text, encoding="utf-8")
            plain.append(time.perf_counter() - start)
        loads, parses = [], []
        for _ in range(5):
            start = time.perf_counter()
            AnnotationStore(path)
            loads.append(time.perf_counter() - start)
            start = time.perf_counter()
            json.loads(path.read_text(encoding="utf-8"))
            parses.append(time.perf_counter() - start)
        alone = _writers(path, 1, WRITERS * EACH)
        together, kept = _writers(path, WRITERS, EACH)
    print(f"file: {COUNT + CHANGES:,} annotations, {size / 1e6:.1f} MB; "
          f"preparing their JSON after loading (a thread at start): {1000 * prepared:.0f} ms")
    report("save one change (median)", 1000 * statistics.median(saves), 1000 * statistics.median(plain), target=None)
    print(f"  p95 {1000 * sorted(saves)[int(0.95 * (len(saves) - 1))]:.1f} ms; target <= 50 ms; "
          "baseline: writing the same bytes plainly")
    report("load the file (median)", 1000 * statistics.median(loads), 1000 * statistics.median(parses))
    print("  baseline: json.loads of the same file")
    report(f"{WRITERS} processes x {EACH} adds at once (wall)", 1000 * together, 1000 * alone[0], target=None)
    print(f"  kept {kept:,} of {WRITERS * EACH:,}; baseline: one process adding {WRITERS * EACH} alone")


WRITERS, EACH = 4, 50


def _add(path: str, name: str, count: int, start) -> None:
    store = AnnotationStore(Path(path))
    start.wait()
    body = "騰訊在深圳。" * 10
    for number in range(count):
        store.add(Annotation.new("bench", body, number % 50, number % 50 + 1, note=f"{name}-{number}"))


def _writers(path: Path, writers: int, each: int) -> tuple[float, int]:
    """Wall time for `writers` processes each adding `each`, and how many of those are in the file."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    start = context.Event()
    tag = f"run{writers}"
    processes = [context.Process(target=_add, args=(str(path), f"{tag}-{n}", each, start)) for n in range(writers)]
    for process in processes:
        process.start()
    time.sleep(1.0)  # Let every process load the file before the clock starts.
    began = time.perf_counter()
    start.set()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - began
    kept = sum(a.note.startswith(tag) for a in AnnotationStore(path).all())
    return elapsed, kept
