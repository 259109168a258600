"""The text as the reader sees it: any article's title, meta line and body, and any piece of an
article (a quote, a source, a line of context), in the script mode chosen (the original, 简体 or 繁體).

Everything that shows article text asks this one place, so a dialog never lists titles in one
script beside a text shown in another. Conversions keep lengths: offsets into the original hold.
"""

from __future__ import annotations

from typing import NamedTuple

from reader.articles.corpus import Article
from reader.reading.layout import Texts, article_texts, shown_meta
from reader.text.conversion import ORIGINAL, in_script


class ShownText(NamedTuple):
    mode: str = ORIGINAL

    def title(self, article: Article) -> str:
        return in_script(article.title, self.mode)

    def meta(self, article: Article) -> str:
        """Source, tags, length (and an encoding other than UTF-8)."""
        return shown_meta(article, self.mode)

    def texts(self, article: Article) -> Texts:
        """Title, meta line and body at once (the body as long as the original)."""
        return article_texts(article, self.mode)

    def text(self, text: str) -> str:
        """A piece of an article, converted if it is in the other script."""
        return in_script(text, self.mode)
