"""Helpers for driving the app in tests."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from conftest import SEEDS

from reader.annotations.store import AnnotationStore
from reader.articles.corpus import Corpus, CorpusCache, load_corpus
from reader.entities.detect import EntityCache
from reader.settings.keymap import load_keymap
from reader.settings.state import State
from reader.ui.app import ReaderApp
from reader.ui.widgets.article_view import ArticleView

SIZE = (120, 35)

#: Entity results shared by every app a test session starts: jieba runs once per article, not per test.
_CACHE_FOLDER = Path(tempfile.mkdtemp(prefix="reader-test-entities-"))
atexit.register(shutil.rmtree, _CACHE_FOLDER, ignore_errors=True)
SHARED_ENTITY_CACHE = EntityCache(_CACHE_FOLDER)
#: CC-CEDICT's cache, built once per session (a second or two) rather than by every app that shows a cursor.
SHARED_DICTIONARY_CACHE = _CACHE_FOLDER / "dictionary"


def make_app(
    corpus: Corpus | None = None, *, keymap_file: Path | None = None, state: State | None = None,
    entity_cache: EntityCache | None = None, annotations: AnnotationStore | None = None,
    corpus_source: tuple[Callable[[], list[Path]], CorpusCache] | None = None, library: Path | None = None,
) -> ReaderApp:
    app = ReaderApp(
        corpus or load_corpus([SEEDS]), keymap=load_keymap(keymap_file), state=state,
        entity_cache=entity_cache or SHARED_ENTITY_CACHE, annotations=annotations, corpus_source=corpus_source,
        library=library,
    )
    app.reading.lookup.cache = SHARED_DICTIONARY_CACHE
    return app


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


async def wait_until(pilot, predicate, timeout: float = 30.0) -> None:
    """Let the app run until `predicate()` holds (background work), or fail after `timeout`."""
    for _ in range(int(timeout / 0.05)):
        if predicate():
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never got there")
