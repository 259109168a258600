"""The files behind the reading screen's corpus and the on-disk index they are listed from: read
again after the library changes, checked in the background after a start from the index."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.articles.corpus import Corpus, load_corpus
from reader.articles.indexed import indexing_progress
from reader.ui.messages import Busy, CorpusChanged

if TYPE_CHECKING:
    from reader.articles.catalog import Progress
    from reader.articles.indexed import CorpusCache
    from reader.ui.parts.host import PartsHost

#: Seconds between showing what a first build has indexed so far.
GROWING_EVERY = 3.0


class CorpusFiles:
    def __init__(self, reading: PartsHost, source: tuple[Callable[[], list[Path]], CorpusCache] | None) -> None:
        """`source`: which files make the corpus and their index (None: the corpus was given, not
        read from files, and is never read again)."""
        self.reading = reading
        self.source = source

    @property
    def index(self) -> CorpusCache | None:
        """The index the corpus is listed from."""
        return self.source[1] if self.source is not None else None

    def roots(self) -> list[Path]:
        """The files and folders the corpus is read from."""
        return self.source[0]() if self.source is not None else []

    def read(self, progress: Progress | None = None, *, trust: bool = False) -> Corpus:
        """The corpus as the files hold it now (the index brought up to date, `progress` told how
        far), or with `trust`, as the index holds it now. Slow: in the background."""
        assert self.source is not None, "only a corpus that came from files is read again"
        corpus_paths, cache = self.source
        return load_corpus(corpus_paths(), cache, trust_cache=trust, progress=progress)

    def check(self) -> None:
        """Bring the index up to date with the files, in the background (a stat of each; on a
        first start, indexing them all: the status line says how far it is and the list grows every
        few seconds); a corpus that changed comes back in a `CorpusChanged`. Not twice at once."""
        if self.source is not None and not self.reading.working("corpus"):
            self.reading.in_background(self._checked, "corpus",
                                       lambda corpus: self.reading.post_message(CorpusChanged(corpus)),
                                       exclusive=True)

    def _checked(self) -> Corpus:
        shown = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal shown
            said = indexing_progress(done, total)
            self.reading.post_message(Busy("corpus", said[0].upper() + said[1:]))
            if time.monotonic() - shown > GROWING_EVERY:
                shown = time.monotonic()
                self.reading.post_message(CorpusChanged(self.read(trust=True), growing=True))

        return self.read(progress)
