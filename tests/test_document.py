"""The reading core without an app: an article prepared for a script and a width
(`ArticleDocument`), the layers drawn on it, the cursor's moves (`Navigator`), and the text as shown
(`ShownText`)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.articles.corpus import Article
from reader.entities.mentions import ORG, PERSON, Entity
from reader.reading.document import ArticleDocument, Kept
from reader.reading.layers import Layers, Span
from reader.reading.navigation import next_sentence, previous_sentence
from reader.reading.navigator import Caret, Navigator
from reader.reading.shown import ShownText
from reader.text.conversion import ORIGINAL, SIMPLIFIED, TRADITIONAL
from reader.text.linebreak import HANG, cells
from reader.text.markdown import HIDDEN

BODY = "馬化騰在年會上說,騰訊要做AI。元寶是騰訊的產品。\n第二段:騰訊今年的計劃很長,要寫很多字才會換行。"
ARTICLE = Article("a", "馬化騰的演講", BODY, source="湧現觀察", path="a.txt")
MARKDOWN = Article("m", "筆記", "這是**粗體**文字,還有`代碼`。", path="m.md")


def installed(article: Article = ARTICLE, mode: str = ORIGINAL, width: int = 20, kept: Kept | None = None):
    document = ArticleDocument(article, kept)
    document.install(document.prepare(mode, width))
    return document


# -- layers -------------------------------------------------------------------------------------


def test_layers_are_drawn_in_order_and_replacing_one_names_the_spans_that_changed():
    layers = Layers()
    assert layers.set("cursor", [Span(3, 4, "cursor")]) == [Span(3, 4, "cursor")]
    layers.set("entities", [Span(0, 5, "entity-org")])
    layers.set("test", [Span(2, 6, "mine")])  # Not in ORDER: drawn first.
    assert [s.style for s in layers.overlapping(3, 4)] == ["mine", "entity-org", "cursor"]
    assert layers.set("cursor", [Span(8, 9, "cursor")]) == [Span(3, 4, "cursor"), Span(8, 9, "cursor")]
    assert layers.at("cursor", 8) == [Span(8, 9, "cursor")] and layers.at("cursor", 3) == []
    assert layers.set("cursor", []) == [Span(8, 9, "cursor")] and layers.spans("cursor") == []


def test_within_a_layer_a_span_inside_another_is_drawn_over_it():
    layers = Layers()
    layers.set("annotations", [Span(0, 2, "word"), Span(0, 20, "sentence"), Span(5, 8, "inner")])
    assert [s.style for s in layers.overlapping(0, 1)] == ["sentence", "word"]  # Same start: the shorter on top.
    assert [s.style for s in layers.overlapping(6, 7)] == ["sentence", "inner"]


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=30), st.integers(0, 30),
       st.integers(0, 70))
def test_a_layer_that_arrives_in_pieces_is_the_layer_set_whole(spans, split, offset):
    whole = [Span(start, start + length, "entity-person") for start, length in spans]
    at_once, in_pieces = Layers(), Layers()
    at_once.set("entities", whole)
    assert in_pieces.add("entities", whole[:split]) == whole[:split]
    in_pieces.add("entities", whole[split:])
    assert in_pieces.spans("entities") == at_once.spans("entities")
    assert in_pieces.overlapping(offset, offset + 5) == at_once.overlapping(offset, offset + 5)
    assert in_pieces.at("entities", offset) == [s for s in at_once.spans("entities") if s.start <= offset < s.end]


# -- preparing ----------------------------------------------------------------------------------


def test_a_document_is_laid_out_in_the_script_and_width_asked_for():
    document = installed(mode=SIMPLIFIED, width=16)
    assert document.shows(SIMPLIFIED, 16) and not document.shows(ORIGINAL, 16)
    texts = document.texts
    assert texts is not None and texts.title == "马化腾的演讲" and len(texts.body) == len(BODY)
    body_lines = [line for line in document.layout.lines if line.in_body]
    assert all(cells(texts.body[line.start : line.end]) <= 16 + HANG for line in body_lines)
    assert "".join(texts.body[line.start : line.end] for line in body_lines) == texts.body.replace("\n", "")
    line, text = document.line_text(0)
    assert line.kind == "title" and text == "马化腾的演讲"
    start = BODY.index("騰訊")
    assert list(document.rows_of(start, start + 2)) == [document.layout.line_of(start)]


def test_what_was_prepared_is_kept_for_the_next_document_of_the_article():
    kept = Kept()
    first = installed(kept=kept)
    again = ArticleDocument(ARTICLE, kept).prepare(ORIGINAL, 20)
    assert again.layout is first.layout and again.texts is first.texts
    assert ArticleDocument(ARTICLE, kept).prepare(ORIGINAL, 24).layout is not first.layout  # Another width.


def test_an_article_edited_since_is_prepared_again_not_taken_from_what_was_kept():
    """A file edited while reader runs comes back as an article with the same id: what was kept
    for the old text must not be shown for the new (the open article kept its old text)."""
    kept = Kept()
    installed(Article("a", "標題", "舊的正文。", path="a.txt", stamp="1"), kept=kept)
    edited = Article("a", "標題", "舊的正文。新加的一段。", path="a.txt", stamp="2")
    again = ArticleDocument(edited, kept).prepare(ORIGINAL, 20)
    assert again.texts.body == edited.body and str(len(edited.body)) in again.texts.meta


def test_an_original_already_in_the_script_asked_for_keeps_its_layout():
    document = installed()  # The seeds' script: Traditional.
    assert document.prepare(TRADITIONAL, 20).layout is document.layout


def test_a_preview_holds_the_lines_around_the_offset_and_is_never_kept():
    body = "\n".join(f"第{n}段。" + "騰訊的字" * 40 for n in range(400))
    article = Article("long", "長文", body, path="long.txt")
    kept = Kept()
    document = ArticleDocument(article, kept)
    assert document.long
    offset = body.index("第300段")
    preview = document.preview(SIMPLIFIED, 30, offset)
    assert not preview.whole and preview.texts.title == "长文" and len(preview.texts.body) == len(body)
    shown = [line for line in preview.layout.lines if line.in_body]
    assert shown[0].start <= offset < shown[-1].end and shown[-1].end - shown[0].start < len(body) // 2
    inside = offset + len("第300段。")
    assert preview.texts.body[inside : inside + 2] == "腾讯"  # Converted where it is shown,
    assert preview.texts.body[4:6] == "騰訊"  # and left alone elsewhere (the same length all the same).
    document.install(preview)
    assert kept.layouts.get((document.version, SIMPLIFIED, 30)) is None  # A part: never kept as the whole.


def test_a_preview_of_a_body_of_one_line_is_a_part_of_it_around_the_offset():
    body = "騰訊的字。" * 40_000  # 200,000 characters, not a line break among them.
    document = ArticleDocument(Article("line", "長文", body, path="line.txt"))
    for offset in (0, 90_000, len(body) - 1):
        start, end = document.preview_range(offset)
        assert start <= offset < end and end - start <= 2 * ArticleDocument.PREVIEW
    preview = document.preview(SIMPLIFIED, 30, 90_000)
    shown = [line for line in preview.layout.lines if line.in_body]
    assert shown[0].start <= 90_000 < shown[-1].end
    assert preview.texts.body[90_000:90_002] == "腾讯" and preview.texts.body[:2] == "騰訊"


def test_markdown_markup_is_hidden_and_becomes_the_markup_layer():
    document = ArticleDocument(MARKDOWN, markup_style="md-{}")
    document.install(document.prepare(ORIGINAL, 40))
    body = MARKDOWN.body
    bold = body.index("粗體")
    assert [s.style for s in document.layers.at("markup", bold)] == ["md-bold"]
    assert document.texts.body[bold - 2 : bold] == HIDDEN * 2
    line = document.layout.lines[document.layout.line_of(bold)]
    pieces = document.pieces(line, document.line_text(document.layout.line_of(bold))[1])
    assert "".join(part for part, _ in pieces) == "這是粗體文字,還有代碼。"  # Markup drawn as nothing.
    assert ("粗體", ["md-bold"]) in pieces and ("這是", []) in pieces


def test_pieces_carry_the_styles_over_them_in_drawing_order():
    document = installed(width=40)
    start = BODY.index("騰訊")
    document.layers.set("entities", [Span(start, start + 2, "entity-org")])
    document.layers.set("cursor", [Span(start + 1, start + 2, "cursor")])
    index = document.layout.line_of(start)
    line, text = document.line_text(index)
    pieces = document.pieces(line, text)
    assert "".join(part for part, _ in pieces) == text
    assert ("騰", ["entity-org"]) in pieces and ("訊", ["entity-org", "cursor"]) in pieces


def test_mentions_are_walked_through_the_types_shown_or_one_entity():
    document = installed()
    first, second = BODY.index("騰訊"), BODY.index("騰訊", BODY.index("騰訊") + 1)
    document.entities = [Entity(0, 3, PERSON, "馬化騰"), Entity(first, first + 2, ORG, "騰訊"),
                         Entity(second, second + 2, ORG, "騰訊")]
    document.shown_types = frozenset({ORG})
    assert document.mention(-1, forward=True, key=None).start == first  # The person is not shown.
    assert document.mention(first, forward=True, key="騰訊").start == second
    assert document.mention(5, forward=False, key="馬化騰").start == 0  # Hidden, but asked for by name.
    assert document.mention(second, forward=True, key=None) is None


# -- the navigator ------------------------------------------------------------------------------


def test_the_cursor_moves_by_character_sentence_and_line():
    document = installed(width=12)
    navigator = Navigator(document)
    assert navigator.character(0, forward=False) is None and navigator.character(0, forward=True) == 1
    assert navigator.character(len(BODY) - 1, forward=True) is None
    assert navigator.sentence(0, forward=True) == next_sentence(BODY, 0)
    here = BODY.index("元寶")
    assert navigator.sentence(here, forward=False) == previous_sentence(BODY, here)
    layout = document.layout
    below = navigator.line(2, forward=True)
    assert below is not None and layout.line_of(below) == layout.line_of(2) + 1
    first_line = layout.lines[layout.line_of(2)]
    assert cells(BODY[layout.lines[layout.line_of(below)].start : below]) == cells(BODY[first_line.start : 2])
    assert navigator.line(2, forward=False) is None  # Only the title above: no body line.


def test_words_come_from_the_splitter_given():
    navigator = Navigator(installed())

    def pairs(text: str) -> list[str]:
        return [text[i : i + 2] for i in range(0, len(text), 2)]

    assert navigator.word(0, pairs, forward=True) == 2
    assert navigator.word(2, pairs, forward=False) == 0


def test_the_cursor_never_rests_on_hidden_markup():
    document = ArticleDocument(MARKDOWN)
    document.install(document.prepare(ORIGINAL, 40))
    navigator = Navigator(document)
    body = MARKDOWN.body
    bold = body.index("粗體")
    assert navigator.clamp(bold - 2) == bold  # On the star: the bold word it opens.
    assert navigator.character(bold - 3, forward=True) == bold  # 是 on to 粗, past **.
    assert navigator.character(bold, forward=False) == bold - 3
    assert navigator.clamp(len(body) + 5) == len(body) - 1


def test_a_place_on_screen_maps_to_the_offset_drawn_there():
    document = installed(width=12)
    navigator = Navigator(document)
    layout = document.layout
    row = layout.first_body_line
    assert navigator.offset_at(0, 0) is None  # The title.
    assert navigator.offset_at(row, 0) == 0 and navigator.offset_at(row, 3) == 1  # Two cells a character.
    assert navigator.offset_at(row, 100) == layout.lines[row].end - 1
    assert navigator.cursor_or_top(None, row + 1, 5) == layout.offset_of(row + 1)
    assert navigator.cursor_or_top(3, 0, 5) == 3 and navigator.cursor_or_top(3, row + 2, 5) != 3


def test_a_caret_selects_from_its_anchor_to_the_cursor_inclusive():
    assert Caret(5, 2).selection == (2, 6) == Caret(2, 5).selection
    assert Caret(5).selection is None and Caret().selection is None


# -- the text as shown --------------------------------------------------------------------------


def test_the_text_as_shown_follows_the_mode_and_never_converts_twice():
    simplified, original = ShownText(SIMPLIFIED), ShownText()
    assert simplified.title(ARTICLE) == "马化腾的演讲" and original.title(ARTICLE) == ARTICLE.title
    assert simplified.meta(ARTICLE).startswith("涌现观察")
    assert simplified.texts(ARTICLE).body[BODY.index("騰訊") :][:2] == "腾讯"
    assert simplified.text("什么") == "什么"  # Already Simplified: t2s would make it 什幺.
    assert ShownText(TRADITIONAL).text("腾讯") == "騰訊"
