"""The key hints at the bottom of the screen: the keys that act where the reader is.

Textual's `Footer` shows its own screen's bindings, app-wide ones first, cuts the last label
mid-word when they do not fit, and builds a widget per key each time the focus moves (100-120 ms
of styling here: the hints lagged the focus by a fifth of a second and more). Here: one line drawn
from the bindings whenever it is asked for; the keys of the screen on top (a dialog's, while one
is open), those of the focused widget first, none that the focused widget would take as typing
(`?` in the filter box is a character), none that a widget says it does not offer where the reader
is (`offers`: no "Delete note" where there is no note), and only whole labels, as many as fit.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.keys import REPLACED_KEYS, key_to_character
from textual.screen import Screen
from textual.widget import Widget

from reader.settings.keymap import ACTIONS

_ORDER = {action_id: number for number, action_id in enumerate(ACTIONS)}



class Hint(NamedTuple):
    key: str
    display: str
    description: str
    enabled: bool


class KeyHints(Widget):
    DEFAULT_CSS = """
    KeyHints {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        & > .key-hints--key { color: $footer-key-foreground; background: $footer-key-background; text-style: bold; }
        & > .key-hints--description {
            color: $footer-description-foreground; background: $footer-description-background;
        }
        & > .key-hints--disabled { text-style: dim; }
        & > .key-hints--rule { color: $foreground 20%; }
    }
    """

    COMPONENT_CLASSES = {"key-hints--key", "key-hints--description", "key-hints--disabled", "key-hints--rule"}

    ALLOW_SELECT = False

    def __init__(self) -> None:
        super().__init__()
        self._places: list[tuple[int, int, str]] = []
        """Where each hint drawn is (first and last cell) and the key it stands for."""

    def on_mount(self) -> None:
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self._screen_changed(self.app.screen)

    def _screen_changed(self, screen: Screen) -> None:
        screen.bindings_updated_signal.subscribe(self, lambda _: self.refresh())
        self.refresh()

    @property
    def labels(self) -> list[str]:
        """The hints as drawn now: "key description", the command palette's last."""
        shown, palette = self._fitting()
        return [f"{hint.display} {hint.description}" for hint in [*shown, *([palette] if palette else [])]]

    def _fitting(self) -> tuple[list[Hint], Hint | None]:
        """The hints that fit whole, and the command palette's (drawn at the right)."""
        if not self.is_attached:
            return [], None
        screen = self.app.screen
        palette_binding = screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING) \
            if self.app.ENABLE_COMMAND_PALETTE else None
        palette = None
        if palette_binding is not None:
            binding = palette_binding.binding
            palette = Hint(binding.key, self.app.get_key_display(binding), binding.description, True)
        room = (self.size.width or self.app.size.width) - (self._width(palette) + 3 if palette else 0)
        shown = []
        for hint in self.hints():
            room -= self._width(hint)
            if room < 0:
                break  # Whole labels only.
            shown.append(hint)
        return shown, palette

    @staticmethod
    def _width(hint: Hint) -> int:
        return cell_len(hint.display) + cell_len(hint.description) + 3  # " key " and "description ": the gap.

    def render(self) -> Text:
        """Plain text in the footer's colours (labels are never read as markup)."""
        shown, palette = self._fitting()
        key_style, description_style = self._style("key"), self._style("description")
        text = Text(no_wrap=True, overflow="crop")
        self._places = []
        for hint in shown:
            dim = self._style("disabled") if not hint.enabled else Style()
            self._places.append((text.cell_len, text.cell_len + self._width(hint), hint.key))
            text.append(f" {hint.display} ", key_style + dim)
            text.append(f"{hint.description} ", description_style + dim)
        if palette is not None:
            start = self.size.width - self._width(palette) - 1
            text.append(" " * max(0, start - text.cell_len))
            text.append("▏", self._style("rule"))
            self._places.append((text.cell_len, text.cell_len + self._width(palette), palette.key))
            text.append(f" {palette.display} ", key_style)
            text.append(f"{palette.description} ", description_style)
        return text

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"key-hints--{name}")

    def on_click(self, event: events.Click) -> None:
        """A hint clicked acts as its key does."""
        for first, last, key in self._places:
            if first <= event.x < last:
                self.app.simulate_key(key)
                return

    def hints(self) -> list[Hint]:
        """The hints to show, most useful first: the help key, then the focused widget's keys,
        then its containers', then those that work everywhere."""
        screen = self.app.screen
        focused = screen.focused
        chain = [id(node) for node in focused.ancestors_with_self] if focused is not None else [id(screen)]
        found: list[tuple[int, int, Hint]] = []
        seen: set[str] = set()
        for key, (node, binding, enabled, _tooltip) in screen.active_bindings.items():
            if not binding.show or (binding.id or binding.action) in seen or not _offered(node, binding):
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
            found.append((rank, order, Hint(key, self.app.get_key_display(binding), binding.description, enabled)))
        return [hint for _, _, hint in sorted(found)]


def _offered(node: object, binding: Binding) -> bool:
    """Whether the widget whose key it is offers it where the reader is (its `offers`, if any)."""
    offers = getattr(node, "offers", None)
    return offers is None or binding.id is None or bool(offers(binding.id))


def _character(key: str) -> str | None:
    """The character a key types. Textual's `key_to_character` misses the keys it renames
    (`slash` is its name for `/`), so those are looked up by their Unicode names."""
    return key_to_character(REPLACED_KEYS.get(key, key))
