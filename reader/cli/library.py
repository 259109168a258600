"""The `reader` subcommands of the library: `add` and `remove` (registered by `reader.cli.commands`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.articles.web import DEFAULT_TIMEOUT
from reader.cli.shared import Progress, library_folder, seconds

if TYPE_CHECKING:
    from reader.articles.corpus import Article


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to the `reader` parser."""
    add = commands.add_parser(
        "add", parents=[common], help="add web pages, feeds, EPUBs or text files to the library",
        description="Add articles to the library: a web page (URL or saved .html file), an RSS or Atom feed "
                    "(URL or file: every entry not added before; a feed's URL is followed, see `reader feeds` and "
                    "`reader update`), an EPUB (each chapter), a .txt/.md file.",
    )
    add.add_argument("sources", nargs="+", metavar="PATH_OR_URL", help="what to add")
    add.add_argument("--tag", action="append", default=[], dest="tags", help="tag what is added (repeatable)")
    add.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                     help=f"give up on a URL after this long (default {DEFAULT_TIMEOUT:g})")

    remove = commands.add_parser("remove", parents=[common], help="delete an article from the library")
    remove.add_argument("articles", nargs="+", metavar="ARTICLE",
                        help="an article id from `reader list`, or its 1-based number there")


def cmd_add(args: argparse.Namespace) -> None:
    from reader.articles.library import add_sources

    progress = Progress()
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
    for url in report.subscribed:
        print(f"subscribed to {url}: `reader update` brings its new entries")
    if report.subscribe_error:
        print(f"reader: {report.subscribe_error}", file=sys.stderr)
    if len(report.added) + len(report.skipped) + len(report.failed) > 1 or report.summaries:
        print(report.summary())
    if not report.ok:
        raise SystemExit(1)


def cmd_remove(args: argparse.Namespace) -> None:
    from reader.articles.indexed import CorpusCache
    from reader.articles.library import LibraryError, remove_article
    from reader.system import paths

    library = library_folder(args)
    index = CorpusCache(paths.cache_dir() / "index")
    numbered = _numbered(args)
    failed = False
    for ref in args.articles:
        article = numbered.get(ref)
        if article is not None and not Path(article.path).resolve().is_relative_to(library.resolve()):
            print(f"reader: article {ref} ({article.title}) is in {article.path}, not in the library "
                  f"{library}: only articles added with `reader add` are removed", file=sys.stderr)
            failed = True
            continue
        try:
            removed = remove_article(library, article.id if article is not None else ref, index)
        except LibraryError as error:
            print(f"reader: {error}", file=sys.stderr)
            failed = True
            continue
        print(f"removed {removed.article_id}  {removed.title}  ({removed.path})")
        if removed.problem:
            print(f"reader: {removed.problem}", file=sys.stderr)
    if failed:
        raise SystemExit(2)  # A reference that does not exist, as elsewhere.


def _numbered(args: argparse.Namespace) -> dict[str, Article]:
    """The articles named by their number in `reader list` (as `show` takes them)."""
    if not any(ref.isdigit() for ref in args.articles):
        return {}
    from reader.cli.shared import load_articles

    corpus = load_articles(args)
    found = {ref: corpus.find(ref) for ref in args.articles if ref.isdigit()}
    return {ref: article for ref, article in found.items() if article is not None}


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {"add": cmd_add, "remove": cmd_remove}


