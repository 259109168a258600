"""The optional extras the test command installs (`web`, `epub`) import for real.

`importlib.util.find_spec` finds a package that cannot be imported (trafilatura without
lxml_html_clean, as the pip of a fresh Python 3.11 venv leaves it): so these import each module
the library code uses and fail loudly, instead of the library tests skipping or failing far away."""

from __future__ import annotations

import pytest

from reader.articles.extract import trafilatura_module


def test_the_web_extra_imports_and_extracts_a_page():
    trafilatura = trafilatura_module()  # MissingExtra (with the ImportError's words) if it cannot.
    from trafilatura import bare_extraction

    html = "<html><body><article><p>" + "騰訊今天發布了新的模型。" * 20 + "</p></article></body></html>"
    document = bare_extraction(html, with_metadata=True)
    assert trafilatura.__version__ and document is not None and "騰訊" in document.text


def test_the_epub_extra_imports():
    import ebooklib
    from ebooklib import epub

    assert ebooklib.ITEM_DOCUMENT and epub.EpubBook


def test_feedparser_imports_and_reads_a_feed():
    import feedparser

    feed = b"<rss version='2.0'><channel><title>t</title><item><title>x</title></item></channel></rss>"
    parsed = feedparser.parse(feed)
    assert parsed.entries[0].title == "x"


@pytest.mark.parametrize("module", ["lxml.html.clean", "lxml_html_clean"])
def test_lxml_html_clean_is_installed_for_trafilatura(module: str):
    __import__(module)
