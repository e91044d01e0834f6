"""The Training Lab's runs: a controller that trains the session in a thread worker.

`TrainingRun` is owned by the lab screen. It holds the session and the lock the worker shares
it with, starts the worker and pauses it, numbers the runs and writes what each did to the
activity log (and takes back what an undo took away: course.progress.LabRuns). Every change the
UI makes to the session goes through it, so the lock is taken in this file only; a change that
throws the network away (a reset, a new network, a preset) keeps a copy of it first, so undo can
bring it back (`back_to_earlier`). The worker never touches a widget: it trains; after a chunk it
answers the UI's request for a frame (`frames`, then `FrameReady`); and it posts
`TrainingStopped` to the screen when it ends by itself.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from gdtui.course.progress import LabRuns
from gdtui.training.challenges import Challenge
from gdtui.training.datasets import Dataset
from gdtui.training.drawing import DigitReader
from gdtui.training.history import Change, Evaluation
from gdtui.training.session import Changed, TrainingSession
from gdtui.training.settings import Settings
from gdtui.training.view import Frame, FrameRequest, activity_line, make_frame, snapshot
from gdtui.training.worker import DEFAULT_SPEED, Frames, SessionLock, train_in_chunks

EARLIER_NETWORKS = 5  # networks thrown away that undo can still bring back


def kept_copy(session: TrainingSession) -> TrainingSession:
    """A copy of `session` to keep for undo, without the network's work buffers (rebuilt when
    next needed: on 5,000 points they are most of its size, some 12 MB; MLP.__deepcopy__)."""
    return copy.deepcopy(session)


class TrainingStopped(Message):
    """The worker of run `run_id` ended by itself: "diverged", "stuck", "limit" (or
    "stopped")."""

    def __init__(self, run_id: int, reason: str) -> None:
        super().__init__()
        self.run_id = run_id
        self.reason = reason


class FrameReady(Message):
    """The worker built the frame the screen asked for: take it from `TrainingRun.frames`."""


class TrainingRun:
    """Start, pause and watch over the training worker; change the session between chunks.

    `running_changed(running)` is called whenever a run starts or ends (the screen updates
    its run button and redraws).
    """

    def __init__(self, screen: Screen, session: TrainingSession,
                 running_changed: Callable[[bool], None]) -> None:
        self.screen = screen
        self.session = session
        self.lock = SessionLock()
        self.speed = DEFAULT_SPEED
        self.running = False
        self.run_id = 0
        self.frames = Frames()
        self._running_changed = running_changed
        self._logged_step = 0  # where the run being logged started
        self._hidden_run: str | None = None  # a run paused by hide(): "quietly", "saying so"
        # (session, challenge) of the networks thrown away, the latest last
        self.earlier: list[tuple[TrainingSession, Challenge | None]] = []
        self.runs = LabRuns()

    # -- runs ---------------------------------------------------------------------------------

    def stop_at(self, challenge: Challenge | None) -> int | None:
        """The step a run started now stops at: the challenge's last, or None (no end: the
        history stays the same size however long it trains)."""
        return challenge.max_steps if challenge else None

    def may_train(self, challenge: Challenge | None) -> bool:
        """True if training can go on; otherwise say why not."""
        trouble = self.session.trouble
        if trouble is not None:
            said = trouble.message[:1].upper() + trouble.message[1:]
            self.screen.notify(f"{said}. Press u to undo, or r to reset.", severity="warning")
            return False
        if challenge and challenge.max_steps <= self.session.step:
            self.screen.notify(f"This challenge allows {challenge.max_steps:,} steps. Press u "
                               "to undo or r to reset, and try again.", severity="warning")
            return False
        return True

    def start(self, challenge: Challenge | None, until: int | None = None) -> None:
        """Train in a worker until paused, stopped by trouble (diverged, stuck), or at the
        challenge's last step (or at step `until`, when given: an exercise's)."""
        if self.running or not self.may_train(challenge):
            return
        stop_at = self.stop_at(challenge)
        if until is not None:
            stop_at = until if stop_at is None else min(stop_at, until)
        self.running = True
        self.run_id += 1
        self._logged_step = self.session.step
        self.frames.clear()
        self.screen.run_worker(partial(self._train, self.run_id, stop_at),
                               thread=True, exclusive=True, group="train",
                               exit_on_error=False)
        self._running_changed(True)

    def _train(self, run_id: int, stop_at: int | None) -> None:
        worker = get_current_worker()

        def after_chunk() -> None:
            # (a stopping worker may still answer the next run's request: a true copy too)
            if self.frames.answer(self.session):
                self.screen.post_message(FrameReady())

        reason = train_in_chunks(self.session, self.lock, lambda: worker.is_cancelled,
                                 lambda: self.speed, stop_at, after_chunk)
        if not worker.is_cancelled:
            self.screen.post_message(TrainingStopped(run_id, reason))

    def frame_now(self, request: FrameRequest) -> Frame:
        """A frame of the session as it is (paused: the lock is free or soon will be)."""
        with self.lock.ui():
            return make_frame(self.session, request)

    def digit_reader(self) -> DigitReader:
        """A copy of the network to read the draw pad with (ValueError if it reads no digits)."""
        with self.lock.ui():
            return DigitReader.of(self.session)

    def pause(self) -> None:
        """Stop the worker (it ends within one step) and log what the run did."""
        if self.running:
            self.screen.workers.cancel_group(self.screen, "train")
            self._ended()

    def _ended(self) -> None:
        self.running = False
        self.log_run()
        self._running_changed(False)

    def log_run(self) -> None:
        """Write what the run did to the activity log, if it took a step."""
        with self.lock.ui():
            view = snapshot(self.session, 2)
        if view.step > self._logged_step:
            self.runs.logged(self.screen.app.store, view.step, activity_line(view))
        self._logged_step = view.step

    def hide(self, quietly: bool) -> None:
        """The lab is out of sight: pause, and go on when it shows again (`show`); `quietly`
        when only a dialog or the help covers it."""
        if self.running:
            self._hidden_run = "quietly" if quietly else "saying so"
            self.pause()

    def show(self, challenge: Challenge | None) -> str | None:
        """The lab shows again: a run paused by `hide` goes on, unless the network changed
        meanwhile. Returns how the run went on ("quietly", "saying so"), or None."""
        how, self._hidden_run = self._hidden_run, None
        if how is not None:
            self.start(challenge)
        return how if self.running else None

    def stopped(self, event: TrainingStopped, challenge: Challenge | None) -> None:
        """The worker ended by itself: say why (a run already paused or replaced says nothing)."""
        if event.run_id != self.run_id or not self.running:
            return
        self._ended()
        trouble, back = self.session.trouble, self.session.undo_step
        if trouble is not None:  # (the worker has ended: nothing changes the session now)
            undo = ("Press u to undo" if back is None else
                    f"Press u to go back to step {back:,}")
            self.screen.notify(f"{trouble.explanation} {undo}.", title=trouble.message,
                               severity="warning", timeout=20)
        elif event.reason == "limit" and challenge:
            self.screen.notify(f"The challenge's {challenge.max_steps:,} steps are used up.",
                               title=challenge.title)

    def failed(self, error: BaseException | None) -> None:
        """The worker raised: the run ends and the error is shown."""
        if self.running:
            self._ended()
            self.screen.notify(f"Training stopped: {error}", severity="error")

    def shut_down(self) -> None:
        """The screen is going away: stop the worker and log the run, with no widget to tell."""
        if self.running:
            self.running = False
            self.screen.workers.cancel_group(self.screen, "train")
            self.log_run()

    # -- changing the session -----------------------------------------------------------------

    def step(self, challenge: Challenge | None) -> None:
        """Pause, then take one training step (if training may go on)."""
        self.pause()
        if self.may_train(challenge):
            with self.lock.ui():
                self.session.run(1)

    def undo(self) -> int | None:
        """Pause and go back to where the last run (or step) started, or after trouble to the
        last good moment before it: that step, or None."""
        self.pause()
        with self.lock.ui():
            if not self.session.undo():
                return None
            self._logged_step = self.session.step
            line = activity_line(snapshot(self.session, 2))
        self.runs.undone(self.screen.app.store, self._logged_step, line)
        return self._logged_step

    def by_hand(self, make: Callable[[TrainingSession], Change]
                ) -> tuple[Change, Evaluation, Evaluation]:
        """Change the network by hand (`make` sets a weight or switches a unit), between two
        chunks while training: the change, and the evaluations just before and after it.
        Raises what `make` raises (ValueError), and then nothing changed."""
        with self.lock.ui():
            before = self.session.history.latest
            change = make(self.session)
            return change, before, self.session.history.latest

    def reset(self, challenge: Challenge | None = None) -> None:
        """Pause and start again with the same settings and the same first weights (the
        network so far is kept for undo, with the `challenge` it was trained for)."""
        self.pause()
        with self.lock.ui():
            earlier = kept_copy(self.session)
            self.session.reset()
        self._keep(earlier, challenge)

    def change(self, name: str, value: Any, challenge: Challenge | None = None,
               loaded: Dataset | None = None) -> Changed:
        """Change one setting (see TrainingSession.change, and its `loaded`), pausing first for
        a new network (and keeping the old one for undo).

        Raises SettingsError or DataError, and the session keeps its settings.
        """
        earlier = None
        if self.session.needs_rebuild(name, value):
            self.pause()
            with self.lock.ui():
                earlier = kept_copy(self.session)
        with self.lock.ui():
            changed = self.session.change(name, value, loaded)
        if changed.rebuilt and earlier is not None:
            self._keep(earlier, challenge)
        return changed

    def load(self, settings: Settings, challenge: Challenge | None = None) -> None:
        """Pause and start a new network from `settings` (SettingsError or DataError if bad);
        the network so far is kept for undo."""
        self.pause()
        with self.lock.ui():
            earlier = kept_copy(self.session)
            self.session.rebuild(**settings.to_dict())
        self._keep(earlier, challenge)

    def _keep(self, earlier: TrainingSession, challenge: Challenge | None) -> None:
        self._hidden_run = None  # a new network: it waits for space
        self.earlier.append((earlier, challenge))
        del self.earlier[:-EARLIER_NETWORKS]
        self._logged_step = 0
        self.runs.new_network()

    def back_to_earlier(self) -> tuple[TrainingSession, Challenge | None] | None:
        """Pause and bring back the network thrown away last, with the challenge it had;
        None when there is none."""
        self.pause()
        if not self.earlier:
            return None
        session, challenge = self.earlier.pop()
        with self.lock.ui():
            self.session = session
        self._logged_step = session.step
        self.runs.new_network()
        return session, challenge
