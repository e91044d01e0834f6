"""The Training Lab: train a real network live, change its settings mid-run, see what happens.

The screen arranges the panes and forwards keys, clicks and typed values. A `TrainingRun`
(run.py) trains the session in a thread worker and makes every change to it; `Goals`
(goals.py) holds the presets and the challenge; `LabPanes` (panes.py) draws. A timer redraws
at most ten times a second (fewer with `gdtui --fps`), and only when there is something new.
While training, the UI never takes the session's lock to draw: the timer asks the worker for
a frame, and the worker copies one out after its next chunk (`FrameReady`).
"""

from __future__ import annotations

import time
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Select
from textual.worker import Worker, WorkerState

from gdtui.help import help_text
from gdtui.screens.lab.goals import Goals
from gdtui.screens.lab.panes import LabPanes
from gdtui.screens.lab.run import FrameReady, TrainingRun, TrainingStopped
from gdtui.training.session import TrainingSession
from gdtui.training.settings import (
    Settings,
    learning_rate_down,
    learning_rate_up,
    settings_from_dict,
)
from gdtui.training.view import Frame, FrameRequest, Snapshot
from gdtui.training.worker import SPEEDS
from gdtui.widgets.footer import KeysFooter
from gdtui.widgets.lab_controls import ButtonAction, LabControls, SettingEntered
from gdtui.widgets.loss_chart import LossChart

REDRAW_SECONDS = 0.1  # at most ten redraws a second
# While training, at most about 1/REDRAW_BUDGET of the time goes to drawing (the UI thread's,
# and the worker's copying out frames), so training (which shares Python's one interpreter
# lock with the UI) keeps the rest.
REDRAW_BUDGET = 12


class LabScreen(Screen[None]):
    """Train a network on toy data with every knob in reach."""

    HELP_TITLE = "Training lab"
    HELP = help_text("lab")
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
        self._stale = True  # redraw at the next tick, even while paused
        self._next_redraw = 0.0
        self._ui_time = time.thread_time()

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
            yield LabPanes(id="lab-main")
        yield KeysFooter()

    @property
    def redraw_seconds(self) -> float:
        """The least time between two redraws: REDRAW_SECONDS, or longer with `--fps`."""
        return self.app.frame_seconds(REDRAW_SECONDS)

    def on_mount(self) -> None:
        self.set_interval(self.redraw_seconds, self._tick)

    # -- drawing ------------------------------------------------------------------------------

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.running:
            if now < self._next_redraw or self.training.frames.busy:
                return
        elif not self._stale:
            return
        self._stale = False
        # The time spent drawing since the last redraw (the UI thread's, and the worker's on
        # the frame) sets how soon the next may come: the worker keeps most of the interpreter.
        cpu = time.thread_time() + self.training.frames.spent
        budget = min(REDRAW_BUDGET * (cpu - self._ui_time), 1.0)
        # (a little under the timer's interval, so a tick that comes early is not skipped)
        self._next_redraw = now + max(budget, 0.9 * self.redraw_seconds)
        self._ui_time = cpu
        self.redraw()

    def on_resize(self) -> None:
        self._stale = True  # a picture of the new size is due, even while paused

    def redraw(self) -> None:
        """Show the session: paused, drawn at once; training, a frame is asked of the worker."""
        picture = self.query_one(LabPanes).picture_wanted(time.perf_counter(), self.running,
                                                          self.redraw_seconds)
        request = FrameRequest(picture, self.goals.challenge)
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
        self._stale = True

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
            self.training.pause()

    def on_screen_resume(self) -> None:
        self._stale = True

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
            self.training.pause()
        else:
            self.training.start(self.goals.challenge)

    def action_step(self) -> None:
        """Take one training step."""
        self.training.step(self.goals.challenge)
        self._stale = True

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
        self._stale = True

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
        self.query_one(LabPanes).toggle_log_scale()

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
        self._stale = True
        return True

    def _new_network(self, why: str) -> None:
        self.goals.forget_pass()
        self.notify(f"{why[:1].upper()}{why[1:]}. Press space to train it.", title="New network")
        self._stale = True

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
