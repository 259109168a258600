"""The entity model's word list (`reader.entities.lexicon`): its vectorised matching against a plain
loop over every window, and its round trip through a model file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.entities import model as ner
from reader.entities.lexicon import CLASSES, LONGEST, NONE, SHORTEST, Lexicon, code, word_hash

_ALL_CODES = {code(length, kind, place): (length, kind, place)
              for length in range(SHORTEST, LONGEST + 1) for kind in CLASSES for place in range(3)}


def _decode(found: str) -> tuple[int, str, int] | None:
    """(length, class, place) of a code, None for NONE."""
    return None if found == NONE else _ALL_CODES[found]


def _expected(text: str, words: dict[str, str]) -> dict[str, list]:
    """The codes' meaning, by a loop over every window: longest word starting, ending, covering."""
    n = len(text)
    starts: list = [None] * n
    ends: list = [None] * n
    covers: list = [None] * n
    for length in range(SHORTEST, LONGEST + 1):
        found = [(i, kind) for i in range(n - length + 1) if (kind := words.get(text[i : i + length])) is not None]
        for i, kind in found:
            starts[i] = (length, kind, 0)
            ends[i + length - 1] = (length, kind, 2)
        # Two words of one length overlapping (11 twice in 111): a character one ends and the other
        # begins counts as an end. Places are written in the order begin, middle, end, as `codes` does.
        for inside in range(length):
            place = 0 if inside == 0 else 2 if inside == length - 1 else 1
            for i, kind in found:
                covers[i + inside] = (length, kind, place)
    return {"s": starts, "e": ends, "x": covers}


_chars = st.sampled_from("北京大学中国人民共和国的了马化腾A1")
_words = st.dictionaries(st.text(_chars, min_size=SHORTEST, max_size=LONGEST), st.sampled_from(CLASSES), max_size=25)


@settings(max_examples=150, deadline=None)
@given(_words, st.text(_chars, max_size=40))
@example(words={"11": "p"}, text="111")
def test_codes_name_the_longest_word_starting_ending_and_covering_each_character(words, text):
    codes = Lexicon.from_words(words).codes(text)
    for name, meaning in _expected(text, words).items():
        assert len(codes[name]) == len(text)
        assert [_decode(code) for code in codes[name]] == meaning, name


def test_characters_past_the_basic_plane_keep_the_codes_aligned():
    codes = Lexicon.from_words({"北京": "l"}).codes("𠀀北京𠀀")
    assert [_decode(c) for c in codes["x"]] == [None, (2, "l", 0), (2, "l", 2), None]


def test_a_word_of_every_length_is_found_and_longer_ones_win():
    words = {"中国": "l", "中国人民": "o", "人民": "n", "中华人民共和国": "l"}
    codes = Lexicon.from_words(words).codes("中华人民共和国的中国人民")
    assert _decode(codes["x"][3]) == (7, "l", 1)  # 民 inside 中华人民共和国, not 人民.
    assert _decode(codes["s"][8]) == (4, "o", 0)  # 中国人民 over 中国.
    assert _decode(codes["e"][11]) == (4, "o", 2)  # 中国人民 over 人民.
    assert codes["s"][7] == NONE


def test_the_hash_is_the_one_the_windows_get():
    lexicon = Lexicon.from_words({"騰訊": "o"})
    assert int(lexicon.hashes[2][0]) == word_hash("騰訊")
    assert lexicon.hashes[2].dtype == np.uint64


def test_the_word_list_travels_in_the_model_file(tmp_path: Path):
    lexicon = Lexicon.from_words({"北京": "l", "马化腾": "p"})
    templates = ner.TEMPLATES + ner.LEXICON_TEMPLATES
    per_template = {"q": {code(3, "p", 0): {1: 2.0}}, "c": {"京": {2: 1.0}}}
    model = ner.Model.from_templates(["O", "B-person", "I-person"], np.zeros((3, 3)), np.zeros(3), per_template,
                                     templates, lexicon)
    model.save(tmp_path / "m.npz")
    loaded = ner.Model.load(tmp_path / "m.npz")
    assert loaded.lexicon is not None
    assert loaded.lexicon.codes("马化腾在北京") == lexicon.codes("马化腾在北京")
    emissions = loaded.emissions("马化腾在北京")
    assert emissions[0, 1] > 1.9 and emissions[5, 2] > 0.9 and emissions[1, 1] == 0


def test_a_model_without_a_word_list_still_loads(tmp_path: Path):
    model = ner.Model.from_templates(["O", "B-org"], np.zeros((2, 2)), np.zeros(2), {"c": {"国": {1: 1.0}}})
    model.save(tmp_path / "m.npz")
    assert ner.Model.load(tmp_path / "m.npz").lexicon is None


def test_a_model_whose_templates_need_a_word_list_it_lacks_is_refused(tmp_path: Path):
    templates = ner.TEMPLATES + ner.LEXICON_TEMPLATES
    model = ner.Model.from_templates(["O", "B-org"], np.zeros((2, 2)), np.zeros(2), {"c": {"国": {1: 1.0}}}, templates)
    model.save(tmp_path / "m.npz")
    with pytest.raises(ValueError, match="word list"):
        ner.Model.load(tmp_path / "m.npz")
