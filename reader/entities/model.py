"""A statistical recogniser for people, organisations and places in Chinese text.

A character-level linear-chain CRF labels each character B-type, I-type or O. It was trained with
python-crfsuite by `scripts/train_ner.py`, which also converts the model to the arrays shipped in
`reader/entities/data/ner.npz`; tagging here needs only numpy: each feature template's weights are looked up
for a whole text at once and Viterbi runs over many sentences side by side, about ten times faster
than crfsuite's own tagger, which looks up every feature string of every character one at a time.

It reads folded text (`reader.text.conversion.fold`: Traditional characters become Simplified one for one,
full-width forms ASCII, Latin lower case), so Traditional and Simplified text get the same labels
at the same offsets. Features (`TEMPLATES`) are the characters, pairs and triples of characters in a
window of seven, the classes (Han, digit, Latin, punctuation) of the three middle characters, and,
from the word list the model file carries (`reader.entities.lexicon`), the longest listed word
starting, ending and covering the character and its neighbours (`LEXICON_TEMPLATES`).

The model is loaded on first use, never on import: the app first needs it in the worker that finds
entities after the first paint.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

from reader.entities.lexicon import Lexicon
from reader.entities.mentions import ORG, PERSON, PLACE, PRODUCT

MODEL = Path(__file__).parent / "data" / "ner.npz"
#: The model that does without the pretrained analyser, for when onnxruntime cannot load.
PLAIN_MODEL = Path(__file__).parent / "data" / "ner-plain.npz"
#: The types the model labels (patterns add money, dates and percentages).
MODEL_TYPES = (PERSON, ORG, PLACE, PRODUCT)
#: Text is tagged a sentence-like piece at a time; longer runs without a stop are cut here.
MAX_PIECE = 200
_PIECE_END = re.compile(r"[\n。！？!?；;]")
#: A line longer than this is tagged as several stretches, cut where a piece ends, so that any
#: stretch of whole segments can be tagged alone with the result the whole text gives there.
LONGEST_SEGMENT = 2000
#: Pieces tagged side by side in one Viterbi pass.
BATCH = 512

#: Feature templates: (name, source, offsets from the character). Source "c" is the folded text,
#: "k" its character classes. A feature is the name followed by the characters at the offsets.
TEMPLATES = [
    ("a", "c", (-2,)), ("b", "c", (-1,)), ("c", "c", (0,)), ("d", "c", (1,)), ("e", "c", (2,)),
    ("m", "c", (-3,)), ("n", "c", (3,)),
    ("f", "c", (-2, -1)), ("g", "c", (-1, 0)), ("h", "c", (0, 1)), ("i", "c", (1, 2)),
    ("j", "c", (-1, 1)),
    ("l", "c", (-1, 0, 1)), ("o", "c", (-2, -1, 0)), ("p", "c", (0, 1, 2)),
    ("k", "k", (-1, 0, 1)),
]
#: Templates over the word list's codes (`reader.entities.lexicon`): the longest listed word
#: starting ("s"), ending ("e") and covering ("x") each character.
LEXICON_TEMPLATES = [
    ("q", "s", (0,)), ("r", "e", (0,)), ("t", "x", (0,)), ("u", "x", (-1,)), ("v", "x", (1,)),
    ("w", "s", (1,)), ("y", "e", (-1,)),
]
_LEXICON_SOURCES = ("s", "e", "x")
#: Templates over the pretrained analyser's codes (`reader.entities.pretrained`: its word class
#: and the character's place in the word) around each character.
ANALYSER_TEMPLATES = [
    ("A", "a", (-2,)), ("B", "a", (-1,)), ("C", "a", (0,)), ("D", "a", (1,)), ("E", "a", (2,)),
    ("F", "a", (-1, 0)), ("G", "a", (0, 1)),
]
_ANALYSER_SOURCE = "a"
BIAS = "_"
_PAD = 3  # Characters of padding each side: at least the widest offset.

_lock = threading.Lock()
_model: Model | None = None
_missing = False


_classes: dict[int, str] = {}


def _char_class(char: str) -> str:
    """A character's class, one letter: Han, Chinese numeral, digit, Latin, space, punctuation,
    other."""
    code = ord(char)
    if char in "零一二三四五六七八九十百千万亿两":
        return "n"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return "h"
    if char.isdigit():
        return "d"
    if char.isascii() and char.isalpha():
        return "l"
    if char.isspace():
        return "s"
    if not char.isalnum() and code < 0x10000:
        return "p"
    return "o"


def _class_table(text: str) -> dict[int, str]:
    """`str.translate` table of each character's class, grown for the characters of `text`."""
    for char in set(text).difference(map(chr, _classes)):
        _classes[ord(char)] = _char_class(char)
    return _classes


def _padded(folded: str, lexicon: Lexicon | None = None, analysed: str | None = None) -> dict[str, str]:
    """Each source of features, padded so every offset of every character is inside it."""
    folded = _ASTRAL.sub("\uffff", folded)
    sources = {"c": folded, "k": folded.translate(_class_table(folded))}
    if lexicon is not None:
        sources.update(lexicon.codes(folded))
    if analysed is not None:
        sources[_ANALYSER_SOURCE] = analysed
    return {name: "\x02" * _PAD + source + "\x03" * _PAD for name, source in sources.items()}


def _keys(source: str, offsets: tuple[int, ...], n: int) -> list[str]:
    """The template's key at each of n characters of the padded source."""
    columns = [source[_PAD + o : _PAD + o + n] for o in offsets]
    if len(columns) == 1:
        return list(columns[0])
    return ["".join(chars) for chars in zip(*columns)]


def features(folded: str, templates=None, lexicon: Lexicon | None = None,
             analysed: str | None = None) -> list[list[str]]:
    """Feature strings of each character of folded text (for training); `analysed` the pretrained
    analyser's codes of it (`analyse`) when the templates read them."""
    n = len(folded)
    sources = _padded(folded, lexicon, analysed)
    columns = [[BIAS] * n]
    for name, source, offsets in templates or TEMPLATES:
        columns.append([name + key for key in _keys(sources[source], offsets, n)])
    return [list(row) for row in zip(*columns)]


def pieces(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentence-like pieces text is tagged in: never across a line end, never
    holding one, and at most MAX_PIECE characters."""
    spans = []
    start = 0
    for match in _PIECE_END.finditer(text + "\n"):
        end = match.end() if match.group() != "\n" else match.start()
        while end - start > MAX_PIECE:
            spans.append((start, start + MAX_PIECE))
            start += MAX_PIECE
        if end > start:
            spans.append((start, end))
        start = match.end()
    return spans


def segments(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches the model tags independently of each other: lines without
    their line end, a line longer than LONGEST_SEGMENT cut at the end of a piece. Each is padded
    alone, as a training sentence was; the pieces of `pieces` never cross them."""
    spans: list[tuple[int, int]] = []
    start = end = -1
    for piece_start, piece_end in pieces(text):
        new_line = piece_start != end  # Pieces of one line follow each other; a line end lies between lines.
        if new_line or end - start >= LONGEST_SEGMENT:
            if start >= 0:
                spans.append((start, end))
            start = piece_start
        end = piece_end
    if start >= 0:
        spans.append((start, end))
    return spans


def spans_from_labels(labels: list[str], offset: int = 0) -> list[tuple[int, int, str]]:
    """(start, end, type) of each B-/I- run; an I- without its B- starts a mention too."""
    found = []
    start, kind = -1, None
    for index, label in enumerate(list(labels) + ["O"]):
        if kind is not None and label != "I-" + kind:
            found.append((offset + start, offset + index, kind))
            kind = None
        if label != "O" and kind is None:
            start, kind = index, label[2:]
    return found


def _groups(templates) -> list[tuple[str, tuple[int, ...], list[tuple[str, int]]]]:
    """Templates that read the same source in the same shape share one vocabulary, looked up once
    per text: (source, shape, [(template name, first offset)])."""
    groups: dict[tuple[str, tuple[int, ...]], list[tuple[str, int]]] = {}
    for name, source, offsets in templates:
        offsets = tuple(offsets)
        shape = tuple(o - offsets[0] for o in offsets)
        groups.setdefault((source, shape), []).append((name, offsets[0]))
    return [(source, shape, members) for (source, shape), members in groups.items()]



_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: A bracket or quotation mark is never inside a name (the model sometimes runs across one).
_BRACKET = re.compile(r"[\[\]()（）「」『』《》〈〉“”\"‘’【】]")


def _codes(source: str):
    """Code points of the padded source as int64 (characters past U+FFFF were made U+FFFF)."""
    import numpy as np

    return np.frombuffer(source.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def key_code(key: str) -> int:
    """A key of up to three characters as one integer: 16 bits a character."""
    code = 0
    for char in key:
        code = (code << 16) | min(ord(char), 0xFFFF)
    return code


def _all_keys(codes, shape: tuple[int, ...]):
    """The group's key (as `key_code`) starting at every position of the padded source."""
    count = len(codes) - shape[-1]
    keys = codes[shape[0] : shape[0] + count].copy()
    for offset in shape[1:]:
        keys = (keys << 16) | codes[offset : offset + count]
    return keys


class Model:
    """The CRF's weights as arrays: per group of templates a vocabulary and a weight array
    (rows, templates, labels) with row 0 for unknown keys; label transitions; a bias."""

    def __init__(self, labels, transitions, bias, vocab: list, weights: list, templates=None,
                 lexicon: Lexicon | None = None, common_latin: frozenset[str] = frozenset()) -> None:
        import numpy as np

        self.np = np
        self.lexicon = lexicon
        self.common_latin = common_latin
        """Latin words that are common nouns, not names (ai, ceo, gdp), folded."""
        self.templates = [(name, source, tuple(offsets)) for name, source, offsets in templates or TEMPLATES]
        self.groups = _groups(self.templates)
        self.labels = list(labels)
        self.transitions = np.asarray(transitions, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.vocab = vocab  # per group: sorted int64 array of `key_code`s; key i has row i + 1
        self.weights = weights  # per group: float32 array (rows, templates, labels)
        self.reads_analyser = any(source == _ANALYSER_SOURCE for _, source, _ in self.templates)
        """Whether its features need the pretrained analyser's codes (`analyse`)."""

    @classmethod
    def from_templates(cls, labels, transitions, bias, per_template: dict[str, dict[str, dict[int, float]]],
                       templates=None, lexicon: Lexicon | None = None, common_latin: frozenset[str] = frozenset()):
        """From weights per template: name -> key -> {label index: weight}."""
        import numpy as np

        vocab, weights = [], []
        for _, _, members in _groups(templates or TEMPLATES):
            keys = sorted({key_code(key) for name, _ in members for key in per_template.get(name, {})})
            rows = {key: row for row, key in enumerate(keys, start=1)}
            matrix = np.zeros((len(keys) + 1, len(members), len(labels)), dtype=np.float32)
            for column, (name, _) in enumerate(members):
                for key, by_label in per_template.get(name, {}).items():
                    for label, weight in by_label.items():
                        matrix[rows[key_code(key)], column, label] = weight
            vocab.append(np.array(keys, dtype=np.int64))
            weights.append(matrix)
        return cls(labels, transitions, bias, vocab, weights, templates, lexicon, common_latin)

    @classmethod
    def load(cls, path: Path | None = None) -> Model:
        import numpy as np

        with np.load(path or MODEL) as data:
            header = json.loads(bytes(data["header"]).decode("utf-8"))
            vocab, weights = [], []
            templates = header["templates"]
            for number in range(len(_groups(templates))):
                vocab.append(data[f"keys{number}"])
                weights.append(data[f"w{number}"].astype(np.float32) * np.float32(header["scale"]))
            lexicon = Lexicon.from_arrays(data)
            if lexicon is None and any(source in _LEXICON_SOURCES for _, source, _ in templates):
                raise ValueError(f"{path or MODEL}: its templates read a word list it does not carry")
            return cls(header["labels"], data["transitions"], data["bias"], vocab, weights, templates, lexicon,
                       frozenset(header.get("common_latin", ())))

    def save(self, path: Path) -> None:
        """Weights as 16-bit integers scaled by one factor (as exact as float16 here, and smaller)."""
        import numpy as np

        largest = max(float(np.abs(w).max()) if w.size else 0.0 for w in self.weights) or 1.0
        scale = largest / 32767
        header = json.dumps({"labels": self.labels, "scale": scale, "templates": self.templates,
                             "common_latin": sorted(self.common_latin)})
        arrays: dict[str, np.ndarray] = {
            "header": np.frombuffer(header.encode(), dtype=np.uint8),
            "transitions": self.transitions,
            "bias": self.bias,
        }
        for number, (keys, matrix) in enumerate(zip(self.vocab, self.weights)):
            arrays[f"keys{number}"] = keys
            arrays[f"w{number}"] = np.round(matrix / scale).astype(np.int16)
        if self.lexicon is not None:
            arrays.update(self.lexicon.arrays())
        with open(path, "wb") as handle:
            # mypy lets `**arrays` fill numpy 2's `allow_pickle` too; naming it would add an array in numpy 1.
            np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]

    def emissions(self, folded: str, analysed: str | None = None):
        """Score of each label at each character: (len, labels); `analysed` the analyser's codes
        of the text when the model reads them.

        Each segment (`segments`: a line, or a stretch of a long one) is padded alone, as a training
        sentence was: what is found in one never depends on another. Rows of characters outside
        every segment (line ends) are meaningless."""
        np = self.np
        stretches = segments(folded)
        if stretches == [(0, len(folded))]:
            return self._emissions(folded, analysed)
        separator = "\x03" * _PAD + "\x02" * _PAD
        joined = separator.join(folded[start:end] for start, end in stretches)
        if analysed is not None:
            analysed = separator.join(analysed[start:end] for start, end in stretches)
        where = np.zeros(len(folded), dtype=np.int64)
        offset = 0
        for start, end in stretches:
            where[start:end] = np.arange(offset, offset + end - start)
            offset += end - start + len(separator)
        return self._emissions(joined, analysed)[where]

    def _emissions(self, folded: str, analysed: str | None):
        np = self.np
        n = len(folded)
        codes = {name: _codes(source) for name, source in _padded(folded, self.lexicon, analysed).items()}
        scores = np.tile(self.bias, (n, 1))
        for (source, shape, members), known, matrix in zip(self.groups, self.vocab, self.weights):
            keys = _all_keys(codes[source], shape)
            rows = np.searchsorted(known, keys)
            np.minimum(rows, len(known) - 1, out=rows)
            ids = np.where(known[rows] == keys, rows + 1, 0) if len(known) else np.zeros(len(keys), dtype=np.int64)
            for column, (_, first) in enumerate(members):
                scores += matrix[ids[_PAD + first : _PAD + first + n], column]
        return scores

    def tag(self, folded: str, spans: list[tuple[int, int]], analysed: str | None = None) -> list[list[int]]:
        """Best label indices of each span of the text (Viterbi, many spans side by side)."""
        np = self.np
        if not spans:
            return []
        emissions = self.emissions(folded, analysed)
        labels = len(self.labels)
        order = sorted(range(len(spans)), key=lambda i: spans[i][1] - spans[i][0])
        results: list[list[int]] = [[] for _ in spans]
        for first in range(0, len(order), BATCH):
            batch = order[first : first + BATCH]
            lengths = np.array([spans[i][1] - spans[i][0] for i in batch])
            width = int(lengths.max())
            scores = np.zeros((len(batch), width, labels), dtype=np.float32)
            for row, i in enumerate(batch):
                start, end = spans[i]
                scores[row, : end - start] = emissions[start:end]
            best = scores[:, 0].copy()
            back = np.empty((len(batch), width, labels), dtype=np.int8)
            back[:] = np.arange(labels, dtype=np.int8)  # Past a piece's end: stay on its last label.
            live_from = np.searchsorted(lengths, np.arange(width), side="right")  # Lengths ascend.
            for t in range(1, width):
                k = live_from[t]
                candidates = best[k:, :, None] + self.transitions
                back[k:, t] = candidates.argmax(axis=1)
                best[k:] = candidates.max(axis=1) + scores[k:, t]
            label = best.argmax(axis=1)
            path = np.zeros((len(batch), width), dtype=np.int64)
            path[:, width - 1] = label
            rows = np.arange(len(batch))
            for t in range(width - 1, 0, -1):
                label = back[rows, t, label]
                path[:, t - 1] = label
            for row, i in enumerate(batch):
                results[i] = path[row, : lengths[row]].tolist()
        return results


def model() -> Model | None:
    """The model to tag with, loaded once (thread-safe): the one that reads the pretrained analyser
    when the analyser loads, else the plain one; None if numpy or a usable model file is missing."""
    global _model, _missing
    with _lock:
        if _model is None and not _missing:
            from reader.entities import pretrained

            # The analyser loads beside the model (onnxruntime and zlib let go of the interpreter).
            loading = threading.Thread(target=pretrained.analyser, daemon=True)
            loading.start()
            try:
                loaded = Model.load(MODEL)
                loading.join()
                _model = loaded if pretrained.analyser() is not None else Model.load(PLAIN_MODEL)
            except (ImportError, OSError, KeyError, ValueError):
                _missing = True  # No numpy, or no usable model file: the gazetteer and patterns only.
        return _model


def analyse(folded: str, spans: list[tuple[int, int]]) -> str | None:
    """The pretrained analyser's codes of the spans of folded text, or None without it."""
    from reader.entities import pretrained

    analyser = pretrained.analyser()
    return analyser.codes(folded, spans) if analyser is not None else None


def recognise(folded: str, using: Model | None = None) -> list[tuple[int, int, str]]:
    """(start, end, type) of the people, organisations, places and products in folded text."""
    return read(folded, using)[0]


def read(folded: str, using: Model | None = None) -> tuple[list[tuple[int, int, str]], str | None]:
    """The model's mentions in folded text, and the pretrained analyser's codes of it when the
    model read them (None otherwise)."""
    crf = using or model()
    if crf is None or not folded:
        return [], None
    spans = [(s, e) for s, e in pieces(folded) if not folded[s:e].isspace()]
    analysed = analyse(folded, spans) if crf.reads_analyser else None
    if crf.reads_analyser and analysed is None:
        return [], None
    found = []
    for (start, _), path in zip(spans, crf.tag(folded, spans, analysed)):
        for begin, end, kind in spans_from_labels([crf.labels[i] for i in path], start):
            while begin < end and _char_class(folded[begin]) in "ps":  # No space or punctuation
                begin += 1  # at either end (護城河。).
            while end > begin and _char_class(folded[end - 1]) in "ps":
                end -= 1
            if end > begin and not _BRACKET.search(folded, begin, end):  # Not 每州[立法会.
                found.append((begin, end, kind))
    return found, analysed
