"""The Training Lab: train a real network live, change its settings mid-run, see what happens.

The screen arranges the panes and forwards keys, clicks and typed values. A `TrainingRun`
(run.py) trains the session in a thread worker and makes every change to it; `Goals`
(goals.py) holds the presets and the challenge; `Tuning` (tuning.py) the settings: where they
start, their changes, their memory; `LabPanes` (panes.py) draws. A timer redraws
at most ten times a second (fewer with `gdtui --fps`), and only when there is something new.
While training, the UI never takes the session's lock to draw: the timer asks the worker for
a frame, and the worker copies one out after its next chunk (`FrameReady`).

The app keeps one lab for the whole session, so leaving it and coming back finds it as it was:
settings, network, chart and run. Training pauses while anything covers the lab (another area,
help, a dialog) and goes on when the learner comes back, with a word if they went elsewhere:
a run nobody sees costs a shared server's CPU and slows the screen being read (training shares
Python's one interpreter lock with the UI), and the point of the lab is watching the curve form.
A lesson's link may reopen the lab with a preset (`reopen`): the network it replaces is kept
for undo. The settings and speed are saved as they change and the next start begins from them.
"""

from __future__ import annotations

import time
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen, Screen
from textual.widgets import Header
from textual.worker import Worker, WorkerState

from gdtui.help import help_text
from gdtui.screens.lab.goals import Goals
from gdtui.screens.lab.network import NetworkControls
from gdtui.screens.lab.panes import REDRAW_SECONDS, LabPanes, RedrawPace
from gdtui.screens.lab.reading import GROUP as READING
from gdtui.screens.lab.run import FrameReady, TrainingRun, TrainingStopped
from gdtui.screens.lab.tuning import Tuning
from gdtui.training.session import TrainingSession
from gdtui.training.settings import (
    PRESETS,
    Settings,
    learning_rate_down,
    learning_rate_up,
    settings_from_dict,
)
from gdtui.training.view import Frame, FrameRequest, Snapshot
from gdtui.training.worker import SPEEDS
from gdtui.widgets.field import leave_field_or_go_back
from gdtui.widgets.footer import KeysFooter
from gdtui.widgets.lab_controls import ButtonAction, LabControls, SettingEntered
from gdtui.widgets.loss_chart import LossChart
from gdtui.widgets.model_panel import ModelPanel
from gdtui.widgets.network_panel import NetworkPanel
from gdtui.widgets.network_view import NetworkView


class LabScreen(Screen[None]):
    """Train a network on toy data with every knob in reach."""

    HELP_TITLE = "Training lab"
    HELP = help_text("lab")
    CSS_PATH = "../../styles/lab.tcss"
    AUTO_FOCUS = "#loss-chart"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    # The footer shows, in order of importance, what 80 columns hold: run, then the keys found
    # nowhere else on screen (speed, settings, challenges), then the learning rate. Step,
    # undo, reset, save and load are on the buttons and in the help.
    BINDINGS = [
        Binding("space", "run", "Run", id="lab.run"),
        Binding("f", "speed", "Speed", id="lab.speed"),
        Binding("e", "edit", "Settings", tooltip="edit the settings (tab moves between them)",
                id="lab.edit"),
        Binding("c", "challenge", "Challenge", id="lab.challenge"),
        Binding("v", "network", "Network", tooltip="the network view: units, maps, weights",
                id="lab.network"),
        Binding("left_square_bracket", "learning_rate(-1)", "Rate-", key_display="[",
                id="lab.rate_down"),
        Binding("right_square_bracket", "learning_rate(1)", "Rate+", key_display="]",
                id="lab.rate_up"),
        Binding("n", "step", "Step", show=False, id="lab.step"),
        Binding("u", "undo", "Undo", show=False, id="lab.undo"),
        Binding("r", "reset", "Reset", show=False, id="lab.reset"),
        Binding("l", "log_scale", "Log scale", show=False, id="lab.log"),
        Binding("o", "switch_unit", "Unit off/on", show=False, id="lab.switch_unit"),
        Binding("m", "digits_view", "Digits view", show=False, id="lab.digits_view"),
        Binding("s", "save_preset", "Save preset", show=False, id="lab.save"),
        Binding("p", "load_preset", "Load preset", show=False, id="lab.load"),
        Binding("d", "draw", "Draw a digit", show=False, id="lab.draw"),
        Binding("escape", "leave", "Back", show=False),
    ]

    def __init__(self, settings: Settings | None = None, preset: str | None = None,
                 steps: str | int | None = None, l2: str | float | None = None) -> None:
        """Open on `settings` or the preset named `preset` (a lesson's link), or else on the
        settings the lab had last time; a link's `l2` adds that L2 penalty to the preset, and
        its `steps` trains the new network to that step at once."""
        super().__init__()
        if preset is not None and l2 is not None:
            settings, preset = self._with_l2(preset, l2), None
        self._asked = (settings, preset)
        self._train_to = None if steps is None else int(float(steps))
        self.tuning = Tuning(self)
        self.training: TrainingRun  # made in compose, where the store can be read
        self.goals = Goals(self, self.tuning.load, lambda: self.training.pause())
        self.view: Snapshot | None = None
        self.pace = RedrawPace()
        self.network = NetworkControls(self)
        self.draw_pad = None  # the digit drawn on the pad (`d`), kept while the app runs

    @property
    def session(self) -> TrainingSession:
        """The session this lab trains."""
        return self.training.session

    @property
    def running(self) -> bool:
        """True while the worker trains."""
        return self.training.running

    def compose(self) -> ComposeResult:
        session, speed = self.tuning.first_session(*self._asked)
        self.training = TrainingRun(self, session, self._running_changed)
        if speed is not None:
            self.training.speed = speed
        yield Header()
        with Horizontal(id="lab-body"):
            yield LabControls(self.session.settings, self.training.speed,
                              files=not self.app.served, id="controls")
            yield LabPanes(id="lab-main")
        yield KeysFooter()

    @property
    def redraw_seconds(self) -> float:
        """The least time between two redraws: REDRAW_SECONDS, or longer with `--fps`."""
        return self.app.frame_seconds(REDRAW_SECONDS)

    def on_mount(self) -> None:
        self.set_interval(self.redraw_seconds, self._tick)
        if self._train_to:
            self.train_to(self._train_to)

    def _with_l2(self, preset: str, l2: str | float) -> Settings | None:
        """The preset's settings with an L2 penalty (None, and a word, if it has none)."""
        from dataclasses import replace

        base = PRESETS.get(preset)
        if base is None:
            self.notify(f"There is no preset '{preset}'.", severity="warning")
            return None
        return replace(settings_from_dict(base), regularization="l2",
                       regularization_rate=float(l2))

    def train_to(self, step: int) -> None:
        """Train at full speed until `step` (a lesson's exercise), then pause."""
        self.apply_setting("speed", "fast")
        self.training.start(self.goals.challenge, until=step)

    def on_unmount(self) -> None:
        self.training.shut_down()

    # -- drawing ------------------------------------------------------------------------------

    def _tick(self) -> None:
        frames = self.training.frames
        if self.pace.due(self.running, frames.busy, frames.spent, self.redraw_seconds):
            self.redraw()

    def on_resize(self) -> None:
        self.pace.stale = True  # a picture of the new size is due, even while paused

    def redraw(self) -> None:
        """Show the session: paused, drawn at once; training, a frame is asked of the worker."""
        panes = self.query_one(LabPanes)
        picture = panes.picture_wanted(time.perf_counter(), self.running, self.redraw_seconds)
        request = FrameRequest(picture, self.goals.challenge, panes.unit,
                               panes.insides_wanted(picture))
        if self.running:
            self.training.frames.ask(request)
        else:
            self.draw(self.training.frame_now(request))

    def on_frame_ready(self, _: FrameReady) -> None:
        frame = self.training.frames.take()
        if frame is not None and self.running:  # paused, the screen draws its own frames
            self.draw(frame)

    def draw(self, frame: Frame) -> None:
        """Show a frame and judge it against the challenge."""
        self.view = self.query_one(LabPanes).show(frame, self.running)
        self.goals.judge(self.view)

    # -- the run ------------------------------------------------------------------------------

    def _running_changed(self, running: bool) -> None:
        self.query_one(LabControls).set_running(running)
        self.pace.stale = True

    def on_training_stopped(self, event: TrainingStopped) -> None:
        self.training.stopped(event, self.goals.challenge)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "train" and event.state == WorkerState.ERROR:
            self.training.failed(event.worker.error)
        elif event.worker.group == READING:
            self.tuning.reading.finished(event.worker, event.state)

    # -- hidden and shown again --------------------------------------------------------------

    def on_screen_suspend(self) -> None:
        from gdtui.screens.too_small import TooSmallScreen

        # Anything over the lab pauses training (see the module's docstring), and it goes on
        # when the lab shows again; a terminal too small for a moment (while a window is
        # dragged) does not pause it.
        covering = self.app.screen
        if not isinstance(covering, TooSmallScreen):
            self.training.hide(quietly=isinstance(covering, ModalScreen))

    def on_screen_resume(self) -> None:
        # The layout is done and nothing is shown yet: draw now, so the lab never shows empty.
        self.pace.stale = True
        self._tick()
        if self.training.show(self.goals.challenge) == "saying so":
            self.notify(f"Training goes on from step {self.session.step:,}: it pauses while "
                        "the lab is out of sight.", title="Training lab")

    def reopen(self, settings: Settings | None = None, preset: str | None = None,
               steps: str | int | None = None, l2: str | float | None = None) -> None:
        """Shown again by a link that asks for `settings` or a preset: start a new network
        from them, unless the lab has them already. The network it had is kept for undo.
        With `steps` (an exercise) the new network is always made, and trained to that step;
        `l2` adds an L2 penalty to the preset."""
        if preset is not None and l2 is not None:
            settings, preset = self._with_l2(preset, l2), None
            if settings is None:
                return
        wanted = self.tuning.preset(preset) if preset is not None else settings
        if wanted is None:
            return
        if steps is not None:
            self.training.pause()
            why = f"the preset '{preset}'" if preset else "the settings of the exercise"
            if self.tuning.load(wanted.to_dict(), f"new network: {why}") and int(float(steps)):
                self.train_to(int(float(steps)))
            return
        if wanted == self.session.settings:
            if self.session.step:
                self.notify("The lab has these settings already, and your run is kept. Press "
                            "r to start again from the first weights.", title="Training lab")
            return
        why = f"the preset '{preset}'" if preset else "the settings of the link"
        self.tuning.load(wanted.to_dict(), f"new network: {why}")

    # -- keys and buttons ---------------------------------------------------------------------

    @on(ButtonAction)
    async def _button(self, event: ButtonAction) -> None:
        await self.run_action(event.action)
        self.query_one(LossChart).focus()

    def action_run(self) -> None:
        """Run or pause training."""
        if self.running:
            self.training.pause()
        else:
            self.training.start(self.goals.challenge)

    def action_step(self) -> None:
        """Take one training step."""
        self.training.step(self.goals.challenge)
        self.pace.stale = True

    def action_undo(self) -> None:
        """Go back to where the last run (or step) started; with none, to the network the
        lab had before a new one (a reset, a preset, a new setting)."""
        step = self.training.undo()
        if step is not None:
            self.notify(f"Undone: back to step {step:,}.")
        elif (earlier := self.training.back_to_earlier()) is not None:
            session, self.goals.challenge = earlier
            self.notify(f"Undone: back to the network you had, {session.dataset.name} at "
                        f"step {session.step:,}.")
        else:
            self.notify("Nothing to undo.")
            return
        self.goals.forget_pass()
        self.tuning.shown(clear_errors=True)

    def action_reset(self) -> None:
        """Start again: the same settings and the same first weights."""
        self.training.reset(self.goals.challenge)
        self.tuning.new_network("reset: the same first weights again, and the history starts over")

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
        self.query_one(LabPanes).toggle_log_scale()

    def action_network(self) -> None:
        """Show or hide the network view."""
        self.network.toggle()

    def action_switch_unit(self) -> None:
        """Switch the unit selected in the network view off, or on again."""
        self.network.switch_unit()

    @on(NetworkView.Selected)
    def _unit_selected(self, event: NetworkView.Selected) -> None:
        self.network.selected(event)

    @on(NetworkPanel.WeightEntered)
    def _weight_entered(self, event: NetworkPanel.WeightEntered) -> None:
        self.network.set_weight(event)

    def action_digits_view(self) -> None:
        """The digits panel's next view: the digits, the confusion matrix, the weights."""
        if (why_not := self.query_one(ModelPanel).next_digits_view()) is not None:
            self.notify(why_not)

    def action_speed(self) -> None:
        """Fast, medium or slow."""
        speeds = list(SPEEDS)
        speed = self.training.speed
        self.apply_setting("speed", speeds[(speeds.index(speed) + 1) % len(speeds)])

    def action_edit(self) -> None:
        """Move to the settings."""
        self.query_one(LabControls).focus_first_setting()

    def action_leave(self) -> None:
        """Escape: from a field back to the keys; otherwise back to the previous screen."""
        leave_field_or_go_back(self, "#loss-chart")

    def action_leave_controls(self) -> None:
        """Escape in the settings panel (a field or a button): back to the keys."""
        self.query_one(LossChart).focus()

    def action_save_preset(self) -> None:
        """Save the current settings under a name."""
        self.goals.save_preset(self.session.settings)

    def action_load_preset(self) -> None:
        """Load a built-in or saved preset."""
        self.goals.load_preset()

    def action_draw(self) -> None:
        """Draw a digit for the digits network to read (lab/draw.py)."""
        from gdtui.screens.lab.draw import open_draw_pad

        open_draw_pad(self)

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
        """Change one setting (see Tuning.apply); False if the value was refused."""
        return self.tuning.apply(name, value)
