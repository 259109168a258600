"""Entity mentions: their types, and the grouping and walking the reader does with them.

Detection (`reader.entities.detect`) produces them; this is the part the UI needs before any is found,
so it stays small and is imported on the way to the first paint while detection is not.
"""

from __future__ import annotations

from typing import NamedTuple

PERSON, ORG, PRODUCT, PLACE = "person", "org", "product", "place"
MONEY, DATE, PERCENT = "money", "date", "percent"
TYPES = (PERSON, ORG, PRODUCT, PLACE, MONEY, DATE, PERCENT)
NAME_TYPES = (PERSON, ORG, PRODUCT, PLACE)


class Entity(NamedTuple):
    start: int
    end: int
    type: str
    key: str
    """What mentions of one entity share: the gazetteer name, else the folded text."""


class Group(NamedTuple):
    """One entity of an article: its key, type, how often it is mentioned and where first."""

    key: str
    type: str
    mentions: int
    first: Entity


def group(entities: list[Entity]) -> list[Group]:
    """Entities of an article by type (in TYPES order), most mentioned first."""
    mentions: dict[tuple[str, str], list[Entity]] = {}
    for entity in entities:
        mentions.setdefault((entity.type, entity.key), []).append(entity)
    groups = [Group(key, kind, len(found), found[0]) for (kind, key), found in mentions.items()]
    return sorted(groups, key=lambda g: (TYPES.index(g.type), -g.mentions, g.first.start))


def next_mention(entities: list[Entity], offset: int, *, forward: bool = True, key: str | None = None) -> Entity | None:
    """The first mention after `offset` (or the last before it), of `key` or of any entity."""
    candidates = [e for e in entities if key is None or e.key == key]
    if forward:
        return next((e for e in candidates if e.start > offset), None)
    return next((e for e in reversed(candidates) if e.start < offset), None)
