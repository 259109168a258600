from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.corpus import article_id, load_corpus, parse_seed

from conftest import SEED_FILE


def test_seed_corpus_has_seven_articles_with_their_sources(seed_corpus):
    assert [a.source for a in seed_corpus.articles] == [
        "湧現觀察", "財富中文網", "36氪", "首席商業評論", "功夫財經", "華爾街見聞", "科技每日推送",
    ]
    assert seed_corpus.problems == []
    first = seed_corpus.articles[0]
    assert first.title == "馬化騰最新內部演講,透露騰訊AI的5個關鍵點"
    assert first.tags == ("馬化騰",)
    assert first.body.startswith("近期,騰訊一年一度的員工大會如期而至。")
    assert first.body.endswith("才能穿越周期。")  # The "(湧現觀察)" trailer is the source, not the body.


def test_bodies_are_the_file_text_unchanged(seed_corpus):
    text = SEED_FILE.read_text(encoding="utf-8")
    for article in seed_corpus.articles:
        assert article.body in text
        assert article.title in text


def test_ids_survive_reordering_renamed_folders_and_new_files(tmp_path: Path, seed_corpus):
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(SEED_FILE, other / SEED_FILE.name)
    (other / "0-first.txt").write_text("新文章\n正文。", encoding="utf-8")
    (other / "zz-last.md").write_text("# 標題\n\n正文。", encoding="utf-8")
    moved = load_corpus([other / "zz-last.md", other])
    ids = {a.title: a.id for a in moved.articles}
    for article in seed_corpus.articles:
        assert ids[article.title] == article.id


def test_repeated_titles_get_distinct_ids(tmp_path: Path):
    path = tmp_path / "twice.txt"
    path.write_text("同題\n正文一。(甲)\n同題\n正文二。(乙)\n", encoding="utf-8")
    articles = load_corpus([path]).articles
    assert len({a.id for a in articles}) == 2
    assert articles[0].id == article_id(path, "同題")


def test_plain_text_and_markdown_formats(tmp_path: Path):
    (tmp_path / "plain.txt").write_text("\n\n標題一\n\n第一段。\n\n第二段。\n", encoding="utf-8")
    (tmp_path / "note.md").write_text("前言\n\n# 真正的標題\n\n## 小節\n正文。\n", encoding="utf-8")
    corpus = load_corpus([tmp_path])
    by_title = {a.title: a for a in corpus.articles}
    assert by_title["標題一"].body == "第一段。\n\n第二段。"
    assert by_title["真正的標題"].body == "## 小節\n正文。"
    assert corpus.problems == []


def test_full_width_parentheses_give_the_source(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("#科技\n標題\n正文。（新華社）\n", encoding="utf-8")
    [article] = load_corpus([path]).articles
    assert (article.source, article.body, article.tags) == ("新華社", "正文。", ("科技",))


def test_bad_files_are_reported_by_name_and_the_rest_load(tmp_path: Path):
    (tmp_path / "good.txt").write_text("好標題\n好正文。", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("標題\n正文".encode("big5"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    corpus = load_corpus([tmp_path, tmp_path / "missing.txt"])
    assert [a.title for a in corpus.articles] == ["好標題"]
    problems = {Path(p.path).name: p.message for p in corpus.problems}
    assert problems["latin1.txt"].startswith("not UTF-8 text")
    assert problems["empty.txt"] == "the file is empty"
    assert problems["binary.txt"] == "a binary file, not text"
    assert problems["missing.txt"] == "no such file or folder"


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path):
    path = tmp_path / "locked.txt"
    path.write_text("標題\n正文", encoding="utf-8")
    path.chmod(0)
    try:
        corpus = load_corpus([path])
        if corpus.articles:  # Running as root: permissions do not apply.
            return
        assert corpus.problems[0].message == "permission denied"
    finally:
        path.chmod(0o644)


def test_find_by_id_or_position(seed_corpus):
    second = seed_corpus.articles[1]
    assert seed_corpus.find(second.id) is second
    assert seed_corpus.find("2") is second
    assert seed_corpus.find("0") is None
    assert seed_corpus.find("8") is None


_text = st.text(
    alphabet=st.sampled_from("騰訊馬化騰元寶AIai 的了。,!?「」“”12%"), min_size=1, max_size=60
).map(str.strip).filter(lambda s: s and "\n" not in s)
_source = st.text(alphabet=st.sampled_from("湧現觀察36氪財經"), min_size=1, max_size=6)


@settings(max_examples=200)
@given(st.lists(st.tuples(_text, _text, _source), min_size=1, max_size=5))
def test_seed_format_round_trips(articles):
    lines = ["#標籤"]
    for title, body, source in articles:
        title = title[:10]
        body = "正文" + body + "。"
        lines += [title, f"{body} ({source})"]
    parsed = parse_seed("\n".join(lines) + "\n")
    assert parsed is not None
    tags, triples = parsed
    assert tags == ("標籤",)
    assert [(t, b, s) for t, b, s in triples] == [
        (title[:10].strip(), ("正文" + body + "。").strip(), source) for title, body, source in articles
    ]
