"""A large corpus made, deterministically, from the seed sentences: 10,000 articles, about
17 million characters, one file each, for the search and large-corpus benchmarks."""

from __future__ import annotations

import random
import re
from pathlib import Path

from reader.corpus import load_corpus
from reader.paths import bundled

ARTICLES = 10_000
BODY_CHARACTERS = 1_700
SEED = 20260126


def seed_sentences() -> list[str]:
    sentences = []
    for article in load_corpus([bundled("seeds")]).articles:
        sentences += [s for s in re.findall(r"[^。？！?!]+[。？！?!]?", article.body) if len(s) > 8]
    return sentences


def generate(folder: Path, articles: int = ARTICLES) -> Path:
    """Write the corpus into `folder` (once: an existing complete corpus is reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f".complete-{articles}"
    if marker.exists():
        return folder
    sentences = seed_sentences()
    sources = ["湧現觀察", "財富中文網", "36氪", "首席商業評論", "功夫財經", "華爾街見聞", "科技每日推送"]
    rng = random.Random(SEED)
    for number in range(1, articles + 1):
        title = rng.choice(sentences).strip("。？！?! ")[:30]
        body: list[str] = []
        size = 0
        while size < BODY_CHARACTERS:
            sentence = rng.choice(sentences)
            body.append(sentence)
            size += len(sentence)
        text = f"{title} {number}\n{''.join(body)} ({rng.choice(sources)})\n"
        (folder / f"{number:05d}.txt").write_text(text, encoding="utf-8")
    marker.touch()
    return folder
