"""The one place where the app's text meets the terminal: every strip Textual writes is cleaned
of control characters first (see reader.text.controls).

Article text is made visible when it is read (`␛` for ESC), but titles, notes, tags, file names in
notices and whatever a future widget draws reach the screen by many roads; all of them end in
`Strip.render`, which joins each segment's text with its style's escape codes. Removing the
characters there (they are zero cells wide, so nothing moves on screen) means no page can write
the clipboard (OSC 52), the window title (OSC 0/2), links (OSC 8) or clear the screen, whichever
widget shows it. Textual is pinned (pyproject.toml); tests/test_terminal_output.py reads what the
app really writes to a pseudo-terminal and fails if this stops holding.
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from textual.strip import Strip

from reader.text.controls import has_controls, strip_controls

_render = Strip.render


def _render_clean(self: Strip, console: Console) -> str:
    if self._render_cache is None and has_controls("".join(text for text, _, control in self._segments
                                                           if not control)):
        self._segments = [segment if segment.control else Segment(strip_controls(segment.text), segment.style)
                          for segment in self._segments]
    return _render(self, console)


def install() -> None:
    """Clean every strip from now on (idempotent)."""
    Strip.render = _render_clean  # type: ignore[method-assign]
