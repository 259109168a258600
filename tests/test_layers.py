"""The package's layers: each imports only from itself and the layers below it, and only the UI
imports Textual (the core measures text with rich's cell widths, the terminal's own table). A move
that breaks this (a core module reaching for the app, the UI for the CLI) fails here, not in review."""

from __future__ import annotations

import ast
from pathlib import Path

import reader

PACKAGE = Path(reader.__file__).parent

#: Bottom to top. A layer may import from any layer before it; those on one line are peers and
#: do not import each other.
LAYERS = [
    ["system"],
    ["text"],
    ["articles"],
    ["dictionary"],  # CC-CEDICT: below annotations, whose Anki export looks words up.
    ["entities", "annotations", "settings"],
    ["search"],  # Word search segments with jieba taught the entity gazetteer's names.
    ["reading"],
    ["ui"],
    ["cli"],
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _layer(module_path: Path) -> str:
    return module_path.relative_to(PACKAGE).parts[0]


def test_every_module_lives_in_a_layer():
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py"}]
    assert loose == []
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(RANK)


def test_no_module_imports_a_layer_above_or_beside_it():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent == PACKAGE:
            continue
        own = _layer(path)
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "reader" or len(parts) < 2 or parts[1] not in RANK or parts[1] == own:
                continue
            if RANK[parts[1]] >= RANK[own]:
                wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert wrong == []


def test_only_the_ui_imports_textual():
    wrong = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if _layer(path) not in {"ui"} and any(n.split(".")[0] == "textual" for n in _imports(path))
    ]
    assert wrong == []
