"""OPML, the file every feed reader exports its subscriptions in and imports them from.

Reading: each `<outline>` with an `xmlUrl` is a feed (title from `title`, else `text`; site from
`htmlUrl`); the outlines around it are folders, whose names become its tags (Feedly, Inoreader and
NetNewsWire export categories so), and so do the paths in an OPML 2.0 `category` attribute. A feed
in two folders is one feed with both tags. A file from elsewhere is hostile: it is read up to a
size, a number of outlines and a depth; entity declarations are refused (no "billion laughs"), and
no external entity or DTD is fetched; every value loses its control characters; a feed URL that is
not http or https is skipped with its reason.

Writing: OPML 2.0, a feed in the folder of its first tag, all its tags in `category`; reading the
file back gives the same feeds, titles, sites and tags.
"""

from __future__ import annotations

import xml.parsers.expat as expat
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import NamedTuple, Protocol
from xml.sax.saxutils import escape, quoteattr

from reader.articles.header import clean_tags, clean_value
from reader.articles.web import decode_page, is_url
from reader.text.decoding import DecodeError

MAX_BYTES = 10 * 1024 * 1024
MAX_OUTLINES = 100_000
MAX_DEPTH = 64
MAX_URL = 2048
MAX_TITLE = 300


class OpmlError(Exception):
    """Not an OPML file reader reads; the message says why, in one line."""


class OpmlFeed(NamedTuple):
    url: str
    title: str = ""
    site: str = ""
    tags: tuple[str, ...] = ()


class OpmlRead(NamedTuple):
    title: str
    """The file's own title (`<head><title>`)."""
    feeds: list[OpmlFeed]
    skipped: list[tuple[str, str]]
    """(what, why) for each outline that names a feed reader cannot follow."""


class _Refused(Exception):
    pass


class _Reader:
    """expat's callbacks: a stack of open elements and the folders among them."""

    def __init__(self) -> None:
        self.elements: list[str] = []
        self.folders: list[str | None] = []
        """For each open outline: its name if it is a folder, None if it is a feed."""
        self.outlines = 0
        self.feeds: dict[str, OpmlFeed] = {}
        self.skipped: list[tuple[str, str]] = []
        self.title = ""
        self.text: list[str] | None = None

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if not self.elements and name != "opml":
            raise _Refused(f"not an OPML file (it is <{clean_value(name)[:40]}>)")
        self.elements.append(name)
        if len(self.elements) > MAX_DEPTH:
            raise _Refused(f"outlines nested more than {MAX_DEPTH} deep")
        if name == "title" and self.elements[-2:-1] == ["head"]:
            self.text = []
        if name != "outline":
            return
        self.outlines += 1
        if self.outlines > MAX_OUTLINES:
            raise _Refused(f"more than {MAX_OUTLINES:,} outlines")
        title = _value(attributes.get("title") or attributes.get("text") or "", MAX_TITLE)
        url = attributes.get("xmlUrl") or attributes.get("xmlurl") or ""
        if not url:
            self.folders.append(title)
            return
        self.folders.append(None)
        shown = clean_value(url)[:MAX_URL]
        url = clean_value(url)
        if title == url[:MAX_TITLE]:
            title = ""  # A feed without a title is written with its URL as its text.
        if not is_url(url):
            self.skipped.append((shown or title, "not an http or https URL"))
            return
        if len(url) > MAX_URL:
            self.skipped.append((f"{shown}…", f"a URL longer than {MAX_URL} characters"))
            return
        site = clean_value(attributes.get("htmlUrl") or attributes.get("htmlurl") or "")
        categories = [part.strip().removeprefix("/") for part in (attributes.get("category") or "").split(",")]
        tags = clean_tags([folder for folder in self.folders if folder] + categories)
        known = self.feeds.get(url)
        if known is not None:  # The same feed in another folder: one feed, both tags.
            self.feeds[url] = known._replace(tags=clean_tags(known.tags + tags), title=known.title or title)
            return
        self.feeds[url] = OpmlFeed(url, title, site if is_url(site) and len(site) <= MAX_URL else "", tags)

    def end(self, name: str) -> None:
        self.elements.pop()
        if name == "outline":
            self.folders.pop()
        elif name == "title" and self.text is not None:
            self.title = _value("".join(self.text), MAX_TITLE)
            self.text = None

    def characters(self, data: str) -> None:
        if self.text is not None and sum(map(len, self.text)) < MAX_TITLE:
            self.text.append(data)


def _value(text: str, limit: int) -> str:
    return clean_value(text)[:limit].strip()


def _too_large() -> OpmlError:
    return OpmlError(f"larger than {MAX_BYTES // (1024 * 1024)} MB: not an OPML file reader reads")


def _refuse_entities(*_: object) -> None:
    raise _Refused("it declares entities, which reader does not expand")


def read_opml(data: bytes) -> OpmlRead:
    """The feeds an OPML file lists, in its order. OpmlError if it is not one (too large, not
    XML, another XML file, entity declarations)."""
    if len(data) > MAX_BYTES:
        raise _too_large()
    try:
        text = decode_page(data)  # A byte-order mark, then the XML declaration's encoding, then a guess.
    except DecodeError as error:
        raise OpmlError(f"not an OPML file ({error})") from None
    reader = _Reader()
    parser = expat.ParserCreate(encoding="utf-8")  # The text is decoded already: its declaration no longer holds.
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entities
    parser.ExternalEntityRefHandler = _refuse_entities  # type: ignore[assignment]
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    try:
        parser.Parse(text.encode("utf-8", errors="replace"), True)
    except _Refused as error:
        raise OpmlError(str(error)) from None
    except expat.ExpatError as error:
        problem = expat.ErrorString(error.code) if error.code else str(error)
        raise OpmlError(f"not an OPML file (malformed XML: {problem} at line {error.lineno}, column "
                        f"{error.offset + 1})") from None
    except RecursionError:
        raise OpmlError("not an OPML file (nested too deeply)") from None
    return OpmlRead(reader.title, list(reader.feeds.values()), reader.skipped)


def read_opml_file(path: Path) -> OpmlRead:
    """`read_opml` of a file, its size checked before it is read. OSError if it cannot be read."""
    if path.stat().st_size > MAX_BYTES:
        raise _too_large()
    return read_opml(path.read_bytes())


class _Feed(Protocol):
    """What a feed needs to be written: an `OpmlFeed` or a `Subscription`."""

    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def site(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...


def write_opml(feeds: Iterable[_Feed], title: str = "reader subscriptions",
               created: datetime | None = None) -> str:
    """OPML 2.0 for `feeds` (anything with url, title, site and tags: a `Subscription`): those
    without tags first, then a folder for each first tag, in the order the feeds come."""
    top: list[str] = []
    folders: dict[str, list[str]] = {}
    for feed in feeds:
        feed_title = clean_value(feed.title)
        attributes = [("type", "rss"), ("text", feed_title or clean_value(feed.url))]  # `text` is required.
        attributes += [("title", feed_title)] if feed_title else []
        attributes.append(("xmlUrl", clean_value(feed.url)))
        if feed.site:
            attributes.append(("htmlUrl", clean_value(feed.site)))
        tags = clean_tags(feed.tags)
        if len(tags) > 1:
            attributes.append(("category", ",".join(f"/{tag}" for tag in tags)))
        line = "<outline " + " ".join(f"{key}={quoteattr(value)}" for key, value in attributes) + "/>"
        (folders.setdefault(tags[0], []) if tags else top).append(line)
    stamp = format_datetime(created or datetime.now(UTC))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "  <head>",
             f"    <title>{escape(clean_value(title))}</title>", f"    <dateCreated>{stamp}</dateCreated>",
             "  </head>", "  <body>"]
    lines += [f"    {line}" for line in top]
    for name, members in folders.items():
        lines.append(f"    <outline text={quoteattr(name)} title={quoteattr(name)}>")
        lines += [f"      {line}" for line in members]
        lines.append("    </outline>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
