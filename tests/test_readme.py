"""The README's key table is the bundled keymap's, and its commands are the ones CI runs."""

from __future__ import annotations

import re

from conftest import REPO

from reader.settings.keymap import keys_markdown, load_keymap


def test_readme_key_table_matches_keymap_toml():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- keys:start -->\n(.*?)<!-- keys:end -->", readme, re.S).group(1)
    assert table.strip() == keys_markdown(load_keymap()).strip(), "run `reader keys` and paste it into README.md"


def test_ci_runs_the_readme_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e . && reader" in readme
    assert "pip install -e '.[test]' && pytest" in readme
    assert "pip install -e '.[test]'" in ci and "pytest" in ci
