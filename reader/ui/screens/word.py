"""The dictionary panel: every CC-CEDICT entry of the word at the cursor and of the shorter words
inside it (Zhongwen's longest-match rule), with cross-references that can be followed, and a field
to look up any word by its characters, its pinyin or its English (`Dictionary.find`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.dictionary import (
    CrossReference,
    Dictionary,
    Entry,
    PinyinStyle,
    brief_sense,
    format_pinyin,
    readable_sense,
)
from reader.ui.screens.dialog import Dialog
from reader.ui.widgets.bindings import bindings_for, same_key
from reader.ui.widgets.fields import Field

#: Entries a look-up lists at most.
FOUND = 30


@dataclass(frozen=True)
class _Shown:
    """What the panel shows: words with their entries (and the entity the cursor is on), or what
    a look-up found (`query` set)."""

    words: tuple[tuple[str, tuple[Entry, ...]], ...] = ()
    entity: str | None = None
    query: str = ""
    found: tuple[Entry, ...] = ()
    more: bool = False


class WordScreen(Dialog[None]):
    """Shows `words` (longest first: the word at the cursor, then the words inside it), each with
    all its entries; choosing a cross-reference shows that word, `back` returns. Typing in the
    field lists the entries a query finds; choosing one shows it."""

    BINDINGS = [*bindings_for("word"), same_key("app.pinyin_style", "pinyin_style")]

    DEFAULT_CSS = """
    WordScreen {
        & > .dialog-box { width: 84; max-width: 96%; height: auto; max-height: 90%; padding: 0 1; }
        & #query { border: none; height: 1; padding: 0 1; margin-bottom: 1; background: $boost; }
        & #entries { height: auto; max-height: 30; }
        & .word { text-style: bold; color: $text-primary; margin-top: 1; }
        & .word-first { margin-top: 0; }
        & .senses { padding-left: 2; }
        & #references { height: auto; max-height: 8; border: none; margin-top: 1; }
        & #references.found { max-height: 20; margin-top: 0; text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

    def __init__(self, words: list[tuple[str, list[Entry]]], dictionary: Dictionary, style: PinyinStyle, *,
                 entity: str | None = None, next_style: Callable[[], PinyinStyle] | None = None) -> None:
        """`words`: (word as the text shows it, its entries), none to open on the look-up field;
        `entity`: the type of the entity the cursor is on, if any; `next_style` moves on to the
        next pinyin style and returns it (the reader's, remembered)."""
        super().__init__()
        self.dictionary = dictionary
        self.style = style
        self._next_style = next_style
        self._shown = _Shown(tuple((word, tuple(entries)) for word, entries in words), entity)
        self._history: list[_Shown] = []
        self._targets: list[CrossReference] = []

    def compose(self) -> ComposeResult:
        keys = "enter: follow · tab: look up · backspace: back · esc: close"
        with self.box(self._title(), keys):
            yield Field(placeholder="Look up: 馬, mǎ, ma3, ma, horse", id="query", select_on_focus=False)
            yield VerticalScroll(id="entries")
            yield OptionList(id="references")

    @property
    def words(self) -> list[str]:
        """The words shown now, longest first (after following a reference: that word)."""
        return [word for word, _ in self._shown.words]

    @property
    def found(self) -> list[Entry]:
        """The entries the look-up lists now, best first."""
        return list(self._shown.found)

    def _title(self) -> str:
        shown = self._shown
        if shown.query:
            return f"Look up “{shown.query}”"
        word = shown.words[0][0] if shown.words else "Look up"
        return f"{word} · {shown.entity}" if shown.entity else word

    def on_mount(self) -> None:
        self._fill()
        if not self.dictionary.reverse_loaded:
            self._prepare()

    @work(thread=True, group="look-up-index", exit_on_error=False)
    def _prepare(self) -> None:
        """The pinyin and English index, made ready while the panel is read (built the first
        time: a few seconds), so that the first look-up does not wait for all of it."""
        self.dictionary.reverse()

    def _fill(self, focus: bool = True) -> None:
        """Show `_shown`; with `focus`, on the list to follow if there is one."""
        entries = self.query_one("#entries", VerticalScroll)
        entries.remove_children()
        options = self.query_one("#references", OptionList)
        options.clear_options()
        shown = self._shown
        if shown.query:
            widgets = [Static(Content(self._summary()), classes="senses")]
            self._targets = [CrossReference("", e.traditional, e.simplified, e.pinyin) for e in shown.found]
            labels = [self._found_label(entry) for entry in shown.found]
        else:
            widgets = self._entry_widgets()
            self._targets = []
            for _, found in shown.words:
                for entry in found:
                    self._targets += [r for r in entry.references if r not in self._targets]
            labels = [self._reference_label(reference) for reference in self._targets]
        entries.mount_all(widgets)
        options.set_class(bool(shown.query), "found")
        options.add_options([Option(Content(label), id=str(index)) for index, label in enumerate(labels)])
        options.display = bool(labels)
        if labels:
            options.highlighted = 0
        if focus:  # Enter follows the first at once; the arrows choose another.
            if labels:
                options.focus()
            elif shown.words:
                entries.focus()
            else:
                self.query_one("#query", Input).focus()
        self.query_one(".dialog-box").border_title = self._title()

    def _entry_widgets(self) -> list[Static]:
        widgets: list[Static] = []
        for number, (word, found) in enumerate(self._shown.words):
            for entry in found:
                forms = entry.traditional if entry.traditional == entry.simplified else (
                    f"{entry.traditional} · {entry.simplified}")
                classes = "word word-first" if not widgets else "word"
                widgets.append(Static(Content(f"{forms}   {entry.pinyin_as(self.style)}"), classes=classes))
                senses = "\n".join(f"{n}. {readable_sense(sense, self.style)}"
                                   for n, sense in enumerate(entry.senses, start=1))
                widgets.append(Static(Content(senses or "(no meaning given)"), classes="senses"))
            if not found:
                reading = self.dictionary.reading(word)
                line = f"{word}   {reading.pinyin_as(self.style)}  (pinyin by pypinyin: not in CC-CEDICT)"
                widgets.append(Static(Content(line), classes="word word-first" if not number else "word"))
        if not widgets:
            widgets.append(Static(Content("No word at the cursor: type characters, pinyin (mǎ, ma3, ma) or "
                                          "English (horse) above."), classes="senses"))
        return widgets

    def _summary(self) -> str:
        shown = self._shown
        if not shown.found:
            return f"Nothing in CC-CEDICT for “{shown.query}”."
        count = f"the first {len(shown.found)}" if shown.more else f"{len(shown.found)}"
        return f"{count} {'entry' if len(shown.found) == 1 else 'entries'}, best first · enter shows one"

    def _found_label(self, entry: Entry) -> str:
        forms = entry.traditional + (f" · {entry.simplified}" if entry.simplified != entry.traditional else "")
        senses = "; ".join(brief_sense(sense) for sense in entry.senses)
        return f"{forms}  {entry.pinyin_as(self.style)}  {senses}"

    def _reference_label(self, reference: CrossReference) -> str:
        forms = reference.traditional + (f" · {reference.simplified}"
                                         if reference.simplified != reference.traditional else "")
        pinyin = f"  {format_pinyin(reference.pinyin, self.style)}" if reference.pinyin else ""
        return f"{reference.kind or 'see'} {forms}{pinyin}"

    # -- following ------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#references")
    def _follow(self, event: OptionList.OptionSelected) -> None:
        self._show_target(int(event.option.id or 0))

    def _show_target(self, index: int) -> None:
        """Show the word a reference or a found entry points to; `back` returns here."""
        target = self._targets[index]
        self._history.append(self._shown)
        self._shown = _Shown(((target.traditional, tuple(self.dictionary.follow(target))),))
        self._fill()

    def action_pinyin_style(self) -> None:
        if self._next_style is not None:
            self.style = self._next_style()
            self._fill(focus=False)

    def action_back(self) -> None:
        if self._history:
            self._shown = self._history.pop()
            field = self.query_one("#query", Input)
            with field.prevent(Input.Changed):
                field.value = self._shown.query
            self._fill()

    # -- looking up -----------------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        query = event.value.strip()
        if query:
            if not self.dictionary.reverse_loaded:
                self.query_one(".dialog-box").border_title = (
                    f"Look up “{query}” · indexing pinyin and English (the first time: a few seconds)…")
            self._look_up(query)
        elif self._shown.query:  # The field emptied: back to what was shown before the look-up.
            self._shown = self._history.pop() if self._history else _Shown()
            self._fill(focus=False)

    @work(thread=True, exclusive=True, group="look-up")
    def _look_up(self, query: str) -> None:
        found = self.dictionary.find(query, FOUND)
        self.app.call_from_thread(self._show_found, query, found.entries, found.more)

    def _show_found(self, query: str, found: list[Entry], more: bool) -> None:
        if query != self.query_one("#query", Input).value.strip():
            return  # Typed on since: another look-up is coming.
        if not self._shown.query:
            self._history.append(self._shown)
        self._shown = _Shown(query=query, found=tuple(found), more=more)
        self._fill(focus=False)

    def action_next_field(self) -> None:
        """From the field, tab goes to the list (the entries found, or the references)."""
        options = self.query_one("#references", OptionList)
        if isinstance(self.focused, Input) and options.display:
            options.focus()
        else:
            self.focus_next()

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        """Enter shows the best entry found (tab goes to the list to choose another)."""
        if self._shown.query and self._targets:
            self._show_target(0)
