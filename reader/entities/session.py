"""The entities found so far in a corpus, as the app finds them article by article."""

from __future__ import annotations

from collections.abc import Iterable

from reader.entities.mentions import Entity


class EntitySession:
    """Entities by article id, and which articles have had the whole detection (model included)."""

    def __init__(self) -> None:
        self.found: dict[str, list[Entity]] = {}
        self.complete: set[str] = set()

    def record(self, article_id: str, entities: list[Entity], complete: bool) -> None:
        self.found[article_id] = entities
        if complete:
            self.complete.add(article_id)

    def of(self, article_id: str) -> list[Entity]:
        return self.found.get(article_id, [])

    def clear(self) -> None:
        self.found.clear()
        self.complete.clear()

    def mentions_by_article(self, article_ids: Iterable[str], key: str) -> list[tuple[str, int]]:
        """(article id, mentions of `key`) for the articles that mention it, most mentions first."""
        counts = [(article_id, sum(1 for e in self.of(article_id) if e.key == key)) for article_id in article_ids]
        return sorted((row for row in counts if row[1]), key=lambda row: -row[1])
