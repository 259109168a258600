"""Load articles from files and folders.

Three formats are understood:

* the seed format: an optional `#tag` line, then pairs of a title line and a body line whose end is
  the source in ASCII or full-width parentheses, e.g. `...穿越周期。 (湧現觀察)`;
* Markdown (`.md`): the first `#` heading is the title, the rest is the body;
* any other text file: one article, its first non-empty line is the title;
* a file that starts with a metadata header (`reader.articles.header`: the library's format, or
  Markdown front matter): title, source and tags from the header, the rest is the body.

An article's `body` is its original text and the only text every offset in the app points into.
A file that cannot be read becomes a `LoadProblem`; the other files still load. What parsing
needs (Markdown, paragraphs, headers) is imported when a file is parsed: a start or a search that
parses nothing does not load it.

The index (`reader.articles.indexed`, `reader.articles.catalog`) remembers each file's articles
with where their bodies are, so a start lists them without reading the files; each body is read
when first needed, from the file (parsed again if its bytes are not those the index was made from).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from reader.system.reading import read_regular
from reader.text.controls import visible_controls
from reader.text.decoding import UTF8, DecodeError, decode

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    Progress = Callable[[int, int], None]


class CorpusIndex(Protocol):
    """Where a corpus is listed from instead of reading every file: the on-disk index
    (`reader.articles.indexed.CorpusCache`, which builds on this module: hence not imported here)."""

    def corpus(self, paths: list[Path], *, check: bool = True, progress: Progress | None = None) -> Corpus: ...

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")

_SOURCE_RE = re.compile(r"\s*[(（]([^()（）\n]{1,40})[)）]\s*$")
_SOURCE_TAIL = 44  # Room for the longest source, its parentheses and a space.
_TAG_LINE_RE = re.compile(r"^#[^#\s]\S*(?:[\s,，]+#[^#\s]\S*)*\s*$")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


class Article:
    """One article. `body` is read from its file when first asked for if the listing came from
    the cache; `length` is known without reading it."""

    __slots__ = ("id", "title", "source", "tags", "path", "span", "length", "stamp", "encoding", "date", "problem",
                 "_body", "_file")

    def __init__(
        self, id: str, title: str, body: str | None = None, source: str = "", tags: tuple[str, ...] = (),
        path: str = "", *, span: tuple[int, int] | None = None, length: int | None = None,
        stamp: str | None = None, encoding: str = UTF8, date: str = "",
    ) -> None:
        self.id, self.title, self.source, self.tags, self.path = id, title, source, tuple(tags), path
        self.encoding = encoding
        self.date = date
        """The date its header gives (`date`, else `added`), as written; empty if none."""
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
    def listed(cls, id: str, title: str, source: str, tags: tuple[str, ...], file: _SourceFile, start: int, end: int,
               stamp: str, encoding: str, length: int, date: str = "") -> Article:
        """An article from the index, body unread (the quick way: a start builds thousands)."""
        article = cls.__new__(cls)
        article.id, article.title, article.source, article.tags = id, title, source, tags
        article.path, article._file = file.path, file
        article.span, article.length, article.stamp, article._body = (start, end), length, stamp, None
        article.encoding, article.date, article.problem = encoding, date, None
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
    from reader.text.markdown import is_markdown, shown_length

    return shown_length(body) if is_markdown(path) else len(body)


class Checked(NamedTuple):
    """What the index knows of a file's bytes as it last read them: while the file's stat is this
    one, they are the same bytes, so they need not be digested (nor their text scanned for control
    characters, when it had none) again."""

    stat: tuple[int, int, int, int]
    digest: str
    clean: bool
    """Whether its text held no control character to make visible."""


class _SourceFile:
    """The file behind articles listed from the index: read, decoded and checked once for all of
    them (a seed-format file holds a hundred), then let go once every one has its body."""

    __slots__ = ("path", "unread", "_checked", "_lock", "_text", "_fresh")

    def __init__(self, path: str, articles: int, checked: Checked | None = None) -> None:
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
                checked = self._checked if self._checked is not None and self._checked.stat == key else None
                digest = checked.digest if checked is not None else _digest(data)
                self._text = (_decode(data, clean=checked is not None and checked.clean)[0], digest)
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


class Corpus:
    """Articles, in order, and the files that could not be read."""

    def __init__(self, articles: Sequence[Article] | None = None, problems: list[LoadProblem] | None = None,
                 listing: dict[str, list] | None = None, trusted: bool = False) -> None:
        self.articles: Sequence[Article] = articles if articles is not None else []
        self.problems = problems if problems is not None else []
        self.listing = listing if listing is not None else {}
        """Each file's digest (first in a list), to tell one version of the corpus from another."""
        self.trusted = trusted
        """Listed from the index without looking at the files: check them before relying on it."""
        self._positions: dict[str, int] = {}

    @property
    def complete(self) -> bool:
        """Whether every file is in it (one being indexed for the first time shows what it has)."""
        return True

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


def _read_bytes(path: Path | str) -> tuple[bytes, tuple[int, int, int, int]]:
    """The file's bytes and the (inode, size, modification time, change time) of what was read
    (the stat of the open file, taken before reading: any write moves the change time, even one
    that sets the size and modification time back); `CorpusError` with a readable reason otherwise."""
    try:
        data, info = read_regular(path)
        return data, (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    except FileNotFoundError:
        raise CorpusError("no such file or folder") from None
    except IsADirectoryError:
        raise CorpusError("is a folder") from None
    except PermissionError:
        raise CorpusError("permission denied") from None
    except OSError as error:
        raise CorpusError(error.strerror or str(error)) from None


def _decode(data: bytes, *, clean: bool = False) -> tuple[str, str]:
    """A file's text with newlines normalised and control characters made visible (`␛` for ESC:
    a file must not write to the terminal; the length is kept, so offsets into it hold), and its
    encoding; `CorpusError` if it is empty, binary, or in no encoding reader can tell. `clean`:
    these bytes are known to hold no control character (looking for them takes as long as the
    decoding)."""
    try:
        text, encoding = decode(data)
    except DecodeError as error:
        raise CorpusError(str(error)) from None
    return (text if clean else visible_controls(text)), encoding


def _lines(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, `offset` added."""
    return [(match.start() + offset, match.end() + offset)
            for match in re.finditer(r"[^\n]+", text) if match.group().strip()]


class _Parsed(NamedTuple):
    title: str
    body: tuple[int, int]
    source: str = ""
    tags: tuple[str, ...] = ()
    date: str = ""


def parse_seed(text: str) -> tuple[tuple[str, ...], list[tuple[str, str, str]]] | None:
    """Tags and (title, body, source) triples if `text` is in the seed format, else None."""
    parsed = _parse_seed(text)
    if parsed is None:
        return None
    return (parsed[0].tags if parsed else ()), [(p.title, text[slice(*p.body)], p.source) for p in parsed]


def _parse_seed(text: str) -> list[_Parsed] | None:
    from reader.text.paragraphs import strip_span

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
    from reader.text.markdown import plain
    from reader.text.paragraphs import strip_span

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
    from reader.articles.header import parse_header, parse_tags
    from reader.text.paragraphs import strip_span

    found = parse_header(text)
    if found is None:
        return None
    values, start = found
    tags = parse_tags(values.get("tags", ""))
    title = values.get("title", "")
    date = values.get("date") or values.get("added", "")
    if not title:
        single = _parse_single(text, True, start)
        return single._replace(source=values.get("source", ""), tags=tags, date=date)
    body = strip_span(text, start, len(text))
    return _Parsed(title, (_line_start(text, body[0]), body[1]), values.get("source", ""), tags, date)


def _line_start(text: str, position: int) -> int:
    """Keep a body's first line whole, indentation included (only blank lines before it go)."""
    line_start = text.rfind("\n", 0, position) + 1
    return line_start if not text[line_start:position].strip() else position


def parse_text(path: Path, text: str, digest: str | None = None, encoding: str = UTF8) -> list[Article]:
    """The articles of one file's text; `digest` (of its bytes) lets a body be re-read later."""
    display_path = str(path)
    header = _parse_with_header(text) if text.startswith("---") else None  # header.FENCE
    seed = _parse_seed(text) if header is None else None
    parsed = ([header] if header is not None else seed if seed is not None else
              [_parse_single(text, markdown=path.suffix.lower() in (".md", ".markdown"))])
    articles = []
    for item in parsed:
        body = text[slice(*item.body)]
        if not body.strip():
            raise CorpusError("the article has a title but no text")
        articles.append(Article(article_id(path, item.title), item.title, body, item.source, item.tags,
                                display_path, span=item.body, stamp=digest, encoding=encoding, date=item.date))
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
        # Absolute: the index outlives the folder a command was started from.
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


def _digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:20]


def load_corpus(paths: list[Path], cache: CorpusIndex | None = None, *, trust_cache: bool = False,
                progress: Progress | None = None) -> Corpus:
    """The articles of `paths`. With a `cache` (the index: `reader.articles.indexed`), listed from
    it after indexing what changed, with `progress(bytes done, bytes to do)` while it does; with
    `trust_cache` too, as the index holds them without looking at the files (the app starts so,
    then checks the files in the background: `Corpus.trusted`). Without, every file is read."""
    if cache is not None:
        return cache.corpus(paths, check=not trust_cache, progress=progress)
    files, problems = expand(paths)
    listing: dict[str, list] = {}
    articles: list[Article] = []
    taken: set[str] = set()
    for path in files:
        try:
            data, _ = _read_bytes(path)
            digest = _digest(data)
            text, encoding = _decode(data)
            found = parse_text(Path(path), text, digest, encoding)
        except CorpusError as error:
            problems.append(LoadProblem(path, str(error)))
            continue
        listing[path] = [digest]
        articles.extend(_with_unique_ids(found, taken))
    return Corpus(articles, problems, listing)
