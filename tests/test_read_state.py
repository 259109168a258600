"""Read and unread (issue 26): kept across restarts and between processes, never lost, never
written over when damaged; `reader mark`, `reader list --unread` and `"read"` in `reader list --json`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.articles.readstate import Count, ReadState
from reader.system.datafile import DataFileError

REPO = Path(__file__).resolve().parent.parent
SEED_IDS = 7


def reader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120, env=dict(os.environ))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return tmp_path / "library"


def test_marks_survive_a_restart(library):
    state = ReadState(library)
    assert not state.is_read("a") and state.problem is None
    assert state.mark(["a", "b", "a"]) == ["a", "b"]
    assert state.mark(["b", "c"]) == ["c"]
    assert state.mark(["b"], read=False) == ["b"]
    again = ReadState(library)
    assert (again.is_read("a"), again.is_read("b"), again.is_read("c")) == (True, False, True)
    saved = json.loads((library / ".read.json").read_text())
    assert saved == {"version": 1, "read": ["a", "c"]}


def test_shown_marks_are_there_at_once_and_in_the_file_once_marked(library):
    state = ReadState(library)
    assert state.show(["a", "b", "a"]) == ["a", "b"] and state.is_read("a")
    assert state.show(["a"]) == [] and state.show(["a"], read=False) == ["a"] and not state.is_read("a")
    assert not ReadState(library).is_read("b")  # Not written yet…
    state.mark(["b"])
    assert ReadState(library).is_read("b")  # …until marked.


def test_two_readers_keep_each_others_marks(library):
    """Two apps open on one library: each one's marks win for what it marked, neither's are lost,
    and each sees the other's when it looks again."""
    first, second = ReadState(library), ReadState(library)
    first.mark(["a", "b"])
    second.mark(["c"])
    second.mark(["a"], read=False)  # Second's own change wins for `a`.
    assert second.read == {"b", "c"}
    assert first.refresh() and first.read == {"b", "c"}
    assert not first.refresh()  # Nothing new since.
    assert ReadState(library).read == {"b", "c"}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.lists(st.sampled_from("abcdef"), max_size=4), st.booleans()),
                max_size=12))
def test_marks_from_several_readers_add_up_to_each_applied_in_turn(marks):
    """Three readers of one library mark in turn, each from what it last saw: the file ends as if
    every mark had been applied to it one after another, and nobody's mark is lost."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        readers = [ReadState(Path(folder)) for _ in range(3)]
        expected: set[str] = set()
        for who, ids, read in marks:
            changed = readers[who].mark(ids, read=read)
            assert set(changed) == {i for i in ids if (i in expected) != read}
            expected = expected | set(ids) if read else expected - set(ids)
            assert readers[who].read == expected or not ids  # Marking nothing reads nothing either.
        assert ReadState(Path(folder)).read == expected
        for reader_ in readers:
            reader_.refresh()
            assert reader_.read == expected


MARKER = """
import sys
from pathlib import Path
from reader.articles.readstate import ReadState
library, name = Path(sys.argv[1]), sys.argv[2]
state = ReadState(library)
for number in range(40):
    state.mark([f"{name}-{number}"])
    if number % 4 == 0:
        state.mark([f"{name}-{number}"], read=False)
        state.mark([f"{name}-{number}"])
    state.mark([f"shared-{number}"], read=name == "one")
"""


def test_processes_marking_at_once_lose_nothing(library):
    ReadState(library).mark(["before"])
    processes = [subprocess.Popen([sys.executable, "-c", MARKER, str(library), name], cwd=REPO)
                 for name in ("one", "two", "three")]
    assert [process.wait(timeout=120) for process in processes] == [0, 0, 0]
    read = ReadState(library).read
    for name in ("one", "two", "three"):
        assert {f"{name}-{number}" for number in range(40)} <= read
    assert "before" in read
    assert len(read - {"before"} - {f"shared-{n}" for n in range(40)}) == 120


def test_a_damaged_file_is_said_and_never_written_over(library):
    library.mkdir()
    damaged = b'{"version": 1, "read": ["a", "b"'
    (library / ".read.json").write_bytes(damaged)
    state = ReadState(library)
    assert state.problem is not None and "cannot be read (not valid JSON" in state.problem
    assert "\n" not in state.problem and str(library / ".read.json") in state.problem
    with pytest.raises(DataFileError):
        state.mark(["c"])
    assert (library / ".read.json").read_bytes() == damaged
    (library / ".read.json").write_text('{"version": 1, "read": ["a"]}')  # Mended by hand.
    assert state.refresh() and state.problem is None and state.read == {"a"}


@pytest.mark.parametrize("content, reason", [
    ('{"version": 2, "read": []}', "written by a newer reader (version 2; this one reads 1)"),
    ('{"read": []}', "no version: not a file reader wrote"),
    ('{"version": 1, "read": [1, 2]}', "not as reader writes it: read is not a list of article ids"),
    ('{"version": 1}', "not as reader writes it: 'read'"),
    ("[" * 100000, "nested too deeply"),
])
def test_what_is_not_a_read_state_is_not_read_or_written(library, content, reason):
    library.mkdir()
    (library / ".read.json").write_text(content)
    state = ReadState(library)
    assert state.problem is not None and f"cannot be read ({reason})" in state.problem
    with pytest.raises(DataFileError):
        state.mark(["x"])
    assert (library / ".read.json").read_text() == content


def test_unread_counts_per_feed_and_the_next_unread(library):
    state = ReadState(library)
    state.mark(["a1", "b2"])
    counts = state.counts([("a1", "A"), ("a2", "A"), ("b1", "B"), ("b2", "B"), ("b3", "B")])
    assert counts == {"A": Count(2, 1), "B": Count(3, 2)}
    order = ["a1", "a2", "b1", "b2", "b3"]
    assert state.next_unread(order) == "a2"
    assert state.next_unread(order, after="a2") == "b1"
    assert state.next_unread(order, after="b1") == "b3"
    assert state.next_unread(order, after="b3") is None
    assert state.next_unread(order, after="b3", wrap=True) == "a2"
    assert state.next_unread(order, after="a2", wrap=True) == "b1"
    assert state.next_unread(order, after="gone") == "a2"
    state.mark(order)
    assert state.next_unread(order, after="a2", wrap=True) is None


# -- the command line ---------------------------------------------------------------------------


def listed(*args: str) -> list[dict]:
    result = reader("list", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_mark_list_unread_and_json(library):
    where = ("--library", str(library))
    articles = listed(*where)
    assert len(articles) == SEED_IDS and not any(a["read"] for a in articles)
    marked = reader("mark", "2", articles[4]["id"], "--read", *where)
    assert (marked.returncode, marked.stdout) == (0, "2 articles marked read\n")
    assert [a["read"] for a in listed(*where)] == [False, True, False, False, True, False, False]
    unread = reader("list", "--unread", *where).stdout.splitlines()
    assert [line.split()[0] for line in unread] == ["1", "3", "4", "6", "7"]  # Numbered as in the whole list.
    assert [a["id"] for a in listed("--unread", *where)] == [articles[i]["id"] for i in (0, 2, 3, 5, 6)]
    again = reader("mark", "2", "--read", *where)
    assert again.stdout == "0 articles marked read, 1 read already\n"
    every = reader("mark", "--all", "--read", *where)
    assert every.stdout == "5 articles marked read, 2 read already\n"
    assert reader("list", "--unread", *where).stdout == ""
    back = reader("mark", "1", "--unread", *where)
    assert back.stdout == "1 article marked unread\n"
    assert [a["id"] for a in listed("--unread", *where)] == [articles[0]["id"]]


@pytest.mark.parametrize("args, message", [
    (["mark", "99", "--read"], "reader: no article '99': give an id from `reader list` or a number from 1 to 7\n"),
    (["mark", "1"], None),
    (["mark", "--read"], "reader: name the articles to mark (ids or numbers from `reader list`), or give --all or "
                         "--feed\n"),
    (["mark", "1", "--all", "--read"], "reader: name articles, or give --all or --feed, not both\n"),
    (["mark", "--feed", "https://a.example/rss", "--read"], None),
])
def test_cli_mark_refuses_a_bad_command_line_in_one_line(library, args, message):
    result = reader(*args, "--library", str(library))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and (message is None or result.stderr == message)
    assert not (library / ".read.json").exists()


def test_cli_with_a_damaged_read_state_says_so_and_never_pretends(library):
    library.mkdir()
    (library / ".read.json").write_text("{not json")
    where = ("--library", str(library))
    articles = reader("list", "--json", *where)
    assert articles.returncode == 0 and articles.stderr.count("\n") == 1 and ".read.json" in articles.stderr
    assert {a["read"] for a in json.loads(articles.stdout)} == {None}  # Not known, not "unread".
    for command in (["list", "--unread"], ["mark", "1", "--read"]):
        result = reader(*command, *where)
        assert (result.returncode, result.stdout) == (1, "")
        assert result.stderr.count("\n") == 1 and "cannot be read (not valid JSON" in result.stderr
    assert (library / ".read.json").read_text() == "{not json"
