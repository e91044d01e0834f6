"""The Training Lab's shape, as a learner meets it: nothing lost when they leave and come back
(or restart gdtui), a footer that shows the keys at 80x24, a focus they can follow, room used
at 120x40, and a lab that opens at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import Button, Input, Select

from gdtui.screens.help import HelpScreen
from gdtui.screens.lab.dialogs import LoadPreset
from gdtui.screens.lab.screen import LabScreen
from gdtui.training.remembered import STORE_KEY, recall, remember
from gdtui.training.session import TrainingSession
from gdtui.training.settings import Settings
from gdtui.training.worker import SPEEDS
from gdtui.widgets.footer import KeysFooter
from gdtui.widgets.lab_controls import LabControls
from gdtui.widgets.loss_chart import LossChart
from gdtui.widgets.model_panel import ModelPanel
from tests.conftest import screen_text, wait_until
from tests.test_screen_lab import chart_text, press_while_training, shown, type_into


async def kept_lab(app, pilot, **options) -> LabScreen:
    """The lab as the app keeps it for the session: installed, so leaving it (escape, home, a
    link) hides it and showing it again finds the very same screen."""
    lab = LabScreen(**options)
    app.install_screen(lab, "kept-lab")
    app.push_screen(lab)
    await wait_until(pilot, lambda: settings_shown(lab))
    return lab


def settings_shown(lab: LabScreen) -> bool:
    """The lab is on screen with its settings (built just after its first frame)."""
    return lab.is_current and any(controls.ready for controls in lab.query(LabControls))


def notices(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def told(pilot, *words: str) -> None:
    """Wait until a notice says all of `words` (a notice is posted, so it comes a moment later)."""
    await wait_until(pilot, lambda: any(all(w in n for w in words) for n in notices(pilot.app)))


# -- 1. nothing lost -------------------------------------------------------------------------


async def test_leaving_the_lab_pauses_the_run_and_coming_back_finds_it_going_on(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await type_into(pilot, "hidden_layers", "4")
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await wait_until(pilot, lambda: lab.session.step >= 50)
        await press_while_training(app, pilot, "escape", lambda: app.screen is not lab)
        assert not lab.running  # nobody watches it: it waits
        left_at = lab.session.step
        assert app.store.last_activity()[2].startswith("trained moons to ")
        app.push_screen(lab)  # back again, as the app shows a kept area
        await wait_until(pilot, lambda: lab.running and lab.session.step > left_at)
        await told(pilot, f"Training goes on from step {left_at:,}")
        assert lab.session.settings.hidden_layers == (4,)
        assert lab.query_one("#field-hidden_layers", Input).value == "4"
        await press_while_training(app, pilot, "space", lambda: not lab.running)
        await wait_until(pilot, lambda: lab.view.step == lab.session.step)
        assert len(lab.view.losses.steps) > 2  # the chart still has the whole run


async def test_help_over_the_lab_pauses_the_run_and_closing_it_goes_on_quietly(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await press_while_training(app, pilot, "question_mark",
                                   lambda: isinstance(app.screen, HelpScreen))
        assert not lab.running
        await press_while_training(app, pilot, "escape", lambda: app.screen is lab)
        await wait_until(pilot, lambda: lab.running)
        await press_while_training(app, pilot, "space", lambda: not lab.running)
        await pilot.pause()
        assert not any("Training goes on" in n for n in notices(app))


async def test_a_run_paused_by_the_learner_stays_paused_when_they_come_back(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await pilot.press("n", "n")
        await pilot.press("escape")
        app.push_screen(lab)
        await wait_until(pilot, lambda: app.screen is lab)
        await pilot.pause()
        assert not lab.running and lab.session.step == 2


async def test_a_preset_loaded_over_a_paused_run_waits_for_space(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await press_while_training(app, pilot, "p", lambda: isinstance(app.screen, LoadPreset))
        app.screen.dismiss("spiral")
        await wait_until(pilot, lambda: app.screen is lab and lab.session.settings.dataset
                         == "spiral")
        await pilot.pause()
        assert not lab.running and lab.session.step == 0


async def test_a_lesson_link_brings_its_preset_and_undo_brings_the_learners_network_back(
        make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await pilot.press("n", "n", "n")
        await pilot.press("escape")  # off to read a lesson; its link opens the lab again
        app.push_screen(lab)
        lab.reopen(preset="spiral")
        await wait_until(pilot, lambda: lab.session.settings.dataset == "spiral")
        assert lab.session.step == 0
        assert lab.query_one("#field-dataset", Select).value == "spiral"
        await told(pilot, "the preset 'spiral'", "u to go back to the network at step 3")
        await pilot.press("u")
        assert lab.session.settings.dataset == "moons" and lab.session.step == 3
        assert lab.query_one("#field-dataset", Select).value == "moons"
        await told(pilot, "back to the network you had, moons at step 3")
        await pilot.press("u")  # and on: the first step's own undo point
        assert lab.session.step == 2


async def test_a_link_to_the_settings_the_lab_has_keeps_the_run(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await pilot.press("n", "n")
        lab.reopen(settings=Settings())
        assert lab.session.step == 2
        await told(pilot, "your run is kept")


async def test_an_unknown_preset_in_a_link_is_told_and_changes_nothing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await pilot.press("n")
        lab.reopen(preset="no such thing")
        assert lab.session.step == 1
        await told(pilot, "The preset 'no such thing' cannot be used")


async def test_reset_and_a_new_network_can_be_undone(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await pilot.press("n", "n", "r")
        assert lab.session.step == 0
        await type_into(pilot, "hidden_layers", "3")
        await pilot.press("u")  # the network before "3": the reset one, at step 0
        assert lab.session.network.layer_sizes == (2, 8, 8, 1) and lab.session.step == 0
        assert lab.query_one("#field-hidden_layers", Input).value == "8,8"
        await pilot.press("u")  # the one before the reset, at step 2
        assert lab.session.step == 2
        await pilot.press("u", "u", "u")
        assert lab.session.step == 0
        await told(pilot, "Nothing to undo.")


async def test_the_lab_starts_where_it_was_left_after_a_restart(make_app, tmp_path: Path):
    data = tmp_path / "one data dir"
    first = make_app(data_dir=data)
    async with first.run_test(size=(80, 24)) as pilot:
        first.open_area("lab")
        lab = first.screen
        await wait_until(pilot, lambda: settings_shown(lab))
        await type_into(pilot, "hidden_layers", "4,4")
        await pilot.press("right_square_bracket", "f")
        speed = lab.training.speed
        await pilot.press("q")
    second = make_app(data_dir=data)
    async with second.run_test(size=(80, 24)) as pilot:
        second.open_area("lab")
        lab = second.screen
        await wait_until(pilot, lambda: settings_shown(lab))
        settings = lab.session.settings
        assert (settings.hidden_layers, settings.learning_rate) == ((4, 4), 0.03)
        assert lab.training.speed == speed != next(iter(SPEEDS))
        assert lab.query_one("#field-hidden_layers", Input).value == "4,4"
        assert lab.query_one("#field-learning_rate", Input).value == "0.03"
        assert lab.query_one("#field-speed", Select).value == speed
        assert lab.session.step == 0  # the settings come back, not the run


@pytest.mark.parametrize("saved, says", [
    ({"settings": {"hidden_layers": "lots"}}, "hidden layers: use up to 6"),
    ({"settings": {"colour": "blue"}}, "unknown setting 'colour'"),
    (["not", "a", "dict"], "not in a form this gdtui reads"),
    ({"settings": {"data_file": "/no/such/file.csv"}}, "the default settings"),
])
async def test_damaged_saved_settings_give_the_defaults_and_say_why(make_app, saved, says):
    app = make_app()
    app.store.set_setting(STORE_KEY, saved)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("lab")
        lab = app.screen
        await wait_until(pilot, lambda: settings_shown(lab))
        assert lab.session.settings == Settings()
        await told(pilot, "The lab's last settings could not all be used", says)


def test_remembered_settings_come_back_as_they_were():
    settings = Settings(dataset="spiral", hidden_layers=(16, 16), learning_rate=0.3,
                        features=("x1", "x2", "x1^2"))
    speed = list(SPEEDS)[-1]
    recalled = recall(remember(settings, speed), SPEEDS)
    assert (recalled.settings, recalled.speed, recalled.problem) == (settings, speed, None)
    assert recall(None, SPEEDS).settings == Settings() and recall(None, SPEEDS).problem is None


@pytest.mark.parametrize("saved", [
    "moons", 3, [], {}, {"settings": None}, {"settings": {"n_points": "500"}},
    {"settings": {"learning_rate": True}}, {"settings": {"features": [["x1"]]}},
    {"settings": {"seed": -1}}, {"settings": {"loss": "cross_entropy", "dataset": "sine"}},
])
def test_remembered_settings_that_cannot_be_used_give_the_defaults(saved):
    recalled = recall(saved, SPEEDS)
    assert recalled.settings == Settings() and recalled.problem


def test_a_remembered_speed_the_lab_no_longer_has_falls_back_and_says_so():
    recalled = recall(remember(Settings(noise=0.2), "warp"), SPEEDS)
    assert recalled.settings == Settings(noise=0.2) and recalled.speed is None
    assert "'warp'" in recalled.problem


async def test_escape_in_a_field_leaves_the_field_and_then_the_lab(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await pilot.press("e")
        assert isinstance(lab.focused, Select)
        await pilot.press("tab")
        assert isinstance(lab.focused, Input)
        await pilot.press("escape")
        assert app.screen is lab and isinstance(lab.focused, LossChart)
        await pilot.press("e", "enter", "down", "enter")  # a dataset picked from the list
        assert lab.session.settings.dataset != "moons"
        await pilot.press("escape")  # enter already gave the keys back: this one leaves
        assert app.screen is not lab


# -- 2. the footer at 80x24 ------------------------------------------------------------------


def footer_line(app) -> str:
    return screen_text(app).splitlines()[-1]


def footer_fits(app) -> bool:
    """The footer's keys are drawn whole within the width (none cut off at the edge)."""
    footer = app.screen.query_one(KeysFooter)
    return len(footer.render().plain.rstrip()) <= footer.size.width == app.size.width


async def test_the_footer_shows_the_labs_keys_whole_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await wait_until(pilot, lambda: "? Help" in footer_line(app))
        line = footer_line(app)
        for key in ("space Run", "f Speed", "e Settings", "c Challenge", "[ Rate-", "] Rate+",
                    "? Help"):
            assert key in line
        assert footer_fits(app)
        await pilot.press("e")  # a list of choices has the focus
        await wait_until(pilot, lambda: "esc Done" in footer_line(app))
        assert "? Help" in footer_line(app) and footer_fits(app)
        await pilot.press("tab")  # a text field: the letters are typed, escape is the way out
        await wait_until(pilot, lambda: "? Help" not in footer_line(app))
        assert "esc Done" in footer_line(app) and footer_fits(app)
        assert isinstance(lab.focused, Input)


async def test_the_footers_keys_do_what_they_say(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        speed = lab.training.speed
        await pilot.press("f")
        assert lab.training.speed != speed
        await pilot.press("e")
        assert lab.focused is lab.query_one("#field-dataset")
        await pilot.press("escape", "c")
        assert type(app.screen).__name__ == "PickChallenge"


# -- 3. a focus the learner can follow -------------------------------------------------------

TAB_ORDER = ["button-run", "button-step", "button-undo", "button-reset", "button-save_preset",
             "button-load_preset", "button-challenge", "field-dataset", "field-n_points",
             "field-noise", "field-validation_share", "field-features", "field-hidden_layers",
             "field-activation", "field-loss", "field-optimizer", "field-learning_rate",
             "field-batch_size", "field-regularization", "field-regularization_rate",
             "field-speed", "loss-chart"]


async def test_tab_goes_down_the_settings_panel_as_it_reads_then_to_the_chart(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        assert lab.focused is lab.query_one(LossChart)
        order = []
        for _ in TAB_ORDER:
            await pilot.press("tab")
            order.append(lab.focused.id)
        assert order == TAB_ORDER
        # the panel reads top to bottom, each row left to right
        widgets = [lab.query_one(f"#{name}") for name in TAB_ORDER[:-1]]
        rows = [(w.region.y, w.region.x) for w in widgets]
        assert rows == sorted(rows)


async def test_the_settings_panel_scrolls_the_focused_setting_into_view(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        controls = lab.query_one(LabControls)
        for field in ("n_points", "noise", "validation_share", "features"):
            await type_into(pilot, field, "nonsense")  # a message under each: a long panel
        assert controls.max_scroll_y > 0
        await pilot.press("escape", "e")  # out of the last field typed in, then to the first
        for _ in range(len(TAB_ORDER) - 9):  # down to the speed, at the bottom
            await pilot.press("tab")
        speed = lab.query_one("#field-speed")
        assert lab.focused is speed
        await wait_until(pilot, lambda: controls.region.contains_region(speed.region))
        for _ in range(len(TAB_ORDER) - 2):  # and back up to the run button
            await pilot.press("shift+tab")
        run = lab.query_one("#button-run", Button)
        assert lab.focused is run
        await wait_until(pilot, lambda: controls.region.contains_region(run.region))


async def test_the_charts_focus_shows_without_colour(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        chart = lab.query_one(LossChart)
        assert app.no_color and chart.has_focus
        focused = chart.styles.border_top[0]
        await pilot.press("e")
        assert chart.styles.border_top[0] != focused  # another line, not just a colour


# -- 4. the room at 120x40 -------------------------------------------------------------------


async def test_at_120x40_the_chart_fills_its_side_and_shows_both_losses(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        lab = await kept_lab(app, pilot)
        with lab.training.lock.ui():
            lab.session.run(3000)  # long enough for validation to part from training
        lab.pace.stale = True
        await wait_until(pilot, lambda: lab.view is not None and lab.view.step == 3000)
        chart, model = lab.query_one(LossChart), lab.query_one(ModelPanel)
        body = lab.query_one("#lab-main")
        assert chart.region.bottom >= body.region.bottom - 2  # no empty rows under it
        assert chart.size.height >= 30 and model.size.width >= 40
        text = chart_text(lab)
        plotted = "\n".join(line[6:] for line in text.splitlines())  # right of the axis
        assert "•" in plotted and "x" in plotted
        title = chart.border_title  # the key, whole
        assert "• train x val * both" in title and len(title) <= chart.outer_size.width - 2
        assert "step 3,000" in shown(lab, "#status")


async def test_where_the_two_losses_meet_one_mark_shows_both(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await pilot.press("n")
        await wait_until(pilot, lambda: lab.view.step == 1)
        # at step 0 the two losses differ by a hair: one mark, not a train mark hiding the other
        first_column = [line[4] for line in chart_text(lab).splitlines()[1:-2]]
        assert "*" in first_column and "•" not in first_column and "x" not in first_column


# -- 5. opening at once ----------------------------------------------------------------------


async def test_keys_typed_as_the_lab_opens_act_on_the_lab(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key in ("4", "n", "n", "e"):  # as an impatient learner types them
            app.simulate_key(key)
        await wait_until(pilot, lambda: isinstance(app.screen, LabScreen))
        lab = app.screen
        await wait_until(pilot, lambda: lab.session.step == 2)
        await wait_until(pilot, lambda: lab.focused is not None
                         and lab.focused.id == "field-dataset")


async def test_the_lab_shows_its_figures_before_its_settings_are_built(make_app, monkeypatch):
    app = make_app()
    seen = []
    add = LabControls._add_settings

    async def add_settings(controls):
        seen.append(shown(controls.screen, "#status"))
        await add(controls)

    monkeypatch.setattr(LabControls, "_add_settings", add_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("lab")
        await wait_until(pilot, lambda: seen)
        assert re.search(r"step 0 .*\n.*acc \d+\.\d%", seen[0])


@pytest.mark.parametrize("leave", ["escape", "q"])
async def test_leaving_the_lab_while_its_settings_are_built_is_clean(make_app, monkeypatch,
                                                                     leave):
    app = make_app()

    async def add_while_the_learner_leaves(controls):
        mounting = controls.mount_all(controls._setting_rows())
        # the learner's escape (or q) comes while the settings are being mounted
        app.call_later(controls.screen.action_leave if leave == "escape" else app.action_quit)
        await mounting
        controls.ready = True

    monkeypatch.setattr(LabControls, "_add_settings", add_while_the_learner_leaves)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("lab")
        await wait_until(pilot, lambda: not isinstance(app.screen, LabScreen)
                         if leave == "escape" else app.return_code == 0)
    assert app._exception is None



async def test_the_network_undo_brings_back_after_a_preset_trains_as_it_did(make_app):
    # A network kept for undo is a deep copy; its layers must still be views of the vector
    # the optimizer updates, or the network that comes back never learns again.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await kept_lab(app, pilot)
        await pilot.press("n", "n", "n")
        twin = TrainingSession(lab.session.settings)
        twin.run(3)
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, LoadPreset))
        app.screen.dismiss("spiral")
        await wait_until(pilot, lambda: lab.session.settings.dataset == "spiral")
        await pilot.press("u")
        await wait_until(pilot, lambda: lab.session.settings.dataset == "moons")
        for _ in range(20):
            await pilot.press("n")
        await wait_until(pilot, lambda: lab.session.step == 23)
        twin.run(20)
        assert lab.session.history.latest.train_loss == twin.history.latest.train_loss
        assert lab.session.history.latest.train_loss < lab.session.history.first.train_loss
