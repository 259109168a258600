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
#: and as narrow as they may be, alone and (the panel) beside the list.
SIDEBAR_SHARE, SIDEBAR_LEAST, SIDEBAR_MOST = 0.32, 16, 40
PANEL_WIDTH, PANEL_LEAST, PANEL_BESIDE_LIST = 34, 20, 26

SIDEBAR, PANEL = "sidebar", "panel"
#: What the status line says of a side panel hidden for the text.
HIDDEN = {SIDEBAR: "list hidden: s", PANEL: "entities hidden: e"}


class Room(NamedTuple):
    """Each side panel's width in cells (None: hidden)."""

    sidebar: int | None
    panel: int | None


def natural_width(name: str, width: int) -> int:
    """A side panel's width with room to spare, as its CSS gives it (the list 32% of the screen,
    from 20 to 40 columns; the panel 34)."""
    return max(20, min(SIDEBAR_MOST, int(width * SIDEBAR_SHARE))) if name == SIDEBAR else PANEL_WIDTH


def share(width: int, sidebar: bool, panel: bool, last: str = PANEL) -> Room:
    """The widths of the side panels wanted (`sidebar`, `panel`) in a screen `width` cells wide,
    the text keeping `TEXT_LEAST`. When the two do not fit (at 80 columns they do not: both would
    be too narrow to read), the one not asked for `last` is hidden; one alone that does not fit is
    hidden too, unless the reader asked for it last (then the text gives way)."""
    best = {name: natural_width(name, width) for name in (SIDEBAR, PANEL)}
    least = {SIDEBAR: SIDEBAR_LEAST, PANEL: PANEL_LEAST}
    room = width - TEXT_LEAST
    if sidebar and panel and room < SIDEBAR_LEAST + PANEL_BESIDE_LIST:
        sidebar, panel = last == SIDEBAR, last == PANEL
    if sidebar and panel:  # The list gets the room it likes first.
        list_width = min(best[SIDEBAR], room - PANEL_BESIDE_LIST)
        return Room(list_width, min(best[PANEL], room - list_width))
    name = SIDEBAR if sidebar else PANEL if panel else None
    if name is None or (room < least[name] and name != last):
        return Room(None, None)
    cells = max(least[name], min(best[name], room))
    return Room(cells, None) if name == SIDEBAR else Room(None, cells)


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
        self._widths: dict[str, int] = {}
        """The widths given the side panels, once one was other than its CSS's (setting one
        lays the screen out again: not on the way to the first paint)."""

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
                if cells != self._widths.get(name, natural_width(name, width)):  # Else as the CSS has it.
                    widget.styles.width = self._widths[name] = cells
                continue
            if widget.has_focus_within:
                self._focus_text()
            if self.wanted[name]:
                hidden.append(HIDDEN[name])
        self._say(" · ".join(hidden))
