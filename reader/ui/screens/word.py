"""The dictionary panel: every CC-CEDICT entry of the word at the cursor and of the shorter words
inside it (Zhongwen's longest-match rule), with cross-references that can be followed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.dictionary import CrossReference, Dictionary, Entry, PinyinStyle, format_pinyin, readable_sense
from reader.ui.screens.dialog import Dialog
from reader.ui.widgets.bindings import bindings_for


class WordScreen(Dialog[None]):
    """Shows `words` (longest first: the word at the cursor, then the words inside it), each with
    all its entries; choosing a cross-reference shows that word, `back` returns."""

    BINDINGS = bindings_for("word")

    DEFAULT_CSS = """
    WordScreen {
        & > .dialog-box { width: 84; max-width: 96%; height: auto; max-height: 90%; padding: 0 1; }
        & #entries { height: auto; max-height: 30; }
        & .word { text-style: bold; color: $text-primary; margin-top: 1; }
        & .word-first { margin-top: 0; }
        & .senses { padding-left: 2; }
        & #references { height: auto; max-height: 8; border: none; margin-top: 1; }
    }
    """

    def __init__(self, words: list[tuple[str, list[Entry]]], dictionary: Dictionary, style: PinyinStyle, *,
                 entity: str | None = None) -> None:
        """`words`: (word as the text shows it, its entries); `entity`: the type of the entity the
        cursor is on, if any."""
        super().__init__()
        self.dictionary = dictionary
        self.style = style
        self.entity = entity
        self._shown = words
        self._history: list[list[tuple[str, list[Entry]]]] = []

    def compose(self) -> ComposeResult:
        keys = "enter: follow a reference · backspace: back · esc: close"
        with self.box(self._title(), keys):
            yield VerticalScroll(id="entries")
            yield OptionList(id="references")

    @property
    def words(self) -> list[str]:
        """The words shown now, longest first (after following a reference: that word)."""
        return [word for word, _ in self._shown]

    def _title(self) -> str:
        word = self._shown[0][0] if self._shown else ""
        return f"{word} · {self.entity}" if self.entity else word

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        entries = self.query_one("#entries", VerticalScroll)
        entries.remove_children()
        widgets: list[Static] = []
        references: list[CrossReference] = []
        for number, (word, found) in enumerate(self._shown):
            for entry in found:
                forms = entry.traditional if entry.traditional == entry.simplified else (
                    f"{entry.traditional} · {entry.simplified}")
                classes = "word word-first" if not widgets else "word"
                widgets.append(Static(Content(f"{forms}   {entry.pinyin_as(self.style)}"),
                                      classes=classes))
                senses = "\n".join(f"{n}. {readable_sense(sense, self.style)}"
                                   for n, sense in enumerate(entry.senses, start=1))
                widgets.append(Static(Content(senses or "(no meaning given)"), classes="senses"))
                references += [r for r in entry.references if r not in references]
            if not found:
                reading = self.dictionary.reading(word)
                line = f"{word}   {reading.pinyin_as(self.style)}  (pinyin by pypinyin: not in CC-CEDICT)"
                widgets.append(Static(Content(line), classes="word word-first" if not number else "word"))
        entries.mount_all(widgets)
        options = self.query_one("#references", OptionList)
        options.clear_options()
        options.add_options([Option(Content(self._reference_label(r)), id=str(i)) for i, r in enumerate(references)])
        options.display = bool(references)
        if references:  # Enter follows the first at once; the arrows choose another.
            options.highlighted = 0
            options.focus()
        self._references = references
        self.query_one(".dialog-box").border_title = self._title()

    def _reference_label(self, reference: CrossReference) -> str:
        forms = reference.traditional + (f" · {reference.simplified}"
                                         if reference.simplified != reference.traditional else "")
        pinyin = f"  {format_pinyin(reference.pinyin, self.style)}" if reference.pinyin else ""
        return f"{reference.kind or 'see'} {forms}{pinyin}"

    @on(OptionList.OptionSelected, "#references")
    def _follow(self, event: OptionList.OptionSelected) -> None:
        reference = self._references[int(event.option.id or 0)]
        found = self.dictionary.follow(reference)
        self._history.append(self._shown)
        self._shown = [(reference.traditional, found)]
        self.entity = None
        self._fill()

    def action_back(self) -> None:
        if self._history:
            self._shown = self._history.pop()
            self._fill()
