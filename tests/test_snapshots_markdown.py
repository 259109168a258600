"""A Markdown article as a picture (see test_snapshots.py): markup hidden, emphasis, links, code,
an image's caption, headings and a quote styled.

Update after an intended change with `pytest tests/test_snapshots_markdown.py --snapshot-update`.
"""

from __future__ import annotations

from pathlib import Path

from apphelpers import SIZE, make_app, wait_until

from reader.articles.corpus import load_corpus
from reader.ui.widgets.article_view import ArticleView

ARTICLE = """\
# 騰訊元寶的春節紅包

**騰訊**在春節期間推出了[元寶](https://yuanbao.tencent.com)紅包活動，*用戶*只需在對話框輸入`紅包`即可參與。
馬化騰在年會上表示，這是一次**「必須打贏」**的仗。

![元寶紅包活動頁面截圖](hongbao.png)

## 01. 遲來者的打法

> 我們不怕晚，怕的是不做。

與字節跳動的豆包相比，元寶的日活躍用戶仍有差距，算式2*3*4不會被當作強調，孤單的*星號也一樣。

- 第一項：**紅包**
- 第二項：[活動規則](rules.md "規則")
"""


def test_markdown_article(snap_compare, tmp_path: Path):
    path = tmp_path / "hongbao.md"
    path.write_text(ARTICLE, encoding="utf-8")

    async def run_before(pilot) -> None:
        app = pilot.app
        await wait_until(
            pilot,
            lambda: len(app.reading.entities.complete) == len(app.corpus.articles)
            and not app.reading.busy
            and app.query("KeyHints"),
        )
        view = app.query_one(ArticleView)
        assert view.texts is not None and len(view.texts.body) == len(view.article.body)
        assert view.layer_spans("markup")

    assert snap_compare(make_app(load_corpus([path])), terminal_size=SIZE, run_before=run_before)
