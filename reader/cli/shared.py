"""What the entry point and the subcommands share: usage errors and the corpus the command line names."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from reader.system import paths

if TYPE_CHECKING:
    from reader.articles.corpus import Corpus


class UsageError(Exception):
    """A bad command line or reference: exit status 2."""


def corpus_paths(args: argparse.Namespace) -> list[Path]:
    return getattr(args, "corpus", None) or [paths.bundled("seeds")]


def load_articles(args: argparse.Namespace, *, trust_cache: bool = False) -> Corpus:
    """The corpus the command line names; skipped files are reported, no article at all exits 1."""
    from reader.articles.corpus import CorpusCache, load_corpus

    corpus = load_corpus(corpus_paths(args), CorpusCache(paths.cache_dir() / "corpus"), trust_cache=trust_cache)
    for problem in corpus.problems:
        print(f"reader: skipped {problem}", file=sys.stderr)
    if not corpus.articles:
        raise SystemExit(1) from None
    return corpus
