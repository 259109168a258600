"""Issue 23: what comes from a file, an import or the command line never raises a traceback,
never replaces a note, never changes a file that could not be read."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.annotations.export import W3CError, export, export_current, read_w3c, write_export
from reader.annotations.store import Annotation, AnnotationStore, StoreError
from reader.entities.detect import EntityCache, Gazetteer
from reader.entities.mentions import Entity
from reader.settings.keymap import KeymapError, parse_keymap
from reader.settings.state import State
from reader.system import storage

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def reader(*args: str | bytes, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reader", *args], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


def one_line_error(result: subprocess.CompletedProcess, status: int) -> None:
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr


def w3c(quote: str, note: str = "", **fields) -> dict:
    body = [{"type": "TextualBody", "value": note, "purpose": "commenting"}] if note else []
    return {"type": "Annotation", "body": body,
            "target": {"selector": {"type": "TextQuoteSelector", "exact": quote}}, **fields}


def imported(store: AnnotationStore, items: list, seed_corpus):
    return store.import_many(read_w3c(json.dumps(items), seed_corpus.articles).annotations)


# -- import never replaces what it did not bring ---------------------------------------------------


def test_annotations_without_ids_from_two_files_are_all_kept(tmp_path: Path, seed_corpus):
    """They were `import-1` in every file: the second file's replaced the first's."""
    store = AnnotationStore(tmp_path / "notes.json")
    imported(store, [w3c("馬化騰", "from a")], seed_corpus)
    imported(store, [w3c("騰訊", "from b")], seed_corpus)
    assert sorted(a.note for a in store.all()) == ["from a", "from b"]


def test_importing_a_file_again_changes_nothing(tmp_path: Path, seed_corpus):
    store = AnnotationStore(tmp_path / "notes.json")
    items = [w3c("馬化騰", "one"), w3c("騰訊", "two")]
    first = imported(store, items, seed_corpus)
    before = store.path.read_bytes()
    again = imported(store, items, seed_corpus)
    assert (first.new, again.new, again.unchanged) == (2, 0, 2)
    assert store.path.read_bytes() == before  # Not even a new revision.


def test_export_import_export_of_annotations_without_ids_is_the_same(tmp_path: Path, seed_corpus):
    one = AnnotationStore(tmp_path / "one.json")
    imported(one, [w3c("馬化騰", "a note"), w3c("元寶派")], seed_corpus)
    exported = export_current("json", one.all(), seed_corpus.articles)
    two = AnnotationStore(tmp_path / "two.json")
    two.import_many(read_w3c(exported, seed_corpus.articles).annotations)
    assert export_current("json", two.all(), seed_corpus.articles) == exported


def test_an_import_never_overwrites_a_note_made_here(tmp_path: Path, seed_corpus):
    store = AnnotationStore(tmp_path / "notes.json")
    article = seed_corpus.articles[0]
    start = article.body.index("馬化騰")
    mine = store.add(Annotation.new(article.id, article.body, start, start + 3, note="mine"))
    later = "2999-01-01T00:00:00.000Z"  # Newer than anything here: still not taken over it.
    items = [w3c("騰訊", "theirs", id=f"urn:uuid:{mine.id}", created=later, modified=later)]
    report = imported(store, items, seed_corpus)
    assert store.get(mine.id) == mine
    assert sorted(a.note for a in store.all()) == ["mine", "theirs"]
    assert report.summary() == "1 kept beside a local note with the same id"
    assert imported(store, items, seed_corpus).summary() == "1 unchanged" and len(store.all()) == 2
    # The note made here, exported and imported back, is the same note: nothing added.
    own = read_w3c(export("json", [mine], {article.id: article}), seed_corpus.articles).annotations
    assert store.import_many(own).summary() == "1 unchanged" and len(store.all()) == 2


def test_a_later_import_updates_what_an_import_brought_unless_edited_here(tmp_path: Path, seed_corpus):
    store = AnnotationStore(tmp_path / "notes.json")
    old, new = "2020-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z"
    imported(store, [w3c("馬化騰", "first", id="x", modified=old)], seed_corpus)
    assert imported(store, [w3c("馬化騰", "second", id="x", modified=new)], seed_corpus).updated == 1
    assert store.get("x").note == "second"
    store.update(store.get("x").edited(note="edited here"))
    newest = "2999-01-01T00:00:00.000Z"
    report = imported(store, [w3c("馬化騰", "third", id="x", modified=newest)], seed_corpus)
    assert store.get("x").note == "edited here" and report.beside == 1
    assert sorted(a.note for a in store.all()) == ["edited here", "third"]


def test_the_cli_says_what_an_import_did(tmp_path: Path, seed_corpus):
    notes = tmp_path / "notes.json"
    mine = AnnotationStore(notes).add(Annotation.new(seed_corpus.articles[0].id, seed_corpus.articles[0].body, 0, 2))
    file = tmp_path / "in.json"
    file.write_text(json.dumps([w3c("馬化騰", "x", id=mine.id), w3c("騰訊", "y")]), encoding="utf-8")
    result = reader("import", str(file), "--annotations", str(notes))
    assert result.stdout.startswith("2 placed (1 new, 1 kept beside a local note with the same id), 0 not placed")


# -- whatever the fields hold -------------------------------------------------------------------------


@pytest.mark.parametrize("change", [
    {"quote": 5}, {"note": ["a", "list"]}, {"note": None}, {"tags": "not a list"}, {"start": True},
    {"article": {"id": 5}}, {"color": "octarine"}, {"start": -1}, {"imported": "yes"},
])
def test_an_entry_of_the_wrong_shape_keeps_the_file_as_it_is(tmp_path: Path, change: dict):
    good = Annotation.new("a", "正文在這裡", 0, 2).to_json()
    path = tmp_path / "notes.json"
    path.write_text(json.dumps({"schema": 1, "annotations": [good, {**good, "id": "b", **change}]}), encoding="utf-8")
    before = path.read_bytes()
    store = AnnotationStore(path)
    assert store.read_only and "\n" not in store.problem and [a.id for a in store.all()] == [good["id"]]
    with pytest.raises(StoreError):
        store.add(Annotation.new("a", "正文在這裡", 1, 2))
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [
    "[" * 100_000, '{"schema":1,"annotations":[' + "[" * 100_000, '{"schema":1,"annotations":[{"start":1e999}]}',
    '{"schema":1,"annotations":[null, 5, "x"]}', '{"schema":1,"annotations":[{"id":"a"},{"id":"a"}]}',
])
def test_a_file_that_cannot_be_read_is_read_only_and_untouched(tmp_path: Path, content: str):
    path = tmp_path / "notes.json"
    path.write_text(content, encoding="utf-8")
    store = AnnotationStore(path)
    assert store.read_only and "\n" not in store.problem
    with pytest.raises(StoreError):
        store.add(Annotation.new("a", "正文", 0, 1))
    assert path.read_text(encoding="utf-8") == content


def test_a_deeply_nested_file_is_one_line_in_every_command(tmp_path: Path):
    path = tmp_path / "notes.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    for command in (["annotations"], ["export", "--format", "csv"], ["annotate", "1", "--quote", "馬化騰"]):
        one_line_error(reader(*command, "--seeds-only", "--annotations", str(path)), 1)
    assert path.read_text(encoding="utf-8") == "[" * 100_000


def test_a_lone_surrogate_in_a_note_is_replaced_and_the_store_saves_again(tmp_path: Path):
    path = tmp_path / "notes.json"
    entry = {**Annotation.new("a", "正文在這裡", 0, 2).to_json(), "note": "\ud800 and \udcff"}
    path.write_text(json.dumps({"schema": 1, "annotations": [entry]}), encoding="utf-8")
    store = AnnotationStore(path)
    assert not store.read_only and store.all()[0].note == "\ufffd and \ufffd"
    store.add(Annotation.new("a", "正文在這裡", 2, 4, note="\udcff", tags=["\ud800"]))
    assert {a.note for a in AnnotationStore(path).all()} == {"\ufffd and \ufffd", "\ufffd"}


def test_a_note_given_in_bytes_that_are_not_utf8(tmp_path: Path):
    notes = tmp_path / "notes.json"
    result = subprocess.run([sys.executable, "-m", "reader", "annotate", "1", "--seeds-only", "--quote", "馬化騰",
                             "--note", b"\xff", "--tag", b"t\xfe", "--annotations", str(notes)],
                            cwd=REPO, capture_output=True)
    assert result.returncode == 0, result.stderr
    [annotation] = AnnotationStore(notes).all()
    assert (annotation.note, annotation.tags) == ("\ufffd", ("t\ufffd",))


@pytest.mark.parametrize("occurrence", ["0", "-1", "x"])
def test_an_occurrence_counts_from_one(tmp_path: Path, occurrence: str):
    notes = tmp_path / "notes.json"
    one_line_error(reader("annotate", "1", "--seeds-only", "--quote", "馬化騰", "--occurrence", occurrence,
                          "--annotations", str(notes)), 2)
    assert not notes.exists()


def test_import_fields_of_the_wrong_type_count_as_missing(tmp_path: Path, seed_corpus):
    items = [
        {"target": {"source": {"id": 5}, "selector": [{"type": "TextQuoteSelector", "exact": "馬化騰", "prefix": 5},
                                                      {"type": "TextPositionSelector", "start": 1e999, "end": None}]},
         "body": [{"value": 5}, {"value": ["x"], "purpose": "tagging"}, {"value": "kept"}],
         "id": 5, "created": {"a": 1}, "modified": "0001-01-01T00:00:00+01:00", "stylesheet": None},
        {"target": {"selector": {"type": "TextQuoteSelector", "exact": 5}}},
        {"target": [None, 5, {"source": None}]},
    ]
    result = read_w3c(json.dumps(items), seed_corpus.articles)
    assert [a.note for a in result.annotations] == ["kept"] and len(result.not_placed) == 2
    assert AnnotationStore(tmp_path / "notes.json").import_many(result.annotations).new == 1


def test_imported_notes_and_tags_are_cleaned_of_control_characters(tmp_path: Path, seed_corpus):
    hostile = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202e\x9b\ud800"
    item = w3c("馬化騰", f"note{hostile}")
    item["body"].append({"type": "TextualBody", "value": f"tag{hostile}", "purpose": "tagging"})
    notes = tmp_path / "notes.json"
    file = tmp_path / "in.json"
    file.write_text(json.dumps([item]), encoding="utf-8")
    assert reader("import", str(file), "--annotations", str(notes)).returncode == 0
    [annotation] = AnnotationStore(notes).all()
    shown = "]52;c;ZXZpbA==[2J\ufffd"  # The lone surrogate as U+FFFD, every control gone.
    assert (annotation.note, annotation.tags) == (f"note{shown}", (f"tag{shown}",))
    listing = reader("annotations", "--annotations", str(notes))
    assert "\x1b" not in listing.stdout and f"note{shown}" in listing.stdout


def test_cli_json_escapes_control_characters_and_means_the_same(tmp_path: Path, seed_corpus):
    notes = tmp_path / "notes.json"
    article = seed_corpus.articles[0]
    AnnotationStore(notes).add(Annotation.new(article.id, article.body, 0, 2, note="a\x1b[2Jb\u202e"))
    printed = reader("annotations", "--json", "--annotations", str(notes)).stdout
    assert "\x1b" not in printed and "\\u001b[2J" in printed and "\\u202e" in printed
    assert json.loads(printed)[0]["note"] == "a\x1b[2Jb\u202e"


def test_a_file_name_that_is_not_utf8(tmp_path: Path):
    """The listing cache could not be written: every command stopped with a traceback."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    name = os.fsdecode(b"a\xffb.txt")
    (folder / name).write_text("標題\n\n正文裡有馬化騰。\n", encoding="utf-8")
    notes = tmp_path / "notes.json"
    assert reader("list", "--corpus", str(folder)).returncode == 0
    added = reader("annotate", "1", "--corpus", str(folder), "--quote", "馬化騰", "--annotations", str(notes))
    assert added.returncode == 0, added.stderr
    listed = reader("annotations", "--corpus", str(folder), "--annotations", str(notes))
    assert "orphaned" not in listed.stdout and "馬化騰" in listed.stdout  # Its article id held exactly.


# -- keymaps --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "[article]\nscroll_down = " + "[" * 100_000 + '"j"' + "]" * 100_000,
    "[article]\nscroll_down = [[[[[\"j\"]]]]]", "[article]\nscroll_down = 5", "[article]\nscroll_down = {a = 1}",
    "article = 5", '["a\\nb"]\nx = "j"', "[article]\nscroll_down = \"\\u0000\"",
])
def test_a_keymap_of_the_wrong_shape_is_one_line(tmp_path: Path, text: str):
    path = tmp_path / "keymap.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KeymapError) as caught:
        parse_keymap(path)
    assert "\n" not in str(caught.value)


# -- caches and the state ---------------------------------------------------------------------------------


def test_a_cache_folder_that_is_a_file_means_no_cache(tmp_path: Path):
    blocker = tmp_path / "cache"
    blocker.write_text("", encoding="utf-8")
    result = reader("entities", "1", "--seeds-only", env={"XDG_CACHE_HOME": str(blocker)})
    assert result.returncode == 0 and "Traceback" not in result.stderr and "馬化騰" in result.stdout
    cache = EntityCache(blocker / "entities")
    gazetteer = Gazetteer.load()
    cache.put("正文", gazetteer, [Entity(0, 1, "person", "正")])
    assert cache.get("正文", gazetteer) is None


@pytest.mark.parametrize("rows", ["[[0, 1e999, \"person\", \"k\"]]", "[[0, 1, \"person\", [1]]]", "[" * 100_000,
                                  "{\"a\": 1}", "[[0, 1, \"person\"]]"])
def test_a_damaged_entity_cache_entry_is_a_miss(tmp_path: Path, rows: str):
    cache = EntityCache(tmp_path)
    gazetteer = Gazetteer.load()
    cache.put("正文", gazetteer, [])
    [path] = tmp_path.glob("*.json")
    path.write_text(rows, encoding="utf-8")
    assert cache.get("正文", gazetteer) is None


def test_a_state_file_nested_too_deeply_is_set_aside(tmp_path: Path):
    path = tmp_path / "state.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    state = State.load(path)
    assert state.positions == {} and path.with_name("state.json.damaged").exists()
    state.search_history.append("\ud800")  # A lone surrogate in a query still saves.
    state.save()
    assert State.load(path).search_history == ["\ud800"]


# -- writing files ------------------------------------------------------------------------------------


def test_an_export_that_fails_midway_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from reader.cli.main import main

    notes = tmp_path / "notes.json"
    AnnotationStore(notes).add(Annotation.new("x", "正文", 0, 1, note="a" * 100_000))
    output = tmp_path / "out.md"
    output.write_bytes(b"the old export")

    def full_disk(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_disk)
    status = main(["export", "--format", "markdown", "--corpus", str(SEEDS), "--annotations", str(notes),
                   "--output", str(output)])
    assert status == 1 and output.read_bytes() == b"the old export"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    with pytest.raises(OSError):
        write_export(output, "new")
    assert output.read_bytes() == b"the old export"


def test_a_file_replaced_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path: Path):
    kept = tmp_path / "kept.csv"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    write_export(kept, "new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text(encoding="utf-8") == "new"
    old_mask = os.umask(0o022)
    try:
        write_export(tmp_path / "new.csv", "new")
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644  # Not 0600.


def test_fifty_killed_writers_leave_no_temporary_files(tmp_path: Path):
    target = tmp_path / "notes.json"
    for _ in range(50):
        child = os.fork()
        if child == 0:  # Killed after writing, before the rename.
            os.fsync = lambda descriptor: os.kill(os.getpid(), signal.SIGKILL)
            storage.atomic_write_text(target, "half")
            os._exit(0)
        os.waitpid(child, 0)
    # Each new writer swept up after those before it: only the last one's is left.
    assert len(list(tmp_path.glob(".notes.json.*.reader.tmp"))) == 1
    storage._swept.discard(tmp_path)  # As a new process would see it.
    storage.atomic_write_text(target, "whole")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.json"]


def test_only_our_own_dead_or_old_temporary_files_are_removed(tmp_path: Path):
    dead = subprocess.Popen([sys.executable, "-c", ""])
    dead.wait()
    names = {
        "live": f".a.json.{os.getpid()}-0123abcd.reader.tmp",
        "dead": f".a.json.{dead.pid}-0123abcd.reader.tmp",
        "old": f".b.json.{os.getppid()}-0123abcd.reader.tmp",
        "not ours": ".a.json.tmp",
    }
    for name in names.values():
        (tmp_path / name).write_text("", encoding="utf-8")
    week_ago = time.time() - 7 * 24 * 3600
    os.utime(tmp_path / names["old"], (week_ago, week_ago))
    assert storage.sweep(tmp_path) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([names["live"], names["not ours"]])


# -- properties --------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
entry = st.fixed_dictionaries({}, optional={
    key: json_values | st.text() | st.integers(0, 10) for key in
    ("id", "article", "start", "end", "quote", "prefix", "suffix", "note", "tags", "color", "created", "modified")
})
annotation_files = st.one_of(
    st.binary(max_size=200),
    json_values.map(json.dumps),
    st.lists(entry, max_size=4).map(lambda items: json.dumps({"schema": 1, "annotations": items})),
)


@QUICK
@given(content=annotation_files)
def test_any_annotations_file_loads_or_is_read_only_and_untouched(tmp_path: Path, content: str | bytes):
    path = tmp_path / "notes.json"
    data = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    path.write_bytes(data)
    store = AnnotationStore(path)
    if store.read_only:
        assert "\n" not in store.problem
        with pytest.raises(StoreError):
            store.add(Annotation.new("a", "正文", 0, 1))
        assert path.read_bytes() == data
    else:
        assert path.read_bytes() == data
        store.add(Annotation.new("a", "正文", 0, 1))
        assert not AnnotationStore(path).read_only


w3c_items = st.fixed_dictionaries({}, optional={
    "id": json_values, "body": json_values, "created": json_values, "modified": json_values,
    "target": st.one_of(json_values, st.fixed_dictionaries({}, optional={
        "source": json_values,
        "styleClass": json_values,
        "selector": st.lists(st.fixed_dictionaries({"type": st.sampled_from(["TextQuoteSelector",
                                                                             "TextPositionSelector"])}, optional={
            "exact": st.sampled_from(["馬化騰", "騰訊", ""]) | json_values, "prefix": json_values,
            "suffix": json_values, "start": json_values, "end": json_values}), max_size=3),
    })),
})


@QUICK
@given(document=st.one_of(json_values, st.lists(w3c_items, max_size=4)))
def test_any_w3c_import_is_a_report_or_a_w3c_error(tmp_path: Path, seed_corpus, document):
    path = tmp_path / "notes.json"
    try:
        result = read_w3c(json.dumps(document), seed_corpus.articles)
    except W3CError as error:
        assert "\n" not in str(error)
        return
    AnnotationStore(path).import_many(result.annotations)
    store = AnnotationStore(path)
    assert not store.read_only
    AnnotationStore(path).import_many(result.annotations)  # Again: nothing new.
    assert AnnotationStore(path).all() == store.all()


@QUICK
@given(text=st.text(max_size=60) | st.builds("[{}]\n{}".format, st.sampled_from(["article", "app", "x"]),
                                              st.text(max_size=40)))
def test_any_keymap_text_is_a_keymap_or_a_one_line_error(tmp_path: Path, text: str):
    path = tmp_path / "keymap.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        keymap, _ = parse_keymap(path)
    except KeymapError as error:
        assert "\n" not in str(error)
    else:
        assert all(isinstance(keys, list) for keys in keymap.values())
