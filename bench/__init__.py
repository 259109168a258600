"""Benchmarks for reader. Run `python -m bench` (all) or `python -m bench NAME`."""
