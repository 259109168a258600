"""The key hints at the bottom of the screen: the keys that act where the reader is.

Textual's `Footer` shows its own screen's bindings, app-wide ones first, and cuts the last label
mid-word when they do not fit. Here: the keys of the screen on top (a dialog's, while one is
open), those of the focused widget first, none that the focused widget would take as typing
(`?` in the filter box is a character), and only whole labels, as many as fit.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.keys import REPLACED_KEYS, key_to_character
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from reader.settings.keymap import ACTIONS

_ORDER = {action_id: number for number, action_id in enumerate(ACTIONS)}

#: Cells a hint takes besides its key and label (the key's padding, the label's).
_PADDING = 3
#: Room kept for the command palette's key on the right.
_PALETTE = 22


class KeyHints(Footer):
    def on_mount(self) -> None:
        super().on_mount()
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def _screen_changed(self, screen: Screen) -> None:
        screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.bindings_changed(screen)

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if self.is_attached and screen is self.app.screen:
            self.call_after_refresh(self.recompose)

    def on_resize(self) -> None:
        self.call_after_refresh(self.recompose)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        room = (self.size.width or self.app.size.width) - (_PALETTE if self.show_command_palette else 0)
        shown = []
        for key, binding, enabled, tooltip in self.hints():
            display = self.app.get_key_display(binding)
            room -= cell_len(display) + cell_len(binding.description) + _PADDING
            if room < 0:
                break  # Whole labels only.
            shown.append(FooterKey(key, display, binding.description, binding.action, disabled=not enabled,
                                   tooltip=tooltip).data_bind(compact=Footer.compact))
        self.styles.grid_size_columns = max(1, len(shown))
        yield from shown
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.app.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                yield FooterKey(palette.binding.key, self.app.get_key_display(palette.binding),
                                palette.binding.description, palette.binding.action,
                                classes="-command-palette").data_bind(compact=Footer.compact)

    def hints(self) -> list[tuple[str, Binding, bool, str]]:
        """(key, binding, enabled, tooltip) to show, most useful first: the help key, then the
        focused widget's keys, then its containers', then those that work everywhere."""
        screen = self.app.screen
        focused = screen.focused
        chain = [id(node) for node in focused.ancestors_with_self] if focused is not None else [id(screen)]
        found: list[tuple[int, int, tuple[str, Binding, bool, str]]] = []
        seen: set[str] = set()
        for key, (node, binding, enabled, tooltip) in screen.active_bindings.items():
            if not binding.show or (binding.id or binding.action) in seen:
                continue
            if focused is not None and focused.check_consume_key(key, _character(key)):
                continue  # It would be typed, not obeyed.
            seen.add(binding.id or binding.action)
            if binding.id == "app.help":
                rank = -1
            elif (binding.id or "").startswith("app.") or id(node) not in chain:
                rank = len(chain)  # Keys that work everywhere (the app's and the reading screen's) last.
            else:
                rank = chain.index(id(node))
            order = _ORDER.get(binding.id or "", len(_ORDER) + len(found))  # As in keymap.toml.
            found.append((rank, order, (key, binding, enabled, tooltip)))
        return [hint for _, _, hint in sorted(found)]


def _character(key: str) -> str | None:
    """The character a key types. Textual's `key_to_character` misses the keys it renames
    (`slash` is its name for `/`), so those are looked up by their Unicode names."""
    return key_to_character(REPLACED_KEYS.get(key, key))
