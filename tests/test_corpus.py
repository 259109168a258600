from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SEED_FILE
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.articles import corpus as corpus_module
from reader.articles.corpus import article_id, load_corpus, parse_seed
from reader.articles.indexed import CorpusCache
from reader.reading.layout import meta_line
from reader.text.conversion import SIMPLIFIED, convert
from reader.text.decoding import decode


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
    (tmp_path / "latin1.txt").write_bytes("Café résumé\nNaïve text".encode("latin-1"))
    (tmp_path / "undecided.txt").write_bytes(b"\xfe\xfe" * 20)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    corpus = load_corpus([tmp_path, tmp_path / "missing.txt"])
    assert [a.title for a in corpus.articles] == ["好標題"]
    problems = {Path(p.path).name: p.message for p in corpus.problems}
    assert problems["latin1.txt"].startswith("not UTF-8, GB18030 or Big5 text")
    assert problems["undecided.txt"].startswith("cannot tell its encoding")
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


# -- encodings --------------------------------------------------------------------------------

_SEED_TEXT = SEED_FILE.read_text(encoding="utf-8").replace("\u00a0", " ")  # Big5 has no NBSP.


@pytest.mark.parametrize("codec, name, text", [
    ("gb18030", "GB18030", _SEED_TEXT),
    ("gb18030", "GB18030", convert(_SEED_TEXT, SIMPLIFIED)),
    ("big5hkscs", "Big5", _SEED_TEXT),
    ("utf-16", "UTF-16", _SEED_TEXT),
    ("utf-16-be", "UTF-16", "\ufeff" + _SEED_TEXT),
    ("utf-8-sig", "UTF-8", _SEED_TEXT),
])
def test_chinese_files_in_other_encodings_read_as_their_text(tmp_path: Path, codec: str, name: str, text: str):
    path = tmp_path / "news.txt"
    path.write_bytes(text.encode(codec))
    expected = load_corpus([_utf8_copy(tmp_path, text.lstrip("\ufeff"))]).articles
    cache = CorpusCache(tmp_path / "cache")
    for trust in (False, True):  # Parsed, then listed from the cache with bodies read lazily.
        articles = load_corpus([path], cache, trust_cache=trust).articles
        assert [(a.title, a.body) for a in articles] == [(a.title, a.body) for a in expected]
        assert {a.encoding for a in articles} == {name}
    assert meta_line(articles[0]).endswith("字" if name == "UTF-8" else f"字 · {name}")


def _utf8_copy(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "utf8"
    folder.mkdir()
    (folder / "news.txt").write_text(text, encoding="utf-8")
    return folder / "news.txt"


@pytest.mark.parametrize("text", ["騰訊", "馬化騰在深圳。", "腾讯在深圳发布元宝。", "中国"])
@pytest.mark.parametrize("codec", ["gb18030", "big5hkscs"])
def test_even_a_few_characters_are_told_apart(text: str, codec: str):
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        pytest.skip(f"{text} has no {codec} form")
    assert decode(data)[0] == text


def test_a_file_whose_encoding_cannot_be_told_is_named_in_one_line(tmp_path: Path):
    path = tmp_path / "mystery.txt"
    path.write_bytes(bytes([0xFE, 0xFE, 0xA1, 0x40]) * 8)
    result = subprocess.run([sys.executable, "-m", "reader", "list", "--corpus", str(path)],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"reader: skipped {path}: " + result.stderr.split(": ", 2)[2].strip()]
    assert "cannot tell its encoding" in result.stderr and "Traceback" not in result.stderr


# -- many articles in one file; paths given relative -----------------------------------------


def test_a_file_of_many_articles_is_read_once_for_all_their_bodies(tmp_path: Path, monkeypatch):
    path = tmp_path / "many.txt"
    text = "#科技\n" + "".join(f"標題{n}\n第{n}篇。騰訊在深圳。(新華社)\n" for n in range(100))
    path.write_text(text, encoding="utf-8")
    cache = CorpusCache(tmp_path / "cache")
    load_corpus([path], cache)
    reads = []
    real = corpus_module._read_bytes
    monkeypatch.setattr(corpus_module, "_read_bytes", lambda where: reads.append(where) or real(where))
    listed = load_corpus([path], cache, trust_cache=True)
    assert [a.body for a in listed.articles] == [f"第{n}篇。騰訊在深圳。" for n in range(100)]
    assert len(reads) == 1


def test_a_relative_corpus_path_does_not_poison_the_cache(tmp_path: Path, monkeypatch):
    """`cd A && reader --corpus corp list`, then `reader --corpus A/corp` from elsewhere."""
    folder = tmp_path / "A" / "corp"
    folder.mkdir(parents=True)
    (folder / "one.txt").write_text("標題\n正文在這裡。", encoding="utf-8")
    cache = CorpusCache(tmp_path / "cache")
    monkeypatch.chdir(tmp_path / "A")
    load_corpus([Path("corp")], cache)
    monkeypatch.chdir(tmp_path)
    [article] = load_corpus([Path("A/corp")], cache, trust_cache=True).articles
    assert article.body == "正文在這裡。" and article.problem is None
    assert Path(article.path).is_absolute()


def test_a_body_that_cannot_be_read_says_so(tmp_path: Path):
    folder = tmp_path / "corp"
    folder.mkdir()
    (folder / "one.txt").write_text("標題\n正文在這裡。", encoding="utf-8")
    cache = CorpusCache(tmp_path / "cache")
    load_corpus([folder], cache)
    (folder / "one.txt").unlink()
    [article] = load_corpus([folder], cache, trust_cache=True).articles
    assert article.body == ""
    assert article.problem == f"{folder / 'one.txt'}: no such file or folder"


def test_a_pipe_a_device_and_a_huge_file_in_a_folder_are_skipped_with_a_reason(tmp_path: Path, monkeypatch):
    """A FIFO named like a text file hung the listing; a link to /dev/zero read until memory ran out."""
    import os

    from reader.system import reading

    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED_FILE, folder / "seeds.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "huge.txt").write_text("標題\n" + "很長的文章。" * 20000, encoding="utf-8")
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 200 * 1024)
    corpus = load_corpus([folder])
    assert len(corpus.articles) == 7
    reasons = {Path(problem.path).name: problem.message for problem in corpus.problems}
    assert reasons == {"pipe.txt": "not a regular file (a device, a pipe or a socket)",
                       "zero.txt": "not a regular file (a device, a pipe or a socket)",
                       "huge.txt": "larger than 200 KB"}


def test_the_app_reads_a_folder_again_when_the_index_lists_nothing(tmp_path: Path, isolated_xdg):
    """The app lists from the index; an index that says "nothing here" may be out of date (the
    folder was empty, or its one file bad, when first tried), and must not keep the app from
    starting. (With articles to show, the app checks the files after its first paint.)"""
    from argparse import Namespace

    from reader.cli.shared import load_articles

    folder = tmp_path / "news"
    folder.mkdir()
    args = Namespace(corpus=[folder])
    with pytest.raises(SystemExit):
        load_articles(args, trust_cache=True)  # Empty: nothing to read, and now the index says so.
    (folder / "a.txt").write_text("新文章\n\n内容。\n", encoding="utf-8")
    assert [article.title for article in load_articles(args, trust_cache=True).articles] == ["新文章"]
    (folder / "a.txt").write_bytes(b"\x00\x01binary")
    with pytest.raises(SystemExit):
        load_articles(args)  # The index now holds a.txt as a file it could not read, and nothing else…
    (folder / "a.txt").write_text("標題\n\n正文。\n", encoding="utf-8")
    again = load_articles(args, trust_cache=True)  # …which has changed since.
    assert ([article.title for article in again.articles], again.problems) == (["標題"], [])
