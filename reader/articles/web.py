"""Fetching a URL and reading an HTML page's bytes as text, in the encoding the page says it is in.

Standard library only (`urllib`): the errors a user sees (no connection, a timeout, an HTTP error
status, a response that is not a page) are each one `FetchError` whose message is one line.
Only http and https are fetched, redirects included: no URL from a feed or a server opens a local
file. The timeout bounds the whole fetch and the size cap the body, however the server sends it.
"""

from __future__ import annotations

import codecs
import email.message
import http.client
import re
import socket
import threading
import time
import urllib.error
import urllib.request
import zlib
from functools import partial
from typing import NamedTuple

from reader.articles.header import clean_value
from reader.text.decoding import DecodeError, decode

DEFAULT_TIMEOUT = 20.0
DEFAULT_JOBS = 8
"""How many fetches at once, by default, when there are many (`reader update`)."""
MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "Mozilla/5.0 (compatible; reader/0.1; +https://pypi.org/project/reader/)"
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Language": "zh-CN,zh-TW;q=0.9,zh;q=0.8,en;q=0.5"}
_CHUNK = 65536
_MAX_VALIDATOR = 1024
#: What a body sent compressed (though none was asked for) may be inflated from: gzip or zlib.
_INFLATABLE = ("gzip", "x-gzip", "deflate")
#: Legacy names read with the codec that is their superset (GB2312 and GBK pages are often GB18030).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
              "big5": "big5hkscs", "x-x-big5": "big5hkscs", "cp950": "big5hkscs"}
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""")


class FetchError(Exception):
    """The URL could not be fetched; the message says why in a few words (not the URL), on one
    line and without control characters (a server's reason phrase or redirect can hold them)."""

    def __init__(self, reason: str) -> None:
        super().__init__(clean_value(reason))


class Fetched(NamedTuple):
    url: str
    """Where the response came from, after redirects."""
    content_type: str
    """The media type, lower case, without parameters ("" if the server gave none)."""
    charset: str | None
    """The charset the HTTP header gave, if any."""
    data: bytes
    etag: str = ""
    """The response's `ETag` and `Last-Modified`, cleaned ("" if none): what a conditional
    request gives back to ask for the resource only if it changed."""
    last_modified: str = ""
    not_modified: bool = False
    """The server said 304 Not Modified to a conditional request: no body, nothing changed."""


def is_url(text: str) -> bool:
    return bool(re.match(r"(?i)https?://", text))


def _too_large() -> FetchError:
    return FetchError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")


class _Deadline:
    """One fetch's time limit. A socket timeout bounds each wait, not their sum (a server sending a
    byte a second never trips it), so when the time is up every socket the fetch opened is shut
    down, which ends the read waiting on it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.passed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._pass)
        self._timer.daemon = True
        self._timer.start()

    def error(self) -> FetchError:
        return FetchError(f"timed out after {self.seconds:g} s")

    def remaining(self) -> float:
        """Seconds left; TimeoutError if none are."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.passed:
                _shut(sock)

    def _pass(self) -> None:
        with self._lock:
            self.passed = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        # The plain socket's shutdown, also for TLS: the SSL socket's own drops its TLS state
        # under the thread reading it.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # Closed already.


class _TimedHTTPConnection(http.client.HTTPConnection):
    """A connection whose socket the fetch's deadline shuts down."""

    def __init__(self, *args, deadline: _Deadline, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        # Each wait while connecting ends by the deadline; a TLS handshake is timed whole by Python.
        self.timeout = self.deadline.remaining()
        super().connect()
        self.deadline.watch(self.sock)


class _TimedHTTPSConnection(_TimedHTTPConnection, http.client.HTTPSConnection):
    """The same over TLS."""


class _HTTPHandler(urllib.request.AbstractHTTPHandler):
    """http and https, on connections the fetch's deadline can end."""

    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, request: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_TimedHTTPConnection, deadline=self.deadline), request)

    def https_open(self, request: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_TimedHTTPSConnection, deadline=self.deadline), request)

    http_request = https_request = urllib.request.AbstractHTTPHandler.do_request_


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Redirects to http and https only (urllib's own refuses file: and data:, not ftp:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not is_url(newurl):
            fp.close()
            raise FetchError("redirected to a URL that is not http or https")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    """urllib's opener with only what fetching a page needs: no file:, ftp: or data: handler."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.UnknownHandler(), _HTTPHandler(deadline),
                    urllib.request.HTTPDefaultErrorHandler(), _RedirectHandler(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def fetch(url: str, timeout: float = DEFAULT_TIMEOUT, *, etag: str = "", last_modified: str = "") -> Fetched:
    """The response to a GET of `url`, an http or https URL. `timeout` bounds the whole fetch
    (connecting, redirects, headers, body; not the system's name lookup, which no socket timeout
    reaches). FetchError for anything but a whole 2xx response, or a 304 to a conditional request.

    With `etag` or `last_modified` (as an earlier response gave them), the request is conditional
    (If-None-Match, If-Modified-Since): a server whose resource is unchanged answers 304, and the
    result is `not_modified`, without a body."""
    if not is_url(url):
        raise FetchError("not an http or https URL")
    conditions = {name: value for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified))
                  if value}
    deadline = _Deadline(timeout)
    try:
        return _get(url, deadline, conditions)
    except FetchError:
        raise
    except Exception as error:
        raise (deadline.error() if deadline.passed else _failure(error, deadline)) from None
    finally:
        deadline.cancel()


def _get(url: str, deadline: _Deadline, conditions: dict[str, str]) -> Fetched:
    try:
        opened = _opener(deadline).open(urllib.request.Request(url, headers={**_HEADERS, **conditions}))
    except urllib.error.HTTPError as error:
        if error.code != 304 or not conditions:
            raise
        error.close()
        return Fetched(error.geturl() or url, "", None, b"", *_validators(error.headers), not_modified=True)
    with opened as response:
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if size > MAX_BYTES:
                raise _too_large()
            chunks.append(chunk)
        if deadline.passed:  # The body ended because the deadline shut the socket.
            raise deadline.error()
        if response.length:  # Less than its Content-Length: http.client returns what came, silently.
            raise FetchError("the connection closed before the whole response came")
        data = _inflated(b"".join(chunks), response.headers.get("Content-Encoding", ""))
        content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
        return Fetched(response.geturl(), content_type, response.headers.get_content_charset(), data,
                       *_validators(response.headers))


def _validators(headers: email.message.Message) -> tuple[str, str]:
    """The response's ETag and Last-Modified: sent back in the next request's headers."""
    return _header(headers, "ETag"), _header(headers, "Last-Modified")


def _header(headers: email.message.Message, name: str) -> str:
    """A header's value as one clean line; "" if absent or absurdly long."""
    value = clean_value(headers.get(name) or "")
    return value if len(value) <= _MAX_VALIDATOR else ""


def _failure(error: Exception, deadline: _Deadline) -> FetchError:
    """What went wrong, in a few words."""
    if isinstance(error, urllib.error.HTTPError):
        return FetchError(f"HTTP error {error.code} {error.reason}")
    if isinstance(error, urllib.error.URLError):
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return deadline.error()
        return FetchError(f"cannot connect: {getattr(reason, 'strerror', None) or reason}")
    if isinstance(error, TimeoutError):
        return deadline.error()
    if isinstance(error, ValueError):  # A malformed URL.
        return FetchError(str(error))
    if isinstance(error, OSError):  # The connection dropped while reading, and the like.
        return FetchError(f"network error: {error.strerror or error}")
    return FetchError(f"bad response: {type(error).__name__} {error}")  # http.client's (not HTTP, …).


def _inflated(data: bytes, encoding: str) -> bytes:
    """The body, inflated if the server compressed it unasked: to MAX_BYTES at most, as a small
    gzip can inflate to gigabytes."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return data
    if encoding not in _INFLATABLE:
        raise FetchError(f"sent in an encoding reader cannot read ({encoding})")
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 32)  # Either header, gzip's or zlib's.
    try:
        inflated = inflater.decompress(data, MAX_BYTES + 1)
    except zlib.error as error:
        raise FetchError(f"a compressed response that does not inflate ({error})") from None
    if len(inflated) > MAX_BYTES:
        raise _too_large()
    return inflated


def _codec(name: str | None) -> str | None:
    """The Python codec for a charset name, or None if Python has none by that name."""
    if not name:
        return None
    name = name.strip().lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first bytes: `<meta charset>`, `<meta http-equiv
    content="…; charset=…">` or an XML declaration."""
    head = data[:4096]
    match = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    return match.group(1).decode("ascii") if match else None


def decode_page(data: bytes, http_charset: str | None = None) -> str:
    """A page's text: a byte-order mark first, then the HTTP charset, then the page's own
    declaration, then what `reader.text.decoding` makes of the bytes. DecodeError if none fits."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode(data)[0]
    for declared in (http_charset, declared_charset(data)):
        codec = _codec(declared)
        if codec is None:
            continue
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            # A page that says GBK and holds a stray byte: keep the rest rather than refuse it.
            text = data.decode(codec, errors="replace")
            if text.count("\ufffd") <= max(3, len(text) // 1000):
                return text
    return decode(data)[0]


def sniff(data: bytes) -> str:
    """What the bytes look like: "feed", "html", "epub" or ""."""
    if data.startswith(b"PK\x03\x04") and b"application/epub+zip" in data[:200]:
        return "epub"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if re.search(rb"<(rss|feed|rdf:rdf)[\s>]", head):
        return "feed"
    if re.search(rb"<(!doctype html|html|head|body|meta|title|div|p)[\s>]", head):
        return "html"
    return ""


__all__ = ["DEFAULT_JOBS", "DEFAULT_TIMEOUT", "DecodeError", "FetchError", "Fetched", "decode_page", "fetch", "is_url",
           "sniff"]
