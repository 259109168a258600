"""Markdown shown as text (issue 17, item 15): markup hidden, emphasis, links, images and headings
styled, every offset still into the original source."""

from __future__ import annotations

from pathlib import Path

import pytest
from apphelpers import SIZE, make_app, view_text, wait_until
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.articles.corpus import load_corpus
from reader.reading.layout import Layout, article_texts, with_markup, wrap_shown
from reader.text.linebreak import cells, wrap
from reader.text.markdown import (
    BOLD,
    CODE,
    HIDDEN,
    IMAGE,
    ITALIC,
    LINK,
    QUOTE,
    hide,
    parse,
    refine_blocks,
    shown_length,
)
from reader.text.paragraphs import CAPTION, HEADING, split_blocks
from reader.ui.widgets.article_view import ArticleView


def shown(text: str) -> str:
    """What the reader sees of a Markdown text."""
    return hide(text, parse(text)).replace(HIDDEN, "")


def styled(text: str) -> list[tuple[str, str]]:
    """(styled text, kind) of each span, as the reader sees it."""
    display = hide(text, parse(text))
    return [(display[s.start : s.end].replace(HIDDEN, ""), s.kind) for s in parse(text).spans]


# -- the parser -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "seen", "spans"),
    [
        ("**粗體**", "粗體", [("粗體", BOLD)]),
        ("__粗體__", "粗體", [("粗體", BOLD)]),
        ("這是*斜體*文字", "這是斜體文字", [("斜體", ITALIC)]),
        ("這是**粗體**文字", "這是粗體文字", [("粗體", BOLD)]),
        ("**「引號」**之後", "「引號」之後", [("「引號」", BOLD)]),  # CommonMark alone would not.
        ("[連結](http://example.com)", "連結", [("連結", LINK)]),
        ('[連結](http://example.com "標題")。', "連結。", [("連結", LINK)]),
        ("![圖片說明](img.png)", "圖片說明", [("圖片說明", IMAGE)]),
        ("[![圖](a.png)](http://b)", "圖", [("圖", LINK), ("圖", IMAGE)]),
        ("用`代碼`寫", "用代碼寫", [("代碼", CODE)]),
        ("`a **b**`", "a **b**", [("a **b**", CODE)]),  # No emphasis inside code.
        ("<https://example.com>", "https://example.com", [("https://example.com", LINK)]),
        ("***都有***", "都有", [("都有", ITALIC), ("都有", BOLD)]),
        ("> 引用**一句**", "引用一句", [("引用一句", QUOTE), ("一句", BOLD)]),
        ("## 標題 ##", "標題", []),
        ("```python\nx = 2**3**4\n```\n後", "\nx = 2**3**4\n\n後", [("x = 2**3**4", CODE)]),
        (r"\*不是斜體\*", "*不是斜體*", []),
        ("a **粗\n體** b", "a 粗\n體 b", [("粗\n體", BOLD)]),  # Across a hard wrap.
    ],
)
def test_markup_is_hidden_and_styles_what_it_marks(source: str, seen: str, spans: list[tuple[str, str]]):
    assert shown(source) == seen
    assert sorted(styled(source)) == sorted(spans)


@pytest.mark.parametrize(
    "text",
    [
        "2*3*4", "2 * 3 * 4", "孤單的*星號", "評分：4*，推薦*5", "snake_case_name", "a_b_c", "2**10",
        "* 列表項\n* 另一項", "- 列表項", "1. 第一", "| 表 | 格 |", "#標籤", "[不是連結]", "[文字] (空格)",
        "`不成對", "---", "***", "C#、F#", "100%*", "**", "*", "中文 ** 空格 **",
    ],
)
def test_what_is_not_markup_is_untouched(text: str):
    assert hide(text, parse(text)) == text


def test_headings_are_heading_blocks_without_their_markers():
    body = "## 標題\n\n正文第一段。\n\n![圖片說明](img.png)\n\n**小結**"
    markup = parse(body)
    display = hide(body, markup)
    blocks = refine_blocks(split_blocks(body), display, markup.spans)
    assert [(b.kind, display[b.start : b.end].replace(HIDDEN, "")) for b in blocks] == [
        (HEADING, "標題"), ("paragraph", "正文第一段。"), (CAPTION, "圖片說明"), ("paragraph", "小結"),
    ]
    assert all(display[b.start] != HIDDEN and display[b.end - 1] != HIDDEN for b in blocks)


def test_the_length_counts_what_is_shown():
    assert shown_length("**粗體**[連結](http://example.com)") == 4


# -- the offset property --------------------------------------------------------------------------

_PLAIN = st.text(st.sampled_from("中文字句，。「」abc12 \n"), min_size=1, max_size=8)
_MARKUP_CHARS = "*_`[]()!<>#\\~ "


@st.composite
def markdownish(draw) -> str:
    """Text from pieces of Markdown: plain runs, emphasis, links, images, code, headings, stray
    markup characters."""
    pieces = []
    for _ in range(draw(st.integers(1, 12))):
        plain = draw(_PLAIN)
        url = draw(st.sampled_from(["http://example.com", "img.png", "a(b)c", "<x y>", ""]))
        pieces.append(draw(st.sampled_from([
            plain, f"**{plain}**", f"*{plain}*", f"__{plain}__", f"_{plain}_", f"`{plain}`",
            f"[{plain}]({url})", f"![{plain}]({url})", f"\n## {plain}\n", f"\n> {plain}", "\n```\n",
            draw(st.text(st.sampled_from(_MARKUP_CHARS + "中2a\n"), max_size=4)),
        ])))
    return "".join(pieces)


@settings(max_examples=400, deadline=None)
@given(markdownish())
def test_the_display_text_keeps_every_offset(text: str):
    markup = parse(text)
    display = hide(text, markup)
    assert len(display) == len(text)
    hidden = {i for start, end in markup.hidden for i in range(start, end)}
    for index, (original, drawn) in enumerate(zip(text, display)):
        if index in hidden:
            assert drawn == HIDDEN
            # Markup is markup characters, a link's destination or a code fence's info string.
            assert original in _MARKUP_CHARS or _in_destination(text, index) or _on_fence_line(text, index)
        else:
            assert drawn == original
    for span in markup.spans:
        assert 0 <= span.start < span.end <= len(text)


def _in_destination(text: str, index: int) -> bool:
    opening = text.rfind("](", 0, index + 1)
    return opening != -1 and ")" in text[index:]


def _on_fence_line(text: str, index: int) -> bool:
    start = text.rfind("\n", 0, index) + 1
    return text[start:].lstrip(" ").startswith(("```", "~~~"))


@settings(max_examples=200, deadline=None)
@given(markdownish(), st.integers(4, 30))
def test_lines_break_as_if_the_markup_were_not_there(text: str, width: int):
    display = hide(text, parse(text)).replace("\n", " ")
    lines = wrap_shown(display, width)
    visible = display.replace(HIDDEN, "")
    assert [display[s:e].replace(HIDDEN, "") for s, e in lines] == [visible[s:e] for s, e in wrap(visible, width)]
    for start, end in lines:  # Lines start and end on what is shown, never on hidden markup.
        assert display[start] != HIDDEN and display[end - 1] != HIDDEN


def test_hidden_markup_takes_no_cells():
    assert cells(HIDDEN * 5) == 0
    assert cells(hide("**粗體**", parse("**粗體**"))) == 4


# -- articles -----------------------------------------------------------------------------------

NOTE = (
    "# 測試筆記\n\n"
    "這是**粗體**文字，還有[連結](http://example.com)和`代碼`。\n\n"
    "![圖片說明](img.png)\n\n"
    "## 小標題\n\n"
    "> 引用一段話\n\n"
    "算式2*3*4不變，孤單的*星號也不變。\n"
)


def note(tmp_path: Path, suffix: str = ".md") -> Path:
    path = tmp_path / f"note{suffix}"
    path.write_text(NOTE, encoding="utf-8")
    return path


def test_a_markdown_article_is_shown_without_markup_and_counted_so(tmp_path: Path):
    [article] = load_corpus([note(tmp_path)]).articles
    texts = with_markup(article, article_texts(article, "original"))
    assert len(texts.body) == len(article.body)
    seen = texts.body.replace(HIDDEN, "")
    assert "**" not in seen and "](" not in seen and "`" not in seen and "##" not in seen
    assert "2*3*4" in seen and "孤單的*星號" in seen
    assert article.length == len(seen)


def test_the_length_survives_the_listing_cache(tmp_path: Path):
    from reader.articles.indexed import CorpusCache

    cache = CorpusCache(tmp_path / "cache")
    fresh = load_corpus([note(tmp_path)], cache).articles[0]
    cached = load_corpus([note(tmp_path)], cache, trust_cache=True).articles[0]
    assert cached.length == fresh.length < len(fresh.body)


def test_a_text_file_is_never_touched(tmp_path: Path):
    [article] = load_corpus([note(tmp_path, ".txt")]).articles
    texts = with_markup(article, article_texts(article, "original"))
    assert texts.body == article.body and texts.styles == ()
    assert article.length == len(article.body)


def test_a_markdown_article_in_simplified_keeps_its_length(tmp_path: Path):
    [article] = load_corpus([note(tmp_path)]).articles
    texts = with_markup(article, article_texts(article, "simplified"))
    assert len(texts.body) == len(article.body)
    assert "这是粗体文字" in texts.body.replace(HIDDEN, "")
    layout = Layout(texts.title, texts.meta, texts.body, split_blocks(article.body), 40)
    assert layout.lines


# -- in the app ---------------------------------------------------------------------------------


def row_of(lines: list[str], text: str) -> int:
    return next(index for index, line in enumerate(lines) if text in line)


async def test_the_app_shows_markdown_rendered(tmp_path: Path):
    app = make_app(load_corpus([note(tmp_path)]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(ArticleView)
        lines = view_text(view)
        text = "\n".join(lines)
        assert "**" not in text and "](" not in text and "`" not in text and "##" not in text
        assert "這是粗體文字，還有連結和代碼。" in text
        assert "圖片說明" in text and "小標題" in text and "引用一段話" in text
        assert "算式2*3*4不變，孤單的*星號也不變。" in text
        body = view.article.body
        bold = body.index("粗體")
        assert [s.style for s in view.spans_at("markup", bold)] == ["article-view--md-bold"]
        row = row_of(lines, "粗體")
        segments = list(view.render_line(row))
        [segment] = [s for s in segments if s.text == "粗體"]
        assert segment.style is not None and segment.style.bold
        [link] = [s for s in segments if s.text == "連結"]
        assert link.style is not None and link.style.underline
        assert all(HIDDEN not in s.text for s in segments)


async def test_a_text_file_with_markup_is_shown_raw(tmp_path: Path):
    app = make_app(load_corpus([note(tmp_path, ".txt")]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = "\n".join(view_text(app.query_one(ArticleView)))
        assert "這是**粗體**文字" in text and "[連結](http://example.com)" in text


async def test_annotating_a_bold_word_quotes_the_source(tmp_path: Path):
    app = make_app(load_corpus([note(tmp_path)]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.query_one(ArticleView)
        body = view.article.body
        await pilot.press("l")  # The cursor at the top of the text,
        assert view.cursor == 0
        await pilot.press(*["l"] * 2)  # then right past the hidden `**`, onto 粗:
        assert view.cursor == body.index("粗體")
        await pilot.press("v", "l")
        assert view.selection == (body.index("粗體"), body.index("粗體") + 2)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        [saved] = app.annotations.all()
        assert saved.quote == "粗體" == body[saved.start : saved.end]
        await pilot.press("l", "l", "h")  # Out of the bold word over its hidden `**`, and back.
        assert view.cursor == body.index("文字")


async def test_a_search_hit_in_bold_text_highlights_its_characters(tmp_path: Path):
    app = make_app(load_corpus([note(tmp_path)]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"粗體")
        await wait_until(pilot, lambda: "hit" in str(app.screen.query_one("#summary").render()))
        await pilot.press("enter")
        await pilot.pause()
        view = app.query_one(ArticleView)
        body = view.article.body
        start = body.index("粗體")
        assert [(s.start, s.end) for s in view.layer_spans("hits")] == [(start, start + 2)]
        lines = view_text(view)
        segments = list(view.render_line(row_of(lines, "粗體")))
        assert "".join(s.text for s in segments).strip() == "這是粗體文字，還有連結和代碼。"
        plain = next(s for s in segments if "這是" in s.text)
        hit = [s for s in segments if s.text in ("粗", "體", "粗體")]  # The cursor is on 粗.
        assert "".join(s.text for s in hit) == "粗體"
        hit_colour = view._styles["article-view--hit"].bgcolor
        assert hit_colour is not None and hit_colour != plain.style.bgcolor
        assert all(s.style.bold and s.style.bgcolor == hit_colour for s in hit)


def test_a_markdown_heading_made_title_is_shown_without_its_markup(tmp_path: Path):
    path = tmp_path / "note.md"
    path.write_text("# 騰訊的**混元**與[元寶](https://yuanbao.tencent.com)\n\n正文在這裡。\n", encoding="utf-8")
    [article] = load_corpus([path]).articles
    assert article.title == "騰訊的混元與元寶" and article.body == "正文在這裡。"
    text = tmp_path / "note.txt"
    text.write_text("騰訊的**混元**\n正文。\n", encoding="utf-8")
    assert load_corpus([text]).articles[0].title == "騰訊的**混元**"  # A .txt title is as written.
