"""The teacher's class screen, as a teacher uses it: the table, sorting by keys and clicks, a
learner opened, a damaged store shown; and a learner's gdtui, which has no way to it."""

from __future__ import annotations

import pytest

from gdtui.course.schedule import AGAIN, GOOD
from gdtui.store import DB_NAME
from tests.conftest import handled, screen_text, wait_for_text, wait_until
from tests.test_classroom import FIRST, grade, learner


@pytest.fixture
def class_root(tmp_path):
    """ann read lesson 1 and missed a card; bob graded one card Good; cleo's store is damaged;
    a guest called visitor."""
    root = tmp_path / "serve"
    ann = learner(root, "ann")
    ann.open_lesson(FIRST.id)
    ann.mark_read(FIRST.id)
    ann.log("lesson", f"finished lesson '{FIRST.title}'")
    grade(ann, "why-not-zero", FIRST.id, AGAIN)
    ann.close()
    bob = learner(root, "bob")
    grade(bob, "random-start", FIRST.id, GOOD)
    bob.close()
    (root / "users" / "cleo").mkdir()
    (root / "users" / "cleo" / DB_NAME).write_bytes(b"not a database" * 300)
    learner(root, "visitor", guest=True).close()
    return root


def table_names(app) -> list[str]:
    """The first column of the class table, top to bottom."""
    table = app.screen.query_one("#class-table")
    return [str(table.get_row_at(index)[0]).strip() for index in range(table.row_count)]


async def test_a_teacher_starts_on_the_class_screen_and_sorts_it(make_app, class_root):
    app = make_app(class_root=class_root)
    async with app.run_test(size=(80, 24)) as pilot:
        text = await wait_for_text(pilot, "0 of 4 online", "Missed most: why-not-zero (1)",
                                   "DAMAGED")
        assert "Finished: L1:1 L2:0" in text
        assert "Name ▲" in text
        assert table_names(app) == ["ann", "bob", "cleo", "guests", "visitor"]
        await pilot.press("s", "s", "s")  # to Read, lessons read
        await wait_until(pilot, lambda: "Read ▲" in screen_text(app))
        assert table_names(app) == ["bob", "ann", "cleo", "guests", "visitor"]
        await pilot.press("r")
        await wait_until(pilot, lambda: "Read ▼" in screen_text(app))
        assert table_names(app) == ["ann", "bob", "cleo", "guests", "visitor"]
        await pilot.press("S", "S", "S")
        await wait_until(pilot, lambda: "Name ▲" in screen_text(app))


async def test_a_click_on_a_heading_sorts_by_it_and_again_reverses(make_app, class_root):
    app = make_app(class_root=class_root)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "DAMAGED", "visitor")
        table = app.screen.query_one("#class-table")
        recall = next(i for i, column in enumerate(table.ordered_columns)
                      if "Recall" in str(column.label))
        x = sum(column.get_render_width(table) for column in table.ordered_columns[:recall])
        await pilot.click("#class-table", offset=(x + 2, 0))
        await wait_until(pilot, lambda: "Recall ▲" in screen_text(app))
        assert table_names(app)[:2] == ["ann", "bob"]  # 0% before 100%
        await pilot.click("#class-table", offset=(x + 2, 0))
        await wait_until(pilot, lambda: "Recall ▼" in screen_text(app))
        assert table_names(app)[:2] == ["bob", "ann"]


async def test_enter_opens_a_learner_and_escape_comes_back(make_app, class_root):
    app = make_app(class_root=class_root)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "DAMAGED", "visitor")
        await pilot.press("enter")
        text = await wait_for_text(pilot, "ann · key holder · offline", "Recent activity:")
        assert "why-not-zero: Why not start every weight at 0" in text
        assert f"finished lesson '{FIRST.title}'" in text
        await pilot.press("escape")
        await wait_for_text(pilot, "Missed most:")
        await pilot.press("down", "down", "enter")
        text = await wait_for_text(pilot, "cleo · key holder")
        assert "damaged: file is not a database" in text
        assert "it was only read, never changed" in text


async def test_the_teacher_goes_to_their_own_app_and_back(make_app, class_root):
    app = make_app(class_root=class_root)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "DAMAGED")
        await pilot.press("escape")
        await wait_for_text(pilot, "Lessons read: 0 of")
        await pilot.press("t")
        await wait_for_text(pilot, "Missed most:", "DAMAGED")


async def test_a_learner_has_no_class_screen(make_app, class_root):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_text(pilot, "Lessons read: 0 of")
        await pilot.press("t")
        await handled(app, pilot)
        assert "Missed most" not in screen_text(app)
        app.action_open_class()
        await handled(app, pilot)
        assert "Missed most" not in screen_text(app)
        assert not any(command.title == "Class"
                       for command in app.get_system_commands(app.screen))


async def test_the_area_shown_is_told_for_the_teachers_view(make_app, tmp_path):
    area = tmp_path / "session.area"
    app = make_app(area_file=area)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: area.exists() and area.read_text() == "home")
        await pilot.press("2")
        await wait_until(pilot, lambda: area.read_text() == "cards")
        await pilot.press("question_mark")  # help over the cards: still in the cards
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        assert area.read_text() == "cards"
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: area.read_text() == "home")
