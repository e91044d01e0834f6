"""Pilot tests of the backprop stepper screen: a learner stepping through one training step."""

from __future__ import annotations

from textual.widgets import Input, Select, Static

from gdtui.screens.backprop import BackpropScreen
from gdtui.screens.help import HelpScreen
from gdtui.widgets.network_diagram import NetworkDiagram
from tests.conftest import wait_until


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_stepper(app, pilot) -> BackpropScreen:
    app.open_area("backprop")
    await pilot.pause()
    assert isinstance(app.screen, BackpropScreen)
    return app.screen


async def type_into(pilot, screen, field: str, text: str) -> None:
    box = screen.query_one(f"#{field}", Input)
    box.focus()
    box.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_stepping_through_every_stage_shows_its_numbers(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stepper(app, pilot)
        seen = []
        expected = [
            ("Forward", "h1 = σ(z1) = σ(1.10) = 0.750"),
            ("Forward", "h2 = σ(z2) = σ(−1.10) = 0.250"),
            ("Forward", "y = σ(z) = σ(−0.850) = 0.299"),
            ("Loss", "L = (y − t)²"),
            ("Backward", "dL/dy = 2(y − t) = 2(0.299 − 1) = −1.40"),
            ("Backward", "= (−1.40)(0.210)(−0.400)(0.187)(2) = 0.0441"),
            ("Backward", "dL/dw2 = dL/dy·dy/dz·dz/dh2·dh2/dz2·dz2/dw2"),
            ("Nudge", "relative error"),
            ("Update", "new loss 0.491 → 0.419: smaller"),
        ]
        for number, (stage, text) in enumerate(expected, start=1):
            bar, explain = shown(app, "#stages"), shown(app, "#explain")
            assert f"round 1 · {number}/9" in bar
            assert text in explain, explain
            seen.append(stage)
            await pilot.press("space")
        assert "round 2 · 1/9" in shown(app, "#stages")
        assert "(0.478)(2)" in shown(app, "#explain")  # the updated w1
        await pilot.press("b")
        assert "round 1 · 9/9" in shown(app, "#stages")
        assert "Update" in shown(app, "#explain")
        assert app.store.last_activity()[2].startswith("took 1 backprop step: loss 0.491")


async def test_diagram_highlights_the_unit_being_computed(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stepper(app, pilot)
        diagram = screen.query_one(NetworkDiagram)
        assert [u.name for u in diagram.units[1] if u.focus] == ["h1"]
        assert "?" in str(diagram.render())  # h2, y and L are not computed yet
        await pilot.press("3")  # the backward pass
        assert [u.name for u in diagram.units[2] if u.focus] == ["y"]
        assert "∂ −0.294" in str(diagram.render())


async def test_nudge_check_on_the_chosen_weight(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stepper(app, pilot)
        await pilot.press("w", "w")  # w1 → b1 → w2
        assert screen.query_one("#weight-choice", Select).value == "w2"
        await pilot.press("4")
        explain = shown(app, "#explain")
        assert "Nudge check on w2" in explain
        assert "they agree" in explain


async def test_editing_values_good_and_bad(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stepper(app, pilot)
        await type_into(pilot, screen, "rate", "abc")
        assert "learning rate: 'abc' is not a number (kept 0.5)" in shown(app, "#message")
        assert screen.stepper.learning_rate == 0.5
        assert screen.query_one("#rate", Input).value == "0.5"
        await type_into(pilot, screen, "rate", "0.1")
        assert screen.stepper.learning_rate == 0.1
        assert shown(app, "#message") == ""
        await pilot.press("5")
        assert "(learning rate 0.1)" in shown(app, "#explain")

        await type_into(pilot, screen, "target", "2")
        assert "kept 1" in shown(app, "#message")
        await type_into(pilot, screen, "inputs", "3")
        await pilot.press("1")
        assert "(0.500)(3)" in shown(app, "#explain")

        await type_into(pilot, screen, "weight-value", "-0.25")
        assert screen.stepper.weight("w1") == -0.25
        assert "(−0.250)(3)" in shown(app, "#explain")
        await type_into(pilot, screen, "weight-value", "1e9")
        assert "w1 must be between" in shown(app, "#message")
        assert screen.stepper.weight("w1") == -0.25

        # with the target inside 0..1, too big a learning rate jumps past it
        await type_into(pilot, screen, "target", "0.5")
        await type_into(pilot, screen, "rate", "20")
        await pilot.press("5")
        explain = shown(app, "#explain")
        assert "LARGER" in explain and "too big" in explain


async def test_running_many_steps_draws_the_loss_falling(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stepper(app, pilot)
        await pilot.press("r")
        assert "round 11" in shown(app, "#stages")
        await pilot.press("R")
        losses = screen.stepper.losses
        assert len(losses) == 111 and losses[-1] < losses[10] < losses[0]
        # the chart redraws from a timer
        await wait_until(pilot, lambda: screen._chart_drawn == tuple(losses))


async def test_tanh_and_the_other_networks(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stepper(app, pilot)
        await pilot.press("a")
        assert "h1 = tanh(z1)" in shown(app, "#explain")
        await pilot.press("p")  # the lesson's single unit
        assert "z = w·x + b" in shown(app, "#explain")
        assert screen.query_one("#weight-choice", Select).value == "w"
        await pilot.press("p")  # two inputs
        assert "z1 = w11·x1 + w21·x2 + b1" in shown(app, "#explain")
        assert screen.query_one("#inputs", Input).value == "1, 0.5"


async def test_help_and_resizing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stepper(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.title_text == "Backprop stepper"
        assert ("b", "Step back") in app.screen.keys
        await pilot.press("escape")
        assert " ② Loss " in shown(app, "#stages")
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        assert " ② Loss " in shown(app, "#stages")
        assert " ③ Backward pass " in shown(app, "#stages")
        assert app.screen.has_class("-wide")
        await pilot.press("5")
        assert "new loss" in shown(app, "#explain")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert " ③ Backward " in shown(app, "#stages")
