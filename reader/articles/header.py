"""The library's file format: one article per UTF-8 text file, a small metadata header, the body.

    ---
    title: 国产大模型加速落地制造业
    source: 未来科技网
    author: 李明
    date: 2026-03-15
    url: https://www.example.com/news/0315.html
    added: 2026-07-01T12:00:00+00:00
    tags: 人工智能, 制造业
    ---

    在江苏常州的一家电机工厂里……

    过去两年，大模型的热潮……

The header sits between two lines of three dashes (as Markdown front matter does). Each line is
`key: value`, the value taken literally to the end of the line (no quoting, no escapes: this is
not YAML, though simple YAML readers read it). Keys in use: `title` (the article's title),
`source` (the site or publication, shown where a seed's source is), `author`, `date` (as the page
gave it), `url`, `added` (ISO 8601), `tags` (comma-separated), `book` and `chapter` (an EPUB's
chapters: its title and the chapter's number), `feed` (the feed it came from), `entry` (the feed
entry's id) and `digest` (of the body, to spot duplicates). Only `title` is needed; unknown keys
are kept and ignored. The body follows the closing line; paragraphs are separated by a blank line.
Offsets into an article count code points of the body, as for every other file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from reader.text.controls import strip_controls

FENCE = "---"
#: The header's keys in the order they are written.
KEYS = ("title", "source", "author", "date", "url", "added", "tags", "book", "chapter", "feed", "entry", "digest")
_KEY_RE = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_MAX_LINES = 64
_TAG_ENDS_RE = re.compile(r"^[#\[\s]+|[\]\s]+$")
#: Unicode's line and paragraph separators: line breaks to some readers, not to the body's offsets.
_SEPARATORS_RE = re.compile("[\u2028\u2029]")


@dataclass
class Entry:
    """One library article: its metadata and its body."""

    title: str
    body: str
    source: str = ""
    author: str = ""
    date: str = ""
    url: str = ""
    added: str = ""
    tags: tuple[str, ...] = ()
    book: str = ""
    chapter: str = ""
    feed: str = ""
    entry: str = ""
    digest: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    """Keys this version does not know, kept as they were."""

    def fields(self) -> dict[str, str]:
        """The header's values, cleaned as they are written."""
        values = {key: ", ".join(clean_tags(self.tags)) if key == "tags" else clean_value(getattr(self, key))
                  for key in KEYS}
        values.update({key: clean_value(value) for key, value in self.extra.items() if key not in values})
        return values


def clean_value(value: str) -> str:
    """A value as the header holds it: one line, white space runs made one space, trimmed, and
    no control character (`reader.text.controls`: a title from a page must not reach a terminal)."""
    return " ".join(word for word in map(strip_controls, value.split()) if word)


def clean_tags(tags: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Tags without commas or surrounding space, empty ones and repeats dropped."""
    cleaned: list[str] = []
    for tag in tags:
        tag = _TAG_ENDS_RE.sub("", clean_value(re.sub(r"[,，]", " ", tag)))
        if tag and tag not in cleaned:
            cleaned.append(tag)
    return tuple(cleaned)


def clean_body(body: str) -> str:
    """The body as it is written: newlines made `\\n`, control characters (a NUL would make the
    file look binary, an ESC would reach the terminal) and line separators dropped, blank lines at
    either end and trailing spaces removed."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    body = _SEPARATORS_RE.sub("", strip_controls(body.replace("\t", "    ")))
    lines = [line.rstrip() for line in body.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def body_digest(body: str) -> str:
    """What two copies of one text share however they were spaced: SHA-1 of the body without
    white space, 16 hex digits."""
    return hashlib.sha1("".join(body.split()).encode("utf-8")).hexdigest()[:16]


def format_entry(entry: Entry) -> str:
    """The file's text. ValueError if the title or the body is empty once cleaned."""
    body = clean_body(entry.body)
    values = entry.fields()
    if not values["title"]:
        raise ValueError("the article has no title")
    if not body.strip():
        raise ValueError("the article has no text")
    values["digest"] = values["digest"] or body_digest(body)
    lines = [FENCE] + [f"{key}: {value}" for key, value in values.items() if value] + [FENCE, "", body, ""]
    return "\n".join(lines)


def parse_header(text: str) -> tuple[dict[str, str], int] | None:
    """The header's values and where the text after it starts, or None if `text` does not start
    with a header (then it is read as any other text file)."""
    if not text.startswith(FENCE + "\n"):
        return None
    values: dict[str, str] = {}
    position = len(FENCE) + 1
    for _ in range(_MAX_LINES):
        end = text.find("\n", position)
        line = text[position:] if end == -1 else text[position:end]
        after = len(text) if end == -1 else end + 1
        if line.rstrip() == FENCE:
            return values, after
        key, colon, value = line.partition(":")
        if not colon or not _KEY_RE.fullmatch(key):
            return None
        values[key] = value.strip()
        if end == -1:
            return None
        position = after
    return None


#: Bytes of a file read for its header: more than any header reader writes.
HEADER_BYTES = 8192
#: The only kinds of link handed to a browser (a page's links come from anywhere).
WEB_SCHEMES = ("http", "https")


def read_header(path: str) -> dict[str, str]:
    """The header values of the file at `path` ({} if it has none or cannot be read)."""
    try:
        with open(path, "rb") as file:
            head = file.read(HEADER_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return {}
    parsed = parse_header(head)
    return parsed[0] if parsed is not None else {}


def web_link(url: str) -> str | None:
    """`url` if it is an http(s) URL a browser may be given (a host, no white space or control
    characters), else None: a `javascript:` or `file:` link from a hostile page is never opened."""
    from urllib.parse import urlsplit

    if not url or any(character.isspace() or not character.isprintable() for character in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in WEB_SCHEMES and parts.hostname else None


def parse_tags(value: str) -> tuple[str, ...]:
    """`a, b` (or YAML's `[a, b]`) as tags."""
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return clean_tags(re.split(r"[,，]", value))


def parse_entry(text: str) -> Entry:
    """The entry a library file holds. ValueError if it has no header with a title."""
    parsed = parse_header(text)
    if parsed is None or not parsed[0].get("title"):
        raise ValueError("not a library article (no header with a title)")
    values, start = parsed
    known = {key: values.get(key, "") for key in KEYS if key != "tags"}
    extra = {key: value for key, value in values.items() if key not in KEYS}
    body = text[start:]
    body = body[1:] if body.startswith("\n") else body
    body = body[:-1] if body.endswith("\n") else body
    return Entry(body=body, tags=parse_tags(values.get("tags", "")), extra=extra, **known)
