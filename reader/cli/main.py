"""The `reader` command: starts the app, or hands a subcommand to `reader.cli.commands`.

Starting the app is kept light: the subcommands, their parser and the modules they need are loaded
only when one is named (they would put ~10 ms on the way to the first paint).

Errors are one line on stderr and a non-zero status: 2 for a bad command line or a reference that
does not exist, 1 when nothing could be loaded. No traceback reaches the user.

Whatever the commands print passes through `TerminalStream`: titles, notes, URLs and server
messages come from outside, and their control characters are shown (`␛`), never obeyed.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any, NoReturn, TextIO

from reader.cli.shared import UsageError, corpus_paths, library_folder, load_articles
from reader.system import paths
from reader.text.controls import visible_controls


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--corpus", action="append", type=Path, metavar="PATH", default=argparse.SUPPRESS,
        help="a file or folder of articles (repeatable; default: the bundled seeds and the library)",
    )
    common.add_argument(
        "--library", type=Path, metavar="DIR", default=argparse.SUPPRESS,
        help="the library folder (default: $READER_LIBRARY, else library/ in the XDG data folder)",
    )
    only = common.add_mutually_exclusive_group()
    only.add_argument("--seeds-only", action="store_const", const="seeds", dest="only", default=argparse.SUPPRESS,
                      help="only the bundled seeds, not the library")
    only.add_argument("--library-only", action="store_const", const="library", dest="only",
                      default=argparse.SUPPRESS, help="only the library, not the bundled seeds")
    return common


def build_parser(*, with_commands: bool = True, only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; without the subcommands (or help), only what starting the app
    takes; with `only`, that subcommand alone (the command line names it: the others' modules are
    not loaded)."""
    common = _common_options()
    parser = _Parser(
        prog="reader", parents=[common], add_help=with_commands,
        usage="reader [PATH]... [OPTIONS]   (the app, on these files and folders)\n"
              "       reader COMMAND [ARGS]...   (reader COMMAND --help)",
        description="Read Chinese news articles in the terminal.",
        epilog="PATH: a file or folder of articles to read in the app (as --corpus PATH; without any, "
               "the bundled seeds and your library).",
    )
    parser.add_argument("--keymap", type=Path, metavar="FILE", help="key bindings overriding keymap.toml")
    parser.add_argument("--annotations", type=Path, metavar="FILE", help="the annotations file to use")
    parser.add_argument("--entities", type=Path, metavar="FILE", help="your gazetteer, added to the bundled one")
    if with_commands:
        from reader.cli.commands import add_commands

        parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")

        add_commands(parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, prog="reader"),
                     common, only)
    else:
        parser.set_defaults(command=None)
    return parser


class _Version(argparse.Action):
    """`--version`: the installed version, looked up only when asked for (importlib.metadata
    takes 12 ms to import, a tenth of a `reader search`)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version("reader")
        except PackageNotFoundError:  # Run from a checkout that was never installed.
            found = "(not installed)"
        print(f"reader {found}")
        parser.exit()


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Options for the app, or (when anything is left over: a subcommand, --help, a mistake) the
    whole command line parsed by the whole parser, which also words the errors. Files and folders
    left over are what the app reads (`reader notes.txt news/`, as `--corpus` each)."""
    from reader.cli.commands import COMMAND_MODULES

    args, rest = build_parser(with_commands=False).parse_known_args(argv)
    if rest and _all_paths(rest):
        args.corpus = [*getattr(args, "corpus", []), *map(Path, rest)]
        return args
    named = rest[0] if rest and rest[0] in COMMAND_MODULES and "-h" not in argv and "--help" not in argv else None
    return build_parser(only=named).parse_args(argv) if rest else args


def _all_paths(words: list[str]) -> bool:
    """Whether every word names an existing file or folder, and none is an option or a command
    (a file called `list` is read with `--corpus list`). UsageError for a word that looks like a
    path (a `/` or `.` in it) but names nothing."""
    from reader.cli.commands import COMMAND_MODULES

    if any(w.startswith("-") or w in COMMAND_MODULES for w in words):
        return False
    for word in words:
        if not Path(word).exists() and ("/" in word or "." in word):
            raise UsageError(f"no such file or folder: {word}")
    return all(Path(w).exists() for w in words)


def run_app(args: argparse.Namespace) -> int:
    """Start the app. Loading its modules would run the collector ~150 times (a tenth of the time
    to the first paint), yet all they allocate lives as long as the process: it is off from here
    until the app has painted (ReaderApp freezes what exists then and turns it back on)."""
    gc.disable()
    from reader.annotations.store import AnnotationStore
    from reader.articles.indexed import CorpusCache
    from reader.settings.keymap import KeymapError, load_keymap

    try:
        keymap = load_keymap(args.keymap)
    except KeymapError as error:
        raise UsageError(str(error)) from None
    gazetteer = paths.user_gazetteer(args.entities)
    if gazetteer is not None:
        from reader.entities.detect import GazetteerError, check_file

        try:
            check_file(gazetteer)
        except GazetteerError as error:
            raise UsageError(str(error)) from None
    corpus = load_articles(args, trust_cache=True)  # The app checks the files after its first paint.
    from reader.ui.app import ReaderApp

    store = AnnotationStore(args.annotations)
    source = (partial(corpus_paths, args), CorpusCache(paths.cache_dir() / "index"))
    app = ReaderApp(corpus, keymap=keymap, entities_file=gazetteer, annotations=store, corpus_source=source,
                    library=library_folder(args))
    app.run()
    return app.return_code or 0


class TerminalStream:
    """stdout or stderr, with every control character in what is written made visible: the one
    place where the CLI's text meets the terminal (see reader.text.controls)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(visible_controls(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _guard_output() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, TerminalStream):
            setattr(sys, name, TerminalStream(stream))


def main(argv: Sequence[str] | None = None) -> int:
    _guard_output()
    try:
        args = parse_args(sys.argv[1:] if argv is None else argv)
        if args.command is None:
            return run_app(args)
        from reader.cli.commands import command

        command(args.command)(args)
    except UsageError as error:
        print(f"reader: {error}", file=sys.stderr)
        return 2
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    finally:
        gc.enable()  # Whatever happened to the app, the caller gets the process as it was.
    return 0


if __name__ == "__main__":
    sys.exit(main())
