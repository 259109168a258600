"""What the reader remembers between sessions: where each article was left, the script mode,
the last article and the search history. Losing this file costs convenience, never data, so a
damaged one is set aside (`state.json.damaged`) and a fresh state starts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from reader import paths
from reader.script import MODES, ORIGINAL
from reader.storage import write_json

HISTORY_LIMIT = 100


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

    @classmethod
    def load(cls, path: Path | None = None) -> "State":
        path = path or paths.state_dir() / "state.json"
        state = cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return state
        except (OSError, ValueError):
            path.replace(path.with_name(path.name + ".damaged"))
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
        if isinstance(data.get("hidden_types"), list):
            state.hidden_types = [t for t in data["hidden_types"] if isinstance(t, str)]
        history = data.get("search_history", [])
        if isinstance(history, list):
            state.search_history = [q for q in history if isinstance(q, str)][-HISTORY_LIMIT:]
        return state

    def remember_query(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        if query in self.search_history:
            self.search_history.remove(query)
        self.search_history.append(query)
        del self.search_history[:-HISTORY_LIMIT]

    def save(self) -> None:
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
            },
        )
