"""The app as a feed reader (issue 26): updating every feed, read state, the list's order, the
library kept live, the article's page in the browser. Feeds are served on 127.0.0.1 by the server
of `test_feeds`."""

from __future__ import annotations

import os
import subprocess
import sys
import webbrowser
from pathlib import Path

import pytest
from apphelpers import SIZE, make_app, wait_until
from test_feeds import entry, feeds, server  # noqa: F401 (fixtures)

from reader.articles.header import Entry, format_entry, web_link
from reader.articles.indexed import CorpusCache
from reader.articles.library import add_sources
from reader.articles.readstate import ReadState
from reader.articles.subscriptions import Subscription, Subscriptions
from reader.articles.watch import FolderWatch
from reader.settings.state import State
from reader.ui.messages import OpenArticle
from reader.ui.screens.add import ConfirmScreen
from reader.ui.widgets.article_list import ArticleList, Heading
from reader.ui.widgets.status_bar import StatusBar

REPO = Path(__file__).resolve().parent.parent


def write_article(library: Path, name: str, title: str, *, date: str = "", source: str = "", url: str = "") -> Path:
    library.mkdir(parents=True, exist_ok=True)
    path = library / f"{name}.txt"
    path.write_text(format_entry(Entry(title, f"{title}的正文，足夠長的一段話。", source=source, date=date, url=url)),
                    encoding="utf-8")
    return path


def library_app(tmp_path: Path, library: Path, *, state: State | None = None):
    """The app on the library alone (no seeds: "mark all read" marks what it lists)."""
    source = (lambda: [library], CorpusCache(tmp_path / "cache"))
    from reader.articles.corpus import load_corpus

    return make_app(load_corpus([library]), library=library, corpus_source=source,
                    state=state or State.load(tmp_path / "state.json"))


def list_lines(app) -> list[str]:
    """The article list as drawn."""
    listed = app.reading.sidebar.article_list
    return ["".join(segment.text for segment in listed.render_line(y)) for y in range(listed.size.height)]


def titles(app) -> list[str]:
    return [entry.title for entry in app.reading.sidebar.shown]


def reader(*args: str, home: Path) -> subprocess.CompletedProcess:
    """`reader` in another process, with its own XDG folders."""
    env = {**os.environ, **{f"XDG_{name}_HOME": str(home / name.lower()) for name in ("CONFIG", "DATA", "STATE",
                                                                                        "CACHE")}}
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=120)


# -- the library, live --------------------------------------------------------------------------------


async def test_the_list_shows_what_another_process_adds_and_removes(tmp_path: Path):
    library = tmp_path / "library"
    write_article(library, "20260101-000000-aaaaaa", "第一篇")
    app = library_app(tmp_path, library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        assert titles(app) == ["第一篇"]
        note = tmp_path / "note.md"
        note.write_text("# 另一個進程加的\n\n這是另一個進程加進書庫的文章，足夠長的一段話。\n", encoding="utf-8")
        added = reader("add", str(note), "--library", str(library), home=tmp_path)
        assert added.returncode == 0, added.stderr
        await wait_until(pilot, lambda: "另一個進程加的" in titles(app), timeout=15)
        gone = next(article.id for article in app.corpus.articles if article.title == "第一篇")
        removed = reader("remove", gone, "--library", str(library), home=tmp_path)
        assert removed.returncode == 0, removed.stderr
        await wait_until(pilot, lambda: titles(app) == ["另一個進程加的"], timeout=15)


async def test_when_the_article_read_is_removed_elsewhere_its_neighbour_in_the_list_opens(tmp_path: Path):
    library = tmp_path / "library"
    write_article(library, "20260101-000000-aaaaaa", "華為", date="2026-04-10")
    write_article(library, "20260102-000000-aaaaaa", "阿里", date="2026-04-01")
    write_article(library, "20260103-000000-aaaaaa", "北京", date="2026-04-05")
    app = library_app(tmp_path, library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await wait_until(pilot, lambda: app.reading.current.title == "北京")
        status = app.reading.query_one(StatusBar)
        assert status.place == "3/3"
        await pilot.press("O")  # Newest first: 華為, 北京, 阿里.
        await wait_until(pilot, lambda: titles(app) == ["華為", "北京", "阿里"])
        await wait_until(pilot, lambda: status.place == "2/3")  # Where the list shows it now, at once.
        (library / "20260103-000000-aaaaaa.txt").unlink()  # As `reader remove` in another shell.
        await wait_until(pilot, lambda: titles(app) == ["華為", "阿里"], timeout=15)
        assert app.reading.current.title == "阿里"  # After it in the list (華為 comes after it as added).
        assert status.place == "2/2"


def test_the_watch_sees_files_come_and_go_not_the_read_state(tmp_path: Path):
    library = tmp_path / "library"
    write_article(library, "a", "甲")
    watch = FolderWatch([library])
    assert not watch.changed()
    (library / ".read.json").write_text("{}", encoding="utf-8")  # Hidden: not an article.
    assert not watch.changed()
    (library / "book").mkdir()
    assert watch.changed()
    write_article(library / "book", "chapter", "章")
    assert watch.changed() and not watch.changed()
    (library / "book" / "chapter.txt").unlink()
    assert watch.changed()
    (library / "a.txt").rename(library / "b.txt")
    assert watch.changed()


# -- read state -----------------------------------------------------------------------------------------


async def test_an_article_read_stays_read_across_a_restart_and_shows_another_readers_marks(tmp_path: Path):
    library = tmp_path / "library"
    for number, title in enumerate(["甲篇", "乙篇", "丙篇"]):
        write_article(library, f"2026010{number}-000000-aaaaaa", title)
    app = library_app(tmp_path, library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        listed = app.reading.sidebar.article_list
        first, second, third = (article.id for article in app.corpus.articles)
        assert listed.is_read is not None and not listed.is_read(first)
        marked = [line for line in list_lines(app) if line.startswith(ArticleList.UNREAD)]
        assert [line[1:].strip() for line in marked] == ["乙篇", "丙篇"]  # The first is highlighted: ▌.
        app.reading.post_message(OpenArticle(second, focus_view=True))  # Chosen to read: read at once.
        await wait_until(pilot, lambda: ReadState(library).is_read(second))
        await pilot.press("j")  # In the text: the list is not touched.
        # Another reader (an app, or `reader mark` in a shell) marks the third read: it shows here.
        ReadState(library).mark([third])
        await wait_until(pilot, lambda: listed.is_read(third), timeout=10)
    again = library_app(tmp_path, library)
    async with again.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: again.painted)
        is_read = again.reading.sidebar.article_list.is_read
        assert is_read is not None and is_read(second) and is_read(third)
        marked = reader("mark", second, "--unread", "--library", str(library), home=tmp_path)
        assert marked.returncode == 0, marked.stderr
        await wait_until(pilot, lambda: not is_read(second), timeout=10)


async def test_moving_down_the_list_does_not_mark_every_article_read(tmp_path: Path):
    library = tmp_path / "library"
    for number in range(4):
        write_article(library, f"2026010{number}-000000-aaaaaa", f"第{number}篇")
    app = library_app(tmp_path, library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        ids = [article.id for article in app.corpus.articles]
        app.reading.sidebar.article_list.focus()
        await pilot.press("j", "j", "j")
        await pilot.pause(0.3)
        assert not any(ReadState(library).is_read(article_id) for article_id in ids[:3])
        await wait_until(pilot, lambda: ReadState(library).is_read(ids[3]), timeout=5)  # Stayed on it.


async def test_next_unread_toggle_and_mark_all_read(tmp_path: Path):
    library = tmp_path / "library"
    for number in range(4):
        write_article(library, f"2026010{number}-000000-aaaaaa", f"第{number}篇")
    app = library_app(tmp_path, library)
    ReadState(library).mark([app.corpus.articles[1].id])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        ids = [article.id for article in app.corpus.articles]
        assert app.reading.current.id == ids[0]
        await pilot.press("U")  # The next unread: the second is read, so the third.
        await wait_until(pilot, lambda: app.reading.current.id == ids[2])
        await wait_until(pilot, lambda: ReadState(library).is_read(ids[2]))  # Written in the background.
        await pilot.press("r")  # Unread again, by hand.
        await wait_until(pilot, lambda: not ReadState(library).is_read(ids[2]))
        await pilot.pause(2)  # The timer of "shown long enough" does not mark it back.
        assert not ReadState(library).is_read(ids[2])
        await pilot.press("r")
        await wait_until(pilot, lambda: ReadState(library).is_read(ids[2]))
        await pilot.press("U", "U")  # The fourth, then round to the first.
        await wait_until(pilot, lambda: app.reading.current.id == ids[0])
        await wait_until(pilot, lambda: ReadState(library).is_read(ids[3]))
        await pilot.press("U")
        await wait_until(pilot, lambda: app.seen.said("No unread article")(app.seen.messages[-1])
                         or any("No unread article" in text for text in app.seen.notifications))
        await pilot.press("r", "r")  # The first, unread and read again: one unread left, the first.
        ReadState(library).mark([ids[0]], read=False)
        await wait_until(pilot, lambda: not app.reading.sidebar.article_list.is_read(ids[0]), timeout=10)
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("escape")  # No: nothing marked.
        await pilot.pause()
        assert not ReadState(library).is_read(ids[0])
        await pilot.press("C")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")
        await wait_until(pilot, lambda: all(ReadState(library).is_read(article_id) for article_id in ids))
        await pilot.pause()
        assert not any(line.startswith(ArticleList.UNREAD) for line in list_lines(app))


async def test_marks_are_written_in_their_order_and_none_is_lost_on_quitting(tmp_path: Path):
    library = tmp_path / "library"
    for number in range(3):
        write_article(library, f"2026010{number}-000000-aaaaaa", f"第{number}篇")
    app = library_app(tmp_path, library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        first = app.reading.current.id
        await pilot.press("r", "r", "r", "U")  # Read, unread, read: the file ends read; U reads the next.
        second = app.reading.current.id
        assert second != first and app.reading.sidebar.article_list.is_read(second)  # Shown at once.
    # The app has quit: every write queued before is in the file.
    assert ReadState(library).is_read(first) and ReadState(library).is_read(second)


# -- order ------------------------------------------------------------------------------------------------


async def test_the_order_switches_by_a_key_and_is_remembered(tmp_path: Path):
    library = tmp_path / "library"
    write_article(library, "20260101-000000-aaaaaa", "舊的", date="2026-03-01", source="甲報")
    write_article(library, "20260102-000000-aaaaaa", "最新", date="Fri, 10 Apr 2026 10:00:00 +0800", source="乙報")
    write_article(library, "20260103-000000-aaaaaa", "中間", date="2026年3月15日", source="甲報")
    write_article(library, "20260104-000000-aaaaaa", "沒有日期", source="乙報")
    state_path = tmp_path / "state.json"
    app = library_app(tmp_path, library, state=State.load(state_path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        assert titles(app) == ["舊的", "最新", "中間", "沒有日期"]  # As added.
        await pilot.press("O")
        await wait_until(pilot, lambda: titles(app) == ["最新", "中間", "舊的", "沒有日期"])
        await pilot.press("O")  # By source, newest first in each, a heading with unread/all.
        await wait_until(pilot, lambda: titles(app) == ["最新", "沒有日期", "中間", "舊的"])
        entries = app.reading.sidebar.article_list.entries
        headings = [entry for entry in entries if isinstance(entry, Heading)]
        assert [heading.name for heading in headings] == ["乙報", "甲報"]
        await wait_until(pilot, lambda: ReadState(library).is_read(app.corpus.articles[0].id), timeout=5)
        assert [heading.label(True) for heading in headings] == ["乙報  2/2", "甲報  1/2"]
        assert app.reading.current.title == "舊的"  # The first added, opened at the start: last in this list.
        await pilot.press("right_square_bracket")  # ] wraps round to the first article, over the heading.
        await wait_until(pilot, lambda: app.reading.current.title == "最新")
    again = library_app(tmp_path, library, state=State.load(state_path))
    async with again.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: again.painted)
        assert titles(again) == ["最新", "沒有日期", "中間", "舊的"]
        await pilot.press("O")
        await wait_until(pilot, lambda: titles(again) == ["舊的", "最新", "中間", "沒有日期"])


# -- updating the feeds -----------------------------------------------------------------------------------


async def test_the_update_key_fetches_every_feed_and_the_new_articles_show(server, feeds, tmp_path: Path):  # noqa: F811
    library = tmp_path / "library"
    feeds.serve("/news.xml", "新能源日报", [entry(1), entry(2)])
    assert add_sources([f"{server}/news.xml"], library).ok
    Subscriptions.load(library).subscribe([Subscription(f"{server}/broken.xml")])
    feeds.publish("/news.xml", entry(3), entry(4))
    app = library_app(tmp_path, library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        assert sorted(titles(app)) == ["news第1篇", "news第2篇"]
        await pilot.press("R")
        await wait_until(pilot, lambda: any("new articles from" in text for text in app.seen.notifications))
        said = next(text for text in app.seen.notifications if "new articles from" in text)
        assert said.startswith("2 new articles from 2 feeds, 1 failed")
        assert f"{server}/broken.xml" in said
        assert sorted(titles(app)) == ["news第1篇", "news第2篇", "news第3篇", "news第4篇"]
        counted = [m.what for m in app.seen.messages if getattr(m, "task", None) == "update" and m.what]
        assert counted[0] == "Updating 0/2 feeds" and "Updating 2/2 feeds" in counted
        listed = app.reading.sidebar.article_list
        assert not listed.is_read(next(a.id for a in app.corpus.articles if a.title == "news第4篇"))


async def test_updating_without_a_connection_says_so_and_the_app_goes_on(tmp_path: Path):
    library = tmp_path / "library"
    write_article(library, "20260101-000000-aaaaaa", "第一篇")
    Subscriptions.load(library).subscribe([Subscription("http://127.0.0.1:9/feed.xml")])  # Nothing listens.
    app = library_app(tmp_path, library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        await pilot.press("R")
        await wait_until(pilot, lambda: any("new articles from" in text for text in app.seen.notifications))
        assert any(text.startswith("0 new articles from 1 feed, 1 failed") for text in app.seen.notifications)
        assert app.is_running and titles(app) == ["第一篇"]


# -- the browser ------------------------------------------------------------------------------------------


class StubBrowser(webbrowser.BaseBrowser):
    def __init__(self) -> None:
        super().__init__("stub")
        self.opened: list[str] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return True


async def test_o_opens_the_page_in_the_browser_and_only_a_web_link(tmp_path: Path, monkeypatch):
    library = tmp_path / "library"
    write_article(library, "20260101-000000-aaaaaa", "有網址", url="https://example.com/news/1.html")
    write_article(library, "20260102-000000-aaaaaa", "壞網址", url="javascript:alert(1)")
    write_article(library, "20260103-000000-aaaaaa", "沒有網址")
    browser = StubBrowser()
    monkeypatch.setattr(webbrowser, "get", lambda using=None: browser)
    app = library_app(tmp_path, library)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.painted)
        good, bad, none = (article.id for article in app.corpus.articles)
        await pilot.press("o")
        await wait_until(pilot, lambda: browser.opened == ["https://example.com/news/1.html"])
        for article_id, said in ((bad, "Not opened: not an http(s) link: javascript:alert(1)"),
                                 (none, "This article has no web page.")):
            app.reading.post_message(OpenArticle(article_id))
            await wait_until(pilot, lambda article_id=article_id: app.reading.current.id == article_id)
            await pilot.press("o")
            await wait_until(pilot, lambda said=said: said in app.seen.notifications)
        assert browser.opened == ["https://example.com/news/1.html"]

        def no_browser(using=None):
            raise webbrowser.Error("could not locate runnable browser")

        monkeypatch.setattr(webbrowser, "get", no_browser)
        app.reading.post_message(OpenArticle(good))
        await wait_until(pilot, lambda: app.reading.current.id == good)
        await pilot.press("o")
        await wait_until(pilot, lambda: any(text.startswith("No browser found") for text in app.seen.notifications))


@pytest.mark.parametrize("url, kept", [
    ("https://example.com/a", True), ("http://例子.中国/新闻", True), ("HTTPS://EXAMPLE.COM", True),
    ("javascript:alert(1)", False), ("file:///etc/passwd", False), ("data:text/html,x", False),
    ("https://", False), ("https://exa mple.com", False), ("https://example.com/\x1b[31m", False), ("", False),
])
def test_only_http_links_go_to_a_browser(url, kept):
    assert (web_link(url) == url) is kept

