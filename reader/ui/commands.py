"""The command palette's entries for reading: what the keys do, by name, and every article to open."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

if TYPE_CHECKING:
    from reader.ui.screens.reading import ReadingScreen

#: Title, help, and the reading screen's action.
COMMANDS = [
    ("Next article", "Open the next article in the list", "step_article(1)"),
    ("Previous article", "Open the previous article", "step_article(-1)"),
    ("Show or hide the article list", "Toggle the sidebar", "toggle_sidebar"),
    ("Filter the article list", "Type to narrow the list", "filter"),
    ("Search", "Find words in every article", "part('search', 'search')"),
    ("Annotations", "List and filter your annotations", "part('notes', 'list_all')"),
    ("Undo delete", "Bring back the last deleted annotation", "part('notes', 'undo_delete')"),
    ("Export annotations", "Markdown, CSV or W3C Web Annotation JSON", "part('notes', 'export')"),
    ("Switch script", "Original, Simplified 简体, Traditional 繁體", "toggle_script"),
    ("Entity panel", "People, organisations, products, places… in this article", "entity_panel"),
    ("Entity highlighting on or off", "Colour the entities in the text", "part('entities', 'toggle_highlights')"),
    ("Add to the library", "Web pages, feeds, EPUBs, text files", "part('library', 'add')"),
    ("Remove this article", "From the library (its annotations are kept)", "part('library', 'remove')"),
    ("Look up the word at the cursor", "CC-CEDICT: pinyin and meanings", "part('dictionary', 'define')"),
    ("Pinyin style", "Tone marks, tone numbers or zhuyin", "part('dictionary', 'next_pinyin_style')"),
]


def reading_commands(reading: ReadingScreen) -> Iterable[SystemCommand]:
    for title, help_text, action in COMMANDS:
        yield SystemCommand(title, help_text, partial(reading.run_action, action))
    shown = reading.shown
    for number, article in enumerate(reading.corpus.articles, start=1):
        yield SystemCommand(f"Open: {shown.title(article)}",
                            f"{number}. {shown.text(article.source) if article.source else article.path}",
                            partial(reading.open_article, article.id, focus_view=True), discover=False)
