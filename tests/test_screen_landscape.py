"""Pilot tests of the loss landscape screen: moving the start, tuning two walkers, the rule."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from gdtui.landscape import MODELS, START_MOVES
from gdtui.numbers import format_significant
from gdtui.screens.help import HelpScreen
from gdtui.screens.landscape import LandscapeScreen
from gdtui.widgets.loss_map import GUTTER, LossMap, clip_segment, segment_cells


def shown(app, selector: str) -> str:
    """The text of a Static, or of all the Statics in a container, line by line."""
    widget = app.screen.query_one(selector)
    lines = [widget] if isinstance(widget, Static) else list(widget.query(Static))
    return "\n".join(str(line.render()) for line in lines)


async def open_landscape(app, pilot) -> LandscapeScreen:
    app.open_area("landscape")
    await pilot.pause()
    assert isinstance(app.screen, LandscapeScreen)
    return app.screen


async def test_walks_play_out_and_say_what_happened(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landscape(app, pilot)
        assert "Line fit, mean squared error" in shown(app, "#model-info")
        await pilot.press("n")  # pauses the walks and shows one more step
        shown_before = screen.shown
        await pilot.press("n", "n")
        assert screen.shown == shown_before + 2
        assert f"step {screen.shown}  loss" in shown(app, "#path-0")
        assert "walking…" in shown(app, "#path-0")
        await pilot.press("e")
        assert "converged at step 98" in shown(app, "#path-0")
        assert "converged at step 66" in shown(app, "#path-1")
        assert "lr 0.1 × curvature 9.27 = 0.927 < 2: converges" in shown(app, "#rule")
        assert "gradient descent, lr 0.1" in app.store.last_activity()[2]
        # the map is drawn at the size of the widget, with the walks on it
        map_widget = screen.query_one(LossMap)
        assert map_widget.levels.shape == (map_widget.grid_size[1], map_widget.grid_size[0])
        assert len(map_widget.trails[0].points) == 201


async def test_arrow_keys_and_a_click_move_the_start(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landscape(app, pilot)
        extent = MODELS["line"].extent
        w, b = MODELS["line"].start
        await pilot.press("e")  # the whole walks
        assert screen.shown == screen.explorer.longest
        await pilot.press("right", "right", "down")
        step_w = (extent.w_high - extent.w_low) / START_MOVES
        step_b = (extent.b_high - extent.b_low) / START_MOVES
        expected = (round(w + 2 * step_w, 2), round(b - step_b, 2))
        assert screen.explorer.start == pytest.approx(expected)
        assert (f"start w {format_significant(expected[0])} b {format_significant(expected[1])}"
                in shown(app, "#model-info"))
        assert tuple(screen.explorer.paths[0].points[0]) == screen.explorer.start
        assert screen.playing and screen.shown < screen.explorer.longest  # walking again

        map_widget = screen.query_one(LossMap)
        columns, rows = map_widget.grid_size
        await pilot.click("#map", offset=(GUTTER + 10, 3))
        point = extent.point(10, 2 * 3 + 0.5, columns, rows)
        assert screen.explorer.start == (round(point[0], 2), round(point[1], 2))
        await pilot.click("#map", offset=(2, 3))  # the b labels, not the map
        assert screen.explorer.start == (round(point[0], 2), round(point[1], 2))


async def test_two_walkers_with_their_own_optimizer_and_rate(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landscape(app, pilot)
        await pilot.press("right_square_bracket", "right_square_bracket", "e")
        assert "gradient descent, lr 0.2" in shown(app, "#path-0")
        assert "zig-zagging" in shown(app, "#rule")
        await pilot.press("2", "o")
        assert "Adam, lr 0.02" in shown(app, "#path-1")
        assert screen.query_one("#path-1").has_class("selected")
        assert screen.query_one("#rate", Input).value == "0.02"
        await pilot.press("1")
        rate = screen.query_one("#rate", Input)
        rate.focus()
        rate.value = "0.3"
        await pilot.press("enter", "e")
        assert "lr 0.3 × curvature 9.27 = 2.78 > 2: diverges" in shown(app, "#rule")
        assert "diverged: flew off at step" in shown(app, "#path-0")

        rate.focus()
        rate.value = "-1"
        await pilot.press("enter")
        assert "learning rate must be between 0 and 100 (kept 0.3)" in shown(app, "#message")
        assert screen.explorer.walkers[0].learning_rate == 0.3
        assert rate.value == "0.3"

        rate.focus()
        await pilot.press("escape")  # out of the box first, not off the screen
        assert app.screen is screen and not rate.has_focus
        assert shown(app, "#path-0").startswith("1 ●") and shown(app, "#path-1").startswith("2 ■")

        await pilot.press("c")
        assert not screen.query_one("#path-1").display
        await pilot.press("m", "e")
        assert "Sigmoid unit" in shown(app, "#model-info")
        assert "Not a bowl" in shown(app, "#rule")


async def test_help_and_resizing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_landscape(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.title_text == "Loss landscape"
        assert ("o", "Optimizer") in app.screen.keys
        await pilot.press("escape")
        map_widget = screen.query_one(LossMap)
        small = map_widget.grid_size
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        big = map_widget.grid_size
        assert big[0] > small[0] and big[1] > small[1]
        assert map_widget.levels.shape == (big[1], big[0])
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert map_widget.grid_size == small
        assert map_widget.levels.shape == (small[1], small[0])


def test_lines_between_points_are_clipped_to_the_map():
    assert clip_segment((-5.0, 1.0), (5.0, 1.0), 4, 4) == ((0.0, 1.0), (pytest.approx(4.0), 1.0))
    assert clip_segment((-5.0, -1.0), (-1.0, -3.0), 4, 4) is None
    cells = segment_cells((0.5, 0.5), (3.5, 3.5), 4, 4)
    assert cells[0] == (0, 0) and cells[-1] == (3, 3)
    assert all(0 <= c < 4 and 0 <= r < 4 for c, r in segment_cells((-9, 2), (1e6, 2), 4, 4))
