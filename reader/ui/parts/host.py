"""A screen that hosts parts (`parts/context.py`): what it offers every part whatever the screen
shows — toasts that never read outside text as markup, work in worker threads tracked by
`Background`, dialogs, and the terminal lent to another program."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TypeVar

from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker

from reader.ui.background import Background

Result = TypeVar("Result")


class PartsHost(Screen[None]):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.background = Background(self)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Messages quote file paths, errors and the reader's text: shown as they are, not as markup."""
        self.app.notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def in_background(self, task: Callable[[], Result], group: str, done: Callable[[Result], object] | None = None,
                      *, exclusive: bool = False) -> None:
        self.background.run(task, group, done, exclusive=exclusive)

    def working(self, group: str) -> bool:
        return self.background.running(group)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.background.ended(event)

    def open_dialog(self, dialog: Screen[Result], done: Callable[[Result | None], None] | None = None) -> None:
        self.app.push_screen(dialog, done)

    def suspend(self) -> AbstractContextManager[None]:
        return self.app.suspend()
