"""`reader update`: fetch the subscribed feeds and add what they published since.

Feeds are fetched in parallel, a few at a time (`jobs`), each with a conditional request built
from what its last fetch gave (ETag as If-None-Match, Last-Modified as If-Modified-Since), so a
feed that has not changed costs one 304 and nothing else. A feed that did change adds the entries
the library does not hold yet (known by entry id, then URL, then text, as `reader add` knows
them), never one whose article the user removed. A feed that fails is one line in the report and
the others go on. What each fetch found is kept with the subscriptions at the end (title,
validators, when, the last error).

`update_feeds` writes nothing to a terminal and may run in a worker thread: the caller gets a
report, and progress calls (in the thread that called it) as each feed is done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from reader.articles.library import Added, Failed, FeedRead, add_feed_response, summaries_note
from reader.articles.subscriptions import Check, Subscription, Subscriptions
from reader.articles.web import DEFAULT_JOBS, DEFAULT_TIMEOUT, FetchError, fetch
from reader.system.datafile import DataFileError

UPDATED, UNCHANGED, FAILED = "updated", "unchanged", "failed"

Progress = Callable[[int, int, str], None]
"""Called with (feeds done, feeds in all, what happened to the last one)."""


class FeedUpdate(NamedTuple):
    feed: Subscription
    status: str
    """UPDATED (fetched and read), UNCHANGED (the server said 304) or FAILED."""
    added: list[Added] = []
    skipped: int = 0
    """Entries the library holds already."""
    failed: list[Failed] = []
    """Entries that could not be added (the feed itself was read)."""
    error: str = ""
    """Why the feed could not be updated (FAILED)."""
    read: FeedRead | None = None
    """What this fetch read of the feed (UPDATED): title, site, validators."""
    summaries: int = 0
    """New articles that are only their entry's summary (the `web` extra is missing)."""

    @property
    def name(self) -> str:
        return (self.read.title if self.read else "") or self.feed.name

    def describe(self) -> str:
        """One line: what happened to this feed."""
        if self.status == FAILED:
            return f"{self.feed.url}: {self.error}"
        if self.status == UNCHANGED:
            return f"{self.name}: unchanged"
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return f"{self.name}: {len(self.added)} new{failed}"


@dataclass
class UpdateReport:
    feeds: list[FeedUpdate] = field(default_factory=list)
    error: str = ""
    """Why the update could not be done or kept: the subscriptions cannot be read or written,
    the library cannot be written."""

    def count(self, status: str) -> int:
        return sum(update.status == status for update in self.feeds)

    @property
    def added(self) -> list[Added]:
        return [added for update in self.feeds for added in update.added]

    @property
    def ok(self) -> bool:
        return not self.error and not any(update.status == FAILED or update.failed for update in self.feeds)

    def summary(self) -> str:
        failed_entries = sum(len(update.failed) for update in self.feeds)
        entries = f", {failed_entries} {'entry' if failed_entries == 1 else 'entries'} not added" \
            if failed_entries else ""
        feeds, note = len(self.feeds), summaries_note(self.summaries)
        return (f"{feeds} {'feed' if feeds == 1 else 'feeds'}: {self.count(UPDATED)} updated, "
                f"{self.count(UNCHANGED)} unchanged, {self.count(FAILED)} failed; {len(self.added)} new "
                f"{'article' if len(self.added) == 1 else 'articles'}{entries}" + (f" ({note})" if note else ""))

    @property
    def summaries(self) -> int:
        return sum(update.summaries for update in self.feeds)


def update_feeds(library: Path, urls: Sequence[str] | None = None, *, timeout: float = DEFAULT_TIMEOUT,
                 jobs: int = DEFAULT_JOBS, progress: Progress | None = None) -> UpdateReport:
    """Update every subscribed feed of `library`, or those whose URLs are given (each must be
    subscribed: ValueError names one that is not). Raises nothing else: see the report."""
    library = Path(library)
    report = UpdateReport()
    subscriptions = Subscriptions.load(library)
    if subscriptions.problem:
        report.error = subscriptions.problem
        return report
    feeds = subscriptions.feeds
    if urls is not None:
        followed, wanted = {feed.url for feed in feeds}, set(urls)
        unknown = [url for url in urls if url not in followed]
        if unknown:
            raise ValueError(f"not subscribed to {unknown[0]}")
        feeds = [feed for feed in feeds if feed.url in wanted]
    results: dict[str, FeedUpdate] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="update") as pool:
        futures = {pool.submit(_update_one, feed, library, timeout): feed for feed in feeds}
        for future in as_completed(futures):
            update, library_error = future.result()
            results[update.feed.url] = update
            report.error = report.error or library_error
            if progress is not None:
                progress(len(results), len(feeds), update.describe())
    report.feeds = [results[feed.url] for feed in feeds]  # In the order of the subscriptions.
    try:
        subscriptions.record([_check(update) for update in report.feeds])
    except DataFileError as error:
        report.error = report.error or str(error)
    return report


def _update_one(feed: Subscription, library: Path, timeout: float) -> tuple[FeedUpdate, str]:
    """One feed's update, and why the library could not be written ("" if it could)."""
    try:
        fetched = fetch(feed.url, timeout, etag=feed.etag, last_modified=feed.last_modified)
    except FetchError as error:
        return FeedUpdate(feed, FAILED, error=str(error)), ""
    if fetched.not_modified:
        return FeedUpdate(feed, UNCHANGED), ""
    added = add_feed_response(fetched, feed.url, library, feed.tags, timeout)
    if not added.feeds:  # Not a feed, or one that cannot be read: that is its one failure.
        reason = (added.failed[0].reason if added.failed else added.error) or "the feed could not be read"
        return FeedUpdate(feed, FAILED, error=reason), added.error
    return FeedUpdate(feed, UPDATED, added.added, len(added.skipped), added.failed, read=added.feeds[0],
                      summaries=added.summaries), added.error


def _check(update: FeedUpdate) -> Check:
    """What the subscription keeps of an update."""
    read = update.read
    if read is None:
        return Check(update.feed.url, error=update.error)  # FAILED; UNCHANGED keeps all but the time.
    return Check(read.url, title=read.title, site=read.site, etag=read.etag, last_modified=read.last_modified,
                 problem=read.problem)
