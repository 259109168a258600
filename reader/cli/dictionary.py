"""The `reader` subcommands of the dictionary: registered with the others by `reader.cli.commands`.

Every command imports this module, so it imports nothing of the dictionary until `define` runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

#: `reader.dictionary.STYLES`, spelt out so that building the parser loads no dictionary code.
PINYIN_STYLES = ("marks", "numbers", "zhuyin")


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to the `reader` parser."""
    define = commands.add_parser("define", help="a word's CC-CEDICT entries: pinyin and English")
    define.add_argument("word", metavar="WORD",
                        help="Traditional or Simplified characters, or a Latin-script entry (3C)")
    define.add_argument("--json", action="store_true",
                        help="print JSON: [{traditional, simplified, pinyin, pinyin_marks, senses}]")
    define.add_argument("--pinyin", choices=PINYIN_STYLES, default="marks",
                        help="how the plain output shows pinyin (default: tone marks)")


def cmd_define(args: argparse.Namespace) -> None:
    from reader.cli.shared import UsageError, print_json
    from reader.dictionary import Dictionary, DictionaryError, format_pinyin, guess_reading, readable_sense

    word = args.word.strip()
    if not word:
        raise UsageError("the word is empty: give the word to look up")
    try:
        dictionary = Dictionary.load()
    except DictionaryError as error:
        print(f"reader: {error}", file=sys.stderr)
        raise SystemExit(1) from None
    entries = dictionary.lookup(word)
    if not entries:
        guess = guess_reading(word)
        hint = f" (pypinyin reads it {format_pinyin(guess.pinyin, args.pinyin)})" if guess.pinyin != word else ""
        print(f"reader: “{word}” is not in CC-CEDICT{hint}", file=sys.stderr)
        raise SystemExit(1)
    if args.json:
        print_json([entry.to_json() for entry in entries])
        return
    for number, entry in enumerate(entries):
        if number:
            print()
        same = entry.simplified == entry.traditional
        forms = entry.traditional if same else f"{entry.traditional} {entry.simplified}"
        print(f"{forms} [{entry.pinyin_as(args.pinyin)}]")
        for index, sense in enumerate(entry.senses, start=1):
            print(f"  {index}. {readable_sense(sense, args.pinyin)}")


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {"define": cmd_define}
