"""The headless CLI, run as a user runs it: a subprocess, its output and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO


def reader(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True, text=True, input=stdin, cwd=cwd or REPO, env=os.environ.copy(), timeout=120,
    )


def test_list_json_on_the_seeds():
    result = reader("list", "--json")
    assert result.returncode == 0, result.stderr
    articles = json.loads(result.stdout)
    assert [a["source"] for a in articles] == [
        "湧現觀察", "財富中文網", "36氪", "首席商業評論", "功夫財經", "華爾街見聞", "科技每日推送",
    ]
    assert set(articles[0]) == {"id", "title", "source", "date", "path", "chars", "encoding", "read"}
    assert articles[0]["encoding"] == "UTF-8" and Path(articles[0]["path"]).is_absolute()
    assert articles[0]["chars"] == 2326


def test_importing_reader_leaves_the_collector_alone():
    """The start-up trick (the collector off until the first paint) stays inside `main`: a tool
    that imports reader's modules keeps its collector, and so does one that runs a subcommand."""
    snippet = (
        "import gc, reader.cli.main, reader.cli.commands\n"
        "print(gc.isenabled())\n"
        "reader.cli.main.main(['list', '--json'])\n"
        "print(gc.isenabled())\n"
        "reader.cli.main.main(['--keymap', '/nonexistent/keymap.toml'])\n"
        "print(gc.isenabled())\n"
    )
    result = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, cwd=REPO, timeout=120)
    lines = result.stdout.splitlines()
    assert lines[0] == "True" and lines[-2:] == ["True", "True"], result.stderr


def test_list_plain_text_is_readable():
    result = reader("list")
    lines = result.stdout.splitlines()
    assert len(lines) == 7
    assert "湧現觀察" in lines[0] and "馬化騰最新內部演講" in lines[0]


def test_show_by_position_and_by_id_agree():
    by_position = json.loads(reader("show", "3", "--json").stdout)
    by_id = json.loads(reader("show", by_position["id"], "--json").stdout)
    assert by_position == by_id
    assert set(by_id) == {"id", "title", "source", "body"}
    assert by_id["source"] == "36氪"
    assert by_id["body"].startswith("1月26日,在騰訊公司年會上")


def test_show_plain_text_has_paragraphs():
    result = reader("show", "4")
    assert result.stdout.startswith("十億紅包砸AI,馬化騰這次能把元寶砸出來嗎?\n(首席商業評論)\n\n")
    assert "\n\n01. 遲來者騰訊元寶\n\n" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["show", "99"], "reader: no article '99'"),
        (["show", "no-such-id"], "reader: no article 'no-such-id'"),
        (["list", "--bogus"], "reader: unrecognized arguments: --bogus"),
        (["frobnicate"], "reader: argument COMMAND: invalid choice: 'frobnicate'"),
    ],
)
def test_bad_references_and_options_are_one_line_and_status_2(args, message):
    result = reader(*args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_other_corpora_and_bad_files(tmp_path: Path):
    (tmp_path / "good.md").write_text("# 好標題\n\n好正文。", encoding="utf-8")
    (tmp_path / "gbk.txt").write_bytes("標題\n正文".encode("gb18030"))
    (tmp_path / "bad.txt").write_bytes("Café\nrésumé".encode("latin-1"))
    result = reader("list", "--json", "--corpus", str(tmp_path), "--corpus", str(tmp_path / "gone"))
    assert result.returncode == 0
    listed = json.loads(result.stdout)
    assert [(a["title"], a["encoding"]) for a in listed] == [("標題", "GB18030"), ("好標題", "UTF-8")]
    problems = result.stderr.splitlines()
    assert len(problems) == 2
    assert any("bad.txt: not UTF-8, GB18030 or Big5 text" in line for line in problems)
    assert any("gone: no such file or folder" in line for line in problems)
    assert "Traceback" not in result.stderr


def test_nothing_loadable_is_status_1(tmp_path: Path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = reader("list", "--corpus", str(empty))
    assert result.returncode == 1
    assert result.stderr == f"reader: skipped {empty}: the file is empty\n"


def test_a_bad_keymap_stops_the_app_with_one_line(tmp_path: Path):
    keymap = tmp_path / "keys.toml"
    keymap.write_text('[article]\nscroll_down = "ctrl+"\n', encoding="utf-8")
    result = reader("--keymap", str(keymap))
    assert result.returncode == 2
    assert result.stderr == f"reader: {keymap}:2: article.scroll_down: unknown key name 'ctrl+'\n"


def test_help_lists_the_commands():
    result = reader("--help")
    assert result.returncode == 0
    for command in ("list", "show"):
        assert command in result.stdout


def test_files_and_folders_named_without_an_option_are_what_the_app_reads(tmp_path: Path, monkeypatch):
    from reader.cli.main import parse_args
    from reader.cli.shared import corpus_paths

    (tmp_path / "notes.txt").write_text("標題\n正文。\n", encoding="utf-8")
    (tmp_path / "news").mkdir()
    (tmp_path / "list").write_text("a file named like a command\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = parse_args(["notes.txt", "news", "--seeds-only"])  # Relative, as typed.
    assert args.command is None and corpus_paths(args) == [Path("notes.txt"), Path("news")]
    assert parse_args(["--corpus", "news", "notes.txt"]).corpus == [Path("news"), Path("notes.txt")]
    assert parse_args(["list"]).command == "list"  # A command wins over a file of its name.


def test_a_path_that_names_nothing_is_one_line_and_status_2(tmp_path: Path):
    result = reader("no-such-folder/news.txt", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "reader: no such file or folder: no-such-folder/news.txt\n"
    typo = reader("lsit", cwd=tmp_path)  # Not a path: the command line's own error.
    assert typo.returncode == 2 and "invalid choice: 'lsit'" in typo.stderr and "Traceback" not in typo.stderr


def test_version_and_a_usage_line_that_names_paths():
    version = reader("--version")
    assert version.returncode == 0 and version.stdout.startswith("reader ") and version.stdout.count("\n") == 1
    usage = reader("--help").stdout
    assert usage.startswith("usage: reader [PATH]...") and "reader COMMAND" in usage
    assert reader("list", "--help").stdout.startswith("usage: reader list [-h]")  # Not the whole usage first.


def test_a_search_that_finds_nothing_exits_1_as_define_does():
    """One rule for "nothing found": status 1 (as grep), with a line saying so, or [] in JSON."""
    nothing = reader("search", "沒有這個詞語啊")
    assert nothing.returncode == 1 and "No article holds" in nothing.stdout and nothing.stderr == ""
    as_json = reader("search", "沒有這個詞語啊", "--json")
    assert as_json.returncode == 1 and json.loads(as_json.stdout) == []
    assert reader("search", "騰訊").returncode == 0
    assert reader("define", "沒有這個詞語啊").returncode == 1


def test_a_library_that_is_a_file_is_not_read_as_an_article(tmp_path: Path):
    not_a_folder = tmp_path / "library.txt"
    not_a_folder.write_text("標題\n正文。\n", encoding="utf-8")
    result = reader("list", "--library", str(not_a_folder), "--library-only")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"reader: the library {not_a_folder} is a file, not a folder\n"
    assert reader("list", "--library", str(not_a_folder)).stdout.count("\n") == 7  # The seeds alone.


def test_a_file_given_twice_or_inside_a_folder_given_is_listed_once(tmp_path: Path, isolated_xdg):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("標題\n\n正文。\n", encoding="utf-8")
    (folder / "b.txt").write_text("另一篇\n\n正文。\n", encoding="utf-8")
    result = reader("list", "--json", "--corpus", str(folder / "a.txt"), "--corpus", str(folder),
                    "--corpus", f"{tmp_path}/./news/a.txt")
    assert result.returncode == 0, result.stderr
    assert sorted(article["title"] for article in json.loads(result.stdout)) == ["另一篇", "標題"]
