"""What the entry point and the subcommands share: usage errors, the corpus the command line names,
and JSON output."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader.system import paths
from reader.text.controls import json_for_terminal

if TYPE_CHECKING:
    from reader.articles.corpus import Corpus


class UsageError(Exception):
    """A bad command line or reference: exit status 2."""


def library_folder(args: argparse.Namespace) -> Path:
    """The library: `--library`, else `READER_LIBRARY`, else `library` in the data folder."""
    return paths.library_dir(getattr(args, "library", None))


def corpus_paths(args: argparse.Namespace) -> list[Path]:
    """`--corpus` as given; else the bundled seeds and the library (`--seeds-only`,
    `--library-only`: one of them). A library that does not exist or holds nothing is left out
    (it costs one look at the folder, and no "skipped" warning)."""
    given = getattr(args, "corpus", None)
    if given:
        return given
    only = getattr(args, "only", None)
    chosen = [] if only == "library" else [paths.bundled("seeds")]
    if only != "seeds":
        library = library_folder(args)
        if only == "library" or _holds_anything(library):
            chosen.append(library)
    return chosen


def _holds_anything(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(not entry.name.startswith(".") for entry in entries)
    except OSError:
        return False


def load_articles(args: argparse.Namespace, *, trust_cache: bool = False) -> Corpus:
    """The corpus the command line names; skipped files are reported, no article at all exits 1."""
    from reader.articles.corpus import CorpusCache, load_corpus

    corpus = load_corpus(corpus_paths(args), CorpusCache(paths.cache_dir() / "corpus"), trust_cache=trust_cache)
    for problem in corpus.problems:
        print(f"reader: skipped {problem}", file=sys.stderr)
    if not corpus.articles:
        raise SystemExit(1) from None
    return corpus


def print_json(data: object) -> None:
    """Indented JSON, control characters escaped (`json_for_terminal`); a list of rows (flat
    objects) one row a line, encoded in one call of the C encoder (22,000 hits in a seventh of a
    second, against a second through the indenting one). Splitting at `}, {"` is safe: inside a
    string a quote is always escaped."""
    if isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
        print("[\n  " + json_for_terminal(data)[1:-1].replace('}, {"', '},\n  {"') + "\n]")
    else:
        print(json_for_terminal(data, indent=2))
