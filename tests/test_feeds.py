"""Following feeds (issue 26): subscriptions, `reader update` with conditional requests, failures
one line each, `reader feeds`.

Feeds are served by a server on 127.0.0.1 started for this module, whose feeds change between
updates as a test says; it answers conditional requests as a real server does (304 when the
ETag or the modification time still holds) and records every request it gets.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from local_server import QuietHandler, serving

from reader.articles import subscriptions
from reader.articles.library import REMOVED, add_sources, read_entry, remove_article
from reader.articles.subscriptions import Subscription, Subscriptions
from reader.articles.update import FAILED, UNCHANGED, UPDATED, update_feeds
from reader.text.controls import has_controls

REPO = Path(__file__).resolve().parent.parent
PARAGRAPH = "这是一段足够长的正文，用来让提取器把它当作文章的内容来读，而不是页面上的导航或者广告。"


def entry(number: int, feed: str = "news", body: bool = True) -> dict:
    return {"guid": f"{feed}-{number}", "title": f"{feed}第{number}篇", "link": f"/{feed}/{number}.html",
            "date": format_datetime(datetime(2026, 4, 1, 8, tzinfo=UTC) + timedelta(days=number)),
            "body": f"第{number}篇。{PARAGRAPH}" if body else ""}


def rss(title: str, entries: list[dict], base: str) -> bytes:
    items = "".join(
        f"<item><title>{e['title']}</title><link>{base}{e['link']}</link><guid isPermaLink='false'>{e['guid']}</guid>"
        f"<pubDate>{e['date']}</pubDate>"
        + (f"<content:encoded><![CDATA[<p>{e['body']}</p>]]></content:encoded>" if e["body"] else
           f"<description>{e.get('summary', e['title'] + '只有摘要。')}</description>")
        + "</item>" for e in entries)
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
            "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
            f"<title>{title}</title><link>{base}/</link>{items}</channel></rss>").encode()


class Feeds:
    """What the server serves: path → (title, entries, validators), changed by the tests."""

    def __init__(self) -> None:
        self.feeds: dict[str, dict] = {}
        self.requests: list[tuple[str, str, str]] = []
        """(path, If-None-Match, If-Modified-Since) of each request."""
        self.active = 0
        self.most_at_once = 0
        self.lock = threading.Lock()
        self.delay = 0.0

    def serve(self, path: str, title: str, entries: list[dict], *, etag: bool = True, modified: bool = True) -> None:
        self.feeds[path] = {"title": title, "entries": list(entries), "etag": etag, "modified": modified,
                            "changed": datetime(2026, 4, 1, tzinfo=UTC)}

    def publish(self, path: str, *entries: dict) -> None:
        feed = self.feeds[path]
        feed["entries"] = [*entries, *feed["entries"]]
        feed["changed"] += timedelta(hours=1)

    def reset(self) -> None:
        self.feeds.clear()
        self.requests.clear()
        self.most_at_once = 0
        self.delay = 0.0


FEEDS = Feeds()


class _Handler(QuietHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        with FEEDS.lock:
            FEEDS.requests.append((self.path, self.headers.get("If-None-Match", ""),
                                   self.headers.get("If-Modified-Since", "")))
            FEEDS.active += 1
            FEEDS.most_at_once = max(FEEDS.most_at_once, FEEDS.active)
        time.sleep(FEEDS.delay)
        with FEEDS.lock:  # Before answering: the client cannot ask again before it has the answer.
            FEEDS.active -= 1
        try:
            self.answer()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def answer(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/slow.xml":
            time.sleep(3)
        if self.path == "/page.html":
            return self.send(200, b"<html><head><title>A page</title></head><body><p>Not a feed.</p></body></html>",
                             "text/html; charset=utf-8")
        if self.path == "/garbage.xml":
            return self.send(200, b"\x00\x01 this is not XML at all \xff", "application/rss+xml")
        if self.path == "/broken.xml":
            return self.send(500, b"", "text/plain", reason="Internal Server Error")
        if self.path.endswith(".html") and self.path.count("/") == 2:  # An entry's page.
            feed, number = self.path[1:-5].split("/")
            if feed == "gone":
                return self.send(404, b"", "text/plain")
            text = f"<html><head><meta charset='utf-8'><title>{feed}第{number}篇</title></head><body><article>" \
                   f"<h1>{feed}第{number}篇</h1>" + f"<p>第{number}篇。{PARAGRAPH}</p>" * 4 + "</article></body></html>"
            return self.send(200, text.encode(), "text/html; charset=utf-8")
        feed = FEEDS.feeds.get(self.path)
        if feed is None:
            return self.send(404, b"", "text/plain", reason="Not Found")
        data = rss(feed["title"], feed["entries"], base)
        etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"' if feed["etag"] else ""
        modified = format_datetime(feed["changed"], usegmt=True) if feed["modified"] else ""
        asked_etag, asked_since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if (etag and asked_etag == etag) or (not etag and modified and asked_since == modified):
            return self.send(304, b"", "", etag=etag, modified=modified)
        self.send(200, data, "application/rss+xml; charset=utf-8", etag=etag, modified=modified)

    def send(self, status: int, data: bytes, content_type: str, etag: str = "", modified: str = "",
             reason: str | None = None) -> None:
        self.send_response(status, reason)
        if content_type:
            self.send_header("Content-Type", content_type)
        if etag:
            self.send_header("ETag", etag)
        if modified:
            self.send_header("Last-Modified", modified)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def server() -> str:
    with serving(_Handler) as base:
        yield base


@pytest.fixture
def feeds(server) -> Feeds:
    FEEDS.reset()
    return FEEDS


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


def articles_in(library: Path) -> list[Path]:
    return sorted(p for p in library.rglob("*.txt") if not p.name.startswith("."))


def reader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120, env=dict(os.environ))


# -- subscribing --------------------------------------------------------------------------------


def test_adding_a_feed_by_its_url_follows_it_and_a_feed_file_does_not(server, feeds, library, tmp_path):
    feeds.serve("/news.xml", "新能源日报", [entry(1), entry(2)])
    report = add_sources([f"{server}/news.xml"], library, tags=["能源"])
    assert len(report.added) == 2 and report.subscribed == [f"{server}/news.xml"]
    [feed] = Subscriptions.load(library).feeds
    assert (feed.url, feed.title, feed.site, feed.tags) == (f"{server}/news.xml", "新能源日报", f"{server}/", ("能源",))
    assert feed.etag.startswith('"') and feed.last_modified.endswith("GMT") and feed.updated and feed.error == ""
    again = add_sources([f"{server}/news.xml"], library)
    assert again.subscribed == [] and len(Subscriptions.load(library).feeds) == 1
    saved = tmp_path / "saved.xml"
    saved.write_bytes(rss("存下的", [entry(9, "saved")], server))
    assert len(add_sources([saved], library).added) == 1
    assert [f.url for f in Subscriptions.load(library).feeds] == [f"{server}/news.xml"]


def test_a_feed_with_no_entries_yet_is_followed(server, feeds, library):
    feeds.serve("/empty.xml", "还没有文章", [])
    report = add_sources([f"{server}/empty.xml"], library)
    assert report.ok and report.added == [] and report.subscribed == [f"{server}/empty.xml"]
    feeds.publish("/empty.xml", entry(1, "empty"))
    assert [a.title for a in update_feeds(library).added] == ["empty第1篇"]


# -- updating -----------------------------------------------------------------------------------


def test_an_unchanged_feed_costs_one_conditional_request_and_adds_nothing(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1), entry(2)])
    add_sources([f"{server}/news.xml"], library)
    etag = Subscriptions.load(library).feeds[0].etag
    feeds.requests.clear()
    report = update_feeds(library)
    assert [(u.status, u.added) for u in report.feeds] == [(UNCHANGED, [])]
    assert feeds.requests == [("/news.xml", etag, Subscriptions.load(library).feeds[0].last_modified)]
    assert len(articles_in(library)) == 2
    assert report.ok and report.summary() == "1 feed: 0 updated, 1 unchanged, 0 failed; 0 new articles"


def test_last_modified_alone_makes_the_request_conditional(server, feeds, library):
    feeds.serve("/dated.xml", "只有时间", [entry(1, "dated")], etag=False)
    add_sources([f"{server}/dated.xml"], library)
    feeds.requests.clear()
    assert update_feeds(library).feeds[0].status == UNCHANGED
    [(path, etag, since)] = feeds.requests
    assert (path, etag) == ("/dated.xml", "") and since == "Wed, 01 Apr 2026 00:00:00 GMT"


def test_two_new_entries_give_two_new_articles(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1), entry(2)])
    add_sources([f"{server}/news.xml"], library, tags=["能源"])
    feeds.publish("/news.xml", entry(3), entry(4))
    report = update_feeds(library)
    [update] = report.feeds
    assert update.status == UPDATED and update.skipped == 2
    assert sorted(a.title for a in update.added) == ["news第3篇", "news第4篇"]
    assert len(articles_in(library)) == 4
    new = [read_entry(a.path) for a in update.added]
    assert {(e.feed, e.source, e.tags) for e in new} == {(f"{server}/news.xml", "新能源日报", ("能源",))}
    assert report.summary() == "1 feed: 1 updated, 0 unchanged, 0 failed; 2 new articles"
    assert update_feeds(library).feeds[0].status == UNCHANGED  # The new validators were kept.


def test_failing_feeds_are_one_line_each_and_the_others_update(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1)])
    add_sources([f"{server}/news.xml"], library)
    Subscriptions.load(library).subscribe(Subscription(f"{server}{path}") for path in
                                          ("/missing.xml", "/slow.xml", "/page.html", "/garbage.xml", "/broken.xml"))
    feeds.publish("/news.xml", entry(2))
    started = time.monotonic()
    report = update_feeds(library, timeout=1)
    assert time.monotonic() - started < 2.5  # In parallel: the slow feed's second does not wait for the others.
    assert [(u.feed.url.removeprefix(server), u.status, u.error) for u in report.feeds] == [
        ("/news.xml", UPDATED, ""),
        ("/missing.xml", FAILED, "HTTP error 404 Not Found"),
        ("/slow.xml", FAILED, "timed out after 1 s"),
        ("/page.html", FAILED, "not a feed (text/html)"),
        ("/garbage.xml", FAILED, report.feeds[4].error),
        ("/broken.xml", FAILED, "HTTP error 500 Internal Server Error"),
    ]
    assert report.feeds[4].error.startswith("not a feed")
    assert [a.title for a in report.added] == ["news第2篇"] and not report.ok
    kept = {feed.url.removeprefix(server): feed for feed in Subscriptions.load(library).feeds}
    assert kept["/slow.xml"].error == "timed out after 1 s" and kept["/slow.xml"].updated == ""
    assert kept["/news.xml"].error == "" and kept["/news.xml"].updated


def test_the_cli_says_each_failure_in_one_line_then_a_summary_and_exits_1(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1)])
    add_sources([f"{server}/news.xml"], library)
    Subscriptions.load(library).subscribe([Subscription(f"{server}/missing.xml"), Subscription(f"{server}/slow.xml")])
    feeds.publish("/news.xml", entry(2), entry(3))
    result = reader("update", "--timeout", "1", "--library", str(library))
    assert result.returncode == 1
    assert result.stderr == (f"reader: {server}/missing.xml: HTTP error 404 Not Found\n"
                             f"reader: {server}/slow.xml: timed out after 1 s\n")
    assert result.stdout == ("新能源日报: 2 new\n"
                             "3 feeds: 1 updated, 0 unchanged, 2 failed; 2 new articles\n")
    again = reader("update", f"{server}/news.xml", "--library", str(library))
    assert (again.returncode, again.stderr) == (0, "")
    assert again.stdout == "1 feed: 0 updated, 1 unchanged, 0 failed; 0 new articles\n"


def test_feeds_are_fetched_a_few_at_a_time(server, feeds, library):
    for number in range(8):
        feeds.serve(f"/feed{number}.xml", f"第{number}个", [entry(number, f"f{number}")])
    Subscriptions.load(library).subscribe(Subscription(f"{server}/feed{number}.xml") for number in range(8))
    feeds.delay = 0.3
    calls = []
    report = update_feeds(library, jobs=3, progress=lambda *call: calls.append(call))
    assert report.ok and len(report.added) == 8
    assert feeds.most_at_once == 3  # More than one at once, never more than asked.
    assert [(done, total) for done, total, _ in calls] == [(n, 8) for n in range(1, 9)]
    assert sorted(message for _, _, message in calls) == sorted(f"第{n}个: 1 new" for n in range(8))


def test_an_entry_that_failed_is_tried_again_at_the_next_update(server, feeds, library):
    """The feed is then fetched whole (no validators kept): a 304 would hide the entry for good."""
    feeds.serve("/mixed.xml", "有摘要", [entry(1, "mixed"), entry(2, "gone", body=False)])
    report = add_sources([f"{server}/mixed.xml"], library)
    assert [f.reason for f in report.failed] == ["HTTP error 404 Not Found"]
    [feed] = Subscriptions.load(library).feeds
    assert (feed.etag, feed.last_modified) == ("", "") and feed.error.startswith("1 entry not added (")
    feeds.requests.clear()
    update = update_feeds(library).feeds[0]
    assert feeds.requests[0] == ("/mixed.xml", "", "")
    assert update.status == UPDATED and update.skipped == 1 and len(update.failed) == 1


def test_a_feed_unsubscribed_during_an_update_is_not_brought_back(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1)])
    feeds.serve("/other.xml", "另一个", [entry(1, "other")])
    add_sources([f"{server}/news.xml", f"{server}/other.xml"], library)
    feeds.delay = 0.5
    removing = threading.Timer(0.2, lambda: Subscriptions.load(library).unsubscribe([f"{server}/other.xml"]))
    removing.start()
    update_feeds(library)
    removing.join()
    assert [f.url for f in Subscriptions.load(library).feeds] == [f"{server}/news.xml"]


def test_only_feeds_that_are_followed_can_be_named(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1)])
    add_sources([f"{server}/news.xml"], library)
    with pytest.raises(ValueError, match="not subscribed to"):
        update_feeds(library, [f"{server}/other.xml"])
    result = reader("update", f"{server}/other.xml", "--library", str(library))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"not a feed you follow: '{server}/other.xml'" in result.stderr


def test_hostile_validators_are_kept_clean(server, feeds, library):
    """A server's ETag goes back out in the next request's headers: a line break in it would
    be a header of the server's choosing."""
    from reader.articles import web

    headers = {"ETag": '"a"\r\nX-Evil: 1', "Last-Modified": "\x1b]0;t\x07Wed, 01 Apr 2026"}
    assert web._validators(headers) == ('"a" X-Evil: 1', "]0;tWed, 01 Apr 2026")  # type: ignore[arg-type]


# -- removed articles stay removed ----------------------------------------------------------------


def test_an_article_removed_never_comes_back_when_the_feed_changes(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1), entry(2), entry(3)])
    added = {a.title: a for a in add_sources([f"{server}/news.xml"], library).added}
    removed = remove_article(library, added["news第2篇"].article_id)
    assert removed.problem == "" and not removed.path.exists()
    assert Subscriptions.load(library).feeds[0].removed == ("news-2",)
    feeds.publish("/news.xml", entry(4))  # Changed: no 304 to hide it behind.
    update = update_feeds(library).feeds[0]
    assert update.status == UPDATED and [a.title for a in update.added] == ["news第4篇"] and update.skipped == 3
    titles = sorted(read_entry(path).title for path in articles_in(library))
    assert titles == ["news第1篇", "news第3篇", "news第4篇"]
    again = add_sources([f"{server}/news.xml"], library)  # The feed again: still not its removed entry.
    assert again.added == [] and (f"{server}/news/2.html", REMOVED) in again.skipped
    page = add_sources([f"{server}/news/2.html"], library)  # The page itself, asked for by name: added.
    assert [a.title for a in page.added] == ["news第2篇"]


def test_cli_remove_then_update_leaves_it_out(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1), entry(2)])
    add_sources([f"{server}/news.xml"], library)
    listed = json.loads(reader("list", "--json", "--library-only", "--library", str(library)).stdout)
    number = 1 + [article["title"] for article in listed].index("news第1篇")
    result = reader("remove", str(number), "--library-only", "--library", str(library))
    assert (result.returncode, result.stderr) == (0, "") and result.stdout.startswith("removed ")
    feeds.publish("/news.xml", entry(3))
    updated = reader("update", "--library", str(library))
    assert updated.stdout == "新能源日报: 1 new\n1 feed: 1 updated, 0 unchanged, 0 failed; 1 new article\n"
    assert sorted(read_entry(path).title for path in articles_in(library)) == ["news第2篇", "news第3篇"]


def test_entries_removed_are_remembered_newest_last_within_a_bound(library, monkeypatch):
    monkeypatch.setattr(subscriptions, "REMOVED_KEPT", 3)
    feeds = Subscriptions.load(library)
    feeds.subscribe([Subscription("http://127.0.0.1:1/a.xml")])
    for key in ("a", "b", "c", "a", "d"):
        assert feeds.forget_entry("http://127.0.0.1:1/a.xml", key)
    assert Subscriptions.load(library).feeds[0].removed == ("c", "a", "d")
    assert not feeds.forget_entry("http://127.0.0.1:1/other.xml", "x")  # Not followed: nothing to keep.
    assert json.loads((library / ".feeds.json").read_text())["feeds"][0]["removed"] == ["c", "a", "d"]


def test_a_removal_the_subscriptions_cannot_keep_is_said_and_the_article_still_goes(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1)])
    [added] = add_sources([f"{server}/news.xml"], library).added
    (library / ".feeds.json").write_text("{not json")
    result = reader("remove", added.article_id, "--library", str(library))
    assert result.returncode == 0 and not added.path.exists()
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("reader: the next update may bring it back:")


# -- entries with only a summary ----------------------------------------------------------------


def without_the_web_extra(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # `import trafilatura` fails, as when not installed.


def test_summary_entries_are_kept_as_their_summary_without_the_web_extra(server, feeds, library, monkeypatch):
    without_the_web_extra(monkeypatch)
    hostile = dict(entry(3, body=False),
                   summary="&lt;p&gt;第三篇&lt;b&gt;摘要&lt;/b&gt;\u202e。&lt;/p&gt;&lt;p&gt;第二段&lt;/p&gt;")
    feeds.serve("/short.xml", "只有摘要", [entry(1, body=False), entry(2, body=False), hostile])
    report = add_sources([f"{server}/short.xml"], library)
    assert report.ok and len(report.added) == 3 and report.summaries == 3 and report.missing_extras == set()
    assert report.summary() == ("3 added, 0 skipped, 0 failed (3 entries as the feed's summary: full pages need "
                                "pip install 'reader[web]')")
    assert not [path for path, _, _ in feeds.requests if path.endswith(".html")]  # No page fetched in vain.
    bodies = {e.title: e.body for e in map(read_entry, articles_in(library))}
    assert bodies["news第1篇"] == "news第1篇只有摘要。" and bodies["news第3篇"] == "第三篇摘要。\n\n第二段"
    feeds.publish("/short.xml", entry(4, body=False))
    update = update_feeds(library)
    assert [a.title for a in update.added] == ["news第4篇"] and update.ok
    assert update.summary().endswith("1 new article (1 entry as the feed's summary: full pages need "
                                     "pip install 'reader[web]')")


def test_a_summary_entry_with_an_empty_summary_still_fails_without_the_web_extra(server, feeds, library,
                                                                                   monkeypatch):
    without_the_web_extra(monkeypatch)
    feeds.serve("/empty.xml", "空摘要", [dict(entry(1, body=False), summary="")])
    report = add_sources([f"{server}/empty.xml"], library)
    assert report.added == [] and report.missing_extras == {"web"}
    assert "needs the optional `web` dependencies" in report.failed[0].reason


def test_a_summary_entry_is_its_page_with_the_web_extra(server, feeds, library):
    feeds.serve("/short.xml", "只有摘要", [entry(1, body=False)])
    report = add_sources([f"{server}/short.xml"], library)
    assert report.ok and report.summaries == 0 and report.summary() == "1 added, 0 skipped, 0 failed"
    [article] = map(read_entry, articles_in(library))
    assert PARAGRAPH in article.body and "只有摘要" not in article.body


def test_cli_says_once_that_full_pages_need_the_web_extra(server, feeds, library):
    feeds.serve("/short.xml", "只有摘要", [entry(1, body=False), entry(2, body=False)])
    code = ("import sys; sys.modules['trafilatura'] = None; sys.argv[0] = 'reader'\n"
            "from reader.cli.main import main; sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code, "add", f"{server}/short.xml", "--library", str(library)],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == ("2 added, 0 skipped, 0 failed (2 entries as the feed's summary: "
                                              "full pages need pip install 'reader[web]')")


# -- reader feeds -------------------------------------------------------------------------------


def test_cli_feeds_lists_each_with_its_counts_and_remove_keeps_the_articles(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1), entry(2), entry(3)])
    add_sources([f"{server}/news.xml"], library)
    Subscriptions.load(library).subscribe([Subscription(f"{server}/missing.xml")])
    update_feeds(library)
    listing = json.loads(reader("feeds", "--json", "--library", str(library)).stdout)
    assert [(f["url"], f["title"], f["articles"], f["unread"]) for f in listing] == [
        (f"{server}/news.xml", "新能源日报", 3, 3), (f"{server}/missing.xml", "", 0, 0)]
    assert listing[1]["error"] == "HTTP error 404 Not Found" and listing[1]["updated"] == ""
    assert listing[0]["error"] == "" and listing[0]["updated"]
    marked = reader("mark", "--feed", "1", "--read", "--library", str(library))
    assert marked.stdout == "3 articles marked read\n"
    text = reader("feeds", "--library", str(library)).stdout.splitlines()
    assert text[0].startswith(f"  1  (0/3)  新能源日报  {server}/news.xml  updated 20")
    assert text[1] == f"  2  (0/0)  {server}/missing.xml  never updated  error: HTTP error 404 Not Found"
    removed = reader("feeds", "remove", f"{server}/news.xml", "--library", str(library))
    assert removed.returncode == 0
    assert removed.stdout == f"unsubscribed {server}/news.xml  (新能源日报); its articles stay in the library\n"
    assert len(articles_in(library)) == 3
    assert [f.url for f in Subscriptions.load(library).feeds] == [f"{server}/missing.xml"]
    unknown = reader("feeds", "remove", "7", "--library", str(library))
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1


def test_cli_feeds_without_any_says_how_to_follow_one(library):
    result = reader("feeds", "--library", str(library))
    assert (result.returncode, result.stdout) == (0, "")
    assert "`reader add FEED_URL` follows one" in result.stderr
    assert reader("feeds", "--json", "--library", str(library)).stdout == "[]\n"


def test_a_damaged_subscriptions_file_is_said_and_never_written_over(server, feeds, library):
    feeds.serve("/news.xml", "新能源日报", [entry(1)])
    library.mkdir()
    damaged = b'{"version": 1, "feeds": [{"url": "http://example.com/a.xml"'
    (library / ".feeds.json").write_bytes(damaged)
    for command in (["feeds"], ["update"], ["feeds", "--export"], ["add", f"{server}/news.xml"]):
        result = reader(*command, "--library", str(library))
        assert result.returncode == 1, command
        problem = [line for line in result.stderr.splitlines() if ".feeds.json" in line]
        assert len(problem) == 1 and "cannot be read (not valid JSON" in problem[0], result.stderr
        assert not has_controls(result.stderr)
    assert (library / ".feeds.json").read_bytes() == damaged
    assert len(articles_in(library)) == 1  # The add itself went on: only following the feed could not.
