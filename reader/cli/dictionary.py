"""The `reader` subcommands of the dictionary: registered with the others by `reader.cli.commands`.

Every command imports this module, so it imports nothing of the dictionary until `define` runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from reader.cli.shared import whole_number

#: `reader.dictionary.STYLES`, spelt out so that building the parser loads no dictionary code.
PINYIN_STYLES = ("marks", "numbers", "zhuyin")
#: Entries shown at most unless `--limit` says otherwise (a word's own are all shown).
DEFAULT_LIMIT = 10


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to the `reader` parser."""
    define = commands.add_parser("define", help="a word's CC-CEDICT entries, or the entries for some pinyin or English")
    define.add_argument("word", metavar="WORD", nargs="+",
                        help="Traditional or Simplified characters, a Latin-script entry (3C), pinyin with tone "
                             "marks, numbers or none (mǎ, ma3, ma, ni3hao3), or English (horse, ice cream)")
    define.add_argument("--json", action="store_true",
                        help="print JSON: [{traditional, simplified, pinyin, pinyin_marks, senses}]")
    define.add_argument("--pinyin", choices=PINYIN_STYLES, default="marks",
                        help="how the plain output shows pinyin (default: tone marks)")
    define.add_argument("--limit", type=whole_number(0, "0 shows every entry"), default=DEFAULT_LIMIT, metavar="N",
                        help=f"show at most N entries (default {DEFAULT_LIMIT}; 0: all); "
                             "a word's own entries are all shown")


def cmd_define(args: argparse.Namespace) -> None:
    from reader.cli.shared import UsageError, print_json
    from reader.dictionary import Dictionary, DictionaryError, format_pinyin, guess_reading, readable_sense

    word = " ".join(" ".join(args.word).split())
    if not word:
        raise UsageError("the word is empty: give the word to look up")
    try:
        dictionary = Dictionary.load()
        entries, more = dictionary.find(word, args.limit or None, building=_say_indexing)
    except DictionaryError as error:
        print(f"reader: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    if args.json:
        print_json([entry.to_json() for entry in entries])
    if not entries:  # Nothing found: status 1, as for `search` (and `[]` in JSON).
        guess = guess_reading(word)
        hint = (f" (pypinyin reads it {format_pinyin(guess.pinyin, args.pinyin)})" if guess.pinyin != word
                else ": no word, pinyin or English sense matches it")
        print(f"reader: “{word}” is not in CC-CEDICT{hint}", file=sys.stderr)
        raise SystemExit(1)
    if args.json:
        return
    for number, entry in enumerate(entries):
        if number:
            print()
        same = entry.simplified == entry.traditional
        forms = entry.traditional if same else f"{entry.traditional} {entry.simplified}"
        print(f"{forms} [{entry.pinyin_as(args.pinyin)}]")
        for index, sense in enumerate(entry.senses, start=1):
            print(f"  {index}. {readable_sense(sense, args.pinyin)}")
    if more:
        print("\n… more entries match: --limit N shows N of them, --limit 0 all")


def _say_indexing() -> None:
    print("reader: indexing CC-CEDICT's pinyin and English (the first time only: a few seconds)…", file=sys.stderr)


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {"define": cmd_define}
