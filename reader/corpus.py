"""Load articles from files and folders.

Three formats are understood:

* the seed format: an optional `#tag` line, then pairs of a title line and a body line whose end is
  the source in ASCII or full-width parentheses, e.g. `...穿越周期。 (湧現觀察)`;
* Markdown (`.md`): the first `#` heading is the title, the rest is the body;
* any other text file: one article, its first non-empty line is the title.

An article's `body` is its original text and the only text every offset in the app points into.
A file that cannot be read becomes a `LoadProblem`; the other files still load.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")

_SOURCE_RE = re.compile(r"\s*[(（]([^()（）\n]{1,40})[)）]\s*$")
_SOURCE_TAIL = 44  # Room for the longest source, its parentheses and a space.
_TAG_LINE_RE = re.compile(r"^#[^#\s]\S*(?:[\s,，]+#[^#\s]\S*)*\s*$")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    body: str
    source: str = ""
    tags: tuple[str, ...] = ()
    path: str = ""


@dataclass(frozen=True)
class LoadProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Corpus:
    articles: list[Article] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)

    def find(self, ref: str) -> Article | None:
        """An article by id, or by 1-based position in the list."""
        for article in self.articles:
            if article.id == ref:
                return article
        if ref.isdigit() and 1 <= int(ref) <= len(self.articles):
            return self.articles[int(ref) - 1]
        return None

    def index_of(self, article_id: str) -> int | None:
        for index, article in enumerate(self.articles):
            if article.id == article_id:
                return index
        return None


class CorpusError(Exception):
    """A file could not be turned into articles; the message names the reason, not the path."""


def article_id(path: Path, title: str) -> str:
    """Stable id from the file name and the title: survives restarts, reordering and new files."""
    stem = re.sub(r"\s+", "-", path.stem.strip()) or "article"
    digest = hashlib.sha1(title.strip().encode("utf-8")).hexdigest()[:6]
    return f"{stem}-{digest}"


def read_text(path: Path) -> str:
    """The file's text with newlines normalised; `CorpusError` with a readable reason otherwise."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CorpusError("no such file or folder") from None
    except IsADirectoryError:
        raise CorpusError("is a folder") from None
    except PermissionError:
        raise CorpusError("permission denied") from None
    except OSError as error:
        raise CorpusError(error.strerror or str(error)) from None
    if not data.strip():
        raise CorpusError("the file is empty")
    if b"\x00" in data[:8192]:
        raise CorpusError("a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CorpusError(
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_seed(text: str) -> tuple[tuple[str, ...], list[tuple[str, str, str]]] | None:
    """Tags and (title, body, source) triples if `text` is in the seed format, else None."""
    lines = [line for line in text.split("\n") if line.strip()]
    tags: tuple[str, ...] = ()
    if lines and _TAG_LINE_RE.match(lines[0].strip()):
        tags = tuple(tag.lstrip("#") for tag in re.split(r"[\s,，]+", lines[0].strip()) if tag)
        lines = lines[1:]
    if not lines or len(lines) % 2:
        return None
    triples = []
    for title, body in zip(lines[::2], lines[1::2]):
        tail = max(0, len(body.rstrip()) - _SOURCE_TAIL)  # Only the end can hold the source.
        match = _SOURCE_RE.search(body, tail)
        if match is None:
            return None
        triples.append((title.strip(), body[: match.start()].strip(), match.group(1).strip()))
    return tags, triples


def _split_title(text: str, markdown: bool) -> tuple[str, str]:
    """Title and body of a single-article file."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        heading = _MD_HEADING_RE.match(line) if markdown else None
        if markdown and heading is None:
            continue
        title = heading.group(1) if heading else line.strip()
        body = "\n".join(lines[index + 1 :]).strip("\n").rstrip()
        return title, body
    if markdown:  # Markdown without a heading: fall back to the first line.
        return _split_title(text, markdown=False)
    raise CorpusError("the file is empty")


def parse_file(path: Path) -> list[Article]:
    text = read_text(path)
    display_path = str(path)
    seed = parse_seed(text)
    if seed is not None:
        tags, triples = seed
        return [
            Article(article_id(path, title), title, body, source, tags, display_path)
            for title, body, source in triples
        ]
    title, body = _split_title(text, markdown=path.suffix.lower() in (".md", ".markdown"))
    if not body.strip():
        raise CorpusError("the article has a title but no text")
    return [Article(article_id(path, title), title, body, "", (), display_path)]


def _with_unique_ids(articles: list[Article], taken: set[str]) -> list[Article]:
    """Suffix `-2`, `-3` … to ids already taken, in load order."""
    unique = []
    for article in articles:
        candidate, number = article.id, 1
        while candidate in taken:
            number += 1
            candidate = f"{article.id}-{number}"
        taken.add(candidate)
        unique.append(article if candidate == article.id else _replace_id(article, candidate))
    return unique


def _replace_id(article: Article, new_id: str) -> Article:
    return Article(new_id, article.title, article.body, article.source, article.tags, article.path)


def expand(paths: list[Path]) -> tuple[list[Path], list[LoadProblem]]:
    """Files named directly, plus the text files inside folders (sorted, recursive)."""
    files: list[Path] = []
    problems: list[LoadProblem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                (p for p in path.rglob("*")
                 if p.suffix.lower() in TEXT_SUFFIXES and not p.name.startswith(".") and p.is_file()),
                key=str,
            )
            if not found:
                problems.append(LoadProblem(str(path), "the folder holds no .txt or .md files"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(LoadProblem(str(path), "no such file or folder"))
    return files, problems


def load_corpus(paths: list[Path]) -> Corpus:
    files, problems = expand(paths)
    articles: list[Article] = []
    taken: set[str] = set()
    for path in files:
        try:
            articles.extend(_with_unique_ids(parse_file(path), taken))
        except CorpusError as error:
            problems.append(LoadProblem(str(path), str(error)))
    return Corpus(articles, problems)
