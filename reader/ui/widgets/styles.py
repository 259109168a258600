"""Rich styles of a widget and its component classes, computed once per CSS or theme change.

Line API widgets ask for styles on every line they draw; working them out from CSS each time
costs more than drawing the line.

Highlights (entity types, annotation colours) are a palette in code rather than component classes:
one place for each colour, shared with the entity panel and the exports, and a dozen component
classes fewer for Textual to restyle each time the article view's styles are applied (three times
before the first paint).
"""

from __future__ import annotations

from rich.style import Style
from textual.color import Color
from textual.widget import Widget

from reader.annotations.store import COLOR_VALUES
from reader.entities.mentions import DATE, MONEY, ORG, PERCENT, PERSON, PLACE, PRODUCT

#: How each entity type looks: a theme variable for its colour (each theme its own), a text style.
ENTITY_LOOKS = {
    PERSON: ("text-accent", "bold"), ORG: ("text-primary", ""), PRODUCT: ("text-secondary", ""),
    PLACE: ("text-success", ""), MONEY: ("text-warning", ""), DATE: ("text-warning", "italic"),
    PERCENT: ("text-error", ""),
}
#: How strongly an annotation's colour tints the background of its text.
ANNOTATION_TINT = 0.3


def entity_style(kind: str) -> str:
    """The entity type's look as a Textual style string (for Content), bold."""
    return f"bold ${ENTITY_LOOKS[kind][0]}"


def entity_layer(kind: str) -> str:
    """The name a span of this entity type is drawn with (see `StyleCache`)."""
    return f"entity-{kind}"


def annotation_layer(colour: str, depth: int = 0) -> str:
    """The name a span of an annotation in this colour is drawn with (see `StyleCache`); `depth`:
    how many annotations hold it (a word annotated inside an annotated sentence: 1)."""
    return f"annotation-{colour}" + (f"-{depth}" if depth else "")


class StyleCache:
    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._styles: dict[str, Style] = {}

    @property
    def base(self) -> Style:
        """The widget's own style (colours and background)."""
        if "" not in self._styles:
            self._styles[""] = self._widget.rich_style
        return self._styles[""]

    def __getitem__(self, name: str) -> Style:
        """Only the attributes a component class (or a highlight) sets, to lay over the base."""
        if name not in self._styles:
            self._styles[name] = self._highlight(name) or self._component(name)
        return self._styles[name]

    def _component(self, name: str) -> Style:
        """A component class's own style. Its translucent colours (`$text-muted` is `auto 60%`,
        a highlight `$primary 18%`) are laid over the widget's background, as Textual does for a
        whole style: its partial style drops the alpha, so muted text came out white (unreadable
        in a light theme) and highlights at full strength."""
        style = self._widget.get_component_rich_style(name, partial=True)
        styles = self._widget.get_component_styles(name)
        translucent_text = style.color is not None and (styles.color.a < 1 or styles.auto_color)
        translucent_background = style.bgcolor is not None and styles.background.a < 1
        if translucent_text or translucent_background:
            whole = self._widget.get_component_rich_style(name)
            style += Style(color=whole.color if translucent_text else None,
                           bgcolor=whole.bgcolor if translucent_background else None)
        return style

    def _highlight(self, name: str) -> Style | None:
        kind, _, value = name.partition("-")
        if kind == "entity" and value in ENTITY_LOOKS:
            variable, text_style = ENTITY_LOOKS[value]
            colour = Color.parse(self._widget.app.theme_variables[variable])
            return (Style.parse(text_style) if text_style else Style()) + Style(color=colour.rich_color)
        colour_name, _, depth = value.partition("-")
        if kind == "annotation" and colour_name in COLOR_VALUES:
            # Inside another annotation: tinted once more for each that holds it, and underlined,
            # so a word annotated inside an annotated sentence of the same colour still shows.
            tint = Color.parse(COLOR_VALUES[colour_name]).with_alpha(ANNOTATION_TINT)
            background, held = self._widget.styles.background, int(depth) if depth.isdigit() else 0
            for _ in range(1 + min(held, 2)):
                background += tint
            return Style(bgcolor=background.rich_color, underline=held > 0)
        return None

    def clear(self) -> None:
        self._styles.clear()
