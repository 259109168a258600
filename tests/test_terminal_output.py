"""Nothing from an article reaches the terminal as a command: what the app and the CLI write for
hostile text holds no clipboard write (OSC 52), window title (OSC 0/2), link (OSC 8), C1 control or
bidi override from the content, and the text around them still shows."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from terminal import run_in_terminal, wait_for
from test_cli import reader

from reader.text.controls import UNSAFE, has_controls, json_for_terminal, strip_controls, visible_controls

ESC, BEL = "\x1b", "\x07"
#: Each way a page could command the terminal, several times over (with few, a renderer that drops
#: the BELs leaves the OSC strings open, and they swallow the rest of the screen).
ATTACKS = [
    f"{ESC}]52;c;ZWNobyBwd25lZA=={BEL}", f"{ESC}]0;pwned title{BEL}", f"{ESC}]2;pwned{ESC}\\",
    f"{ESC}]8;;http://example.invalid{ESC}\\link{ESC}]8;;{ESC}\\", f"{ESC}[2J{ESC}[H", "\x9b2J", "\x9d0;c1 title\x9c",
    "\u202e反轉\u202c", "\x01\x08\x7f",
]
HOSTILE_BODY = "騰訊今天發布了新的模型。" + "".join(f"第{n}段{attack}正文。" for n, attack in enumerate(ATTACKS * 4))
#: Terminal commands from the content; Textual's own output uses none of them.
FORBIDDEN = [b"\x1b]52", b"\x1b]0;", b"\x1b]2;", b"\x1b]8;", "\u202e".encode()]
C1 = re.compile(rb"\xc2[\x80-\x9f]")


def hostile_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "hostile.txt").write_text(f"標題{ESC}]0;pwned{BEL}{ESC}]52;c;eA=={BEL}\n{HOSTILE_BODY}\n",
                                        encoding="utf-8")
    (folder / f"bad{ESC}]0;named{BEL}.txt").write_bytes(b"\x00\x01binary")  # Skipped, and named in a notice.
    return folder


def test_the_app_writes_no_terminal_command_from_a_hostile_article(tmp_path: Path, isolated_xdg: Path):
    process, output, terminal = run_in_terminal([str(hostile_folder(tmp_path))], {})
    try:
        assert wait_for(output, "第2段".encode()), "the article's text never appeared"
        assert wait_for(output, b"Skipped a file", 10)
        time.sleep(1)
        os.write(terminal, b"q")
        deadline = time.monotonic() + 15
        while process.poll() is None and time.monotonic() < deadline:
            output()  # Read on: a full terminal would block the app's last writes.
            time.sleep(0.05)
        assert process.poll() == 0
        written = output()
    finally:
        process.kill()
        os.close(terminal)
    assert [command for command in FORBIDDEN if command in written] == []
    assert C1.search(written) is None
    assert "␛]52;c;".encode() in written  # Shown for what it is.


def test_the_cli_prints_no_terminal_command_from_a_hostile_article(tmp_path: Path):
    folder = hostile_folder(tmp_path)
    for args in (["list"], ["show", "1"], ["show", "1", "--json"], ["search", "正文"]):
        result = reader(*args, "--corpus", str(folder))
        printed = (result.stdout + result.stderr).encode()
        assert [command for command in FORBIDDEN if command in printed] == [], args
        assert C1.search(printed) is None and b"\x1b" not in printed, args
    assert "␛]52;c;" in reader("show", "1", "--corpus", str(folder)).stdout


@given(st.text())
def test_visible_controls_keeps_the_length_and_leaves_nothing_to_obey(text: str):
    shown = visible_controls(text)
    assert len(shown) == len(text) and not has_controls(shown)
    assert all(a == b for a, b in zip(text, shown) if not has_controls(a))
    shown.encode("utf-8")  # Lone surrogates too: whatever comes in can be printed.


@given(st.text())
def test_strip_controls_drops_exactly_the_unsafe_characters(text: str):
    assert strip_controls(text) == "".join(c for c in text if not re.match(f"[{UNSAFE}]", c))


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20))
def test_json_for_terminal_means_the_same_and_prints_safely(value):
    import json

    printed = json_for_terminal(value)
    assert json.loads(printed) == value and not has_controls(printed)


@pytest.mark.parametrize("character", ["\t", "\n", "騰", "a", " ", "\u200b", "\u200d"])
def test_text_characters_are_kept(character: str):
    assert strip_controls(character) == visible_controls(character) == character
