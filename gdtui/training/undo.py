"""Where undo goes back to: the moments a training session saved, and its last good moment.

A TrainingSession saves a `Moment` (a copy of everything training changes) where a run starts,
and `Moments` keeps the latest MAX_UNDO of them: undo goes back to where the last run started.
While a run goes well, the session also keeps its last good moment (training.trouble
.looks_good): at a run's start, just before a change made mid-run, and every GOOD_MOMENT_EVERY
evaluations. When trouble stops the run (diverged, stuck), `after_trouble()` makes undo go back
there, to just before it went wrong, not to the start of the run. One good moment at a time, so
memory stays bounded however long a run goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdtui.nn.network import MiniBatches
from gdtui.training.history import History
from gdtui.training.settings import Settings
from gdtui.training.trouble import Trouble

MAX_UNDO = 20
# The good moment is renewed at most every this many evaluations (a copy costs about as much as
# 20 steps).
GOOD_MOMENT_EVERY = 10


@dataclass
class Moment:
    """Everything training changes, copied at one step: what undo restores."""

    settings: Settings
    parameters: np.ndarray
    optimizer: Any
    batches: MiniBatches
    step: int
    trouble: Trouble | None
    history: History
    # units switched off, with their weights out (see TrainingSession.switch_unit)
    switched_off: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)


class Moments:
    """The moments undo goes back to, latest last, and the run's last good moment."""

    def __init__(self) -> None:
        self._saved: list[Moment] = []
        self.good: Moment | None = None

    def save(self, moment: Moment, good: bool) -> None:
        """Save where a run starts (`good`: a moment worth going back to after trouble)."""
        self._saved.append(moment)
        del self._saved[:-MAX_UNDO]
        if good:
            self.good = moment

    def good_is_due(self, evaluations: int) -> bool:
        """True when a good moment kept now would be the first, or GOOD_MOMENT_EVERY
        evaluations after the last (`evaluations`: how many the history holds now)."""
        return self.good is None or evaluations - self.good.history.count >= GOOD_MOMENT_EVERY

    def after_trouble(self) -> None:
        """Trouble stopped the run: undo goes back to the last good moment.

        The moments saved after it were saved in the bad stretch (a good one would have become
        the good moment): they go, and the good moment takes their place.
        """
        good, self.good = self.good, None
        if good is None:
            return
        while self._saved and self._saved[-1].step > good.step:
            self._saved.pop()
        if not self._saved or self._saved[-1].step < good.step:
            self._saved.append(good)
            del self._saved[:-MAX_UNDO]

    def pop(self) -> Moment | None:
        """The moment to go back to, taken off the list; None when there is none."""
        self.good = None  # (it may be the moment taken, which training is about to change)
        return self._saved.pop() if self._saved else None

    @property
    def step(self) -> int | None:
        """The step undo goes back to, or None."""
        return self._saved[-1].step if self._saved else None

    def __bool__(self) -> bool:
        return bool(self._saved)
