"""The `reader` subcommands of the library: registered with the others by `reader.cli.commands`."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands to the `reader` parser."""


COMMANDS: dict[str, Callable[[argparse.Namespace], None]] = {}
