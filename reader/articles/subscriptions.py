"""The feeds a reader follows: `.feeds.json` in the library folder.

Adding a feed by its URL subscribes to it (`reader add`), and so does an OPML import; `reader
update` fetches each and keeps here what the next fetch needs (the ETag and Last-Modified the
server gave, for a conditional request) and what a listing shows (title, when it was last updated,
the last error), and the entries of its articles the user removed, which no update adds again.
Unsubscribing forgets the feed, not its articles.

The file is the user's data, not a cache (`reader.system.datafile`: versioned, atomic, `.bak`,
changed under a lock by applying each change to the file as it is then, so an update running in
one shell and an unsubscribe in another both hold). Subscriptions are listed in the order they were
made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple, Protocol

from reader.articles.header import clean_tags, clean_value, read_header
from reader.system.datafile import DataFile, DataFileError

FILE_NAME = ".feeds.json"
VERSION = 1
REMOVED_KEPT = 1000
"""Entries removed remembered per feed: far more than a feed lists at once (10 to 100), so one
dropped from memory has long left the feed."""
_LISTS = ("tags", "removed")


class Listed(Protocol):
    """An article as a listing has it (`reader.articles.corpus.Article`)."""

    @property
    def id(self) -> str: ...
    @property
    def path(self) -> str: ...


class Subscription(NamedTuple):
    url: str
    """The feed's URL, as it was given: what the feed is known by."""
    title: str = ""
    site: str = ""
    """The site the feed belongs to (OPML's `htmlUrl`)."""
    tags: tuple[str, ...] = ()
    """Given to each article the feed brings (`reader add URL --tag`, an OPML file's folders)."""
    added: str = ""
    """When it was subscribed (ISO 8601)."""
    etag: str = ""
    last_modified: str = ""
    updated: str = ""
    """When an update last fetched it without an error (ISO 8601), "" if never."""
    error: str = ""
    """What went wrong the last time it was fetched, "" if nothing did."""
    removed: tuple[str, ...] = ()
    """The entries (id, else link: `FeedItem.key`) of the articles the user removed from the
    library, oldest first: an update never brings them back (the newest `REMOVED_KEPT`)."""

    @property
    def name(self) -> str:
        return self.title or self.url


class Check(NamedTuple):
    """What one fetch of a feed found, for `Subscriptions.record`."""

    url: str
    error: str = ""
    """Why the feed could not be updated ("" if it was): the rest below is then not used."""
    title: str = ""
    site: str = ""
    etag: str = ""
    last_modified: str = ""
    problem: str = ""
    """Fetched, but some entries could not be added: shown as its error, and the validators are
    dropped so the next update fetches it whole and tries them again."""


def now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def _parse(data: dict) -> list[Subscription]:
    feeds = data["feeds"]
    if not isinstance(feeds, list):
        raise TypeError("feeds is not a list")
    found = []
    for item in feeds:
        values = {name: item.get(name, "") for name in Subscription._fields if name not in _LISTS}
        if not all(isinstance(value, str) for value in values.values()) or not values["url"]:
            raise ValueError(f"a feed's fields are not all text: {item!r}"[:200])
        tags, removed = (_texts(item, name) for name in _LISTS)
        found.append(Subscription(**values, tags=tags, removed=removed))
    return found


def _texts(item: dict, name: str) -> tuple[str, ...]:
    value = item.get(name, [])
    if not isinstance(value, list) or not all(isinstance(text, str) for text in value):
        raise ValueError(f"a feed's {name} are not a list of text")
    return tuple(value)


def _dump(feeds: list[Subscription]) -> dict:
    return {"feeds": [{name: list(value) if name in _LISTS else value for name, value in feed._asdict().items()
                       if value or name == "tags"} for feed in feeds]}


@dataclass
class Subscriptions:
    """The subscriptions of one library. `feeds` is what was last read or written; `problem` says
    why the file could not be read (then nothing is written to it: every change raises)."""

    library: Path
    feeds: list[Subscription]
    problem: str | None = None

    @classmethod
    def load(cls, library: Path) -> Subscriptions:
        store = cls(Path(library), [])
        try:
            store.feeds = store._file.load()
        except DataFileError as error:
            store.problem = str(error)
        return store

    @property
    def _file(self) -> DataFile[list[Subscription]]:
        return DataFile(self.library / FILE_NAME, "the feed subscriptions", VERSION, _parse, _dump, list)

    @property
    def path(self) -> Path:
        return self.library / FILE_NAME

    def find(self, ref: str) -> Subscription | None:
        """A subscription by its URL, or its 1-based number in the list."""
        for feed in self.feeds:
            if feed.url == ref:
                return feed
        if ref.isdigit() and 1 <= int(ref) <= len(self.feeds):
            return self.feeds[int(ref) - 1]
        return None

    def subscribe(self, feeds: Iterable[Subscription]) -> list[Subscription]:
        """Subscribe to each feed not subscribed yet; a feed already followed gains the tags
        given and the title and site it lacked. Returns the new subscriptions. DataFileError if
        the file cannot be read or written."""
        given = [feed for feed in map(_cleaned, feeds) if feed.url]
        if not given:
            return []
        stamp = now()

        def apply(current: list[Subscription]) -> list[Subscription]:
            by_url = {feed.url: index for index, feed in enumerate(current)}
            new = []
            for feed in given:
                index = by_url.get(feed.url)
                if index is None:
                    by_url[feed.url] = len(current)
                    feed = feed._replace(added=feed.added or stamp)
                    current.append(feed)
                    new.append(feed)
                else:
                    known = current[index]
                    current[index] = known._replace(title=known.title or feed.title, site=known.site or feed.site,
                                                    tags=clean_tags(known.tags + feed.tags))
            return new

        return self._change(apply)

    def unsubscribe(self, urls: Sequence[str]) -> list[Subscription]:
        """Forget these feeds (their articles stay). Returns those that were subscribed."""
        wanted = set(urls)
        if not wanted:
            return []

        def apply(current: list[Subscription]) -> list[Subscription]:
            removed = [feed for feed in current if feed.url in wanted]
            current[:] = [feed for feed in current if feed.url not in wanted]
            return removed

        return self._change(apply)

    def forget_entry(self, url: str, key: str) -> bool:
        """Remember that the user removed the entry `key` of the feed `url`, so that no update
        adds it again. False if the feed is not followed (nothing to remember it in)."""
        key = clean_value(key)

        def apply(current: list[Subscription]) -> bool:
            for index, feed in enumerate(current):
                if feed.url == url:
                    removed = [known for known in feed.removed if known != key] + [key]
                    current[index] = feed._replace(removed=tuple(removed[-REMOVED_KEPT:]))
                    return True
            return False

        if not key or (not self.problem and self.find(url) is None):
            return False
        return self._change(apply)

    def record(self, checks: Sequence[Check]) -> None:
        """Keep what fetching each feed found (a feed unsubscribed meanwhile is not brought back)."""
        if not checks:
            return
        stamp = now()

        def apply(current: list[Subscription]) -> None:
            by_url = {check.url: check for check in checks}
            for index, feed in enumerate(current):
                check = by_url.get(feed.url)
                if check is None:
                    continue
                if check.error:
                    current[index] = feed._replace(error=clean_value(check.error))
                    continue
                # A 304 need not repeat the validators: the ones the feed has stay.
                etag, modified = check.etag or feed.etag, check.last_modified or feed.last_modified
                if check.problem:
                    etag = modified = ""
                current[index] = feed._replace(title=clean_value(check.title) or feed.title,
                                               site=clean_value(check.site) or feed.site, etag=etag,
                                               last_modified=modified, updated=stamp,
                                               error=clean_value(check.problem))

        self._change(apply)

    def _change(self, apply):
        """Apply a change to the file as it is now; `feeds` becomes what was written."""
        if self.problem:
            raise DataFileError(self.problem)
        self.feeds, result = self._file.change(apply)
        return result


def feeds_of(articles: Iterable[Listed]) -> list[tuple[str, str]]:
    """(article id, feed URL) for each article that came from a feed, from its file's header.
    (Stands in for the library's index, which will know them without opening the files.)"""
    found = []
    for article in articles:
        feed = read_header(article.path).get("feed")
        if feed:
            found.append((article.id, feed))
    return found


def _cleaned(feed: Subscription) -> Subscription:
    """As the file keeps it: each value one line without control characters."""
    return feed._replace(**{name: clean_value(getattr(feed, name)) for name in Subscription._fields
                            if name not in _LISTS}, tags=clean_tags(feed.tags),
                         removed=tuple(filter(None, map(clean_value, feed.removed))))
