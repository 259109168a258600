"""What the reading screen's widgets, parts and background work tell it, as messages.

Each says what happened, not what to do about it: the screen decides. Posting a message is safe
from a worker thread, so background work reports through these too, never by calling the screen.
(Plain classes rather than dataclasses: they are imported on the way to the first paint.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from reader.articles.corpus import Article, Corpus
    from reader.articles.dates import Group
    from reader.entities.mentions import Entity


class Busy(Message):
    """Background work `task` started or goes on (`what` says it, in the status line), or ended (None)."""

    def __init__(self, task: str, what: str | None) -> None:
        super().__init__()
        self.task, self.what = task, what


class OpenArticle(Message):
    """Open this article; with `focus_view` the reader reads it at once (else the focus stays).
    `mark` brings a place in it into view and marks it, `entity` sets what the mention keys walk,
    `at_top` shows it from its top (else from where the reader left it)."""

    def __init__(self, article_id: str, *, focus_view: bool = False, mark: tuple[int, int] | None = None,
                 entity: str | None = None, at_top: bool = False) -> None:
        super().__init__()
        self.article_id, self.focus_view, self.mark, self.entity, self.at_top = (article_id, focus_view, mark,
                                                                                  entity, at_top)


class AnnotationsChanged(Message):
    """The annotation store changed, for one article or (None) for any."""

    def __init__(self, article_id: str | None = None) -> None:
        super().__init__()
        self.article_id = article_id


class CorpusChanged(Message):
    """The corpus as the files hold it now (after adding to the library, removing, or checking);
    `growing`: what a first build has indexed so far (its articles stay as they are, and the files
    it could not read are said once it is done)."""

    def __init__(self, corpus: Corpus, *, growing: bool = False) -> None:
        super().__init__()
        self.corpus, self.growing = corpus, growing


class EntitiesFound(Message):
    """Entities of an article: `complete` once the whole detection ran (else the quick part)."""

    def __init__(self, article_id: str, entities: list[Entity], complete: bool) -> None:
        super().__init__()
        self.article_id, self.entities, self.complete = article_id, entities, complete


class ReadStateChanged(Message):
    """Articles were marked read or unread, here or by another reader or shell."""


class Arranged(Message):
    """The article list's order, worked out (`reader.articles.dates.arrange`): its groups, None for
    the corpus's order; `grouped`: a heading for each group."""

    def __init__(self, groups: list[Group[Article]] | None, grouped: bool) -> None:
        super().__init__()
        self.groups, self.grouped = groups, grouped
