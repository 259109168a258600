"""Fetching a URL and reading an HTML page's bytes as text, in the encoding the page says it is in.

Standard library only (`urllib`): the errors a user sees (no connection, a timeout, an HTTP error
status, a response that is not a page) are each one `FetchError` whose message is one line.
"""

from __future__ import annotations

import codecs
import re
import socket
import time
import urllib.error
import urllib.request
from typing import NamedTuple

from reader.text.decoding import DecodeError, decode

DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 20 * 1024 * 1024
USER_AGENT = "Mozilla/5.0 (compatible; reader/0.1; +https://pypi.org/project/reader/)"
#: Legacy names read with the codec that is their superset (GB2312 and GBK pages are often GB18030).
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
              "big5": "big5hkscs", "x-x-big5": "big5hkscs", "cp950": "big5hkscs"}
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.\-]+)""")


class FetchError(Exception):
    """The URL could not be fetched; the message says why in a few words (not the URL)."""


class Fetched(NamedTuple):
    url: str
    """Where the response came from, after redirects."""
    content_type: str
    """The media type, lower case, without parameters ("" if the server gave none)."""
    charset: str | None
    """The charset the HTTP header gave, if any."""
    data: bytes


def is_url(text: str) -> bool:
    return bool(re.match(r"(?i)https?://", text))


def fetch(url: str, timeout: float = DEFAULT_TIMEOUT) -> Fetched:
    """The response to a GET of `url`. `timeout` bounds each wait for the server and the whole
    download. FetchError for anything but a whole 2xx response."""
    deadline = time.monotonic() + timeout
    try:
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*",
                                                      "Accept-Language": "zh-CN,zh-TW;q=0.9,zh;q=0.8,en;q=0.5"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout:g} s")
                chunk = response.read(65536)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
                chunks.append(chunk)
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else ""
            return Fetched(response.geturl(), content_type, response.headers.get_content_charset(), b"".join(chunks))
    except urllib.error.HTTPError as error:
        raise FetchError(f"HTTP error {error.code} {error.reason}".rstrip()) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise FetchError(f"timed out after {timeout:g} s") from None
        raise FetchError(f"cannot connect: {getattr(reason, 'strerror', None) or reason}") from None
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except ValueError as error:  # A malformed URL.
        raise FetchError(str(error)) from None
    except OSError as error:  # The connection dropped while reading, and the like.
        raise FetchError(f"network error: {error.strerror or error}") from None
    except Exception as error:  # http.client's errors (a response that is not HTTP, …).
        raise FetchError(f"bad response: {type(error).__name__} {error}".rstrip()) from None


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


__all__ = ["DEFAULT_TIMEOUT", "DecodeError", "FetchError", "Fetched", "decode_page", "fetch", "is_url", "sniff"]
