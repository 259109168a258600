"""Issue 23: nothing from a page, feed or book reaches the terminal, the disk or the notes.

A hostile HTTP server on 127.0.0.1 (started in a thread for this module) trickles bytes, redirects
to local files, sends reason phrases and titles full of escape sequences and gzip bombs. Every
fetch ends by its timeout, reads nothing but http(s), keeps to the size cap, fails in one clean
line; what is stored has no control character, and `reader add` prints what the file holds.
"""

from __future__ import annotations

import base64
import errno
import gzip
import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import REPO
from local_server import QuietHandler, serving
from test_library import make_epub

from reader.articles import epub, web
from reader.articles.corpus import load_corpus
from reader.articles.library import add_sources, read_entry
from reader.articles.web import FetchError, fetch
from reader.text.controls import has_controls

SECRET = "这份本地文件里的机密内容绝不能出现在文库里"
HOSTILE = "\x1b]0;pwned\x07 红色\x1b[31m  标题\x9b2J \u202e反向  "
"""ESC (an OSC title and an SGR), C1 CSI, a right-to-left override and runs of spaces."""
CLEAN = "]0;pwned 红色[31m 标题2J 反向"
FEED_CLEAN = CLEAN.replace("2J", "\u203a2J")
"""feedparser reads a C1 character as windows-1252 would have it: U+009B as `›`."""
PARAGRAPH = "这是一段足够长的正文，用来让提取器把它当作文章的内容来读，而不是页面上的导航或者广告。"
TRICKLE_SECONDS = 0.5
TRICKLE_BYTES = 40
"""The trickling routes end after this many bytes (20 s): a test that fails still ends."""
SLOW_HEADERS = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok"


def page(title: str, text: str = PARAGRAPH) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><article><h1>{title}</h1>"
            + f"<p>{text}</p>" * 4 + "</article></body></html>").encode("utf-8")


def feed(items: list[dict[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{item['title']}</title><link>{item['link']}</link><guid>{item['guid']}</guid>"
        f"<author>{item.get('author', '')}</author><pubDate>{item.get('date', '')}</pubDate>"
        + (f"<content:encoded><![CDATA[<p>{item['body']}</p>]]></content:encoded>" if "body" in item else "")
        + "</item>" for item in items)
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
            "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
            f"<title>{HOSTILE}来源</title>{entries}</channel></rss>").encode()


# -- the server ---------------------------------------------------------------------------------


class _Hostile(QuietHandler):
    secret: Path
    """A local file no fetch may read (set by the fixture)."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        try:
            if self.path == "/trickle.html":  # Headers at once, then a byte every half second.
                self.reply(200, b"", length=TRICKLE_BYTES)
                for _ in range(TRICKLE_BYTES):
                    time.sleep(TRICKLE_SECONDS)
                    self.wfile.write(b"x")
            elif self.path == "/slow-headers.html":  # The headers themselves a byte every half second.
                for byte in SLOW_HEADERS[:TRICKLE_BYTES]:
                    time.sleep(TRICKLE_SECONDS)
                    self.wfile.write(bytes([byte]))
            elif self.path == "/hostile.html":
                self.reply(200, page(HOSTILE))
            elif self.path == "/hostile.xml":
                self.reply(200, feed([
                    {"title": HOSTILE, "link": f"{base}/entry\x1b[0m.html", "guid": f"guid\x1b{HOSTILE}",
                     "author": f"作者：{HOSTILE}", "date": "2026-03-15\x9b", "body": f"{HOSTILE}{PARAGRAPH}"},
                    {"title": "第二篇", "link": f"{base}/second.html", "guid": "second", "body": PARAGRAPH * 2},
                    {"title": "第三篇", "link": f"{base}/third.html", "guid": "third", "body": PARAGRAPH * 3},
                ]), "application/rss+xml")
            elif self.path == "/secret-links.xml":
                secret = self.secret
                links = [f"file://localhost{secret}", f"file:{secret}", f"file://127.0.0.1{secret}",
                         f"file://{secret}", "data:text/html;base64," + base64.b64encode(secret.read_bytes()).decode(),
                         f"ftp://127.0.0.1{secret}", f"{base}/to-file", f"{base}/to-ftp"]
                self.reply(200, feed([{"title": f"条目{number}", "link": link, "guid": f"secret-{number}"}
                                      for number, link in enumerate(links)]), "application/rss+xml")
            elif self.path == "/to-file":
                self.reply(302, b"", location=f"file://{self.secret}")
            elif self.path == "/to-ftp":
                self.reply(302, b"", location=f"ftp://127.0.0.1{self.secret}")
            elif self.path == "/loop":
                self.reply(302, b"", location="/loop")
            elif self.path == "/escape-reason":
                self.reply(404, b"gone", reason="\x1b]52;c;aGk=\x07Gone\x9b31m")
            elif self.path == "/short.html":
                self.reply(200, page("半截"), length=len(page("半截")) + 100)
            elif self.path == "/big.html":
                self.reply(200, b"x" * (1024 * 1024 + 1))
            elif self.path == "/bomb.html":
                self.reply(200, gzip.compress(bytes(2 * 1024 * 1024)), encoding="gzip")
            elif self.path == "/gzip.html":
                self.reply(200, gzip.compress(page("压缩的页面")), encoding="gzip")
            elif self.path == "/brotli.html":
                self.reply(200, b"\x1b\x00", encoding="br")
            else:
                self.reply(404, b"")
        except (BrokenPipeError, ConnectionResetError):  # The client gave up: the point of most routes.
            pass

    def reply(self, status: int, data: bytes, content_type: str = "text/html; charset=utf-8", length: int = -1,
              location: str = "", reason: str | None = None, encoding: str = "") -> None:
        self.send_response(status, reason)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data) if length < 0 else length))
        if location:
            self.send_header("Location", location)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("private") / "secret.html"
    path.write_bytes(page("机密", SECRET + PARAGRAPH))
    return path


@pytest.fixture(scope="module")
def server(secret: Path) -> str:
    _Hostile.secret = secret
    with serving(_Hostile) as base:
        yield base


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


def stored(library: Path) -> str:
    """Everything the library's files hold."""
    return "".join(path.read_text(encoding="utf-8") for path in sorted(library.rglob("*")) if path.is_file())


def reader(*args: str, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "reader", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120, env=dict(os.environ))


def assert_one_clean_line(message: str) -> None:
    assert message and "\n" not in message and not has_controls(message), repr(message)


# -- the deadline -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/trickle.html", "/slow-headers.html"])
def test_a_trickling_server_is_given_up_on_at_the_timeout(server, path):
    """A socket timeout bounds each wait: a byte every half second never trips it (before, fetch
    stayed as long as the server trickled, 20 s here, and the trickled body came back as a page)."""
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetch(f"{server}{path}", timeout=2)
    elapsed = time.monotonic() - started
    assert str(caught.value) == "timed out after 2 s"
    assert 1.9 < elapsed < 3


def test_the_cli_timeout_bounds_the_whole_fetch(server, library):
    result = reader("add", f"{server}/trickle.html", "--timeout", "1", "--library", str(library))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"reader: {server}/trickle.html: timed out after 1 s\n"


# -- only http and https ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["file:///etc/passwd", "file://localhost/etc/passwd", "file:/etc/passwd",
                                 "data:text/plain,secret", "ftp://127.0.0.1/secret", "FILE:///etc/hosts"])
def test_fetch_refuses_anything_but_http_and_https(url):
    with pytest.raises(FetchError, match="^not an http or https URL$"):
        fetch(url, timeout=1)


def test_the_opener_has_no_handler_for_files_ftp_or_data():
    deadline = web._Deadline(1)
    try:
        handlers = web._opener(deadline).handlers
    finally:
        deadline.cancel()
    banned = (urllib.request.FileHandler, urllib.request.FTPHandler, urllib.request.DataHandler)
    assert not [handler for handler in handlers if isinstance(handler, banned)]


def test_feed_links_to_local_files_are_never_opened(server, library, secret):
    report = add_sources([f"{server}/secret-links.xml"], library, timeout=5)
    assert report.added == [] and len(report.failed) == 8
    for failed in report.failed:
        assert_one_clean_line(failed.reason)
    assert {failed.reason for failed in report.failed[:6]} == {"not an http or https URL"}
    assert report.failed[6].reason.startswith("HTTP error 302") and "not allowed" in report.failed[6].reason
    assert report.failed[7].reason == "redirected to a URL that is not http or https"
    assert SECRET not in stored(library)


# -- one clean line for every failure -----------------------------------------------------------


@pytest.mark.parametrize("path, reason", [
    ("/escape-reason", "HTTP error 404 ]52;c;aGk=Gone31m"),
    ("/to-ftp", "redirected to a URL that is not http or https"),
    ("/brotli.html", "sent in an encoding reader cannot read (br)"),
    ("/short.html", "the connection closed before the whole response came"),
])
def test_failures_say_why_in_one_line_without_control_characters(server, path, reason):
    with pytest.raises(FetchError) as caught:
        fetch(f"{server}{path}", timeout=5)
    assert str(caught.value) == reason


def test_a_redirect_loop_is_one_line(server):
    with pytest.raises(FetchError) as caught:
        fetch(f"{server}/loop", timeout=5)
    assert_one_clean_line(str(caught.value))
    assert str(caught.value).startswith("HTTP error 302 The HTTP server returned a redirect error")


# -- size caps ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/big.html", "/bomb.html"])
def test_a_body_past_the_cap_is_refused_even_compressed(server, path, monkeypatch):
    """Before, the cap's own error came back as "bad response: FetchError …", and a gzip body was
    kept compressed, whatever it inflated to."""
    monkeypatch.setattr(web, "MAX_BYTES", 1024 * 1024)
    with pytest.raises(FetchError) as caught:
        fetch(f"{server}{path}", timeout=5)
    assert str(caught.value) == "larger than 1 MB"


def test_a_gzip_body_is_read_inflated(server):
    fetched = fetch(f"{server}/gzip.html", timeout=5)
    assert fetched.data == page("压缩的页面")


def test_an_epub_whose_text_unpacks_past_the_cap_is_refused(tmp_path, library, monkeypatch):
    book = make_epub(tmp_path / "book.epub")
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OEBPS/padding.xhtml", bytes(2 * 1024 * 1024))  # 2 KiB in the zip.
        archive.writestr("OEBPS/picture.png", bytes(8 * 1024 * 1024))  # Never unpacked: not text.
    monkeypatch.setattr(epub, "MAX_UNPACKED", 1024 * 1024)
    report = add_sources([book], library)
    assert report.added == [] and report.failed == [(str(book), "the book's text unpacks to more than 1 MB")]
    monkeypatch.setattr(epub, "MAX_UNPACKED", 4 * 1024 * 1024)
    assert len(add_sources([book], library).added) == 3


def _declaring(book: Path, name: str, size: int) -> None:
    """Make the zip declare `size` bytes for `name` (local header and central directory), whatever
    its data inflates to."""
    data = bytearray(book.read_bytes())
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(encoded)] == encoded:
                data[at + offset : at + offset + 4] = size.to_bytes(4, "little")
            at += 4
    book.write_bytes(bytes(data))


def test_an_epub_that_lies_about_its_sizes_is_read_in_bounded_memory(tmp_path, library):
    """A file declared as 1,000 bytes that inflates to 64 MB: zipfile inflated all of it in one
    call before cutting it to the declared size (a 1 GB one took 2.1 GB)."""
    import tracemalloc

    book = make_epub(tmp_path / "book.epub")
    with zipfile.ZipFile(book, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OEBPS/bomb.xhtml", bytes(64 * 1024 * 1024))
    _declaring(book, "OEBPS/bomb.xhtml", 1000)
    tracemalloc.start()
    try:
        report = add_sources([book], library)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.added == [] and report.failed[0].reason.startswith("not an EPUB ebooklib can read")
    assert peak < 16 * 1024 * 1024, f"{peak / 1e6:.0f} MB"


def test_an_epub_of_too_many_files_is_refused(tmp_path, monkeypatch):
    book = make_epub(tmp_path / "book.epub")
    count = len(zipfile.ZipFile(book).infolist())
    monkeypatch.setattr(epub, "MAX_MEMBERS", count - 1)
    with pytest.raises(epub.EpubError, match=f"^the book holds {count} files, more than {count - 1}$"):
        epub.read_epub(book)


# -- what is stored and printed -----------------------------------------------------------------


def test_a_hostile_feed_is_stored_and_reported_without_control_characters(server, library):
    report = add_sources([f"{server}/hostile.xml"], library, tags=[f"标签{HOSTILE}"])
    assert report.failed == [] and len(report.added) == 3
    text = stored(library)
    assert not has_controls(text) and "\u202e" not in text and "\x9b" not in text
    entry = read_entry(report.added[0].path)
    assert entry.title == FEED_CLEAN and entry.source == f"{FEED_CLEAN} 来源" and entry.author == FEED_CLEAN
    assert entry.url == f"{server}/entry[0m.html" and entry.entry.endswith(f"guid{FEED_CLEAN}")
    assert entry.tags == (f"标签{CLEAN}",) and entry.date == "2026-03-15\u203a"
    assert entry.body.startswith(FEED_CLEAN)
    for added in report.added:
        assert not has_controls(added.title + added.source + added.origin)
    corpus = load_corpus([library])
    assert [(a.id, a.title) for a in corpus.articles] == [(a.article_id, a.title) for a in report.added]
    again = add_sources([f"{server}/hostile.xml"], library)  # The cleaned keys still tell what was added.
    assert again.added == [] and len(again.skipped) == 3


@pytest.mark.parametrize("kind, title", [("page", CLEAN), ("feed", FEED_CLEAN), ("text", CLEAN)])
def test_reader_add_prints_the_id_the_other_commands_take(server, library, tmp_path, kind, title):
    """Before, the id was made from the title as it came (an ESC, a U+202E in it), the file's
    from the title as it was written: `reader show` did not know the id `reader add` printed."""
    notes = tmp_path / "notes.txt"
    notes.write_text(f"{HOSTILE}\n\n{PARAGRAPH}\n", encoding="utf-8")
    source = {"page": f"{server}/hostile.html", "feed": f"{server}/hostile.xml", "text": str(notes)}[kind]
    added = reader("add", source, "--library", str(library))
    assert added.returncode == 0 and added.stderr == "", added.stderr
    assert "\u241b" not in added.stdout and "\ufffd" not in added.stdout  # Cleaned, not only made visible.
    printed = [line.removeprefix("added ").split("  ")[:2] for line in added.stdout.splitlines()
               if line.startswith("added ")]
    assert printed[0][1] == title
    listing = json.loads(reader("list", "--json", "--library-only", "--library", str(library)).stdout)
    assert sorted([item["id"], item["title"]] for item in listing) == sorted(printed)
    shown = reader("show", printed[0][0], "--library", str(library))
    assert shown.returncode == 0 and PARAGRAPH in shown.stdout


# -- the library cannot be written --------------------------------------------------------------


def test_a_library_that_is_a_file_is_named_as_such(server, tmp_path):
    not_a_folder = tmp_path / "library"
    not_a_folder.write_text("not a folder")
    report = add_sources([f"{server}/hostile.html"], not_a_folder)
    assert report.added == [] and report.error == f"the library {not_a_folder} is a file, not a folder"
    result = reader("add", f"{server}/hostile.html", "--library", str(not_a_folder))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"reader: the library {not_a_folder} is a file, not a folder\n"


FULL_DISK = """
import errno, sys
import reader.articles.library as library
from reader.cli.main import main
write, calls = library.write_temporary, []
def full_after_one(path, text, **options):
    calls.append(path)
    if len(calls) > 1:
        raise OSError(errno.ENOSPC, "No space left on device")
    return write(path, text, **options)
library.write_temporary = full_after_one
sys.argv[0] = "reader"
sys.exit(main(sys.argv[1:]))
"""


def test_a_full_disk_while_adding_a_feed_still_reports_what_was_added(server, library):
    result = reader("add", f"{server}/hostile.xml", "--library", str(library), code=FULL_DISK)
    assert result.returncode == 1
    line, subscribed = result.stdout.splitlines()
    assert line.startswith("added ") and line.endswith(f"  {FEED_CLEAN}  ({FEED_CLEAN} 来源)")
    assert subscribed == f"subscribed to {server}/hostile.xml: `reader update` brings its new entries"
    assert result.stderr == f"reader: cannot write to the library {library}: No space left on device\n"
    [article] = load_corpus([library]).articles
    assert article.id == line.split()[1]


def test_an_error_writing_is_in_the_report_not_raised(server, library, monkeypatch):
    import reader.articles.library as library_module

    def full(path, text, **options):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(library_module, "write_temporary", full)
    report = add_sources([f"{server}/hostile.xml", f"{server}/hostile.html"], library)
    assert report.added == [] and not report.ok
    assert report.error == f"cannot write to the library {library}: No space left on device"
