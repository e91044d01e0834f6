"""Pilot tests of the probability slider in the backprop stepper: a learner moves p with the keys
and the mouse and sees cross-entropy −ln p beside squared error (1 − p)²."""

from __future__ import annotations

from textual.widgets import Static

from gdtui.screens.backprop import BackpropScreen
from gdtui.screens.help import HelpScreen
from gdtui.widgets.probability_slider import LABEL, TRACK_ROW, ProbabilitySlider
from tests.conftest import screen_text, wait_until


async def open_stepper(app, pilot, **options) -> BackpropScreen:
    app.open_area("backprop", **options)
    await pilot.pause()
    assert isinstance(app.screen, BackpropScreen)
    return app.screen


def slider_text(app) -> str:
    return app.screen.query_one(ProbabilitySlider).render().plain


async def test_c_opens_the_slider_and_the_arrow_keys_move_p(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stepper(app, pilot)
        slider = screen.query_one(ProbabilitySlider)
        assert not slider.display
        await pilot.press("c")
        assert slider.display and slider.has_focus
        assert not screen.query_one("#explain-box").display
        assert "p 0.5 " in slider_text(app)
        await pilot.press(*["shift+left"] * 4, *["left"] * 5)  # 0.5 → 0.1 → 0.05
        assert slider.probability == 0.05
        text = slider_text(app)
        assert "p 0.05" in text
        assert "cross-entropy  −ln p    2.996" in text
        assert "squared error  (1 − p)² 0.9025" in text
        assert "At p 0.05 cross-entropy is 2.996, 58× its 0.051 at p 0.95" in text
        await pilot.press(*["shift+right"] * 9)  # 0.95
        text = slider_text(app)
        assert "cross-entropy  −ln p    0.051" in text
        assert "squared error  (1 − p)² 0.0025" in text
        await pilot.press(*["right"] * 10)
        assert slider.probability == 0.99  # the end of the line
        # and on the screen, all of it, within 80x24, with the new key in the footer
        shown = screen_text(app)
        assert "Confident and wrong is expensive" in shown
        assert "c: back to the steps" in shown and "c −ln p" in shown


async def test_a_click_and_a_drag_on_the_line_set_p(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stepper(app, pilot)
        await pilot.press("c")
        slider = screen.query_one(ProbabilitySlider)
        track = slider._track_width() - 1

        def on_the_line(probability: float) -> tuple[int, int]:
            """The offset in the slider (with its padding and top border) of p on the line."""
            return (slider.styles.padding.left + LABEL + round(probability * track),
                    1 + TRACK_ROW)

        await pilot.click(ProbabilitySlider, offset=on_the_line(0.95))
        assert slider.probability == 0.95
        assert "0.051" in slider_text(app)
        # drag from there to the 0.05 mark
        await pilot.mouse_down(ProbabilitySlider, offset=on_the_line(0.95))
        await pilot.hover(ProbabilitySlider, offset=on_the_line(0.3))
        assert slider.probability == 0.3  # it follows the mouse
        await pilot.hover(ProbabilitySlider, offset=on_the_line(0.05))
        await pilot.mouse_up(ProbabilitySlider, offset=on_the_line(0.05))
        assert slider.probability == 0.05
        assert "2.996" in slider_text(app)
        await pilot.click(ProbabilitySlider, offset=(3, 5))  # not the line: nothing moves
        assert slider.probability == 0.05


async def test_stepping_closes_the_slider_and_c_toggles_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stepper(app, pilot)
        slider = screen.query_one(ProbabilitySlider)
        await pilot.press("c", "left")
        assert slider.probability == 0.49
        await pilot.press("c")
        assert not slider.display and screen.query_one("#explain-box").display
        await pilot.press("c")
        assert slider.display and slider.probability == 0.49  # where the learner left it
        await pilot.press("space")
        assert not slider.display
        assert "round 1 · 2/9" in str(screen.query_one("#stages", Static).render())
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert ("c", "−ln p") in app.screen.keys
        assert "probability slider" in app.screen.text


async def test_a_link_opens_the_slider_at_a_probability(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stepper(app, pilot, probability="0.05")
        await wait_until(pilot, lambda: screen.query_one(ProbabilitySlider).display)
        assert "2.996" in slider_text(app)
        app.open_area("backprop", probability="0.95")
        await pilot.pause()
        assert "0.051" in slider_text(app)
        app.open_area("backprop", probability="sure")  # not a probability: says so, keeps p
        await wait_until(pilot, lambda: any("probability must be" in n.message
                                            for n in app._notifications))
        assert screen.query_one(ProbabilitySlider).probability == 0.95


async def test_a_new_stepper_made_with_a_probability_opens_on_the_slider(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = BackpropScreen(probability=0.05)
        await app.push_screen(screen)
        slider = screen.query_one(ProbabilitySlider)
        await wait_until(pilot, lambda: slider.display and slider.has_focus)
        assert "cross-entropy  −ln p    2.996" in slider.render().plain
        assert not screen.query_one("#explain-box").display
