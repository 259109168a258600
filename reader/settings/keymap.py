"""Key bindings: the actions reader offers, and the keys `keymap.toml` gives them.

`ACTIONS` is the one list of user-facing actions (id, Textual action, description). The bundled
`keymap.toml` gives every id its keys; a user file overrides any subset. Textual accepts unknown ids,
misspelt keys and clashing keys without a word, so the files are validated here, each problem as one
message naming the file and line.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path
from typing import NamedTuple

from reader.system import paths


class Action(NamedTuple):
    id: str
    action: str
    description: str
    hint: str = ""
    """A word or two for the key hints at the bottom of the screen; none: not shown there."""
    priority: bool = False

    @property
    def context(self) -> str:
        return self.id.partition(".")[0]


#: Contexts: `app` keys work everywhere; the others only while that part of the screen has focus.
CONTEXTS = {
    "app": "Everywhere",
    "article": "Article view",
    "sidebar": "Article list",
    "filter": "Filter box",
    "entities": "Entity panel",
    "annotate": "Annotation dialog",
    "notes": "Annotations list",
    "search": "Search",
    "results": "Search results",
    "dialog": "Dialogs",
    "word": "Dictionary",
}

ACTIONS: dict[str, Action] = {
    action.id: action
    for action in [
        Action("app.quit", "quit", "Quit", "Quit"),
        Action("app.help", "help", "Show the keys", "Keys"),
        Action("app.command_palette", "command_palette", "Command palette", priority=True),
        Action("app.toggle_sidebar", "toggle_sidebar", "Show or hide the article list"),
        Action("app.filter", "filter", "Filter the article list", "Filter"),
        Action("app.toggle_script", "toggle_script", "Script: the original or the other (简体, 繁體)", "Script"),
        Action("app.search", "part('search', 'search')", "Search all articles", "Search"),
        Action("app.entity_panel", "entity_panel", "Show or hide the entity panel", "Entities"),
        Action("app.annotations", "part('notes', 'list_all')", "List annotations", "Notes"),
        Action("app.undo_delete", "part('notes', 'undo_delete')", "Undo the last deleted annotation"),
        Action("app.export", "part('notes', 'export')", "Export annotations"),
        Action("app.toggle_highlights", "part('entities', 'toggle_highlights')", "Entity highlighting on or off"),
        Action("app.pinyin_style", "part('dictionary', 'next_pinyin_style')",
               "Pinyin: tone marks, tone numbers or zhuyin"),
        Action("app.add_article", "part('library', 'add')", "Add web pages, feeds, books or files to the library",
               "Add"),
        Action("app.remove_article", "part('library', 'remove')", "Remove this article from the library"),
        Action("app.update_feeds", "part('feeds', 'update')", "Update every feed you follow", "Update"),
        Action("app.next_unread", "part('feeds', 'next_unread')", "Next unread article", "Unread"),
        Action("app.toggle_read", "part('feeds', 'toggle_read')", "Mark this article read or unread"),
        Action("app.mark_all_read", "part('feeds', 'mark_all_read')", "Mark every article listed read (asks first)"),
        Action("app.order", "part('feeds', 'next_order')", "List order: as added, newest first, by source"),
        Action("app.open_link", "part('feeds', 'open_link')", "Open the article's web page in the browser"),
        Action("app.next_article", "step_article(1)", "Next article", "Next article"),
        Action("app.previous_article", "step_article(-1)", "Previous article"),
        Action("article.scroll_down", "scroll('down')", "Scroll down a line"),
        Action("article.scroll_up", "scroll('up')", "Scroll up a line"),
        Action("article.page_down", "scroll('page_down')", "Page down"),
        Action("article.page_up", "scroll('page_up')", "Page up"),
        Action("article.top", "scroll('top')", "Go to the top"),
        Action("article.bottom", "scroll('bottom')", "Go to the end"),
        Action("article.next_mention", "mention(True)", "Next mention of the chosen entity (or any)"),
        Action("article.previous_mention", "mention(False)", "Previous mention of the chosen entity (or any)"),
        Action("article.cursor_left", "cursor('character', False)", "Cursor back a character"),
        Action("article.cursor_right", "cursor('character', True)", "Cursor on a character", "Cursor"),
        Action("article.word_left", "cursor('word', False)", "Cursor back a word"),
        Action("article.word_right", "cursor('word', True)", "Cursor on a word"),
        Action("article.sentence_left", "cursor('sentence', False)", "Cursor back a sentence"),
        Action("article.sentence_right", "cursor('sentence', True)", "Cursor on a sentence"),
        Action("article.line_down", "cursor('line', True)", "Cursor down a line"),
        Action("article.line_up", "cursor('line', False)", "Cursor up a line"),
        Action("article.toggle_selection", "toggle_selection", "Start or drop a selection at the cursor", "Select"),
        # Priority, so the dialog opens as the key arrives: the keys after it in a burst are the note's.
        Action(
            "article.annotate", "screen.part('notes', 'annotate')",
            "Annotate the selection (or what is under the cursor)", "Annotate",
            priority=True,
        ),
        Action("article.annotate_sentence", "screen.part('notes', 'annotate', True)",
               "Annotate the sentence at the cursor",
               priority=True),
        Action(
            "article.delete_annotation", "screen.part('notes', 'delete_at_cursor')",
            "Delete the annotation under the cursor",
            "Delete note",
        ),
        Action("article.next_hit", "screen.part('search', 'step', True)",
               "Next search hit (on into the next article)", "Next hit"),
        Action("article.previous_hit", "screen.part('search', 'step', False)", "Previous search hit"),
        Action("article.clear_marks", "screen.part('search', 'clear')", "Clear search hits and marks"),
        Action("article.define", "screen.part('dictionary', 'define')",
               "Look up the word at the cursor (CC-CEDICT)", "Define"),
        Action("article.save_word", "screen.part('dictionary', 'save_word')",
               "Save the word at the cursor as vocabulary (tag vocab)"),
        Action("article.next_entity", "mention(True, True)", "Next entity of any kind"),
        Action("article.previous_entity", "mention(False, True)", "Previous entity of any kind"),
        Action("sidebar.down", "cursor_down", "Next title"),
        Action("sidebar.up", "cursor_up", "Previous title"),
        Action("sidebar.page_down", "page_down", "A page of titles down"),
        Action("sidebar.page_up", "page_up", "A page of titles up"),
        Action("sidebar.first", "first", "First title"),
        Action("sidebar.last", "last", "Last title"),
        Action("sidebar.open", "select", "Read the highlighted article", "Read"),
        Action("filter.clear", "clear_filter", "Clear the filter and go to the list", "Clear"),
        Action("filter.to_list", "to_list", "Go to the filtered list", "List"),
        Action("entities.down", "cursor_down", "Next entity"),
        Action("entities.up", "cursor_up", "Previous entity"),
        Action("entities.mentions_elsewhere", "mentions_elsewhere", "Which articles mention this entity", "Elsewhere"),
        Action("annotate.save", "save", "Save (annotation, export)", "Save", priority=True),
        Action("annotate.delete", "delete", "Delete the annotation", "Delete", priority=True),
        Action("notes.toggle_scope", "toggle_scope", "This article or all articles", "This/all"),
        Action(
            "search.toggle_word_mode", "toggle_word_mode", "Whole words only, or any text", "Whole words", priority=True
        ),
        Action("search.history_back", "history_back", "Earlier query"),
        Action("search.history_forward", "history_forward", "Later query"),
        Action("search.focus_results", "focus_results", "Move into the results", "Results"),
        Action("results.down", "cursor_down", "Next result"),
        Action("results.up", "cursor_up", "Previous result"),
        Action("results.page_down", "page_down", "A page of results down"),
        Action("results.page_up", "page_up", "A page of results up"),
        Action("results.choose", "choose", "Open the article at this hit", "Open"),
        Action("dialog.close", "close", "Close the dialog", "Close"),
        Action("dialog.next_field", "next_field", "Next field", priority=True),
        Action("dialog.previous_field", "previous_field", "Previous field", priority=True),
        Action("word.back", "back", "Back to what the panel showed before (a word, a look-up)", "Back"),
    ]
}

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = frozenset(
    ["up", "down", "left", "right", "home", "end", "pageup", "pagedown", "insert", "delete",
     "backspace", "tab", "enter", "escape", "space"] + [f"f{n}" for n in range(1, 25)]
)
_NAME_REPLACEMENTS = {
    "solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
    "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore",
}


class KeymapError(Exception):
    """A problem in a keymap file; the message names the file and line."""


def character_key_name(character: str) -> str:
    """Textual's name for the key that types `character` (`?` -> `question_mark`, `j` -> `j`)."""
    if character.isalnum():
        return character
    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character
    return _NAME_REPLACEMENTS.get(name, name)


def _character_names() -> dict[str, str]:
    return {character_key_name(chr(code)): chr(code) for code in range(33, 127)}


_CHARACTER_NAMES = _character_names()


def _character_for_name(name: str) -> str | None:
    """`question_mark` -> `?`; any Unicode character name in Textual's style works too."""
    if name in _CHARACTER_NAMES:
        return _CHARACTER_NAMES[name]
    try:
        character = unicodedata.lookup(name.replace("_", " ").upper())
    except KeyError:
        return None
    return character if character.isprintable() else None


def normalize_key(key: str) -> str | None:
    """The key in Textual's canonical form, or None if it is not a key Textual knows."""
    key = key.strip()
    if len(key) == 1:
        return character_key_name(key) if key.isprintable() and not key.isspace() else None
    *modifiers, base = key.split("+") if "+" in key[1:] else [key]
    if not base or any(m not in MODIFIERS for m in modifiers):
        return None
    base = _NAME_REPLACEMENTS.get(base, base)
    if len(base) == 1:
        base = character_key_name(base)
    elif base not in NAMED_KEYS and _character_for_name(base) is None:
        return None
    return "+".join([*modifiers, base])


def display_key(key: str) -> str:
    """A normalised key as people write it: `question_mark` -> `?`, `ctrl+p` stays."""
    *modifiers, base = key.split("+") if "+" in key[1:] else [key]
    if len(base) > 1 and base not in NAMED_KEYS:
        base = _character_for_name(base) or base
    return "+".join([*modifiers, base])


def _line_numbers(text: str) -> dict[tuple[str, str], int]:
    """Line of each `key = ...` in each `[section]`, for messages."""
    found: dict[tuple[str, str], int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            section = header.group(1).strip('"')
            found.setdefault((section, ""), number)
            continue
        entry = re.match(r"""\s*["']?([^"'=\s]+)["']?\s*=""", line)
        if entry:
            found.setdefault((section, entry.group(1)), number)
    return found


def parse_keymap(path: Path) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Action id -> normalised keys from one file, and id -> `file:line` where each was set.

    Raises KeymapError for any problem in the file.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeymapError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise KeymapError(f"{path}: cannot read it ({error})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        line = match.group(1) if match else str(max(1, len(text.splitlines())))  # "at end of document"
        where = f"{path}:{line}"
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(error))
        raise KeymapError(f"{where}: not valid TOML: {message}") from None
    except RecursionError:
        raise KeymapError(f"{path}: not valid TOML: nested too deeply to read") from None
    lines = _line_numbers(text)
    keymap: dict[str, list[str]] = {}
    locations: dict[str, str] = {}
    for section, entries in data.items():
        where = f"{path}:{lines.get((section, ''), 1)}"
        if section not in CONTEXTS:
            known = ", ".join(f"[{c}]" for c in CONTEXTS)
            raise KeymapError(f"{where}: unknown section {_shown(f'[{section}]')} (known: {known})")
        if not isinstance(entries, dict):
            raise KeymapError(f"{where}: [{section}] must be a table of action = keys")
        for name, value in entries.items():
            action_id = f"{section}.{name}"
            where = f"{path}:{lines.get((section, name), lines.get((section, ''), 1))}"
            if action_id not in ACTIONS:
                raise KeymapError(f"{where}: unknown action {action_id!r}{_suggest(action_id)}")
            keys = [value] if isinstance(value, str) else value
            if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
                raise KeymapError(f"{where}: {action_id} must be a key or a list of keys")
            normalized = []
            for key in keys:
                for part in key.split(",") if len(key) > 1 else [key]:
                    canonical = normalize_key(part)
                    if canonical is None:
                        raise KeymapError(f"{where}: {action_id}: unknown key name {part!r}")
                    normalized.append(canonical)
            if not normalized:
                raise KeymapError(f"{where}: {action_id} has no keys")
            keymap[action_id] = normalized
            locations[action_id] = where
    return keymap, locations


def _shown(name: str) -> str:
    """A name from the file, in a message of one line: as it is, or quoted with escapes."""
    return name if name.isprintable() else repr(name)


def _suggest(action_id: str) -> str:
    import difflib

    close = difflib.get_close_matches(action_id, list(ACTIONS), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_clashes(keymap: dict[str, list[str]], origin: dict[str, str], user_ids: set[str]) -> None:
    """Two actions on one key where both are active (same context, or `app` and another).

    The message points at the user's line when the user's file is part of the clash.
    """
    owner: dict[tuple[str, str], str] = {}
    for action_id in sorted(keymap, key=lambda a: (a.partition(".")[0] != "app", a)):
        context = action_id.partition(".")[0]
        for key in keymap[action_id]:
            contexts = list(CONTEXTS) if context == "app" else ["app", context]
            for other_context in contexts:
                other = owner.get((other_context, key))
                if other and other != action_id:
                    where = origin[other] if other in user_ids and action_id not in user_ids else origin[action_id]
                    raise KeymapError(f"{where}: key {key!r} is bound to both {other} and {action_id}")
            owner[(context, key)] = action_id


def default_keymap_path() -> Path:
    return paths.bundled("keymap.toml")


def user_keymap_path() -> Path:
    return paths.config_dir() / "keymap.toml"


def load_keymap(user_file: Path | None = None) -> dict[str, list[str]]:
    """The bundled keymap with the user's file (given, or in the config folder) laid over it."""
    default_path = default_keymap_path()
    keymap, origin = parse_keymap(default_path)
    missing = sorted(set(ACTIONS) - set(keymap))
    if missing:
        raise KeymapError(f"{default_path}: no keys for {', '.join(missing)}")
    if user_file is None and user_keymap_path().exists():
        user_file = user_keymap_path()
    overrides: dict[str, list[str]] = {}
    if user_file is not None:
        overrides, override_origin = parse_keymap(user_file)
        keymap.update(overrides)
        origin.update(override_origin)
    check_clashes(keymap, origin, set(overrides))
    return keymap


def default_keys(action_id: str) -> str:
    """Keys for a `Binding` declaration, from the bundled keymap (comma separated)."""
    return ",".join(_bundled_keymap()[action_id])


_BUNDLED: dict[str, list[str]] = {}


def _bundled_keymap() -> dict[str, list[str]]:
    if not _BUNDLED:
        _BUNDLED.update(parse_keymap(default_keymap_path())[0])
    return _BUNDLED


def textual_keymap(keymap: dict[str, list[str]]) -> dict[str, str]:
    """The form `App.set_keymap` takes: id -> comma separated keys."""
    return {action_id: ",".join(keys) for action_id, keys in keymap.items()}


def keys_markdown(keymap: dict[str, list[str]]) -> str:
    """The key table for the README and `reader keys`: one section per context."""
    lines = []
    for context, title in CONTEXTS.items():
        lines += [f"**{title}**", "", "| Keys | Action | Id |", "|---|---|---|"]
        for action in ACTIONS.values():
            if action.context == context:
                keys = ", ".join(f"`{display_key(key)}`" for key in keymap[action.id])
                lines.append(f"| {keys.replace('|', chr(92) + '|')} | {action.description} | `{action.id}` |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
