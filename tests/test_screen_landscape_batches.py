"""Pilot tests of the landscape screen's mini-batch walks and its momentum and Adam notes, as a
learner presses the keys."""

from __future__ import annotations

from textual.widgets import Input, Static

from gdtui.screens.help import HelpScreen
from gdtui.screens.landscape import LandscapeScreen
from tests.conftest import wait_until
from tests.test_screen_landscape import open_landscape


def shown(app, selector: str) -> str:
    """The text of a Static, or of the displayed Statics in a container, line by line."""
    widget = app.screen.query_one(selector)
    lines = [widget] if isinstance(widget, Static) else [
        line for line in widget.query(Static) if line.display]
    return "\n".join(str(line.render()) for line in lines)


async def test_a_link_with_a_batch_size_opens_that_walk_alone(make_app):
    # (lesson 6's exercise: screen:landscape?model=line&optimizer=sgd&rate=0.1&batch=1)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("landscape", model="line", optimizer="sgd", rate="0.1", batch="1")
        await wait_until(pilot, lambda: isinstance(app.screen, LandscapeScreen))
        await pilot.press("e")
        path = shown(app, "#path-0")
        assert "1 ● SGD, lr 0.1" in path and "batch 1 of 6" in path
        assert "wandering" in path
        assert not app.screen.query_one("#path-1").display  # the one walk asked for
        app.open_area("landscape", batch="6")  # again, with the full batch
        await pilot.press("e")
        assert "batch" not in shown(app, "#path-0")
        assert "converged at step 98" in shown(app, "#path-0")


async def test_b_picks_the_batch_size_and_batch_one_wanders(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landscape(app, pilot)
        assert "batch" not in shown(app, "#path-0")
        await pilot.press("b", "e")
        path = shown(app, "#path-0")
        assert "1 ● SGD, lr 0.1" in path
        assert "batch 1 of 6 · epoch 34" in path
        assert "wandering, loss 0.0" in path
        assert "SGD, lr 0.1, batch 1 of 6" in app.store.last_activity()[2]
        wandering = screen.query_one("#map").trails[0].points
        await pilot.press("b", "e")
        assert "batch 2 of 6 · epoch 67" in shown(app, "#path-0")
        await pilot.press("b", "b", "e")  # 3, then all six again: the straight walk
        path = shown(app, "#path-0")
        assert "gradient descent, lr 0.1" in path and "batch" not in path
        assert "converged at step 98" in path
        straight = screen.query_one("#map").trails[0].points
        assert len(wandering) == len(straight) == 201
        # the full batch never turns back on itself at this rate; batch one keeps turning
        turns = [int(((steps[1:] * steps[:-1]).sum(axis=1) < 0).sum())
                 for steps in ((points[1:] - points[:-1]) for points in (wandering, straight))]
        assert turns[0] > 50 and turns[1] == 0


async def test_each_path_has_its_own_batch_size_and_the_panel_still_fits(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landscape(app, pilot)
        await pilot.press("b", "2", "b", "b", "e")
        assert "batch 1 of 6" in shown(app, "#path-0")
        assert "2 ■ momentum, lr 0.02" in shown(app, "#path-1")
        assert "batch 2 of 6" in shown(app, "#path-1")
        side = screen.query_one("#side")
        assert side.max_scroll_y == 0  # everything, the rate box too, on an 80x24 screen
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert ("b", "Batch") in app.screen.keys
        assert "stochastic gradient descent" in app.screen.text


async def test_momentums_limit_sits_next_to_plain_descents_and_adam_says_why(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landscape(app, pilot)
        rate = screen.query_one("#rate", Input)
        for index in ("1", "2"):  # both paths at 0.25: plain descent, then momentum
            await pilot.press(index)
            rate.focus()
            rate.value = "0.25"
            await pilot.press("enter")
        await pilot.press("e")
        assert "diverged" in shown(app, "#path-0")
        assert "converged at step 69" in shown(app, "#path-1")
        rule = shown(app, "#rule")
        assert "lr × curvature < 2(1 + β) = 3.8" in rule
        assert "2.32 < 3.8: momentum converges (plain descent would not)" in rule.replace("\n",
                                                                                          " ")
        await pilot.press("right_square_bracket", "right_square_bracket", "e")  # 0.3, 0.5
        assert "momentum, lr 0.5" in shown(app, "#path-1")
        assert "diverged" in shown(app, "#path-1")
        assert "> 3.8: momentum diverges" in shown(app, "#rule")
        await pilot.press("o")  # Adam
        rule = shown(app, "#rule")
        assert "Adam moves each weight about lr a step, whatever the slope" in rule
        assert "curvature rule does not apply" in rule
        await pilot.press("1")
        assert "> 2: diverges" in shown(app, "#rule")
