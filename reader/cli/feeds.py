"""The `reader` subcommands of following feeds: `feeds` (list, remove, OPML in and out), `update`
and `mark` (registered by `reader.cli.commands`); and the read state `list` shows."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.articles.web import DEFAULT_JOBS, DEFAULT_TIMEOUT
from reader.cli.shared import (
    Progress,
    UsageError,
    find_article,
    library_folder,
    load_articles,
    print_json,
    seconds,
    write_output,
)

if TYPE_CHECKING:
    from reader.articles.corpus import Article
    from reader.articles.readstate import ReadState
    from reader.articles.subscriptions import Subscription, Subscriptions


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to the `reader` parser."""
    feeds = commands.add_parser(
        "feeds", parents=[common], help="the feeds you follow: list, remove, import or export OPML",
        description="List the feeds you follow (`reader add FEED_URL` follows one), remove one, or exchange "
                    "them with another feed reader as OPML.",
    )
    feeds.add_argument("--json", action="store_true", help="print JSON")
    exchange = feeds.add_mutually_exclusive_group()
    exchange.add_argument("--import", dest="import_file", type=Path, metavar="FILE.opml",
                          help="follow the feeds an OPML file lists (another reader's export)")
    exchange.add_argument("--export", action="store_true", help="the feeds as OPML (standard output by default)")
    feeds.add_argument("--output", type=Path, metavar="FILE", help="with --export: write here")
    actions = feeds.add_subparsers(dest="feeds_action", metavar="remove")  # Optional: `reader feeds` lists.
    remove = actions.add_parser("remove", parents=[common], help="stop following feeds (their articles stay)")
    remove.add_argument("feeds", nargs="+", metavar="FEED", help="a feed's URL, or its number in `reader feeds`")

    update = commands.add_parser(
        "update", parents=[common], help="fetch the feeds you follow and add what is new",
        description="Fetch every feed you follow (or those named), a few at once, asking each server for the "
                    "feed only if it changed; add the entries not in the library yet.",
    )
    update.add_argument("feeds", nargs="*", metavar="FEED", help="a feed's URL or number in `reader feeds` "
                                                                 "(default: all)")
    update.add_argument("--timeout", type=seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"give up on a feed after this long (default {DEFAULT_TIMEOUT:g})")
    update.add_argument("--jobs", type=int, default=DEFAULT_JOBS, metavar="N",
                        help=f"fetch this many feeds at once (default {DEFAULT_JOBS})")

    mark = commands.add_parser("mark", parents=[common], help="mark articles read or unread",
                               description="Mark articles read or unread: by id or number (as `reader list` shows "
                                           "them), every article (--all), or a feed's (--feed).")
    mark.add_argument("articles", nargs="*", metavar="ARTICLE", help="an article id or its 1-based number")
    mark.add_argument("--all", action="store_true", help="every article (with --feed: every article of the feed)")
    mark.add_argument("--feed", metavar="FEED", help="the articles of this feed (its URL or number in `reader feeds`)")
    state = mark.add_mutually_exclusive_group(required=True)
    state.add_argument("--read", action="store_true", help="mark read")
    state.add_argument("--unread", action="store_false", dest="read", help="mark unread")


# -- the stores -------------------------------------------------------------------------------------


def _subscriptions(args: argparse.Namespace) -> Subscriptions:
    """The library's subscriptions; a file that cannot be read is one line and status 1."""
    from reader.articles.subscriptions import Subscriptions

    subscriptions = Subscriptions.load(library_folder(args))
    if subscriptions.problem:
        print(f"reader: {subscriptions.problem}", file=sys.stderr)
        raise SystemExit(1)
    return subscriptions


def read_state_of(args: argparse.Namespace, *, required: bool) -> ReadState:
    """The library's read state. A file that cannot be read is one line on stderr, and status 1
    if the command's answer depends on it (`required`): never "all unread" as if it were so."""
    from reader.articles.readstate import ReadState

    state = ReadState(library_folder(args))
    if state.problem:
        print(f"reader: {state.problem}", file=sys.stderr)
        if required:
            raise SystemExit(1)
    return state


def _feed(subscriptions: Subscriptions, ref: str) -> Subscription:
    """The feed followed that `ref` (a URL or a number in `reader feeds`) names; UsageError if none."""
    found = subscriptions.find(ref)
    if found is None:
        count = len(subscriptions.feeds)
        numbers = f" or a number from 1 to {count}" if count else ""
        raise UsageError(f"not a feed you follow: {ref!r} (give a URL from `reader feeds`{numbers}; "
                         "`reader add URL` follows one)")
    return found


def _library_articles(args: argparse.Namespace) -> list[Article]:
    """The library's articles (none if there is no library)."""
    from reader.articles.corpus import CorpusCache, load_corpus
    from reader.system import paths

    library = library_folder(args)
    if not library.is_dir():
        return []
    return load_corpus([library], CorpusCache(paths.cache_dir() / "corpus")).articles


def _plural(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


# -- reader feeds -----------------------------------------------------------------------------------


def cmd_feeds(args: argparse.Namespace) -> None:
    if args.output is not None and not args.export:
        raise UsageError("--output goes with --export")
    if args.feeds_action == "remove" and (args.import_file or args.export):
        raise UsageError("remove, --import and --export are one at a time")
    if args.import_file is not None:
        _import(args)
    elif args.export:
        _export(args)
    elif args.feeds_action == "remove":
        _remove(args)
    else:
        _list(args)


def _list(args: argparse.Namespace) -> None:
    from reader.articles.readstate import Count
    from reader.articles.subscriptions import feeds_of

    subscriptions = _subscriptions(args)
    counts: dict[str, Count] = {}
    if subscriptions.feeds:
        state = read_state_of(args, required=False)
        counts = state.counts(feeds_of(_library_articles(args)))
    listed = [(feed, counts.get(feed.url, Count(0, 0))) for feed in subscriptions.feeds]
    if args.json:
        print_json([{"url": feed.url, "title": feed.title, "site": feed.site, "tags": list(feed.tags),
                     "articles": count.articles, "unread": count.unread, "added": feed.added,
                     "updated": feed.updated, "error": feed.error} for feed, count in listed])
        return
    if not listed:
        print("No feeds followed: `reader add FEED_URL` follows one, `reader feeds --import FILE.opml` "
              "another reader's.", file=sys.stderr)
        return
    for number, (feed, count) in enumerate(listed, start=1):
        updated = f"updated {_when(feed.updated)}" if feed.updated else "never updated"
        error = f"  error: {feed.error}" if feed.error else ""
        title = f"{feed.title}  " if feed.title else ""
        print(f"{number:>3}  ({count.unread}/{count.articles})  {title}{feed.url}  {updated}{error}")


def _when(stamp: str) -> str:
    """An ISO 8601 time as `2026-04-10 10:00`, in the local zone."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def _remove(args: argparse.Namespace) -> None:
    subscriptions = _subscriptions(args)
    urls = [_feed(subscriptions, ref).url for ref in args.feeds]
    from reader.system.datafile import DataFileError

    try:
        removed = subscriptions.unsubscribe(urls)
    except DataFileError as error:
        print(f"reader: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    for feed in removed:
        title = f"  ({feed.title})" if feed.title else ""
        print(f"unsubscribed {feed.url}{title}; its articles stay in the library")


def _import(args: argparse.Namespace) -> None:
    from reader.articles.opml import OpmlError, read_opml_file
    from reader.articles.subscriptions import Subscription
    from reader.system.datafile import DataFileError

    path: Path = args.import_file
    try:
        found = read_opml_file(path)
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except OpmlError as error:
        print(f"reader: {path}: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    subscriptions = _subscriptions(args)
    try:
        new = subscriptions.subscribe(Subscription(feed.url, feed.title, feed.site, feed.tags) for feed in found.feeds)
    except DataFileError as error:
        print(f"reader: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    for what, why in found.skipped:
        print(f"reader: {path}: skipped {what}: {why}", file=sys.stderr)
    already = len(found.feeds) - len(new)
    known = f" ({already} followed already)" if already else ""
    hint = "; `reader update` fetches them" if new else ""
    print(f"{_plural(len(new), 'feed')} imported from {path}{known}{hint}")
    if found.skipped:
        raise SystemExit(1)


def _export(args: argparse.Namespace) -> None:
    from reader.articles.opml import write_opml

    subscriptions = _subscriptions(args)
    write_output(args.output, write_opml(subscriptions.feeds), _plural(len(subscriptions.feeds), "feed"))


# -- reader update ----------------------------------------------------------------------------------


def cmd_update(args: argparse.Namespace) -> None:
    from reader.articles.update import FAILED, update_feeds

    if args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    subscriptions = _subscriptions(args)
    urls = [_feed(subscriptions, ref).url for ref in args.feeds] if args.feeds else None
    if not subscriptions.feeds:
        print("No feeds followed: `reader add FEED_URL` follows one, `reader feeds --import FILE.opml` "
              "another reader's.", file=sys.stderr)
        return
    progress = Progress(finished=True)
    report = update_feeds(library_folder(args), urls, timeout=args.timeout, jobs=args.jobs, progress=progress)
    progress.clear()
    for update in report.feeds:
        if update.status == FAILED:
            print(f"reader: {update.describe()}", file=sys.stderr)
            continue
        for failed in update.failed:
            print(f"reader: {update.feed.url}: {failed.what}: {failed.reason}", file=sys.stderr)
        if update.added:
            print(update.describe())
    if report.error:
        print(f"reader: {report.error}", file=sys.stderr)
    print(report.summary())
    if not report.ok:
        raise SystemExit(1)


# -- reader mark, and the read state reader list shows ----------------------------------------------


def cmd_mark(args: argparse.Namespace) -> None:
    from reader.system.datafile import DataFileError

    if args.articles and (args.all or args.feed is not None):
        raise UsageError("name articles, or give --all or --feed, not both")
    if not args.articles and not args.all and args.feed is None:
        raise UsageError("name the articles to mark (ids or numbers from `reader list`), or give --all or --feed")
    state = read_state_of(args, required=True)
    if args.feed is not None:
        from reader.articles.subscriptions import feeds_of

        url = _feed(_subscriptions(args), args.feed).url
        ids = [article_id for article_id, feed in feeds_of(_library_articles(args)) if feed == url]
    else:
        corpus = load_articles(args)
        if args.all:
            ids = [article.id for article in corpus.articles]
        else:
            ids = [find_article(corpus, ref).id for ref in args.articles]
    try:
        changed = state.mark(ids, read=args.read)
    except DataFileError as error:
        print(f"reader: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    word = "read" if args.read else "unread"
    already = len(set(ids)) - len(changed)
    print(f"{_plural(len(changed), 'article')} marked {word}" + (f", {already} {word} already" if already else ""))


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {"feeds": cmd_feeds, "update": cmd_update,
                                                             "mark": cmd_mark}
