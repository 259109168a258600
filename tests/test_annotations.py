"""The annotation store and re-anchoring: nothing is ever lost or corrupted."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.annotations.anchoring import anchor, context_of
from reader.annotations.store import COLORS, Annotation, AnnotationStore, StoreError

BODY = (
    "騰訊正在通過其最擅長的社交打法,試圖在日益擁擠的AI賽道中複製當年的移動支付奇蹟。"
    "馬化騰在公司年會上定調2025年為“AI大年”,並宣佈旗下AI應用“元寶”將於2月1日啟動春節分10億元現金活動。"
)


def make(store: AnnotationStore, quote: str = "馬化騰", **fields) -> Annotation:
    start = BODY.index(quote)
    return store.add(Annotation.new("a1", BODY, start, start + len(quote), **fields))


def test_round_trip_keeps_every_field(tmp_path: Path):
    path = tmp_path / "notes.json"
    store = AnnotationStore(path)
    saved = make(store, note="第一行\n第二行, with \"quotes\"", tags=["人物", "騰訊"], color="pink")
    again = AnnotationStore(path)
    assert again.all() == [saved]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == 1
    assert set(data["annotations"][0]) == {
        "id", "article", "start", "end", "quote", "prefix", "suffix", "note", "tags", "color", "created", "modified",
    }
    assert saved.quote == "馬化騰" and BODY.endswith(saved.suffix) is False and saved.prefix.endswith("奇蹟。")


def test_edit_delete_and_undo(tmp_path: Path):
    path = tmp_path / "notes.json"
    store = AnnotationStore(path)
    first = make(store)
    edited = store.update(first.edited(note="改了", tags=["x"], color="blue"))
    assert AnnotationStore(path).get(first.id).note == "改了"
    assert edited.modified >= first.modified
    store.delete(first.id)
    assert AnnotationStore(path).all() == []
    restored = store.undo_delete()
    assert restored.id == first.id and AnnotationStore(path).get(first.id).note == "改了"
    assert store.undo_delete() is None
    assert (path.parent / "notes.json.bak").exists()


def test_two_stores_on_one_file_lose_nothing(tmp_path: Path):
    path = tmp_path / "notes.json"
    left, right = AnnotationStore(path), AnnotationStore(path)
    a = make(left, "馬化騰")
    b = make(right, "元寶")  # right never saw a: it merges instead of overwriting.
    assert {x.id for x in AnnotationStore(path).all()} == {a.id, b.id}
    left.delete(a.id)
    make(right, "春節")  # right still holds a in memory: the tombstone keeps it deleted.
    assert a.id not in {x.id for x in AnnotationStore(path).all()}
    assert len(AnnotationStore(path).all()) == 2


@pytest.mark.parametrize(
    "content, reason",
    [
        ("{not json", "not valid JSON"),
        ('{"schema": 99, "annotations": []}', "schema 99 is not one this version reads"),
        ('["a list"]', "not a reader annotations file"),
        ('{"schema": 1, "annotations": [{"id": "x"}]}', "1 entries cannot be read"),
        ('{"schema": true, "annotations": []}', "schema True is not one this version reads"),
        ('{"schema": 1.0, "annotations": []}', "schema 1.0 is not one this version reads"),
        ('{"schema": 1, "annotations": [], "deleted": ["a"]}', "the list of deleted annotations is not an object"),
        ('{"schema": 1, "annotations": [], "deleted": {"a": 5}}', "1 deleted annotations without a time"),
    ],
)
def test_an_unreadable_file_is_never_overwritten(tmp_path: Path, content: str, reason: str):
    path = tmp_path / "notes.json"
    path.write_text(content, encoding="utf-8")
    before = path.read_bytes()
    store = AnnotationStore(path)
    assert store.read_only and reason in store.problem
    with pytest.raises(StoreError, match="not writing over it"):
        make(store)
    assert path.read_bytes() == before


def test_a_damaged_file_shows_its_backup(tmp_path: Path):
    path = tmp_path / "notes.json"
    store = AnnotationStore(path)
    kept = make(store)
    make(store, "元寶")  # The backup now holds `kept` alone.
    path.write_text("{garbage", encoding="utf-8")
    damaged = AnnotationStore(path)
    assert damaged.read_only and "showing the backup" in damaged.problem
    assert [a.id for a in damaged.all()] == [kept.id]


_annotation = st.builds(
    lambda start, length, note, tags, color: (start, min(len(BODY), start + length), note, tags, color),
    st.integers(0, len(BODY) - 2),
    st.integers(1, 20),
    st.text(max_size=30),
    st.lists(st.text(min_size=1, max_size=8), max_size=3),
    st.sampled_from(COLORS),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_annotation, max_size=8))
def test_store_round_trip_property(tmp_path: Path, items):
    path = tmp_path / f"notes-{uuid.uuid4().hex}.json"
    store = AnnotationStore(path)
    saved = [store.add(Annotation.new("a", BODY, s, e, note=n, tags=t, color=c)) for s, e, n, t, c in items]
    assert sorted(AnnotationStore(path).all(), key=lambda a: a.id) == sorted(saved, key=lambda a: a.id)


# -- re-anchoring -----------------------------------------------------------------------------------

_insert = st.text(alphabet="騰訊的了。,AI 12", min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(BODY) - 10), st.integers(3, 10), _insert, st.sampled_from(["before", "after", "both"]))
def test_edits_outside_the_quote_keep_it_found(start, length, inserted, where):
    end = start + length
    quote, prefix, suffix = context_of(BODY, start, end)
    position = random.Random(start).randint(0, start) if where in ("before", "both") else None
    body = BODY
    shift = 0
    if where in ("after", "both"):
        after = random.Random(end).randint(end, len(BODY))
        body = body[:after] + inserted + body[after:]
    if position is not None:
        body = body[:position] + inserted + body[position:]
        shift = len(inserted)
    place = anchor(body, start, end, quote, prefix, suffix)
    assert place is not None and body[place.start : place.end] == quote
    if quote not in inserted and body.count(quote) == 1:
        assert place.start == start + shift


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(BODY) - 30), st.integers(12, 30), st.integers(0, 100), st.sampled_from("的了在是"))
def test_a_small_edit_inside_the_quote_is_found_approximately(start, length, where, char):
    end = start + length
    quote, prefix, suffix = context_of(BODY, start, end)
    inside = start + 1 + where % (length - 2)
    body = BODY[:inside] + char + BODY[inside + 1 :]  # One character of the quote replaced.
    place = anchor(body, start, end, quote, prefix, suffix)
    assert place is not None
    assert abs(place.start - start) <= 2 and abs(place.end - end) <= 2


def test_a_quote_that_is_gone_is_orphaned_not_dropped(tmp_path: Path):
    path = tmp_path / "notes.json"
    store = AnnotationStore(path)
    annotation = make(store, "10億元現金活動")
    assert annotation.placed(BODY.replace("10億元現金活動", "一場完全不同的安排")) is None
    assert annotation.placed(None) is None  # The article itself is gone.
    assert AnnotationStore(path).get(annotation.id) is not None


def test_exact_match_prefers_matching_context():
    body = "甲說元寶好。乙說元寶好。丙說元寶好。"
    start = body.index("元寶", body.index("乙"))
    quote, prefix, suffix = context_of(body, start, start + 2)
    edited = "開頭新增。" + body
    place = anchor(edited, start, start + 2, quote, prefix, suffix)
    assert edited[place.start - 2 : place.start] == "乙說"


# -- processes --------------------------------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from reader.annotations.store import Annotation, AnnotationStore
body = "騰訊元寶派" * 40
store = AnnotationStore(Path(sys.argv[1]))
tag = sys.argv[2]
for number in range(int(sys.argv[3])):
    saved = store.add(Annotation.new("a", body, number % 150, number % 150 + 3, note=f"{tag}{number}", tags=[tag]))
    print(saved.id, flush=True)
"""


def test_killed_at_any_moment_the_file_holds_every_reported_save(tmp_path: Path):
    path = tmp_path / "notes.json"
    reported: set[str] = set()
    rng = random.Random(7)
    for round_ in range(50):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), f"r{round_}", "100000"],
            stdout=subprocess.PIPE, text=True, cwd=REPO,
        )
        time.sleep(rng.uniform(0.15, 0.45))
        writer.send_signal(signal.SIGKILL)
        output, _ = writer.communicate()
        reported.update(line.strip() for line in output.splitlines() if len(line.strip()) == 32)
        store = AnnotationStore(path)  # Loads, whole, after every kill.
        assert not store.read_only, store.problem
        assert reported <= {a.id for a in store.all()}
    assert len(reported) > 50


def test_two_writers_add_everything(tmp_path: Path):
    path = tmp_path / "notes.json"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), tag, "200"], stdout=subprocess.PIPE, text=True, cwd=REPO
        )
        for tag in ("left", "right")
    ]
    ids = set()
    for writer in writers:
        output, _ = writer.communicate(timeout=240)
        assert writer.returncode == 0
        ids.update(output.split())
    stored = AnnotationStore(path).all()
    assert len(ids) == 400 and {a.id for a in stored} == ids
    assert sum(1 for a in stored if a.tags == ("left",)) == 200
