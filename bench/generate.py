"""Large corpora made, deterministically, from the seed sentences: 10,000 articles, about 17
million characters, either one file each or in the seed shape (100 files of 100 articles, a
`#tag` line then a title line and a body line per article), for the search and large-corpus
benchmarks."""

from __future__ import annotations

import random
import re
from pathlib import Path

from reader.articles.corpus import load_corpus
from reader.system.paths import bundled

ARTICLES = 10_000
BODY_CHARACTERS = 1_700
SEED = 20260126


def seed_sentences() -> list[str]:
    sentences = []
    for article in load_corpus([bundled("seeds")]).articles:
        sentences += [s for s in re.findall(r"[^。？！?!]+[。？！?!]?", article.body) if len(s) > 8]
    return sentences


SOURCES = ["湧現觀察", "財富中文網", "36氪", "首席商業評論", "功夫財經", "華爾街見聞", "科技每日推送"]


def _articles(count: int):
    """(title line, body line) for `count` articles, the same ones on every run."""
    sentences = seed_sentences()
    rng = random.Random(SEED)
    for number in range(1, count + 1):
        title = rng.choice(sentences).strip("。？！?! ")[:30]
        body: list[str] = []
        size = 0
        while size < BODY_CHARACTERS:
            sentence = rng.choice(sentences)
            body.append(sentence)
            size += len(sentence)
        yield f"{title} {number}", f"{''.join(body)} ({rng.choice(SOURCES)})"


def generate(folder: Path, articles: int = ARTICLES, per_file: int = 1) -> Path:
    """Write the corpus into `folder` (once: an existing complete corpus is reused), `per_file`
    articles to a file (more than one: the seed format)."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f".complete-{articles}-{per_file}"
    if marker.exists():
        return folder
    made = _articles(articles)
    for first in range(0, articles, per_file):
        group = [next(made) for _ in range(min(per_file, articles - first))]
        lines = [line for title, body in group for line in (title, body)]
        name = f"{first + 1:05d}.txt" if per_file == 1 else f"{first // per_file + 1:03d}-news.txt"
        header = "#生成 #語料\n" if per_file > 1 else ""
        (folder / name).write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    marker.touch()
    return folder
