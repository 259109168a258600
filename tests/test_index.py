"""The on-disk index: it lists and finds exactly what reading every file would, and stays right
through edits, kills, damage and two processes at once."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import REPO, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.articles import catalog as catalog_module
from reader.articles.catalog import GRAM, Catalog, tokens_of_many
from reader.articles.corpus import Corpus, load_corpus
from reader.articles.indexed import CorpusCache, IndexedCorpus
from reader.search.index import SearchIndex, parse_query, scan
from reader.search.indexed import IndexedSearch, TitleFilter
from reader.text.conversion import SIMPLIFIED, convert, fold

#: Both scripts, case, width, spaces, quotes, punctuation a query language might take for its own.
ALPHABET = "騰腾訊讯元寶宝派后後著着AaＡａbB1１ .,:*+?()[]\\^$|{}-\"'“”「」　\t#中国國"
#: Mostly letters and digits (in either width), so runs of them longer than `GRAM` are common:
#: the index holds those as runs, and a query must find any part of one.
RUNS = "aAbＢ1１2２ 中.-"


def listing(corpus: Corpus) -> list[tuple]:
    return [(a.id, a.title, a.source, a.tags, a.length, a.body, a.path) for a in corpus.articles]


def search_rows(index, query: str, *, word_mode: bool = False) -> list[tuple]:
    results = index.search(query, word_mode=word_mode)
    return [(p, results.hits(p), results.title_hits(p)) for p in results.indices]


def write_files(folder: Path, files: list[tuple[str, list[tuple[str, str]]]]) -> None:
    """Each file a title and body line per article: one article plain, more in the seed format."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, articles in files:
        if len(articles) == 1:
            text = f"{articles[0][0]}\n{articles[0][1]}\n"
        else:
            text = "".join(f"{title}\n{body} (新華社)\n" for title, body in articles)
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


_line = st.one_of(st.text(alphabet=ALPHABET.replace("\t", ""), min_size=1, max_size=40),
                  st.text(alphabet=RUNS, min_size=1, max_size=40)).map(str.strip).filter(bool)
_title = _line.filter(lambda text: not text.startswith("#"))
_files = st.lists(
    st.tuples(st.from_regex(r"[a-c]{1,2}(/[a-c]{1,2})?", fullmatch=True).map(lambda name: f"{name}.txt"),
              st.lists(st.tuples(_title, _line), min_size=1, max_size=3)),
    min_size=1, max_size=5, unique_by=lambda file: file[0].split("/")[0],
)
_query = st.one_of(
    st.text(alphabet=ALPHABET, min_size=1, max_size=4),
    st.text(alphabet=RUNS, min_size=1, max_size=6),
    st.lists(st.text(alphabet=ALPHABET.replace(" ", "").replace("　", ""), min_size=1, max_size=3),
             min_size=1, max_size=3).map(" ".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=_files, queries=st.lists(_query, min_size=1, max_size=4))
def test_the_index_agrees_with_reading_every_file(files, queries):
    """Listing, search (phrases, every word, titles, both scripts) and the title filter: as the
    in-memory index and the scan of every text find them, offsets included."""
    with tempfile.TemporaryDirectory() as home:
        folder = Path(home) / "corpus"
        write_files(folder, files)
        plain = load_corpus([folder])
        indexed = load_corpus([folder], CorpusCache(Path(home) / "index"))
        assert isinstance(indexed, IndexedCorpus)
        assert listing(indexed) == listing(plain)
        assert [str(problem) for problem in indexed.problems] == [str(problem) for problem in plain.problems]
        memory, disk = SearchIndex(plain.articles), IndexedSearch(indexed.indexed)
        for query in queries:
            expected = search_rows(memory, query)
            assert search_rows(disk, query) == expected
            assert [(s.position, s.hits, s.title_hits) for s in scan(list(plain.articles), query)] == expected
            by_id = [(plain.articles[p].id, hits, title_hits) for p, hits, title_hits in expected]
            assert [(s.article.id, s.hits, s.title_hits) for s in disk.scan(parse_query(query))] == by_id
            assert ([a.id for a in TitleFilter(indexed.articles)(query)]
                    == [a.id for a in TitleFilter(plain.articles)(query)])


def tokens(text: str) -> str:
    """What the index holds for a text, character by character: each folded character a token,
    followed by a space; ASCII other than letters and digits as a private-use character; a letter
    or digit as the run of them from there on, at most `GRAM` long."""
    folded = fold(text)
    found = []
    for position, char in enumerate(folded):
        if char.isascii() and char.isalnum():
            end = position
            while end < len(folded) and folded[end].isascii() and folded[end].isalnum():
                end += 1
            found.append(folded[position : min(end, position + GRAM)])
        else:
            found.append(chr(0xF0000 + ord(char)) if char.isascii() else char)
    return "".join(f"{token} " for token in found)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=ALPHABET + "𠀀😀\U000f0020é\u07ff\u0800", max_size=30),
                 st.text(alphabet=RUNS, max_size=30)))
def test_many_texts_become_the_tokens_one_does(text):
    """The build's tokens (numpy, many texts at once, a few at a time) are those made one character
    at a time: one token per character; no run goes on from one text into the next."""
    expected = [tokens(text), "", tokens(text[::-1]), tokens(text)]
    assert tokens_of_many([text, "", text[::-1], text]) == expected
    assert tokens_of_many([text, "", text[::-1], text], chunk=max(1, len(text) // 2)) == expected
    assert tokens(text).count(" ") == len(text)


def test_one_and_two_characters_are_found_as_exactly_as_longer_words(tmp_path: Path):
    corpus = load_corpus([SEEDS], CorpusCache(tmp_path / "index"))
    memory, disk = SearchIndex(load_corpus([SEEDS]).articles), IndexedSearch(corpus.indexed)
    for query in ["騰", "讯", "元宝", "AI", "ai", "(", "，", "。", "１", "手機", "騰訊控股", "不存在", "馬 紅包",
                  "2024", "02", "4年", "年2", "a", "ai騰", "騰訊ai"]:
        assert search_rows(disk, query) == search_rows(memory, query), query
    assert search_rows(disk, "元宝", word_mode=True) == search_rows(memory, "元宝", word_mode=True)


# -- staying right as files change ----------------------------------------------------------------


def same_size_and_time_edit(path: Path, text: str) -> None:
    before = path.stat()
    assert len(text.encode("utf-8")) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


_operation = st.tuples(st.sampled_from(["add", "edit", "remove", "touch", "same-size"]),
                       st.sampled_from(["a.txt", "b.txt", "c.txt", "d/e.txt", "f.md"]), _title, _line)


@settings(max_examples=40, deadline=None)
@given(st.lists(_operation, min_size=1, max_size=12))
def test_the_index_follows_files_that_appear_change_and_go(operations):
    with tempfile.TemporaryDirectory() as home:
        folder = Path(home) / "corpus"
        write_files(folder, [("m.txt", [("中間", "騰訊元寶")])])
        cache = CorpusCache(Path(home) / "index")
        load_corpus([folder], cache)
        for action, name, title, body in operations:
            path = folder / name
            if action == "remove":
                path.unlink(missing_ok=True)
            elif action == "touch" and path.exists():
                os.utime(path)
            elif action == "same-size" and path.exists():
                text = path.read_text(encoding="utf-8")
                same_size_and_time_edit(path, text[::-1] if text.strip() else text)
            elif action in ("add", "edit"):
                path.parent.mkdir(exist_ok=True)
                path.write_text(f"{title}\n{body}\n", encoding="utf-8")
            indexed = load_corpus([folder], cache)
            plain = load_corpus([folder])
            assert listing(indexed) == listing(plain)
            for query in ("騰訊", "元", body[:2], title[-1:]):
                if parse_query(query):
                    assert search_rows(IndexedSearch(indexed.indexed), query) == search_rows(
                        SearchIndex(plain.articles), query)


def test_a_file_put_between_others_is_listed_in_its_place(tmp_path: Path):
    folder = tmp_path / "corpus"
    write_files(folder, [("a.txt", [("甲", "一")]), ("c.txt", [("丙", "三")])])
    cache = CorpusCache(tmp_path / "index")
    load_corpus([folder], cache)
    write_files(folder, [("b.txt", [("乙", "二")]), ("bb.txt", [("乙乙", "二二")]), ("0.txt", [("零", "〇")])])
    corpus = load_corpus([folder], cache)
    assert [a.title for a in corpus.articles] == ["零", "甲", "乙", "乙乙", "丙"]
    results = IndexedSearch(corpus.indexed).search("二")
    assert list(results.indices) == [2, 3]


def test_only_files_whose_stat_changed_are_read(tmp_path: Path, monkeypatch):
    folder = tmp_path / "corpus"
    write_files(folder, [(f"{n:02d}.txt", [(f"標題{n}", f"正文{n}")]) for n in range(20)])
    cache = CorpusCache(tmp_path / "index")
    load_corpus([folder], cache)
    read: list[str] = []
    real = catalog_module._read_bytes
    monkeypatch.setattr(catalog_module, "_read_bytes", lambda path: read.append(Path(path).name) or real(path))
    load_corpus([folder], cache)
    assert read == []
    same_size_and_time_edit(folder / "07.txt", "標題7\n正文8\n")
    (folder / "09.txt").touch()
    corpus = load_corpus([folder], cache)
    assert sorted(read) == ["07.txt", "09.txt"]
    assert corpus.articles[7].body == "正文8"


def test_leftovers_of_changed_files_are_swept_by_a_rebuild(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(catalog_module, "GARBAGE_FLOOR", 10)
    folder = tmp_path / "corpus"
    write_files(folder, [("a.txt", [("甲", "騰訊" * 20)]), ("b.txt", [("乙", "元寶" * 5)])])
    cache = CorpusCache(tmp_path / "index")
    load_corpus([folder], cache)
    catalog = cache.catalog(str(folder))
    for round_ in range(3):
        write_files(folder, [("a.txt", [("甲", f"騰訊{round_}" * 20)])])
        load_corpus([folder], cache)
    with catalog.reading() as db:
        sizes = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('live', 'garbage')"))
    assert sizes["garbage"] <= max(sizes["live"], 10)
    corpus = load_corpus([folder], cache)
    assert listing(corpus) == listing(load_corpus([folder]))
    assert list(IndexedSearch(corpus.indexed).search("騰訊").indices) == [0]


def test_no_room_between_two_files_builds_the_index_again(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(catalog_module, "APPEND_GAP", 2)
    folder = tmp_path / "corpus"
    write_files(folder, [("a.txt", [("甲", "一")]), ("z.txt", [("乙", "二")])])
    cache = CorpusCache(tmp_path / "index")
    load_corpus([folder], cache)
    write_files(folder, [("m.txt", [("丙", "三")]), ("n.txt", [("丁", "四")])])  # No key left between a and z.
    corpus = load_corpus([folder], cache)
    assert [a.title for a in corpus.articles] == ["甲", "丙", "丁", "乙"]
    assert list(IndexedSearch(corpus.indexed).search("四").indices) == [2]


# -- damage ------------------------------------------------------------------------------------


def index_files(cache_folder: Path) -> list[Path]:
    return sorted(cache_folder.glob("*.sqlite"))


@pytest.mark.parametrize("damage", ["deleted", "truncated", "garbage", "emptied"])
def test_a_damaged_index_is_made_again_never_an_error(tmp_path: Path, damage: str):
    expected = listing(load_corpus([SEEDS]))
    cache = CorpusCache(tmp_path / "index")
    load_corpus([SEEDS], cache)
    cache.close()  # As when reader has quit.
    [database] = index_files(tmp_path / "index")
    if damage == "deleted":
        database.unlink()
    elif damage == "truncated":
        with open(database, "r+b") as file:
            file.truncate(database.stat().st_size // 2)
    elif damage == "garbage":
        database.write_bytes(b"not a database" * 1000)
    else:
        database.write_bytes(b"")
    for trust in (True, False, True):
        corpus = load_corpus([SEEDS], CorpusCache(tmp_path / "index"), trust_cache=trust)
        if not trust:
            assert listing(corpus) == expected
            assert len(IndexedSearch(corpus.indexed).search("騰訊")) == 7


def test_an_index_damaged_while_open_is_made_again(tmp_path: Path):
    cache = CorpusCache(tmp_path / "index")
    corpus = load_corpus([SEEDS], cache)
    [database] = index_files(tmp_path / "index")
    with open(database, "r+b") as file:
        file.seek(4096)
        file.write(os.urandom(database.stat().st_size - 4096))
    again = load_corpus([SEEDS], cache)  # The same open connections: they meet the damage.
    assert listing(again) == listing(corpus)


def test_an_index_that_cannot_be_written_is_done_without(tmp_path: Path):
    (tmp_path / "index").write_text("a file where the folder should be")
    corpus = load_corpus([SEEDS], CorpusCache(tmp_path / "index"))
    assert not isinstance(corpus, IndexedCorpus) and listing(corpus) == listing(load_corpus([SEEDS]))


# -- processes -------------------------------------------------------------------------------------

BUILDER = """
import sys
from pathlib import Path
from reader.articles import catalog
from reader.articles.indexed import CorpusCache
from reader.articles.corpus import load_corpus

catalog.BATCH_BYTES = 16 << 10
def progress(done, total):
    print(done, total, flush=True)
load_corpus([Path(sys.argv[1])], CorpusCache(Path(sys.argv[2])), progress=progress)
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory) -> Path:
    """A corpus that takes a while to index in batches of 16 KB (200 files, 1.5 MB)."""
    folder = tmp_path_factory.mktemp("big") / "corpus"
    seeds = load_corpus([SEEDS]).articles
    write_files(folder, [(f"{n:03d}.txt", [(f"第{n}篇 {seeds[n % 7].title}", seeds[n % 7].body)])
                         for n in range(200)])
    return folder


def test_a_kill_during_a_build_loses_nothing(tmp_path: Path, big_folder: Path):
    builder = subprocess.Popen([sys.executable, "-c", BUILDER, str(big_folder), str(tmp_path / "index")],
                               cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert builder.stdout is not None
    done_before = [int(builder.stdout.readline().split()[0]) for _ in range(5)][-1]
    builder.send_signal(signal.SIGKILL)
    builder.wait()
    catalog = Catalog(str(big_folder), tmp_path / "index")
    assert 0 < len(catalog.rowids()) < 200 and not catalog.state().complete  # Some batches in, the rest not.
    plan = catalog.plan()
    assert sum(size for _, _, size in plan.todo) <= sum(f.stat().st_size for f in big_folder.iterdir()) - done_before
    corpus = load_corpus([big_folder], CorpusCache(tmp_path / "index"))
    assert listing(corpus) == listing(load_corpus([big_folder]))
    assert catalog.state().complete


@pytest.mark.slow
def test_two_processes_build_and_read_one_index_at_once(tmp_path: Path, big_folder: Path):
    index = tmp_path / "index"
    builders = [subprocess.Popen([sys.executable, "-c", BUILDER, str(big_folder), str(index)], cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    readers = []
    for _ in range(3):  # Meanwhile, a third lists what is there, and searches it.
        time.sleep(0.2)
        readers.append(subprocess.run(
            [sys.executable, "-m", "reader", "search", "騰訊", "--json", "--corpus", str(big_folder)],
            cwd=REPO, capture_output=True, text=True, timeout=120,
            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)}))
    for builder in builders:
        out, err = builder.communicate(timeout=120)
        assert builder.returncode == 0 and out.splitlines()[-1] == "done", err
    expected = load_corpus([big_folder])
    corpus = load_corpus([big_folder], CorpusCache(index))
    assert listing(corpus) == listing(expected)
    hits = sum(a.body.count("騰訊") + a.title.count("騰訊") for a in expected.articles)
    for reader in readers:
        assert reader.returncode == 0, reader.stderr
        assert len(json.loads(reader.stdout)) == hits
    with Catalog(str(big_folder), index).reading() as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 200
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] == 200


def test_the_command_line_says_how_indexing_goes(tmp_path: Path, big_folder: Path, monkeypatch):
    from reader.cli.shared import IndexingProgress

    monkeypatch.setattr(catalog_module, "BATCH_BYTES", 64 << 10)
    monkeypatch.setattr(IndexingProgress, "QUIET_BELOW", 0)
    from io import StringIO

    stream = StringIO()
    progress = IndexingProgress(stream)
    load_corpus([big_folder], CorpusCache(tmp_path / "index"), progress=progress)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("reader: indexing 1 MB of text: ")
    assert lines[-1].startswith("reader: indexing") and ": 100%" in lines[-1]
    assert len(lines) <= 11


def test_either_script_of_a_title_is_found_by_the_filter(tmp_path: Path):
    corpus = load_corpus([SEEDS], CorpusCache(tmp_path / "index"))
    third = corpus.articles[2].title
    simplified = convert(third[:4], SIMPLIFIED)
    assert [a.title for a in TitleFilter(corpus.articles)(simplified)] == [third]


def test_dates_come_from_the_index(tmp_path: Path):
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "a.txt").write_text("---\ntitle: 甲\ndate: 2026-03-15\nadded: 2026-07-01T12:00:00+08:00\n---\n\n正文。\n",
                                  encoding="utf-8")
    (folder / "b.txt").write_text("---\ntitle: 乙\nadded: 2026-07-02T08:00:00+08:00\n---\n\n正文。\n", encoding="utf-8")
    (folder / "c.txt").write_text("丙\n正文。\n", encoding="utf-8")
    cache = CorpusCache(tmp_path / "index")
    load_corpus([folder], cache)
    listed = load_corpus([folder], cache, trust_cache=True)
    assert [a.date for a in listed.articles] == ["2026-03-15", "2026-07-02T08:00:00+08:00", ""]
    assert [a.date for a in listed.articles] == [a.date for a in load_corpus([folder]).articles]


def test_a_start_waits_for_the_first_articles_another_process_is_indexing(tmp_path: Path):
    import threading

    folder = tmp_path / "corpus"
    write_files(folder, [(f"{n:02d}.txt", [(f"標題{n}", f"正文{n}")]) for n in range(50)])
    catalog = CorpusCache(tmp_path / "index").catalog(str(folder))
    holding = threading.Event()

    def build_slowly() -> None:  # As another process would: the build lock is per open file.
        with catalog.building():
            holding.set()
            time.sleep(0.5)
            catalog.refresh(catalog.plan())

    builder = threading.Thread(target=build_slowly)
    builder.start()
    holding.wait()
    corpus = load_corpus([folder], CorpusCache(tmp_path / "index"), trust_cache=True)
    builder.join()
    assert len(corpus.articles) == 50  # Not nothing, which would have ended the start.


def test_threads_read_the_index_each_on_a_connection_of_its_own(tmp_path: Path):
    """A search counting its matches in a worker never holds up the list read in the UI thread."""
    import threading

    cache = CorpusCache(tmp_path / "index")
    load_corpus([SEEDS], cache)
    catalog = cache.catalog(str(SEEDS))
    seen: list[object] = []

    def read() -> None:
        with catalog.reading() as db:
            seen.append(db)
            time.sleep(0.2)  # Still inside while the other thread reads.

    threads = [threading.Thread(target=read) for _ in range(2)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(db) for db in seen}) == 2 and time.perf_counter() - started < 0.35
    cache.close()
    with catalog.reading() as db:
        assert db not in seen and db.execute("SELECT count(*) FROM articles").fetchone()[0] == 7


def test_a_long_build_keeps_freed_memory_and_gives_it_back_at_the_end(monkeypatch):
    """Builds at once (nested, as two roots indexed in two threads are) set the allocator's
    thresholds once, and the last to end puts them back and gives back what is free; a short
    refresh leaves it alone."""
    calls: list[tuple] = []

    class Allocator:
        def mallopt(self, option, value):
            calls.append(("mallopt", option, value))

        def malloc_trim(self, pad):
            calls.append(("trim", pad))

    monkeypatch.setattr(catalog_module, "_libc", lambda: Allocator())
    with catalog_module._memory_kept(False):
        assert calls == []
    with catalog_module._memory_kept(True):
        kept = list(calls)
        with catalog_module._memory_kept(True):
            assert calls == kept
        assert calls == kept
    assert [call[0] for call in kept] == ["mallopt", "mallopt"] and all(call[2] >= 32 << 20 for call in kept)
    assert calls[2:] == [("mallopt", -1, 128 << 10), ("mallopt", -3, 128 << 10), ("trim", 0)]


def test_connections_opening_a_new_index_at_once_all_get_it(tmp_path: Path):
    """Switching a new file to write-ahead logging takes it whole, and SQLite refuses at once
    ("database is locked", whatever the busy timeout) a connection that finds another doing it:
    four at once failed in about one run of ten."""
    import threading

    from reader.articles.catalog import _connect

    failed = []
    for run in range(60):
        path = tmp_path / f"{run}.db"
        start = threading.Barrier(4)

        def open_it(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                _connect(path).close()
            except sqlite3.OperationalError as error:
                failed.append(error)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failed == []
