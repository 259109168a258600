"""What the entry point and the subcommands share: usage errors and the corpus the command line names."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reader.system import paths

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
    """The corpus the command line names, listed from the index (brought up to date first,
    unless `trust_cache`: the app does it after its first paint); skipped files are reported, no
    article at all exits 1."""
    from reader.articles.corpus import load_corpus
    from reader.articles.indexed import CorpusCache

    progress = None if trust_cache else IndexingProgress(sys.stderr)
    corpus = load_corpus(corpus_paths(args), CorpusCache(paths.cache_dir() / "index"), trust_cache=trust_cache,
                         progress=progress)
    if progress is not None:
        progress.finish()
    for problem in corpus.problems:
        print(f"reader: skipped {problem}", file=sys.stderr)
    if not corpus.articles:
        raise SystemExit(1) from None
    return corpus


class IndexingProgress:
    """How far indexing has gone, on stderr, when there is enough to index for it to take a while:
    one line kept up to date on a terminal, a line every tenth otherwise."""

    #: Bytes of text below which indexing is quick enough to go unannounced.
    QUIET_BELOW = 32 << 20

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = -1
        self._started = 0.0

    def __call__(self, done: int, total: int) -> None:
        from reader.articles.indexed import indexing_progress

        if total < self.QUIET_BELOW:
            return
        if self.shown < 0:
            self._started = time.monotonic()
        tenth = 10 * done // total
        terminal = self.stream.isatty()
        if not terminal and tenth == self.shown:
            return
        self.shown = tenth
        elapsed = time.monotonic() - self._started
        rate = f" ({done / elapsed / 1e6:.0f} MB/s)" if done and elapsed > 0.5 else ""
        line = f"reader: {indexing_progress(done, total)}{rate}"
        self.stream.write(f"\r{line}" if terminal else f"{line}\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.shown >= 0 and self.stream.isatty():
            self.stream.write("\n")
