"""OPML in and out (issue 26): what other readers export comes in, what reader exports another
reader (and reader) reads back, and an OPML file from outside is hostile."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.articles.header import clean_tags, clean_value
from reader.articles.opml import OpmlError, OpmlFeed, read_opml, write_opml
from reader.articles.subscriptions import Subscriptions
from reader.text.controls import has_controls

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "feeds"

FEEDLY = [
    OpmlFeed("https://36kr.com/feed", "36氪", "https://36kr.com", ("科技", "財經 & 新聞")),
    OpmlFeed("https://sspai.com/feed", "少数派", "https://sspai.com", ("科技",)),
    OpmlFeed("https://hnrss.org/frontpage?points=100&comments=25", "Hacker News: Front Page",
             "https://news.ycombinator.com/", ("科技",)),
    OpmlFeed("https://feeds.feedburner.com/rsscna/finance", "中央社 財經", "https://www.cna.com.tw", ("財經 & 新聞",)),
    OpmlFeed("https://feeds.bbci.co.uk/zhongwen/simp/rss.xml", "BBC 中文", "https://www.bbc.com/zhongwen/simp",
             ("財經 & 新聞",)),
]


def reader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120, env=dict(os.environ))


def followed(library: Path) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(f.url, f.title, f.site, f.tags) for f in Subscriptions.load(library).feeds]


def test_a_feedly_export_gives_its_feeds_with_their_folders_as_tags():
    found = read_opml((FIXTURES / "feedly.opml").read_bytes())
    assert found.title == "Jane subscriptions in feedly Cloud"
    assert found.feeds == FEEDLY  # 36氪 is in two folders: one feed, both tags.
    assert found.skipped == [("ftp://example.com/feed.xml", "not an http or https URL"),
                             ("file:///etc/passwd", "not an http or https URL")]


def test_a_newsboat_export_is_flat():
    found = read_opml((FIXTURES / "newsboat.opml").read_bytes())
    assert [(f.url, f.title, f.tags) for f in found.feeds] == [
        ("https://www.ruanyifeng.com/blog/atom.xml", "阮一峰的网络日志", ()),
        ("https://rsshub.app/zaobao/realtime/china", "联合早报 - 中港台", ()),
        ("https://www.solidot.org/index.rss", "Solidot", ()),
        ("https://lwn.net/headlines/rss", "", ()),
    ]
    assert found.feeds[0].site == "http://www.ruanyifeng.com/blog/"


def test_round_trip_import_export_import_gives_the_same_subscriptions(tmp_path):
    """What another reader exported comes in; reader's export of it, read into another library,
    gives the same subscriptions: URLs, titles, sites, folders."""
    first, second = tmp_path / "first", tmp_path / "second"
    for source in ("feedly.opml", "newsboat.opml"):
        imported = reader("feeds", "--import", str(FIXTURES / source), "--library", str(first))
        assert imported.returncode == (1 if source == "feedly.opml" else 0), imported.stderr  # Two skipped.
    assert imported.stdout == f"4 feeds imported from {FIXTURES / 'newsboat.opml'}; `reader update` fetches them\n"
    assert len(followed(first)) == 9
    exported = tmp_path / "out.opml"
    result = reader("feeds", "--export", "--output", str(exported), "--library", str(first))
    assert (result.returncode, result.stderr) == (0, f"wrote 9 feeds to {exported}\n")
    assert read_opml(exported.read_bytes()).title == "reader subscriptions"
    assert _undated(reader("feeds", "--export", "--library", str(first)).stdout) == _undated(exported.read_text())
    again = reader("feeds", "--import", str(exported), "--library", str(second))
    assert again.returncode == 0 and again.stderr == ""
    # The same feeds; in the file's order, which has each folder's feeds together.
    assert sorted(followed(second)) == sorted(followed(first))
    # Importing a file whose feeds are followed already adds nothing.
    repeat = reader("feeds", "--import", str(exported), "--library", str(second))
    assert repeat.stdout == f"0 feeds imported from {exported} (9 followed already)\n"
    assert len(followed(second)) == 9


def _undated(text: str) -> str:
    """The export without the time it was made."""
    return re.sub(r"<dateCreated>[^<]*</dateCreated>", "", text)


def test_the_import_cli_names_what_it_skipped_in_one_line_each(tmp_path):
    library = tmp_path / "library"
    result = reader("feeds", "--import", str(FIXTURES / "feedly.opml"), "--library", str(library))
    assert result.returncode == 1
    path = FIXTURES / "feedly.opml"
    assert result.stderr == (f"reader: {path}: skipped ftp://example.com/feed.xml: not an http or https URL\n"
                             f"reader: {path}: skipped file:///etc/passwd: not an http or https URL\n")
    assert result.stdout == f"5 feeds imported from {path}; `reader update` fetches them\n"


# -- hostile files ------------------------------------------------------------------------------

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<opml version="2.0"><body><outline text="&lol3;" xmlUrl="https://example.com/a.xml"/></body></opml>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://example.com/a.xml"/></body></opml>"""


@pytest.mark.parametrize("data, message", [
    (LAUGHS, "it declares entities, which reader does not expand"),
    (EXTERNAL, "it declares entities, which reader does not expand"),
    (b"<opml><body><outline text='a'></body></opml>",
     "not an OPML file (malformed XML: mismatched tag at line 1, column 33)"),
    (b"", "not an OPML file (the file is empty)"),
    (b"<?xml version='1.0'?><rss version='2.0'><channel/></rss>", "not an OPML file (it is <rss>)"),
    (b"<opml><body><outline text='&nbsp;' xmlUrl='https://a.example/'/></body></opml>",
     "not an OPML file (malformed XML: undefined entity at line 1, column 13)"),
    (b"<opml>" + b"<outline text='x'>" * 70 + b"</outline>" * 70 + b"</opml>", "outlines nested more than 64 deep"),
])
def test_a_hostile_or_broken_file_is_one_line(data, message):
    with pytest.raises(OpmlError) as caught:
        read_opml(data)
    assert str(caught.value) == message


def test_too_large_and_too_many_are_refused(monkeypatch):
    from reader.articles import opml

    monkeypatch.setattr(opml, "MAX_BYTES", 1000)
    with pytest.raises(OpmlError, match="^larger than 0 MB"):
        read_opml(b"<opml>" + b" " * 1000 + b"</opml>")
    monkeypatch.setattr(opml, "MAX_BYTES", 10 * 1024 * 1024)
    monkeypatch.setattr(opml, "MAX_OUTLINES", 3)
    with pytest.raises(OpmlError, match="^more than 3 outlines$"):
        read_opml(b"<opml><body>" + b"<outline text='a' xmlUrl='https://a.example/'/>" * 4 + b"</body></opml>")


def test_control_characters_never_come_in():
    data = ("<opml version='2.0'><body><outline text='\u202e\u0085新闻&#x9b;2J' "
            "xmlUrl='https://a.example/rss?x=1&#x85;' htmlUrl='https://a.example/&#x202e;'/></body></opml>")
    [feed] = read_opml(data.encode("utf-8")).feeds
    assert feed == OpmlFeed("https://a.example/rss?x=1", "新闻2J", "https://a.example/", ())
    assert not has_controls("".join(feed.url + feed.title + feed.site))


@pytest.mark.parametrize("encoding", ["gbk", "big5", "utf-16"])
def test_a_file_in_another_encoding_is_read_as_it_says(encoding):
    text = (f"<?xml version='1.0' encoding='{encoding}'?><opml version='1.0'><body>"
            "<outline text='財經新聞' xmlUrl='https://a.example/rss'/></body></opml>")
    [feed] = read_opml(text.encode(encoding)).feeds
    assert feed.title == "財經新聞"


def test_cli_import_of_a_bad_file_is_one_line_and_follows_nothing(tmp_path):
    library = tmp_path / "library"
    bad = tmp_path / "bad.opml"
    bad.write_bytes(LAUGHS)
    result = reader("feeds", "--import", str(bad), "--library", str(library))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"reader: {bad}: it declares entities, which reader does not expand\n"
    assert not (library / ".feeds.json").exists()
    missing = reader("feeds", "--import", str(tmp_path / "none.opml"), "--library", str(library))
    assert missing.returncode == 2 and missing.stderr == f"reader: no such file: {tmp_path / 'none.opml'}\n"


def test_cli_export_refuses_what_does_not_go_together(tmp_path):
    result = reader("feeds", "--output", str(tmp_path / "x.opml"))
    assert result.returncode == 2 and result.stderr == "reader: --output goes with --export\n"
    both = reader("feeds", "--import", "a.opml", "--export")
    assert both.returncode == 2 and both.stderr.count("\n") == 1


def test_cli_export_that_cannot_be_written_is_one_line(tmp_path):
    library = tmp_path / "library"
    reader("feeds", "--import", str(FIXTURES / "newsboat.opml"), "--library", str(library))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = reader("feeds", "--export", "--output", str(blocker / "x.opml"), "--library", str(library))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"reader: cannot write {blocker / 'x.opml'}: ") and result.stderr.count("\n") == 1


# -- the round trip, for any feeds --------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_feed = st.builds(
    OpmlFeed,
    url=st.integers(0, 10**6).map(lambda number: f"https://example.com/feed/{number}?a=1&b=<2>"),
    title=_text, site=st.sampled_from(["", "https://example.com/", "http://例子.中国/"]),
    tags=st.lists(_text, max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(feeds=st.lists(_feed, max_size=8, unique_by=lambda feed: feed.url))
def test_what_is_written_reads_back_the_same(feeds):
    back = read_opml(write_opml(feeds).encode("utf-8"))
    assert back.skipped == []
    expected = [OpmlFeed(f.url, clean_value(f.title), f.site, clean_tags(f.tags)) for f in feeds]
    assert sorted(back.feeds) == sorted(expected)
