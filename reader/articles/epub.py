"""EPUB books (ebooklib, the optional `epub` extra): each chapter of the reading order an article."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import NamedTuple

from reader.articles.extract import MissingExtra, html_to_paragraphs
from reader.articles.header import clean_value

#: The most a book's text files may unpack to, and the most files it may hold: a zip of a few
#: kilobytes can unpack to gigabytes. 64 MB of XHTML is a shelf of novels.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_MEMBERS = 10_000
#: The files a book's text is read from (the rest, images and fonts, are never unpacked).
_TEXT_SUFFIXES = (".xhtml", ".html", ".htm", ".xml", ".opf", ".ncx")
_CHUNK = 1 << 20


class EpubError(Exception):
    """Not an EPUB ebooklib can read, or one too big to read."""


class Chapter(NamedTuple):
    number: int
    title: str
    body: str


class Book(NamedTuple):
    title: str
    author: str
    date: str
    chapters: list[Chapter]


def read_epub(path: Path) -> Book:
    """The book's title, author and chapters (documents of the spine with text, in order)."""
    try:
        import ebooklib  # type: ignore[import-untyped, import-not-found, unused-ignore]
        from ebooklib import epub  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError as error:
        raise MissingExtra("epub", "adding an EPUB", error) from None
    text_only = _text_only(path)
    try:
        book = epub.read_epub(text_only, options={"ignore_ncx": True})
    except Exception as error:  # ebooklib raises many kinds for a broken file.
        raise _not_an_epub(error) from None

    def first(name: str) -> str:
        values = book.get_metadata("DC", name)
        return clean_value(str(values[0][0])) if values and values[0] and values[0][0] else ""

    toc_titles = _toc_titles(book.toc)
    chapters: list[Chapter] = []
    for item_id, _linear in book.spine:
        item = book.get_item_with_id(item_id)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT or isinstance(item, epub.EpubNav):
            continue
        html = item.get_content().decode("utf-8", errors="replace")
        paragraphs, headings = html_to_paragraphs(html)
        title = toc_titles.get(item.get_name().split("#")[0], "")
        if headings and headings[0][0] == 0:  # The chapter's own heading opens it: the title, not text.
            title = title or headings[0][1]
            if title == paragraphs[0]:
                paragraphs = paragraphs[1:]
        if not "".join(paragraphs).strip():
            continue  # A cover, a title page of images.
        number = len(chapters) + 1
        chapters.append(Chapter(number, title or f"第{number}章", "\n\n".join(paragraphs)))
    return Book(first("title") or path.stem, first("creator"), first("date"), chapters)


def _not_an_epub(error: Exception) -> EpubError:
    return EpubError(clean_value(f"not an EPUB ebooklib can read ({type(error).__name__}: {error})"))


def _text_only(path: Path) -> io.BytesIO:
    """The book as a zip in memory holding its text files, each unpacked here in bounded pieces,
    and its other files empty. ebooklib reads a file whole, and zipfile inflates all a file's
    data in one call before cutting it to the size the zip declares: a book declaring small
    sizes could still take gigabytes. EpubError for a book of more than MAX_UNPACKED of text."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise EpubError(f"the book holds {len(members)} files, more than {MAX_MEMBERS}")
            copy = io.BytesIO()
            left = MAX_UNPACKED
            with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as text_only:
                for member in members:
                    data = b""
                    if member.filename.lower().endswith(_TEXT_SUFFIXES) or member.filename == "mimetype":
                        data = _unpacked(archive, member, left)
                        left -= len(data)
                    text_only.writestr(member.filename, data)
    except EpubError:
        raise
    except Exception as error:  # zipfile too raises several kinds for a broken file.
        raise _not_an_epub(error) from None
    copy.seek(0)
    return copy


def _unpacked(archive: zipfile.ZipFile, member: zipfile.ZipInfo, most: int) -> bytes:
    """A file's data, read a piece at a time; EpubError past `most` bytes."""
    pieces, size = [], 0
    with archive.open(member) as data:
        while piece := data.read(_CHUNK):
            size += len(piece)
            if size > most:
                raise EpubError(f"the book's text unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB")
            pieces.append(piece)
    return b"".join(pieces)


def _toc_titles(toc) -> dict[str, str]:
    """File name → title, from the table of contents (nested sections included)."""
    titles: dict[str, str] = {}
    for node in toc or []:
        if isinstance(node, tuple) and len(node) == 2:
            section, children = node
            titles.update(_toc_titles(children))
            node = section
        href = getattr(node, "href", "") or ""
        title = clean_value(getattr(node, "title", "") or "")
        if href and title:
            titles.setdefault(href.split("#")[0], title)
    return titles
