"""The `reader` subcommands of the library: `add` and `remove` (registered by `reader.cli.commands`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from reader.articles.web import DEFAULT_TIMEOUT
from reader.cli.shared import UsageError, library_folder


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to the `reader` parser."""
    add = commands.add_parser(
        "add", parents=[common], help="add web pages, feeds, EPUBs or text files to the library",
        description="Add articles to the library: a web page (URL or saved .html file), an RSS or Atom feed "
                    "(URL or file: every entry not added before), an EPUB (each chapter), a .txt/.md file.",
    )
    add.add_argument("sources", nargs="+", metavar="PATH_OR_URL", help="what to add")
    add.add_argument("--tag", action="append", default=[], dest="tags", help="tag what is added (repeatable)")
    add.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                     help=f"give up on a URL after this long (default {DEFAULT_TIMEOUT:g})")

    remove = commands.add_parser("remove", parents=[common], help="delete an article from the library")
    remove.add_argument("articles", nargs="+", metavar="ID", help="an article id from `reader list`")


class _Progress:
    """`[3/12] fetching …` on one line of a terminal's stderr (nothing when stderr is a file)."""

    def __init__(self) -> None:
        self.shown = False
        self.live = sys.stderr.isatty()

    def __call__(self, done: int, total: int, message: str) -> None:
        if not self.live or total < 2:
            return
        import shutil

        width = shutil.get_terminal_size().columns - 1
        line = f"[{min(done + 1, total)}/{total}] {message}"
        sys.stderr.write("\r" + line[:width].ljust(width))
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False


def cmd_add(args: argparse.Namespace) -> None:
    from reader.articles.library import add_sources

    if args.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    progress = _Progress()
    report = add_sources(args.sources, library_folder(args), args.tags, args.timeout, progress)
    progress.clear()
    for added in report.added:
        source = f"  ({added.source})" if added.source else ""
        print(f"added {added.article_id}  {added.title}{source}")
    for skipped in report.skipped:
        print(f"reader: skipped {skipped.what}: {skipped.reason}", file=sys.stderr)
    for failed in report.failed:
        print(f"reader: {failed.what}: {failed.reason}", file=sys.stderr)
    if report.error:
        print(f"reader: {report.error}", file=sys.stderr)
    if len(report.added) + len(report.skipped) + len(report.failed) > 1:
        print(report.summary())
    if not report.ok:
        raise SystemExit(1)


def cmd_remove(args: argparse.Namespace) -> None:
    from reader.articles.indexed import CorpusCache
    from reader.articles.library import LibraryError, remove_article
    from reader.system import paths

    library = library_folder(args)
    index = CorpusCache(paths.cache_dir() / "index")
    failed = False
    for ref in args.articles:
        try:
            removed = remove_article(library, ref, index)
        except LibraryError as error:
            print(f"reader: {error}", file=sys.stderr)
            failed = True
            continue
        print(f"removed {removed.article_id}  {removed.title}  ({removed.path})")
    if failed:
        raise SystemExit(2)  # A reference that does not exist, as elsewhere.


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {"add": cmd_add, "remove": cmd_remove}


