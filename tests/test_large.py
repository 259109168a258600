"""Large corpora and long articles: caches keyed by content, previews, paging to the end."""

from __future__ import annotations

import os
from pathlib import Path

from apphelpers import SIZE, make_app, view_text, wait_until

from reader.articles import corpus as corpus_module
from reader.articles.corpus import CorpusCache, load_corpus
from reader.search.index import Folded, FoldedCache, SearchIndex, fold_all
from reader.ui.widgets.article_view import ArticleView


def write_corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        (folder / f"{number:03d}.txt").write_text(f"標題{number}\n第{number}篇的正文。騰訊和元寶。", encoding="utf-8")
    return folder


def test_the_cached_listing_lists_without_reading(tmp_path: Path, monkeypatch):
    folder = write_corpus(tmp_path / "corpus", 30)
    cache = CorpusCache(tmp_path / "cache")
    first = load_corpus([folder], cache)
    reads = []
    real = corpus_module._read_bytes
    monkeypatch.setattr(corpus_module, "_read_bytes", lambda path: reads.append(path) or real(path))
    again = load_corpus([folder], cache, trust_cache=True)
    assert reads == []  # Listed from the cache…
    assert [(a.id, a.title, a.length) for a in again.articles] == [(a.id, a.title, a.length) for a in first.articles]
    assert again.articles[3].body == first.articles[3].body  # …and a body is read when needed.
    assert len(reads) == 1
    assert again.signature == first.signature


def test_unchanged_files_are_not_parsed_again(tmp_path: Path, monkeypatch):
    folder = write_corpus(tmp_path / "corpus", 30)
    cache = CorpusCache(tmp_path / "cache")
    first = load_corpus([folder], cache)
    parsed = []
    real = corpus_module.parse_text
    monkeypatch.setattr(corpus_module, "parse_text", lambda path, *rest: parsed.append(path) or real(path, *rest))
    (folder / "007.txt").write_text("標題7\n換過的正文。", encoding="utf-8")
    again = load_corpus([folder], cache)
    assert [path.name for path in parsed] == ["007.txt"]
    assert again.articles[7].body == "換過的正文。" and again.articles[8].body == first.articles[8].body


def same_size_and_time_edit(path: Path, text: str) -> None:
    """Change a file's bytes but not its size or modification time: only its content tells."""
    before = path.stat()
    assert len(text.encode("utf-8")) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_an_edited_file_is_never_served_stale(tmp_path: Path):
    folder = write_corpus(tmp_path / "corpus", 3)
    cache = CorpusCache(tmp_path / "cache")
    before = load_corpus([folder], cache)
    same_size_and_time_edit(folder / "001.txt", "標題9\n第9篇的正文。騰訊和元寶。")
    after = load_corpus([folder], cache)
    assert after.articles[1].title == "標題9" and after.articles[1].body == "第9篇的正文。騰訊和元寶。"
    assert after.signature != before.signature


def test_a_damaged_cache_is_rebuilt_not_an_error(tmp_path: Path):
    folder = write_corpus(tmp_path / "corpus", 3)
    cache = CorpusCache(tmp_path / "cache")
    load_corpus([folder], cache)
    for path in (tmp_path / "cache").iterdir():
        path.write_text("{\"version\": 1, \"files\": {\"x\": 3", encoding="utf-8")
    assert [a.title for a in load_corpus([folder], cache).articles] == ["標題0", "標題1", "標題2"]
    folded = FoldedCache(tmp_path / "folded")
    (tmp_path / "folded").mkdir()
    (tmp_path / "folded" / "abc.txt").write_bytes(b"\xff\xfe broken")
    assert folded.get("abc", 3) is None


def test_folded_texts_come_back_from_disk(tmp_path: Path, seed_corpus):
    cache = FoldedCache(tmp_path)
    folded = fold_all(seed_corpus.articles)
    cache.put("sig", Folded.of(folded))
    assert cache.get("sig", len(folded)).texts == folded
    assert cache.get("other", len(folded)) is None
    index = SearchIndex(seed_corpus.articles, cache.get("sig", len(folded)))
    assert len(index.search("腾讯")) == 7


def test_a_body_whose_file_changed_after_listing_is_read_fresh(tmp_path: Path):
    folder = write_corpus(tmp_path / "corpus", 2)
    cache = CorpusCache(tmp_path / "cache")
    load_corpus([folder], cache)
    listed = load_corpus([folder], cache, trust_cache=True)  # Bodies not read yet.
    same_size_and_time_edit(folder / "000.txt", "標題0\n第9篇的正文。騰訊和元寶。")
    assert listed.articles[0].body == "第9篇的正文。騰訊和元寶。"
    (folder / "001.txt").write_text("標題1\n完全不同而且更長的正文內容。", encoding="utf-8")
    assert listed.articles[1].body == "完全不同而且更長的正文內容。"


async def test_a_long_article_opens_at_once_and_pages_to_the_end(tmp_path: Path, seed_corpus):
    body = "\n".join(a.body for a in seed_corpus.articles) * 12  # About 200,000 characters.
    path = tmp_path / "long.txt"
    path.write_text("長文\n" + body, encoding="utf-8")
    app = make_app(load_corpus([path]))
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(ArticleView)
        assert view.article.length > 190_000
        await pilot.pause()
        assert view.texts is not None and view_text(view)[0].strip() == "長文"  # The preview, at once.
        await wait_until(pilot, lambda: view.preparing is None)
        lines = len(view.layout_lines)
        pages = 0
        while view.percent_read < 100:
            await pilot.press("pagedown")
            pages += 1
            assert pages < lines  # Every page moves.
        assert pages > 100
        last = [line for line in view_text(view) if line.strip()][-1].strip()
        assert seed_corpus.articles[-1].body.endswith(last)


async def test_many_articles_list_filter_and_page(tmp_path: Path):
    folder = write_corpus(tmp_path / "corpus", 600)
    app = make_app(load_corpus([folder]))
    async with app.run_test(size=SIZE) as pilot:
        from reader.ui.widgets.article_list import ArticleList
        from reader.ui.widgets.sidebar import Sidebar

        article_list = app.query_one(ArticleList)
        article_list.focus()
        await pilot.press("pagedown", "pagedown", "end")
        assert article_list.highlighted == 599 and app.reading.view.article.title == "標題599"
        await pilot.press("f", *"標題42")
        await pilot.pause()
        assert str(app.query_one(Sidebar).query_one("#count").render()) == "11 of 600 articles"


async def test_a_corpus_listed_from_the_cache_is_checked_after_the_first_paint(tmp_path: Path):
    folder = write_corpus(tmp_path / "corpus", 3)
    cache = CorpusCache(tmp_path / "cache")
    load_corpus([folder], cache)
    (folder / "001.txt").write_text("改了的標題\n改了的正文。", encoding="utf-8")
    (folder / "003.txt").write_text("新來的\n新文章。", encoding="utf-8")
    trusted = load_corpus([folder], cache, trust_cache=True)
    assert trusted.trusted and [a.title for a in trusted.articles] == ["標題0", "標題1", "標題2"]
    from reader.ui.messages import CorpusChanged
    from reader.ui.widgets.sidebar import Sidebar

    app = make_app(trusted, corpus_source=(lambda: [folder], cache))
    async with app.run_test(size=SIZE) as pilot:
        await app.seen.wait_for(pilot, lambda message: isinstance(message, CorpusChanged))
        assert [a.title for a in app.corpus.articles] == ["標題0", "改了的標題", "標題2", "新來的"]
        assert [a.title for a in app.query_one(Sidebar).article_list.entries][1] == "改了的標題"
        assert str(app.query_one(Sidebar).query_one("#count").render()) == "4 articles"
        assert app.reading.view.article.title == "標題0"  # The article being read stays open.
