"""The index of one root (a folder or a file reader reads): its files, its articles and the folded
text of every title, source and body, in one SQLite database in the cache folder.

The files stay the source of truth; this is a cache of what they hold, so a start lists a hundred
thousand articles without reading a file and a search reads only the articles that match.

* `files`: each file's path, its stat (inode, size, modified and changed times: the changed time
  moves with any write, even one that puts the size and the modified time back) and the digest of
  its bytes. A file whose stat is unchanged is not read again; one whose stat changed is read, and
  parsed again only if its digest changed too.
* `articles`: each article's id, title, source, tags, date, where its body is in the file's text,
  its length and its title's width in cells (what the article list needs to lay out every row).
* `text`: an FTS5 full-text index, without content, of the folded titles and bodies (Simplified,
  lower case, half width: `reader.text.conversion.fold`; `heads` holds titles and sources, for the
  list's filter) in which every character is a token of its own, so a
  phrase query finds any run of characters, one or two long as well as longer, exactly where a
  substring search of the folded text would. FTS5's trigram tokenizer needs three characters, and
  most Chinese words have two (and, measured at 10,000 articles, took 1.5 bytes per byte of text
  and built at 7.7 MB/s); with a token per character the whole database takes 1.1.
  ASCII punctuation and white space, which the tokenizer would drop, stand in as private-use
  characters (U+F0000 + the code), so they are tokens too. The index knows which articles hold a
  query; where in each article is found in its text, which keeps offsets into the original body.

An article's rowid is its file's order key shifted left by 16 bits, plus a slot: the keys follow the
files' paths and the slots the articles in a file, so rowid order is the corpus's order and the
first results of a query come first out of the index (`ORDER BY rowid LIMIT n` stops early). A
contentless FTS5 table cannot forget a row without its original text, so an article whose file
changed leaves its postings behind under a rowid that is never used again (a changed file's
articles take new slots; a file's key is retired when it goes): readers keep the rowids that
`articles` lists. When such leftovers outgrow the live text, the index is built again.

Writers take a lock file per root (one builds, the others wait or read what is there) and commit a
batch of files at a time, so a kill during a build loses at most the batch in hand; the database
runs in WAL mode, so readers never wait for a writer. A database that cannot be read (deleted,
truncated, garbage, another version) is made again from the files: never an error.
"""

from __future__ import annotations

import hashlib
import os
import queue
import sqlite3
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from reader.articles.corpus import TEXT_SUFFIXES, Article, CorpusError, _decode, _digest, _read_bytes, parse_text
from reader.text.controls import visible_controls
from reader.text.conversion import FOLD_VERSION, fold_table

if TYPE_CHECKING:
    import numpy

#: Bump when the tables change; a database of another version is made again (it is a cache).
#: To add a table or column without losing the index, add a step to `_MIGRATIONS` instead.
SCHEMA_VERSION = 3
#: Bump when what is indexed changes (how files are parsed, how text is tokenized).
CONTENT_VERSION = 2
SLOT_BITS = 16
#: Articles a file can hold (its slots, until the file's key is renewed).
SLOTS = 1 << SLOT_BITS
KEY_LIMIT = 1 << (62 - SLOT_BITS)
#: Room left after a file added at the end (the library adds at the end: 2^22 additions fit).
APPEND_GAP = 1 << 24
#: Bytes of files read, parsed and folded before they are written in one transaction.
BATCH_BYTES = 8 << 20
#: Leftover postings (in characters of text) past which the index is built again.
GARBAGE_FLOOR = 1 << 20
_PRIVATE = 0xF0000

T = TypeVar("T")
Progress = Callable[[int, int], None]
"""Called with (bytes indexed, bytes to index) as a build goes."""


class Stat(NamedTuple):
    """What tells a file changed without reading it (the changed time moves with every write)."""

    inode: int
    size: int
    modified: int
    changed: int

    @classmethod
    def of(cls, info: os.stat_result) -> Stat:
        return cls(info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


class Listed(NamedTuple):
    """An article as the index lists it, with its file's path, stat and digest."""

    rowid: int
    id: str
    title: str
    source: str
    tags: tuple[str, ...]
    date: str
    start: int
    end: int
    length: int
    path: str
    digest: str
    encoding: str
    stat: Stat
    clean: bool
    """Whether the file's text held no control character (made visible when read)."""


class State(NamedTuple):
    """What a root's index holds, in brief."""

    version: int
    """Counts the changes written: another version, other contents."""
    complete: bool
    """Whether every file was indexed at least once (a first build may stop half way)."""
    files: int
    """Whether it has files (1) or not (0)."""
    articles: int
    problems: list[tuple[str, str]]
    """(path, why) of the files that hold no article."""


class _Prepared(NamedTuple):
    """A file read and parsed, ready to be written: its articles, or the problem it has."""

    relative: bytes
    stat: Stat
    digest: str
    encoding: str
    clean: bool
    articles: list[Article] | None
    problem: str | None
    texts: list[tuple[str, str, str]]
    """Each article's title, source and body as tokens (see `tokens_of_many`)."""


class Plan(NamedTuple):
    """What a refresh has to do: files to read (relative path, path, size) and files gone."""

    todo: list[tuple[bytes, str, int]]
    gone: list[bytes]

    @property
    def size(self) -> int:
        return sum(size for _, _, size in self.todo)


class NoRoom(Exception):
    """No order key is left between two files: the index is built again with fresh keys."""


# -- tokens ----------------------------------------------------------------------------------------

#: A run of ASCII letters and digits is indexed, at each of its characters, as the run from there
#: on cut to this many characters (`2024` as `202 024 24 4`): a number or a Latin word is then found
#: from a few rare tokens (`54021`: `540 402 021`) where a token per character would read every
#: article's digits, and a query still finds any part of a run (see `phrase_query`).
GRAM = 3


def _token_code(code: int) -> int:
    """What a folded character is indexed as: ASCII letters and digits as they are (the `ascii`
    tokenizer keeps them), other ASCII (spaces, punctuation, controls) as a private-use character."""
    char = chr(code)
    return code if code >= 128 or char.isalnum() else _PRIVATE + code


_QUERY_TOKENS = {code: chr(_token_code(code)) for code in range(128) if not chr(code).isalnum()}


@lru_cache(maxsize=1)
def _token_table() -> numpy.ndarray:
    import numpy as np

    folded = np.array([ord(char) for char in fold_table()], dtype=np.uint32)
    ascii_codes = folded < 128
    private = np.array([_token_code(code) for code in range(128)], dtype=np.uint32)
    return np.where(ascii_codes, private[np.minimum(folded, 127)], folded)


def tokens_of_many(texts: list[str], chunk: int = 1 << 17) -> list[str]:
    """Each text folded and tokenized as the index holds it: every character a token followed by
    a space, a letter or digit in a run of them as the run from there on (at most `GRAM` long; no
    run goes on from one text into the next). With numpy, texts of about `chunk` characters at a
    time (a build does it for every text it indexes: 10 times faster than character by character;
    arrays this small stay in the processor's cache and the allocator's heap, twice as fast as
    arrays of a whole batch, whose every page is a fault)."""
    tokens: list[str] = []
    start, size = 0, 0
    for end, text in enumerate(texts, 1):
        size += len(text)
        if size >= chunk or end == len(texts):
            tokens += _tokens_of_some(texts[start:end])
            start, size = end, 0
    return tokens


def _tokens_of_some(texts: list[str]) -> list[str]:
    """`tokens_of_many` in one pass over all the texts; the runs, a small part of the text, are
    worked on apart."""
    import numpy as np

    lengths = np.fromiter(map(len, texts), dtype=np.intp, count=len(texts))
    text_starts = np.concatenate([[0], np.cumsum(lengths)])
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    size = len(codes)
    mapped = np.where(codes < 0x10000, _token_table()[codes & 0xFFFF], codes)
    runs = np.flatnonzero(mapped < 128)  # Other ASCII is private-use by now.
    goes_on = (runs[1:] == runs[:-1] + 1) & (np.searchsorted(text_starts, runs[1:], side="right")
                                             == np.searchsorted(text_starts, runs[:-1], side="right"))
    last = np.flatnonzero(np.append(~goes_on, True))  # Each run's last letter or digit, in `runs`.
    run_of = np.concatenate([[0], np.cumsum(~goes_on)]) if len(runs) else runs
    gram = np.minimum(last[run_of] - np.arange(len(runs)) + 1, GRAM)
    spaced = np.empty(2 * size, dtype=np.uint32)
    spaced[0::2], spaced[1::2] = mapped, 32
    longer = np.repeat(runs, gram - 1)  # A run's letter or digit, once for each one after it in its token.
    after = longer + np.arange(len(longer)) - np.repeat(np.cumsum(gram - 1) - (gram - 1), gram - 1) + 1
    joined = np.insert(spaced, 2 * longer + 1, mapped[after]).tobytes().decode("utf-32-le")
    bounds = (2 * text_starts + np.searchsorted(longer, text_starts)).tolist()
    return [joined[bounds[index] : bounds[index + 1]] for index in range(len(texts))]


def _phrase(folded: str) -> str:
    """The FTS5 phrase for one folded word: the tokens its characters must be, in a row. Within
    a run of letters and digits that the word ends (the text's run may go on) each token is known
    only while `GRAM` characters are left; from there on they are implied by the tokens before, or
    for a run shorter than `GRAM` asked for as a prefix (`ai` as `ai*`: `ai`, `ai2`, `aig` …)."""
    mapped = folded.translate(_QUERY_TOKENS)
    found: list[str] = []
    position = 0
    while position < len(mapped):
        if mapped[position] >= "\x80":
            found.append(mapped[position])
            position += 1
            continue
        end = position
        while end < len(mapped) and mapped[end] < "\x80":
            end += 1
        if end < len(mapped):
            found += [mapped[start : min(start + GRAM, end)] for start in range(position, end)]
        elif end - position < GRAM:
            return f'"{" ".join(found + [mapped[position:end]])}" *'
        else:
            found += [mapped[start : start + GRAM] for start in range(position, end - GRAM + 1)]
        position = end
    return f'"{" ".join(found)}"'


def phrase_query(words: list[str]) -> str:
    """An FTS5 query for the rows holding every folded word (as a run of characters) in any of
    their columns. Tokens hold no quote (ASCII punctuation is private-use), so nothing needs
    escaping. (A column filter would cost half as much again: a table holds only what is searched.)"""
    return " AND ".join(_phrase(word) for word in words)


# -- the database ----------------------------------------------------------------------------------

#: `text` merges its segments 16 at a time (not 8) and holds 32 MB of postings in memory before it
#: writes a segment: a first build of 100,000 articles takes 1-1.5 s less CPU (of 25), the index is
#: 0.3 % larger, and a query reads a few more segments (no slower at 100,000 articles).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files(
    key INTEGER PRIMARY KEY,
    path BLOB NOT NULL UNIQUE,
    inode INTEGER NOT NULL, size INTEGER NOT NULL, modified INTEGER NOT NULL, changed INTEGER NOT NULL,
    digest TEXT NOT NULL, encoding TEXT NOT NULL, clean INTEGER NOT NULL, problem TEXT,
    next_slot INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS problems ON files(path) WHERE problem IS NOT NULL;
CREATE TABLE IF NOT EXISTS retired(key INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS articles(
    rowid INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    title TEXT NOT NULL, source TEXT NOT NULL, tags TEXT NOT NULL, date TEXT NOT NULL,
    body_start INTEGER NOT NULL, body_end INTEGER NOT NULL, length INTEGER NOT NULL, width INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS text USING fts5(title, body, content='', columnsize=0, tokenize='ascii');
INSERT INTO text(text, rank) VALUES('automerge', 16);
INSERT INTO text(text, rank) VALUES('hashsize', 33554432);
CREATE VIRTUAL TABLE IF NOT EXISTS heads USING fts5(title, source, content='', columnsize=0, tokenize='ascii');
"""
#: version -> SQL that brings a database of the version before it up to it.
_MIGRATIONS: dict[int, str] = {}
_META = {"schema": SCHEMA_VERSION, "content": CONTENT_VERSION, "fold": FOLD_VERSION}
#: The figures `meta` keeps besides: a database without one of them is made again.
_KEPT = ("version", "complete", "live", "garbage", "articles")


def _encoded(text: str) -> bytes:
    """A path or id as stored: file names need not be UTF-8 (their str holds surrogate escapes)."""
    return text.encode("utf-8", "surrogateescape")


def _decoded(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def database_name(root: str) -> str:
    return hashlib.sha1(_encoded(root)).hexdigest()[:20] + ".sqlite"


def _damaged(error: sqlite3.DatabaseError) -> bool:
    """Whether an error says the database is damaged (not busy, not out of space): made again."""
    name = getattr(error, "sqlite_errorname", "")
    return name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "no such table" in str(error) or (
        not isinstance(error, sqlite3.OperationalError) and not name)


def _remade_if_damaged(method: Callable[..., T]) -> Callable[..., T]:
    """A read that meets a damaged database (overwritten, cut short) makes it again, empty, and
    reads that: the next refresh fills it from the files."""

    @wraps(method)
    def guarded(self: Catalog, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            if not _damaged(error):
                raise
            self._delete()
            return method(self, *args, **kwargs)

    return guarded


class Catalog:
    """The index of the folder or file `root` (an absolute path), kept in `folder`."""

    def __init__(self, root: str, folder: Path) -> None:
        self.root = root
        self.path = folder / database_name(root)
        self._readers: list[sqlite3.Connection] = []
        self._local = threading.local()
        self._lock = threading.Lock()

    # -- opening ------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        """A connection to a usable database: one that cannot be read, is cut short, or is of
        another version is deleted and made again."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in (1, 2):
            try:
                connection = _connect(self.path)
                try:
                    self._check(connection)
                except BaseException:
                    connection.close()
                    raise
                return connection
            except sqlite3.DatabaseError as error:
                if attempt == 2 or ("locked" in str(error) or "unable to open" in str(error)):
                    raise
                self._delete()
        raise AssertionError("unreachable")

    def _check(self, connection: sqlite3.Connection) -> None:
        """Make the tables if there are none (every statement may run twice: two processes may
        make them at once); bring an older schema up to date; start again on other content."""
        try:
            found = dict(connection.execute("SELECT key, value FROM meta WHERE key IN ('schema', 'content', 'fold')"))
        except sqlite3.OperationalError as error:
            if "no such table" not in str(error):
                raise
            found = {}
        if not found:
            connection.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")
            meta = [*_META.items(), ("root", _encoded(self.root)), *((key, 0) for key in _KEPT)]
            with _transaction(connection):
                connection.executemany("INSERT OR IGNORE INTO meta VALUES (?, ?)", meta)
            found = dict(connection.execute("SELECT key, value FROM meta WHERE key IN ('schema', 'content', 'fold')"))
        schema = found.get("schema")
        while isinstance(schema, int) and schema < SCHEMA_VERSION and schema + 1 in _MIGRATIONS:
            connection.executescript(f"BEGIN IMMEDIATE; {_MIGRATIONS[schema + 1]} "
                                     f"UPDATE meta SET value = {schema + 1} WHERE key = 'schema'; COMMIT;")
            schema += 1
        (kept,) = connection.execute(f"SELECT count(*) FROM meta WHERE key IN ({', '.join('?' * len(_KEPT))})",
                                     _KEPT).fetchone()
        if schema != SCHEMA_VERSION or kept != len(_KEPT):
            raise sqlite3.DatabaseError("another version of the index")
        if found.get("content") != CONTENT_VERSION or found.get("fold") != FOLD_VERSION:
            self._reset(connection)
        if _truncated(self.path, connection):
            raise sqlite3.DatabaseError("the index file is shorter than it says")

    def _delete(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        """Close every thread's connection (each opens another when it next reads)."""
        with self._lock:
            readers, self._readers = self._readers, []
        for reader in readers:
            reader.close()

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection: threads read at once (a search counting its matches in a
        worker does not hold up the list a page at a time in the UI thread)."""
        reader: sqlite3.Connection | None = getattr(self._local, "reader", None)
        with self._lock:
            current = reader is not None and reader in self._readers
        if reader is None or not current:
            reader = self._local.reader = self._open()  # Outside the lock: it may delete a damaged file.
            with self._lock:
                self._readers.append(reader)
        yield reader

    # -- reading ------------------------------------------------------------------------------

    @_remade_if_damaged
    def state(self) -> State:
        """Read without going through every row: a start takes it whatever the corpus's size."""
        with self.reading() as db, _transaction(db, "BEGIN"):
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('version', 'complete', 'articles')"))
            problems = [(self._path_of(path), problem)
                        for path, problem in db.execute("SELECT path, problem FROM files WHERE problem IS NOT NULL "
                                                        "ORDER BY path")]
            (files,) = db.execute("SELECT EXISTS (SELECT 1 FROM files)").fetchone()
        return State(int(meta["version"]), bool(meta["complete"]), files, int(meta["articles"]), problems)

    @_remade_if_damaged
    def version(self) -> int:
        with self.reading() as db:
            return int(db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0])

    @_remade_if_damaged
    def rowids(self) -> array:
        """The rowid of every article, in order (31 ms for 100,000 articles)."""
        with self.reading() as db:
            return array("q", [rowid for (rowid,) in db.execute("SELECT rowid FROM articles ORDER BY rowid")])

    @_remade_if_damaged
    def complete(self) -> bool:
        """Whether every file was indexed at least once."""
        with self.reading() as db:
            return bool(db.execute("SELECT value FROM meta WHERE key = 'complete'").fetchone()[0])

    def _path_of(self, relative: bytes) -> str:
        return os.path.join(self.root, _decoded(relative)) if relative else self.root

    _LISTED = ("SELECT a.rowid, a.id, a.title, a.source, a.tags, a.date, a.body_start, a.body_end, a.length, f.path, "
               "f.digest, f.encoding, f.inode, f.size, f.modified, f.changed, f.clean "
               "FROM articles a JOIN files f ON f.key = a.rowid >> 16 ")

    @_remade_if_damaged
    def listed(self, first: int, last: int) -> list[Listed]:
        """The articles whose rowids are from `first` to `last`, in order."""
        with self.reading() as db:
            rows = db.execute(self._LISTED + "WHERE a.rowid BETWEEN ? AND ? ORDER BY a.rowid", (first, last)).fetchall()
        return [self._listed(row) for row in rows]

    @_remade_if_damaged
    def listed_after(self, rowid: int, limit: int) -> list[Listed]:
        """`limit` articles after the one with `rowid`, in order."""
        with self.reading() as db:
            rows = db.execute(self._LISTED + "WHERE a.rowid > ? ORDER BY a.rowid LIMIT ?", (rowid, limit)).fetchall()
        return [self._listed(row) for row in rows]

    @_remade_if_damaged
    def listed_from(self, offset: int, limit: int) -> list[Listed]:
        """`limit` articles from the `offset`th on, in order (before the rowids are read: the
        cost grows with `offset`, a few ms at 300,000)."""
        with self.reading() as db:
            rows = db.execute(self._LISTED + "ORDER BY a.rowid LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [self._listed(row) for row in rows]

    @_remade_if_damaged
    def rank(self, rowid: int) -> int:
        """How many articles come before the one with this rowid."""
        with self.reading() as db:
            return db.execute("SELECT count(*) FROM articles WHERE rowid < ?", (rowid,)).fetchone()[0]

    @_remade_if_damaged
    def title_widths(self) -> list[int]:
        """Each title's width in cells, in order."""
        with self.reading() as db:
            return [width for (width,) in db.execute("SELECT width FROM articles ORDER BY rowid")]

    @_remade_if_damaged
    def listed_matching(self, query: str) -> list[Listed]:
        """The articles the FTS5 `query` matches, in order: those the index holds now (no snapshot
        of rowids needed: for a command that reads what matches once). Each file's row is read
        once, not once per article: 88,000 articles come in a third of a second."""
        with self.reading() as db:
            files = {key: (self._path_of(path), digest, encoding, Stat(*stat), bool(clean))
                     for key, path, digest, encoding, clean, *stat in db.execute(
                         "SELECT key, path, digest, encoding, clean, inode, size, modified, changed FROM files")}
            rows = db.execute("SELECT rowid, id, title, source, tags, date, body_start, body_end, length FROM articles "
                              "WHERE rowid IN (SELECT rowid FROM text WHERE text MATCH ?) ORDER BY rowid",
                              (query,)).fetchall()
        return [Listed(rowid, _decoded(id_), title, source, tuple(tags.split("\n")) if tags else (), date, start, end,
                       length, *files[rowid >> SLOT_BITS])
                for rowid, id_, title, source, tags, date, start, end, length in rows]

    def _listed(self, row: tuple) -> Listed:
        rowid, id_, title, source, tags, date, start, end, length, path, digest, encoding, *stat, clean = row
        return Listed(rowid, _decoded(id_), title, source, tuple(tags.split("\n")) if tags else (), date, start, end,
                      length, self._path_of(path), digest, encoding, Stat(*stat), bool(clean))

    @_remade_if_damaged
    def rowid_of(self, article_id: str) -> int | None:
        with self.reading() as db:
            found = db.execute("SELECT rowid FROM articles WHERE id = ?", (_encoded(article_id),)).fetchone()
        return found[0] if found else None

    @_remade_if_damaged
    def ids(self) -> dict[str, int]:
        with self.reading() as db:
            return {_decoded(id_): rowid for id_, rowid in db.execute("SELECT id, rowid FROM articles")}

    @_remade_if_damaged
    def matching(self, query: str, *, after: int | None = None, limit: int | None = None, heads: bool = False
                 ) -> list[int]:
        """Rowids of the rows the FTS5 `query` matches in `text` (titles and bodies: what search
        searches), or with `heads` in titles and sources (what the list's filter filters), in order.
        Some may be leftovers of articles gone: keep those `articles` lists."""
        table = "heads" if heads else "text"
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
        parameters: list[Any] = [query]
        if after is not None:
            sql += " AND rowid > ?"
            parameters.append(after)
        sql += " ORDER BY rowid"
        if limit is not None:
            sql += " LIMIT ?"
            parameters.append(limit)
        with self.reading() as db:
            return [rowid for (rowid,) in db.execute(sql, parameters)]

    # -- writing ------------------------------------------------------------------------------

    @contextmanager
    def building(self, wait: bool = True) -> Iterator[bool]:
        """Hold the root's build lock (True), or with `wait` False, False at once if another
        process holds it."""
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(f"{self.path}.lock", "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @_remade_if_damaged
    def plan(self) -> Plan:
        """The files to read (new, or with another stat) and the files gone since the last refresh."""
        with self.reading() as db:
            known = {path: Stat(*stat) for path, *stat in
                     db.execute("SELECT path, inode, size, modified, changed FROM files")}
        todo = []
        for relative, path, stat in _walk(self.root):
            if known.pop(relative, None) != stat:
                todo.append((relative, path, stat.size))
        return Plan(todo, sorted(known))

    def refresh(self, plan: Plan, progress: Progress | None = None, *, budget: int | None = None) -> int:
        """Do `plan` (with the build lock held), a batch of files per transaction. With `budget`,
        stop after about that many bytes (a first start shows the first articles at once).
        Returns the bytes read."""
        with _memory_kept(plan.size >= KEEP_MEMORY_FROM):
            try:
                return self._refresh(plan, progress, budget)
            except sqlite3.DatabaseError as error:
                if not _damaged(error):
                    raise
                self._delete()
                return self._refresh(self.plan(), progress, budget)

    def _refresh(self, plan: Plan, progress: Progress | None, budget: int | None) -> int:
        writer = self._open()
        try:
            if plan.gone:
                with _transaction(writer):
                    for relative in plan.gone:
                        self._forget(writer, relative)
                    _bump(writer)
            digests = dict(writer.execute("SELECT path, digest FROM files"))
            done = 0
            for batch, prepared in _prepared(plan.todo, digests, min(BATCH_BYTES, budget or BATCH_BYTES)):
                with _transaction(writer):
                    for item in prepared:
                        self._store(writer, item)
                    _bump(writer)
                done += sum(size for _, _, size in batch)
                if progress is not None:
                    progress(done, plan.size)
                if budget is not None and done >= budget:
                    return done
            with _transaction(writer):
                writer.execute("UPDATE meta SET value = 1 WHERE key = 'complete'")
            if progress is not None:
                progress(done, plan.size)
            sizes = dict(writer.execute("SELECT key, value FROM meta WHERE key IN ('live', 'garbage')"))
            if sizes["garbage"] > max(sizes["live"], GARBAGE_FLOOR):
                self._reset(writer)
                return done + self._refresh(self.plan(), progress, None)
            writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # The log holds a batch's pages: give them back.
            return done
        except NoRoom:
            self._reset(writer)
            return self._refresh(self.plan(), progress, None)
        finally:
            writer.close()

    def _reset(self, db: sqlite3.Connection) -> None:
        """Forget everything (the next refresh reads every file again)."""
        with _transaction(db):
            for table in ("articles", "files", "retired"):
                db.execute(f"DELETE FROM {table}")
            db.execute("INSERT INTO text(text) VALUES('delete-all')")
            db.execute("INSERT INTO heads(heads) VALUES('delete-all')")
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           [*_META.items(), ("complete", 0), ("live", 0), ("garbage", 0), ("articles", 0)])
            _bump(db)

    def _store(self, db: sqlite3.Connection, item: _Prepared) -> None:
        row = db.execute("SELECT key, inode, size, modified, changed, digest, next_slot FROM files WHERE path = ?",
                         (item.relative,)).fetchone()
        if row is not None and Stat(*row[1:5]) == item.stat:
            return  # Another process indexed this version of the file meanwhile.
        if row is not None and item.articles is None and item.problem is None:
            db.execute("UPDATE files SET inode = ?, size = ?, modified = ?, changed = ? WHERE key = ?",
                       (*item.stat, row[0]))
            return  # Touched, not changed: the same bytes.
        if row is not None:
            key, slot = row[0], row[6]
            self._tombstone(db, key)
        else:
            key, slot = self._new_key(db, item.relative), 0
        articles = item.articles or []
        if len(articles) > SLOTS:
            articles, item = [], item._replace(problem=f"holds more than {SLOTS:,} articles")
        if slot + len(articles) > SLOTS:  # This file's slots are used up: it takes a new key.
            db.execute("DELETE FROM files WHERE key = ?", (key,))
            db.execute("INSERT OR IGNORE INTO retired VALUES (?)", (key,))
            key, slot = self._new_key(db, item.relative), 0
        db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (key, item.relative, *item.stat, item.digest, item.encoding, item.clean, item.problem,
                    slot + len(articles)))
        rows, texts, heads, live, taken = [], [], [], 0, set[str]()
        for number, (article, (title, source, body)) in enumerate(zip(articles, item.texts)):
            rowid = key << SLOT_BITS | (slot + number)
            start, end = article.span or (0, 0)
            article_id = self._unique(db, article.id, taken)
            taken.add(article_id)
            rows.append((rowid, _encoded(article_id), article.title, article.source,
                         "\n".join(article.tags), article.date, start, end, article.length,
                         _title_width(article.title)))
            texts.append((rowid, title, body))
            heads.append((rowid, title, source))
            live += end - start
        db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO text(rowid, title, body) VALUES (?, ?, ?)", texts)
        db.executemany("INSERT INTO heads(rowid, title, source) VALUES (?, ?, ?)", heads)
        db.execute("UPDATE meta SET value = value + ? WHERE key = 'live'", (live,))
        db.execute("UPDATE meta SET value = value + ? WHERE key = 'articles'", (len(rows),))

    @staticmethod
    def _unique(db: sqlite3.Connection, wanted: str, taken: set[str]) -> str:
        """`wanted`, or with `-2`, `-3` … if the root holds an article with that id already (or
        an earlier article of the same file, `taken`)."""
        candidate, number = wanted, 1
        while candidate in taken or db.execute("SELECT 1 FROM articles WHERE id = ?",
                                               (_encoded(candidate),)).fetchone():
            number += 1
            candidate = f"{wanted}-{number}"
        return candidate

    def _tombstone(self, db: sqlite3.Connection, key: int) -> None:
        """Drop a file's articles; their postings stay in `text` as garbage."""
        first, last = key << SLOT_BITS, ((key + 1) << SLOT_BITS) - 1
        dropped, count = db.execute("SELECT total(body_end - body_start), count(*) FROM articles "
                                    "WHERE rowid BETWEEN ? AND ?", (first, last)).fetchone()
        db.execute("DELETE FROM articles WHERE rowid BETWEEN ? AND ?", (first, last))
        db.execute("UPDATE meta SET value = value - ? WHERE key = 'articles'", (count,))
        db.execute("UPDATE meta SET value = value + ? WHERE key = 'garbage'", (int(dropped),))
        db.execute("UPDATE meta SET value = value - ? WHERE key = 'live'", (int(dropped),))

    def _forget(self, db: sqlite3.Connection, relative: bytes) -> None:
        row = db.execute("SELECT key FROM files WHERE path = ?", (relative,)).fetchone()
        if row is not None:
            self._tombstone(db, row[0])
            db.execute("DELETE FROM files WHERE key = ?", row)
            db.execute("INSERT OR IGNORE INTO retired VALUES (?)", row)

    def _new_key(self, db: sqlite3.Connection, relative: bytes) -> int:
        """A key between those of the files before and after `relative` in path order, never one
        used before (its old rowids may still have postings)."""
        before = db.execute("SELECT key FROM files WHERE path < ? ORDER BY path DESC LIMIT 1", (relative,)).fetchone()
        after = db.execute("SELECT key FROM files WHERE path > ? ORDER BY path LIMIT 1", (relative,)).fetchone()
        low = before[0] if before else 0
        high = after[0] if after else KEY_LIMIT
        key = low + (min(APPEND_GAP, (high - low) // 2) if after is None else (high - low) // 2)
        while low < key < high and db.execute("SELECT 1 FROM retired WHERE key = ?", (key,)).fetchone():
            key += 1
        if not low < key < high:
            raise NoRoom
        return key


#: Bytes of files to index from which a refresh keeps the memory it frees (see `_memory_kept`).
KEEP_MEMORY_FROM = 64 << 20
_kept_by = 0
_kept_lock = threading.Lock()


@contextmanager
def _memory_kept(wanted: bool) -> Iterator[None]:
    """While a long build runs, the C allocator (glibc's) keeps the memory freed after each batch
    for the next, where by default it gives it back to the system and takes it again a page at a
    time: 1.4 million page faults, 1.5-2 s of CPU in a first build of 100,000 articles (26 s). What
    is free is given back at the end, and the allocator is left with its usual thresholds. Nothing
    where there is no `mallopt` (another C library, another system)."""
    global _kept_by
    library = _libc() if wanted else None
    if library is None:
        yield
        return
    with _kept_lock:
        _kept_by += 1
        if _kept_by == 1:
            library.mallopt(_M_TRIM_THRESHOLD, 1 << 30)
            library.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    try:
        yield
    finally:
        with _kept_lock:
            _kept_by -= 1
            if _kept_by == 0:
                library.mallopt(_M_TRIM_THRESHOLD, 128 << 10)
                library.mallopt(_M_MMAP_THRESHOLD, 128 << 10)
                library.malloc_trim(0)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


@lru_cache(maxsize=1)
def _libc() -> Any:
    """glibc, to tune its allocator; None elsewhere."""
    import ctypes

    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
        library = ctypes.CDLL(None)
    except (ValueError, OSError):
        return None
    return library if hasattr(library, "mallopt") and hasattr(library, "malloc_trim") else None


#: Seconds a connection waits for another process (its busy timeout, and for the switch to WAL).
BUSY_SECONDS = 60


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
    _use_wal(connection)
    connection.execute("PRAGMA synchronous = NORMAL")  # A cache: a power cut may lose the last batch, never the rest.
    connection.execute("PRAGMA journal_size_limit = 4194304")  # The log shrinks back after each batch.
    return connection


def _use_wal(connection: sqlite3.Connection) -> None:
    """Write-ahead logging, which the file keeps once set. Setting it takes the file for itself,
    and SQLite says "database is locked" at once, busy timeout or not, when another process has it
    open that moment (two readers making a new index together did): tried again until it is set."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _truncated(path: Path, db: sqlite3.Connection) -> bool:
    """Whether the file is shorter than its pages (cut off, by a full disk or by hand). Only
    checked with no write-ahead log beside it: the log may hold the last pages."""
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size:
        return False
    (pages,), (page_size,) = db.execute("PRAGMA page_count").fetchone(), db.execute("PRAGMA page_size").fetchone()
    return path.stat().st_size < pages * page_size


@contextmanager
def _transaction(db: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
    db.execute(begin)
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _bump(db: sqlite3.Connection) -> None:
    db.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")


def _walk(root: str) -> list[tuple[bytes, str, Stat]]:
    """(path relative to the root, path, stat) of each text file under `root`, in path order
    (hidden files and folders left out); `root` itself if it is a file."""
    try:
        info = os.stat(root)
    except OSError:
        return []
    if not os.path.isdir(root):
        return [(b"", root, Stat.of(info))]
    found = []
    base = len(root) + 1
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name.lower().endswith(TEXT_SUFFIXES):
                    found.append((_encoded(entry.path[base:]), entry.path, Stat.of(entry.stat())))
            except OSError:
                continue  # Gone meanwhile: the next refresh sees it.
    found.sort()
    return found


def _prepared(todo: list[tuple[bytes, str, int]], digests: dict[bytes, str], size: int
              ) -> Iterator[tuple[list[tuple[bytes, str, int]], list[_Prepared]]]:
    """The files to index in batches of about `size` bytes, each read, parsed and tokenized in a
    thread of its own while the batch before is written: SQLite lets go of the interpreter while it
    works, so both cores are busy (a first build of 479 MB takes two thirds of the time)."""
    batches: list[list[tuple[bytes, str, int]]] = [[]]
    for item in todo:
        if sum(file_size for _, _, file_size in batches[-1]) >= size:
            batches.append([])
        batches[-1].append(item)
    handed: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def prepare_all() -> None:
        try:
            for batch in batches:
                if stop.is_set() or not batch:
                    break
                handed.put((batch, _prepare_batch(batch, digests)))
        except BaseException as error:
            handed.put(error)
        handed.put(None)

    worker = threading.Thread(target=prepare_all, name="reader-index", daemon=True)
    worker.start()
    try:
        while (handed_over := handed.get()) is not None:
            if isinstance(handed_over, BaseException):
                raise handed_over
            yield handed_over
    finally:
        stop.set()
        while worker.is_alive():  # Let it finish the batch in hand (it never waits on a full queue).
            try:
                handed.get(timeout=0.05)
            except queue.Empty:
                pass


def _prepare_batch(batch: list[tuple[bytes, str, int]], digests: dict[bytes, str]) -> list[_Prepared]:
    prepared = [_prepare(relative, path, digests.get(relative)) for relative, path, _ in batch]
    texts = tokens_of_many([text for item in prepared for article in item.articles or ()
                            for text in (article.title, article.source, article.body)])
    position = 0
    for index, item in enumerate(prepared):
        count = 3 * len(item.articles or ())
        triples = list(zip(texts[position : position + count : 3], texts[position + 1 : position + count : 3],
                           texts[position + 2 : position + count : 3]))
        prepared[index] = item._replace(texts=triples)
        position += count
    return prepared


def _prepare(relative: bytes, path: str, digest_before: str | None) -> _Prepared:
    """Read and parse a file (not parsed if its bytes are those indexed already)."""
    try:
        data, key = _read_bytes(path)
    except CorpusError as error:
        return _Prepared(relative, Stat(0, 0, 0, 0), "", "", False, [], str(error), [])
    stat = Stat(*key)
    digest = _digest(data)
    if digest == digest_before:
        return _Prepared(relative, stat, digest, "", False, None, None, [])
    try:
        text, encoding = _decode(data, clean=True)
        shown = visible_controls(text)
        articles = parse_text(Path(path), shown, digest, encoding)
    except CorpusError as error:
        return _Prepared(relative, stat, digest, "", False, [], str(error), [])
    return _Prepared(relative, stat, digest, encoding, shown is text, articles, None, [])


def _title_width(title: str) -> int:
    from reader.text.linebreak import quick_width

    return quick_width(title)
