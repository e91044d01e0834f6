"""The home screen, driven like a learner would: keys, clicks, resizes."""

from __future__ import annotations

import gc

from textual.widgets import OptionList, Static

from gdtui.screens.help import HelpScreen
from gdtui.screens.home import HomeScreen
from gdtui.screens.lesson import LessonScreen
from gdtui.widgets.progress_line import ProgressLine
from tests.conftest import wait_for_text, wait_until


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_first_run_greets_and_suggests_a_path(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        greeting = shown(app, "#greeting")
        assert "Welcome to gdtui!" in greeting
        assert "read the first lesson" in greeting and "guessing game" in greeting
        assert f"Lessons read: 0 of {len(app.course.lessons)}" in shown(app, "#progress-text")
        areas = app.screen.query_one("#areas", OptionList)
        labels = [str(areas.get_option_at_index(i).prompt) for i in range(areas.option_count)]
        for title in ("Lessons", "Flashcards", "Guessing game", "Training lab"):
            assert any(title in label for label in labels), title


async def test_number_key_opens_lessons_and_escape_comes_back(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_arrows_and_enter_open_an_area(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("home", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_clicking_an_area_opens_it(make_app):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.click("#areas", offset=(5, 1))
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)


async def test_an_area_not_built_says_so(make_app, monkeypatch):
    import gdtui.screens.kept
    from gdtui.areas import Area

    planned = Area("planned", "Planned area", "9", "Not written yet", None)
    monkeypatch.setattr(gdtui.screens.kept, "area",
                        lambda name: planned if name == "planned" else None)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("planned")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        messages = [n.message for n in app._notifications]
        assert "Planned area is not built yet. It is coming soon." in messages


async def test_help_lists_the_keys_of_the_current_screen(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.keys)
        assert keys["c"] == "Continue reading" and keys["q, ^q"] == "Quit"
        assert keys["?"] == "Help"
        assert "esc" not in keys  # nothing to go back to from home: no key that does nothing
        assert keys["1"] == "Lessons" and "Up" not in keys  # the list's own keys go apart
        assert ("↑", "Up") in app.screen.widget_keys
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_after_reading_the_home_screen_shows_what_was_done(make_app):
    app = make_app()
    app.store.mark_read("guessing-network")
    app.store.log("lesson", "finished lesson 'A network that guesses'")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Last time: finished lesson 'A network that guesses'" in shown(app, "#greeting")
        assert f"Lessons read: 1 of {len(app.course.lessons)}" in shown(app, "#progress-text")
        await pilot.press("c")  # continue reading: the first unread lesson
        await pilot.pause()
        assert app.screen.lesson_id == "loss"


async def test_resizing_keeps_the_areas_visible(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for size in ((200, 60), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            areas = app.screen.query_one("#areas", OptionList)
            assert areas.region.width > 40 and areas.region.height >= 4
            assert app.screen.query_one("#greeting").region.height >= 3


async def test_command_palette_lists_every_screen(make_app):
    from gdtui.areas import AREAS

    app = make_app()
    async with app.run_test(size=(80, 24)):
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for each in AREAS:
            assert f"Open {each.title}" in titles
        assert "Lesson 2: Measuring the mistake" in titles


async def test_theme_is_saved_and_restored(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_a_damaged_progress_file_is_announced(make_app, tmp_path):
    data = tmp_path / "broken"
    data.mkdir()
    (data / "gdtui.db").write_bytes(b"garbage" * 200)
    app = make_app(data_dir=data)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ProgressNotice")
        await wait_for_text(pilot, "could not be read")


def area_labels(app) -> list[str]:
    areas = app.screen.query_one("#areas", OptionList)
    return [str(areas.get_option_at_index(i).prompt) for i in range(areas.option_count)]


async def test_coming_back_shows_what_changed_and_keeps_the_highlight(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down")  # the highlight on Guessing game
        areas = app.screen.query_one("#areas", OptionList)
        assert areas.highlighted == 2
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        app.store.mark_read("guessing-network")
        app.store.log("lesson", "finished lesson 'A network that guesses'")
        await pilot.press("escape")
        read = f"Lessons read: 1 of {len(app.course.lessons)}"
        await wait_until(pilot, lambda: read in shown(app, "#progress-text"))
        assert "Last time: finished lesson 'A network that guesses'" in shown(app, "#greeting")
        assert f"1/{len(app.course.lessons)} read" in area_labels(app)[0]
        bar = app.screen.query_one("#progress", ProgressLine)
        assert (bar.progress, bar.total) == (1, len(app.course.lessons))
        await wait_for_text(pilot, f"{round(100 / len(app.course.lessons))}%")
        assert app.screen.query_one("#areas", OptionList).highlighted == 2


async def test_the_command_turns_garbage_collection_back_on_once_the_home_screen_shows(
        make_app):
    # `gdtui` pauses collection for its start (cli/main.py); the app resumes it when ready.
    app = make_app()
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: gc.isenabled())
            assert gc.get_freeze_count() > 0  # the start's objects are left out from now on
    finally:
        gc.unfreeze()
        gc.enable()


async def test_the_progress_line_is_full_once_every_lesson_is_read(make_app):
    app = make_app()
    for lesson in app.course.lessons:
        app.store.mark_read(lesson.id)
    async with app.run_test(size=(80, 24)) as pilot:
        count = len(app.course.lessons)
        text = await wait_for_text(pilot, f"Lessons read: {count} of {count}")
        assert "━" * 32 + " 100%" in text
        bar = app.screen.query_one("#progress", ProgressLine)
        assert bar.region.width == 37 and bar.share == 1
