"""The labelled NER sets in `../shared/ner` (never copied into this repository), and scoring.

Used by `scripts/train_ner.py`, `bench/ner.py` and the tests; the app never imports it.
Each file is JSON Lines: `{"text": ..., "entities": [[start, end, type, surface], ...]}` with
code-point offsets, `end` exclusive.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from reader.entities.mentions import ORG, PERSON, PLACE, PRODUCT
from reader.text.conversion import fold

_REPO = Path(__file__).resolve().parents[2]
#: Sentences at the end of msra-train.jsonl kept out of training: the Simplified-news dev set.
MSRA_HELD_OUT = 5000
#: Sentences at the end of cluener-train.jsonl kept out of training: the Sina-news dev set.
CLUENER_HELD_OUT = 1500
#: Sets cut in two: `NAME-fit` (trained on) and `NAME-held-out` (the last HELD_OUT[NAME] sentences).
HELD_OUT = {"msra": MSRA_HELD_OUT, "cluener": CLUENER_HELD_OUT}

Sentence = tuple[str, list[tuple[int, int, str]]]
#: The types an overall score counts: every set labels them (only CLUENER labels products).
OVERALL = (PERSON, ORG, PLACE)


def shared_ner() -> Path:
    """Where the sets are: $READER_SHARED_NER, else `../shared/ner` beside the checkout."""
    return Path(os.environ.get("READER_SHARED_NER", _REPO.parent / "shared" / "ner"))


def load(name: str, folder: Path | None = None) -> list[Sentence]:
    """Sentences of one set (`msra-train`, `uner-gsd-dev`, ...), or a slice of msra or cluener:
    `msra-fit` (all but the last MSRA_HELD_OUT) and `msra-held-out` (the last MSRA_HELD_OUT),
    `cluener-fit` and `cluener-held-out` alike."""
    corpus, _, part = name.partition("-")
    held_out = HELD_OUT.get(corpus) if part in ("fit", "held-out") else None
    path = (folder or shared_ner()) / f"{corpus + '-train' if held_out else name}.jsonl"
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            rows.append((row["text"], [(s, e, t) for s, e, t, *_ in row["entities"]]))
    if held_out:
        return rows[:-held_out] if part == "fit" else rows[-held_out:]
    return rows


def labels(text: str, entities: list[tuple[int, int, str]], types: tuple[str, ...]) -> list[str]:
    """BIO labels per character (nested or overlapping entities: the first one wins)."""
    out = ["O"] * len(text)
    for start, end, kind in entities:
        if kind not in types or any(label != "O" for label in out[start:end]):
            continue
        out[start] = "B-" + kind
        for index in range(start + 1, end):
            out[index] = "I-" + kind
    return out


@dataclass
class Score:
    """Exact-span counts, per type and overall."""

    types: tuple[str, ...]
    counts: dict[str, list[int]] = field(default_factory=dict)  # type -> [true pos, found, gold]

    def add(self, gold: set[tuple[int, int, str]], found: set[tuple[int, int, str]]) -> None:
        gold = {g for g in gold if g[2] in self.types}
        found = {f for f in found if f[2] in self.types}
        for kind in self.types:
            g = {x for x in gold if x[2] == kind}
            f = {x for x in found if x[2] == kind}
            row = self.counts.setdefault(kind, [0, 0, 0])
            row[0] += len(g & f)
            row[1] += len(f)
            row[2] += len(g)

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        rows = [self.counts.get(k, [0, 0, 0]) for k in ([kind] if kind else self.types)]
        tp, found, gold = (sum(r[i] for r in rows) for i in range(3))
        precision = tp / found if found else 0.0
        recall = tp / gold if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def detect_sentences(texts: list[str], gazetteer) -> list[set[tuple[int, int, str]]]:
    """reader's mentions (`reader.entities.detect.detect`) in each text, found as the lines of
    one text (what a line holds never depends on another), which lets the model batch."""
    from reader.entities.detect import detect

    found = detect("\n".join(texts), gazetteer)
    out: list[set[tuple[int, int, str]]] = []
    position, index = 0, 0
    for text in texts:
        mine = set()
        while index < len(found) and found[index].start < position + len(text):
            entity = found[index]
            mine.add((entity.start - position, entity.end - position, entity.type))
            index += 1
        out.append(mine)
        position += len(text) + 1
    return out


#: jieba's tags for the types the sets label: the baseline a recogniser is measured against.
_POSSEG = {"nr": PERSON, "nrfg": PERSON, "nrt": PERSON, "ns": PLACE, "nt": ORG, "nz": PRODUCT}


def posseg_entities(text: str) -> set[tuple[int, int, str]]:
    """Plain `jieba.posseg` spans (person, place, org; `nz` as product) on the folded text: the
    baseline."""
    import jieba.posseg

    found, position = set(), 0
    for word, flag in jieba.posseg.cut(fold(text)):
        if flag in _POSSEG:
            found.add((position, position + len(word), _POSSEG[flag]))
        position += len(word)
    return found


#: The pretrained analyser's classes for the types (LAC: PER, ORG, LOC; `nz` other proper nouns
#: and `nw` titles of works as products).
_ANALYSER = {"PER": PERSON, "ORG": ORG, "LOC": PLACE, "nz": PRODUCT, "nw": PRODUCT}


def analyser_entities(texts: list[str]) -> list[set[tuple[int, int, str]]]:
    """The pretrained analyser's own words of those classes in each text, read as when tagging
    (the texts folded, one a line, in one batch): the other baseline. Empty sets without it."""
    from reader.entities import model as ner
    from reader.entities.products import analyser_words

    body = "\n".join(fold(text) for text in texts)
    codes = ner.analyse(body, [(s, e) for s, e in ner.pieces(body) if not body[s:e].isspace()])
    out, position = [], 0
    for text in texts:
        words = analyser_words(codes, position, position + len(text)) if codes is not None else []
        out.append({(s - position, e - position, _ANALYSER[kind]) for s, e, kind in words if kind in _ANALYSER})
        position += len(text) + 1
    return out


_MARKS = "《》〈〉“”\"「」『』"


def without_marks(text: str, entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Product spans without the title marks or quotes at their ends (CLUENER keeps 《》 in two of
    three titles; reader never does), other entities as they are."""
    out = []
    for start, end, kind in entities:
        if kind == PRODUCT:
            while start < end and text[start] in _MARKS:
                start += 1
            while end > start and text[end - 1] in _MARKS:
                end -= 1
        if end > start:
            out.append((start, end, kind))
    return out
