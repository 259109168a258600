"""Textual `Binding`s for one context, from the action registry and the bundled keymap.

Every binding has the action's id, so a user keymap reaches it through `App.set_keymap`.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.widget import Widget

from reader.settings.keymap import ACTIONS, default_keys

#: The `app` actions that work on every screen; the others are the reading screen's.
APP_WIDE = frozenset({"app.quit", "app.help", "app.command_palette"})


#: Contexts whose keys act as they arrive (see `bindings_for`), besides the reading screen's own.
#: Not the filter box's: its esc and down must wait for the typing queued before them.
IN_ORDER = frozenset({"article"})


def bindings_for(context: str, *, app_wide: bool | None = None) -> list[BindingType]:
    """The bindings of a context; of `app`, with `app_wide`, only those (or only the others).

    The keys of the reading screen and the article view are acted on as they arrive (priority
    bindings), and what they focus takes the focus at once (`focus_now`), so a burst of keys keeps
    its order: `l l v l a` sent at once annotated nothing (the cursor keys waited in the view's
    queue while `a` ran), `e j` scrolled the text instead of the panel. The screen lets a text
    field have the keys it types (`ReadingScreen.check_action`)."""
    return [
        Binding(
            default_keys(action.id),
            action.action,
            action.hint or action.description,
            show=bool(action.hint),
            priority=action.priority or action.context in IN_ORDER or (action.context == "app" and app_wide is False),
            tooltip=action.description,
            id=action.id,
        )
        for action in ACTIONS.values()
        if action.context == context and (app_wide is None or (action.id in APP_WIDE) == app_wide)
    ]


def same_key(action_id: str, action: str) -> Binding:
    """A binding of another context's action's keys (its id: a user keymap moves both) to
    `action` here: `P` changes the pinyin in the word panel as it does on the reading screen."""
    return Binding(default_keys(action_id), action, ACTIONS[action_id].description, show=False, id=action_id)


def focus_now(widget: Widget) -> None:
    """Give `widget` the focus at once. `Widget.focus` waits its turn in the app's queue, so in a
    burst the keys after the one that moved the focus (`e j j`, `f` and a filter) went to the
    widget that had it."""
    if widget.is_mounted:
        widget.screen.set_focus(widget)
    else:
        widget.focus()  # Not on screen yet: once it is.
