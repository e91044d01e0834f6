"""Draw your own digit, as a learner would: `d` in the lab, then the arrows and space or the
mouse; the probabilities shown are the lab network's for what the pad holds."""

from __future__ import annotations

import re

import numpy as np
from textual.widgets._toast import Toast

from gdtui.screens.help import HelpScreen
from gdtui.screens.lab.draw import NOT_DIGITS, DrawScreen
from gdtui.screens.lab.screen import LabScreen
from gdtui.widgets.draw_pad import GUESS, PadView
from tests.conftest import screen_text, wait_for_text, wait_until
from tests.test_screen_lab import open_lab

BAR_LINE = re.compile(r"(?<![\d.])(\d) [█▉▊▋▌▍▎▏ ]*▏\s*(\d+\.\d)%( ◀ guess)?")


async def trained_digits_lab(app, pilot, steps: int = 250) -> LabScreen:
    """The lab on the digits preset, trained `steps` steps (95%+ validation accuracy)."""
    lab = await open_lab(app, pilot, preset="digits", steps=steps)
    await wait_until(pilot, lambda: lab.session.step == steps and not lab.running)
    return lab


def shown_reading(app) -> tuple[list[str], int]:
    """The ten percentages the bars show, as text, and the digit marked as the guess."""
    rows = BAR_LINE.findall(screen_text(app))
    assert [int(digit) for digit, _, _ in rows] == list(range(10)), screen_text(app)
    guesses = [int(digit) for digit, _, mark in rows if mark]
    assert len(guesses) == 1
    return [percent for _, percent, _ in rows], guesses[0]


def engine_reading(lab: LabScreen, inputs: np.ndarray) -> tuple[list[str], int]:
    """What the lab's own session says of `inputs` (it is paused: nothing else holds it)."""
    session = lab.session
    probabilities = session.probabilities(session.network.forward(inputs[None]))[0]
    return [f"{100 * p:.1f}" for p in probabilities], int(np.argmax(probabilities))


async def test_a_1_drawn_with_the_arrows_and_space_is_read_as_the_lab_network_reads_it(
        make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await trained_digits_lab(app, pilot)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen))
        draw = app.screen
        blank, _ = shown_reading(app)
        assert draw.pad.empty and blank == engine_reading(lab, -np.ones(64))[0]
        await pilot.press(*["up"] * 6, "space")  # to the top, pen down
        assert "pen down" in screen_text(app)
        await pilot.press(*["down"] * 13, "space")  # a stroke down, pen up
        assert "pen up" in screen_text(app)
        assert draw.pad.bitmap[4:28, 16].all()
        reading, guess = shown_reading(app)
        assert (reading, guess) == engine_reading(lab, draw.pad.inputs())
        assert guess == 1  # one straight stroke: the pad normalises it like the data's 1s
        # the 8x8 image shows the stroke as the network sees it: a bar down the middle
        image = str(draw.query_one("#draw-image").render()).splitlines()
        assert len(image) == 8 and all(row[6:10] == "████" for row in image[1:7])


async def test_a_0_drawn_with_mouse_drags_then_erased_with_the_right_button_and_cleared(
        make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await trained_digits_lab(app, pilot)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen))
        pad = app.screen.pad
        # a loop: offsets are cells of the pad's widget, its border at 0
        loop = [(16, 2), (11, 3), (9, 6), (9, 10), (11, 14), (16, 15), (21, 14), (23, 10),
                (23, 6), (21, 3), (16, 2)]
        await pilot.mouse_down("#pad", offset=loop[0])
        for point in loop[1:]:
            await pilot.hover("#pad", offset=point)
        await pilot.mouse_up("#pad", offset=loop[-1])
        assert pad.bitmap[2, 15] and pad.bitmap[18, 8] and not pad.bitmap[16, 15]  # a hole
        reading, guess = shown_reading(app)
        assert (reading, guess) == engine_reading(lab, pad.inputs())
        assert guess == 0
        # a click draws a dot; the right button rubs it out again
        await pilot.click("#pad", offset=(30, 15))
        assert pad.bitmap[28:30, 29].all()
        await pilot.click("#pad", offset=(30, 15), button=3)
        assert not pad.bitmap[26:32, 27:32].any()
        await pilot.click("#pad", offset=(30, 15))
        await pilot.click("#pad", offset=(30, 15), control=True)  # ctrl with the left: the same
        assert not pad.bitmap[26:32, 27:32].any()
        assert shown_reading(app) == engine_reading(lab, pad.inputs())
        await pilot.press("c")
        assert pad.empty
        assert shown_reading(app) == engine_reading(lab, -np.ones(64))
        assert "An empty pad" in screen_text(app)


async def test_x_rubs_out_around_the_cursor(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await trained_digits_lab(app, pilot, steps=40)
        await pilot.press("d", "space", *["down"] * 4, "space", *["up"] * 2, "x")
        pad = app.screen.pad
        x, y = pad.cursor
        assert (x, y) == (16, 20) and not pad.bitmap[y - 2:y + 3, x - 2:x + 3].any()
        assert pad.bitmap[14:17, 16].all() and pad.bitmap[24:27, 16].all()  # both ends stay
        assert shown_reading(app) == engine_reading(lab, pad.inputs())
        await pilot.press("up", "up", "x", *["down"] * 4, "backspace")
        assert pad.empty


async def test_escape_goes_back_to_the_lab_which_keeps_the_drawing_and_trains_on(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await trained_digits_lab(app, pilot, steps=40)
        await pilot.press("space")
        await wait_until(pilot, lambda: lab.running)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen))
        assert not lab.running  # training waits while the pad covers the lab
        step = lab.session.step
        await pilot.press("space", "down", "down", "space")
        drawn = app.screen.pad.bitmap.copy()
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is lab and lab.running)
        await wait_until(pilot, lambda: lab.session.step > step)
        await pilot.press("space")  # pause, and look again: the drawing is still there
        await wait_until(pilot, lambda: not lab.running)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen))
        assert np.array_equal(app.screen.pad.bitmap, drawn)
        # read by the network as it is now, trained further
        assert shown_reading(app) == engine_reading(lab, app.screen.pad.inputs())


async def test_the_lab_on_digits_says_d_draws(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lab(app, pilot, preset="digits")
        await wait_for_text(pilot, "d: draw a digit for the network to read")


async def test_on_other_data_d_says_to_load_the_digits_preset(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        lab = await open_lab(app, pilot)
        assert lab.session.settings.dataset == "moons"
        assert "d: draw" not in await wait_for_text(pilot, "space: train")
        await pilot.press("d")
        await wait_until(pilot, lambda: any(NOT_DIGITS in str(toast.render())
                                            for toast in app.screen.query(Toast)))
        assert app.screen is lab


async def test_help_explains_the_pad_and_its_keys(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await trained_digits_lab(app, pilot, steps=1)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen))
        assert "? Help" in screen_text(app)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert app.screen.title_text == "Draw a digit"
        assert "4x4" in app.screen.text and "right button" in app.screen.text
        keys = dict(app.screen.keys)
        assert keys["space"] == "Pen down/up" and keys["c"] == "Clear"
        assert {what: key for key, what in keys.items()}["Erase"] in ("x, ⌫", "x, backspace")
        assert "Back to the lab" in keys.values()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen))


async def test_the_pad_fits_80x24_and_is_drawn_twice_as_large_at_120x40(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await trained_digits_lab(app, pilot, steps=1)
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, DrawScreen))
        view = app.screen.query_one(PadView)
        await wait_until(pilot, lambda: view.big and view.content_size == (64, 32))
        await pilot.press("space", "right")  # a pixel a key: two columns
        assert app.screen.pad.cursor == (17, 16)
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: not view.big and view.content_size == (32, 16))
        text = await wait_for_text(pilot, "Draw a digit", "It reads", "Clear", "? Help")
        lines = text.splitlines()
        assert len(lines) <= 24 and max(len(line.rstrip()) for line in lines) <= 80
        assert "╰" in text and len(BAR_LINE.findall(text)) == 10  # the pad and all bars
        assert GUESS in text
        await pilot.press("down")  # a cell is two pixels tall now
        assert app.screen.pad.cursor == (17, 18)
