"""The entity panel: the current article's entities grouped by type, with mention counts.

Type rows double as the legend (in the colour the text uses) and as switches that hide a type.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.entities.mentions import TYPES, Group
from reader.ui.widgets.bindings import bindings_for, focus_now
from reader.ui.widgets.styles import entity_style

TYPE_NAMES = {
    "person": "people", "org": "organisations", "product": "products", "place": "places",
    "money": "money", "date": "dates", "percent": "percentages",
}


def _entity_key(option_id: str) -> str:
    """The entity key of an option id `entity:<type>:<key>`."""
    return option_id.split(":", 2)[2]


class EntityList(OptionList):
    BINDINGS = bindings_for("entities")

    def _entity_highlighted(self) -> str | None:
        option = self.highlighted_option
        return _entity_key(option.id) if option is not None and option.id and option.id.startswith("entity:") else None

    def action_mentions_elsewhere(self) -> None:
        key = self._entity_highlighted()
        if key is not None:
            self.post_message(EntityPanel.ShowArticles(key))

    def offers(self, action_id: str) -> bool:
        """The key hints offer `a` on an entity only (not on a type's row, nor in an empty list)."""
        return action_id != "entities.mentions_elsewhere" or self._entity_highlighted() is not None

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        self.refresh_bindings()


class EntityPanel(Vertical):
    DEFAULT_CSS = """
    EntityPanel {
        width: 34;
        border-left: vkey $foreground 20%;
        background: $panel;
        & > #entities-title { height: 1; padding: 0 1; text-style: bold; background: $boost; }
        & > EntityList, & > EntityList:focus { height: 1fr; border: none; padding: 0; background: $panel; }
        & > #entities-help { height: auto; padding: 0 1; color: $text-muted; }
    }
    """

    @dataclass
    class EntityChosen(Message):
        """The reader chose an entity: the mention keys walk its mentions."""

        key: str

    @dataclass
    class TypeToggled(Message):
        """An entity type's highlighting was switched on or off."""

        kind: str

    @dataclass
    class ShowArticles(Message):
        """Which articles mention this entity, and how often."""

        key: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._groups: list[Group] = []
        self._hidden: set[str] = set()
        self._texts: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("Entities", id="entities-title")
        yield EntityList(id="entity-list")
        yield Static("enter: type on/off, or go to the entity · a: other articles", id="entities-help")

    def focus_list(self) -> None:
        focus_now(self.query_one(EntityList))

    def show(self, groups: list[Group], texts: dict[str, str], hidden: set[str], ready: bool) -> None:
        """List `groups`; `texts` gives each key's text as shown; `ready` is False while jieba works."""
        self._groups, self._texts, self._hidden = groups, texts, hidden
        option_list = self.query_one(EntityList)
        highlighted = option_list.highlighted_option.id if option_list.highlighted_option else None
        options: list[Option] = []
        for kind in TYPES:
            members = [g for g in self._groups if g.type == kind]
            if not members:
                continue
            mark = "○" if kind in hidden else "●"
            label = Content.assemble((f"{mark} {TYPE_NAMES[kind]}", entity_style(kind)), f" {len(members)}")
            options.append(Option(label, id=f"type:{kind}"))
            for member in members:
                text = Content(f"  {self._texts.get(member.key, member.key)}  ×{member.mentions}")
                # One key may be found as two types (一州 a person and a place): ids hold both.
                options.append(Option(text, id=f"entity:{kind}:{member.key}"))
        with option_list.prevent(OptionList.OptionHighlighted):
            option_list.set_options(options)
            ids = [option.id for option in options]
            if highlighted in ids:
                option_list.highlighted = ids.index(highlighted)
        title = "Entities" if ready else "Entities (finding names…)"
        self.query_one("#entities-title", Static).update(title if options or not ready else "Entities: none found")

    @on(OptionList.OptionSelected, "#entity-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        kind, _, value = (event.option.id or "").partition(":")
        if kind == "type":
            self.post_message(self.TypeToggled(value))
        elif kind == "entity":
            self.post_message(self.EntityChosen(_entity_key(event.option.id or "")))
