"""How the screen's width is shared: the text first.

The article list and the entity panel take what the text's least width leaves, narrowed down to
their own least; when even that does not fit, the one the reader asked for longer ago is hidden
(and shows again when the window is wide enough). At 80 columns the two together had left the text
17 cells, at 60 columns 2.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from textual.widget import Widget

#: Cells the article's column keeps at least: its text is then 35 cells (17 characters) wide.
TEXT_LEAST = 40
#: The side panels' widths (the line between them and the text included): as wide as they like,
#: and as narrow as they may be.
SIDEBAR_SHARE, SIDEBAR_LEAST, SIDEBAR_MOST = 0.32, 16, 40
PANEL_WIDTH, PANEL_LEAST = 34, 18

SIDEBAR, PANEL = "sidebar", "panel"
#: What the status line says of a side panel hidden for the text.
HIDDEN = {SIDEBAR: "list hidden: s", PANEL: "entities hidden: e"}


class Room(NamedTuple):
    """Each side panel's width in cells (None: hidden)."""

    sidebar: int | None
    panel: int | None


def share(width: int, sidebar: bool, panel: bool, last: str = PANEL) -> Room:
    """The widths of the side panels wanted (`sidebar`, `panel`) in a screen `width` cells wide,
    the text keeping `TEXT_LEAST`; if they do not fit at their least, the one not asked for `last`
    is hidden (the one asked for last stays, at its least: the reader wants it). The list gets
    spare room before the panel."""
    least = {SIDEBAR: SIDEBAR_LEAST, PANEL: PANEL_LEAST}
    best = {SIDEBAR: max(20, min(SIDEBAR_MOST, int(width * SIDEBAR_SHARE))), PANEL: PANEL_WIDTH}
    shown = [name for name, wanted in ((SIDEBAR, sidebar), (PANEL, panel)) if wanted]

    def spare() -> int:
        return width - TEXT_LEAST - sum(least[name] for name in shown)

    for name in (SIDEBAR, PANEL) if last == PANEL else (PANEL, SIDEBAR):
        if spare() < 0 and name in shown and name != last:
            shown.remove(name)
    room, widths = spare(), {}
    for name in shown:
        extra = max(0, min(best[name] - least[name], room))
        widths[name], room = least[name] + extra, room - extra
    return Room(widths.get(SIDEBAR), widths.get(PANEL))


class SidePanels:
    """The reading screen's side panels, shown as the reader wants them where there is room."""

    def __init__(self, sidebar: Callable[[], Widget], panel: Callable[[], Widget | None],
                 say: Callable[[str], object], focus_text: Callable[[], object]) -> None:
        """`sidebar` and `panel` give the widgets (the panel: None until it is first shown); `say`
        puts on the status line what is hidden ("" when nothing is); `focus_text` gives the text
        the keys a hidden panel had."""
        self._widgets = {SIDEBAR: sidebar, PANEL: panel}
        self._say, self._focus_text = say, focus_text
        self.wanted = {SIDEBAR: True, PANEL: False}
        """Which side panels the reader asked for (shown where there is room)."""
        self.last = PANEL
        """The side panel the reader showed last (kept if the two do not fit)."""

    def want(self, name: str, shown: bool, width: int) -> None:
        """The reader shows (or hides) a side panel: shown, it is the one kept."""
        self.wanted[name] = shown
        if shown:
            self.last = name
        self.share(width)

    def share(self, width: int) -> None:
        """Give each side panel wanted its width, or hide it if the text needs the room."""
        panel = self._widgets[PANEL]()
        room = share(width, self.wanted[SIDEBAR], self.wanted[PANEL] and panel is not None, self.last)
        hidden = []
        for name, cells in zip((SIDEBAR, PANEL), room, strict=True):
            widget = self._widgets[name]()
            if widget is None:
                continue
            widget.display = cells is not None
            if cells is not None:
                widget.styles.width = cells
                continue
            if widget.has_focus_within:
                self._focus_text()
            if self.wanted[name]:
                hidden.append(HIDDEN[name])
        self._say(" · ".join(hidden))
