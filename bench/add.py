"""Adding 100 saved web pages to an empty library (`reader add` on files: read, decode, extract,
check for duplicates, write atomically under the lock), beside the extractor alone
(reading, decoding and trafilatura's `bare_extraction` on the same pages), page by page. Both are warmed up first: the
extractor's first call loads its date parser (~1 s, once per process, paid by both alike).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import median_ms, report
from reader.articles.extract import trafilatura_module
from reader.articles.library import add_sources
from reader.articles.web import decode_page

PAGES = 100
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "library"
TEMPLATES = [("news.html", "utf-8"), ("traditional.html", "utf-8"), ("gbk.html", "gb18030"),
             ("feed-page.html", "utf-8")]


def _pages(folder: Path) -> list[Path]:
    """100 distinct pages: the fixtures with a numbered sentence in each paragraph."""
    paths = []
    for number in range(PAGES):
        name, encoding = TEMPLATES[number % len(TEMPLATES)]
        html = (FIXTURES / name).read_bytes().decode(encoding)
        html = html.replace("。</p>", f"（第{number}次）。</p>").replace("ai-factory.html", f"ai-factory-{number}.html")
        path = folder / f"page-{number:03d}.html"
        path.write_bytes(html.encode("gbk" if encoding == "gb18030" else encoding))
        paths.append(path)
    return paths


def main() -> None:
    try:
        trafilatura = trafilatura_module()
    except Exception as error:
        print(f"skipped: {error}")
        return
    with tempfile.TemporaryDirectory() as folder:
        pages = _pages(Path(folder))
        add_sources([pages[0]], Path(folder) / "warm-up")  # Loads the extractor's parsers once.
        library = Path(folder) / "library"
        alone, adding, again = [], [], []
        for number, path in enumerate(pages):
            # Interleaved page by page, in turn first (the second run of a page finds the
            # extractor's caches warm for it): both sides see the same machine.
            for side in ("alone", "add") if number % 2 else ("add", "alone"):
                start = time.perf_counter()
                if side == "alone":
                    text = decode_page(path.read_bytes())
                    trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                                include_tables=True, include_images=False, include_links=False,
                                                deduplicate=False)
                    alone.append(time.perf_counter() - start)
                else:
                    added = add_sources([path], library)
                    adding.append(time.perf_counter() - start)
                    assert len(added.added) == 1, added.summary()
        for path in pages:
            start = time.perf_counter()
            skipped = add_sources([path], library)
            again.append(time.perf_counter() - start)
            assert len(skipped.skipped) == 1, skipped.summary()
        files = len(list(library.glob("*.txt")))
    extractor = median_ms(alone)
    report(f"add {PAGES} saved pages, median per page", median_ms(adding), extractor)
    report("add them again (duplicates), median per page", median_ms(again), extractor)
    print(f"{files} files; in all {sum(adding):.2f} s adding, {sum(alone):.2f} s extracting alone "
          f"(ratio {sum(adding) / sum(alone):.2f})")
