"""A corpus listed from the index: its articles are read from the database a page at a time, as
they are shown, so a start reads what the first screen shows whatever the corpus's size.

`CorpusCache` is the way in: it keeps a `Catalog` per root (a folder or file named on the command
line, the library, the seeds), brings them up to date with the files (`check`: a stat of each
file, reading only those whose stat changed) or trusts them as they are (the app's start, which
checks after its first paint), and lists the corpus from them (`IndexedCorpus`).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from collections.abc import Iterator, Sequence
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import NamedTuple, Protocol, overload

from reader.articles.catalog import Catalog, Listed, Progress, State
from reader.articles.corpus import Article, Checked, Corpus, LoadProblem, _SourceFile, load_corpus


class _Part(NamedTuple):
    """One root's articles in a corpus: its catalog, its state when listed, and the ids its
    articles take in this corpus where an earlier root has the id already (rowid -> id)."""

    catalog: Catalog
    state: State
    renamed: dict[int, str]


class IndexedArticles(Sequence[Article]):
    """The articles of a corpus in order, read from the index a page at a time (the pages read
    last are kept). Articles are made afresh once their page is dropped: compare them by id.

    How many there are comes with each root's state, so a start reads the first page and nothing
    else; the rowids of all of them (31 ms per 100,000) are read when a search first needs them,
    and from then on pages and positions are found from them rather than counted in the index."""

    PAGE = 128
    PAGES_KEPT = 32
    #: Rows read at a time when every article is asked for in turn.
    CHUNK = 2048

    def __init__(self, parts: list[_Part]) -> None:
        self.parts = parts
        self._starts = list(accumulate((part.state.articles for part in parts), initial=0))
        self._rowids: list[array] | None = None
        self._pages: OrderedDict[tuple[int, int], list[Article]] = OrderedDict()
        self._positions: OrderedDict[str, int | None] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._starts[-1]

    @overload
    def __getitem__(self, index: int) -> Article: ...

    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...

    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        position = int(index) + (len(self) if index < 0 else 0)
        if not 0 <= position < len(self):
            raise IndexError("article position out of range")
        part = bisect_right(self._starts, position) - 1
        local = position - self._starts[part]
        return self._page(part, local // self.PAGE)[local % self.PAGE]

    def __iter__(self) -> Iterator[Article]:
        """Every article, a chunk of rows at a time (not kept: for commands that go through all)."""
        for part in self.parts:
            left, after = part.state.articles, -1
            while left > 0:
                rows = part.catalog.listed_after(after, min(self.CHUNK, left))
                if not rows:
                    break
                yield from _made(part, rows, [row.rowid for row in rows])
                left, after = left - len(rows), rows[-1].rowid

    def matching(self, query: str) -> Iterator[Article]:
        """The articles the FTS5 `query` matches, in order, those of one file sharing one read of
        it (for a command that reads what matches once: no position is worked out)."""
        for part in self.parts:
            listed = part.catalog.listed_matching(query)
            yield from _made(part, listed, [row.rowid for row in listed])

    def _page(self, part: int, page: int) -> list[Article]:
        key = (part, page)
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
                return found
        first = page * self.PAGE
        size = min(self.PAGE, self.parts[part].state.articles - first)
        if self._rowids is not None:
            articles = _articles(self.parts[part], self._rowids[part][first : first + size])
        else:
            rows = self.parts[part].catalog.listed_from(first, size)
            articles = _made(self.parts[part], rows, [row.rowid for row in rows])
        articles += [_gone(0)] * (size - len(articles))  # Rows gone since the count (another process).
        with self._lock:
            self._pages[key] = articles
            while len(self._pages) > self.PAGES_KEPT:
                self._pages.popitem(last=False)
        return articles

    def position(self, article_id: str) -> int | None:
        """Where the article with this id is in the corpus (a look-up in the index, remembered)."""
        with self._lock:
            if article_id in self._positions:
                self._positions.move_to_end(article_id)
                return self._positions[article_id]
        found = None
        for number, part in enumerate(self.parts):
            rowid = next((r for r, renamed in part.renamed.items() if renamed == article_id), None)
            if rowid is None:
                rowid = part.catalog.rowid_of(article_id)
                if rowid in part.renamed:
                    rowid = None  # Its id here is another: an earlier root has this one.
            if rowid is None:
                continue
            local = _locate(self._rowids[number], rowid) if self._rowids is not None else part.catalog.rank(rowid)
            if local is not None and local < part.state.articles:
                found = self._starts[number] + local
                break
        with self._lock:
            self._positions[article_id] = found
            while len(self._positions) > 4096:
                self._positions.popitem(last=False)
        return found

    def title_widths(self) -> list[int]:
        """Each title's width in cells, in order (what the article list needs to lay out all its
        rows), from the index: no article is made."""
        widths: list[int] = []
        for part in self.parts:
            found = part.catalog.title_widths()[: part.state.articles]
            widths += found + [0] * (part.state.articles - len(found))
        return widths

    def rowids(self) -> list[tuple[Catalog, array, int]]:
        """Each root's catalog, its articles' rowids, and the position of its first article (the
        rowids read the first time they are asked for)."""
        with self._lock:
            if self._rowids is None:
                self._rowids = [_counted(part.catalog.rowids(), part.state.articles) for part in self.parts]
            rowids = self._rowids
        return [(part.catalog, each, start) for part, each, start in zip(self.parts, rowids, self._starts)]


def _counted(rowids: array, count: int) -> array:
    """The rowids as many as counted: cut, or made up to it with rowids no article has (another
    process changed the index in between: this corpus is replaced once the files are checked)."""
    return rowids[:count] + array("q", range(_NONE, _NONE + max(0, count - len(rowids))))


_NONE = 1 << 62
"""Above every rowid (see `catalog.KEY_LIMIT`)."""


def _locate(rowids: Sequence[int], rowid: int) -> int | None:
    index = bisect_left(rowids, rowid)
    return index if index < len(rowids) and rowids[index] == rowid else None


def _articles(part: _Part, rowids: Sequence[int]) -> list[Article]:
    """The articles with these rowids, in their order; one whose row is gone (its file changed
    since the snapshot, in another process) has no text and says so."""
    if not rowids:
        return []
    return _made(part, part.catalog.listed(rowids[0], rowids[-1]), rowids)


def _made(part: _Part, rows: list[Listed], rowids: Sequence[int]) -> list[Article]:
    listed = {row.rowid: row for row in rows}
    counts = Counter(row.path for row in rows)
    files: dict[str, _SourceFile] = {}
    articles = []
    for rowid in rowids:
        row = listed.get(rowid)
        if row is None:
            articles.append(_gone(rowid))
            continue
        file = files.get(row.path)
        if file is None:
            file = files[row.path] = _SourceFile(row.path, counts[row.path], Checked(row.stat, row.digest, row.clean))
        articles.append(_article(row, file, part.renamed.get(rowid, row.id)))
    return articles


def _article(row: Listed, file: _SourceFile, article_id: str) -> Article:
    return Article.listed(article_id, row.title, row.source, row.tags, file, row.start, row.end, row.digest,
                          row.encoding, row.length, row.date)


def _gone(rowid: int) -> Article:
    article = Article(f"gone-{rowid}", "…", "")
    article.problem = "its file changed since the list was made: the list is being made again"
    return article


class IndexedCorpus(Corpus):
    """A corpus whose articles are listed from the index (`articles` is `IndexedArticles`)."""

    def __init__(self, articles: IndexedArticles, problems: list[LoadProblem], *, trusted: bool) -> None:
        super().__init__(articles, problems, trusted=trusted)
        self.indexed = articles

    def index_of(self, article_id: str) -> int | None:
        return self.indexed.position(article_id)

    @property
    def signature(self) -> str:
        """Changes whenever the index of any root changes (and with the roots)."""
        digest = hashlib.sha1()
        for part in self.indexed.parts:
            digest.update(f"{part.catalog.root}\t{part.state.version}\n".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()[:20]

    @property
    def complete(self) -> bool:
        """Whether every root's index has been built whole at least once."""
        return all(part.state.complete for part in self.indexed.parts)


class CorpusCache:
    """The index of everything reader reads, in `folder`: a database per root (see `Catalog`)."""

    #: Bytes a first start indexes before it shows anything; the rest follows in the background.
    FIRST_BATCH = 4 << 20
    #: Seconds a first start waits for another process's first batch.
    WAIT_FOR_FIRST = 30.0

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._catalogs: dict[str, Catalog] = {}
        self._lock = threading.Lock()

    def catalog(self, root: str) -> Catalog:
        with self._lock:
            if root not in self._catalogs:
                self._catalogs[root] = Catalog(root, self.folder)
            return self._catalogs[root]

    def close(self) -> None:
        """Close the databases (a corpus listed from them opens them again when it reads)."""
        with self._lock:
            for catalog in self._catalogs.values():
                catalog.close()

    def corpus(self, paths: list[Path], *, check: bool = True, progress: Progress | None = None) -> Corpus:
        """The corpus of `paths`. With `check`, the index is first brought up to date with the
        files; without, it is used as it is (after indexing the first few files, on a first start).
        If the index cannot be kept at all (a cache folder that cannot be written), every file is
        read instead."""
        roots = [os.path.abspath(path) for path in paths]
        try:
            catalogs = [self.catalog(root) for root in roots]
            if check:
                self._refresh(catalogs, progress)
            else:
                for catalog in catalogs:
                    self._start(catalog)
            return self._assemble(paths, catalogs, trusted=not check)
        except (OSError, sqlite3.OperationalError) as error:
            if isinstance(error, sqlite3.OperationalError) and not _cannot_write(error):
                raise
            return load_corpus(paths)

    def _refresh(self, catalogs: list[Catalog], progress: Progress | None) -> None:
        """Index what changed in every root, one root at a time (each under its build lock, so two
        processes never index the same files at once); progress over them all."""
        planned = [(catalog.version(), catalog.plan()) for catalog in catalogs]
        total = sum(plan.size for _, plan in planned)
        done = 0
        for catalog, (version, plan) in zip(catalogs, planned):
            with catalog.building():
                if catalog.version() != version:
                    plan = catalog.plan()  # Another process indexed some meanwhile.
                step = None if progress is None or not plan.todo else partial(_shifted, progress, done, total)
                done += catalog.refresh(plan, step)

    def _start(self, catalog: Catalog) -> None:
        """A root never indexed whole: index its first files; if another process is at it, wait
        for its first batch (a start with nothing to show would stop there)."""
        if catalog.complete():
            return
        with catalog.building(wait=False) as building:
            if building:
                catalog.refresh(catalog.plan(), budget=self.FIRST_BATCH)
                return
        deadline = time.monotonic() + self.WAIT_FOR_FIRST
        while not catalog.state().articles and not catalog.complete() and time.monotonic() < deadline:
            time.sleep(0.1)

    def _assemble(self, paths: list[Path], catalogs: list[Catalog], *, trusted: bool) -> Corpus:
        states = [catalog.state() for catalog in catalogs]
        problems = []
        for given, catalog, state in zip(paths, catalogs, states):
            if not os.path.exists(catalog.root):
                problems.append(LoadProblem(str(given), "no such file or folder"))
            elif state.complete and state.files == 0:
                problems.append(LoadProblem(str(given), "the folder holds no .txt or .md files"))
            problems += [LoadProblem(path, message) for path, message in state.problems]
        parts = [_Part(catalog, state, {}) for catalog, state in zip(catalogs, states)]
        for later in range(1, len(parts)):
            parts[later] = parts[later]._replace(renamed=_renamed(parts[:later], parts[later]))
        return IndexedCorpus(IndexedArticles(parts), problems, trusted=trusted)


def _renamed(earlier: list[_Part], part: _Part) -> dict[int, str]:
    """The ids `part`'s articles take where an earlier root has the same id (`-2`, `-3` … as
    within a root). Looked up from the smaller side: usually the seven seeds."""
    renamed: dict[int, str] = {}
    for other in earlier:
        if other.state.articles <= part.state.articles:
            pairs = [(id_, part.catalog.rowid_of(id_)) for id_ in other.catalog.ids()]
        else:
            pairs = [(id_, rowid) for id_, rowid in part.catalog.ids().items() if other.catalog.rowid_of(id_)]
        for id_, rowid in pairs:
            if rowid is not None and rowid not in renamed:
                number = 2
                while any(p.catalog.rowid_of(f"{id_}-{number}") for p in [*earlier, part]):
                    number += 1
                renamed[rowid] = f"{id_}-{number}"
    return renamed


def _shifted(progress: Progress, before: int, total: int, done: int, size: int) -> None:
    """Progress through one root as progress through all."""
    progress(before + done, max(total, before + size))


def _cannot_write(error: sqlite3.OperationalError) -> bool:
    message = str(error)
    return any(words in message for words in ("unable to open", "readonly", "disk I/O", "disk is full"))


class Titled(Protocol):
    """What a list of articles is gone through for: an article, or a line among them (a heading)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...


def position_in(articles: Sequence[Titled], article_id: str) -> int | None:
    """Where the article with this id is in `articles`: asked of the index for a list it makes,
    else by going through the list."""
    position = getattr(articles, "position", None)
    if position is not None:
        return position(article_id)
    return next((index for index, article in enumerate(articles) if article.id == article_id), None)


def title_widths(articles: Sequence[Titled]) -> list[int]:
    """Each title's width in cells: from the index for a list it makes (no article is read),
    else measured."""
    widths = getattr(articles, "title_widths", None)
    if widths is not None:
        return widths()
    from reader.text.linebreak import quick_width

    return [quick_width(article.title) for article in articles]


def indexing_progress(done: int, total: int) -> str:
    """How far indexing has gone, in words: `indexing 479 MB of text: 45%`."""
    size = f"{total / 1e6:,.0f} MB" if total >= 10**6 else f"{max(1, total // 1000):,} KB"
    return f"indexing {size} of text: {100 * done // max(total, 1)}%"
