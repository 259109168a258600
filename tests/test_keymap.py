from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest
from conftest import REPO
from textual.keys import _character_to_key

from reader.settings.keymap import (
    ACTIONS,
    CONTEXTS,
    KeymapError,
    character_key_name,
    display_key,
    load_keymap,
    normalize_key,
    parse_keymap,
    user_keymap_path,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keymap.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_keymap_gives_every_action_keys_and_nothing_else():
    data = tomllib.loads((REPO / "keymap.toml").read_text(encoding="utf-8"))
    ids = {f"{section}.{name}" for section, entries in data.items() for name in entries}
    assert ids == set(ACTIONS)
    assert set(data) == set(CONTEXTS)
    keymap = load_keymap()
    assert keymap["app.help"] == ["question_mark", "f1"]
    assert keymap["article.bottom"] == ["G", "end"]


def test_character_names_match_textual():
    for character in string.printable.strip():
        assert character_key_name(character) == _character_to_key(character)
        assert display_key(character_key_name(character)) == character


def test_key_names_are_checked():
    assert normalize_key("ctrl+shift+x") == "ctrl+shift+x"
    assert normalize_key("?") == "question_mark"
    assert normalize_key("slash") == "slash"
    assert normalize_key("hyphen_minus") == "minus"
    for bad in ["ctrlx", "ctrl+", "f25", "super_key", "hyper+", "cmd+k", "pgdown"]:
        assert normalize_key(bad) is None, bad


def test_user_file_overrides_a_subset(tmp_path: Path):
    user = write(tmp_path, '[article]\nscroll_down = ["y", "down"]\n')
    keymap = load_keymap(user)
    assert keymap["article.scroll_down"] == ["y", "down"]
    assert keymap["article.scroll_up"] == ["k", "up"]


def test_user_file_in_the_config_folder_is_used():
    path = user_keymap_path()
    path.parent.mkdir(parents=True)
    path.write_text('[app]\nquit = "ctrl+q"\n', encoding="utf-8")
    assert load_keymap()["app.quit"] == ["ctrl+q"]


@pytest.mark.parametrize(
    "text, message",
    [
        ('[app]\nquit = "q\n', r"keymap.toml:2: not valid TOML"),
        ('[app]\nquit = [\n', r"keymap.toml:2: not valid TOML: Invalid value"),
        (
            '[app]\nquit = "q"\n\n[article]\nscrol_down = "x"\n',
            r"keymap.toml:5: unknown action 'article.scrol_down' (did you mean 'article.scroll_down'?)",
        ),
        (
            '[app]\nquit = "q"\n[article]\nscroll_down = "ctrl+jj"\n',
            r"keymap.toml:4: article.scroll_down: unknown key name 'ctrl+jj'",
        ),
        ('[reader]\nquit = "q"\n', r"keymap.toml:1: unknown section [reader]"),
        ('[app]\nquit = 3\n', r"keymap.toml:2: app.quit must be a key or a list of keys"),
        (
            '[article]\n\n\nscroll_down = "k"\n',
            r"keymap.toml:4: key 'k' is bound to both article.scroll_down and article.scroll_up",
        ),
        ('[article]\nscroll_down = "q"\n', r"keymap.toml:2: key 'q' is bound to both app.quit and article.scroll_down"),
    ],
)
def test_bad_keymaps_are_one_clear_message_naming_the_line(tmp_path: Path, text: str, message: str):
    path = write(tmp_path, text)
    with pytest.raises(KeymapError) as raised:
        load_keymap(path)
    assert str(raised.value) == f"{path}{message.removeprefix('keymap.toml')}" or str(raised.value).startswith(
        f"{path}{message.removeprefix('keymap.toml')}"
    )
    assert "\n" not in str(raised.value)


def test_the_same_key_in_two_panes_is_fine(tmp_path: Path):
    # j moves down in the article and in the list; they never have focus together.
    keymap = load_keymap(write(tmp_path, '[sidebar]\ndown = "j"\n'))
    assert keymap["sidebar.down"] == keymap["article.scroll_down"][:1] == ["j"]


def test_missing_and_unreadable_files(tmp_path: Path):
    with pytest.raises(KeymapError, match="no such file"):
        parse_keymap(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe[app]")
    with pytest.raises(KeymapError, match="cannot read it"):
        parse_keymap(bad)
