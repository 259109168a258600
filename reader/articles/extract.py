"""An article's text and metadata from HTML.

A whole web page goes through trafilatura (the optional `web` extra), which finds the article
among the navigation, ads and comments and reads its title, site, author and date. HTML that is
already only the article (a feed entry's content, an EPUB chapter) is turned into paragraphs by
`html_to_text`, standard library only.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import NamedTuple

from reader.articles.header import clean_value

#: A page whose longest paragraph is shorter than this, and whose text is shorter than
#: `_MIN_TEXT`, holds no article (a front page of headlines, a login form).
_MIN_PARAGRAPH = 40
_MIN_TEXT = 200
_BYLINE_PREFIX_RE = re.compile(r"^(?:作者|作\s*者|文|撰文|記者|记者|編輯|编辑|責任編輯|责任编辑|By)\s*[:：|｜/／]?\s*",
                               re.IGNORECASE)
_BYLINE_SUFFIX_RE = re.compile(r"\s*[／/|｜]\s*\S{0,12}(?:報導|报道|綜合報導|综合报道)$|\s*(?:報導|报道)$")


class MissingExtra(Exception):
    """An optional dependency cannot be imported; the message says what failed (the ImportError's
    own words: a package missing, or installed but broken) and which extra brings it."""

    def __init__(self, extra: str, what: str, error: ImportError) -> None:
        failed = " ".join(str(error).split()) or type(error).__name__
        super().__init__(f"{what} needs the optional `{extra}` dependencies ({failed}): pip install 'reader[{extra}]'")
        self.extra = extra


class NoArticle(Exception):
    """The page holds no article text."""


class Extracted(NamedTuple):
    """An article's text and metadata, each line without control characters (`clean_value`)."""

    title: str
    body: str
    """Paragraphs separated by a blank line."""
    source: str = ""
    author: str = ""
    date: str = ""
    url: str = ""


def trafilatura_module():
    """trafilatura, or MissingExtra."""
    try:
        import trafilatura  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError as error:
        raise MissingExtra("web", "adding a web page", error) from None
    return trafilatura


def _config():
    """trafilatura's settings, but for Chinese: below `min_extracted_size` characters it drops
    what it found for a cruder extraction that runs the paragraphs into one, and its 250
    suit English; 250 Chinese characters are a news story of three paragraphs."""
    from trafilatura.settings import use_config  # type: ignore[import-untyped, import-not-found, unused-ignore]

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(2 * _MIN_PARAGRAPH))
    return config


def extract_page(html: str, url: str = "") -> Extracted:
    """The article in a web page. NoArticle if it holds none; MissingExtra without trafilatura."""
    trafilatura = trafilatura_module()
    document = trafilatura.bare_extraction(
        html, url=url or None, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, deduplicate=False, config=_config(),
    )
    if document is None:
        raise NoArticle("no article text found")
    title = clean_value(document.title or "")
    paragraphs = [clean_value(line) for line in (document.text or "").split("\n")]
    paragraphs = [line for line in paragraphs if line]
    if paragraphs and title and paragraphs[0] != title and _site_after(title, paragraphs[0]):
        title = paragraphs[0]  # `标题_网站` from <title>, the bare headline on the page.
    if paragraphs and title and paragraphs[0] == title:  # The heading, kept when inside <article>.
        paragraphs.pop(0)
    byline: dict[str, str] = byline_fields(document.author or "")
    while paragraphs and _is_byline(paragraphs[0]):
        byline = byline_fields(paragraphs[0]) | byline  # `来源：经济日报 作者：王芳` above the text.
        paragraphs.pop(0)
    if not _is_article(paragraphs):
        raise NoArticle("no article text found")
    title = title or paragraphs[0][:40]
    source = clean_value(document.sitename or "")
    if not source or source in (_host(url), _host(url, keep_port=True)):  # A host name is a last resort.
        source = byline.get("source") or site_from_title(html, title) or source or _host(url)
    title = _without_site(title, source)
    author = byline.get("author") or clean_author(document.author or "") or _meta_author(html)
    date = clean_value(document.date or "") or byline.get("date", "")
    return Extracted(title, "\n\n".join(paragraphs), source, author, date,
                     clean_value(document.url or "") or url)


_MAX_BYLINE = 80
_BYLINE_FIELDS = {
    "source": r"来源|來源|出處|出处",
    "author": r"作者|作\s*者|记者|記者|撰文",
    "date": r"发布时间|發布時間|发表时间|發表時間|时间|時間|日期",
}
_BYLINE_RE = re.compile("|".join(rf"(?P<{name}>(?:{labels}))\s*[:：]\s*(?P<{name}_value>[^\s:：|｜]*)"
                                 for name, labels in _BYLINE_FIELDS.items()))


def byline_fields(text: str) -> dict[str, str]:
    """The labelled values of a byline such as `来源：经济日报 作者：王芳 发布时间：2026-04-10`
    (source, author, date), each the first given; {} if `text` has no such label."""
    fields: dict[str, str] = {}
    for match in _BYLINE_RE.finditer(clean_value(text)):
        name = match.lastgroup.removesuffix("_value") if match.lastgroup else ""
        value = match.group(f"{name}_value") if name else ""
        if value and name not in fields:
            fields[name] = value
    return fields


def _is_byline(paragraph: str) -> bool:
    """A short line of two labelled values, or of a source or date alone: `记者：你怎么看？`
    opening an interview is text."""
    fields = byline_fields(paragraph)
    return len(paragraph) <= _MAX_BYLINE and (len(fields) >= 2 or fields.keys() in ({"source"}, {"date"}))


def _without_site(title: str, site: str) -> str:
    """`标题_经济日报` → `标题` when the site is 经济日报."""
    if not site or not title.endswith(site):
        return title
    headline = title[: -len(site)].rstrip()
    return headline.rstrip(_SITE_SEPARATORS + " ") if headline[-1:] in _SITE_SEPARATORS else title


def _site_after(title: str, headline: str) -> bool:
    """Whether `title` is `headline` and a site's name after a separator (`标题_经济日报`)."""
    rest = title.removeprefix(headline)
    return rest != title and bool(rest) and rest.lstrip()[:1] in _SITE_SEPARATORS


_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_SITE_SEPARATORS = "_|｜-–—:：·"


def site_from_title(html: str, title: str) -> str:
    """The site's name from a `<title>` such as `标题_财富观察网` or `標題 | 環球財經觀察`."""
    import html as html_module

    match = _TITLE_RE.search(html[:20000])
    if not match or not title:
        return ""
    whole = clean_value(html_module.unescape(match.group(1)))
    if not whole.startswith(title):
        return ""
    rest = whole[len(title):].strip()
    if not rest or rest[0] not in _SITE_SEPARATORS:
        return ""
    site = rest.lstrip(_SITE_SEPARATORS + " ").strip()
    return site if 0 < len(site) <= 30 else ""


_META_AUTHOR_RE = re.compile(r"""<meta\s+name=["']author["']\s+content=["']([^"'<>]{1,60})["']""", re.IGNORECASE)


def _meta_author(html: str) -> str:
    match = _META_AUTHOR_RE.search(html[:20000])
    return clean_author(match.group(1)) if match else ""


def _host(url: str, keep_port: bool = False) -> str:
    from urllib.parse import urlsplit

    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.netloc if keep_port else parts.hostname) or ""
    return host.removeprefix("www.")


def _is_article(paragraphs: list[str]) -> bool:
    return bool(paragraphs) and (max(map(len, paragraphs)) >= _MIN_PARAGRAPH or sum(map(len, paragraphs)) >= _MIN_TEXT)


def clean_author(author: str) -> str:
    """`作者：李明` → `李明`; `記者 陳怡君／台北報導` → `陳怡君`."""
    author = clean_value(author)
    author = _BYLINE_PREFIX_RE.sub("", author)
    return _BYLINE_SUFFIX_RE.sub("", author).strip()


_BLOCKS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table td th tr ul".split()
)
_SKIPPED = frozenset("script style head title noscript template svg math".split())
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.headings: list[tuple[int, str]] = []
        """(index in paragraphs, text) of each heading."""
        self._parts: list[str] = []
        self._skipping = 0
        self._heading = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self._close()
            self._heading = tag in _HEADINGS

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCKS:
            self._close()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self._close()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._parts.append(data)

    def _close(self) -> None:
        text = clean_value("".join(self._parts))
        self._parts = []
        if text:
            if self._heading:
                self.headings.append((len(self.paragraphs), text))
            self.paragraphs.append(text)
        self._heading = False

    def close(self) -> None:
        super().close()
        self._close()


def html_to_paragraphs(html: str) -> tuple[list[str], list[tuple[int, str]]]:
    """The paragraphs of HTML that is all article, and its headings as (paragraph index, text)."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.paragraphs, parser.headings


def html_to_text(html: str) -> str:
    """HTML that is all article as paragraphs separated by a blank line."""
    return "\n\n".join(html_to_paragraphs(html)[0])
