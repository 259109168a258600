"""Annotations out to Markdown, CSV, W3C Web Annotation JSON and Anki notes, and W3C JSON back in.

Positions are always code points into the original body (the unit of `TextPositionSelector`);
`script` only changes the quoted text (and its context) that an export shows. An orphaned
annotation (its text gone from an edited article) is marked as such in every format and given no
position: its old one points at other text now.

An annotation tagged `vocab` is a word saved from the dictionary: every format also carries its
pinyin, its CC-CEDICT senses and its sentence, and `anki` writes those (only those) as notes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.annotations.anchoring import anchor, context_of
from reader.annotations.store import (
    COLOR_VALUES,
    COLORS,
    DEFAULT_COLOR,
    Annotation,
    now,
    place_all,
)
from reader.articles.corpus import Article
from reader.system.storage import dumps_json, without_surrogates, write_named
from reader.text.controls import strip_controls
from reader.text.conversion import ORIGINAL, convert, fold
from reader.text.sentences import sentence_span

if TYPE_CHECKING:
    from reader.dictionary import Dictionary

FORMATS = ("markdown", "csv", "json", "anki")
VOCAB_TAG = "vocab"
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SOURCE_PREFIX = "urn:x-reader:article:"
CSV_FIELDS = ["article", "title", "source", "start", "end", "quote", "note", "tags", "color", "created", "modified",
              "orphaned", "pinyin", "senses", "sentence"]
ANKI_COLUMNS = ["Word", "Pinyin", "Meaning", "Sentence", "Source", "Tags"]
_UUID = re.compile(r"^[0-9a-f]{32}$")


def _in_script(text: str, script: str) -> str:
    return text if script == ORIGINAL else convert(text, script)


def _ordered(annotations: Iterable[Annotation], articles: dict[str, Article]) -> list[Annotation]:
    """By article (in corpus order), then by position."""
    order = {article_id: index for index, article_id in enumerate(articles)}
    return sorted(annotations, key=lambda a: (order.get(a.article, len(order)), a.article, a.start, a.created))


# -- vocabulary -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VocabCard:
    """What a `vocab` annotation exports beside its quote: pinyin in tone marks, senses (each
    entry's, `; `-separated, entries on their own lines with their pinyin when there are
    several), and the sentence around the word split where the word is."""

    word: str
    pinyin: str
    senses: str
    before: str
    after: str

    @property
    def sentence(self) -> str:
        return self.before + self.word + self.after

    def sentence_html(self) -> str:
        return _html(self.before) + f"<b>{_html(self.word)}</b>" + _html(self.after)


def is_vocab(annotation: Annotation) -> bool:
    return VOCAB_TAG in annotation.tags


@lru_cache(maxsize=1)
def _dictionary() -> Dictionary | None:
    """CC-CEDICT, loaded once per process when a vocabulary word is first exported; None when
    its data is not installed (the cards then carry pypinyin's pinyin and no senses)."""
    from reader.dictionary import Dictionary, DictionaryError

    try:
        return Dictionary.load()
    except DictionaryError:
        return None


def vocab_card(annotation: Annotation, article: Article | None, script: str = ORIGINAL,
               orphaned: bool = False) -> VocabCard:
    """The card of a vocabulary annotation: looked up as it is in the article (either script
    finds it), shown in `script`. An orphan's sentence comes from its saved context."""
    from reader.dictionary import PinyinStyle, guess_reading, readable_sense

    word = annotation.quote
    if article is not None and not orphaned:
        text, start, end = article.body, annotation.start, annotation.end
    else:
        text = annotation.prefix + word + annotation.suffix
        start, end = len(annotation.prefix), len(annotation.prefix) + len(word)
    first, last = sentence_span(text, start, end)
    dictionary = _dictionary()
    entries = dictionary.lookup(word) if dictionary is not None else []
    if entries:
        readings = list(dict.fromkeys(entry.pinyin_as(PinyinStyle.MARKS) for entry in entries))
        groups = ["; ".join(readable_sense(sense) for sense in entry.senses) for entry in entries]
        if len(entries) > 1:
            groups = [f"[{entry.pinyin_as(PinyinStyle.MARKS)}] {group}" for entry, group in zip(entries, groups)]
        pinyin, senses = " / ".join(readings), "\n".join(groups)
    else:
        try:
            pinyin = guess_reading(word).pinyin_as(PinyinStyle.MARKS)
        except ImportError:
            pinyin = ""
        senses = "(not in CC-CEDICT)"
    return VocabCard(_in_script(word, script), pinyin, senses, _in_script(text[first:start], script),
                     _in_script(text[end:last], script))


def _html(text: str) -> str:
    return escape(text).replace("\t", " ").replace("\r\n", "<br>").replace("\n", "<br>")


def to_anki(annotations: Iterable[Annotation], articles: dict[str, Article], script: str = ORIGINAL,
            orphaned: frozenset[str] = frozenset()) -> str:
    """The `vocab` annotations as Anki notes: tab-separated, HTML fields, with the header lines
    Anki (2.1.54+) reads to set the separator, the columns and the tags column, so an import
    needs no settings. Columns: word, pinyin, meaning, the sentence with the word in <b>, the
    source article's title, the annotation's tags."""
    output = io.StringIO()
    output.write("#separator:tab\n#html:true\n")
    output.write("#columns:" + "\t".join(ANKI_COLUMNS) + "\n")
    output.write(f"#tags column:{ANKI_COLUMNS.index('Tags') + 1}\n")
    writer = csv.writer(output, delimiter="\t", lineterminator="\n")
    for annotation in _ordered(annotations, articles):
        if not is_vocab(annotation):
            continue
        article = articles.get(annotation.article)
        card = vocab_card(annotation, article, script, annotation.id in orphaned)
        title = _in_script(article.title, script) if article else annotation.article
        tags = " ".join(re.sub(r"\s+", "_", tag) for tag in annotation.tags)
        writer.writerow([_html(card.word), _html(card.pinyin), _html(card.senses), card.sentence_html(),
                         _html(title), tags])
    return output.getvalue()


def to_markdown(annotations: Iterable[Annotation], articles: dict[str, Article], script: str = ORIGINAL,
                orphaned: frozenset[str] = frozenset()) -> str:
    """One section per article; each annotation its quote as a block quote, then note and details."""
    lines = ["# Annotations", ""]
    current = None
    for annotation in _ordered(annotations, articles):
        if annotation.article != current:
            current = annotation.article
            article = articles.get(current)
            title = _in_script(article.title, script) if article else current
            lines += [f"## {title}", ""]
            if article and article.source:
                lines += [f"Source: {_in_script(article.source, script)} · `{current}`", ""]
            else:
                lines += [f"`{current}`", ""]
        quote = _in_script(annotation.quote, script)
        lines += [f"> {line}" if line else ">" for line in quote.splitlines() or [""]]
        lines.append("")
        if is_vocab(annotation):
            card = vocab_card(annotation, articles.get(annotation.article), script, annotation.id in orphaned)
            lines += [f"**{card.word}** {card.pinyin}  ", *(f"{line}  " for line in card.senses.splitlines()),
                      f"*{card.before}**{card.word}**{card.after}*", ""]
        if annotation.note:
            lines += [_markdown_lines(annotation.note), ""]
        details = []
        if annotation.tags:
            details.append(" ".join(f"#{_markdown_tag(tag)}" for tag in annotation.tags))
        details.append(f"colour: {annotation.color}")
        if annotation.id in orphaned:
            details.append("orphaned: this text is no longer in the article")
        else:
            details.append(_characters(annotation.start, annotation.end))
        details.append(f"created {annotation.created}")
        if annotation.modified != annotation.created:
            details.append(f"modified {annotation.modified}")
        lines += [" · ".join(details), ""]
    return "\n".join(lines).rstrip() + "\n"


def _markdown_lines(text: str) -> str:
    """Text whose line breaks stay line breaks in Markdown (a lone newline joins lines there):
    each line but the last ends in a hard break; blank lines still part paragraphs."""
    lines = text.splitlines()
    return "\n".join(line + "  " if line and following else line
                     for line, following in zip(lines, [*lines[1:], ""]))


def _characters(start: int, end: int) -> str:
    """Where the quote is, as a person counts: from 1, both ends included (`TextPositionSelector`
    and CSV keep the 0-based, end-exclusive offsets)."""
    return f"character {end}" if end - start == 1 else f"characters {start + 1}–{end}"


def _markdown_tag(tag: str) -> str:
    """Obsidian tags cannot hold spaces or most punctuation."""
    return re.sub(r"[\s#,;.()\[\]{}]+", "_", tag)


def to_csv(annotations: Iterable[Annotation], articles: dict[str, Article], script: str = ORIGINAL,
           *, bom: bool = False, orphaned: frozenset[str] = frozenset()) -> str:
    """RFC 4180: a header row, CRLF line ends, fields quoted where they need it. An orphan has no
    start and end, and `yes` under `orphaned`."""
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for annotation in _ordered(annotations, articles):
        article = articles.get(annotation.article)
        orphan = annotation.id in orphaned
        card = vocab_card(annotation, article, script, orphan) if is_vocab(annotation) else None
        writer.writerow([
            annotation.article,
            _in_script(article.title, script) if article else "",
            _in_script(article.source, script) if article else "",
            "" if orphan else annotation.start,
            "" if orphan else annotation.end,
            _in_script(annotation.quote, script),
            annotation.note,
            ", ".join(annotation.tags),
            annotation.color,
            annotation.created,
            annotation.modified,
            "yes" if orphan else "no",
            card.pinyin if card else "",
            card.senses if card else "",
            card.sentence if card else "",
        ])
    return ("\ufeff" if bom else "") + output.getvalue()


def to_w3c(annotations: Iterable[Annotation], articles: dict[str, Article], script: str = ORIGINAL,
           orphaned: frozenset[str] = frozenset()) -> list[dict]:
    """W3C Web Annotations: note and tags as TextualBody, quote and position selectors (an
    orphan only the quote), colour as a style class with its stylesheet."""
    items = []
    for annotation in _ordered(annotations, articles):
        body = []
        if annotation.note:
            body.append({"type": "TextualBody", "value": annotation.note, "purpose": "commenting",
                         "format": "text/plain"})
        body += [{"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in annotation.tags]
        article = articles.get(annotation.article)
        if is_vocab(annotation):  # Read back as nothing: only comments and tags are imported.
            card = vocab_card(annotation, article, script, annotation.id in orphaned)
            body.append({"type": "TextualBody", "purpose": "describing", "format": "text/plain", "language": "en",
                         "value": f"{card.word} [{card.pinyin}]\n{card.senses}\n{card.sentence}"})
        source = {"id": SOURCE_PREFIX + annotation.article, "type": "Text", "format": "text/plain"}
        if article is not None:
            source["title"] = _in_script(article.title, script)
        item = {
            "@context": W3C_CONTEXT,
            "id": f"urn:uuid:{annotation.id}" if _UUID.match(annotation.id) else annotation.id,
            "type": "Annotation",
            "motivation": "commenting" if annotation.note else "highlighting",
            "created": annotation.created,
            "modified": annotation.modified,
            "body": body,
            "target": {
                "source": source,
                "styleClass": f"reader-{annotation.color}",
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": _in_script(annotation.quote, script),
                        "prefix": _in_script(annotation.prefix, script),
                        "suffix": _in_script(annotation.suffix, script),
                    },
                ] + ([] if annotation.id in orphaned else [
                    {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end},
                ]),
            },
            "stylesheet": {
                "type": "CssStylesheet",
                "value": f".reader-{annotation.color} {{ background-color: {COLOR_VALUES[annotation.color]} }}",
            },
        }
        items.append(item)
    return items


def export(fmt: str, annotations: Iterable[Annotation], articles: dict[str, Article], script: str = ORIGINAL,
           *, bom: bool = False, orphaned: frozenset[str] = frozenset()) -> str:
    """`orphaned`: ids of the annotations whose text is no longer in their article."""
    if fmt == "markdown":
        return to_markdown(annotations, articles, script, orphaned)
    if fmt == "csv":
        return to_csv(annotations, articles, script, bom=bom, orphaned=orphaned)
    if fmt == "json":
        return dumps_json(to_w3c(annotations, articles, script, orphaned), indent=2) + "\n"
    if fmt == "anki":
        return to_anki(annotations, articles, script, orphaned)
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")


def export_current(fmt: str, annotations: Iterable[Annotation], articles: list[Article], script: str = ORIGINAL,
                   *, bom: bool = False) -> str:
    """Annotations exported where their quotes are in the articles now, orphans marked."""
    placed, orphans = place_all(list(annotations), {a.id: a.body for a in articles})
    return export(fmt, placed + orphans, {a.id: a for a in articles}, script, bom=bom,
                  orphaned=frozenset(a.id for a in orphans))


def what_is_exported(fmt: str, annotations: Iterable[Annotation]) -> str:
    """What an export of `annotations` holds, for the line that says it was written: an Anki
    file holds only the vocabulary words."""
    if fmt == "anki":
        count = sum(1 for annotation in annotations if is_vocab(annotation))
        return f"{count} vocabulary note" + ("" if count == 1 else "s")
    count = sum(1 for _ in annotations)
    return f"{count} annotation" + ("" if count == 1 else "s")


def write_export(path: Path, text: str) -> None:
    """Write an export where the user said (`write_named`). (An article id made from a file name
    that is not UTF-8 is written with U+FFFD, as the terminal shows it.) OSError if it cannot be."""
    write_named(path, without_surrogates(text))


# -- import ---------------------------------------------------------------------------------------


class W3CError(Exception):
    """A file that is not W3C annotation JSON at all."""


def _text(value: Any) -> str:
    """A string field as text UTF-8 can hold; anything else (a number, null, a list) as none."""
    return without_surrogates(value) if isinstance(value, str) else ""


def _clean(value: Any) -> str:
    """A note or tag from outside: text without the control characters a terminal would obey."""
    return strip_controls(_text(value))


def _position(selector: dict | None, key: str) -> int:
    value = selector.get(key) if selector is not None else None
    return value if type(value) is int else -1


def _timestamp(value: Any) -> str | None:
    """A W3C `created` or `modified` in the form the store compares (UTC, milliseconds, `Z`);
    None for anything that is not a date and time (it would win or lose every merge)."""
    try:
        moment = datetime.fromisoformat(_text(value))
        moment = moment.astimezone(UTC) if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # Not a date, or one that leaves the calendar in UTC.
        return None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Imported:
    annotations: list[Annotation] = field(default_factory=list)
    not_placed: list[str] = field(default_factory=list)
    """One line per annotation that could not be placed in any article: why."""


def _listed(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _items(data) -> list[dict]:
    """Annotations of a JSON document: an array, an AnnotationCollection (with `first.items`), or one."""
    if isinstance(data, list):
        return [item for item in data if isinstance(item, dict)]
    if isinstance(data, dict):
        if data.get("type") == "AnnotationCollection":
            first = data.get("first")
            items = first.get("items") if isinstance(first, dict) else data.get("items")
            return [item for item in _listed(items) if isinstance(item, dict)]
        if "target" in data:
            return [data]
    raise W3CError("not W3C Web Annotation JSON (an array, an AnnotationCollection or an Annotation)")


def _our_id(item: dict, content: list) -> str:
    """The item's id (a `urn:uuid:` one as the store writes uuids); one without an id gets one
    made from what it says, so importing it again finds it instead of adding it twice."""
    given = strip_controls(_text(item.get("id"))).removeprefix("urn:uuid:")
    if given:
        return given
    return "import-" + hashlib.sha1(dumps_json(content).encode("utf-8")).hexdigest()[:16]


def read_w3c(text: str, articles: list[Article]) -> Imported:
    """Annotations from W3C JSON, placed by their quote (in either script) in the given articles.
    A field of the wrong type counts as missing; notes and tags come without control characters."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise W3CError(f"not valid JSON ({error})") from None
    except RecursionError:
        raise W3CError("not W3C Web Annotation JSON (nested too deeply to read)") from None
    by_id = {article.id: article for article in articles}
    folded = _FoldedBodies(articles)
    result = Imported()
    seen: dict[str, tuple] = {}
    for number, item in enumerate(_items(data), start=1):
        label = _clean(item.get("id")) or f"annotation {number}"
        targets = [t for t in _listed(item.get("target")) if isinstance(t, dict)]
        quote = position = None
        source = ""
        style = ""
        for target in targets:
            raw_source = target.get("source")
            source = _text(raw_source.get("id") if isinstance(raw_source, dict) else raw_source)
            style = _text(target.get("styleClass"))
            for selector in _listed(target.get("selector")):
                if not isinstance(selector, dict):
                    continue
                if selector.get("type") == "TextQuoteSelector" and _text(selector.get("exact")):
                    quote = {key: _text(selector.get(key)) for key in ("exact", "prefix", "suffix")}
                elif selector.get("type") == "TextPositionSelector":
                    position = selector
        if quote is None:
            result.not_placed.append(f"{label}: no TextQuoteSelector with the quoted text")
            continue
        start, end = _position(position, "start"), _position(position, "end")
        placed = _place(quote, start, end, source, by_id, folded)
        if placed is None:
            result.not_placed.append(f"{label}: “{strip_controls(quote['exact'][:30])}” is in none of the articles")
            continue
        bodies = [(b.get("purpose", "commenting"), _clean(b.get("value")))
                  for b in _listed(item.get("body")) if isinstance(b, dict)]
        note = "\n\n".join(value for purpose, value in bodies if purpose == "commenting" and value)
        tags = tuple(value for purpose, value in bodies if purpose == "tagging" and value)
        colour = style.removeprefix("reader-") if style.removeprefix("reader-") in COLORS else DEFAULT_COLOR
        created = _timestamp(item.get("created")) or now()
        annotation_id = _our_id(item, [source, quote, start, end, note, list(tags)])
        article, start, end = placed
        text_quote, prefix, suffix = context_of(article.body, start, end)
        annotation = Annotation(annotation_id, article.id, start, end, text_quote, prefix, suffix, note, tags,
                                colour, created, _timestamp(item.get("modified")) or created)
        if seen.setdefault(annotation.id, annotation.content()) != annotation.content():
            annotation = annotation._replace(id=f"{annotation.id}~{annotation.digest()}")  # A second, not the first.
        result.annotations.append(annotation)
    return result


class _FoldedBodies:
    """Each article's folded body, made when first needed."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = articles
        self._folded: dict[str, str] = {}

    def __getitem__(self, article: Article) -> str:
        if article.id not in self._folded:
            self._folded[article.id] = fold(article.body)
        return self._folded[article.id]


def _place(quote: dict[str, str], start: int, end: int, source: str, by_id: dict[str, Article],
           folded: _FoldedBodies) -> tuple[Article, int, int] | None:
    """The article and offsets for a quote: the named article first, else any that holds it."""
    exact, prefix, suffix = (fold(quote[key]) for key in ("exact", "prefix", "suffix"))
    named = by_id.get(source.removeprefix(SOURCE_PREFIX))
    candidates = [named] if named is not None else [a for a in folded.articles if exact in folded[a]]
    for article in candidates:
        # Folding keeps lengths, so offsets found in the folded body are the original's.
        place = anchor(folded[article], start, end, exact, prefix, suffix)
        if place is not None:
            return article, place.start, place.end
    return None
