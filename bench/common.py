"""Timing helpers: medians of interleaved runs, so both sides see the same machine noise."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

REPO = Path(__file__).resolve().parent.parent
SHARED_CORPORA = REPO.parent / "shared" / "corpora"


def run_python(code: str, env: dict | None = None) -> tuple[float, ...]:
    """A fresh interpreter running `code`: (seconds from spawn to the wall-clock time it printed
    first, seconds until it exited, then the other numbers it printed)."""
    spawned, start = time.time(), time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"benchmark child failed:\n{result.stderr[-2000:]}")
    first, *rest = (float(word) for word in result.stdout.split())
    return (first - spawned, elapsed, *rest)


def interleaved(candidates: dict[str, Callable[[], T]], rounds: int) -> dict[str, list[T]]:
    """Call each candidate once per round, in turn, and collect what they return."""
    times: dict[str, list[T]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, candidate in candidates.items():
            times[name].append(candidate())
    return times


def report(label: str, value: float, baseline: float, unit: str = "ms", target: float | None = None) -> None:
    ratio = value / baseline if baseline else float("inf")
    verdict = "" if target is None else ("  ok" if ratio <= target else f"  OVER target {target}")
    print(f"{label:<42} {value:9.1f} {unit}  baseline {baseline:9.1f} {unit}  ratio {ratio:5.2f}{verdict}")


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000
