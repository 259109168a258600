"""Entities in the app: highlights, the panel, mention keys, other articles."""

from __future__ import annotations

import subprocess
import sys

from apphelpers import SIZE, make_app, wait_until
from conftest import REPO
from textual.color import Color

from reader.ui.screens.mentions import MentionsScreen
from reader.ui.widgets.article_view import ArticleView
from reader.ui.widgets.entity_panel import EntityList, EntityPanel


def entity_spans(view: ArticleView) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.style) for s in view.layer_spans("entities")]


async def ready(pilot, app) -> ArticleView:
    view = app.query_one(ArticleView)
    await app.seen.entities_found(pilot, view.article.id)
    assert entity_spans(view)
    return view


async def open_panel(pilot, app) -> EntityPanel:
    """The entity panel, opened once the current article's entities are all found."""
    await ready(pilot, app)
    await pilot.press("e")
    await pilot.pause()
    return app.query_one(EntityPanel)


async def test_entities_are_highlighted_by_type_and_can_be_switched_off(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await ready(pilot, app)
        body = seed_corpus.articles[0].body
        start = body.index("馬化騰")
        assert (start, start + 3, "entity-person") in entity_spans(view)
        assert (body.index("騰訊"), body.index("騰訊") + 2, "entity-org") in entity_spans(view)
        person, org = view._styles["entity-person"], view._styles["entity-org"]
        assert person.color != org.color and person.bold  # Each type its own look,
        assert person.color == Color.parse(app.theme_variables["text-accent"]).rich_color  # from the theme.
        app.theme = "textual-light"
        await pilot.pause()
        assert view._styles["entity-person"].color == Color.parse(app.theme_variables["text-accent"]).rich_color
        assert view._styles["entity-person"].color != person.color
        await pilot.press("E")
        assert entity_spans(view) == []
        await pilot.press("E")
        assert entity_spans(view)


async def test_panel_groups_entities_and_jumps_to_mentions(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await ready(pilot, app)
        await pilot.press("e")
        await pilot.pause()
        panel = app.query_one(EntityPanel)
        entity_list = panel.query_one(EntityList)
        ids = [option.id for option in entity_list.options]
        assert ids[0] == "type:person" and "entity:person:馬化騰" in ids and "type:org" in ids
        body = seed_corpus.articles[0].body
        entity_list.highlighted = ids.index("entity:org:騰訊")
        await pilot.press("enter")
        await pilot.pause()
        current = view.layer_spans("current")[0]
        assert (current.start, current.end) == (body.index("騰訊"), body.index("騰訊") + 2)
        view.focus()
        await pilot.press(".")
        second = view.layer_spans("current")[0]
        assert second.start == body.index("騰訊", current.end) and body[second.start : second.end] == "騰訊"
        await pilot.press(",")
        assert view.layer_spans("current")[0].start == current.start
        await pilot.press(">")  # Any entity: the next one after 騰訊, whatever it is.
        nearest = min(e.start for e in view.entities if e.start > current.start)
        assert view.layer_spans("current")[0].start == nearest


async def test_a_type_can_be_hidden_from_the_legend():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = await ready(pilot, app)
        await pilot.press("e")
        await pilot.pause()
        entity_list = app.query_one(EntityList)
        entity_list.highlighted = [o.id for o in entity_list.options].index("type:person")
        await pilot.press("enter")
        await pilot.pause()
        assert not [s for s in entity_spans(view) if s[2].endswith("person")]
        assert [s for s in entity_spans(view) if s[2].endswith("org")]
        assert app.state.hidden_types == ["person"]
        assert entity_list.options[0].prompt.plain.startswith("○ people")


async def test_which_articles_mention_an_entity(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await app.seen.entities_found(pilot)
        assert len(app.reading.entities.complete) == len(seed_corpus.articles)
        await pilot.press("e")
        await pilot.pause()
        entity_list = app.query_one(EntityList)
        entity_list.highlighted = [o.id for o in entity_list.options].index("entity:person:馬化騰")
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MentionsScreen)
        assert len(screen.rows) == 7 and all(count > 0 for _, _, count in screen.rows)
        counts = [count for _, _, count in screen.rows]
        assert counts == sorted(counts, reverse=True)
        await pilot.press("down", "enter")
        await pilot.pause()
        view = app.query_one(ArticleView)
        assert view.article.id == screen.rows[1][0]
        current = view.layer_spans("current")[0]
        assert view.article.body[current.start : current.end] == "馬化騰"


FIRST_PAINT = """
import sys
from reader.ui.app import ReaderApp
from reader.articles.corpus import load_corpus
from reader.system.paths import bundled

class FirstPaint(ReaderApp):
    def on_mount(self):
        self.call_after_refresh(self.first_paint)
    def first_paint(self):
        print("jieba imported at first paint:", "jieba" in sys.modules)
        self.exit()

FirstPaint(load_corpus([bundled("seeds")])).run(headless=True, size=(120, 35))
"""


def test_the_first_paint_does_not_wait_for_jieba():
    result = subprocess.run([sys.executable, "-c", FIRST_PAINT], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert "jieba imported at first paint: False" in result.stdout, result.stderr


async def test_one_name_found_as_two_types_is_listed_under_both():
    """The US constitution's 一州 came out as a person and as a place: the panel's option ids
    clashed and the app crashed (Textual's DuplicateID) when the panel opened."""
    from reader.entities.mentions import Entity, Group

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(pilot, app)
        groups = [Group("一州", "person", 2, Entity(0, 2, "person", "一州")),
                  Group("一州", "place", 1, Entity(5, 7, "place", "一州"))]
        panel.show(groups, {}, set(), ready=True)
        entity_list = panel.query_one(EntityList)
        assert [o.id for o in entity_list.options] == ["type:person", "entity:person:一州", "type:place",
                                                       "entity:place:一州"]
        entity_list.focus()
        entity_list.highlighted = 3
        await pilot.press("enter")
        assert app.query_one(ArticleView).chosen_entity == "一州"


async def test_the_panel_names_entities_in_the_script_the_text_is_shown_in():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        entity_list = (await open_panel(pilot, app)).query_one(EntityList)

        def prompts() -> str:
            return " ".join(str(option.prompt) for option in entity_list.options)

        assert "馬化騰" in prompts()
        app.query_one(ArticleView).focus()
        await pilot.press("t")  # The seeds are Traditional: now Simplified.
        await wait_until(pilot, lambda: "马化腾" in prompts())
        assert "馬化騰" not in prompts() and "腾讯" in prompts()


async def test_the_mentions_dialog_follows_the_script(seed_corpus):
    """In 简体, `a` on 腾讯 in the panel opened a dialog titled 騰訊 that listed Traditional titles."""
    from reader.reading.shown import ShownText
    from reader.text.conversion import SIMPLIFIED

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await app.seen.entities_found(pilot)
        await pilot.press("t")  # The seeds are Traditional: now Simplified.
        entity_list = (await open_panel(pilot, app)).query_one(EntityList)
        entity_list.highlighted = [o.id for o in entity_list.options].index("entity:org:騰訊")
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MentionsScreen)
        assert str(screen.query_one(".dialog-box").border_title).startswith("腾讯: ")
        simplified = {article.id: ShownText(SIMPLIFIED).title(article) for article in seed_corpus.articles}
        assert [title for _, title, _ in screen.rows] == [simplified[article_id] for article_id, _, _ in screen.rows]
        listed = " ".join(str(option.prompt) for option in screen.query_one("OptionList").options)
        assert "腾讯" in listed and "騰訊" not in listed and "馬化騰" not in listed
