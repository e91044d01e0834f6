"""The Training Lab's runs: a thread worker trains the session in chunks until paused.

`TrainingRuns` is mixed into LabScreen, which provides `session`, `lock`, `speed`,
`challenge` and `new_data` (an Event the worker sets after every chunk). The worker never
touches a widget: it trains, sets the event, and posts `TrainingStopped` when it ends by
itself. Handlers here are named `on_...` because `@on` is only read from the screen's own class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from gdtui.training.view import activity_line, snapshot
from gdtui.training.worker import train_in_chunks
from gdtui.widgets.lab_controls import LabControls

if TYPE_CHECKING:
    from gdtui.screens.lab.screen import LabScreen

    _Base = LabScreen
else:
    _Base = object

RUN_LIMIT = 200_000  # one run pauses after this many steps, so history cannot grow forever


class TrainingStopped(Message):
    """The worker of run `run_id` ended by itself: "diverged", "limit" (or "stopped")."""

    def __init__(self, run_id: int, reason: str) -> None:
        super().__init__()
        self.run_id = run_id
        self.reason = reason


class TrainingRuns(_Base):
    """Start, pause and watch over the training worker; log what each run did."""

    running = False
    run_id = 0
    _run_start_step = 0  # where the run being logged started

    def _stop_at(self) -> int:
        limit = self.session.step + RUN_LIMIT
        return min(limit, self.challenge.max_steps) if self.challenge else limit

    def may_train(self) -> bool:
        """True if training can go on; otherwise say why not."""
        if self.session.status == "diverged":
            self.notify("The loss diverged. Press u to undo, or r to reset.", severity="warning")
            return False
        if self.challenge and self._stop_at() <= self.session.step:
            self.notify(f"This challenge allows {self.challenge.max_steps:,} steps. Press u to "
                        "undo or r to reset, and try again.", severity="warning")
            return False
        return True

    def start(self) -> None:
        """Train in a worker until paused, diverged, or at the step limit."""
        if self.running or not self.may_train():
            return
        self.running = True
        self.run_id += 1
        self._run_start_step = self.session.step
        self.query_one(LabControls).set_running(True)
        self._train(self.run_id, self._stop_at())
        self.new_data.set()

    @work(thread=True, exclusive=True, exit_on_error=False, group="train")
    def _train(self, run_id: int, stop_at: int) -> None:
        worker = get_current_worker()
        reason = train_in_chunks(self.session, self.lock, lambda: worker.is_cancelled,
                                 lambda: self.speed, stop_at, self.new_data.set)
        if not worker.is_cancelled:
            self.post_message(TrainingStopped(run_id, reason))

    def pause(self) -> None:
        """Stop the worker (it ends within one step) and log what the run did."""
        if self.running:
            self.running = False
            self.workers.cancel_group(self, "train")
            self._run_ended()

    def _run_ended(self) -> None:
        self._log_run()
        self.query_one(LabControls).set_running(False)
        self.new_data.set()

    def _log_run(self) -> None:
        with self.lock.ui():
            view = snapshot(self.session, 2)
        if view.step > self._run_start_step:
            self.app.store.log("lab", activity_line(view))
        self._run_start_step = view.step

    def on_training_stopped(self, event: TrainingStopped) -> None:
        if event.run_id != self.run_id or not self.running:
            return  # a run that was already paused or replaced
        self.running = False
        self._run_ended()
        if event.reason == "diverged":
            self.notify(f"{self.session.message}. Press u to undo, then try a smaller "
                        "learning rate.", title="Diverged", severity="warning")
        elif event.reason == "limit" and self.challenge:
            self.notify(f"The challenge's {self.challenge.max_steps:,} steps are used up.",
                        title=self.challenge.title)
        elif event.reason == "limit":
            self.notify(f"Paused after {RUN_LIMIT:,} steps in one run; space goes on.")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "train" and event.state == WorkerState.ERROR and self.running:
            self.running = False
            self._run_ended()
            self.notify(f"Training stopped: {event.worker.error}", severity="error")

    def on_screen_suspend(self) -> None:
        from gdtui.screens.too_small import TooSmallScreen

        # Leaving the lab (or opening a dialog over it) pauses training; a terminal that is
        # too small for a moment (while a window is dragged) does not.
        if not isinstance(self.app.screen, TooSmallScreen):
            self.pause()

    def on_screen_resume(self) -> None:
        self.new_data.set()

    def on_unmount(self) -> None:
        if self.running:  # the widgets are gone: only stop the worker and log the run
            self.running = False
            self.workers.cancel_group(self, "train")
            self._log_run()
