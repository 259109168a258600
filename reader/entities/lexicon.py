"""Word-list features for the entity model: which listed words start, end or cover each character.

A character model alone sees seven characters; a word list tells it that 芝加哥 is a place name, that
中华人民共和国 is one word, that 北京大学 is an organisation's name. The list (built by
`scripts/train_ner.py` from jieba's dictionary, with its part-of-speech tags, and CC-CEDICT's proper
nouns) ships inside the model file as hashes, so tagging needs neither jieba nor the dictionary:
every window of 2 to `LONGEST` characters of a text is hashed and looked up at once with numpy.

For each character three codes, each a word length and the word's class (`CLASSES`): the longest
listed word starting there, the longest ending there, and the longest covering it with the
character's place in it (begin, middle, end).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: Word classes: person, place, organisation, other proper noun (jieba nz, CC-CEDICT capitalised
#: pinyin), common noun, verb, anything else.
CLASSES = "plonqvw"
_JIEBA_CLASSES = {"nr": "p", "nrfg": "p", "nrt": "p", "ns": "l", "nt": "o", "nz": "q", "n": "n", "v": "v"}
SHORTEST, LONGEST = 2, 8
#: The code of a character no listed word starts, ends or covers.
NONE = "."
_MULTIPLIER = 1_000_003
_MASK = (1 << 64) - 1


def jieba_class(tag: str) -> str:
    """The class of a jieba part-of-speech tag."""
    return _JIEBA_CLASSES.get(tag, "w")


def word_hash(word: str) -> int:
    """The 64-bit hash `Lexicon.codes` computes for every window (characters past U+FFFF as U+FFFF)."""
    value = 0
    for char in word:
        value = (value * _MULTIPLIER + min(ord(char), 0xFFFF) + 1) & _MASK
    return value


def code(length: int, word_class: str, place: int) -> str:
    """The character standing for a listed word of a length and class at a place in it (0 its
    first character, 1 inside, 2 its last), as `Lexicon.codes` writes it."""
    return chr(0x100 + (length * len(CLASSES) + CLASSES.index(word_class)) * 3 + place)


class Lexicon:
    """Listed words of SHORTEST to LONGEST characters as sorted hashes per length, with classes."""

    def __init__(self, hashes: dict[int, np.ndarray], classes: dict[int, np.ndarray]) -> None:
        self.hashes = hashes  # length -> sorted uint64 array
        self.classes = classes  # length -> uint8 array of indices into CLASSES, in the hashes' order

    @classmethod
    def from_words(cls, words: dict[str, str]) -> Lexicon:
        """From folded word -> class."""
        import numpy as np

        hashes, classes = {}, {}
        for length in range(SHORTEST, LONGEST + 1):
            rows = sorted((word_hash(w), CLASSES.index(c)) for w, c in words.items() if len(w) == length)
            hashes[length] = np.array([h for h, _ in rows], dtype=np.uint64)
            classes[length] = np.array([c for _, c in rows], dtype=np.uint8)
        return cls(hashes, classes)

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays to save beside the model's weights."""
        out: dict[str, np.ndarray] = {}
        for length in self.hashes:
            out[f"lexicon_hashes{length}"] = self.hashes[length]
            out[f"lexicon_classes{length}"] = self.classes[length]
        return out

    @classmethod
    def from_arrays(cls, data) -> Lexicon | None:
        """From a loaded model file; None if it has no word list."""
        if f"lexicon_hashes{SHORTEST}" not in data:
            return None
        lengths = range(SHORTEST, LONGEST + 1)
        return cls({n: data[f"lexicon_hashes{n}"] for n in lengths}, {n: data[f"lexicon_classes{n}"] for n in lengths})

    def codes(self, folded: str) -> dict[str, str]:
        """Sources of features, one code per character of folded text: "s" the longest listed word
        starting there, "e" the longest ending there, "x" the longest covering it (with its place)."""
        import numpy as np

        n = len(folded)
        chars = np.minimum(np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32), 0xFFFF).astype(np.uint64) + 1
        starts = np.full(n, ord(NONE), dtype=np.uint32)
        ends = starts.copy()
        covers = starts.copy()
        window = chars.copy()
        multiplier = np.uint64(_MULTIPLIER)
        for length in range(2, min(LONGEST, n) + 1):
            window = window[:-1] * multiplier + chars[length - 1 :]  # Wraps at 64 bits, as word_hash.
            known = self.hashes.get(length)
            if known is None or not len(known):
                continue
            rows = np.minimum(np.searchsorted(known, window), len(known) - 1)
            found = np.flatnonzero(known[rows] == window)
            if not len(found):
                continue
            first = 0x100 + (length * len(CLASSES) + self.classes[length][rows[found]].astype(np.uint32)) * 3
            starts[found] = first  # As `code`; longer words come later and overwrite shorter ones.
            ends[found + length - 1] = first + 2
            covers[found] = first
            for inside in range(1, length - 1):
                covers[found + inside] = first + 1
            covers[found + length - 1] = first + 2
        sources = {"s": starts, "e": ends, "x": covers}
        return {name: array.tobytes().decode("utf-32-le") for name, array in sources.items()}
