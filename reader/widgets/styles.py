"""Rich styles of a widget and its component classes, computed once per CSS or theme change.

Line API widgets ask for styles on every line they draw; working them out from CSS each time
costs more than drawing the line.
"""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


class StyleCache:
    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._styles: dict[str, Style] = {}

    @property
    def base(self) -> Style:
        """The widget's own style (colours and background)."""
        if "" not in self._styles:
            self._styles[""] = self._widget.rich_style
        return self._styles[""]

    def __getitem__(self, component: str) -> Style:
        """Only the attributes a component class sets, to lay over the base."""
        if component not in self._styles:
            self._styles[component] = self._widget.get_component_rich_style(component, partial=True)
        return self._styles[component]

    def clear(self) -> None:
        self._styles.clear()
