"""One line under the article: where the reader is and in which script."""

from __future__ import annotations

from textual.widgets import Static


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def show(self, *, number: int, total: int, title: str, percent: int, script: str) -> None:
        self.update(f"{number}/{total}  {title}  ·  {percent}%  ·  {script}", layout=False)
