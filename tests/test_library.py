"""The library: `reader add` and `reader remove`, and what they add loading like any article.

Pages and feeds are served by a local HTTP server on 127.0.0.1 that each test module starts;
no outside network is used. trafilatura, feedparser and ebooklib are needed for most tests
(`pip install -e '.[web,epub,test]'`); without them those tests are skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from local_server import QuietHandler, serving

from reader.articles.corpus import load_corpus, parse_text
from reader.articles.header import Entry, clean_body, clean_tags, clean_value, format_entry, parse_entry
from reader.articles.library import ALREADY, LibraryError, add_sources, read_entry, remove_article

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "library"
SEEDS = REPO / "seeds"
BOILERPLATE = ["首页", "下载客户端", "限时特惠", "相关阅读", "网友评论", "小王同学", "坐等股价", "热门排行",
               "英语培训", "版权所有", "分享到", "标签", "扫码下载"]



def expected(name: str) -> list[str]:
    return [line for line in (FIXTURES / f"{name}.expected").read_text(encoding="utf-8").splitlines() if line]


def paragraphs(body: str) -> list[str]:
    return [line.strip() for line in body.split("\n\n") if line.strip()]


# -- the server ---------------------------------------------------------------------------------


def _encoded(fixture: str, encoding: str, script: str = "original") -> bytes:
    """A UTF-8 fixture in another encoding (and script), its charset left to the Content-Type header."""
    from reader.text.conversion import convert

    text = (FIXTURES / fixture).read_text(encoding="utf-8").replace('<meta charset="utf-8">', "")
    return (text if script == "original" else convert(text, script)).encode(encoding)


def _big5_page() -> bytes:
    return _encoded("traditional.html", "big5")


class _Handler(QuietHandler):
    #: path → (fixture or bytes, content type); `{base}` in a feed is this server's address.
    routes: dict[str, tuple[str | bytes, str]] = {
        "/news.html": ("news.html", "text/html; charset=utf-8"),
        "/news-copy.html": ("news.html", "text/html; charset=utf-8"),
        "/traditional.html": ("traditional.html", "text/html; charset=utf-8"),
        "/big5.html": (_big5_page(), "text/html; charset=big5"),
        "/gbk.html": ("gbk.html", "text/html"),
        "/feed-page.html": ("feed-page.html", "text/html; charset=utf-8"),
        "/no-article.html": ("no-article.html", "text/html; charset=utf-8"),
        "/rss.xml": ("rss.xml", "application/rss+xml"),
        "/atom.xml": ("atom.xml", "application/atom+xml; charset=utf-8"),
        "/short.html": ("short.html", "text/html; charset=utf-8"),
        "/short-gbk.html": (_encoded("short.html", "gbk"), "text/html; charset=gbk"),
        "/short-big5.html": (_encoded("short.html", "big5", "traditional"), "text/html; charset=big5"),
        "/picture.png": (b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png"),
        "/report.pdf": (b"%PDF-1.4\n" + bytes(200), "application/pdf"),
    }
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        _Handler.requests.append(self.path)
        if self.path == "/slow.html":
            time.sleep(3)
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
            return
        content, content_type = route
        data = content if isinstance(content, bytes) else (FIXTURES / content).read_bytes()
        if self.path.endswith(".xml"):
            data = data.replace(b"{base}", f"http://127.0.0.1:{self.server.server_address[1]}".encode())
        try:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # The client gave up (the timeout test).
            pass


@pytest.fixture(scope="module")
def base() -> str:
    with serving(_Handler) as url:
        yield url


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


def files_in(library: Path) -> list[Path]:
    return sorted(p for p in library.rglob("*") if p.is_file() and not p.name.startswith("."))


# -- web pages ----------------------------------------------------------------------------------


def test_a_news_page_gives_its_paragraphs_and_none_of_the_page_around_them(base, library):
    report = add_sources([f"{base}/news.html"], library)
    assert report.failed == [] and len(report.added) == 1
    entry = read_entry(report.added[0].path)
    assert paragraphs(entry.body) == expected("news")
    for junk in BOILERPLATE:
        assert junk not in entry.body
    assert entry.title == "国产大模型加速落地制造业，工厂里的AI质检员上岗了"
    assert (entry.source, entry.author, entry.date) == ("未来科技网", "李明", "2026-03-15")
    assert entry.url == f"{base}/news.html"
    assert entry.added  # ISO 8601, when it was added


@pytest.mark.parametrize("page, name, title, source", [
    ("traditional.html", "traditional", "半導體供應鏈重組：台灣晶圓廠的下一步", "環球財經觀察"),
    ("big5.html", "traditional", "半導體供應鏈重組：台灣晶圓廠的下一步", "環球財經觀察"),  # charset in HTTP only
    ("gbk.html", "gbk", "智能手机出货量回暖 折叠屏成新增长点", "财富观察网"),  # charset in <meta> only
])
def test_traditional_simplified_big5_and_gbk_pages_come_out_right(base, library, page, name, title, source):
    report = add_sources([f"{base}/{page}"], library)
    assert report.failed == []
    entry = read_entry(report.added[0].path)
    assert paragraphs(entry.body) == expected(name)
    assert (entry.title, entry.source) == (title, source)


@pytest.mark.parametrize("page", ["short.html", "short-gbk.html", "short-big5.html"])
def test_a_short_news_page_keeps_its_paragraphs_and_reads_its_byline(base, library, page):
    """Three short paragraphs under a headline and a `来源：… 作者：… 发布时间：…` line: below
    trafilatura's English-sized minimum its fallback ran everything into one paragraph."""
    from reader.text.conversion import SIMPLIFIED, convert

    report = add_sources([f"{base}/{page}"], library)
    assert report.failed == [], report.failed
    entry = read_entry(report.added[0].path)
    simplified = Entry(*(convert(value, SIMPLIFIED) for value in (entry.title, entry.body, entry.source, entry.author,
                                                                  entry.date)))
    assert simplified.title == "新能源汽车出口再创新高"
    assert paragraphs(simplified.body) == [
        "海关总署最新数据显示，今年一季度我国新能源汽车出口量同比增长，再创历史新高。",
        "业内人士表示，中国品牌在海外市场的认可度持续提升，多家车企正在加快海外建厂步伐。",
        "专家预计，全年新能源汽车出口有望突破四百万辆，但也需警惕贸易壁垒带来的不确定性。",
    ]
    assert (simplified.source, simplified.author, simplified.date) == ("经济日报", "王芳", "2026-04-10")


@pytest.mark.parametrize("line, fields", [
    ("来源：经济日报 作者：王芳 发布时间：2026-04-10", {"source": "经济日报", "author": "王芳", "date": "2026-04-10"}),
    ("來源: 中央社", {"source": "中央社"}),
    ("记者：你怎么看这次的出口数据？", {"author": "你怎么看这次的出口数据？"}),
    ("海关总署最新数据显示，出口再创新高。", {}),
])
def test_byline_fields(line, fields):
    from reader.articles.extract import _is_byline, byline_fields

    assert byline_fields(line) == fields
    # A question put by a reporter opening an interview is text, not a byline.
    assert _is_byline(line) == (len(fields) >= 2 or set(fields) == {"source"})


def test_a_saved_page_is_added_from_its_file(library):
    report = add_sources([FIXTURES / "gbk.html"], library)
    assert report.failed == []
    entry = read_entry(report.added[0].path)
    assert paragraphs(entry.body) == expected("gbk")
    assert entry.author == "王晓东"


def test_the_same_url_or_the_same_text_is_not_added_twice(base, library):
    first = add_sources([f"{base}/news.html"], library, tags=["制造"])
    assert len(first.added) == 1
    _Handler.requests.clear()
    again = add_sources([f"{base}/news.html", f"{base}/news-copy.html", FIXTURES / "news.html"], library)
    assert again.added == [] and again.failed == []
    assert [s.reason for s in again.skipped] == [ALREADY] * 3
    assert "/news.html" not in _Handler.requests  # A known URL is not even fetched.
    assert len(files_in(library)) == 1


@pytest.mark.parametrize("path, reason", [
    ("/missing.html", "HTTP error 404 Not Found"),
    ("/picture.png", "not a web page or feed (image/png)"),
    ("/report.pdf", "not a web page or feed (application/pdf)"),
    ("/no-article.html", "no article text found"),
])
def test_what_cannot_be_added_says_why_and_leaves_nothing(base, library, path, reason):
    report = add_sources([f"{base}{path}"], library)
    assert report.added == [] and report.failed == [(f"{base}{path}", reason)]
    assert files_in(library) == []


def test_a_server_slower_than_the_timeout_fails_by_the_timeout(base, library):
    started = time.monotonic()
    report = add_sources([f"{base}/slow.html"], library, timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert report.failed == [(f"{base}/slow.html", "timed out after 0.5 s")]
    assert files_in(library) == []


def test_no_server_and_a_bad_url_fail_with_a_reason(library):
    report = add_sources(["http://127.0.0.1:9/nothing.html", "http://", str(FIXTURES / "absent.html")], library,
                         timeout=2)
    reasons = [f.reason for f in report.failed]
    assert reasons[0].startswith("cannot connect")
    assert len(reasons) == 3 and reasons[2] == "no such file"
    assert files_in(library) == []


def test_some_failing_do_not_stop_the_others(base, library):
    report = add_sources([f"{base}/missing.html", f"{base}/news.html", f"{base}/no-article.html"], library)
    assert [a.origin for a in report.added] == [f"{base}/news.html"]
    assert [f.what for f in report.failed] == [f"{base}/missing.html", f"{base}/no-article.html"]
    assert report.summary() == "1 added, 0 skipped, 2 failed"


def test_progress_is_told(base, library):
    calls = []
    add_sources([f"{base}/news.html", f"{base}/traditional.html"], library, progress=lambda *a: calls.append(a))
    assert calls[-1] == (2, 2, "2 added, 0 skipped, 0 failed")
    assert any(message.startswith("fetching") for _, _, message in calls)


# -- feeds --------------------------------------------------------------------------------------


def test_an_rss_feed_adds_each_entry_and_again_only_new_ones(base, library):
    report = add_sources([f"{base}/rss.xml"], library)
    assert report.failed == [] and len(report.added) == 3
    entries = [read_entry(a.path) for a in report.added]
    assert [e.title for e in entries] == ["光伏组件出口量创历史新高", "氢能重卡示范城市群扩容",
                                          "储能电池价格跌破新低，产业链进入洗牌期"]
    assert entries[0].author == "周婷" and entries[0].source == "新能源日报"
    assert paragraphs(entries[0].body)[1].startswith("不过，出口单价仍在下降。")
    assert paragraphs(entries[2].body) == expected("feed-page")  # Only a summary in the feed: from the page.
    assert [e.entry for e in entries] == ["xny-2026-0001", "xny-2026-0002", "xny-2026-0003"]
    again = add_sources([f"{base}/rss.xml"], library)
    assert again.added == [] and again.failed == [] and len(again.skipped) == 3
    assert len(files_in(library)) == 3


def test_an_atom_feed_adds_each_entry_and_again_nothing(base, library):
    report = add_sources([f"{base}/atom.xml"], library)
    assert report.failed == [] and len(report.added) == 3
    entries = [read_entry(a.path) for a in report.added]
    assert entries[0].title == "央行維持利率不變，房市管制延續" and entries[0].author == "林志豪"
    assert paragraphs(entries[2].body)[0].startswith("交通部觀光署公布")  # XHTML content
    assert all(e.source == "環球財經觀察" for e in entries)
    again = add_sources([f"{base}/atom.xml"], library)
    assert (len(again.added), len(again.skipped)) == (0, 3)


def test_a_feed_file_is_read_too(library):
    report = add_sources([FIXTURES / "atom.xml"], library)
    assert len(report.added) == 3


# -- EPUB ---------------------------------------------------------------------------------------

CHAPTERS = [
    ("第一章 出發", ["清晨六點，火車緩緩駛出車站。窗外的稻田還籠罩在薄霧裡，車廂裡只有零星幾位乘客。",
                  "她打開筆記本，寫下此行的第一句話：去看看那座從未去過的海邊小鎮。"]),
    ("第二章 小鎮", ["小鎮的街道很窄，兩旁是低矮的石頭房子。一位老人坐在門口修補漁網，抬頭對她笑了笑。"]),
    ("第三章 歸途", ["回程的路上下起了雨。她翻看這幾天拍的照片，忽然明白，旅行的意義不在遠方，而在重新看見自己。"]),
]


def make_epub(path: Path, title: str = "海邊小鎮的七天") -> Path:
    epub = pytest.importorskip("ebooklib.epub")
    book = epub.EpubBook()
    book.set_identifier("test-book-0001")
    book.set_title(title)
    book.set_language("zh-TW")
    book.add_author("許靜")
    items = []
    for number, (heading, texts) in enumerate(CHAPTERS, start=1):
        chapter = epub.EpubHtml(title=heading, file_name=f"chap{number}.xhtml", lang="zh-TW")
        chapter.content = f"<h1>{heading}</h1>" + "".join(f"<p>{text}</p>" for text in texts)
        book.add_item(chapter)
        items.append(chapter)
    book.toc = items
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    epub.write_epub(str(path), book)
    return path


def test_an_epub_becomes_one_article_a_chapter_grouped_under_the_book(tmp_path, library):
    book = make_epub(tmp_path / "book.epub")
    report = add_sources([book], library, tags=["小說"])
    assert report.failed == [] and len(report.added) == 3
    folders = {a.path.parent for a in report.added}
    assert len(folders) == 1 and folders.pop().parent == library
    entries = [read_entry(a.path) for a in report.added]
    assert [e.title for e in entries] == [heading for heading, _ in CHAPTERS]
    assert [paragraphs(e.body) for e in entries] == [texts for _, texts in CHAPTERS]
    assert {(e.book, e.source, e.author) for e in entries} == {("海邊小鎮的七天", "海邊小鎮的七天", "許靜")}
    assert [e.chapter for e in entries] == ["1", "2", "3"]
    assert all(e.tags == ("小說",) for e in entries)
    again = add_sources([book], library)
    assert again.added == [] and again.skipped == [(str(book), f"{ALREADY} (3 chapters)")]
    corpus = load_corpus([library])
    assert [a.title for a in corpus.articles] == [heading for heading, _ in CHAPTERS]


def test_a_broken_epub_fails_and_leaves_nothing(tmp_path, library):
    pytest.importorskip("ebooklib")
    broken = tmp_path / "broken.epub"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    report = add_sources([broken], library)
    assert report.added == [] and report.failed[0].reason.startswith("not an EPUB")
    assert files_in(library) == []


# -- text files ---------------------------------------------------------------------------------


def test_text_and_markdown_files_are_copied_in_with_their_titles(library):
    report = add_sources([FIXTURES / "notes.txt", FIXTURES / "notes.md"], library, tags=["筆記"])
    assert [a.title for a in report.added] == ["今天读完了三篇关于储能的文章", "关于折叠屏手机的笔记"]
    assert read_entry(report.added[1].path).body == (
        "折叠屏手机的价格下探到五千元左右，年轻用户开始尝鲜。\n\n续航和重量仍是主要的短板。")
    assert [a.path.suffix for a in report.added] == [".txt", ".md"]  # Markdown stays Markdown, rendered as such.
    # Known by the name it had, not by the library's stamped file name.
    assert [read_entry(a.path).source for a in report.added] == ["notes.txt", "notes.md"]
    listed = {a.title: a.source for a in load_corpus([library]).articles}
    assert listed["关于折叠屏手机的笔记"] == "notes.md"


def test_markdown_added_to_the_library_is_shown_rendered(library, tmp_path: Path):
    from reader.reading.layout import article_texts, with_markup

    note = tmp_path / "bold.md"
    note.write_text("# 筆記\n\n這是**粗體**的字。\n", encoding="utf-8")
    [added] = add_sources([note], library).added
    [article] = load_corpus([library]).articles
    assert article.id == added.article_id and article.body == "這是**粗體**的字。"
    shown = with_markup(article, article_texts(article, "original")).body
    assert shown.replace("\u200b", "") == "這是粗體的字。" and len(shown) == len(article.body)


def test_a_seed_file_adds_each_of_its_articles_with_its_source_and_tags(library):
    seed = SEEDS / "ma-huateng-ai-2026.txt"
    originals = load_corpus([seed]).articles
    report = add_sources([seed], library)
    assert len(report.added) == len(originals)
    added = load_corpus([library]).articles
    assert [(a.title, a.source, a.tags, a.body) for a in added] == [
        (a.title, a.source, a.tags, a.body) for a in originals]
    assert len(add_sources([seed], library).skipped) == len(originals)


# -- the added articles in the app's corpus -----------------------------------------------------


def test_added_articles_load_with_title_source_tags_and_work_with_entities_and_search(base, library):
    from reader.entities.detect import Gazetteer, detect
    from reader.search.index import scan

    report = add_sources([f"{base}/news.html", f"{base}/traditional.html"], library, tags=["科技", "#半導體"])
    corpus = load_corpus([SEEDS, library])
    ids = [a.article_id for a in report.added]
    news, chip = (corpus.find(i) for i in ids)
    assert news is not None and chip is not None
    assert (news.title, news.source, news.tags) == ("国产大模型加速落地制造业，工厂里的AI质检员上岗了", "未来科技网",
                                                    ("科技", "半導體"))
    assert news.body == "\n\n".join(expected("news"))
    assert corpus.problems == []
    found = scan(corpus.articles, "晶圓")  # Either script: the Simplified query finds the Traditional page.
    assert [s.article.id for s in scan(corpus.articles, "晶圆")] == [chip.id] == [s.article.id for s in found]
    hit = found[0].hits[0]
    assert chip.body[hit.start:hit.end] == "晶圓"
    entities = detect(chip.body, Gazetteer.load(), use_model=False)
    assert ("台灣", "place") in {(chip.body[e.start:e.end], e.type) for e in entities}


def test_the_corpus_reads_a_header_and_keeps_offsets_into_the_body():
    text = format_entry(Entry("標題", "第一段。\n\n第二段。", source="來源", tags=("甲", "乙")))
    [article] = parse_text(Path("x.txt"), text)
    assert (article.title, article.source, article.tags, article.body) == ("標題", "來源", ("甲", "乙"),
                                                                           "第一段。\n\n第二段。")
    assert text[article.span[0]:article.span[1]] == article.body


def test_markdown_front_matter_without_a_title_gives_tags_and_the_heading():
    [article] = parse_text(Path("n.md"), "---\ntags: [a, b]\nlayout: post\n---\n\n# 標題\n\n正文。\n")
    assert (article.title, article.tags, article.body) == ("標題", ("a", "b"), "正文。")


def test_a_file_that_only_looks_like_a_header_is_an_ordinary_file():
    [article] = parse_text(Path("x.txt"), "---\n這不是標頭\n---\n正文。\n")
    assert article.title == "---"


# -- remove -------------------------------------------------------------------------------------


def test_remove_deletes_the_file_and_says_what(library):
    report = add_sources([FIXTURES / "notes.txt", FIXTURES / "notes.md"], library)
    first = report.added[0]
    removed = remove_article(library, first.article_id)
    assert (removed.article_id, removed.title, removed.path) == (first.article_id, first.title, first.path)
    assert not first.path.exists() and report.added[1].path.exists()
    with pytest.raises(LibraryError, match="no article 'nope'"):
        remove_article(library, "nope")
    with pytest.raises(LibraryError, match="no article"):
        remove_article(library, first.article_id)


def test_removing_a_books_last_chapter_removes_its_folder(tmp_path, library):
    report = add_sources([make_epub(tmp_path / "book.epub")], library)
    folder = report.added[0].path.parent
    for added in report.added:
        remove_article(library, added.article_id)
    assert not folder.exists() and files_in(library) == []


def test_a_book_added_again_with_one_new_chapter_counts_it_as_one(tmp_path, library):
    book = make_epub(tmp_path / "book.epub")
    report = add_sources([book], library)
    remove_article(library, report.added[0].article_id)
    again = add_sources([book], library)
    assert len(again.added) == 1 and again.skipped == [(str(book), f"2 chapters {ALREADY}")]
    remove_article(library, again.added[0].article_id)
    remove_article(library, report.added[1].article_id)
    once_more = add_sources([book], library)
    assert len(once_more.added) == 2 and once_more.skipped == [(str(book), f"1 chapter {ALREADY}")]


def test_two_adds_at_once_add_one_copy(library):
    results = []
    threads = [threading.Thread(target=lambda: results.append(add_sources([FIXTURES / "notes.txt"], library)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r.added) for r in results) == [0, 0, 0, 1]
    assert len(files_in(library)) == 1


# -- which corpus the commands read -------------------------------------------------------------


def test_the_commands_read_the_seeds_and_the_library_unless_told_otherwise(library, monkeypatch):
    from reader.cli.main import parse_args
    from reader.cli.shared import corpus_paths

    seeds = corpus_paths(parse_args(["list"]))
    assert [p.name for p in seeds] == ["seeds"]  # No library yet: nothing to read, nothing to warn of.
    add_sources([FIXTURES / "notes.txt"], library)
    monkeypatch.setenv("READER_LIBRARY", str(library))
    assert corpus_paths(parse_args(["list"])) == seeds + [library]
    assert corpus_paths(parse_args(["list", "--seeds-only"])) == seeds
    assert corpus_paths(parse_args(["list", "--library-only"])) == [library]
    other = library.parent / "other"
    assert corpus_paths(parse_args(["--library", str(other), "--library-only"])) == [other]
    assert corpus_paths(parse_args(["list", "--corpus", "x.txt"])) == [Path("x.txt")]


def test_an_emptied_library_is_left_out(library, monkeypatch):
    from reader.cli.main import parse_args
    from reader.cli.shared import corpus_paths

    report = add_sources([FIXTURES / "notes.txt"], library)
    remove_article(library, report.added[0].article_id)
    monkeypatch.setenv("READER_LIBRARY", str(library))
    assert [p.name for p in corpus_paths(parse_args(["list"]))] == ["seeds"]


# -- the command line ---------------------------------------------------------------------------


def reader(*args: str, env: dict | None = None, code: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "reader", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**os.environ, **(env or {})})


def test_cli_add_list_and_remove(base, library):
    added = reader("add", f"{base}/news.html", "--tag", "製造", "--library", str(library))
    assert added.returncode == 0, added.stderr
    assert added.stderr == ""
    assert added.stdout.startswith("added ")
    assert added.stdout.endswith("国产大模型加速落地制造业，工厂里的AI质检员上岗了  (未来科技网)\n")
    article_id = added.stdout.split()[1]
    listing = reader("list", "--library", str(library))
    assert article_id in listing.stdout and "ma-huateng" in listing.stdout
    shown = reader("show", article_id, "--library", str(library), "--script", "traditional")
    assert shown.stdout.startswith("國產大模型加速落地製造業")
    again = reader("add", f"{base}/news.html", "--library", str(library))
    assert (again.returncode, again.stdout, again.stderr) == (0, "", f"reader: skipped {base}/news.html: {ALREADY}\n")
    removed = reader("remove", article_id, "--library", str(library))
    assert removed.returncode == 0 and removed.stdout.startswith(f"removed {article_id}  国产大模型")
    gone = reader("remove", article_id, "--library", str(library))
    assert gone.returncode == 2 and gone.stderr.count("\n") == 1 and f"no article {article_id!r}" in gone.stderr


def test_cli_remove_takes_the_number_that_list_and_show_take(library):
    added = reader("add", str(FIXTURES / "notes.txt"), "--library", str(library))
    article_id = added.stdout.split()[1]
    listing = reader("list", "--library", str(library)).stdout.splitlines()
    number = next(line.split()[0] for line in listing if article_id in line)
    assert number == "8"  # After the seven seeds.
    removed = reader("remove", number, "--library", str(library))
    assert removed.returncode == 0 and removed.stdout.startswith(f"removed {article_id}")
    seed = reader("remove", "1", "--library", str(library))
    assert seed.returncode == 2 and seed.stderr.count("\n") == 1
    assert seed.stderr.startswith("reader: article 1 (") and "not in the library" in seed.stderr  # A seed.
    assert reader("list", "--json", "--library", str(library)).stdout.count('"id"') == 7


@pytest.mark.parametrize("path, reason", [
    ("/missing.html", "HTTP error 404 Not Found"),
    ("/picture.png", "not a web page or feed (image/png)"),
    ("/no-article.html", "no article text found"),
    ("/slow.html", "timed out after 0.5 s"),
])
def test_cli_failures_are_one_line_naming_the_url_and_exit_1(base, library, path, reason):
    result = reader("add", f"{base}{path}", "--timeout", "0.5", "--library", str(library))
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"reader: {base}{path}: {reason}\n")
    assert files_in(library) == []


def test_cli_many_items_end_with_a_summary(base, library):
    result = reader("add", f"{base}/rss.xml", f"{base}/missing.html", "--library", str(library))
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "3 added, 0 skipped, 1 failed"
    assert result.stderr == f"reader: {base}/missing.html: HTTP error 404 Not Found\n"


def test_cli_without_the_web_extra_says_how_to_get_it_in_one_line(library):
    code = ("import sys; sys.modules['trafilatura'] = None; sys.argv[0] = 'reader'\n"
            "from reader.cli.main import main; sys.exit(main(sys.argv[1:]))")
    result = reader("add", str(FIXTURES / "news.html"), "--library", str(library), code=code)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (f"reader: {FIXTURES / 'news.html'}: adding a web page needs the optional `web` "
                             "dependencies (import of trafilatura halted; None in sys.modules): "
                             "pip install 'reader[web]'\n")


def test_a_broken_extra_is_named_with_its_own_import_error(library, tmp_path: Path):
    """Installed but not importable (trafilatura without lxml_html_clean, as pip 23.2 left it): the
    user is told what the import said, not only that the extra is missing."""
    fake = tmp_path / "site" / "trafilatura"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise ImportError('lxml.html.clean module is now a separate project lxml_html_clean.\\n"
        "Install lxml[html_clean] or lxml_html_clean directly.')\n")
    code = (f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); sys.argv[0] = 'reader'\n"
            "from reader.cli.main import main; sys.exit(main(sys.argv[1:]))")
    result = reader("add", str(FIXTURES / "news.html"), "--library", str(library), code=code)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert ("(lxml.html.clean module is now a separate project lxml_html_clean. Install lxml[html_clean] or "
            "lxml_html_clean directly.): pip install 'reader[web]'") in result.stderr


@pytest.mark.parametrize("command", ["add", "update"])
@pytest.mark.parametrize("timeout", ["0", "-1", "inf", "1e300", "nan", "soon"])
def test_cli_rejects_a_bad_timeout(command, timeout):
    """`inf` and `1e300` made a thread's traceback (a timer past time_t); `nan` passed `> 0`."""
    result = reader(command, "x.html", "--timeout", timeout)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("reader: argument --timeout: must be a number of seconds, more than 0")


# -- the file format ----------------------------------------------------------------------------

_values = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(title=_values.filter(lambda t: clean_value(t)), body=st.text(st.characters(blacklist_categories=("Cs",)))
       .filter(lambda b: clean_body(b).strip()), source=_values, author=_values, date=_values, url=_values,
       book=_values, tags=st.lists(_values, max_size=4))
def test_the_header_round_trips_any_text(title, body, source, author, date, url, book, tags):
    entry = Entry(title, body, source=source, author=author, date=date, url=url, book=book, tags=tuple(tags))
    text = format_entry(entry)
    back = parse_entry(text)
    assert (back.title, back.source, back.author, back.date, back.url, back.book) == tuple(
        clean_value(v) for v in (title, source, author, date, url, book))
    assert back.tags == clean_tags(tags)
    assert back.body == clean_body(body)
    # The corpus loader, reading the file's bytes, sees the same article.
    path = Path("a.txt")
    from reader.articles.corpus import _decode

    [article] = parse_text(path, _decode(text.encode("utf-8"))[0])
    assert (article.title, article.source, article.tags, article.body) == (
        back.title, back.source, back.tags, back.body)
