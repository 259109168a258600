"""Work in worker threads for the reading screen: what the status line says of it (`Busy`
messages), what runs with a task's result back on the screen's thread, and one line when a task
fails (its indicator would otherwise say "Finding entities…" for ever).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.widget import Widget
from textual.worker import Worker, WorkerState

from reader.ui.messages import Busy

Result = TypeVar("Result")

#: What each task is called when it fails.
TASK_NAMES = {"entities": "Finding entities", "words": "Loading word boundaries", "index": "Indexing for search",
              "corpus": "Checking the files", "warm-up": "Loading the conversion tables",
              "annotations": "Preparing the annotations", "dictionary": "Loading the dictionary",
              "add": "Adding to the library", "remove": "Removing from the library"}


class Background:
    def __init__(self, node: Widget) -> None:
        """`node` runs the workers and hears of them (its `on_worker_state_changed` calls `ended`)."""
        self.node = node
        self.tasks: dict[str, str] = {}
        """What each task under way is doing, as the status line says it."""
        self._when_done: dict[Worker, Callable[[Any], object]] = {}

    def run(self, task: Callable[[], Result], group: str, done: Callable[[Result], object] | None = None,
            *, exclusive: bool = False) -> None:
        worker = self.node.run_worker(task, thread=True, group=group, exclusive=exclusive, exit_on_error=False)
        if done is not None:
            self._when_done[worker] = done

    def said(self, event: Busy) -> tuple[str, ...]:
        """Take in what a task says it does (or that it ended); what is under way now."""
        if event.what:
            self.tasks[event.task] = event.what
        else:
            self.tasks.pop(event.task, None)
        return tuple(self.tasks.values())

    def running(self, group: str) -> bool:
        return any(worker.group == group and not worker.is_finished for worker in self.node.workers)

    def ended(self, event: Worker.StateChanged) -> None:
        """A task that ends, however it ends, leaves the status line; its result goes to what waits
        for it; a failure is said."""
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        worker, group = event.worker, event.worker.group
        done = self._when_done.pop(worker, None)
        if group in self.tasks and not self.running(group):
            self.node.post_message(Busy(group, None))
        if event.state == WorkerState.SUCCESS and done is not None:
            done(worker.result)
        if event.state == WorkerState.ERROR:
            error = worker.error
            self.node.notify(f"{TASK_NAMES.get(group, group)} failed: {type(error).__name__}: {error}",
                             title="Background work", severity="error", timeout=15, markup=False)
