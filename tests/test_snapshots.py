"""Snapshots of the screens that draw the same every time (pytest-textual-snapshot).

Each starts from its own fresh data dir with the shipped course, in the textual-dark theme, at
80x24 (and 120x40 where the screen has a wide layout), gets there with the learner's keys and
waits for what it shows, never for a fixed time. Live screens are snapshot paused: the lab after
a few single steps, the landscape with its walks at their end.

After a change that is meant to show: `pytest tests/test_snapshots.py --snapshot-update`, then
look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from gdtui.screens.backprop import BackpropScreen
from gdtui.training.settings import PRESETS
from tests.conftest import screen_text, wait_for_text, wait_until

THEME = "textual-dark"
SEED = 17  # the order of the flashcards: the sigmoid card comes first
CLOCK = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # the flashcards' "now"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
# Environment that would change the colours or the theme.
LOOKS = ("NO_COLOR", "TEXTUAL_THEME", "COLORTERM", "TEXTUAL_COLOR_SYSTEM", "TEXTUAL_ANIMATIONS")


@pytest.fixture
def app(make_app, monkeypatch):
    for name in LOOKS:
        monkeypatch.delenv(name, raising=False)
    return make_app()


async def home(pilot) -> None:
    """The home screen of a first start, in the fixed theme, with no animation."""
    pilot.app.theme = THEME
    pilot.app.animation_level = "none"
    lessons = len(pilot.app.course.lessons)
    await wait_for_text(pilot, "Welcome to gdtui!", f"Lessons read: 0 of {lessons}", "^p palette")


def test_home(app, snap_compare):
    assert snap_compare(app, run_before=home)


def test_a_lesson(app, snap_compare):
    async def run_before(pilot):
        await home(pilot)
        await pilot.press("1")
        await wait_for_text(pilot, "Lesson 1: A network that guesses", "Where the weights",
                            "A neural network turns inputs into a prediction", "n Next")
        await wait_until(pilot, lambda: pilot.app.screen.settled)  # every part of it is in

    assert snap_compare(app, run_before=run_before)


@SIZES
def test_the_backprop_stepper_after_one_round(app, snap_compare, size):
    async def run_before(pilot):
        await home(pilot)
        await pilot.press("5")
        await wait_for_text(pilot, "① Forward", "round 1 · 1/9")
        await pilot.press(*["space"] * 9)  # the nine steps of a round: the update is applied
        screen = pilot.app.screen
        assert isinstance(screen, BackpropScreen)
        await wait_for_text(pilot, "round 2 · 1/9")
        # the loss chart redraws from a timer
        await wait_until(pilot, lambda: screen._chart_drawn == tuple(screen.stepper.losses))
        assert len(screen.stepper.losses) == 2

    assert snap_compare(app, run_before=run_before, terminal_size=size)


def test_a_flashcard_answered_right(app, snap_compare):
    async def run_before(pilot):
        await home(pilot)
        pilot.app.open_area("cards", seed=SEED, clock=lambda: CLOCK)
        await wait_for_text(pilot, "20 new available today", "Review (r)")
        await pilot.press("r")
        screen = await wait_for_text(pilot, "Review · 0 done · 20 to go")
        # A choice card, its options shuffled: the learner picks "0 and 1" by the key beside it.
        await pilot.press(re.search(r"(\d)  0 and 1(?!\d)", screen).group(1))
        await wait_for_text(pilot, "✓ Right!", "So its output can stand for a probability")

    assert snap_compare(app, run_before=run_before)


def test_the_too_small_cover(app, snap_compare):
    async def run_before(pilot):
        await home(pilot)
        await pilot.press("4")  # the lab needs 80x24
        await wait_for_text(pilot, "Make the terminal at least 80 x 24.", "It is 60 x 18 now.")

    assert snap_compare(app, run_before=run_before, terminal_size=(60, 18))


@SIZES
def test_the_lab_paused_after_twenty_single_steps(app, snap_compare, size):
    async def run_before(pilot):
        await home(pilot)
        await pilot.press("4")
        await wait_for_text(pilot, "⏸ step 0 ·")
        await pilot.press(*["n"] * 20)
        # the status, the chart and the model are drawn together, from a timer; the settings
        # come a frame after the lab
        await wait_for_text(pilot, "⏸ step 20 ·", "reg. rate")

    assert snap_compare(app, run_before=run_before, terminal_size=size)


@SIZES
def test_the_lab_network_view_after_twenty_single_steps(app, snap_compare, size):
    async def run_before(pilot):
        await home(pilot)
        await pilot.press("4")
        await wait_for_text(pilot, "⏸ step 0 ·")
        await pilot.press(*["n"] * 20, "v", "left", "left", "down", "down", "full_stop")
        await wait_for_text(pilot, "⏸ step 20 ·", "reg. rate", "▶h1.3", "w h1.3←x2 =")

    assert snap_compare(app, run_before=run_before, terminal_size=size)


@SIZES
def test_the_digits_panel_paused_after_twenty_single_steps(app, snap_compare, size):
    async def run_before(pilot):
        await home(pilot)
        await pilot.press("4")
        await wait_for_text(pilot, "⏸ step 0 ·")
        await pilot.press("p", *["down"] * list(PRESETS).index("digits"), "enter")
        await wait_for_text(pilot, "model 64-32-10", "right (")
        await pilot.press(*["n"] * 20)
        await wait_for_text(pilot, "⏸ step 20 ·", "reg. rate", "right (")
        pilot.app.clear_notifications()  # the word on the new network: it times out
        await wait_until(pilot, lambda: "New network" not in screen_text(pilot.app))

    assert snap_compare(app, run_before=run_before, terminal_size=size)


def test_the_loss_landscape_with_its_walks_at_their_end(app, snap_compare):
    async def run_before(pilot):
        await home(pilot)
        await pilot.press("6")
        await wait_for_text(pilot, "Line fit, mean squared error")
        await pilot.press("e")
        await wait_for_text(pilot, "converged at step 98", "converged at step 66")

    assert snap_compare(app, run_before=run_before)
