"""Textual `Binding`s for one context, from the action registry and the bundled keymap.

Every binding has the action's id, so a user keymap reaches it through `App.set_keymap`.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from reader.settings.keymap import ACTIONS, default_keys

#: The `app` actions that work on every screen; the others are the reading screen's.
APP_WIDE = frozenset({"app.quit", "app.help", "app.command_palette"})
#: Contexts whose keys are acted on as they arrive (priority bindings), so a burst of them keeps
#: its order: `a` opens its dialog at once (the keys after it are the note's), and the keys before
#: it must have moved the cursor by then (`l l v l a` sent at once annotated nothing: the cursor
#: keys waited in the view's queue while `a` ran). The article view takes no typing.
IN_ORDER = frozenset({"article"})


def bindings_for(context: str, *, app_wide: bool | None = None) -> list[BindingType]:
    """The bindings of a context; of `app`, with `app_wide`, only those (or only the others)."""
    return [
        Binding(
            default_keys(action.id),
            action.action,
            action.hint or action.description,
            show=bool(action.hint),
            priority=action.priority or action.context in IN_ORDER,
            tooltip=action.description,
            id=action.id,
        )
        for action in ACTIONS.values()
        if action.context == context and (app_wide is None or (action.id in APP_WIDE) == app_wide)
    ]
