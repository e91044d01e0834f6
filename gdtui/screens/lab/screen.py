"""The Training Lab: train a real network live, change its settings mid-run, see what happens.

The screen arranges the panes and forwards keys, clicks and typed values. A `TrainingRun`
(run.py) trains the session in a thread worker and makes every change to it; `Goals`
(goals.py) holds the presets and the challenge. A timer redraws at most ten times a second
(fewer with `gdtui --fps`), and only when there is something new; while training, the model
picture is redrawn less often than the chart.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Select
from textual.worker import Worker, WorkerState

from gdtui.screens.lab.goals import Goals
from gdtui.screens.lab.run import TrainingRun, TrainingStopped
from gdtui.training.picture import model_picture
from gdtui.training.session import TrainingSession
from gdtui.training.settings import (
    Settings,
    learning_rate_down,
    learning_rate_up,
    settings_from_dict,
)
from gdtui.training.view import Snapshot, network_text, snapshot
from gdtui.training.worker import SPEEDS
from gdtui.widgets.lab_controls import ButtonAction, LabControls, SettingEntered
from gdtui.widgets.lab_status import LabStatus
from gdtui.widgets.loss_chart import LossChart
from gdtui.widgets.model_panel import ModelPanel

REDRAW_SECONDS = 0.1  # at most ten redraws a second
# While training, the model picture is redrawn at most once a second, and at most a quarter as
# often as the chart: it changes slowly and costs the most bytes over a slow link.
PICTURE_SECONDS = 1.0
PICTURE_SHARE = 4
# While training, the UI thread spends at most about 1/REDRAW_BUDGET of the time drawing, so
# the worker thread (which shares Python's one interpreter lock with it) keeps the rest.
REDRAW_BUDGET = 12


class LabScreen(Screen[None]):
    """Train a network on toy data with every knob in reach."""

    HELP_TITLE = "Training lab"
    HELP = """
Train a real neural network on a toy dataset and watch it learn. The chart shows the
**training loss** (• cyan) and the **validation loss** (x orange, points the network never
trains on) against the step; the panel below or beside it shows the **model**: for two inputs
the decision regions (- where the network answers class 0, + where it answers 1, also told by
colour, stronger where it is surer) with the data on top (● ▲ ■ training points, ○ △ □
validation points); for the sine wave the fitted curve over the points.

Press `space` to train and again to pause; `n` takes one step; `u` undoes the last run (or step);
`r` starts again with the same first weights. `[` and `]` move the learning rate a rung down or
up the ladder 0.00001 … 10 *while it trains*: a magenta line on the chart marks each change, so
you see its effect. At learning rate 10 the loss may blow up: the status says "diverged" and
training stops; press `u` to undo, then try a smaller rate.

The buttons at the top left do the same with the mouse.

**The settings** (left; click or press `e`, then `tab` between them; `enter` takes a value,
`escape` goes back to the keys). A value that is not allowed gets a message under it and the last
good value stays.

- *Data*: **dataset** (circle, xor, gaussians, moons, spiral, spiral3; sine and plane are
  numbers to fit), **points**, **noise** (0 to 1), **validation** (the share kept aside to check
  on), **features** (inputs such as `x1,x2,x1^2,x2^2,x1*x2,sin x1`).
- *Network*: **hidden** layers (`8,8` is two layers of 8 units; up to 6 layers of 1 to 16; `none`
  for none), **activation** and **loss** (auto picks cross-entropy for classes, mse for numbers).
- *Training*: **optimizer** (sgd, momentum, adam), **learn rate**, **batch** size,
  **regularize** (none, l1, l2) and its **reg. rate**, and **speed** (fast, medium, slow; `f`).

Learning rate, optimizer, batch size and regularisation change mid-run and keep the network. Data,
features, hidden layers, activation and loss need a **new network**: training pauses and the
history starts again.

The hint line says what the trainer notices, like *overfitting* (validation loss rising while
the training loss falls) or a learning rate too small or too large.

**Presets**: `s` saves the settings under a name, `p` loads one (built in or yours).
**Challenges** (`c`): a goal and a score, such as 95% validation accuracy on the spiral in under
3000 steps. The lab judges the run live and keeps your best result. `l` switches the chart
between a log and a linear scale.
"""
    CSS_PATH = "../../styles/lab.tcss"
    AUTO_FOCUS = "#loss-chart"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("space", "run", "Run", id="lab.run"),
        Binding("n", "step", "Step", id="lab.step"),
        Binding("u", "undo", "Undo", id="lab.undo"),
        Binding("r", "reset", "Reset", id="lab.reset"),
        Binding("left_square_bracket", "learning_rate(-1)", "Rate-", key_display="[",
                id="lab.rate_down"),
        Binding("right_square_bracket", "learning_rate(1)", "Rate+", key_display="]",
                id="lab.rate_up"),
        Binding("l", "log_scale", "Log scale", show=False, id="lab.log"),
        Binding("c", "challenge", "Challenges", show=False, id="lab.challenge"),
        Binding("s", "save_preset", "Save preset", show=False, id="lab.save"),
        Binding("p", "load_preset", "Load preset", show=False, id="lab.load"),
        Binding("f", "speed", "Speed", show=False, id="lab.speed"),
        Binding("e", "edit", "Edit settings", show=False, id="lab.edit"),
        Binding("escape", "leave", "Back", show=False),
    ]

    def __init__(self, settings: Settings | None = None) -> None:
        super().__init__()
        self.training = TrainingRun(self, TrainingSession(settings or Settings()),
                                    self._running_changed)
        self.goals = Goals(self, self.load_settings, self.training.pause)
        self.view: Snapshot | None = None
        self.steps_per_second: float | None = None
        self.training.new_data.set()
        self._next_redraw = 0.0
        self._next_picture = 0.0
        self._picture_size: tuple[int, int] | None = None
        self._ui_time = time.thread_time()
        self._rate_mark: tuple[float, int] | None = None

    @property
    def session(self) -> TrainingSession:
        """The session this lab trains."""
        return self.training.session

    @property
    def running(self) -> bool:
        """True while the worker trains."""
        return self.training.running

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lab-body"):
            yield LabControls(self.session.settings, self.training.speed, id="controls")
            with Vertical(id="lab-main"):
                yield LabStatus(id="lab-status")
                with Container(id="panels"):
                    yield LossChart(id="loss-chart")
                    yield ModelPanel(id="model-panel")
        yield Footer(compact=True)

    @property
    def redraw_seconds(self) -> float:
        """The least time between two redraws: REDRAW_SECONDS, or longer with `--fps`."""
        return self.app.frame_seconds(REDRAW_SECONDS)

    def on_mount(self) -> None:
        self._title_chart()
        self.set_interval(self.redraw_seconds, self._tick)

    # -- drawing ------------------------------------------------------------------------------

    def _tick(self) -> None:
        now = time.perf_counter()
        new_data = self.training.new_data
        if not new_data.is_set() or (self.running and now < self._next_redraw):
            return
        new_data.clear()
        # The UI thread's own time since the last redraw (mostly spent drawing that one) sets
        # how soon the next may come: the worker keeps most of the interpreter.
        cpu = time.thread_time()
        budget = min(REDRAW_BUDGET * (cpu - self._ui_time), 1.0)
        # (a little under the timer's interval, so a tick that comes early is not skipped)
        self._next_redraw = now + max(budget, 0.9 * self.redraw_seconds)
        self._ui_time = cpu
        self.redraw()

    def _stale(self) -> None:
        """Something changed: redraw at the next tick, even while paused."""
        self.training.new_data.set()

    def on_resize(self) -> None:
        self._stale()  # a picture of the new size is due, even while paused

    def redraw(self) -> None:
        """Take a snapshot of the session and show it."""
        chart, panel = self.query_one(LossChart), self.query_one(ModelPanel)
        size, now = panel.picture_size(), time.perf_counter()
        new_picture = not self.running or now >= self._next_picture or (
            size != self._picture_size)
        session = self.session
        with self.training.lock.ui():
            # the chart thins the losses its own way, so its points stay put between redraws
            view = replace(snapshot(session, 2, self.goals.challenge),
                           losses=chart.thin(session.history.evaluations))
            picture = model_picture(session, *size) if new_picture else None
        self.view = view
        self._measure_speed(view.step)
        chart.show(view.losses, view.changes)
        if new_picture:
            panel.show(picture, view.is_classification)
            self._picture_size = size
            self._next_picture = now + max(PICTURE_SECONDS, PICTURE_SHARE * self.redraw_seconds)
        title = f"model {network_text(view.layer_sizes, view.settings)}"
        if panel.border_title != title:
            panel.border_title = title
        self.query_one(LabStatus).show(view, self.running, self.steps_per_second)
        self.goals.judge(view)

    def _measure_speed(self, step: int) -> None:
        now = time.perf_counter()
        if not self.running:
            self.steps_per_second, self._rate_mark = None, None
        elif self._rate_mark is None:
            self._rate_mark = (now, step)
        elif now - self._rate_mark[0] >= 1.0:
            then, then_step = self._rate_mark
            self.steps_per_second = (step - then_step) / (now - then)
            self._rate_mark = (now, step)

    def _title_chart(self) -> None:
        chart = self.query_one(LossChart)
        scale = "log scale" if chart.log_scale else "linear scale"
        chart.border_title = f"loss: • train  x validation  | change · {scale}"

    # -- the run ------------------------------------------------------------------------------

    def _running_changed(self, running: bool) -> None:
        self.query_one(LabControls).set_running(running)
        self._stale()

    def pause(self) -> None:
        """Pause training (and log the run)."""
        self.training.pause()

    def on_training_stopped(self, event: TrainingStopped) -> None:
        self.training.stopped(event, self.goals.challenge)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "train" and event.state == WorkerState.ERROR:
            self.training.failed(event.worker.error)

    def on_screen_suspend(self) -> None:
        from gdtui.screens.too_small import TooSmallScreen

        # Leaving the lab (or opening a dialog over it) pauses training; a terminal that is
        # too small for a moment (while a window is dragged) does not.
        if not isinstance(self.app.screen, TooSmallScreen):
            self.pause()

    def on_screen_resume(self) -> None:
        self._stale()

    def on_unmount(self) -> None:
        self.training.shut_down()

    # -- keys and buttons ---------------------------------------------------------------------

    @on(ButtonAction)
    async def _button(self, event: ButtonAction) -> None:
        await self.run_action(event.action)
        self.query_one(LossChart).focus()

    def action_run(self) -> None:
        """Run or pause training."""
        if self.running:
            self.pause()
        else:
            self.training.start(self.goals.challenge)

    def action_step(self) -> None:
        """Take one training step."""
        self.training.step(self.goals.challenge)
        self._stale()

    def action_undo(self) -> None:
        """Go back to where the last run (or step) started."""
        step = self.training.undo()
        if step is None:
            self.notify("Nothing to undo.")
            return
        self.goals.forget_pass()
        self.query_one(LabControls).show_settings(self.session.settings, self.training.speed,
                                                  clear_errors=True)
        self.notify(f"Undone: back to step {step:,}.")
        self._stale()

    def action_reset(self) -> None:
        """Start again: the same settings and the same first weights."""
        self.training.reset()
        self._new_network("reset: the same first weights again, and the history starts over")

    def action_learning_rate(self, direction: int) -> None:
        """Move the learning rate one rung down or up the ladder, even while training."""
        rate = self.session.settings.learning_rate
        new = learning_rate_up(rate) if direction > 0 else learning_rate_down(rate)
        if new == rate:
            self.notify(f"The learning rate ladder ends at {rate:g}.")
        else:
            self.apply_setting("learning_rate", new)

    def action_log_scale(self) -> None:
        """Switch the loss chart between a log and a linear scale."""
        self.query_one(LossChart).toggle_log_scale()
        self._title_chart()

    def action_speed(self) -> None:
        """Fast, medium or slow."""
        speeds = list(SPEEDS)
        speed = self.training.speed
        self.apply_setting("speed", speeds[(speeds.index(speed) + 1) % len(speeds)])

    def action_edit(self) -> None:
        """Move to the settings."""
        self.query_one("#field-dataset", Select).focus()

    def action_leave(self) -> None:
        """From a setting back to the keys; otherwise back to the previous screen."""
        if isinstance(self.focused, Input | Select):
            self.query_one(LossChart).focus()
        else:
            self.app.action_back()

    def action_save_preset(self) -> None:
        """Save the current settings under a name."""
        self.goals.save_preset(self.session.settings)

    def action_load_preset(self) -> None:
        """Load a built-in or saved preset."""
        self.goals.load_preset()

    def action_challenge(self) -> None:
        """Pick a challenge, or go back to free play."""
        self.goals.pick_challenge()

    # -- settings -----------------------------------------------------------------------------

    @on(SettingEntered)
    def _setting_entered(self, event: SettingEntered) -> None:
        self.apply_setting(event.setting, event.value)
        if event.done:
            self.query_one(LossChart).focus()

    def apply_setting(self, name: str, value: Any) -> bool:
        """Hand one setting to the run (the speed) or the session, and show what happened.

        A refused value gets a message under its field and the session keeps its own.
        """
        controls = self.query_one(LabControls)
        if name == "speed":
            self.training.speed = value
        else:
            try:
                changed = self.training.change(name, value)
            except ValueError as error:  # SettingsError, DataError
                controls.set_error(name, str(error))
                controls.show_settings(self.session.settings, self.training.speed)
                return False
            if changed.rebuilt:
                self._new_network(changed.why)
        controls.set_error(name, None)
        controls.show_settings(self.session.settings, self.training.speed)
        self._stale()
        return True

    def _new_network(self, why: str) -> None:
        self.goals.forget_pass()
        self.notify(f"{why[:1].upper()}{why[1:]}. Press space to train it.", title="New network")
        self._stale()

    def load_settings(self, values: dict[str, Any], why: str) -> bool:
        """Start a new network from a preset's or a challenge's settings."""
        try:
            settings = settings_from_dict(values)
            self.training.load(settings)
        except ValueError as error:
            self.notify(f"These settings cannot be used: {error}", severity="error")
            return False
        self.query_one(LabControls).show_settings(settings, self.training.speed,
                                                  clear_errors=True)
        self._new_network(why)
        return True
