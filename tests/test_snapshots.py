"""Screens as pictures: a change in how they look must be a decision, not an accident.

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`. Each
snapshot waits for the background work (entity highlights) so the picture is always the same.
"""

from __future__ import annotations

import pytest
from apphelpers import SIZE, make_app, wait_until


async def settled(pilot) -> None:
    """Every article's entities found, nothing in progress, the key hints drawn."""
    app = pilot.app
    reading = app.reading
    await wait_until(
        pilot,
        lambda: len(reading.entities.complete) == len(app.corpus.articles)
        and not reading.busy
        and app.query("KeyHints"),
    )


def test_main_screen(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settled)


def test_help_screen(snap_compare):
    assert snap_compare(make_app(), press=["question_mark"], terminal_size=SIZE, run_before=settled)


def test_narrow_terminal_wraps_chinese_text(snap_compare):
    """At 50 columns the list gives the text its room by itself, and the status line says so."""
    assert snap_compare(make_app(), terminal_size=(50, 30), run_before=settled)


def test_entity_panel_in_simplified(snap_compare):
    assert snap_compare(make_app(), press=["t", "e"], terminal_size=SIZE, run_before=settled)


@pytest.mark.parametrize("width", [80, 200])
@pytest.mark.parametrize("keys", [[], ["f"], ["question_mark"]], ids=["article", "filter-box", "help"])
def test_key_hints_follow_the_focus(snap_compare, width: int, keys: list[str]):
    """The hints name the keys of where the reader is, whole labels only."""
    assert snap_compare(make_app(), press=keys, terminal_size=(width, 24), run_before=settled)
