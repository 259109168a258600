"""Shared fixtures. Every test runs with its own XDG folders, so nothing touches the user's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.articles.corpus import Corpus, load_corpus

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SEED_FILE = SEEDS / "ma-huateng-ai-2026.txt"
#: The outside corpora live beside the checkout and are never copied into it.
SHARED_CORPORA = Path(os.environ.get("READER_SHARED_CORPORA", REPO.parent / "shared" / "corpora"))


def shared_corpus(name: str) -> Path:
    path = SHARED_CORPORA / name
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


@pytest.fixture(autouse=True)
def isolated_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg"
    for variable, folder in [
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ]:
        monkeypatch.setenv(variable, str(home / folder))
    monkeypatch.delenv("READER_ANNOTATIONS", raising=False)
    monkeypatch.delenv("READER_LIBRARY", raising=False)
    return home


@pytest.fixture(scope="session")
def seed_corpus() -> Corpus:
    return load_corpus([SEEDS])
