"""The headless subcommands: the contract other tools and tests rely on (JSON with --json).

What only one command needs (entity detection, layout) is imported by that command: every
command pays for the imports of this module.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from reader.articles.corpus import Article, Corpus
from reader.cli.shared import UsageError, find_article, load_articles, print_json, whole_number
from reader.text.controls import json_escaped_for_terminal
from reader.text.conversion import MODES, ORIGINAL, SIMPLIFIED, TRADITIONAL

if TYPE_CHECKING:
    from reader.annotations.store import AnnotationStore
    from reader.search.index import Results, Scanned

#: Each subcommand, and the module of `reader.cli` that runs it: loaded when it is named (a
#: command pays for its own imports only: `reader search` comes in a tenth of a second).
COMMAND_MODULES = {
    **dict.fromkeys(["list", "show", "convert", "entities", "search", "annotate", "annotations", "export", "import",
                     "keys"], "commands"),
    "define": "dictionary", "add": "library", "remove": "library", "feeds": "feeds", "update": "feeds",
    "mark": "feeds",
}


def command(name: str) -> Callable[[argparse.Namespace], None]:
    module = import_module(f"reader.cli.{COMMAND_MODULES[name]}")
    return module.COMMANDS[name]


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser, only: str | None = None
                 ) -> None:
    """The subcommands, added to the `reader` parser (`commands` is its subparsers action); with
    `only`, that one (what it needs for its options is imported only then)."""
    added = set()
    for name, module in COMMAND_MODULES.items():
        if only not in (None, name):
            continue
        if module == "commands":
            _PARSERS[name](commands, common)
        elif module not in added:  # It adds its commands itself.
            added.add(module)
            import_module(f"reader.cli.{module}").add_commands(commands, common)


def _list_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    listing = commands.add_parser("list", parents=[common], help="list the articles")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument("--unread", action="store_true", help="only the articles not read yet")


def _show_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    show = commands.add_parser("show", parents=[common], help="print one article")
    show.add_argument("article", metavar="ARTICLE", help="an article id or its 1-based position")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.add_argument("--script", choices=MODES, default=ORIGINAL, help="the script to print in")


def _convert_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    conversion = commands.add_parser("convert", help="convert stdin to another script, on stdout")
    conversion.add_argument("--to", choices=[SIMPLIFIED, TRADITIONAL], required=True, help="target script")


def _entities_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from reader.entities.mentions import TYPES

    entities = commands.add_parser("entities", parents=[common], help="named entities with their offsets")
    entities.add_argument("article", metavar="ARTICLE", nargs="?", help="one article (default: all)")
    entities.add_argument("--type", action="append", choices=TYPES, dest="types", help="only this type (repeatable)")
    entities.add_argument("--entities", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                          help="your gazetteer, added to the bundled one")
    entities.add_argument("--json", action="store_true", help="print JSON")


def _search_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    search = commands.add_parser("search", parents=[common], help="find words in every article")
    search.add_argument("query", metavar="QUERY", help='words that must all occur; "quote" a phrase')
    search.add_argument("--word", action="store_true", help="whole jieba words only")
    search.add_argument("--json", action="store_true", help="print JSON")


def _annotate_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from reader.annotations.store import COLORS, DEFAULT_COLOR

    annotate = commands.add_parser("annotate", parents=[common], help="add an annotation")
    annotate.add_argument("article", metavar="ARTICLE", help="an article id or its 1-based position")
    where = annotate.add_mutually_exclusive_group(required=True)
    where.add_argument("--quote", metavar="TEXT", help="the text to annotate, as it is in the article")
    where.add_argument("--start", type=int, metavar="N", help="where the text starts (code points)")
    annotate.add_argument(
        "--occurrence", type=whole_number(1, "occurrences count from 1"), default=1, metavar="N",
        help="which occurrence of --quote (default 1)",
    )
    annotate.add_argument("--end", type=int, metavar="M", help="where the text ends (with --start)")
    annotate.add_argument("--note", default="", help="the note")
    annotate.add_argument("--tag", action="append", default=[], dest="tags", help="a tag (repeatable)")
    annotate.add_argument("--color", default=DEFAULT_COLOR, choices=COLORS, help="the colour")
    annotate.add_argument("--annotations", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                          help="the annotations file to use")
    annotate.add_argument("--json", action="store_true", help="print the annotation as JSON")


def _annotations_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    listing_notes = commands.add_parser("annotations", parents=[common], help="list annotations")
    listing_notes.add_argument("article", metavar="ARTICLE", nargs="?", help="one article (default: all)")
    listing_notes.add_argument("--tag", help="only annotations with this tag")
    listing_notes.add_argument("--annotations", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                               help="the annotations file to use")
    listing_notes.add_argument("--json", action="store_true", help="print JSON")


def _export_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from reader.annotations.export import FORMATS

    exporting = commands.add_parser("export", parents=[common],
                                    help="annotations as Markdown, CSV, W3C JSON or Anki notes")
    exporting.add_argument("--format", choices=FORMATS, required=True,
                           help="anki: the `vocab` annotations as notes (word, pinyin, meaning, sentence, source)")
    exporting.add_argument("--article", metavar="ID", help="only this article's annotations (id or number)")
    exporting.add_argument("--tag", help="only annotations with this tag")
    exporting.add_argument("--script", choices=MODES, default=ORIGINAL, help="the script quotes are shown in")
    exporting.add_argument("--output", type=Path, metavar="FILE", help="write here (default: standard output)")
    exporting.add_argument(
        "--bom", action="store_true", help="CSV: start with a UTF-8 byte-order mark (for spreadsheets)"
    )
    exporting.add_argument("--annotations", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                           help="the annotations file to use")


def _import_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    importing = commands.add_parser("import", parents=[common], help="read W3C annotation JSON back in")
    importing.add_argument("file", type=Path, metavar="FILE.json")
    importing.add_argument("--annotations", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                           help="the annotations file to use")


def _keys_parser(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    keys = commands.add_parser("keys", help="print the key bindings in effect (Markdown)")
    keys.add_argument("--keymap", type=Path, metavar="FILE", default=argparse.SUPPRESS,
                      help="key bindings overriding keymap.toml")


_PARSERS = {"list": _list_parser, "show": _show_parser, "convert": _convert_parser, "entities": _entities_parser,
            "search": _search_parser, "annotate": _annotate_parser, "annotations": _annotations_parser,
            "export": _export_parser, "import": _import_parser, "keys": _keys_parser}


def _unreadable(articles: Iterable[Article]) -> None:
    """Say which articles' files could not be read when their bodies were needed (their text
    then counts as empty: not shown as if the article had none)."""
    for article in articles:
        if article.problem:
            print(f"reader: cannot read {article.id}: {article.problem}", file=sys.stderr)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _one_line(text: str) -> str:
    """Text for a one-row-per-line listing: its line breaks shown as ⏎."""
    return re.sub(r"\s*\n\s*", " ⏎ ", text.strip())


def cmd_list(args: argparse.Namespace) -> None:
    from reader.cli.feeds import read_state_of

    corpus = load_articles(args)
    state = read_state_of(args, required=args.unread)
    read = (lambda a: None) if state.problem else (lambda a: state.is_read(a.id))  # Unknown: not "unread".
    # Numbered as in the whole list, --unread or not: the number is what `show` and `mark` take.
    listed = [(number, a) for number, a in enumerate(corpus.articles, start=1) if not (args.unread and read(a))]
    if args.json:
        print_json(
            [
                {"id": a.id, "title": a.title, "source": a.source, "date": a.date, "path": a.path, "chars": a.length,
                 "encoding": a.encoding, "read": read(a)}
                for _, a in listed
            ]
        )
        return
    for number, article in listed:
        source = article.source or Path(article.path).name
        print(f"{number:>3}  {article.id}  {source}  {article.length:,}字  {article.title}")


def cmd_show(args: argparse.Namespace) -> None:
    from reader.reading.layout import article_script, article_texts
    from reader.text.conversion import display_text
    from reader.text.paragraphs import split_blocks

    article = find_article(load_articles(args), args.article)
    if not article.body and article.problem:
        print(f"reader: cannot read {article.id}: {article.problem}", file=sys.stderr)
        raise SystemExit(1)
    texts = article_texts(article, args.script)
    source = display_text(article.source, args.script, article_script(article))
    if args.json:
        print_json({"id": article.id, "title": texts.title, "source": source, "body": texts.body})
        return
    print(texts.title)
    if source:
        print(f"({source})")
    for block in split_blocks(texts.body):
        print()
        print(texts.body[block.start : block.end])


def cmd_entities(args: argparse.Namespace) -> None:
    from reader.entities.detect import (
        EntityCache,
        Gazetteer,
        GazetteerError,
        detect_many,
    )

    corpus = load_articles(args)
    articles = [find_article(corpus, args.article)] if args.article else corpus.articles
    try:
        gazetteer = Gazetteer.load(args.entities)
    except GazetteerError as error:
        raise UsageError(str(error)) from None
    cache = EntityCache()
    rows = []
    for article, entities in zip(articles, detect_many([a.body for a in articles], gazetteer, cache)):
        for entity in entities:
            if not args.types or entity.type in args.types:
                text = article.body[entity.start : entity.end]
                rows.append({"article": article.id, "type": entity.type, "text": text,
                             "start": entity.start, "end": entity.end})
    _unreadable(articles)
    if args.json:
        print_json(rows)
        return
    for article in articles:
        mine = [row for row in rows if row["article"] == article.id]
        print(f"{article.title} ({article.id}): {len(mine)}")
        for row in mine:
            print(f"  {row['start']:>6}-{row['end']:<6} {row['type']:<8} {row['text']}")


def cmd_search(args: argparse.Namespace) -> None:
    from reader.search.index import parse_query, snippet

    if not parse_query(args.query):
        raise UsageError("the query is empty: give the words to find")
    corpus = load_articles(args)
    unreadable: list[Article] = []
    found = _found(corpus, args.query, args.word, unreadable)
    if args.json:
        any_found = _print_json_rows(_json_rows(found))  # Written as found: 228,000 hits need not all be in memory.
        _unreadable(unreadable)
        if not any_found:
            raise SystemExit(1)  # Nothing found, as grep and `define` say it.
        return
    found = list(found)
    _unreadable(unreadable)
    hits = sum(len(scanned.hits) + len(scanned.title_hits) for scanned in found)
    if not hits:
        print(f"No article holds every word of “{args.query}”.")
        raise SystemExit(1)
    print(f"{_count(hits, 'hit')} in {_count(len(found), 'article')}")
    for _, article, body_hits, title_hits in found:
        print(f"\n{article.title} ({article.id}): {len(body_hits) + len(title_hits)}")
        for hit in title_hits:
            title = article.title
            print(f"  {'title':>6}  {title[:hit.start]}[{title[hit.start:hit.end]}]{title[hit.end:]}")
        for hit in body_hits:
            text, start, end = snippet(article.body, hit)
            print(f"  {hit.start:>6}  {text[:start]}[{text[start:end]}]{text[end:]}")


def _json_rows(found: Iterable[Scanned]) -> Iterator[str]:
    """Each hit as a JSON object (as `print_json` writes a dict: the same keys, in order; the
    characters `json_for_terminal` escapes are escaped where the rows are written)."""
    from json.encoder import encode_basestring as string

    from reader.search.index import snippet

    for _, article, hits, title_hits in found:
        article_id, title = string(article.id), string(article.title)
        for hit in title_hits:  # Offsets into the title.
            yield (f'{{"article": {article_id}, "in": "title", "start": {hit.start}, "end": {hit.end}, '
                   f'"text": {string(article.title[hit.start : hit.end])}, "snippet": {title}}}')
        body = article.body
        for hit in hits:
            yield (f'{{"article": {article_id}, "in": "body", "start": {hit.start}, "end": {hit.end}, '
                   f'"text": {string(body[hit.start : hit.end])}, "snippet": {string(snippet(body, hit)[0])}}}')


def _print_json_rows(rows: Iterable[str], chunk: int = 2000) -> bool:
    """A JSON array of objects already written as JSON, one a line, as they come (a chunk of
    rows at a time: a write each would take longer than making them); whether there was any."""
    written = False
    pending: list[str] = []
    for row in rows:
        pending.append(row)
        if len(pending) == chunk:
            sys.stdout.write(("[\n  " if not written else ",\n  ") + json_escaped_for_terminal(",\n  ".join(pending)))
            written, pending = True, []
    if pending:
        sys.stdout.write(("[\n  " if not written else ",\n  ") + json_escaped_for_terminal(",\n  ".join(pending)))
        written = True
    print("\n]" if written else "[]")
    return written


def _found(corpus: Corpus, query: str, word_mode: bool, unreadable: list[Article]) -> Iterable[Scanned]:
    """The articles holding every word of `query` with their hits; `unreadable` gets those whose
    text could not be read. A corpus listed from the index reads only the articles the index
    matches, as it goes; one made in memory is scanned whole."""
    from reader.articles.indexed import IndexedCorpus
    from reader.search.index import SearchIndex, parse_query, scan

    read: Sequence[Article]
    if isinstance(corpus, IndexedCorpus):
        from reader.search.indexed import IndexedSearch

        search = IndexedSearch(corpus.indexed)
        if not word_mode:
            return search.scan(parse_query(query), unreadable)
        results = search.search(query, word_mode=True)
        found, read = _scanned(results), results.articles
    elif word_mode:
        results = SearchIndex(corpus.articles).search(query, word_mode=True)
        found, read = _scanned(results), results.articles
    else:
        found, read = scan(list(corpus.articles), query), corpus.articles
    unreadable += [article for article in read if article.problem]
    return found


def _scanned(results: Results) -> list[Scanned]:
    from reader.search.index import Scanned

    return [Scanned(position, article, hits, results.title_hits(position))
            for position, (article, hits) in zip(results.indices, results.rows())]


def _readable_store(args: argparse.Namespace) -> AnnotationStore:
    """The store, read whole: a file that cannot be read is an error (status 1), never an empty
    list, so a script can tell "no annotations" from "your file is broken"."""
    from reader.annotations.store import AnnotationStore

    store = AnnotationStore(getattr(args, "annotations", None))
    if store.problem:
        shown = store.all()
        hint = f"; it holds {len(shown)}, `--annotations {store.backup_path}` lists them" if shown else ""
        print(f"reader: {store.problem}{hint}", file=sys.stderr)
        raise SystemExit(1)
    return store


def cmd_annotate(args: argparse.Namespace) -> None:
    from reader.annotations.store import Annotation, AnnotationStore, StoreError
    from reader.text.conversion import fold

    article = find_article(load_articles(args), args.article)
    if args.quote is not None:
        # Matched as search matches: either script, any case and width (folding keeps offsets).
        body, quote = fold(article.body), fold(args.quote)
        if not quote.strip():
            raise UsageError("--quote is empty: give the text to annotate")
        start = -1
        for found in range(1, args.occurrence + 1):
            start = body.find(quote, start + 1)
            if start == -1:
                raise UsageError(f"“{args.quote}” occurs {found - 1} time{'' if found == 2 else 's'} in "
                                 f"{article.id}, not {args.occurrence}")
        end = start + len(quote)
    else:
        if args.end is None:
            raise UsageError("--start needs --end")
        start, end = args.start, args.end
    try:
        annotation = Annotation.new(article.id, article.body, start, end, note=args.note, tags=args.tags,
                                    color=args.color)
    except ValueError as error:
        raise UsageError(str(error)) from None
    store = AnnotationStore(getattr(args, "annotations", None))
    try:
        store.add(annotation)
    except StoreError as error:
        print(f"reader: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    if args.json:
        print_json(annotation.to_json())
    else:
        print(f"{annotation.id}  {article.id}  {start}-{end}  {_one_line(annotation.quote)}")


def cmd_annotations(args: argparse.Namespace) -> None:
    from reader.annotations.store import place_all

    corpus = load_articles(args)
    store = _readable_store(args)
    chosen = find_article(corpus, args.article) if args.article else None
    annotations = [a for a in store.all() if chosen is None or a.article == chosen.id]
    if args.tag:
        annotations = [a for a in annotations if args.tag in a.tags]
    annotated = [corpus.find(article_id) for article_id in {a.article for a in annotations}]
    placed, orphans = place_all(annotations, {article.id: article.body for article in annotated if article})
    if args.json:
        print_json(
            [{**a.to_json(), "orphaned": False} for a in placed] + [{**a.to_json(), "orphaned": True} for a in orphans]
        )
        return
    for annotation in placed + orphans:
        where = "orphaned" if annotation in orphans else f"{annotation.start}-{annotation.end}"
        tags = " ".join(f"#{t}" for t in annotation.tags)
        print(f"{annotation.article}  {where}  [{annotation.color}] {_one_line(annotation.quote)}  "
              f"{_one_line(annotation.note)}  {tags}".rstrip())


def cmd_export(args: argparse.Namespace) -> None:
    from reader.annotations.export import export_current, what_is_exported
    from reader.cli.shared import write_output
    from reader.system.storage import without_surrogates

    corpus = load_articles(args)
    chosen = find_article(corpus, args.article).id if args.article else None
    annotations = [
        a
        for a in _readable_store(args).all()
        if (chosen is None or a.article == chosen) and (not args.tag or args.tag in a.tags)
    ]
    text = export_current(args.format, annotations, corpus.articles, args.script, bom=args.bom)
    write_output(args.output, without_surrogates(text), what_is_exported(args.format, annotations))


def cmd_import(args: argparse.Namespace) -> None:
    from reader.annotations.export import W3CError, read_w3c
    from reader.annotations.store import AnnotationStore, StoreError

    corpus = load_articles(args)
    try:
        result = read_w3c(args.file.read_text(encoding="utf-8"), corpus.articles)
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {args.file}: {error}") from None
    except W3CError as error:
        raise UsageError(f"{args.file}: {error}") from None
    store = AnnotationStore(getattr(args, "annotations", None))
    try:
        report = store.import_many(result.annotations) if result.annotations else None
    except StoreError as error:
        print(f"reader: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    placed = f"{len(result.annotations)} placed" + (f" ({report.summary()})" if report else "")
    print(f"{placed}, {len(result.not_placed)} not placed")
    for line in result.not_placed:
        print(f"  not placed: {line}")


def cmd_convert(args: argparse.Namespace) -> None:
    from reader.text.conversion import convert

    sys.stdout.write(convert(sys.stdin.read(), args.to))


def cmd_keys(args: argparse.Namespace) -> None:
    from reader.settings.keymap import KeymapError, keys_markdown, load_keymap

    try:
        print(keys_markdown(load_keymap(args.keymap)), end="")
    except KeymapError as error:
        raise UsageError(str(error)) from None



COMMANDS = {
    "list": cmd_list, "show": cmd_show, "entities": cmd_entities, "search": cmd_search, "convert": cmd_convert,
    "annotate": cmd_annotate, "annotations": cmd_annotations, "export": cmd_export, "import": cmd_import,
    "keys": cmd_keys,
}
