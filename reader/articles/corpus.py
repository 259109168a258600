"""Load articles from files and folders.

Three formats are understood:

* the seed format: an optional `#tag` line, then pairs of a title line and a body line whose end is
  the source in ASCII or full-width parentheses, e.g. `...穿越周期。 (湧現觀察)`;
* Markdown (`.md`): the first `#` heading is the title, the rest is the body;
* any other text file: one article, its first non-empty line is the title;
* a file that starts with a metadata header (`reader.articles.header`: the library's format, or
  Markdown front matter): title, source and tags from the header, the rest is the body.

An article's `body` is its original text and the only text every offset in the app points into.
A file that cannot be read becomes a `LoadProblem`; the other files still load.

A listing cache (`CorpusCache`) remembers each file's articles with where their bodies are, keyed
by a digest of the file's bytes: a file whose bytes are unchanged is not parsed again, and one
that changed in any way is (whatever its size and modification time say). The app starts from
the cached listing without reading the files at all, then checks them in the background; each
body is read when first needed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from reader.articles.header import FENCE, parse_header, parse_tags
from reader.system.reading import read_regular
from reader.text.controls import visible_controls
from reader.text.decoding import UTF8, DecodeError, decode
from reader.text.markdown import is_markdown, plain, shown_length
from reader.text.paragraphs import strip_span

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")

_SOURCE_RE = re.compile(r"\s*[(（]([^()（）\n]{1,40})[)）]\s*$")
_SOURCE_TAIL = 44  # Room for the longest source, its parentheses and a space.
_TAG_LINE_RE = re.compile(r"^#[^#\s]\S*(?:[\s,，]+#[^#\s]\S*)*\s*$")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


class Article:
    """One article. `body` is read from its file when first asked for if the listing came from
    the cache; `length` is known without reading it."""

    __slots__ = ("id", "title", "source", "tags", "path", "span", "length", "stamp", "encoding", "problem", "_body",
                 "_file")

    def __init__(
        self, id: str, title: str, body: str | None = None, source: str = "", tags: tuple[str, ...] = (),
        path: str = "", *, span: tuple[int, int] | None = None, length: int | None = None,
        stamp: str | None = None, encoding: str = UTF8,
    ) -> None:
        self.id, self.title, self.source, self.tags, self.path = id, title, source, tuple(tags), path
        self.encoding = encoding
        """The file's encoding (UTF-8, GB18030, Big5, UTF-16 …)."""
        self.problem: str | None = None
        """Why the body could not be read when it was asked for (it is then empty), or None."""
        self._body = body
        self._file: _SourceFile | None = None
        self.span = span
        """Where the body is in the file's (normalised) text."""
        self.length = _length(body, path) if body is not None else (length if length is not None else 0)
        """Characters the reader sees: Markdown's markup is not counted."""
        self.stamp = stamp
        """The digest of the file's bytes when it was listed (for a body read later)."""

    @classmethod
    def listed(cls, id: str, title: str, source: str, tags: list, file: _SourceFile, start: int, end: int,
               stamp: str, encoding: str, length: int) -> Article:
        """An article from the listing cache, body unread (the quick way: a start builds thousands)."""
        article = cls.__new__(cls)
        article.id, article.title, article.source, article.tags = id, title, source, tuple(tags)
        article.path, article._file = file.path, file
        article.span, article.length, article.stamp, article._body = (start, end), length, stamp, None
        article.encoding, article.problem = encoding, None
        return article

    @property
    def body(self) -> str:
        """The original text. Empty, with `problem` saying why, if the file cannot be read now."""
        if self._body is None:
            try:
                if self._file is None:
                    raise CorpusError("the article has no file to read its text from")
                self._body = self._file.body(self)
                self._file = None
            except CorpusError as error:
                self.problem = f"{self.path}: {error}"
                return ""
        return self._body

    def __repr__(self) -> str:
        return f"Article(id={self.id!r}, title={self.title!r}, source={self.source!r}, path={self.path!r})"


def _length(body: str, path: str) -> int:
    return shown_length(body) if is_markdown(path) else len(body)


class _SourceFile:
    """The file behind articles listed from the cache: read, decoded and checked once for all of
    them (a seed-format file holds a hundred), then let go once every one has its body."""

    __slots__ = ("path", "unread", "_checked", "_lock", "_text", "_fresh")

    def __init__(self, path: str, articles: int, checked: tuple[tuple[int, int, int], str] | None = None) -> None:
        """`checked`: the stat and digest of the file as the listing was checked against it in
        this process, so reading it again does not digest it again while its stat is the same."""
        self.path = path
        self.unread = articles
        self._checked = checked
        self._lock = threading.Lock()
        self._text: tuple[str, str] | None = None
        self._fresh: dict[str, str] | None = None
        """Bodies by article id from a fresh parse, when the file changed since it was listed."""

    def body(self, article: Article) -> str:
        """The article's body from the file; if the file changed since it was listed, from a
        fresh parse. CorpusError if the file cannot be read or no longer holds the article."""
        with self._lock:
            if self._text is None:
                data, key = _read_bytes(self.path)
                checked = self._checked
                digest = checked[1] if checked is not None and checked[0] == key else _digest(data)
                self._text = (_decode(data)[0], digest)
            text, digest = self._text
            if digest != article.stamp and self._fresh is None:  # Parsed once for all its articles.
                self._fresh = {a.id: a.body for a in parse_text(Path(self.path), text)}
            fresh = self._fresh
            self.unread -= 1
            if self.unread <= 0:
                self._text = self._fresh = None
        if digest == article.stamp:
            start, end = article.span or (0, 0)
            return text[start:end]
        if fresh is None or article.id not in fresh:
            raise CorpusError("the file changed and no longer holds this article")
        return fresh[article.id]


class LoadProblem(NamedTuple):
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Corpus:
    articles: list[Article] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    listing: dict[str, list] = field(default_factory=dict)
    """Each file's digest and articles, as the listing cache keeps them."""
    trusted: bool = False
    """Listed from the cache without looking at the files: check them before relying on it."""
    _positions: dict[str, int] = field(default_factory=dict, repr=False)

    def index_of(self, article_id: str) -> int | None:
        if len(self._positions) != len(self.articles):
            self._positions = {article.id: index for index, article in enumerate(self.articles)}
        return self._positions.get(article_id)

    def find(self, ref: str) -> Article | None:
        """An article by id, or by 1-based position in the list."""
        index = self.index_of(ref)
        if index is not None:
            return self.articles[index]
        if ref.isdigit() and 1 <= int(ref) <= len(self.articles):
            return self.articles[int(ref) - 1]
        return None

    @property
    def signature(self) -> str:
        """Changes whenever any file, or which files, change: keys caches derived from the texts."""
        digest = hashlib.sha1()
        for path in sorted(self.listing):
            entry = self.listing[path]
            digest.update(f"{path}\t{entry[0]}\n".encode("utf-8", "surrogateescape"))
        digest.update("\n".join(a.id for a in self.articles).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()[:20]


class CorpusError(Exception):
    """A file could not be turned into articles; the message names the reason, not the path."""


def article_id(path: Path, title: str) -> str:
    """Stable id from the file name and the title: survives restarts, reordering and new files."""
    stem = re.sub(r"\s+", "-", path.stem.strip()) or "article"
    digest = hashlib.sha1(title.strip().encode("utf-8")).hexdigest()[:6]
    return f"{stem}-{digest}"


def _read_bytes(path: Path | str) -> tuple[bytes, tuple[int, int, int]]:
    """The file's bytes and the (inode, size, modification time) of what was read (the stat of
    the open file, taken before reading); `CorpusError` with a readable reason otherwise."""
    try:
        data, info = read_regular(path)
        return data, (info.st_ino, info.st_size, info.st_mtime_ns)
    except FileNotFoundError:
        raise CorpusError("no such file or folder") from None
    except IsADirectoryError:
        raise CorpusError("is a folder") from None
    except PermissionError:
        raise CorpusError("permission denied") from None
    except OSError as error:
        raise CorpusError(error.strerror or str(error)) from None


def _decode(data: bytes) -> tuple[str, str]:
    """A file's text with newlines normalised and control characters made visible (`␛` for ESC:
    a file must not write to the terminal; the length is kept, so offsets into it hold), and its
    encoding; `CorpusError` if it is empty, binary, or in no encoding reader can tell."""
    try:
        text, encoding = decode(data)
    except DecodeError as error:
        raise CorpusError(str(error)) from None
    return visible_controls(text), encoding


def _lines(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, `offset` added."""
    return [(match.start() + offset, match.end() + offset)
            for match in re.finditer(r"[^\n]+", text) if match.group().strip()]


class _Parsed(NamedTuple):
    title: str
    body: tuple[int, int]
    source: str = ""
    tags: tuple[str, ...] = ()


def parse_seed(text: str) -> tuple[tuple[str, ...], list[tuple[str, str, str]]] | None:
    """Tags and (title, body, source) triples if `text` is in the seed format, else None."""
    parsed = _parse_seed(text)
    if parsed is None:
        return None
    return (parsed[0].tags if parsed else ()), [(p.title, text[slice(*p.body)], p.source) for p in parsed]


def _parse_seed(text: str) -> list[_Parsed] | None:
    lines = _lines(text)
    tags: tuple[str, ...] = ()
    if lines and _TAG_LINE_RE.match(text[slice(*lines[0])].strip()):
        tags = tuple(tag.lstrip("#") for tag in re.split(r"[\s,，]+", text[slice(*lines[0])].strip()) if tag)
        lines = lines[1:]
    if not lines or len(lines) % 2:
        return None
    parsed = []
    for (title_start, title_end), (body_start, body_end) in zip(lines[::2], lines[1::2]):
        end = strip_span(text, body_start, body_end)[1]
        match = _SOURCE_RE.search(text, max(body_start, end - _SOURCE_TAIL), body_end)  # Only the end can hold it.
        if match is None:
            return None
        body = strip_span(text, body_start, match.start())
        parsed.append(_Parsed(text[title_start:title_end].strip(), body, match.group(1).strip(), tags))
    return parsed


def _parse_single(text: str, markdown: bool, offset: int = 0) -> _Parsed:
    """Title and body of a single-article file (from `offset`: after a header)."""
    for start, end in _lines(text[offset:], offset):
        line = text[start:end]
        heading = _MD_HEADING_RE.match(line) if markdown else None
        if markdown and heading is None:
            continue
        title = plain(heading.group(1)) if heading else line.strip()  # The title is shown, not the markup.
        body = strip_span(text, end, len(text))
        body = (_line_start(text, body[0]), body[1])
        return _Parsed(title, body)
    if markdown:  # Markdown without a heading: fall back to the first line.
        return _parse_single(text, False, offset)
    raise CorpusError("the file is empty")


def _parse_with_header(text: str) -> _Parsed | None:
    """A file that starts with a metadata header (a library article, or Markdown with front
    matter): title, source and tags from it; without a title, the title as in any other file."""
    found = parse_header(text)
    if found is None:
        return None
    values, start = found
    tags = parse_tags(values.get("tags", ""))
    title = values.get("title", "")
    if not title:
        single = _parse_single(text, True, start)
        return single._replace(source=values.get("source", ""), tags=tags)
    body = strip_span(text, start, len(text))
    return _Parsed(title, (_line_start(text, body[0]), body[1]), values.get("source", ""), tags)


def _line_start(text: str, position: int) -> int:
    """Keep a body's first line whole, indentation included (only blank lines before it go)."""
    line_start = text.rfind("\n", 0, position) + 1
    return line_start if not text[line_start:position].strip() else position


def parse_text(path: Path, text: str, digest: str | None = None, encoding: str = UTF8) -> list[Article]:
    """The articles of one file's text; `digest` (of its bytes) lets a body be re-read later."""
    display_path = str(path)
    header = _parse_with_header(text) if text.startswith(FENCE) else None
    seed = _parse_seed(text) if header is None else None
    parsed = ([header] if header is not None else seed if seed is not None else
              [_parse_single(text, markdown=path.suffix.lower() in (".md", ".markdown"))])
    articles = []
    for item in parsed:
        body = text[slice(*item.body)]
        if not body.strip():
            raise CorpusError("the article has a title but no text")
        articles.append(Article(article_id(path, item.title), item.title, body, item.source, item.tags,
                                display_path, span=item.body, stamp=digest, encoding=encoding))
    return articles


def _with_unique_ids(articles: list[Article], taken: set[str]) -> list[Article]:
    """Suffix `-2`, `-3` … to ids already taken, in load order."""
    for article in articles:
        candidate, number = article.id, 1
        while candidate in taken:
            number += 1
            candidate = f"{article.id}-{number}"
        taken.add(candidate)
        article.id = candidate
    return articles


def _text_files(folder: Path) -> list[str]:
    found = []
    for root, folders, names in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        found += [os.path.join(root, name) for name in names
                  if name.lower().endswith(TEXT_SUFFIXES) and not name.startswith(".")]
    return sorted(found)


def expand(paths: list[Path]) -> tuple[list[str], list[LoadProblem]]:
    """Files named directly, plus the text files inside folders (sorted, recursive). Plain
    strings, not `Path`s: ten thousand `Path` objects cost more than the listing itself."""
    files: list[str] = []
    problems: list[LoadProblem] = []
    for given in paths:
        # Absolute: the listing cache outlives the folder a command was started from.
        path = Path(os.path.abspath(given))
        if path.is_dir():
            found = _text_files(path)
            if not found:
                problems.append(LoadProblem(str(given), "the folder holds no .txt or .md files"))
            files.extend(found)
        elif path.exists():
            files.append(str(path))
        else:
            problems.append(LoadProblem(str(given), "no such file or folder"))
    return files, problems


class CorpusCache:
    """What each file of a corpus holds, so the next start lists it without reading it.

    An entry is used only while its file's bytes have the digest they had when parsed, so an
    edited file is parsed again. A cache that cannot be read is ignored and rewritten.
    """

    VERSION = 7

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, paths: list[Path]) -> Path:
        key = hashlib.sha1("\n".join(str(p.resolve()) for p in paths).encode("utf-8")).hexdigest()[:20]
        return self.folder / f"{key}.json"

    def read(self, paths: list[Path]) -> dict[str, Any]:
        """Each file's entry as the JSON holds it (see `_entry`), checked where it is used."""
        try:
            data = json.loads(self._path(paths).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("version") != self.VERSION or not isinstance(data.get("files"), dict):
            return {}
        return data["files"]

    def write(self, paths: list[Path], files: dict[str, list]) -> None:
        """Paths and ids made from file names that are not UTF-8 are kept as `\\uXXXX` escapes."""
        from reader.system.storage import atomic_write_text, dumps_json

        try:
            atomic_write_text(self._path(paths), dumps_json({"version": self.VERSION, "files": files}))
        except OSError:
            pass  # Only the next start is slower.


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:20]


def _from_entry(
    path: str, entry: list, checked: tuple[tuple[int, int, int], str] | None = None
) -> list[Article] | None:
    try:
        file = _SourceFile(path, len(entry[1]), checked)
        articles = [
            Article.listed(id_, title, source, tags, file, start, end, entry[0], entry[2], length)
            for id_, title, source, tags, start, end, length in entry[1]
        ]
    except (IndexError, KeyError, TypeError, ValueError):
        return None
    if not isinstance(entry[2], str) or not all(_as_listed(article) for article in articles):
        return None  # Not what `_entry` writes: the file is parsed again.
    return articles


def _as_listed(article: Article) -> bool:
    """Whether an article from the listing cache has the types `_entry` wrote."""
    start, end = article.span or (0, 0)
    return (all(isinstance(text, str) for text in (article.id, article.title, article.source, *article.tags))
            and all(type(number) is int for number in (start, end, article.length)) and 0 <= start <= end)


def _entry(digest: str, articles: list[Article], encoding: str) -> list:
    """[digest, [[id, title, source, tags, body start, body end, length], …], encoding]: lists,
    not objects, because they parse faster and the cache is read at every start."""
    rows = []
    for a in articles:
        assert a.span is not None, "a parsed article knows where its body is"
        rows.append([a.id, a.title, a.source, list(a.tags), a.span[0], a.span[1], a.length])
    return [digest, rows, encoding]


def load_corpus(paths: list[Path], cache: CorpusCache | None = None, *, trust_cache: bool = False) -> Corpus:
    """The articles of `paths`. With `trust_cache`, the cached listing as it is, without looking
    at the files (the app starts so, then checks the files in the background: `Corpus.trusted`)."""
    if trust_cache and cache is not None:
        trusted = _from_listing(cache.read(paths))
        if trusted is not None:
            return trusted
    files, problems = expand(paths)
    listed = cache.read(paths) if cache else {}
    fresh: dict[str, list] = {}
    articles: list[Article] = []
    taken: set[str] = set()
    for path in files:
        cached = listed.get(path)
        try:
            data, key = _read_bytes(path)
            digest = _digest(data)
            entry = cached if isinstance(cached, list) and cached[:1] == [digest] else None
            found = _from_entry(path, entry, (key, digest)) if entry is not None else None
            if entry is None or found is None:  # Not listed as it is now, or the entry is unreadable.
                text, encoding = _decode(data)
                found = parse_text(Path(path), text, digest, encoding)
                entry = _entry(digest, found, encoding)
        except CorpusError as error:
            problems.append(LoadProblem(path, str(error)))
            continue
        fresh[path] = entry
        articles.extend(_with_unique_ids(found, taken))
    if cache is not None and fresh != listed:
        cache.write(paths, fresh)
    return Corpus(articles, problems, fresh)


def _from_listing(listed: dict[str, Any]) -> Corpus | None:
    if not listed:
        return None
    articles: list[Article] = []
    taken: set[str] = set()
    for path, entry in listed.items():
        found = _from_entry(path, entry)
        if found is None:
            return None
        articles.extend(_with_unique_ids(found, taken))
    return Corpus(articles, [], listed, trusted=True)
