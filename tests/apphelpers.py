"""Helpers for driving the app in tests."""

from __future__ import annotations

from pathlib import Path

from reader.app import ReaderApp
from reader.corpus import Corpus, load_corpus
from reader.keymap import load_keymap
from reader.state import State
from reader.widgets.article_view import ArticleView

from conftest import SEEDS

SIZE = (120, 35)


def make_app(corpus: Corpus | None = None, *, keymap_file: Path | None = None, state: State | None = None) -> ReaderApp:
    return ReaderApp(corpus or load_corpus([SEEDS]), keymap=load_keymap(keymap_file), state=state)


def view_text(view: ArticleView) -> list[str]:
    """What the article view shows now, line by line, without trailing blanks."""
    return ["".join(segment.text for segment in view.render_line(y)).rstrip() for y in range(view.size.height)]


def rich_text(renderable, width: int = 100) -> str:
    """Plain text of a Rich renderable, as a terminal of `width` columns would show it."""
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()
