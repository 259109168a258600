"""The dictionary on the reading screen: the word at the cursor on the word line, the panel of
every entry (`d`), vocabulary (`V`), the pinyin style (`P`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.annotations.store import Annotation, StoreError
from reader.ui.messages import AnnotationsChanged, Busy
from reader.ui.parts.context import Reading

if TYPE_CHECKING:
    from reader.dictionary import Dictionary, Entry, Match, PinyinStyle


class DictionaryPart:
    def __init__(self, reading: Reading, show_line: Callable[[str | None], None]) -> None:
        """`show_line` puts a word on the word line (None: hides it)."""
        self.reading = reading
        self.show_line = show_line
        self.dictionary: Dictionary | None = None
        """CC-CEDICT, loaded in a worker when the cursor first appears."""
        self.cache: Path | None = None
        """Where the dictionary's cache lives (None: the user's cache folder)."""
        self.unavailable: str | None = None
        """Why the dictionary cannot be loaded, once that is known (said once, not tried again)."""
        self._loading = False

    def pinyin_style(self) -> PinyinStyle:
        from reader.dictionary import STYLES, PinyinStyle

        style = self.reading.state.pinyin
        return PinyinStyle(style) if style in STYLES else PinyinStyle.MARKS

    def load_words(self) -> None:
        """Words come from jieba, started by the first word key (it costs a second and ~150 MB, so
        not before it is wanted), saying so while it loads."""
        if not self.reading.working("words"):
            from reader.search.index import jieba_splitter  # Starts jieba, taught the gazetteer's names.

            self.reading.post_message(Busy("words", "Loading word boundaries"))
            self.reading.in_background(jieba_splitter, "words", lambda _: self.reading.notify(
                "Word keys (w W) now move by words.", title="Words", timeout=3))

    def _load(self) -> None:
        """CC-CEDICT takes ~50 ms from its cache (a second or two the first time): in a worker,
        saying so, and only once the reader has a cursor to look words up with."""
        if not self._loading:
            self._loading = True
            self.reading.post_message(Busy("dictionary", "Loading the dictionary"))
            self.reading.in_background(self._read, "dictionary", self._loaded)

    def _read(self) -> Dictionary | str:
        """The dictionary, or why it cannot be loaded."""
        from reader.dictionary import Dictionary, DictionaryError

        try:
            return Dictionary.load(self.cache)
        except DictionaryError as error:
            return str(error)

    def _loaded(self, dictionary: Dictionary | str) -> None:
        if isinstance(dictionary, str):
            self.unavailable = dictionary
            self.reading.notify(dictionary, title="Dictionary", severity="error", timeout=15)
            return
        self.dictionary = dictionary
        self.show_word(self.reading.view.cursor)

    def _words_at(self, cursor: int) -> list[Match]:
        """The dictionary words that start at the cursor in the text as shown, longest first."""
        texts = self.reading.view.texts
        assert self.dictionary is not None and texts is not None
        return self.dictionary.matches_at(texts.body, cursor)

    def show_word(self, cursor: int | None) -> None:
        """The word at the cursor, its pinyin and first sense, on the line above the status bar."""
        view = self.reading.view
        if cursor is None or view.texts is None or self.unavailable:
            self.show_line(None)
            return
        if self.dictionary is None:
            self._load()
            return
        from reader.dictionary import brief_sense

        matches = self._words_at(cursor)
        if not matches:
            self.show_line(None)
            return
        style, entry = self.pinyin_style(), matches[0].entries[0]
        more = sum(len(match.entries) for match in matches) - 1
        script = "simplified" if view.script_mode == "simplified" else "traditional"
        sense = brief_sense(entry.senses[0], script) if entry.senses else ""
        more_words = f"  · d: {more} more" if more else ""
        self.show_line(f"{matches[0].text}  {entry.pinyin_as(style)}  {sense}{more_words}")

    def define(self) -> None:
        """The dictionary panel for the word at the cursor and the words inside it; with no word
        there, the panel's look-up field (characters, pinyin or English)."""
        reading = self.reading
        cursor, texts, article = reading.view.cursor, reading.view.texts, reading.current
        if self.unavailable:
            reading.notify(self.unavailable, title="Dictionary", severity="error")
            return
        if self.dictionary is None:
            self._load()
            reading.notify("The dictionary is loading: d again in a moment.", title="Dictionary")
            return
        from reader.ui.screens.word import WordScreen

        words: list[tuple[str, list[Entry]]] = []
        entity = None
        if cursor is not None and texts is not None and article is not None:
            words = [(match.text, list(match.entries)) for match in self._words_at(cursor)]
            entity = next((e.type for e in reading.entities.of(article.id) if e.start <= cursor < e.end), None)
            if not words and texts.body[cursor].isalnum():  # A character CC-CEDICT lacks: pypinyin reads it.
                words = [(texts.body[cursor], [])]
        reading.open_dialog(WordScreen(words, self.dictionary, self.pinyin_style(), entity=entity,
                                       next_style=self.next_pinyin_style))

    def save_word(self) -> None:
        """Keep the word or name at the cursor (or the selection) as vocabulary: an annotation
        tagged `vocab`, which `reader export --format anki` turns into a note with its sentence."""
        reading = self.reading
        view, article = reading.view, reading.current
        if article is None or view.cursor is None or view.texts is None:
            reading.notify("Move the cursor onto a word first (arrows, h l, w W).", title="Vocabulary")
            return
        cursor = view.cursor
        if view.selection is not None:
            start, end = view.selection
        else:  # The longest of the word and a name starting at the cursor (`>` puts it there): 1月26日, not 1.
            words = [(m.start, m.end) for m in self._words_at(cursor)] if self.dictionary is not None else []
            names = [(s.start, s.end) for s in view.spans_at("entities", cursor) if s.start == cursor]
            start, end = max([*words[:1], *names, (cursor, cursor + 1)], key=lambda span: span[1])
        word = reading.shown.text(article.body[start:end])
        if any(a.start == start and a.end == end and "vocab" in a.tags
               for a in reading.placed.of(article.id, article.body)):
            reading.notify(f"“{word}” is already in your vocabulary.", title="Vocabulary")
            return
        try:
            reading.annotations.add(Annotation.new(article.id, article.body, start, end, tags=("vocab",)))
        except StoreError as error:
            reading.notify(str(error), title="Not saved", severity="error", timeout=15)
            return
        reading.post_message(AnnotationsChanged(article.id))
        reading.notify(f"“{word}” saved to your vocabulary (tag vocab; X exports Anki notes).", title="Vocabulary")

    def next_pinyin_style(self) -> PinyinStyle:
        """The next style, remembered, on the word line and in the panel (its own `P` calls this)."""
        from reader.dictionary import STYLES

        style = STYLES[(STYLES.index(self.pinyin_style()) + 1) % len(STYLES)]
        self.reading.state.change(pinyin=style)
        self.show_word(self.reading.view.cursor)
        names = {"marks": "tone marks (mǎ)", "numbers": "tone numbers (ma3)", "zhuyin": "zhuyin (ㄇㄚˇ)"}
        self.reading.notify(f"Pinyin in {names.get(style, style)}.", title="Dictionary")
        return self.pinyin_style()
