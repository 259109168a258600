"""Where reader keeps things: bundled resources and the XDG user folders.

The bundled `keymap.toml` and `seeds/` live once, at the top of the source tree. A wheel carries
them inside the package (`reader/_bundled/`), an editable install finds them beside the package.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "reader"
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def bundled(name: str) -> Path:
    """Path of a bundled resource (`keymap.toml`, `seeds`), installed or in the source tree."""
    for base in (_PACKAGE_DIR / "_bundled", _PACKAGE_DIR.parent):
        candidate = base / name
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"bundled resource {name!r} is missing from the installation")


def _xdg(variable: str, fallback: str) -> Path:
    value = os.environ.get(variable)
    base = Path(value) if value and Path(value).is_absolute() else Path.home() / fallback
    return base / APP_NAME


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config")


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share")


def state_dir() -> Path:
    return _xdg("XDG_STATE_HOME", ".local/state")


def cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache")


def library_dir(given: Path | None = None) -> Path:
    """Where added articles live: the folder given (`--library`), else `READER_LIBRARY`, else
    `library` in the data folder."""
    if given is not None:
        return given
    configured = os.environ.get("READER_LIBRARY")
    return Path(configured).expanduser() if configured else data_dir() / "library"


def user_gazetteer(given: Path | None = None) -> Path | None:
    """The user's gazetteer: the one given, else `entities.tsv` in the config folder if present."""
    default = config_dir() / "entities.tsv"
    return given if given is not None else default if default.exists() else None


def documents_dir() -> Path:
    """Where an export goes by default: the user's documents folder (XDG user dirs:
    `XDG_DOCUMENTS_DIR`, else `user-dirs.dirs`), else ~/Documents or ~/Downloads if there, else
    home. Never the current folder, which is often a source checkout."""
    home = Path.home()
    configured = os.environ.get("XDG_DOCUMENTS_DIR") or _user_dirs_entry("XDG_DOCUMENTS_DIR")
    if configured:
        folder = Path(configured.replace("$HOME", str(home))).expanduser()
        if folder.is_absolute() and folder != home:
            return folder
    for name in ("Documents", "Downloads"):
        if (home / name).is_dir():
            return home / name
    return home


def _user_dirs_entry(name: str) -> str | None:
    """A value from `user-dirs.dirs` (xdg-user-dirs' file: lines of NAME="$HOME/Folder")."""
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    try:
        lines = (config / "user-dirs.dirs").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() == name:
            return value.strip().strip('"') or None
    return None
