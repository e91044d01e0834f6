"""Random keys, clicks, scrolls and resizes over every screen end in no crash
(tests/random_session.py; benchmarks/random_input.py runs many more), and the crashes they
found stay fixed."""

from __future__ import annotations

import pytest
from textual import events

from gdtui.areas import AREAS
from tests.conftest import wait_until, write_lesson
from tests.random_session import mouse_events, play

SEEDS = range(1, 7)  # one start in each area (seed mod the areas)
EVENTS = 350  # per seed: 2,100 in all, about a minute on a loaded 2-core machine


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_events_end_in_no_crash(seed, tmp_path, make_app):
    # (make_app marks this a pilot test; the session builds its own apps on tmp_path, as a
    # learner starting gdtui again after a quit would)
    report = await play(seed, EVENTS, tmp_path / "data")
    assert report.crash is None, report.story()
    assert report.events == EVENTS
    assert report.screens[type_name(AREAS[seed % len(AREAS)])] > 0


def type_name(area) -> str:
    return area.module.rpartition(":")[2]


def test_the_seeds_start_in_every_area():
    assert {AREAS[seed % len(AREAS)].name for seed in SEEDS} == {a.name for a in AREAS}


async def test_a_click_on_a_widget_just_removed_is_ignored(make_app):
    # (random input: a press on a widget removed since the last layout ended the app with
    # AttributeError in Textual's text selection; widgets/late_events.py)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.screen.query("#greeting"))
        greeting = app.screen.query_one("#greeting")
        x, y = greeting.region.x + 2, greeting.region.y
        await greeting.remove()  # gone, though the screen's layout still has it
        for event in mouse_events("click", x, y):
            app.post_message(event)
        await pilot.press("1")  # the app still answers
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen")
        assert app._exception is None


async def test_a_click_that_reaches_the_palette_after_it_closed_is_ignored(make_app):
    # (random input: enter on a command closed the palette, and a click already on its way to
    # the palette's background closed it again: Textual popped the home screen's stack,
    # ScreenStackError, the app ended; widgets/late_events.py)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        palette = app.screen
        palette.dismiss()  # the enter on a command
        palette.post_message(events.Click(palette, 0, 31, 0, 0, 1, False, False, False,
                                          screen_x=0, screen_y=31))
        await pilot.press("1")  # the app still answers
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen")
        assert app._exception is None


async def test_page_down_after_hiding_the_sidebar_and_shrinking_the_terminal(make_app):
    # (random input: in a lesson, the sidebar hidden with s while its contents list had the
    # focus, which stayed in the hidden lists; after a resize refilled them, page down asked
    # Textual's OptionList for the line of an option it never laid out: KeyError, the app ended)
    app = make_app(start_screen="lessons")
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen"
                         and app.screen.lesson is not None)
        lesson = app.screen
        await pilot.click("#contents")
        await pilot.press("s")  # hide the sidebar
        await wait_until(pilot, lambda: not lesson.query_one("#sidebar").display)
        assert app.focused is lesson.reader  # the keys go to the text
        await pilot.resize_terminal(60, 20)
        await wait_until(pilot, lambda: lesson.size == (60, 20))
        await pilot.press("pagedown", "pagedown")
        assert app._exception is None
        assert lesson.reader.scroll_y > 0  # the text moved down



async def test_a_click_on_a_palette_entry_that_is_gone_is_ignored(make_app):
    # (random input: a click on the palette's list reached it after typing had filled the list
    # anew with fewer entries: IndexError in Textual's OptionList; widgets/late_events.py)
    from rich.style import Style
    from textual.command import CommandList

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+p", *"open")
        commands = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: commands.option_count > 0)
        gone = commands.option_count + 3  # an entry drawn before the list was filled anew
        commands.post_message(events.Click(commands, 2, 0, 0, 0, 1, False, False, False,
                                           style=Style(meta={"option": gone})))
        await pilot.press("escape", "escape")  # the app still answers: out of the field,
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")  # closed
        assert app._exception is None


async def test_a_link_chosen_just_before_ctrl_p_closes_the_list_not_the_palette(make_app):
    # (random input: enter on a link, then ctrl+p before the list answered: the list's answer
    # closed the new palette instead of itself, the list stayed open with its answer given, and
    # the palette's search failed on its removed list; widgets/late_events.py)
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    from gdtui.screens.link_picker import LinkPicker

    app = make_app(start_screen="lessons")
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen"
                         and app.screen.lesson is not None)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LinkPicker))
        picker = app.screen
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        picker.query_one(OptionList).action_select()  # the enter that came just before
        await wait_until(pilot, lambda: picker not in app.screen_stack)
        assert isinstance(app.screen, CommandPalette)  # still open, as the learner left it
        await pilot.press(*"home")
        await pilot.press("escape", "escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette))
        assert not any(isinstance(s, LinkPicker) for s in app.screen_stack)
        assert app._exception is None


async def test_down_typed_as_the_next_short_lesson_opens_does_nothing(make_app, tmp_path):
    # (random input: a scroll key that came before a lesson was laid out waits for the layout
    # (widgets/lesson_reader.py); when the lesson then fits the window there is nothing to
    # scroll, and Textual's "nothing to do here" (SkipAction), raised outside its key dispatch,
    # ended the app)
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_lesson(lessons, "01-one.md", id="one", order=1, body="One short line.")
    write_lesson(lessons, "02-two.md", id="two", order=2, body="Another short line.")
    app = make_app(lessons_dir=lessons, start_screen="lessons")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen"
                         and app.screen.is_mounted and app.screen.reader.text.laid_out("one"))
        lesson = app.screen
        for key in ("n", "down", "pagedown"):  # typed at once: the next lesson is not laid out
            event = events.Key(key, key if len(key) == 1 else None)
            event.set_sender(app)
            app.post_message(event)
        await wait_until(pilot, lambda: lesson.reader.text.laid_out("two"))
        await pilot.press("escape")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HomeScreen")
        assert app._exception is None


async def test_page_keys_in_a_list_with_no_room_do_nothing(make_app):
    # (random input: page up in a list that kept the focus while it was not laid out, a
    # drop-down in the lab, ended the app with KeyError in Textual's OptionList;
    # widgets/late_events.py)
    from textual.widgets import OptionList

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.screen.query("#areas"))
        areas = app.screen.query_one("#areas", OptionList)
        areas.focus()
        areas.styles.height = 0  # the list keeps the focus, with no room to lay out
        await wait_until(pilot, lambda: areas.size.height == 0)
        await pilot.press("pageup", "pagedown")
        assert areas.highlighted == 0
        areas.styles.height = "auto"
        await pilot.press("1")  # the app still answers
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen")
        assert app._exception is None
