"""Entity detection on the seed corpus once the model is loaded (target <= 0.5 s for all seven
articles), beside jieba's own part-of-speech tagging of the same text; per article; and a cache hit.
Accuracy on labelled text the model was not trained on: `python -m bench ner`.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.common import report
from reader.articles.corpus import load_corpus
from reader.entities import model as ner
from reader.entities.detect import EntityCache, Gazetteer, detect, detect_cached
from reader.system.paths import bundled
from reader.text.conversion import SIMPLIFIED, convert, warm_up

ROUNDS = 5


def _seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    articles = load_corpus([bundled("seeds")]).articles
    warm_up()
    gazetteer = Gazetteer.load()
    start = time.perf_counter()
    ner.model()
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    import jieba
    import jieba.posseg as posseg

    jieba.setLogLevel(60)
    jieba.initialize()
    report("model load (once, after the first paint)", 1000 * loaded, 1000 * (time.perf_counter() - start))
    print("  baseline: jieba.initialize()")

    simplified = [convert(a.body, SIMPLIFIED) for a in articles]
    ours, theirs = [], []
    for _ in range(ROUNDS):
        ours.append(_seconds(lambda: [detect(a.body, gazetteer) for a in articles]))
        theirs.append(_seconds(lambda: [list(posseg.cut(text)) for text in simplified]))
    report("detect all 7 seed articles (median)", 1000 * statistics.median(ours), 1000 * statistics.median(theirs))
    print("  target <= 500 ms; baseline: jieba.posseg alone on the same (Simplified) text, which the entity")
    print("  pass no longer runs")
    per_article = [1000 * _seconds(lambda a=a: detect(a.body, gazetteer)) for a in articles]
    print(f"  per article: {', '.join(f'{t:.0f}' for t in per_article)} ms "
          f"({', '.join(f'{len(a.body)}' for a in articles)} characters)")
    with tempfile.TemporaryDirectory() as folder:
        cache = EntityCache(Path(folder))
        for article in articles:
            detect_cached(article.body, gazetteer, cache)
        hits = [_seconds(lambda: [cache.get(a.body, gazetteer) for a in articles]) for _ in range(ROUNDS)]
    report("cache hit, all 7 articles (median)", 1000 * statistics.median(hits), 1000 * statistics.median(ours))
    print("  baseline: detecting them")
