"""Screens as pictures: a change in how they look must be a decision, not an accident.

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from apphelpers import SIZE, make_app


def test_main_screen(snap_compare):
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_help_screen(snap_compare):
    assert snap_compare(make_app(), press=["question_mark"], terminal_size=SIZE)


def test_narrow_terminal_wraps_chinese_text(snap_compare):
    assert snap_compare(make_app(), press=["s"], terminal_size=(50, 30))
