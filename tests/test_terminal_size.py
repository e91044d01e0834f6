"""Small terminals, live resizing, and the options for remote play (--no-mouse, --fps, links)."""

from __future__ import annotations

import os
import sys
import webbrowser
from pathlib import Path

import pytest
from textual import events
from textual.widgets import OptionList, Static

from gdtui.app import GdtuiApp
from gdtui.cli import main as cli
from gdtui.screens.help import HelpScreen
from gdtui.screens.home import HomeScreen
from gdtui.screens.lab.screen import LabScreen
from gdtui.screens.too_small import DEFAULT_MIN_SIZE, TooSmallScreen, too_small_message
from tests.conftest import wait_for_text, wait_until
from tests.tmux_terminal import Terminal


async def resize(pilot, width: int, height: int) -> None:
    await pilot.resize_terminal(width, height)
    await laid_out_at(pilot, width, height)


async def laid_out_at(pilot, width: int, height: int) -> None:
    """Wait until the screen on top has its layout at this size (the app applies a new size
    on a short timer)."""
    await wait_until(pilot, lambda: pilot.app.screen.size == (width, height))


def message_shown(app) -> str:
    return str(app.screen.query_one("#too-small", Static).render())


def test_the_message_names_both_sizes_and_only_appears_when_too_small():
    assert too_small_message((80, 24), (80, 24)) is None
    assert too_small_message((200, 60), (80, 24)) is None
    for size in ((79, 24), (80, 23), (10, 5)):
        text = too_small_message(size, (80, 24))
        assert "at least 80 x 24" in text and f"It is {size[0]} x {size[1]} now" in text


async def test_every_area_fits_80x24_without_the_message(make_app):
    assert DEFAULT_MIN_SIZE == (80, 24)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for name in ("lessons", "cards", "guess", "lab", "backprop", "landscape"):
            app.open_area(name)
            await pilot.pause()
            assert not isinstance(app.screen, TooSmallScreen), name
            app.pop_screen()
            await pilot.pause()


async def test_a_tiny_terminal_shows_the_message_and_keys_do_not_act_behind_it(make_app):
    app = make_app()
    async with app.run_test(size=(50, 15)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TooSmallScreen)
                         and app.screen.size == (50, 15))
        assert isinstance(app.screen, TooSmallScreen)
        shown = message_shown(app)
        assert "at least 60 x 18" in shown and "It is 50 x 15 now" in shown
        for key in ("4", "escape", "question_mark", "down"):
            await pilot.press(key)
        await resize(pilot, 55, 16)
        assert "It is 55 x 16 now" in message_shown(app)  # follows the resize
        assert [type(s) for s in app.screen_stack] == [HomeScreen, TooSmallScreen]
        await resize(pilot, 80, 24)
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_one("#areas", OptionList).highlighted == 0


async def test_home_and_lessons_work_below_80x24_but_the_lab_does_not(make_app):
    app = make_app()
    async with app.run_test(size=(64, 20)) as pilot:
        await laid_out_at(pilot, 64, 20)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)  # help over home fits too
        await pilot.press("escape", "1")
        assert type(app.screen).__name__ == "LessonScreen"
        await pilot.press("escape", "4")
        await wait_until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        assert "at least 80 x 24" in message_shown(app)
        assert isinstance(app.screen_stack[-2], LabScreen)


async def test_the_lab_keeps_training_and_its_state_through_a_shrink_and_grow(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_area("lab")
        await pilot.pause()
        lab = app.screen
        app.simulate_key("space")
        await wait_until(pilot, lambda: lab.session.step >= 20)
        await resize(pilot, 70, 20)
        assert isinstance(app.screen, TooSmallScreen)
        before = lab.session.step
        await wait_until(pilot, lambda: lab.session.step > before + 20)  # still training
        await resize(pilot, 80, 24)
        assert app.screen is lab and lab.running
        app.simulate_key("space")
        await wait_until(pilot, lambda: not lab.running)
        for width, height in ((120, 40), (80, 24), (200, 60), (80, 24)):
            await resize(pilot, width, height)
            assert app.screen is lab
        assert lab.session.step > before


async def test_links_to_the_web_are_shown_not_opened(make_app, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a browser was opened")

    monkeypatch.setattr(webbrowser, "open", refuse)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_url("https://example.org/notes")
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any("https://example.org/notes" in text for text in shown)


@pytest.mark.parametrize(
    ("argv", "mouse", "fps"),
    [([], True, None), (["--no-mouse"], False, None), (["--fps", "4", "--no-mouse"], False, 4)],
)
def test_no_mouse_and_fps_reach_the_app(argv, mouse, fps, tmp_path, monkeypatch):
    seen = {}

    def fake_run(self, **options):
        seen.update(options, fps=self.fps, pinned=os.environ.get("COLUMNS"))

    monkeypatch.setattr(GdtuiApp, "run", fake_run)
    monkeypatch.delenv("TEXTUAL_FPS", raising=False)
    monkeypatch.setenv("COLUMNS", "80")  # would stop the app from following a resize
    assert cli.main(["--data-dir", str(tmp_path), *argv]) == 0
    assert seen == {"mouse": mouse, "fps": fps, "pinned": None}
    assert os.environ.get("TEXTUAL_FPS") == (None if fps is None else str(fps))


@pytest.mark.parametrize("bad", ["0", "61", "2.5", "fast", ""])
def test_a_bad_fps_is_a_clear_error(bad, tmp_path, capsys):
    assert cli.main(["--data-dir", str(tmp_path), "--fps", bad]) == 2
    assert capsys.readouterr().err.strip() == "gdtui: --fps must be a whole number between 1 and 60"


async def test_a_paused_lab_redraws_its_model_picture_at_the_new_size(make_app):
    from gdtui.widgets.model_panel import RegionView

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("lab")
        await pilot.pause()
        region = app.screen.query_one(RegionView)
        await wait_until(pilot, lambda: len(region._strips) == region.size.height > 0)
        small = (region.size.width, region.size.height)
        await resize(pilot, 120, 40)
        await wait_until(pilot, lambda: len(region._strips) == region.size.height)
        assert (region.size.width, region.size.height) != small
        assert region._strips[0].cell_length == region.size.width


def stack_names(app) -> list[str]:
    return [type(screen).__name__ for screen in app.screen_stack]


async def test_ctrl_p_twice_behind_the_cover_opens_no_palette(make_app):
    # (reliability review 6.10: the palette opened over the cover, the size check covered the
    # palette, and the second Ctrl-P pushed a second palette: DuplicateIds, the app ended)
    app = make_app(start_screen="cards")
    async with app.run_test(size=(70, 20)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        await pilot.press("ctrl+p", "ctrl+p", "ctrl+p")
        assert app.is_running
        assert stack_names(app) == ["HomeScreen", "CardsScreen", "TooSmallScreen"]
        assert "at least 80 x 24" in message_shown(app)
        await resize(pilot, 80, 24)
        assert stack_names(app) == ["HomeScreen", "CardsScreen"]


async def test_a_palette_open_when_the_terminal_shrinks_waits_under_one_cover(make_app):
    app = make_app(start_screen="cards")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CardsScreen")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await resize(pilot, 50, 12)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press("ctrl+p", "ctrl+p")
        await resize(pilot, 55, 14)
        await pilot.press("ctrl+p")
        assert app.is_running
        assert stack_names(app) == ["HomeScreen", "CardsScreen", "CommandPalette",
                                    "TooSmallScreen"]
        await resize(pilot, 100, 30)
        assert stack_names(app) == ["HomeScreen", "CardsScreen", "CommandPalette"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: stack_names(app) == ["HomeScreen", "CardsScreen"])


@pytest.mark.e2e
def test_ctrl_p_twice_in_a_small_real_terminal_then_q_quits_cleanly(tmp_path):
    gdtui = Path(sys.executable).with_name("gdtui")
    term = Terminal(f"{gdtui} --data-dir {tmp_path / 'data'} --open cards; "
                    "echo gdtui-exited-$?; sleep 30", width=70, height=20)
    try:
        term.wait_for("Make the terminal at least 80 x 24.", "It is 70 x 20 now.")
        term.keys("C-p", "C-p", "q")
        term.wait_for("gdtui-exited-0")
    finally:
        term.close()


async def test_a_link_chosen_as_the_terminal_shrinks_is_followed_under_the_cover(make_app):
    # (random input: enter in the list of links, then the terminal shrank before the list
    # closed; closing popped the cover instead of the list, which stayed open with its answer
    # given, and the next enter ended the app with InvalidStateError)
    from textual.widgets import OptionList

    from gdtui.screens.link_picker import LinkPicker

    app = make_app(start_screen="lessons")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen"
                         and app.screen.lesson is not None)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LinkPicker))
        picker = app.screen
        await resize(pilot, 50, 12)
        assert isinstance(app.screen, TooSmallScreen)
        picker.query_one(OptionList).action_select()  # the enter that came just before
        await wait_until(pilot, lambda: picker not in app.screen_stack)
        assert isinstance(app.screen, TooSmallScreen)
        assert sum(isinstance(s, TooSmallScreen) for s in app.screen_stack) == 1
        await resize(pilot, 100, 30)
        assert not any(isinstance(s, (TooSmallScreen, LinkPicker)) for s in app.screen_stack)
        await pilot.press("l")  # the list opens and answers again
        await wait_until(pilot, lambda: isinstance(app.screen, LinkPicker))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, LinkPicker))
        assert app._exception is None


async def test_ctrl_p_as_the_palette_closes_opens_no_second_one(make_app):
    # (random input: the palette closed by a click on its background, and ctrl+p pressed while
    # Textual was still removing it: the new palette's id was taken, DuplicateIds)
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        palette.dismiss()  # closed; Textual removes it a moment later
        key = events.Key("ctrl+p", None)
        key.set_sender(app)
        app.post_message(key)
        await wait_until(pilot, lambda: not palette.is_attached)
        assert app._exception is None
        await wait_for_text(pilot, "^p palette")  # the footer still offers it
        await pilot.press("ctrl+p")  # a moment later it opens again
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        assert sum(isinstance(s, CommandPalette) for s in app.screen_stack) == 1


async def test_a_palette_command_that_runs_as_the_terminal_shrinks_goes_under_the_cover(make_app):
    # (random input: "Lesson 1" chosen in the palette, the terminal shrank before the command
    # ran, and going back to the lesson screen under the cover popped past it: ScreenStackError)
    app = make_app(start_screen="lessons")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen")
        await resize(pilot, 50, 12)
        assert stack_names(app) == ["HomeScreen", "LessonScreen", "TooSmallScreen"]
        app.open_lesson(app.course.lessons[0].id)  # what the palette's command runs
        await wait_until(pilot, lambda: isinstance(app.screen, TooSmallScreen))
        assert stack_names(app) == ["HomeScreen", "LessonScreen", "TooSmallScreen"]
        app.go_home()  # the palette's "Home"
        await wait_until(pilot, lambda: stack_names(app) == ["HomeScreen", "TooSmallScreen"])
        assert app._exception is None
        await resize(pilot, 100, 30)
        assert stack_names(app) == ["HomeScreen"]
