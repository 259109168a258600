"""Entity detection against hand-labelled articles, the listed forms, and unseen text."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import REPO, shared_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.entities.detect import EntityCache, Gazetteer, GazetteerError, detect, detect_cached
from reader.entities.mentions import DATE, MONEY, NAME_TYPES, PERCENT, PERSON, PRODUCT, TYPES, group, next_mention
from reader.text.conversion import SIMPLIFIED, convert

FIXTURES = Path(__file__).parent / "fixtures" / "entities"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def labelled(seed_corpus) -> list[tuple[object, set[tuple[int, int, str]]]]:
    """(article, gold mentions) for every hand-labelled article."""
    cases = []
    for path in sorted(FIXTURES.glob("*.tsv")):
        article = seed_corpus.articles[int(path.name.split("-")[0]) - 1]
        gold, position = set(), 0
        for line in path.read_text(encoding="utf-8").splitlines():
            kind, text = line.split("\t")
            start = article.body.index(text, position)
            gold.add((start, start + len(text), kind))
            position = start + len(text)
        cases.append((article, gold))
    return cases


def test_precision_and_recall_on_hand_labelled_articles(seed_corpus, gazetteer):
    cases = labelled(seed_corpus)
    assert len(cases) >= 2
    true_positive = found_total = gold_total = 0
    for article, gold in cases:
        found = {(e.start, e.end, e.type) for e in detect(article.body, gazetteer)}
        names_gold = {g for g in gold if g[2] in NAME_TYPES}
        names_found = {f for f in found if f[2] in NAME_TYPES}
        true_positive += len(names_gold & names_found)
        found_total += len(names_found)
        gold_total += len(names_gold)
        # Every labelled money, date and percentage is found, with its exact span.
        assert {g for g in gold if g[2] not in NAME_TYPES} <= found
    precision, recall = true_positive / found_total, true_positive / gold_total
    assert precision == 1.0 and recall == 1.0, (precision, recall)


@pytest.mark.parametrize(
    "text, mention, kind",
    [
        ("騰訊將發放10億元紅包", "10億元", MONEY),
        ("市值跌破5兆港元", "5兆港元", MONEY),
        ("僅僅花了4個億", "4個億", MONEY),
        ("收入達362億元,同比增長21%", "362億元", MONEY),
        ("收入達362億元,同比增長21%", "21%", PERCENT),
        ("股價跌3.96%。", "3.96%", PERCENT),
        ("營收增長百分之八", "百分之八", PERCENT),  # In Chinese numerals, in either script.
        ("利润增长百分之十点五", "百分之十点五", PERCENT),
        ("毛利率提升2.5個百分點", "2.5個百分點", PERCENT),
        ("投入十億元和三千万美元", "十億元", MONEY),
        ("投入十億元和三千万美元", "三千万美元", MONEY),
        ("售價三千九百九十九元", "三千九百九十九元", MONEY),  # Prices, to the last digit.
        ("乙售价九十九元", "九十九元", MONEY),
        ("己售價十九點九元", "十九點九元", MONEY),
        ("2025年第三季度,騰訊", "2025年第三季度", DATE),
        ("將於2026年Q2發佈", "2026年Q2", DATE),
        ("1月26日,在騰訊公司年會上", "1月26日", DATE),
        ("截至2025年9月", "2025年9月", DATE),
        ("他說腾讯与字节跳动", "字节跳动", "org"),
        ("马化腾表示", "马化腾", PERSON),
        ("騰訊發佈混元圖像3.0圖生圖版本", "混元圖像3.0", PRODUCT),
    ],
)
def test_listed_forms_are_found(gazetteer, text, mention, kind):
    found = {(text[e.start : e.end], e.type) for e in detect(text, gazetteer)}
    assert (mention, kind) in found


@pytest.mark.parametrize(
    "text, not_entity",
    [
        ("兩天就繫結了2億張銀行卡", "2億"),
        ("14億月活使用者", "14億"),
        ("下載量已經超過了7億次", "7億"),
        ("重現11年前微信紅包的熱潮", "11年"),
        ("這讓人聯想起2015年春晚", "聯想"),
        ("統一元素和第十元", "元"),  # 一 and 十 alone are parts of words, not amounts.
    ],
)
def test_counts_and_spans_of_time_are_not_entities(gazetteer, text, not_entity):
    found = [text[e.start : e.end] for e in detect(text, gazetteer)]
    assert not any(not_entity in mention for mention in found), found


def test_longest_mention_wins(gazetteer):
    text = "元寶派和騰訊視訊,騰訊元寶與元寶"
    found = [(text[e.start : e.end], e.type) for e in detect(text, gazetteer)]
    assert found == [("元寶派", PRODUCT), ("騰訊視訊", PRODUCT), ("騰訊元寶", PRODUCT), ("元寶", PRODUCT)]


def test_either_script_gives_the_same_entities(seed_corpus, gazetteer):
    body = seed_corpus.articles[6].body
    traditional = [(e.start, e.end, e.type) for e in detect(body, gazetteer)]
    simplified = [(e.start, e.end, e.type) for e in detect(convert(body, SIMPLIFIED), gazetteer)]
    assert traditional == simplified


def test_a_user_gazetteer_extends_and_is_checked(tmp_path: Path):
    mine = tmp_path / "entities.tsv"
    mine.write_text("# mine\nperson\t小馬哥\tPony\nplace\t前海\n", encoding="utf-8")
    gazetteer = Gazetteer.load(mine)
    text = "小马哥在前海和Pony見面"
    assert [(text[e.start : e.end], e.type) for e in detect(text, gazetteer, use_model=False)] == [
        ("小马哥", PERSON), ("前海", "place"), ("Pony", PERSON),
    ]
    mine.write_text("person\t小馬哥\nanimal\t熊貓\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"entities.tsv:2: expected 'type<TAB>name"):
        Gazetteer.load(mine)


def test_unseen_document_finds_places_and_institutions(gazetteer):
    body = shared_corpus("us_constitution_zhs.txt").read_text(encoding="utf-8")
    entities = detect(body, gazetteer)
    found = Counter((body[e.start : e.end], e.type) for e in entities)
    for name, kind in [("国会", "org"), ("参议院", "org"), ("众议院", "org"), ("合众国", "place")]:
        assert found[(name, kind)] >= 1, name
    # 美国 is named as 合众国 and 美利坚合众国: mentions of one entity, the gazetteer's 美國.
    assert sum(1 for e in entities if e.key == "美國" and e.type == "place") > 50
    assert found[("乔治·华盛顿", PERSON)] >= 1  # A foreign name jieba finds in pieces.


def test_cache_serves_results_and_survives_damage(tmp_path: Path, seed_corpus, gazetteer):
    cache = EntityCache(tmp_path / "cache")
    body = seed_corpus.articles[6].body
    first = detect_cached(body, gazetteer, cache)
    assert cache.get(body, gazetteer) == first
    for path in (tmp_path / "cache").iterdir():
        path.write_text("{not json", encoding="utf-8")
    assert cache.get(body, gazetteer) is None
    assert detect_cached(body, gazetteer, cache) == first
    assert cache.get(body + "。", gazetteer) is None  # Keyed by content: an edit is never stale.


def test_groups_and_mention_walking(seed_corpus, gazetteer):
    entities = detect(seed_corpus.articles[6].body, gazetteer)
    groups = group(entities)
    assert groups[0].type == PERSON and groups[0].key == "馬化騰"
    tencent = next(g for g in groups if g.key == "騰訊")
    assert tencent.mentions == sum(1 for e in entities if e.key == "騰訊")
    first = next_mention(entities, -1, key="騰訊")
    second = next_mention(entities, first.start, key="騰訊")
    assert first.start < second.start and next_mention(entities, second.start, forward=False, key="騰訊") == first


_pieces = st.sampled_from(
    ["騰訊", "马化腾", "元寶派", "10億元", "4個億", "2025年第三季度", "1月26日", "21%", "，", "。", "的", "在",
     "QQ", "UC", "ucla", "2億張", "11年前", " ", "聯想起", "小米粥", "HunyuanImage 3.0"]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_pieces, max_size=40).map("".join))
def test_any_text_gives_sorted_disjoint_spans_inside_it(text):
    entities = detect(text, Gazetteer.load(), use_model=False)
    previous_end = 0
    for entity in entities:
        assert previous_end <= entity.start < entity.end <= len(text)
        assert entity.type in TYPES
        previous_end = entity.end


def test_cli_entities_json_offsets_point_at_the_text(seed_corpus):
    result = subprocess.run(
        [sys.executable, "-m", "reader", "entities", "7", "--type", "person", "--type", "money", "--json"],
        capture_output=True, text=True, cwd=REPO, check=True,
    )
    rows = json.loads(result.stdout)
    body = seed_corpus.articles[6].body
    assert rows and all(set(row) == {"article", "type", "text", "start", "end"} for row in rows)
    assert all(body[row["start"] : row["end"]] == row["text"] for row in rows)
    assert {row["type"] for row in rows} == {"person", "money"}
    assert [row["start"] for row in rows] == sorted(row["start"] for row in rows)
