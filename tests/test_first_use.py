"""What a person trying reader for the first time tripped on (issue 27): keys act from where the
reader is, dialogs say what they will do, the text keeps its room, the footer offers what acts."""

from __future__ import annotations

from apphelpers import SIZE, make_app


async def test_the_entity_keys_walk_on_from_the_cursor_not_from_the_last_entity(seed_corpus):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        view = app.reading.view
        await app.seen.entities_found(pilot, seed_corpus.articles[0].id)
        await pilot.press("right", *"J" * 12)
        cursor = view.cursor
        assert cursor is not None and cursor > 200
        await pilot.press("greater_than_sign")
        after = min(e.start for e in view.entities if e.start > cursor)
        assert view.current_mark == after
        await pilot.press(*"J" * 3)
        cursor = view.cursor
        await pilot.press("full_stop")  # Any entity (none chosen), from the cursor too.
        assert view.current_mark == min(e.start for e in view.entities if e.start > cursor)
        await pilot.press(*"K" * 5)
        cursor = view.cursor
        await pilot.press("less_than_sign")  # Back from the cursor, not from the mark below it.
        assert view.current_mark == max(e.start for e in view.entities if e.start < cursor)
