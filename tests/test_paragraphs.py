from __future__ import annotations

from conftest import shared_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.text.paragraphs import CAPTION, HEADING, PARAGRAPH, PARAGRAPH_TARGET, split_blocks


def covered(body: str) -> None:
    """Blocks are ordered, disjoint and trimmed; every visible character is in one, but for the
    `#` marks of Markdown headings."""
    blocks = split_blocks(body)
    inside = set()
    position = 0
    for block in blocks:
        assert position <= block.start < block.end <= len(body)
        text = body[block.start : block.end]
        assert text == text.strip()
        inside.update(range(block.start, block.end))
        position = block.end
    for index, char in enumerate(body):
        if not char.isspace() and index not in inside:
            line_start = body.rfind("\n", 0, index) + 1
            assert char == "#" and set(body[line_start:index].strip()) <= {"#"}, (body, index)


def test_seed_bodies_become_readable_paragraphs(seed_corpus):
    for article in seed_corpus.articles:
        blocks = split_blocks(article.body)
        covered(article.body)
        paragraphs = [b for b in blocks if b.kind == PARAGRAPH]
        assert len(paragraphs) >= 8
        # Paragraphs close at a sentence end once long enough, so none is a wall of text.
        assert max(b.end - b.start for b in paragraphs) < 400


def test_numbered_headings_and_captions_are_found(seed_corpus):
    article = seed_corpus.articles[3]
    found = {(b.kind, article.body[b.start : b.end]) for b in split_blocks(article.body)}
    assert (HEADING, "01. 遲來者騰訊元寶") in found
    assert (HEADING, "02. 發紅包有用嗎?會贏嗎?") in found
    assert (HEADING, "03. AI生成產品,越來越捲了") in found
    assert (CAPTION, "圖源:鈦媒體") in found
    assert (CAPTION, "圖源:騰訊控股2025年第三季度報告") in found
    assert (CAPTION, "豆包手機被拒絕訪問 \xa0圖源:網路") in found


def test_numbered_headings_without_a_dot_are_set_apart(seed_corpus):
    article = seed_corpus.articles[5]  # 華爾街見聞: `01 10億現金重注…`, `02 “絕密項目”浮出水面…`
    headings = [article.body[b.start : b.end] for b in split_blocks(article.body) if b.kind == HEADING]
    assert headings == ["01 10億現金重注,意在復刻支付戰役奇蹟", "02 “絕密項目”浮出水面,AI殺入社交腹地",
                        "03 馬化騰定調“AI大年”,“唯一花錢投入比較多的就是AI”"]
    for block in split_blocks(article.body):  # No paragraph starts with closing punctuation.
        assert article.body[block.start] not in ",，。、"
    assert not any(split_blocks(text)[0].kind == HEADING for text in ("在 2 個月內增長了 30 倍。", "1 10億元。"))


def test_numbers_with_dots_are_not_headings(seed_corpus):
    for article in seed_corpus.articles:
        for block in split_blocks(article.body):
            if block.kind == HEADING:
                assert article.body[block.start : block.start + 2].isdigit()


def test_plain_text_lines_and_markdown_headings():
    body = "## 第一節\n第一段，很短。\n\n第 一 条\n\n" + "很長的一段話。" * 10
    blocks = split_blocks(body)
    kinds = [(b.kind, body[b.start : b.end]) for b in blocks]
    assert kinds[0] == (HEADING, "第一節")
    assert kinds[1] == (PARAGRAPH, "第一段，很短。")
    assert kinds[2] == (HEADING, "第 一 条")
    assert all(kind == PARAGRAPH for kind, _ in kinds[3:])


HARD_WRAPPED = """# Notes

Both files are plain UTF-8 text in Simplified Chinese, taken unchanged from the test data of the
OpenCC project (Apache License 2.0) and kept outside the repository, as the licence asks of us
when we copy them.

- a list item that is long enough to be wrapped by the editor at the same width as the
  paragraph above it
- another item

| file | size |
|---|---|
"""


def test_hard_wrapped_lines_are_joined_into_their_paragraphs():
    blocks = [(b.kind, HARD_WRAPPED[b.start : b.end]) for b in split_blocks(HARD_WRAPPED)]
    assert blocks[0] == (HEADING, "Notes")
    assert blocks[1][1].startswith("Both files") and blocks[1][1].endswith("when we copy them.")
    assert blocks[2][1].startswith("- a list item") and blocks[2][1].endswith("paragraph above it")
    assert [text for _, text in blocks[3:]] == ["- another item", "| file | size |", "|---|---|"]
    covered(HARD_WRAPPED)


def test_hard_wrapped_chinese_is_joined_but_a_line_per_paragraph_is_not():
    sentence = "騰訊今天發布了新的人工智能產品元寶派，馬化騰在內部講話中談到它的前景和挑戰。"
    wrapped = "\n".join((sentence * 3)[i : i + 30] for i in range(0, len(sentence) * 3, 30))
    assert [b.kind for b in split_blocks(wrapped)] == [PARAGRAPH]
    one_per_line = "\n".join([sentence] * 4)  # Each line ends a sentence: each is a paragraph.
    assert len(split_blocks(one_per_line)) == 4


def test_unseen_document_keeps_its_own_lines():
    body = shared_corpus("us_constitution_zhs.txt").read_text(encoding="utf-8")
    blocks = split_blocks(body)
    assert ("第 一 条", HEADING) in {(body[b.start : b.end], b.kind) for b in blocks}
    covered(body)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("騰訊元寶的了在是。？！”，\n ") + ["01. ", "圖源:網路", "## "]), max_size=400
    ).map("".join)
)
def test_any_body_is_covered_by_blocks(body):
    covered(body)
    assert PARAGRAPH_TARGET > 0
