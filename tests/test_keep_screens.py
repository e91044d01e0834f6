"""Nothing is lost when the learner leaves a screen: each area's screen is kept for the session,
and escape then the area's key on the home screen show it again as it was."""

from __future__ import annotations

import pytest
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from gdtui.areas import AREAS, Area
from gdtui.screens.home import HomeScreen
from gdtui.screens.landscape import LandscapeScreen
from tests.conftest import open_from_home, screen_text, wait_for_text, wait_until

BUILT = [each for each in AREAS if each.module]


async def escape_home(app, pilot) -> None:
    await pilot.press("escape")
    await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))


def state_of(screen) -> dict[str, object]:
    """What the learner left on a screen: the focus, every field's value, every scroll offset,
    the title."""
    return {
        "focused": screen.focused,
        "inputs": [(field.id, field.value) for field in screen.query(Input)],
        "selects": [(field.id, field.value) for field in screen.query(Select)],
        "scrolled": [(box.id, box.scroll_offset) for box in screen.query(ScrollableContainer)],
        "sub_title": screen.sub_title,
    }


def field_text(screen, field: str) -> str:
    return screen.query_one(f"#{field}", Input).value


async def type_into(pilot, screen, field: str, text: str) -> None:
    """Click into a field, type a value over what was there, and press enter."""
    box = screen.query_one(f"#{field}", Input)
    box.focus()
    box.value = ""
    await pilot.press(*text, "enter")


async def test_the_stepper_comes_back_with_its_network_fields_and_position(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        area = next(a for a in AREAS if a.name == "backprop")
        screen = await open_from_home(app, pilot, area)
        await pilot.press("p")  # the lesson's single unit
        await type_into(pilot, screen, "target", "0.5")
        await type_into(pilot, screen, "rate", "2")
        await pilot.press("space", "space", "space")
        before = await wait_for_text(pilot, "round 1 · 4/", "target 0.5")
        assert screen.stepper.preset == "lesson"
        # Enter took each value and left the field, so one escape goes home.
        await escape_home(app, pilot)
        again = await open_from_home(app, pilot, area)
        assert again is screen
        assert screen.stepper.preset == "lesson" and screen.stepper.position == 3
        assert field_text(screen, "target") == "0.5" and field_text(screen, "rate") == "2"
        assert await wait_for_text(pilot, "round 1 · 4/") == before


async def test_the_landscape_comes_back_with_its_start_point_and_paths(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        area = next(a for a in AREAS if a.name == "landscape")
        screen = await open_from_home(app, pilot, area)
        start = screen.explorer.start
        await pilot.press("right", "right", "up", "o", "]", "c", "e")  # start, path 1, path 2
        assert screen.explorer.start != start
        moved, walker = screen.explorer.start, screen.explorer.walkers[0]
        paths = [path.points.tolist() for path in screen.explorer.paths]
        shown, text = screen.shown, screen_text(app)
        assert "momentum" in text and "2 ■" not in text  # path 2 hidden
        await escape_home(app, pilot)
        assert await open_from_home(app, pilot, area) is screen
        assert screen.explorer.start == moved and screen.explorer.walkers[0] == walker
        assert [path.points.tolist() for path in screen.explorer.paths] == paths
        assert screen.shown == shown
        assert screen_text(app) == text


async def test_walks_wait_while_the_landscape_is_hidden(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        area = next(a for a in AREAS if a.name == "landscape")
        screen = await open_from_home(app, pilot, area)
        await wait_until(pilot, lambda: screen.shown > 0)  # the walks play
        await escape_home(app, pilot)
        # Hidden, it takes no more steps: a timer of the app at the walks' pace fires 8 times
        # (frames the walks would have played) while the learner moves about the home screen.
        left_at = screen.shown
        frames: list[int] = []
        app.set_interval(screen.frame_seconds, lambda: frames.append(1))
        for _ in range(8):
            await pilot.press("down")
        await wait_until(pilot, lambda: len(frames) >= 8)
        assert screen.shown == left_at
        assert await open_from_home(app, pilot, area) is screen
        await wait_until(pilot, lambda: screen.shown > left_at)  # and go on once back


@pytest.mark.parametrize("each", BUILT, ids=[each.name for each in BUILT])
async def test_every_area_comes_back_as_it_was(make_app, each):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_home(app, pilot, each)
        await pilot.pause()
        await pilot.press("tab")  # the learner moves about the screen
        # Escape leaves a field first (and the lab's settings panel); the state is what the
        # screen shows before the escape that goes home. At home escape does nothing.
        for _ in range(4):
            state = state_of(screen)
            await pilot.press("escape")
            await pilot.pause()
            if app.screen is not screen:
                break
        await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert await open_from_home(app, pilot, each) is screen
        await pilot.pause()
        assert state_of(screen) == state


async def test_opening_an_area_that_is_on_the_stack_goes_back_to_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        guess = await open_from_home(app, pilot, next(a for a in AREAS if a.name == "guess"))
        app.open_lesson("learning-rate")  # the guessing game's `o`
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LessonScreen")
        app.open_area("guess")  # the lesson's link back to the game
        await wait_until(pilot, lambda: app.screen is guess)
        assert app.screen_stack.count(guess) == 1
        await escape_home(app, pilot)
        assert len(app.screen_stack) == 1


class PlainScreen(Screen[None]):
    """An area's screen with no `reopen`: options are for a new one."""

    def __init__(self, word: str = "first") -> None:
        super().__init__()
        self.word = word

    def compose(self):
        yield Static(self.word)

    def on_unmount(self) -> None:
        UNMOUNTED.append(self.word)


UNMOUNTED: list[str] = []


async def test_options_go_to_the_kept_screen_or_make_a_new_one(make_app, monkeypatch):
    UNMOUNTED.clear()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        stepper = await open_from_home(app, pilot, next(a for a in AREAS if a.name == "backprop"))
        await pilot.press("space")
        await escape_home(app, pilot)
        app.open_area("backprop", preset="lesson")  # a link to the lesson's single unit
        await wait_until(pilot, lambda: app.screen is stepper)
        assert stepper.stepper.preset == "lesson"
        assert app.kept_screen("backprop") is stepper
        await escape_home(app, pilot)
        # A screen with no `reopen` is made anew with the options, replacing the kept one.
        plain = Area("plain", "Plain", "9", "A test area", f"{__name__}:PlainScreen")
        monkeypatch.setattr("gdtui.screens.kept.area",
                            lambda name: plain if name == "plain" else None)
        app.open_area("plain")
        await wait_until(pilot, lambda: isinstance(app.screen, PlainScreen))
        first = app.screen
        app.open_area("plain", word="second")
        await wait_until(pilot, lambda: isinstance(app.screen, PlainScreen)
                         and app.screen is not first and app.screen.is_mounted)
        assert app.screen.word == "second" and app.kept_screen("plain") is app.screen
        assert app.screen_stack.count(app.screen) == 1 and len(app.screen_stack) == 2
        await wait_until(pilot, lambda: not first.is_attached)  # the old one is gone
        await escape_home(app, pilot)
        app.open_area("plain", word="third")  # replaced while not on the stack, too
        await wait_until(pilot, lambda: isinstance(app.screen, PlainScreen)
                         and app.screen.word == "third")
        assert len(app.screen_stack) == 2
        await wait_until(pilot, lambda: UNMOUNTED == ["first", "second"])
        await escape_home(app, pilot)
    # A kept screen off the stack is unmounted at exit too (the lab stops its worker there).
    assert UNMOUNTED == ["first", "second", "third"]


async def test_the_lab_trains_again_after_it_was_hidden(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        area = next(a for a in AREAS if a.name == "lab")
        lab = await open_from_home(app, pilot, area)
        await pilot.press("n", "n")
        await wait_until(pilot, lambda: lab.session.step == 2)
        await escape_home(app, pilot)
        assert await open_from_home(app, pilot, area) is lab
        assert lab.session.step == 2
        await pilot.press("n")
        await wait_until(pilot, lambda: lab.session.step == 3)
        await wait_for_text(pilot, "step 3 ")


async def test_landscape_reopened_on_a_model_takes_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_home(app, pilot, next(a for a in AREAS if a.name == "landscape"))
        await escape_home(app, pilot)
        app.open_area("landscape", model="sigmoid")
        await wait_until(pilot, lambda: app.screen is screen)
        assert isinstance(screen, LandscapeScreen)
        await wait_for_text(pilot, "Sigmoid unit, cross-entropy")


async def test_the_stepper_and_landscape_are_built_while_the_learner_reads_home(make_app):
    """`gdtui` builds the screens that allow it ahead, unseen: their first visit is as quick as
    a second, and they start as if opened then."""
    app = make_app(build_ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        home = app.screen
        await wait_until(pilot, lambda: app.kept_screen("backprop") is not None
                         and app.kept_screen("landscape") is not None
                         and app.screen_stack == [home])
        landscape = app.kept_screen("landscape")
        assert app.store.last_activity() is None  # nothing the learner did not do
        assert await open_from_home(app, pilot, next(a for a in AREAS if a.name == "backprop")) \
            is app.kept_screen("backprop")
        await wait_for_text(pilot, "round 1 · 1/")
        await escape_home(app, pilot)
        waited = landscape.shown  # the walks have not played unseen
        assert await open_from_home(app, pilot, next(a for a in AREAS
                                                     if a.name == "landscape")) is landscape
        assert waited <= 2  # one frame at most, between being built and put away
        await wait_until(pilot, lambda: landscape.shown > waited)


async def test_nothing_is_built_ahead_in_a_small_terminal(make_app):
    app = make_app(build_ahead=True)
    async with app.run_test(size=(70, 20)) as pilot:  # home fits; the stepper needs 80x24
        await pilot.pause()
        built = 0
        while await app._build_one_ahead():  # those that fit (a lesson does) may be built
            built += 1
            assert built < 10
        assert app.kept_screen("backprop") is None and app.kept_screen("landscape") is None
        assert len(app.screen_stack) == 1


async def test_nothing_is_built_ahead_once_the_learner_has_gone_somewhere(make_app):
    app = make_app(build_ahead=True, start_screen="guess")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: type(app.screen).__name__ == "GuessScreen")
        assert not await app._build_one_ahead()
        assert app.kept_screen("backprop") is None


async def test_quitting_right_after_a_screen_is_built_ahead_is_clean(make_app):
    # A learner who quits just as a screen is built ahead: the app ends without a traceback.
    for _ in range(3):
        app = make_app(build_ahead=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            while await app._build_one_ahead():
                pass
            app.exit()
        assert app.return_code == 0


def test_a_screen_module_is_imported_only_once_the_preloading_is_done(monkeypatch):
    # Two threads importing at once can meet in plotext's circular imports (an ImportError CI
    # saw): the app waits for the preloading before it imports a screen itself.
    import threading
    import time

    from gdtui.screens import kept, preload

    finished = []
    thread = threading.Thread(target=lambda: (time.sleep(0.2), finished.append(True)))
    thread.start()
    monkeypatch.setattr(preload, "_running", thread)
    assert kept.screen_class("gdtui.screens.help:HelpScreen").__name__ == "HelpScreen"
    assert finished == [True]
