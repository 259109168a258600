"""Run the benchmarks: `python -m bench` for all, or name some: `python -m bench startup`."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["startup", "script", "hints", "entities", "ner", "search", "annotations", "large", "dictionary", "add",
              "feeds"]


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in names or BENCHMARKS:
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main()
        print()
    return 0


sys.exit(main(sys.argv[1:]))
