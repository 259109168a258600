"""Text fields that take a burst of keys in the order it was typed.

Textual inserts a printable key in the field it reaches, at once, but acts on the field's own
bindings (arrows, home, backspace, delete) only after the key has bubbled up to the app, a few
turns of the event loop later. Keys typed faster than that (a fast typist, tmux send-keys, a paste
without bracketed paste) came out of order: `abc`, backspace, `d` gave `abcd`; `a` on a note, home,
`NEW` put `NEW` at the end. These fields act on their own bindings as the key arrives.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea


class _KeysInOrder:
    """Mixin before a text field's class: its own (non-priority) bindings run in `_on_key`, as
    Textual would run them (an action that does not apply, such as scrolling a field that cannot
    scroll, leaves the key to the dialog: `up` recalls an earlier query). Textual calls the
    `_on_key` of every class of the field in turn: any other key goes on to the field's own
    (prevent_default stops that for a binding acted on here)."""

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, []):  # type: ignore[attr-defined]
            if not binding.priority and await self.app.run_action(binding.action, self):  # type: ignore[attr-defined]
                event.stop()
                event.prevent_default()
                return


class Field(_KeysInOrder, Input):
    """A one-line text field."""


class TextBox(_KeysInOrder, TextArea):
    """A text field of several lines."""
