"""Faults a reader meets: a broken or unwritable annotations file, signals, odd encodings, a
relative corpus path, two instances at once. Nothing is lost and every error is one line."""

from __future__ import annotations

import json
from pathlib import Path

from apphelpers import SIZE, make_app
from terminal import run_in_terminal, wait_for
from test_cli import reader
from textual.widgets import TextArea

from reader.annotations.store import Annotation, AnnotationStore
from reader.ui.screens.annotate import AnnotateScreen

# -- an annotations file that cannot be read or written ---------------------------------------


def test_listing_or_exporting_an_unreadable_store_fails_instead_of_printing_nothing(tmp_path: Path):
    broken = tmp_path / "annotations.json"
    broken.write_text("{not json", encoding="utf-8")
    for command in (["annotations", "--json"], ["annotations"], ["export", "--format", "csv"],
                    ["export", "--format", "json"]):
        result = reader(*command, "--annotations", str(broken))
        assert result.returncode == 1, command
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert "not valid JSON" in line and str(broken) in line
    assert broken.read_text(encoding="utf-8") == "{not json"


def test_an_unreadable_store_names_what_its_backup_holds(tmp_path: Path):
    path = tmp_path / "annotations.json"
    store = AnnotationStore(path)
    body = "騰訊在深圳。"
    store.add(Annotation.new("a", body, 0, 2, note="one"))
    store.add(Annotation.new("a", body, 3, 5, note="two"))  # The backup now holds "one".
    path.write_text("[]", encoding="utf-8")
    result = reader("annotations", "--json", "--annotations", str(path))
    assert result.returncode == 1 and result.stdout == ""
    assert "it holds 1" in result.stderr and str(store.backup_path) in result.stderr


def _unwritable(tmp_path: Path) -> Path:
    """An annotations path that cannot be written, even by root: its folder is a file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    return blocker / "annotations.json"


def test_cli_annotate_where_nothing_can_be_written_is_one_line_and_fails(tmp_path: Path):
    result = reader("annotate", "1", "--quote", "騰訊", "--annotations", str(_unwritable(tmp_path)))
    assert result.returncode == 1
    assert result.stderr.startswith("reader: cannot save to ") and len(result.stderr.splitlines()) == 1
    assert result.stderr.rstrip().endswith("not-a-folder is a file, not a folder")
    assert "Traceback" not in result.stderr


async def test_a_save_that_cannot_be_written_keeps_the_dialog_and_the_note(tmp_path: Path):
    path = _unwritable(tmp_path)
    app = make_app(annotations=AnnotationStore(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "A")
        await app.seen.until_screen(pilot, lambda screen: isinstance(screen, AnnotateScreen))
        app.screen.query_one(TextArea).text = "一條不能丟的筆記"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AnnotateScreen)  # Still open, the note as typed.
        assert app.screen.query_one(TextArea).text == "一條不能丟的筆記"
        problem = str(app.screen.query_one("#problem").render())
        assert "cannot save to" in problem and "ctrl+s tries again" in problem
        assert "is a file, not a folder" in problem  # Whole, wrapped in the dialog…
        assert not [text for text in app.seen.notifications if "cannot save" in text]  # …not in a toast over it.
        path.parent.unlink()  # The reader makes room; saving again works.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, AnnotateScreen)
    saved = json.loads(path.read_text(encoding="utf-8"))["annotations"]
    assert [item["note"] for item in saved] == ["一條不能丟的筆記"]


# -- signals ----------------------------------------------------------------------------------


def test_sigterm_gives_the_terminal_back_and_saves_the_state(tmp_path: Path, isolated_xdg: Path):
    import os
    import signal
    import time

    process, output, terminal = run_in_terminal([], {})
    try:
        assert wait_for(output, "馬化騰".encode()), "reader never showed the first article"

        def wait(seconds: float) -> None:
            for _ in range(int(seconds / 0.05)):
                output()  # A terminal is read all the time: a full one would block the app's writes.
                time.sleep(0.05)

        wait(0.5)  # The handler is set when the app mounts, before the article is on screen.
        process.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        while process.poll() is None and time.monotonic() < sent + 30:
            wait(0.05)
        assert process.poll() == 128 + signal.SIGTERM
        assert time.monotonic() - sent < 5  # Quick; the terminal checks below tell a clean quit from the watchdog.
        tail = output()[-400:]
    finally:
        process.kill()
        os.close(terminal)
    assert b"\x1b[?1049l" in tail  # Out of the alternate screen…
    assert b"\x1b[?25h" in tail  # …with the cursor shown…
    assert b"\x1b[?1000l" in tail or b"\x1b[?1003l" in tail  # …and mouse tracking off.
    state = json.loads((isolated_xdg / "state" / "reader" / "state.json").read_text(encoding="utf-8"))
    assert state["article"] in state["positions"]  # Saved on the way out (the timer saves every 5 s).


def test_a_terminal_closed_while_reader_starts_leaves_no_process_behind():
    """The terminal window closed in the first second: reader must end, not linger deaf to signals
    (Textual's writer could block its event loop for good)."""
    import os
    import signal
    import time

    for delay in (0.5, 0.9, 1.5):
        process, output, terminal = run_in_terminal([], {})
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:
            output()
            time.sleep(0.05)
        os.close(terminal)  # The window closes: SIGHUP, and the terminal is gone.
        try:  # Ended by SIGHUP itself before reader handles it, or quitting on it (129).
            assert process.wait(15) in (-signal.SIGHUP, 128 + signal.SIGHUP)
        finally:
            process.kill()


# -- two readers at once ------------------------------------------------------------------------


def test_two_readers_keep_each_others_reading_positions(tmp_path: Path):
    from reader.settings.state import State

    path = tmp_path / "state.json"
    seeded = State.load(path)
    seeded.positions = {"a": 10, "b": 20, "c": 30}
    seeded.search_history = ["騰訊"]
    seeded.save()
    first, second = State.load(path), State.load(path)
    first.positions["a"] = 111
    first.remember_query("元寶")
    second.positions["b"] = 222
    second.positions["d"] = 444
    second.remember_query("豆包")
    first.save()
    second.save()  # Quits last: before, it wrote its whole state over the first's.
    first.save()
    on_disk = State.load(path)
    assert on_disk.positions == {"a": 111, "b": 222, "c": 30, "d": 444}
    assert on_disk.search_history == ["騰訊", "元寶", "豆包"]
    assert first.positions == on_disk.positions  # Each reader now knows the other's places too.


def test_every_change_to_the_state_is_one_call_that_marks_it_unsaved(tmp_path: Path):
    from reader.settings.state import State

    state = State.load(tmp_path / "state.json")
    assert not state.unsaved
    state.change(script="simplified", highlight=False)
    assert state.unsaved and (state.script, state.highlight) == ("simplified", False)
    state.save()
    assert not state.unsaved and State.load(state.path).script == "simplified"
    state.set_position("a", 0)
    state.set_position("a", 0)
    assert state.unsaved and state.positions == {"a": 0}
    state.save()
    state.set_position("a", 0)  # Where it was already: nothing to save.
    assert not state.unsaved
    state.remember_query("騰訊")
    assert state.unsaved


# -- background work that fails -----------------------------------------------------------------


async def test_entity_detection_that_fails_is_said_and_leaves_the_status_bar(monkeypatch, tmp_path: Path):
    import reader.entities.detect
    from reader.entities.detect import EntityCache
    from reader.ui.widgets.status_bar import StatusBar

    def broken(*args, **kwargs):
        raise RuntimeError("the model file is damaged")

    monkeypatch.setattr(reader.entities.detect, "detect", broken)
    app = make_app(entity_cache=EntityCache(tmp_path / "empty-cache"))
    async with app.run_test(size=SIZE) as pilot:
        await app.seen.wait_for(pilot, app.seen.said("failed"))
        await app.workers.wait_for_complete()
        await pilot.pause()
        [message] = [message for message in app.seen.notifications if "failed" in message]
        assert message == "Finding entities failed: RuntimeError: the model file is damaged"
        assert "Finding entities" not in str(app.query_one(StatusBar).render())
