"""What the reader remembers between sessions: where each article was left, the script mode,
the last article and the search history. Losing this file costs convenience, never data, so a
damaged one is set aside (`state.json.damaged`) and a fresh state starts.

Two readers may run at once: a save merges with what is on disk (under a lock), so each keeps
the reading positions the other changed; the positions and queries of this session win over the
file's, and the rest (article, script, theme) is this reader's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Unpack

from reader.system import paths
from reader.system.storage import file_lock, write_json
from reader.text.conversion import MODES, ORIGINAL

HISTORY_LIMIT = 100
#: How the article list is ordered: as the files are (the library: as added), newest first, or
#: newest first grouped by source (a feed's articles have its title as their source).
ORDERS = ("files", "newest", "sources")


class Changes(TypedDict, total=False):
    """The settings `State.change` sets (positions and queries have calls of their own)."""

    article: str | None
    script: str
    theme: str | None
    highlight: bool
    hidden_types: list[str]
    export_format: str | None
    pinyin: str
    order: str


@dataclass
class State:
    path: Path
    positions: dict[str, int] = field(default_factory=dict)
    article: str | None = None
    script: str = ORIGINAL
    search_history: list[str] = field(default_factory=list)
    theme: str | None = None
    highlight: bool = True
    hidden_types: list[str] = field(default_factory=list)
    export_format: str | None = None
    """The format chosen at the last export, offered first at the next."""
    pinyin: str = "marks"
    """How the dictionary writes pinyin: tone marks, tone numbers or zhuyin (`PinyinStyle`)."""
    order: str = ORDERS[0]
    """How the article list is ordered (`ORDERS`)."""
    _saved_positions: dict[str, int] = field(default_factory=dict, repr=False)
    """The positions as last read or written: what differs from them was changed by this reader."""
    _saved_history: list[str] = field(default_factory=list, repr=False)
    unsaved: bool = field(default=False, repr=False, compare=False)
    """Changed since it was read or saved: the app saves it within seconds, and on quitting."""

    @classmethod
    def load(cls, path: Path | None = None) -> State:
        state = cls._read(path or paths.state_dir() / "state.json", set_aside=True)
        state._saved_positions, state._saved_history = dict(state.positions), list(state.search_history)
        return state

    @classmethod
    def _read(cls, path: Path, *, set_aside: bool) -> State:
        """The state in the file; a damaged file is moved aside (`set_aside`) or ignored."""
        state = cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return state
        except (OSError, ValueError, RecursionError):
            if set_aside:
                try:
                    path.replace(path.with_name(path.name + ".damaged"))
                except OSError:
                    pass  # A folder it cannot be moved in: the next save fails and says so.
            return state
        if not isinstance(data, dict):
            return state
        positions = data.get("positions", {})
        if isinstance(positions, dict):
            state.positions = {
                str(k): int(v) for k, v in positions.items() if isinstance(v, int) and v >= 0
            }
        if isinstance(data.get("article"), str):
            state.article = data["article"]
        if data.get("script") in MODES:
            state.script = data["script"]
        if isinstance(data.get("theme"), str):
            state.theme = data["theme"]
        if isinstance(data.get("highlight"), bool):
            state.highlight = data["highlight"]
        if isinstance(data.get("export_format"), str):
            state.export_format = data["export_format"]
        if isinstance(data.get("pinyin"), str):
            state.pinyin = data["pinyin"]  # Checked where it is used: the dictionary is not loaded yet.
        if data.get("order") in ORDERS:
            state.order = data["order"]
        if isinstance(data.get("hidden_types"), list):
            state.hidden_types = [t for t in data["hidden_types"] if isinstance(t, str)]
        history = data.get("search_history", [])
        if isinstance(history, list):
            state.search_history = [q for q in history if isinstance(q, str)][-HISTORY_LIMIT:]
        return state

    def change(self, **changes: Unpack[Changes]) -> None:
        """Set these settings; the state is then `unsaved`."""
        for name, value in changes.items():
            setattr(self, name, value)
        self.unsaved = True

    def set_position(self, article_id: str, offset: int) -> None:
        """Where the reader is in an article (a body offset)."""
        if self.positions.get(article_id) != offset:
            self.positions[article_id] = offset
            self.unsaved = True

    def remember_query(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        self.unsaved = True
        if query in self.search_history:
            self.search_history.remove(query)
        self.search_history.append(query)
        del self.search_history[:-HISTORY_LIMIT]

    def save(self) -> None:
        """Write the state, merged with what another reader saved meanwhile. Once tried it is no
        longer `unsaved`: a save that failed is tried again after the next change."""
        try:
            with file_lock(self.path):
                theirs = State._read(self.path, set_aside=False)
                mine = {key: value for key, value in self.positions.items() if self._saved_positions.get(key) != value}
                self.positions = {**theirs.positions, **mine}
                new_queries = [query for query in self.search_history if query not in self._saved_history]
                self.search_history = theirs.search_history
                for query in new_queries:
                    self.remember_query(query)
                self._write()
                self._saved_positions, self._saved_history = dict(self.positions), list(self.search_history)
        finally:
            self.unsaved = False

    def _write(self) -> None:
        write_json(
            self.path,
            {
                "version": 1,
                "article": self.article,
                "script": self.script,
                "positions": self.positions,
                "search_history": self.search_history,
                "theme": self.theme,
                "highlight": self.highlight,
                "hidden_types": self.hidden_types,
                "export_format": self.export_format,
                "pinyin": self.pinyin,
                "order": self.order,
            },
        )
