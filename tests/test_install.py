"""A plain (not editable) install carries the default keymap and the seeds, and the installed
`reader` runs in a real terminal (tmux), as a user starts it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """`pip install .` (no dependencies: those of this environment serve) into a fresh folder."""
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(REPO)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return target


def run_installed(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=60
    )


def test_installed_package_is_the_one_that_runs(installed: Path, tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "import reader, reader.system.paths as p; "
            "print(reader.__file__); print(p.bundled('seeds')); print(p.bundled('keymap.toml'))",
        ],
        capture_output=True, text=True, cwd=tmp_path, env=env, check=True,
    ).stdout.splitlines()
    assert all(line.startswith(str(installed)) for line in where), where


def test_installed_reader_lists_the_bundled_seeds(installed: Path, tmp_path: Path):
    result = run_installed(installed, "list", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 7
    assert str(installed) in json.loads(result.stdout)[0]["path"]


def test_installed_reader_loads_its_keymap(installed: Path, tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run(
        [sys.executable, "-c", "from reader.settings.keymap import load_keymap; print(load_keymap()['app.quit'])"],
        capture_output=True, text=True, cwd=tmp_path, env=env,
    )
    assert result.stdout.strip() == "['q']", result.stderr


def _tmux(socket: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, check=False).stdout


def _wait_for(socket: str, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux(socket, "capture-pane", "-p", "-t", "reader")
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared on screen:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_installed_reader_in_a_real_terminal(installed: Path, tmp_path: Path, isolated_xdg: Path):
    socket = f"reader-test-{os.getpid()}"
    launcher = tmp_path / "run.sh"
    environment = " ".join(
        f"{name}={os.environ[name]}"
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
    )
    launcher.write_text(
        f"#!/bin/sh\ncd {tmp_path}\nunset COLUMNS LINES\n"
        f"export {environment} PYTHONPATH={installed} TERM=xterm-256color\n"
        f"exec {sys.executable} -m reader\n"
    )
    launcher.chmod(0o755)
    _tmux(socket, "new-session", "-d", "-s", "reader", "-x", "120", "-y", "32", str(launcher))
    try:
        _wait_for(socket, "湧現觀察 · #馬化騰")
        screen = _wait_for(socket, "Quit")  # The key hints arrive just after the text.
        assert "馬化騰最新內部演講,透露騰訊AI的5個關鍵點" in screen
        assert "7 articles" in screen
        # No line of the article starts with closing punctuation.
        article_lines = [line.split("▕", 1)[-1].strip() for line in screen.splitlines()]
        assert not any(line[:1] in "，。、？！：；」』）》”,." for line in article_lines if line)
        _tmux(socket, "send-keys", "-t", "reader", "]")
        _wait_for(socket, "2/7")
        _tmux(socket, "send-keys", "-t", "reader", "?")
        _wait_for(socket, "Show the keys")
        _tmux(socket, "send-keys", "-t", "reader", "space")  # The article's keys follow those of everywhere.
        _wait_for(socket, "Scroll down a line")
        _tmux(socket, "send-keys", "-t", "reader", "Escape")
        deadline = time.monotonic() + 10  # Escape then q at once would read as alt+q.
        while time.monotonic() < deadline and "Scroll down a line" in _tmux(
            socket, "capture-pane", "-p", "-t", "reader"
        ):
            time.sleep(0.2)
        _tmux(socket, "send-keys", "-t", "reader", "q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "reader" in _tmux(socket, "list-sessions"):
            time.sleep(0.2)
        assert "reader" not in _tmux(socket, "list-sessions"), "q did not quit"
        state = json.loads((isolated_xdg / "state" / "reader" / "state.json").read_text(encoding="utf-8"))
        assert state["article"].startswith("ma-huateng-ai-2026-")
    finally:
        _tmux(socket, "kill-server")
