"""The lab's network view, driven as a learner would: `v` to see it, arrows and clicks to
select a unit and a weight, enter to edit it, `o` to switch a unit off, `u` to undo."""

from __future__ import annotations

import numpy as np

from gdtui.screens.help import HelpScreen
from gdtui.training.insides import unit_picture
from gdtui.widgets.model_panel import ModelPanel, RegionView
from gdtui.widgets.network_panel import NetworkPanel
from gdtui.widgets.network_view import NetworkView
from tests.conftest import screen_text, wait_for_text, wait_until
from tests.test_screen_lab import chart_text, open_lab, press_while_training, shown


def detail(lab) -> str:
    return shown(lab, "#network-detail")


async def network_shown(app, pilot, **options):
    lab = await open_lab(app, pilot, **options)
    await wait_until(pilot, lambda: lab.view is not None)
    await pilot.press("v")
    view = lab.query_one(NetworkView)
    await wait_until(pilot, lambda: view.insides is not None)
    return lab, view


async def select_h1_3(pilot, lab) -> None:
    """From the output, where the view starts: two layers left, two units down."""
    await pilot.press("left", "left", "down", "down")
    await wait_until(pilot, lambda: detail(lab).startswith("w h1.3←x1 ="))


async def test_v_puts_the_network_in_the_model_panels_place_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        text = await wait_for_text(pilot, "v Network", "? Help")
        assert "h1.1" not in text
        await pilot.press("v")
        text = await wait_for_text(pilot, "x1", "h1.1", "h2.1", "▶out", "+┼╋ positive")
        panel, model = lab.query_one(NetworkPanel), lab.query_one(ModelPanel)
        assert panel.display and not model.display
        assert lab.query_one(NetworkView).has_focus
        # the view fits the panel's width: no layer is cut off
        assert lab.query_one(NetworkView).size.width <= panel.size.width
        await pilot.press("v")  # back to the picture
        await wait_until(pilot, lambda: model.display and not panel.display)


async def test_arrows_select_a_unit_and_the_model_panel_draws_it_large(make_app, monkeypatch):
    drawn = []  # the pictures the model panel is given
    show = ModelPanel.show
    monkeypatch.setattr(ModelPanel, "show", lambda panel, picture, *rest: (
        drawn.append(picture), show(panel, picture, *rest)))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab, view = await network_shown(app, pilot)
        await select_h1_3(pilot, lab)
        assert "▶h1.3" in screen_text(app)
        await pilot.press("v")  # the picture again: now of h1.3's output
        panel = lab.query_one(ModelPanel)
        await wait_until(pilot, lambda: panel.border_title.startswith("unit h1.3 of 2-8-8-1"))
        columns, rows = panel.picture_size()
        expected = unit_picture(lab.session, 1, 2, columns, rows)
        await wait_until(pilot, lambda: np.array_equal(drawn[-1].colours, expected.colours)
                         and np.array_equal(drawn[-1].strengths, expected.strengths))
        assert lab.query_one(RegionView).display
        # the output, selected again, brings back the network's own answer
        await pilot.press("v", "right", "right")
        await pilot.press("v")
        await wait_until(pilot, lambda: panel.border_title.startswith("model 2-8-8-1"))


async def test_a_click_selects_a_unit_and_a_weight(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab, view = await network_shown(app, pilot)
        lines = [view.render_line(y).text for y in range(view.size.height)]
        row = next(y for y, line in enumerate(lines) if "h1.2" in line)
        name = lines[row].index("h1.2")
        await pilot.click(view, offset=(name, row))
        await wait_until(pilot, lambda: view.unit_index == 1 and view.layer_index == 1)
        assert "▶h1.2" in screen_text(app)
        # under the name, its weights in: from x1, from x2, then (after a space) its bias
        await pilot.click(view, offset=(name, row + 1))
        await wait_until(pilot, lambda: detail(lab).startswith("w h1.2←x2 ="))
        await pilot.click(view, offset=(name + 2, row + 1))
        await wait_until(pilot, lambda: detail(lab).startswith("b h1.2 ="))
        bias = lab.session.network.biases[0][1]
        assert f"= {bias + 0.0:+.3f}, slope" in detail(lab)
        assert "(training set)" in detail(lab)  # the slope on all of it, not a batch


async def test_a_weight_edited_is_a_marker_and_undo_takes_it_back(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab, view = await network_shown(app, pilot)
        await select_h1_3(pilot, lab)
        await pilot.press("full_stop")  # the next weight in: from x2
        await wait_until(pilot, lambda: detail(lab).startswith("w h1.3←x2 ="))
        before = lab.session.network.parameter_vector.copy()
        await pilot.press("enter")
        await wait_for_text(pilot, "w h1.3←x2 =")
        await pilot.press("0", "full_stop", "5", "enter")
        await wait_until(pilot, lambda: lab.session.network.blocks[0][1, 2] == 0.5)
        # what it cost, then (the next selection) the weight as it is now
        await wait_for_text(pilot, "w h1.3←x2 = 0.5: loss 0.6178 → ", "u undoes it")
        await pilot.press("comma", "full_stop")
        await wait_for_text(pilot, "w h1.3←x2 = +0.500, slope")
        await wait_until(pilot, lambda: "w h1.3←x2 0.5" in chart_text(lab))
        assert view.has_focus  # back to the view, the field closed
        await pilot.press("u")
        await wait_until(pilot, lambda: np.array_equal(lab.session.network.parameter_vector,
                                                       before))
        await wait_until(pilot, lambda: "w h1.3←x2 0.5" not in chart_text(lab))
        assert lab.session.history.changes == []


async def test_a_bad_weight_is_refused_and_the_old_one_kept(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab, view = await network_shown(app, pilot)
        await select_h1_3(pilot, lab)
        before = lab.session.network.parameter_vector.copy()
        old = lab.session.network.blocks[0][0, 2]
        await pilot.press("enter", "a", "b", "c", "enter")
        await wait_for_text(pilot, "a weight must be a number between -100 and 100",
                            f"(kept {old:g})")
        await pilot.press("ctrl+a", "ctrl+k", "2", "0", "0", "enter")
        await wait_for_text(pilot, f"(kept {old:g})")
        assert np.array_equal(lab.session.network.parameter_vector, before)
        assert lab.session.history.changes == []
        await pilot.press("escape")  # nothing changes; the lab's keys work again
        await wait_until(pilot, lambda: not lab.query_one("#weight-edit").has_class("shown"))


async def test_switching_a_unit_off_shows_what_it_costs_and_training_keeps_it_off(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab, view = await network_shown(app, pilot)
        with lab.training.lock.ui():
            lab.session.run(300)
        lab.pace.stale = True
        await wait_for_text(pilot, "⏸ step 300 ·")
        outputs = lab.session.network.forward(lab.session.train_features)
        await pilot.press("left", "down", "down", "o")  # h2.3
        await wait_until(pilot, lambda: lab.session.switched_off == {(2, 2)})
        assert not np.array_equal(lab.session.network.forward(lab.session.train_features),
                                  outputs)
        latest = lab.session.history.latest
        # what it cost, in the status and in the view
        await wait_for_text(pilot, f"loss {latest.train_loss:.4f}", "h2.3 off: loss ",
                            f"→ {latest.train_loss:.4f}, acc ", "u undoes it")
        assert lab.session.history.changes[-1].name == "h2.3"  # a marker on the chart
        await pilot.press("comma")  # the next selection: the unit's state
        await wait_for_text(pilot, "h2.3 is off (o: on)")
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await wait_until(pilot, lambda: lab.session.step >= 400)
        await press_while_training(app, pilot, "space", lambda: not lab.running)
        assert not lab.session.network.blocks[2][2].any()
        await pilot.press("o")
        await wait_until(pilot, lambda: lab.session.switched_off == frozenset())
        assert lab.session.network.blocks[2][2].any()


async def test_the_network_redraws_live_while_training(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab, view = await network_shown(app, pilot)
        await press_while_training(app, pilot, "f", lambda: lab.training.speed == "fast")
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await wait_until(pilot, lambda: view.insides.step >= 200)
        await press_while_training(app, pilot, "space", lambda: not lab.running)


async def test_120x40_shows_the_picture_and_the_network_together(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        lab, view = await network_shown(app, pilot)
        chart, model, panel = (lab.query_one(s) for s in ("#loss-chart", ModelPanel,
                                                          NetworkPanel))
        await wait_until(pilot, lambda: model.display and panel.display)
        regions = [chart.region, model.region, panel.region]
        assert all(not a.overlaps(b) for a in regions for b in regions if a is not b)
        assert panel.region.width >= 80 and panel.size.height >= 17
        # every unit of 2-8-8-1 in sight, no scrolling
        await wait_for_text(pilot, "h1.8", "h2.8", "▶out", "low→high")
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: not model.display and panel.display)


async def test_digits_summarise_their_64_inputs(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab, view = await network_shown(app, pilot, preset="digits")
        await wait_for_text(pilot, "64", "inputs", "←64", "out0")
        await pilot.press("down")  # out0 → out1: its weights in, from the 32 hidden units
        await wait_until(pilot, lambda: detail(lab).startswith("w out1←h1.1 ="))


async def test_help_tells_the_network_keys(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lab(app, pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = dict(app.screen.keys)
        assert keys["v"] == "Network" and keys["o"] == "Unit off/on"
        assert "network view" in app.screen.text.lower()


async def test_o_says_what_it_needs_when_no_hidden_unit_is_selected(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await pilot.press("o")  # the view is hidden
        await wait_until(pilot, lambda: any("Select a hidden unit in the network view (v "
                                            "shows it)" in n.message for n in app._notifications))
        await pilot.press("v")
        await wait_until(pilot, lambda: lab.query_one(NetworkView).insides is not None)
        app.clear_notifications()
        await pilot.press("o")  # the output is selected: it cannot be switched off
        await wait_until(pilot, lambda: any("Select a hidden unit" in n.message
                                            for n in app._notifications))
        assert lab.session.switched_off == frozenset() and lab.session.history.changes == []
