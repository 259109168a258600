"""What the entry point and the subcommands share: usage errors, the corpus the command line names,
and JSON output."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from reader.system import paths
from reader.text.controls import json_for_terminal

if TYPE_CHECKING:
    from reader.articles.corpus import Article, Corpus


class UsageError(Exception):
    """A bad command line or reference: exit status 2."""


#: The longest --timeout taken: a day (a larger number, `inf` or `nan` is a mistake, not a wish).
LONGEST_TIMEOUT = 86400.0


def seconds(text: str) -> float:
    """An argparse type: a number of seconds, more than 0 and at most `LONGEST_TIMEOUT`."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= LONGEST_TIMEOUT:  # False for nan.
        raise argparse.ArgumentTypeError(f"must be a number of seconds, more than 0 and at most {LONGEST_TIMEOUT:g}"
                                         f" (not {text!r})")
    return value


class Progress:
    """`[3/12] fetching …` on one line of a terminal's stderr (nothing when stderr is a file).

    The line's own control characters (carriage return, erase to the end of the line) go to the
    terminal as they are; the message, which holds titles and URLs from outside, is shown with
    its control characters made visible (`TerminalStream` would do the same to the line's own)."""

    def __init__(self, *, finished: bool = False) -> None:
        """`finished`: each message tells of an item done (counted in `done`), not of one begun."""
        self.shown = False
        self.live = sys.stderr.isatty()
        self.ahead = 0 if finished else 1

    def __call__(self, done: int, total: int, message: str) -> None:
        if not self.live or total < 2:
            return
        import shutil

        from rich.cells import set_cell_size

        from reader.text.controls import visible_controls

        width = shutil.get_terminal_size().columns - 1
        line = visible_controls(f"[{min(done + self.ahead, total)}/{total}] {message}")
        self._write("\r" + set_cell_size(line, width))  # Chinese takes two cells: a longer line would wrap.
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False

    @staticmethod
    def _write(text: str) -> None:
        stream = getattr(sys.stderr, "stream", sys.stderr)  # Past `TerminalStream`.
        stream.write(text)
        stream.flush()


def library_folder(args: argparse.Namespace) -> Path:
    """The library: `--library`, else `READER_LIBRARY`, else `library` in the data folder."""
    return paths.library_dir(getattr(args, "library", None))


def corpus_paths(args: argparse.Namespace) -> list[Path]:
    """`--corpus` as given; else the bundled seeds and the library (`--seeds-only`,
    `--library-only`: one of them). A library that does not exist or holds nothing is left out
    (it costs one look at the folder, and no "skipped" warning)."""
    given = getattr(args, "corpus", None)
    if given:
        return distinct_roots(given)
    only = getattr(args, "only", None)
    chosen = [] if only == "library" else [paths.bundled("seeds")]
    if only != "seeds":
        library = library_folder(args)
        if only == "library" and library.exists() and not library.is_dir():
            print(f"reader: the library {library} is a file, not a folder", file=sys.stderr)
            raise SystemExit(1)  # Nothing to load, as an empty library; it is not an article.
        if only == "library" or _holds_anything(library):
            chosen.append(library)
    return chosen


def distinct_roots(given: list[Path]) -> list[Path]:
    """The files and folders given, each once: a path given again, or one a folder also given
    lists already, is left out (`reader a.txt .` listed a.txt twice). One that does not exist, or
    that the folder would not list (another kind of file), stays."""
    from reader.articles.corpus import expand

    absolute = [os.path.abspath(path) for path in given]
    folders = [path for path in dict.fromkeys(absolute) if os.path.isdir(path)]
    listed: dict[str, set[str]] = {}

    def covered(path: str) -> bool:
        for folder in folders:
            if path == folder or not path.startswith(folder.rstrip(os.sep) + os.sep) or not os.path.exists(path):
                continue
            if os.path.isdir(path):
                return True
            if folder not in listed:
                listed[folder] = set(expand([Path(folder)])[0])
            if path in listed[folder]:
                return True
        return False

    return [path for index, path in enumerate(given)
            if absolute[index] not in absolute[:index] and not covered(absolute[index])]


def _holds_anything(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(not entry.name.startswith(".") for entry in entries)
    except OSError:
        return False


def load_articles(args: argparse.Namespace, *, trust_cache: bool = False) -> Corpus:
    """The corpus the command line names, listed from the index (brought up to date first,
    unless `trust_cache`: the app does it after its first paint, except when the index lists no
    article, which may have changed since); skipped files are reported, no article at all exits 1."""
    from reader.articles.corpus import load_corpus
    from reader.articles.indexed import CorpusCache

    cache = CorpusCache(paths.cache_dir() / "index")
    corpus = load_corpus(corpus_paths(args), cache, trust_cache=trust_cache) if trust_cache else None
    if corpus is None or not corpus.articles:  # "Nothing here" may be stale: not a reason to stop.
        progress = IndexingProgress(sys.stderr)
        corpus = load_corpus(corpus_paths(args), cache, progress=progress)
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


def find_article(corpus: Corpus, ref: str) -> Article:
    """An article by id or 1-based number; UsageError naming what to give if none is."""
    article = corpus.find(ref)
    if article is None:
        raise UsageError(
            f"no article {ref!r}: give an id from `reader list` or a number from 1 to {len(corpus.articles)}"
        )
    return article


def write_output(output: Path | None, text: str, written: str) -> None:
    """`text` to stdout, or to the file `--output` names, saying on stderr `wrote {written} to …`;
    a file that cannot be written is one line and status 1."""
    if output is None:
        sys.stdout.write(text)
        return
    from reader.system.storage import write_named

    try:
        write_named(output, text)
    except OSError as error:
        print(f"reader: cannot write {output}: {error.strerror or error}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"wrote {written} to {output}", file=sys.stderr)


def whole_number(least: int, meaning: str) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `least`; `meaning` says why, in the error."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if number < least:
            raise argparse.ArgumentTypeError(f"{number} is below {least} ({meaning})")
        return number

    return parse


def print_json(data: object) -> None:
    """Indented JSON, control characters escaped (`json_for_terminal`); a list of rows (flat
    objects) one row a line, encoded in one call of the C encoder (22,000 hits in a seventh of a
    second, against a second through the indenting one). Splitting at `}, {"` is safe: inside a
    string a quote is always escaped."""
    if isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
        print("[\n  " + json_for_terminal(data)[1:-1].replace('}, {"', '},\n  {"') + "\n]")
    else:
        print(json_for_terminal(data, indent=2))
