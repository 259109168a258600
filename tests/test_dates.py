"""Articles' dates read however they are written, and lists put newest first (issue 26)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.articles.dates import Group, arrange, date_key, parse_date

BEIJING = timezone(timedelta(hours=8))


@pytest.mark.parametrize("text, moment", [
    ("2026-03-15", datetime(2026, 3, 15, tzinfo=BEIJING)),
    ("Fri, 10 Apr 2026 10:00:00 +0800", datetime(2026, 4, 10, 10, tzinfo=BEIJING)),
    ("Fri, 10 Apr 2026 02:00:00 GMT", datetime(2026, 4, 10, 2, tzinfo=UTC)),
    ("10 Apr 2026 10:00 +0800", datetime(2026, 4, 10, 10, tzinfo=BEIJING)),
    ("2026-04-10T02:00:00Z", datetime(2026, 4, 10, 2, tzinfo=UTC)),
    ("2026-04-10T10:00:00+08:00", datetime(2026, 4, 10, 10, tzinfo=BEIJING)),
    ("2026-04-10T10:00:00.250+0800", datetime(2026, 4, 10, 10, 0, 0, 250000, tzinfo=BEIJING)),
    ("2026-04-10 10:00", datetime(2026, 4, 10, 10, tzinfo=BEIJING)),
    ("2026/4/10 10:00:30", datetime(2026, 4, 10, 10, 0, 30, tzinfo=BEIJING)),
    ("2026.04.10", datetime(2026, 4, 10, tzinfo=BEIJING)),
    ("2026年3月15日", datetime(2026, 3, 15, tzinfo=BEIJING)),
    ("２０２６年３月１５日　１０：３０", datetime(2026, 3, 15, 10, 30, tzinfo=BEIJING)),
    ("2026年3月15日 10时30分", datetime(2026, 3, 15, 10, 30, tzinfo=BEIJING)),
    ("2026年03月15號 08點05分12秒", datetime(2026, 3, 15, 8, 5, 12, tzinfo=BEIJING)),
    ("  2026-03-15  ", datetime(2026, 3, 15, tzinfo=BEIJING)),
])
def test_dates_as_pages_and_feeds_write_them(text, moment):
    found = parse_date(text, assume=BEIJING)
    assert found == moment and found.utcoffset() is not None


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01", "2026-02-30", "2026年2月30日", "2026-04-10T25:00",
                                  "2026-04-10T10:00+99:00", "Fri, 32 Apr 2026 10:00:00 +0800", "2026", "x" * 1000,
                                  "2026-03-15 并非日期"])
def test_what_is_not_a_date_is_none(text):
    assert parse_date(text, assume=BEIJING) is None and date_key(text) == ""


def test_without_a_zone_the_local_zone_is_taken(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        assert parse_date("2026-03-15 10:00") == datetime(2026, 3, 15, 10, tzinfo=BEIJING)
        date_key.cache_clear()
        assert date_key("2026-03-15 10:00") == "2026-03-15T02:00:00+00:00"
    finally:
        monkeypatch.undo()
        time.tzset()
        date_key.cache_clear()


_zones = st.integers(-12 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
_moments = st.builds(lambda naive, zone: naive.replace(tzinfo=zone),
                     st.datetimes(datetime(1900, 1, 1), datetime(2200, 12, 31)).map(lambda d: d.replace(microsecond=0)),
                     _zones)


@settings(max_examples=300, deadline=None)
@given(moment=_moments)
def test_any_moment_written_as_rfc_2822_or_iso_8601_reads_back(moment):
    for text in (format_datetime(moment), moment.isoformat(), moment.isoformat(sep=" "),
                 moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment.year >= 1000 else moment.isoformat()):
        assert parse_date(text) == moment, text


@settings(max_examples=300, deadline=None)
@given(day=st.dates(datetime(1900, 1, 1).date(), datetime(2200, 12, 31).date()),
       time=st.tuples(st.integers(0, 23), st.integers(0, 59)))
def test_any_day_written_as_chinese_pages_write_it_reads_back(day, time):
    y, m, d = day.year, day.month, day.day
    midnight = datetime(y, m, d, tzinfo=BEIJING)
    for text in (f"{y}年{m}月{d}日", f"{y}-{m:02d}-{d:02d}", f"{y}/{m}/{d}",
                 f"{y}年{m}月{d}日".translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})):
        assert parse_date(text, assume=BEIJING) == midnight, text
    hour, minute = time
    assert parse_date(f"{y}年{m}月{d}日 {hour}:{minute:02d}", assume=BEIJING) == midnight.replace(hour=hour,
                                                                                                  minute=minute)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_an_aware_moment_or_none(text):
    found = parse_date(text)
    assert found is None or found.utcoffset() is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(_moments, min_size=2, max_size=10))
def test_keys_sort_as_the_moments_do(moments):
    keys = [date_key(format_datetime(moment)) for moment in moments]
    assert sorted(moments, key=lambda m: keys[moments.index(m)]) == sorted(moments)


# -- putting articles in order ------------------------------------------------------------------


class Row(NamedTuple):
    """An article as a listing gives it."""

    id: str
    date: str
    feed: str
    added: str = ""


ROWS = [
    Row("a", "2026-03-15", "新能源日报"),
    Row("b", "Fri, 10 Apr 2026 10:00:00 +0800", "36氪"),
    Row("c", "", "新能源日报", added="2026-04-01T12:00:00+08:00"),
    Row("d", "2026年4月9日", "36氪"),
    Row("e", "", ""),
    Row("f", "2026-04-10T03:00:00Z", "環球財經"),
    Row("g", "不是日期", "環球財經"),
]


def test_newest_first_with_the_undated_last_in_their_order():
    [everything] = arrange(ROWS, date=lambda row: row.date)
    assert everything.name == "" and [row.id for row in everything.items] == ["f", "b", "d", "a", "c", "e", "g"]
    # When an article has no date of its own, when it was added stands in.
    [everything] = arrange(ROWS, date=lambda row: row.date or row.added)
    assert [row.id for row in everything.items] == ["f", "b", "d", "c", "a", "e", "g"]


def test_grouped_by_feed_each_newest_first_and_the_groups_by_their_newest():
    groups = arrange(ROWS, date=lambda row: row.date or row.added, group=lambda row: row.feed)
    assert [(group.name, [row.id for row in group.items]) for group in groups] == [
        ("環球財經", ["f", "g"]), ("36氪", ["b", "d"]), ("新能源日报", ["c", "a"]), ("", ["e"])]
    assert all(isinstance(group, Group) for group in groups)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(_moments.map(format_datetime), st.just(""), st.text(max_size=5)),
                          st.sampled_from(["A", "B", "C", ""])), max_size=20))
def test_arrange_keeps_every_item_once_and_orders_each_group(items):
    groups = arrange(items, date=lambda item: item[0], group=lambda item: item[1])
    flat = [item for group in groups for item in group.items]
    assert sorted(flat) == sorted(items)
    assert len({group.name for group in groups}) == len(groups)
    for group in groups:
        keys = [date_key(item[0]) for item in group.items]
        dated = [key for key in keys if key]
        assert dated == sorted(dated, reverse=True) and keys[:len(dated)] == dated
