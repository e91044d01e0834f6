"""The Training Lab, driven like a learner would: keys, clicks, typed values, dialogs."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.widgets import Input, OptionList, Static

from gdtui.screens.help import HelpScreen
from gdtui.screens.lab.dialogs import LoadPreset, PickChallenge, SavePreset
from gdtui.screens.lab.screen import LabScreen
from gdtui.training.history import Evaluation, History
from gdtui.training.settings import Settings
from gdtui.widgets.lab_controls import FIELDS, LabControls
from gdtui.widgets.loss_chart import LossChart, loss_axis, round_up
from gdtui.widgets.model_panel import ModelPanel, RegionView
from tests.conftest import wait_for_text, wait_until


async def open_lab(app, pilot, **options) -> LabScreen:
    app.open_area("lab", **options)
    await pilot.pause()
    assert isinstance(app.screen, LabScreen)
    # the settings come a frame after the lab
    await wait_until(pilot, lambda: app.screen.query_one(LabControls).ready)
    return app.screen


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def chart_text(screen) -> str:
    chart = screen.query_one(LossChart)
    return "\n".join(chart.render_line(y).text for y in range(chart.size.height))


async def type_into(pilot, field: str, text: str) -> None:
    """Scroll a setting into view, click it, put `text` in it and press enter.

    (The text is set rather than typed key by key: Textual's Input does the typing, and each
    simulated key costs a wait for the app to go idle.)
    """
    widget = pilot.app.screen.query_one(f"#field-{field}", Input)
    pilot.app.screen.query_one(LabControls).scroll_to_widget(widget, animate=False)
    await pilot.pause()
    await pilot.click(widget)
    widget.value = text
    await pilot.press("enter")


async def press_while_training(app, pilot, key: str, done: Callable[[], object]) -> None:
    """Press a key without waiting for the app to go idle (pilot.press waits for the CPU to
    rest, which it does not while the worker trains flat out), then wait until `done()`."""
    app.simulate_key(key)
    await wait_until(pilot, done)


async def test_space_trains_and_the_step_count_and_loss_move(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await wait_until(pilot, lambda: lab.view is not None)
        assert "step 0 " in shown(lab, "#status")
        first_loss = lab.view.latest.train_loss
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await wait_until(pilot, lambda: lab.session.step >= 50)
        await press_while_training(app, pilot, "space", lambda: not lab.running)
        await wait_until(pilot, lambda: lab.view.step == lab.session.step)
        status = shown(lab, "#status")
        assert f"step {lab.session.step:,} " in status and "step 0 " not in status
        assert lab.view.latest.train_loss < first_loss
        assert f"loss {lab.view.latest.train_loss:.4f}" in status
        assert app.store.last_activity()[2].startswith("trained moons to ")


async def test_n_takes_one_step_and_the_buttons_click(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await pilot.press("n", "n")
        await pilot.click("#button-step")
        assert lab.session.step == 3
        await pilot.click("#button-undo")  # undo goes back one run: here one step
        assert lab.session.step == 2


async def test_changing_the_learning_rate_mid_run_marks_the_chart(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await wait_until(pilot, lambda: lab.session.step >= 20)
        await press_while_training(app, pilot, "right_square_bracket",
                                   lambda: lab.session.history.changes)
        assert lab.running  # the change needs no reset
        await wait_until(pilot, lambda: lab.session.step >= lab.session.history.changes[0].step
                         + 20)
        await press_while_training(app, pilot, "space", lambda: not lab.running)
        change = lab.session.history.changes[0]
        assert (change.name, change.old, change.new) == ("learning_rate", 0.01, 0.03)
        assert change.step >= 20
        assert lab.query_one("#field-learning_rate", Input).value == "0.03"
        await wait_until(pilot, lambda: lab.view.step == lab.session.step)
        await wait_until(pilot, lambda: "lr 0.03" in chart_text(lab))
        assert "lr 0.03" in chart_text(lab)
        assert "lr 0.03" in lab.query_one(ModelPanel).border_title


async def test_the_chart_says_how_often_the_losses_are_measured(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await wait_for_text(pilot, "loss every 10 steps: • train x val")
        await type_into(pilot, "n_points", "5000")  # on all points, so less often
        await wait_for_text(pilot, "loss every 100 steps: • train x val")
        await pilot.press("n")
        with lab.training.lock.ui():
            lab.session.run(299)
        assert [e.step for e in lab.session.history.evaluations] == [0, 100, 200, 300]


async def test_learning_rate_10_diverges_with_a_lesson_and_undo_goes_back(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot, settings=Settings(dataset="sine"))
        await pilot.press("n", "n")
        await type_into(pilot, "learning_rate", "10")
        assert lab.session.settings.learning_rate == 10
        await pilot.press("space")
        await wait_until(pilot, lambda: not lab.running and lab.session.status == "diverged")
        await wait_until(pilot, lambda: "diverged at step" in shown(lab, "#status"))
        assert "diverged at step" in shown(lab, "#status")
        hint = shown(lab, "#hint")
        assert "too large" in hint and "press u to undo" in hint
        await pilot.press("space")  # refused, with a reason
        assert not lab.running
        steps_before_run = 2
        await pilot.press("u")
        await wait_until(pilot, lambda: f"step {steps_before_run} " in shown(lab, "#status"))
        assert lab.session.step == steps_before_run and lab.session.status == "ok"
        assert f"step {steps_before_run} " in shown(lab, "#status")


async def test_reset_starts_again_from_step_zero(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        first_weights = lab.session.network.parameter_vector.copy()
        await pilot.press("n", "n", "n")
        await wait_until(pilot, lambda: "step 3 " in shown(lab, "#status"))
        await pilot.press("r")
        await wait_until(pilot, lambda: "step 0 " in shown(lab, "#status"))
        assert lab.session.step == 0 and lab.session.history.batch_loss is None
        assert (lab.session.network.parameter_vector == first_weights).all()
        assert "step 0 " in shown(lab, "#status")


async def test_bad_entries_explain_and_keep_the_last_good_value(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await type_into(pilot, "hidden_layers", "8,x")
        assert shown(lab, "#error-hidden_layers") == (
            "hidden layers: use up to 6 numbers from 1 to 64, like 8,8 (kept 8,8)")
        await type_into(pilot, "learning_rate", "abc")
        assert shown(lab, "#error-learning_rate") == (
            "learning rate must be a positive number (kept 0.01)")
        await type_into(pilot, "noise", "2")
        assert shown(lab, "#error-noise") == "noise must be a number from 0 to 1 (kept 0.1)"
        settings = lab.session.settings
        assert (settings.hidden_layers, settings.learning_rate, settings.noise) == (
            (8, 8), 0.01, 0.1)
        await pilot.press("n")  # the keys work again after enter
        assert lab.session.step == 1
        await type_into(pilot, "hidden_layers", "4")
        assert shown(lab, "#error-hidden_layers") == ""
        assert lab.session.network.layer_sizes == (2, 4, 1) and lab.session.step == 0


async def test_a_new_network_is_announced(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await pilot.click("#field-dataset")  # a list of datasets opens: moons, 4th of them
        await pilot.press("up", "up", "up", "enter")
        assert lab.session.settings.dataset == "circle"
        messages = [n.message.lower() for n in app._notifications]
        assert any("new data and a new network: the dataset changed" in m for m in messages)
        await type_into(pilot, "hidden_layers", "16,16")
        assert lab.session.network.layer_sizes == (2, 16, 16, 1)
        messages = [n.message.lower() for n in app._notifications]
        assert any("new network: the hidden layers changed" in m for m in messages)


async def test_a_preset_is_saved_and_loaded_by_name(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await type_into(pilot, "hidden_layers", "4")
        await pilot.press("s")
        assert isinstance(app.screen, SavePreset)
        await pilot.press("home", "ctrl+k", *"tiny", "enter")
        await pilot.pause()
        assert app.store.presets()["tiny"]["hidden_layers"] == [4]
        await type_into(pilot, "hidden_layers", "8,8")
        await pilot.press("p")
        assert isinstance(app.screen, LoadPreset)
        options = app.screen.query_one(OptionList)
        options.highlighted = app.screen.names.index("tiny")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is lab
        assert lab.session.settings.hidden_layers == (4,)
        assert lab.query_one("#field-hidden_layers", Input).value == "4"


async def test_a_challenge_is_judged_live_and_its_best_saved(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await pilot.press("c")
        assert isinstance(app.screen, PickChallenge)
        options = app.screen.query_one(OptionList)
        ids = [challenge.id for challenge in app.screen.challenges]
        options.highlighted = ids.index("feature-engineer") + 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Feature engineer: not yet" in shown(lab,
                                                                             "#challenge-line"))
        assert lab.goals.challenge is not None and lab.session.settings.hidden_layers == ()
        assert "Feature engineer: not yet" in shown(lab, "#challenge-line")
        await type_into(pilot, "features", "x1^2,x2^2")
        await pilot.click("#button-run")  # passes within a few hundred steps, then pauses
        await wait_until(pilot, lambda: not lab.running and "done" in shown(lab, "#challenge-line"))
        score, detail = app.store.challenge_bests()["feature-engineer"]
        assert score < 0 and "done: validation accuracy" in detail  # fewer steps is better
        assert f"your best: {-score:,.0f} steps" in shown(lab, "#challenge-line")


async def test_leaving_the_lab_pauses_and_logs_the_run(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await wait_until(pilot, lambda: lab.session.step >= 20)
        # The lab pauses when it is suspended, a moment after the screen changes.
        await press_while_training(app, pilot, "escape",
                                   lambda: app.screen is not lab and not lab.running)
        await wait_until(pilot, lambda: app.store.last_activity() is not None)
        assert app.store.last_activity()[2].startswith("trained moons to ")


async def test_while_training_the_lab_draws_frames_without_taking_the_lock(make_app,
                                                                            monkeypatch):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        lock, drawn, locked = lab.training.lock, [], []
        hold, draw = lock.ui, lab.draw
        monkeypatch.setattr(lock, "ui", lambda: locked.append(lab.running) or hold())
        monkeypatch.setattr(lab, "draw", lambda frame: drawn.append(lab.running) or draw(frame))
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await wait_until(pilot, lambda: drawn.count(True) >= 5)  # frames the worker copied
        await press_while_training(app, pilot, "space", lambda: not lab.running)
        assert True not in locked  # the lock was taken only once paused (to log the run)
        assert lab.view.step > 0


async def test_a_new_network_mid_run_pauses_first_and_logs_the_run(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await wait_until(pilot, lambda: lab.session.step >= 20)
        assert lab.apply_setting("hidden_layers", (4,))
        assert not lab.running and lab.session.step == 0
        assert lab.session.network.layer_sizes == (2, 4, 1)
        assert app.store.last_activity()[2].startswith("trained moons to ")


async def test_help_explains_the_controls_and_keys(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lab(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = dict(app.screen.keys)
        for key, what in [("space", "Run"), ("n", "Step"), ("u", "Undo"), ("r", "Reset"),
                          ("[", "Rate-"), ("]", "Rate+"), ("l", "Log scale")]:
            assert keys[key] == what
        for control in FIELDS.values():
            assert f"**{control.label}**" in app.screen.text


async def test_the_lab_fits_80x24_and_spreads_out_at_160x50(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        await wait_until(pilot, lambda: lab.view is not None)
        controls = lab.query_one(LabControls)
        first, last = (lab.query_one(f"#field-{name}") for name in ("dataset", "speed"))
        assert controls.region.contains_region(first.region)
        controls.scroll_to_widget(last, animate=False)  # the rest is a scroll away
        await pilot.pause()
        assert controls.region.contains_region(last.region)
        assert lab.has_class("-narrow")
        chart, regions = lab.query_one(LossChart), lab.query_one(RegionView)
        assert chart.size.height >= 6 and regions.size.height >= 4
        await pilot.resize_terminal(160, 50)
        await wait_until(pilot, lambda: lab.has_class("-wide") and chart.size.height >= 30)
        assert lab.has_class("-wide")
        assert chart.region.y == regions.region.y - 0 or chart.region.x < regions.region.x
        assert chart.size.height >= 30 and regions.size.width >= 50
        assert "step 0 " in shown(lab, "#status")


# --- a slow link: fewer bytes to the terminal ------------------------------------------------


class FakeClock:
    """Stands in for the `time` module of the Lab: the test moves the clock by hand."""

    def __init__(self) -> None:
        self.now = time.perf_counter() + 1000.0  # later than any redraw the Lab planned

    def perf_counter(self) -> float:
        return self.now

    def thread_time(self) -> float:
        return 0.0  # drawing takes no time: only the pace set by the Lab spaces the redraws


class WorkerTime:
    """Stands in for the `time` module of the training worker: real, except that copying out a
    frame takes no CPU time, so only the Lab's pace (and what a test adds) spaces redraws."""

    perf_counter = staticmethod(time.perf_counter)
    sleep = staticmethod(time.sleep)

    @staticmethod
    def thread_time() -> float:
        return 0.0


async def redraws_while_training(app, pilot, monkeypatch, seconds: float) -> tuple[int, int]:
    """(chart redraws, model pictures) while training for `seconds` of a fake clock whose timer
    ticks every 0.1 s; after each tick the worker answers with a frame and the Lab draws it."""
    lab = await open_lab(app, pilot)
    clock = FakeClock()
    monkeypatch.setattr("gdtui.screens.lab.screen.time", clock)
    monkeypatch.setattr("gdtui.screens.lab.panes.time", clock)
    monkeypatch.setattr("gdtui.training.worker.time", WorkerTime)
    charts, pictures = [], []
    chart, panel = lab.query_one(LossChart), lab.query_one(ModelPanel)
    monkeypatch.setattr(chart, "show", lambda *data: charts.append(clock.now))
    monkeypatch.setattr(panel, "show", lambda *picture: pictures.append(clock.now))
    await press_while_training(app, pilot, "space", lambda: lab.running)
    await wait_until(pilot, lambda: not lab.training.frames.busy)  # any frame asked is drawn
    charts.clear()
    pictures.clear()
    start = clock.now + 10.0  # past any redraw planned while the key was pressed
    for tick in range(round(seconds / 0.1)):
        clock.now = start + tick * 0.1
        lab._tick()
        await wait_until(pilot, lambda: not lab.training.frames.busy)
    assert lab.running
    counts = len(charts), len(pictures)
    await press_while_training(app, pilot, "space", lambda: not lab.running)
    return counts


async def test_while_training_the_chart_redraws_ten_times_a_second_the_model_once(
        make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert await redraws_while_training(app, pilot, monkeypatch, 4.0) == (40, 4)


async def test_fps_2_redraws_the_lab_at_most_twice_a_second(make_app, monkeypatch):
    app = make_app(fps=2)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await redraws_while_training(app, pilot, monkeypatch, 4.0) == (8, 2)
        assert app.screen.redraw_seconds == 0.5


async def test_the_workers_time_on_a_frame_counts_in_the_drawing_budget(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        clock = FakeClock()
        monkeypatch.setattr("gdtui.screens.lab.screen.time", clock)
        monkeypatch.setattr("gdtui.screens.lab.panes.time", clock)
        monkeypatch.setattr("gdtui.training.worker.time", WorkerTime)
        frames = lab.training.frames
        asked, ask = [], frames.ask
        monkeypatch.setattr(frames, "ask", lambda request: asked.append(clock.now) or ask(request))
        await press_while_training(app, pilot, "space", lambda: lab.running)
        await wait_until(pilot, lambda: not frames.busy)
        asked.clear()
        start = clock.now + 10.0
        for tick in range(20):
            clock.now = start + tick * 0.1
            if tick == 1:
                frames.spent += 0.05  # as if copying out the first frame took the worker 50 ms
            lab._tick()
            await wait_until(pilot, lambda: not frames.busy)
        await press_while_training(app, pilot, "space", lambda: not lab.running)
        # 12 times 50 ms must pass before the next frame is asked for
        assert asked[:2] == [start, start + 0.1] and asked[2] - asked[1] >= 0.6 - 1e-9


async def test_the_chart_repaints_only_the_lines_that_changed(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot)
        with lab.training.lock.ui():
            lab.session.run(1200)
        lab.redraw()
        await pilot.pause()
        chart = lab.query_one(LossChart)
        before = chart_text(lab)
        painted: list[tuple] = []
        monkeypatch.setattr(chart, "refresh", lambda *regions, **_: painted.append(regions))
        lab.redraw()  # nothing new: nothing to send
        assert painted == []
        with lab.training.lock.ui():
            lab.session.run(100)  # ten more losses, a few columns to the right
        lab.redraw()
        lines = {y for regions in painted for region in regions
                 for y in range(region.y, region.bottom)}
        assert all(painted) and 0 < len(lines) < chart.size.height / 2
        after = chart_text(lab).splitlines()
        assert [y for y, line in enumerate(before.splitlines()) if line != after[y]] == sorted(
            lines)


def test_chart_axes_end_at_round_numbers_so_they_rarely_move():
    assert [round_up(value) for value in (10, 11, 1001, 49_330, 0.7)] == [10, 15, 1500, 50_000,
                                                                          0.8]
    # log scale: whole decades, labelled at multiples of a step of decades
    assert loss_axis(-6.5, -0.2, True, 3) == (-7, 0, [-4.0, 0.0], ["1e-4", "1"])
    assert loss_axis(-2.5, -0.2, True, 4) == (-3, 0, [-3.0, -2.0, -1.0, 0.0],
                                              ["0.001", "0.01", "0.1", "1"])
    assert loss_axis(0.02, 0.69, False, 3) == (0.0, 0.8, [0.0, 0.4, 0.8], ["0", "0.4", "0.8"])


def test_the_chart_keeps_the_same_points_as_the_losses_grow():
    evaluations = [Evaluation(10 * k, 1 / (k + 1), 1 / (k + 1), None, None) for k in range(999)]
    chart = LossChart()  # not on screen: thins to 20 points
    shown = [chart.thin(evaluations[:n]).steps for n in range(330, 640)]
    assert all(len(steps) <= 21 for steps in shown)
    assert all(steps[-1] == 10 * (n - 1) for n, steps in zip(range(330, 640), shown, strict=True))
    # between doublings of the spacing, the earlier points stay; only the latest one moves
    for earlier, later in zip(shown, shown[1:], strict=False):
        if later[1] == earlier[1]:
            assert set(earlier[:-1]) <= set(later)


def test_the_chart_keeps_the_turn_up_and_the_latest_of_a_long_run():
    history = History()
    for number in range(50_001):  # validation loss lowest at step 123,450, then rising
        step = 10 * number
        history.add(Evaluation(step, 1 / (1 + step), abs(step - 123_450) / 1e6 + 0.1, None,
                               None))
    series = LossChart().thin(history.evaluations, history.best)  # not on screen: 20 points
    assert len(series.steps) <= 22
    assert 123_450 in series.steps and series.steps[-1] == 500_000
    assert min(series.validation) == 0.1


async def test_holding_a_bracket_past_the_ladder_end_leaves_one_toast(make_app):
    # (reliability review 6.6: each press past the end queued a toast of its own, and 300
    # presses froze the lab for 13.8 s)
    from textual.widgets._toast import Toast

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        lab = await open_lab(app, pilot)
        await pilot.press(*["right_square_bracket"] * 12)  # up the whole ladder, and one more
        assert lab.session.settings.learning_rate == 10
        for _ in range(300):  # a key held down: the presses come faster than they are handled
            app.simulate_key("right_square_bracket")
        await pilot.press("l")  # the next key acts
        assert not lab.query_one(LossChart).log_scale
        ends = [n for n in app._notifications if "ladder ends at 10" in n.message]
        assert len(ends) == 1
        toasts = [str(toast.render()) for toast in lab.query(Toast)]
        assert sum("ladder ends at 10" in text for text in toasts) == 1
        await pilot.press(*["left_square_bracket"] * 12)
        assert lab.session.settings.learning_rate == 0.00001
        assert len([n for n in app._notifications if "ladder ends at 1e-05" in n.message]) == 1
