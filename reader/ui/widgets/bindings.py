"""Textual `Binding`s for one context, from the action registry and the bundled keymap.

Every binding has the action's id, so a user keymap reaches it through `App.set_keymap`.
"""

from __future__ import annotations

from textual.binding import Binding

from reader.settings.keymap import ACTIONS, default_keys


def bindings_for(context: str) -> list[Binding]:
    return [
        Binding(
            default_keys(action.id),
            action.action,
            action.hint or action.description,
            show=bool(action.hint),
            priority=action.priority,
            tooltip=action.description,
            id=action.id,
        )
        for action in ACTIONS.values()
        if action.context == context
    ]
