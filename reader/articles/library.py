"""The library: a folder where articles added from web pages, feeds, EPUBs and text files live.

Each article is one UTF-8 file in the format of `reader.articles.header` (metadata header, then
the body), named `YYYYMMDD-HHMMSS-xxxxxx.txt` after when it was added and its text (so the folder
lists in the order things were added); an EPUB's chapters are files in one subfolder per book.
The corpus loader reads the folder like any other.

`add_sources` takes paths and URLs in; `remove_article` deletes one. Both may run in a worker
thread (no terminal output: the caller gets a report and, while adding, progress calls). Every
file appears whole or not at all (atomic writes; a book's folder is renamed into place once all
its chapters are written), and two adds at once are serialised by a lock on the library, so
neither adds what the other just did.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reader.articles.corpus import CorpusError, article_id, load_corpus, parse_text
from reader.articles.epub import EpubError, read_epub
from reader.articles.extract import MissingExtra, NoArticle, extract_page, trafilatura_module
from reader.articles.feeds import Feed, FeedError, FeedItem, read_feed
from reader.articles.header import (
    Entry,
    body_digest,
    clean_body,
    clean_tags,
    clean_value,
    format_entry,
    parse_entry,
    parse_header,
    read_header,
)
from reader.articles.subscriptions import Check, Subscription, Subscriptions
from reader.articles.web import DEFAULT_TIMEOUT, Fetched, FetchError, decode_page, fetch, is_url, sniff
from reader.system.datafile import DataFileError
from reader.system.reading import read_regular
from reader.system.storage import atomic_write_text, file_lock, sync_folder, write_temporary
from reader.text.decoding import DecodeError, decode
from reader.text.markdown import is_markdown

if TYPE_CHECKING:
    from reader.articles.indexed import CorpusCache

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
FEED_SUFFIXES = (".xml", ".rss", ".atom")
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
ALREADY = "already in the library"
REMOVED = "removed from the library before"
_HEADER_BYTES = 8192

Progress = Callable[[int, int, str], None]
"""Called with (items done, items known so far, what is being done): feeds and books add items
as they are read, so the total can grow."""


class Added(NamedTuple):
    article_id: str
    """The id the corpus gives it (`reader show ID`, the sidebar)."""
    title: str
    source: str
    path: Path
    origin: str
    """The path or URL it came from."""


class Skipped(NamedTuple):
    what: str
    reason: str


class Failed(NamedTuple):
    what: str
    reason: str


class FeedRead(NamedTuple):
    """A feed read from its URL: what its subscription keeps."""

    url: str
    title: str
    site: str
    etag: str
    """The response's validators; "" if some entry could not be added (the next update then
    fetches the feed whole and tries it again)."""
    last_modified: str
    problem: str
    """Why some entries could not be added ("" if none failed)."""


@dataclass
class AddReport:
    added: list[Added] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    missing_extras: set[str] = field(default_factory=set)
    """Optional dependencies some item needed (`web`, `epub`)."""
    error: str = ""
    """Why the library could not be written (a full disk, a file where its folder should be), if
    it could not: adding stopped there, after what `added` holds."""
    feeds: list[FeedRead] = field(default_factory=list)
    """The feeds read from a URL: `add_sources` subscribes to them."""
    subscribed: list[str] = field(default_factory=list)
    """The URLs of the feeds subscribed to by this add (not those followed already)."""
    subscribe_error: str = ""
    """Why the feeds could not be subscribed to (the subscriptions file cannot be read or written)."""
    summaries: int = 0
    """Feed entries added as their summary: their pages need the `web` extra to be extracted."""

    @property
    def ok(self) -> bool:
        return not self.failed and not self.error and not self.subscribe_error

    def summary(self) -> str:
        note = summaries_note(self.summaries)
        return f"{len(self.added)} added, {len(self.skipped)} skipped, {len(self.failed)} failed" + \
            (f" ({note})" if note else "")


def summaries_note(count: int) -> str:
    """What to say when `count` feed entries were added as their summary only ("" if none)."""
    if not count:
        return ""
    return (f"{count} {'entry' if count == 1 else 'entries'} as the feed's summary: full pages need "
            "pip install 'reader[web]'")


class Removed(NamedTuple):
    article_id: str
    title: str
    path: Path
    problem: str = ""
    """Why the feed it came from could not be told to leave it out ("" if it could, or it came
    from no feed followed): the next update may bring it back."""


class LibraryError(Exception):
    """A remove that cannot be done; the message says why."""


class _Problem(Exception):
    """One item failed; the message is its reason."""


_STAMP = "%Y%m%d-%H%M%S"
_STAMP_RE = re.compile(r"^(\d{8}-\d{6})(?:-|$)")


def _now() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


class _Index:
    """What the library holds, to spot duplicates: URLs, feed entry ids and body digests.

    Refreshed from the folder under the lock before each write. What each file holds is kept in
    `.index.json` in the library with the file's size and modification time, so a refresh reads
    only files that are new or changed (a hand-edited file is read again; a removed one drops out).
    """

    VERSION = 1

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.urls: set[str] = set()
        self.entries: set[str] = set()
        self.digests: set[str] = set()
        self.files: dict[str, list] = {}
        """Path relative to the library → [size, mtime_ns, keys ("u…", "e…", "d…")]."""
        self.loaded = False
        self.changed = False
        self.last = ""
        """The latest `YYYYMMDD-HHMMSS` a file or book folder is named with."""

    @property
    def _path(self) -> Path:
        return self.folder / ".index.json"

    def stamp(self) -> str:
        """A name for the next file: now, or a second after the latest name if that is later
        (several added in one second, a clock set back), so names sort in the order of adding."""
        now = datetime.now()
        if self.last:
            try:
                now = max(now, datetime.strptime(self.last, _STAMP) + timedelta(seconds=1))
            except ValueError:
                pass
        self.last = now.strftime(_STAMP)
        return self.last

    def _load(self) -> None:
        self.loaded = True
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("version") == self.VERSION and isinstance(data.get("files"), dict):
            self.files = data["files"]

    def save(self) -> None:
        """Write `.index.json` if it changed (under the lock). Replaced whole, but not synced to
        the disk: it is only a cache, checked against the files, and rebuilt if lost."""
        if not self.changed or not self.folder.is_dir():
            return
        temporary = self._path.with_name(f".index.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            temporary.write_text(json.dumps({"version": self.VERSION, "files": self.files}, ensure_ascii=False),
                                 encoding="utf-8")
            os.replace(temporary, self._path)
            self.changed = False
        except OSError:
            temporary.unlink(missing_ok=True)

    def refresh(self) -> None:
        if not self.loaded:
            self._load()
        if not self.folder.is_dir():
            return
        present: dict[str, list] = {}
        base = len(str(self.folder)) + 1
        for root, folders, names in os.walk(self.folder):
            folders[:] = [name for name in folders if not name.startswith(".")]
            for name in folders + names if root == str(self.folder) else ():
                match = _STAMP_RE.match(name)
                if match and match.group(1) > self.last:
                    self.last = match.group(1)
            for name in names:
                if name.startswith(".") or not name.lower().endswith(TEXT_SUFFIXES):
                    continue
                path = os.path.join(root, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                known = self.files.get(path[base:])
                if known is None or known[:2] != [info.st_size, info.st_mtime_ns]:
                    known = [info.st_size, info.st_mtime_ns, self._read(Path(path))]
                    self.changed = True
                present[path[base:]] = known
        if len(present) != len(self.files):
            self.changed = True
        self.files = present
        self.urls, self.entries, self.digests = set(), set(), set()
        for _, _, keys in present.values():
            for key in keys:
                self._add_key(key)

    def _add_key(self, key: str) -> None:
        kind, value = key[:1], key[1:]
        (self.urls if kind == "u" else self.entries if kind == "e" else self.digests).add(value)

    @staticmethod
    def _read(path: Path) -> list[str]:
        """The keys of what a file holds."""
        keys = []
        try:
            with open(path, "rb") as file:
                head = file.read(_HEADER_BYTES)
            values = parse_header(head.decode("utf-8", errors="replace"))
            if values is None or "digest" not in values[0]:
                text, _ = decode(path.read_bytes())  # Not written by reader: digest its articles.
                keys += ["d" + body_digest(article.body) for article in parse_text(path, text)]
                values = parse_header(text)
        except (OSError, DecodeError, CorpusError):
            return keys
        if values is not None:
            header = values[0]
            keys += [prefix + header[name] for prefix, name in (("u", "url"), ("e", "entry"), ("d", "digest"))
                     if header.get(name)]
        return keys

    def written(self, path: Path, entry: Entry) -> None:
        """Note a file just written, so the next refresh need not read it."""
        values = entry.fields()
        keys = [prefix + values[name] for prefix, name in (("u", "url"), ("e", "entry"), ("d", "digest"))
                if values[name]]
        for key in keys:
            self._add_key(key)
        try:
            info = path.stat()
        except OSError:
            return
        self.files[str(path)[len(str(self.folder)) + 1:]] = [info.st_size, info.st_mtime_ns, keys]
        self.changed = True

    def has_url(self, *urls: str) -> bool:
        return any(url and url in self.urls for url in urls)

    def duplicate(self, entry: Entry) -> bool:
        return (self.has_url(entry.url) or (bool(entry.entry) and entry.entry in self.entries)
                or body_digest(clean_body(entry.body)) in self.digests)


class _Adder:
    def __init__(self, library: Path, tags: Sequence[str], timeout: float, progress: Progress | None) -> None:
        self.library = library
        self.tags = clean_tags(list(tags))
        self.timeout = timeout
        self.progress = progress
        self.report = AddReport()
        self.index = _Index(library)
        self.done = 0
        self.total = 0
        self.added_at = _now()
        self.summarised: set[str] = set()
        """The feed entries (as reported) kept as their summary, their pages not extracted."""

    # -- bookkeeping

    def tell(self, message: str) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total, message)

    def fail(self, what: str, reason: str) -> None:
        self.report.failed.append(Failed(what, reason))

    def skip(self, what: str, reason: str = ALREADY) -> None:
        self.report.skipped.append(Skipped(what, reason))

    # -- sources

    def add(self, source: str) -> None:
        if is_url(source):
            self.attempt(source, lambda: self.add_url(source))
        else:
            self.attempt(source, lambda: self.add_file(Path(source).expanduser(), source))

    def attempt(self, what: str, action: Callable[[], None]) -> None:
        """Do `action`; what makes it fail is a line in the report for `what`."""
        try:
            action()
        except MissingExtra as error:
            self.report.missing_extras.add(error.extra)
            self.fail(what, str(error))
        except _Problem as error:
            self.fail(what, str(error))
        except OSError:
            raise  # The library cannot be written: nothing else will be either.
        except Exception as error:  # An extractor's or parser's own failure on a strange input.
            self.fail(what, f"unexpected error: {type(error).__name__}: {error}")

    def add_url(self, url: str) -> None:
        self.index.refresh()
        if self.index.has_url(url):
            self.skip(url)
            return
        self.tell(f"fetching {url}")
        fetched = self._fetch(url)
        kind = _kind_of(fetched.content_type, fetched.data)
        if kind == "html":
            self.save_page(_page_text(fetched.data, fetched.charset), fetched.url, url)
        elif kind == "feed":
            self.add_feed(fetched.data, url, validators=(fetched.etag, fetched.last_modified))
        elif kind == "epub":
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "book.epub"
                path.write_bytes(fetched.data)
                self.add_epub(path, url)
        else:
            shown = fetched.content_type or "no content type"
            raise _Problem(f"not a web page or feed ({shown})")

    def _fetch(self, url: str):
        try:
            return fetch(url, self.timeout)
        except FetchError as error:
            raise _Problem(str(error)) from None

    def add_file(self, path: Path, shown: str) -> None:
        try:
            if path.is_dir():
                raise _Problem("is a folder (name the files to add)")
            data, _ = read_regular(path)
        except FileNotFoundError:
            raise _Problem("no such file") from None
        except OSError as error:
            raise _Problem(error.strerror or str(error)) from None
        suffix = path.suffix.lower()
        if suffix == ".epub" or sniff(data) == "epub":
            self.add_epub(path, shown)
        elif suffix in TEXT_SUFFIXES:
            self.add_text(path, data, shown)
        elif suffix in FEED_SUFFIXES or sniff(data) == "feed":
            self.add_feed(data, "", shown)
        elif suffix in HTML_SUFFIXES or sniff(data) == "html":
            self.save_page(_page_text(data, None), "", shown)
        else:
            raise _Problem("not a web page, feed, EPUB or text file")

    def save_page(self, html: str, url: str, shown: str) -> None:
        self.tell(f"extracting {shown}")
        try:
            page = extract_page(html, url)
        except NoArticle as error:
            raise _Problem(str(error)) from None
        entry = Entry(page.title, page.body, source=page.source, author=page.author, date=page.date,
                      url=url or page.url)
        self.save(entry, shown, extra_urls=(shown,) if is_url(shown) else ())

    def add_fetched_feed(self, fetched: Fetched, url: str) -> None:
        """A feed `url` gave (`reader update`): anything but a feed is its failure."""
        kind = _kind_of(fetched.content_type, fetched.data)
        if kind != "feed":
            raise _Problem(f"not a feed ({fetched.content_type or 'no content type'})")
        self.add_feed(fetched.data, url, validators=(fetched.etag, fetched.last_modified))

    def add_feed(self, data: bytes, url: str, shown: str = "", validators: tuple[str, str] = ("", "")) -> None:
        """The feed's entries not in the library. One read from a URL (`url`) goes in the
        report's `feeds`, even without entries: it can be subscribed to, and bring some later."""
        shown = shown or url
        try:
            feed = read_feed(data, url)
        except FeedError as error:
            raise _Problem(str(error)) from None
        if not feed.items and not url:
            raise _Problem("the feed has no entries")
        failures, complete = len(self.report.failed), False
        try:
            self._add_items(feed, url)
            complete = True
        finally:  # Also when the library cannot be written: the feed is still followed.
            if url:
                failed = self.report.failed[failures:]
                problem = (f"{len(failed)} {'entry' if len(failed) == 1 else 'entries'} not added "
                           f"({failed[0].what}: {failed[0].reason})") if failed else ""
                etag, modified = validators if complete and not failed else ("", "")
                self.report.feeds.append(FeedRead(url, feed.title, feed.site, etag, modified, problem))

    def _add_items(self, feed: Feed, url: str) -> None:
        """Entries the feed carries whole are written together, under one lock (one look at the
        library for the lot, not one an entry); one whose page must be fetched, by itself."""
        self.index.refresh()
        self.total += len(feed.items) - 1
        removed = _removed_entries(self.library, url)
        whole: list[tuple[Entry, str]] = []
        for item in feed.items:
            what = item.url or item.title or item.key
            try:
                if (item.key and item.key in self.index.entries) or self.index.has_url(item.url):
                    self.skip(what)
                    continue
                if item.key in removed:
                    self.skip(what, REMOVED)
                    continue
                body = item.body or self._summary_instead(item, what)
                if body:
                    whole.append((Entry(item.title or body[:30], body, source=feed.title,
                                        author=item.author, date=item.date, url=item.url, feed=url, entry=item.key),
                                  what))
                    continue
                self.save_many(whole)  # Those before it first: files are named in the feed's order.
                whole = []
                if item.url:
                    self.tell(f"fetching {item.url}")
                    fetched = self._fetch(item.url)
                    if _kind_of(fetched.content_type, fetched.data) != "html":
                        raise _Problem(f"not a web page ({fetched.content_type or 'no content type'})")
                    try:
                        page = extract_page(_page_text(fetched.data, fetched.charset), fetched.url)
                    except NoArticle as error:
                        raise _Problem(str(error)) from None
                    entry = Entry(item.title or page.title, page.body, source=page.source or feed.title,
                                  author=item.author or page.author, date=item.date or page.date, url=item.url,
                                  feed=url, entry=item.key)
                    self.save(entry, what)
                else:
                    raise _Problem("the entry has no text and no link")
            except MissingExtra as error:
                self.report.missing_extras.add(error.extra)
                self.fail(what, str(error))
            except _Problem as error:
                self.fail(what, str(error))
            except OSError:
                raise
            except Exception as error:
                self.fail(what, f"unexpected error: {type(error).__name__}: {error}")
            finally:
                self.done += 1
        self.save_many(whole)

    def _summary_instead(self, item: FeedItem, what: str) -> str:
        """The summary of an entry without content when its page cannot be had: it has no link,
        or the page could not be extracted without the `web` extra (so it is not fetched). ""
        when the page is to be fetched, or there is no summary (the entry then fails as it did)."""
        if not item.summary:
            return ""
        if item.url:
            try:
                trafilatura_module()
                return ""
            except MissingExtra:
                self.summarised.add(what)
        return item.summary

    def add_epub(self, path: Path, shown: str) -> None:
        self.tell(f"reading {shown}")
        try:
            book = read_epub(path)
        except EpubError as error:
            raise _Problem(str(error)) from None
        if not book.chapters:
            raise _Problem("the book has no chapter with text")
        entries = [Entry(chapter.title, chapter.body, source=book.title, author=book.author, date=book.date,
                         book=book.title, chapter=str(chapter.number), url="" if not is_url(shown) else shown)
                   for chapter in book.chapters]
        with file_lock(self._lock_path()):
            self.index.refresh()
            new = [entry for entry in entries if not self._duplicate_text(entry)]
            if not new:
                self.skip(shown, f"{ALREADY} ({_chapters(len(entries))})")
                return
            folder_name = f"{self.index.stamp()}-{_safe_name(book.title)}"
            staging = Path(tempfile.mkdtemp(prefix=".book-", dir=self._ensure_library()))
            try:
                book_key = body_digest(book.title + "".join(entry.body for entry in entries))[:6]
                written = []
                for entry in new:
                    entry.added, entry.tags = self.added_at, self.tags
                    entry.digest = body_digest(clean_body(entry.body))
                    name = f"{book_key}-{int(entry.chapter):03d}.txt"
                    atomic_write_text(staging / name, format_entry(entry))
                    written.append((name, entry))
                target = _unique(self.library / folder_name)
                os.rename(staging, target)
            except BaseException:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            for name, entry in written:
                self.index.written(target / name, entry)
        for name, entry in written:
            self._added(entry, target / name, shown)
        if len(new) < len(entries):
            self.skip(shown, f"{_chapters(len(entries) - len(new))} {ALREADY}")

    def add_text(self, path: Path, data: bytes, shown: str) -> None:
        try:
            text, _ = decode(data)
            articles = parse_text(path, text)
        except (DecodeError, CorpusError) as error:
            raise _Problem(str(error)) from None
        self.total += len(articles) - 1
        suffix = ".md" if is_markdown(str(path)) else ".txt"  # Markdown stays Markdown: the app renders it.
        for article in articles:
            what = shown if len(articles) == 1 else f"{shown}: {clean_value(article.title)}"
            try:
                # A file with no source of its own is known by its name (the library's file name is a stamp).
                self.save(Entry(article.title, article.body, source=article.source or path.name,
                                tags=article.tags), what, suffix=suffix)
            except _Problem as error:
                self.fail(what, str(error))
            self.done += 1

    # -- writing

    def _duplicate_text(self, entry: Entry) -> bool:
        return body_digest(clean_body(entry.body)) in self.index.digests

    def save(self, entry: Entry, what: str, extra_urls: Iterable[str] = (), suffix: str = ".txt") -> None:
        self.save_many([(entry, what)], extra_urls, suffix)

    def save_many(self, entries: Sequence[tuple[Entry, str]], extra_urls: Iterable[str] = (),
                  suffix: str = ".txt") -> None:
        """Write each (entry, what it came from) the library does not hold yet. The files are
        written and synced first, then, under the lock, what the library holds is looked at once
        for them all and the new ones renamed into place: so the syncs of several adds or
        updates at once overlap, and none adds what another just did. An entry that cannot be
        written fails by itself; a library that cannot be written (OSError) stops this after
        placing what was written before."""
        if not entries:
            return
        library = self._ensure_library()
        if not self.index.loaded:
            self.index.refresh()
        prepared: list[tuple[Entry, str, Path]] = []
        failure: OSError | None = None
        for entry, what in entries:
            if self.index.duplicate(entry) or self.index.has_url(*extra_urls):
                self.skip(what)  # Known already: not even written (checked again under the lock).
                continue
            entry.added = entry.added or self.added_at
            entry.tags = clean_tags(list(entry.tags) + list(self.tags))
            entry.digest = body_digest(clean_body(entry.body))
            try:
                text = format_entry(entry)
            except ValueError as error:
                self.fail(what, str(error))
                continue
            try:
                prepared.append((entry, what, write_temporary(library / f"article{suffix}", text)))
            except OSError as error:
                failure = error
                break
        written = []
        try:
            if prepared:
                with file_lock(self._lock_path()):
                    self.index.refresh()
                    for entry, what, temporary in prepared:
                        if self.index.duplicate(entry) or self.index.has_url(*extra_urls):
                            self.skip(what)
                            continue
                        path = _unique(library / f"{self.index.stamp()}-{entry.digest[:6]}{suffix}")
                        os.rename(temporary, path)
                        self.index.written(path, entry)
                        written.append((entry, path, what))
                    if written:
                        sync_folder(library)
        finally:
            for _, _, temporary in prepared:
                temporary.unlink(missing_ok=True)  # Those a duplicate or a failure left unplaced.
        for entry, path, what in written:
            self._added(entry, path, what)
        if failure is not None:
            raise failure

    def _added(self, entry: Entry, path: Path, what: str) -> None:
        """Report the entry as the file holds it: the id is the one the corpus gives the file."""
        values = entry.fields()
        self.report.added.append(Added(article_id(path, values["title"]), values["title"], values["source"], path,
                                       what))
        self.report.summaries += what in self.summarised
        self.tell(f"added {values['title']}")

    def _ensure_library(self) -> Path:
        self.library.mkdir(parents=True, exist_ok=True)
        return self.library

    def _lock_path(self) -> Path:
        return self._ensure_library() / ".library"

    def finish(self) -> None:
        """Keep the index of what the library holds for the next add."""
        if self.index.changed:
            with file_lock(self._lock_path()):
                self.index.save()


def _unique(path: Path) -> Path:
    """`path`, or with `-2`, `-3` … before the suffix if it exists."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def _safe_name(title: str) -> str:
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", title)
    name = "-".join(name.split()).strip(".-")
    return name[:40] or "book"


def _kind_of(content_type: str, data: bytes) -> str:
    """"html", "feed", "epub" or "" for a response, by its content type and its first bytes."""
    sniffed = sniff(data)
    if content_type in ("text/html", "application/xhtml+xml"):
        return "feed" if sniffed == "feed" else "html"
    if content_type in ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
                        "text/xml", "application/feed+json"):
        return "feed" if sniffed != "html" else "html"
    if content_type == "application/epub+zip":
        return "epub"
    if content_type in ("", "application/octet-stream", "text/plain"):
        return sniffed
    return ""


def _page_text(data: bytes, charset: str | None) -> str:
    try:
        return decode_page(data, charset)
    except DecodeError as error:
        raise _Problem(f"cannot read the page's text: {error}") from None


def add_sources(
    sources: Sequence[str | Path], library: Path, tags: Sequence[str] = (), timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> AddReport:
    """Add web pages (URLs or saved files), feeds, EPUBs and text files to `library`.

    Each source is done as far as it can be: what fails is in the report with its reason, the
    rest is added. Duplicates (the same URL, feed entry or text) are skipped. Raises nothing: if
    the library itself cannot be written, `report.error` says why and what was added before is
    in the report."""
    library = Path(library)
    adder = _Adder(library, tags, timeout, progress)
    adder.total = len(sources)
    if library.exists() and not library.is_dir():
        adder.report.error = f"the library {library} is a file, not a folder"
        return adder.report
    try:
        for source in sources:
            before = adder.done
            adder.add(str(source))
            adder.done = max(adder.done, before + 1)  # A feed or a text file counted its items.
        adder.finish()
    except OSError as error:
        adder.report.error = f"cannot write to the library {library}: {error.strerror or error}"
    _subscribe(library, adder.report, tags)
    adder.tell(adder.report.summary())
    return adder.report


def _subscribe(library: Path, report: AddReport, tags: Sequence[str]) -> None:
    """Follow the feeds added by URL (as a feed reader does): `reader update` brings what they
    publish next, tagged as this add tagged their entries."""
    if not report.feeds:
        return
    subscriptions = Subscriptions.load(library)
    try:
        new = subscriptions.subscribe(Subscription(feed.url, feed.title, feed.site, tuple(tags))
                                      for feed in report.feeds)
        subscriptions.record([Check(feed.url, title=feed.title, site=feed.site, etag=feed.etag,
                                    last_modified=feed.last_modified, problem=feed.problem)
                              for feed in report.feeds])
    except DataFileError as error:
        count = len(report.feeds)
        report.subscribe_error = f"not subscribed to {'the feed' if count == 1 else f'{count} feeds'}: {error}"
        return
    report.subscribed = [feed.url for feed in new]


def add_feed_response(fetched: Fetched, url: str, library: Path, tags: Sequence[str] = (),
                      timeout: float = DEFAULT_TIMEOUT) -> AddReport:
    """Add the entries not in the library yet of the feed `url` gave as `fetched` (`reader
    update`: the subscription is the caller's). A response that is not a feed fails as `url`;
    `report.feeds` holds the feed if it could be read. Raises nothing, as `add_sources`."""
    library = Path(library)
    adder = _Adder(library, tags, timeout, None)
    try:
        adder.attempt(url, lambda: adder.add_fetched_feed(fetched, url))
        adder.finish()
    except OSError as error:
        adder.report.error = f"cannot write to the library {library}: {error.strerror or error}"
    return adder.report


def library_articles(library: Path, index: CorpusCache | None = None):
    """The library's corpus: what `remove_article` finds ids in (listed from the index if given:
    no file is read that was read before)."""
    return load_corpus([library], index) if library.is_dir() else None


def _chapters(count: int) -> str:
    return f"{count} chapter" + ("" if count == 1 else "s")


def remove_article(library: Path, ref: str, index: CorpusCache | None = None) -> Removed:
    """Delete the library file of the article `ref` (its id, or its file's name or path). Its
    annotations stay in the store, as orphans. LibraryError if it is not in the library."""
    library = Path(library)
    corpus = library_articles(library, index)
    if corpus is None or not corpus.articles:
        raise LibraryError(f"no article {ref!r}: the library {library} is empty")
    found = corpus.find(ref) if not ref.isdigit() else None
    if found is None:
        wanted = os.path.abspath(ref) if os.sep in ref else None
        for article in corpus.articles:
            if Path(article.path).stem == ref or Path(article.path).name == ref or article.path == wanted:
                found = article
                break
    if found is None:
        raise LibraryError(f"no article {ref!r} in the library {library}: give an id from `reader list`")
    path = Path(found.path)
    siblings = [a for a in corpus.articles if a.path == found.path]
    if len(siblings) > 1:
        raise LibraryError(f"{path} holds {len(siblings)} articles: remove the file by hand")
    try:
        with file_lock(library / ".library"):
            header = read_header(str(path))
            path.unlink()
            folder = path.parent
            if folder != library and not any(name for name in os.listdir(folder) if not name.startswith(".")):
                shutil.rmtree(folder, ignore_errors=True)
    except FileNotFoundError:
        raise LibraryError(f"{path} was already removed") from None
    except OSError as error:
        raise LibraryError(f"cannot remove {path}: {error.strerror or error}") from None
    return Removed(found.id, found.title, path, _forget_entry(library, header))


def _removed_entries(library: Path, url: str) -> frozenset[str]:
    """The entries of the feed `url` the user removed from the library (none if it is not followed)."""
    feed = Subscriptions.load(library).find(url) if url else None
    return frozenset(feed.removed) if feed is not None else frozenset()


def _forget_entry(library: Path, header: dict[str, str]) -> str:
    """Keep the feed an article came from from bringing it back (a feed reader never returns
    an entry the user deleted); why it could not be kept from it, or ""."""
    feed, key = header.get("feed", ""), header.get("entry", "") or header.get("url", "")
    if not feed or not key:
        return ""
    try:
        Subscriptions.load(library).forget_entry(feed, key)
    except DataFileError as error:
        return f"the next update may bring it back: {error}"
    return ""


def read_entry(path: Path) -> Entry:
    """The entry a library file holds (ValueError if it is not one)."""
    return parse_entry(path.read_text(encoding="utf-8"))
