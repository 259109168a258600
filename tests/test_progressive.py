"""Entities found a stretch at a time (`reader.entities.progressive`): the part on screen first,
the same as the whole text gives there, the rest after, the whole result cached."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.entities import model as ner
from reader.entities.detect import EntityCache, Gazetteer, detect
from reader.entities.progressive import ProgressiveDetection, bounds

_words = st.sampled_from(
    ["邓小平", "中国共产党", "北京", "腾讯", "马化腾", "发表了讲话", "10亿元", "2025年1月", "，", "。", "！", "的",
     "\n", "\n\n", " ", "元宝App", "《王者荣耀》", "Qwen3", "沃尔玛", "郑伯克段于鄢。", "腾讯元宝", "美国国务院"]
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def short_segments():
    """Lines longer than 40 characters are cut, so the cuts inside lines are exercised too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ner, "LONGEST_SEGMENT", 40)
        yield


@settings(max_examples=40, deadline=None)
@given(st.lists(_words, min_size=1, max_size=60).map("".join), st.integers(0, 400), st.integers(0, 400))
def test_a_stretch_gives_what_the_whole_text_gives_there(short_segments, gazetteer, body, first, last):
    start, end = sorted((min(first, len(body)), min(last, len(body))))
    whole = detect(body, gazetteer)
    shown = ProgressiveDetection(body, gazetteer).stretch(start, end)
    a, b = bounds(body, start, end)
    assert a <= start and end <= b or start == end
    assert shown == [e for e in whole if a <= e.start and e.end <= b]
    assert all(e in shown for e in whole if e.start < end and start < e.end)  # Everything on screen.


@settings(max_examples=20, deadline=None)
@given(st.lists(_words, min_size=1, max_size=80).map("".join), st.integers(0, 400))
def test_the_rest_completes_the_whole_text(short_segments, gazetteer, body, first):
    found = ProgressiveDetection(body, gazetteer)
    found.stretch(first, first + 50)
    for done in found.rest(step=60):
        assert 0 < done <= len(body)
    assert found.complete and found.entities == detect(body, gazetteer)


def test_the_whole_result_is_cached_and_served(tmp_path: Path, gazetteer, seed_corpus):
    cache = EntityCache(tmp_path / "cache")
    body = seed_corpus.articles[6].body
    found = ProgressiveDetection(body, gazetteer, cache)
    assert not found.complete and found.stretch(0, 500)
    list(found.rest())
    assert cache.get(body, gazetteer) == detect(body, gazetteer)
    again = ProgressiveDetection(body, gazetteer, cache)
    assert again.complete and again.entities == found.entities and list(again.rest()) == []


def test_a_long_line_is_found_a_stretch_at_a_time(gazetteer):
    body = "腾讯发布了元宝。" * 2000  # One line of 16,000 characters.
    found = ProgressiveDetection(body, gazetteer)
    screen = found.stretch(0, 100)
    assert screen and found.characters_done < ner.LONGEST_SEGMENT + 200
    assert screen == [e for e in detect(body, gazetteer) if e.end <= found.characters_done]


def test_many_texts_found_together_are_found_as_each_alone(tmp_path: Path, gazetteer, seed_corpus):
    from reader.entities.detect import detect_many

    bodies = [article.body for article in seed_corpus.articles] + ["", "腾讯\n", "\n马化腾说"]
    cache = EntityCache(tmp_path / "cache")
    cache.put(bodies[1], gazetteer, [])  # A cached answer is served as it is.
    expected = [detect(body, gazetteer) for body in bodies]
    expected[1] = []
    assert list(detect_many(bodies, gazetteer, cache)) == expected
    assert all(cache.get(body, gazetteer) is not None for body in bodies)
