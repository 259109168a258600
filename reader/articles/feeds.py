"""RSS and Atom feeds (feedparser): each entry with its text when the feed carries it whole."""

from __future__ import annotations

from typing import NamedTuple

from reader.articles.extract import clean_author, html_to_text
from reader.articles.header import clean_value
from reader.articles.web import is_url


class FeedError(Exception):
    """Not a feed feedparser can read."""


class FeedItem(NamedTuple):
    """One entry, each value on one line without control characters, as the library stores it."""

    key: str
    """The entry's id, else its link: what tells a new entry from one added before."""
    title: str
    url: str
    body: str
    """The entry's content, or "" when the feed has only a summary (then the page is fetched)."""
    author: str
    date: str
    summary: str = ""
    """The entry's summary when it has no content: its text if its page cannot be extracted."""


class Feed(NamedTuple):
    title: str
    items: list[FeedItem]
    site: str = ""
    """The site the feed belongs to (its `link`), "" if it names none."""


def _text_of(detail: dict) -> str:
    """The paragraphs of a feedparser text construct (content, summary), HTML or plain."""
    value = detail.get("value", "") or ""
    return html_to_text(value) if "html" in (detail.get("type") or "text/html") else value.strip()


def read_feed(data: bytes, url: str = "") -> Feed:
    """The feed's title and entries. FeedError if the bytes are not a feed."""
    import feedparser  # type: ignore[import-untyped, import-not-found, unused-ignore]  # Imported when needed.

    parsed = feedparser.parse(data, response_headers={"content-location": url} if url else None)
    version = parsed.get("version", "")
    if not version and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"not a feed ({problem})" if problem else "not a feed")
    items = []
    for entry in parsed.entries:
        link = clean_value(entry.get("link", "") or "")
        key = clean_value(entry.get("id", "") or "") or link
        title = clean_value(entry.get("title", "") or "")
        body = ""
        for content in entry.get("content", []) or []:  # RSS content:encoded, Atom content.
            text = _text_of(content)
            if len(text) > len(body):
                body = text
        if not key and not body:
            continue
        summary = "" if body else _text_of(entry.get("summary_detail") or {})  # RSS description, Atom summary.
        items.append(FeedItem(key, title, link, body, clean_author(entry.get("author", "") or ""),
                              clean_value(entry.get("published", "") or entry.get("updated", "") or ""), summary))
    feed_title = clean_value(parsed.feed.get("title", "") or "")
    site = clean_value(parsed.feed.get("link", "") or "")
    return Feed(feed_title, items, site if is_url(site) else "")
