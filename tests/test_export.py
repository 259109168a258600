"""Exports parse with the standard library, point at the right text, and come back in."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from apphelpers import SIZE, make_app, wait_until
from conftest import REPO

from reader.annotations.export import CSV_FIELDS, W3C_CONTEXT, export, export_current, read_w3c, to_w3c
from reader.annotations.store import Annotation, AnnotationStore
from reader.articles.corpus import load_corpus
from reader.text.conversion import SIMPLIFIED, convert
from reader.ui.screens.export import ExportScreen

AWKWARD = '逗號,和"引號"\n第二行,還有「括號」'


@pytest.fixture()
def store(tmp_path: Path, seed_corpus) -> AnnotationStore:
    store = AnnotationStore(tmp_path / "notes.json")
    for number, (article, quote) in enumerate(
        [
            (seed_corpus.articles[2], "豆包手機"),
            (seed_corpus.articles[0], "馬化騰"),
            (seed_corpus.articles[0], "元寶派"),
        ]
    ):
        start = article.body.index(quote)
        store.add(Annotation.new(article.id, article.body, start, start + len(quote), note=f"{AWKWARD}{number}",
                                 tags=["標籤,一", '引"號'], color=["pink", "green", "blue"][number]))
    return store


def articles(seed_corpus) -> dict:
    return {a.id: a for a in seed_corpus.articles}


def test_csv_is_rfc_4180_and_every_quote_is_at_its_offsets(store, seed_corpus):
    text = export("csv", store.all(), articles(seed_corpus))
    assert text.splitlines()[0] == ",".join(CSV_FIELDS) and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 3
    bodies = articles(seed_corpus)
    for row in rows:
        assert bodies[row["article"]].body[int(row["start"]) : int(row["end"])] == row["quote"]
        assert row["note"].startswith(AWKWARD)
        assert row["tags"] == '標籤,一, 引"號'
        assert row["title"] == bodies[row["article"]].title
    # Articles in corpus order, then position.
    assert [row["quote"] for row in rows] == ["馬化騰", "元寶派", "豆包手機"]
    assert export("csv", store.all(), articles(seed_corpus), bom=True).startswith("\ufeffarticle,")


def test_w3c_json_has_the_fields_other_tools_read(store, seed_corpus):
    items = json.loads(export("json", store.all(), articles(seed_corpus)))
    bodies = articles(seed_corpus)
    for item in items:
        assert item["@context"] == W3C_CONTEXT and item["type"] == "Annotation"
        assert item["id"].startswith("urn:uuid:") and item["created"] and item["modified"]
        purposes = [b["purpose"] for b in item["body"]]
        assert purposes == ["commenting", "tagging", "tagging"]
        assert all(b["type"] == "TextualBody" for b in item["body"])
        quote, position = item["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        article = bodies[item["target"]["source"]["id"].rsplit(":", 1)[1]]
        assert article.body[position["start"] : position["end"]] == quote["exact"]
        assert article.body[: position["start"]].endswith(quote["prefix"])
        assert article.body[position["end"] :].startswith(quote["suffix"])


def test_markdown_keeps_a_notes_lines_and_counts_characters_as_a_person_does(tmp_path, seed_corpus):
    article = seed_corpus.articles[0]
    start = article.body.index("騰訊")
    store = AnnotationStore(tmp_path / "notes.json")
    store.add(Annotation.new(article.id, article.body, start, start + 2, note="第一行\n第二行\n\n新段落"))
    store.add(Annotation.new(article.id, article.body, start, start + 1))
    markdown = export_current("markdown", store.all(), seed_corpus.articles)
    assert "第一行  \n第二行\n\n新段落\n" in markdown  # A hard break: a lone newline would join the lines.
    assert f"characters {start + 1}–{start + 2}" in markdown and f"character {start + 1} " in markdown


def test_vocabulary_senses_read_as_text_not_as_cedict_markup(vocab, seed_corpus):
    for fmt in ("markdown", "csv", "anki"):
        text = export_current(fmt, vocab.all(), seed_corpus.articles)
        assert "騰訊控股有限公司 · 腾讯控股有限公司 (Téng xùn" in text
        assert "|" not in text.replace("\t", " ").split("騰訊控股有限公司")[1][:20]


def test_markdown_reads_as_is(store, seed_corpus):
    text = export("markdown", store.all(), articles(seed_corpus))
    assert text.startswith("# Annotations\n")
    assert "## 馬化騰最新內部演講,透露騰訊AI的5個關鍵點\n\nSource: 湧現觀察" in text
    assert "> 馬化騰\n" in text and "#標籤_一" in text and "colour: green" in text


def test_script_changes_quotes_not_positions(store, seed_corpus):
    simplified = json.loads(export("json", store.all(), articles(seed_corpus), SIMPLIFIED))
    original = json.loads(export("json", store.all(), articles(seed_corpus)))
    for mine, theirs in zip(simplified, original):
        assert mine["target"]["selector"][1] == theirs["target"]["selector"][1]
        assert mine["target"]["selector"][0]["exact"] == convert(theirs["target"]["selector"][0]["exact"], SIMPLIFIED)


def test_exports_show_annotations_where_their_quotes_are_now(tmp_path: Path):
    article_file = tmp_path / "a.txt"
    article_file.write_text("標題\n騰訊發布元寶派。一句後來刪掉的話。\n", encoding="utf-8")
    [article] = load_corpus([article_file]).articles
    start, gone = article.body.index("元寶派"), article.body.index("一句後來刪掉的話")
    kept = Annotation.new(article.id, article.body, start, start + 3, note="kept")
    lost = Annotation.new(article.id, article.body, gone, gone + 8, note="lost")
    article_file.write_text("標題\n今天,騰訊向所有人發布了元寶派。\n", encoding="utf-8")
    [edited] = load_corpus([article_file]).articles
    rows = list(csv.DictReader(io.StringIO(export_current("csv", [kept, lost], [edited]))))
    moved = next(row for row in rows if row["note"] == "kept")
    assert (int(moved["start"]), moved["quote"]) == (edited.body.index("元寶派"), "元寶派")
    orphan = next(row for row in rows if row["note"] == "lost")
    assert (orphan["start"], orphan["end"], orphan["orphaned"], moved["orphaned"]) == ("", "", "yes", "no")
    w3c = {item["body"][0]["value"]: item for item in json.loads(export_current("json", [kept, lost], [edited]))}
    w3c_kept, w3c_lost = w3c["kept"], w3c["lost"]
    assert [s["type"] for s in w3c_kept["target"]["selector"]] == ["TextQuoteSelector", "TextPositionSelector"]
    assert [s["type"] for s in w3c_lost["target"]["selector"]] == ["TextQuoteSelector"]
    assert w3c_lost["target"]["selector"][0]["exact"] == "一句後來刪掉的話"
    markdown = export_current("markdown", [kept, lost], [edited])
    lost_section = markdown[markdown.index("> 一句後來刪掉的話"):]
    assert "orphaned: this text is no longer in the article" in lost_section
    assert f"characters {gone}" not in markdown


def test_export_import_export_is_the_same(store, seed_corpus, tmp_path: Path):
    first = export("json", store.all(), articles(seed_corpus))
    result = read_w3c(first, seed_corpus.articles)
    assert result.not_placed == []
    fresh = AnnotationStore(tmp_path / "fresh.json")
    fresh.import_many(result.annotations)
    assert export("json", fresh.all(), articles(seed_corpus)) == first


def test_import_places_by_quote_in_either_script_and_reports_the_rest(store, seed_corpus):
    items = json.loads(export("json", store.all(), articles(seed_corpus), SIMPLIFIED))
    for item in items:  # As another tool would: no article of ours, positions gone stale.
        stale = {"type": "TextPositionSelector", "start": 0, "end": 3}
        item["target"] = [{"source": "https://example.com/news", "selector": [item["target"]["selector"][0], stale]}]
    unknown = {"type": "TextQuoteSelector", "exact": "不在任何文章裡的話"}
    items.append({"type": "Annotation", "target": {"selector": unknown}})
    items.append({"type": "Annotation", "target": "https://example.com"})
    result = read_w3c(json.dumps(items), seed_corpus.articles)
    bodies = articles(seed_corpus)
    assert sorted(a.quote for a in result.annotations) == ["元寶派", "豆包手機", "馬化騰"]
    assert all(bodies[a.article].body[a.start : a.end] == a.quote for a in result.annotations)
    assert len(result.not_placed) == 2 and "in none of the articles" in result.not_placed[0]


def test_cli_export_and_import(tmp_path: Path, store, seed_corpus):
    environment = {"cwd": REPO, "capture_output": True, "text": True}
    output = tmp_path / "out.csv"
    subprocess.run([sys.executable, "-m", "reader", "export", "--format", "csv", "--tag", "標籤,一", "--bom",
                    "--annotations", str(store.path), "--output", str(output)], check=True, **environment)
    assert output.read_bytes().startswith(b"\xef\xbb\xbfarticle,")
    assert len(list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8-sig"), newline="")))) == 3
    one = subprocess.run([sys.executable, "-m", "reader", "export", "--format", "json", "--article", "3",
                          "--annotations", str(store.path)], check=True, **environment)
    assert [i["target"]["selector"][0]["exact"] for i in json.loads(one.stdout)] == ["豆包手機"]
    exported = tmp_path / "w3c.json"
    exported.write_text(json.dumps(to_w3c(store.all(), articles(seed_corpus))), encoding="utf-8")
    target = tmp_path / "other.json"
    result = subprocess.run([sys.executable, "-m", "reader", "import", str(exported), "--annotations", str(target)],
                            check=True, **environment)
    assert result.stdout.startswith("3 placed (3 new), 0 not placed")
    assert len(AnnotationStore(target).all()) == 3
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    failed = subprocess.run([sys.executable, "-m", "reader", "import", str(bad)], **environment)
    assert failed.returncode == 2 and failed.stderr.count("\n") == 1 and "not valid JSON" in failed.stderr


async def test_export_from_the_app(tmp_path: Path, seed_corpus, monkeypatch):
    monkeypatch.chdir(tmp_path)  # Never the current folder (often a checkout):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    documents = tmp_path / "Documents"  # the documents folder.
    documents.mkdir()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        article = seed_corpus.articles[0]
        app.annotations.add(Annotation.new(article.id, article.body, 0, 2, note=AWKWARD))
        await pilot.press("X")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#format-csv").value = True
        await pilot.pause()
        assert app.screen.query_one("#path").value == str(documents / "reader-annotations.csv")
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = (documents / "reader-annotations.csv").read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert [r["note"] for r in rows] == [AWKWARD]
        (documents / "reader-annotations.csv").write_text("mine", encoding="utf-8")
        await pilot.press("X")  # Again: the format is remembered, the file is not replaced at once.
        await pilot.pause()
        assert app.screen.query_one("#format-csv").value and app.state.export_format == "csv"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen) and "exists" in str(app.screen.query_one("#exists").render())
        assert (documents / "reader-annotations.csv").read_text(encoding="utf-8") == "mine"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        assert (documents / "reader-annotations.csv").read_text(encoding="utf-8") != "mine"
        assert any("reader-annotations.csv" in message for message in app.seen.notifications)


# -- vocabulary: the Anki notes -------------------------------------------------------------------


@pytest.fixture()
def vocab(tmp_path: Path, seed_corpus) -> AnnotationStore:
    """Two words saved from the dictionary (one with both 元寶 entries, one CC-CEDICT lacks) and
    a highlight that is not vocabulary."""
    store = AnnotationStore(tmp_path / "vocab.json")
    article = seed_corpus.articles[0]
    for quote, tags in [("元寶", ["vocab"]), ("騰訊", ["vocab", "my tag"]), ("元寶派", ["vocab"]), ("馬化騰", [])]:
        start = article.body.index(quote)
        store.add(Annotation.new(article.id, article.body, start, start + len(quote), tags=tags))
    return store


def _anki_rows(text: str) -> list[list[str]]:
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    return list(csv.reader(io.StringIO("".join(lines), newline=""), delimiter="\t"))


def test_anki_notes_read_back_with_csv(vocab, seed_corpus):
    text = export_current("anki", vocab.all(), seed_corpus.articles)
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header == ["#separator:tab", "#html:true", "#columns:Word\tPinyin\tMeaning\tSentence\tSource\tTags",
                      "#tags column:6"]
    rows = _anki_rows(text)
    assert all(len(row) == 6 for row in rows)
    by_word = {row[0]: row for row in rows}
    assert set(by_word) == {"元寶", "騰訊", "元寶派"}  # Only the vocabulary.
    title = seed_corpus.articles[0].title
    word, pinyin, senses, sentence, source, tags = by_word["騰訊"]
    assert pinyin == "Téng xùn" and senses.startswith("see 騰訊控股有限公司")
    assert sentence == "近期,<b>騰訊</b>一年一度的員工大會如期而至。" and source == title
    assert tags == "vocab my_tag"
    both = by_word["元寶"]
    assert both[1] == "yuán bǎo / Yuán bǎo" and "ingot" in both[2] and "Yuanbao district" in both[2]
    assert "<b>元寶</b>" in both[3] and both[3].endswith("。")
    assert by_word["元寶派"][1:3] == ["yuán bǎo pài", "(not in CC-CEDICT)"]


def test_anki_follows_the_script_and_the_cli_writes_it(vocab, seed_corpus, tmp_path: Path):
    rows = _anki_rows(export_current("anki", vocab.all(), seed_corpus.articles, SIMPLIFIED))
    assert {row[0] for row in rows} == {"元宝", "腾讯", "元宝派"}
    assert all("<b>" + row[0] + "</b>" in row[3] and row[3] == convert(row[3], SIMPLIFIED) for row in rows)
    output = tmp_path / "cards.txt"
    result = subprocess.run(
        [sys.executable, "-m", "reader", "export", "--format", "anki", "--annotations", str(vocab.path),
         "--output", str(output)], capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(_anki_rows(output.read_text(encoding="utf-8"))) == 3
    assert result.stderr == f"wrote 3 vocabulary notes to {output}\n"  # Not the 4 annotations of the store.


def test_other_formats_carry_the_vocabulary_fields(vocab, seed_corpus):
    rows = list(csv.DictReader(io.StringIO(export_current("csv", vocab.all(), seed_corpus.articles), newline="")))
    by_quote = {row["quote"]: row for row in rows}
    assert by_quote["騰訊"]["pinyin"] == "Téng xùn"
    assert by_quote["騰訊"]["sentence"] == "近期,騰訊一年一度的員工大會如期而至。"
    assert by_quote["馬化騰"]["pinyin"] == by_quote["馬化騰"]["senses"] == ""
    markdown = export_current("markdown", vocab.all(), seed_corpus.articles)
    assert "**騰訊** Téng xùn" in markdown and "*近期,**騰訊**一年一度的員工大會如期而至。*" in markdown
    items = json.loads(export_current("json", vocab.all(), seed_corpus.articles))
    described = [b["value"] for item in items for b in item["body"] if b.get("purpose") == "describing"]
    assert len(described) == 3 and any(value.startswith("騰訊 [Téng xùn]\n") for value in described)
    # Read back, a description is not a note.
    imported = read_w3c(json.dumps(items), seed_corpus.articles)
    assert all(a.note == "" for a in imported.annotations)


def test_an_export_writes_into_a_pipe_and_through_a_link_instead_of_replacing_them(store, seed_corpus, tmp_path):
    """Since exports became atomic they replaced what `--output` named: a FIFO another program
    read became a file (the reader got nothing), a link to the user's file became a file."""
    import os
    import threading

    from reader.annotations.export import write_export

    target = tmp_path / "synced" / "notes.md"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "notes.md"
    link.symlink_to(target)
    write_export(link, "# new\n")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "# new\n"

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader_thread = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")))
    reader_thread.start()
    write_export(pipe, "through the pipe\n")
    reader_thread.join(timeout=10)
    assert received == ["through the pipe\n"] and not pipe.is_file()


def test_a_symlinked_annotations_file_stays_a_link(tmp_path, seed_corpus):
    target = tmp_path / "synced" / "annotations.json"
    link = tmp_path / "annotations.json"
    target.parent.mkdir()
    article = seed_corpus.articles[0]
    AnnotationStore(target).add(Annotation.new(article.id, article.body, 3, 5))
    link.symlink_to(target)
    AnnotationStore(link).add(Annotation.new(article.id, article.body, 5, 7))
    assert link.is_symlink() and len(AnnotationStore(target).all()) == 2


async def test_an_export_from_the_app_on_a_full_disk_leaves_the_old_file_whole(tmp_path: Path, seed_corpus,
                                                                               monkeypatch):
    """The app wrote exports in place: on a full disk a good file became part of the new one."""
    import errno

    from reader.system import storage

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    (tmp_path / "Documents").mkdir()
    old = tmp_path / "Documents" / "reader-annotations.md"
    old.write_text("# my good export\n", encoding="utf-8")

    def full(path, text, **options):
        raise OSError(errno.ENOSPC, "No space left on device")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        article = seed_corpus.articles[0]
        app.annotations.add(Annotation.new(article.id, article.body, 0, 2, note="筆記"))
        monkeypatch.setattr(storage, "write_temporary", full)  # The disk fills up.
        await pilot.press("X")
        await pilot.pause()
        app.screen.query_one("#format-markdown").value = True
        await pilot.pause()
        await pilot.press("ctrl+s", "ctrl+s")  # It exists: the second ctrl+s replaces it.
        await wait_until(pilot, lambda: any("No space left" in said for said in app.seen.notifications))
        assert old.read_text(encoding="utf-8") == "# my good export\n"
