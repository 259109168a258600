"""Articles' dates as the world writes them, made comparable; and a list of articles put in order.

A library file keeps the date as its page or feed gave it: pages say `2026-03-15` or
`2026年3月15日`, RSS says `Fri, 10 Apr 2026 10:00:00 +0800`, Atom and JSON feeds ISO 8601. To list
articles newest first, each is read into an aware datetime (a date or time without a zone is taken
in the local zone, or the one given) and, as `date_key`, into an ISO 8601 string in UTC, which
sorts as the instants do (for an index column, or a sort key).
"""

from __future__ import annotations

import email.utils
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")

#: Longer than any date: such text is not read at all.
_MAX_LENGTH = 80
_TIME = r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:[.,](\d{1,9}))?)?"
_ZONE = r"(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)"
#: 2026-03-15, 2026/3/15, 2026.03.15, each with an optional time and zone (ISO 8601 and its kin).
_NUMERIC_RE = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}})(?:(?:T|\s+){_TIME})?\s*{_ZONE}?", re.IGNORECASE)
#: 2026年3月15日 (or 号), an optional 10:30, 10时30分 or 10点30分 after it.
_CHINESE_RE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]"
    r"(?:\s*(\d{1,2})\s*(?:[:：]|[时時点點])\s*(\d{1,2})\s*分?(?:\s*(?:[:：])?\s*(\d{1,2})\s*秒?)?)?"
)


def parse_date(text: str, assume: tzinfo | None = None) -> datetime | None:
    """The moment `text` names, as an aware datetime; None if it names none this reads.

    `assume` is the zone of a date or time written without one (default: the local zone, with
    its daylight saving time on that date). A date without a time is its midnight."""
    if not text or len(text) > _MAX_LENGTH:
        return None
    text = unicodedata.normalize("NFKC", text).strip()  # Full-width digits and colons as ASCII.
    try:
        found = _numeric(text) or _chinese(text) or _rfc2822(text)
    except (ValueError, OverflowError):  # A month 13, a day 32, an hour 25, an offset of 99 hours.
        return None
    if found is None:
        return None
    moment, zoned = found
    if zoned:
        return moment
    if assume is not None:
        return moment.replace(tzinfo=assume)
    try:
        return moment.astimezone()  # A naive datetime is read as local time, its own DST included.
    except (ValueError, OverflowError, OSError):
        return moment.replace(tzinfo=UTC)  # Outside what the system's clock functions take.


def _numeric(text: str) -> tuple[datetime, bool] | None:
    match = _NUMERIC_RE.fullmatch(text)
    if match is None:
        return None
    year, _, month, day, hour, minute, second, fraction, zone = match.groups()
    moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                      int((fraction or "0")[:6].ljust(6, "0")))
    if zone is None:
        return moment, False
    return moment.replace(tzinfo=_zone(zone)), True


def _zone(text: str) -> tzinfo:
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if minutes >= 60:
        raise ValueError("minutes of an offset")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if text[0] == "-" else offset)


def _chinese(text: str) -> tuple[datetime, bool] | None:
    match = _CHINESE_RE.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(value or 0) for value in match.groups())
    return datetime(year, month, day, hour, minute, second), False


def _rfc2822(text: str) -> tuple[datetime, bool] | None:
    """RFC 2822 (RSS's `pubDate`), by the standard library: named zones (GMT, EST …) too. A zone
    of `-0000` means "not known": read as `assume` would read a naive time."""
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment, moment.tzinfo is not None


@lru_cache(maxsize=65536)
def date_key(text: str) -> str:
    """`text`'s moment in UTC as ISO 8601 (`2026-04-10T02:00:00+00:00`), "" if it has none: strings
    that sort as the moments do. Local time is the zone of dates written without one."""
    moment = parse_date(text)
    if moment is None:
        return ""
    try:
        return moment.astimezone(UTC).isoformat()
    except OverflowError:  # 0001-01-01 east of Greenwich is before the first UTC moment there is.
        return ""


class Group(NamedTuple, Generic[T]):
    """Articles under one heading: a feed, a source ("" for those without one)."""

    name: str
    items: list[T]


def arrange(items: Iterable[T], date: Callable[[T], str], group: Callable[[T], str] | None = None) -> list[Group[T]]:
    """`items` newest first by `date` (the date text an item has: its page's or entry's, or when it
    was added if it has none); those with no date this reads come last, in the order given.

    With `group` (an item's feed or source), one `Group` per name, each newest first, the groups
    ordered by their newest item (a group with nothing dated last, by name). Without it, one group
    named "" holding every item."""
    rows = [(date_key(date(item)), item) for item in items]
    # Sorted latest key first; a stable sort keeps items of one moment in the order given.
    ordered = [item for _, item in sorted((row for row in rows if row[0]), key=lambda row: row[0], reverse=True)]
    ordered += [item for key, item in rows if not key]
    if group is None:
        return [Group("", ordered)]
    groups: dict[str, Group[T]] = {}
    for item in ordered:  # The first item a group meets is its newest: groups come in that order.
        name = group(item)
        groups.setdefault(name, Group(name, [])).items.append(item)
    dated = [found for found in groups.values() if date_key(date(found.items[0]))]
    return dated + sorted((found for found in groups.values() if not date_key(date(found.items[0]))),
                          key=lambda found: found.name)
