"""What a training run has done so far: its evaluations, its mid-run changes, its last loss.

Plain data, written by a TrainingSession and read by hints, challenges and the Lab's views. It
stays the same size however long a run goes: the evaluations are thinned as they grow (every
2nd, then every 4th, ... is kept), and what the hints read (the first, the latest few, the
best validation loss and how long ago it was) is tracked as training goes, so reading it costs
the same at step 2,000,000 as at step 2,000.
"""

from __future__ import annotations

import math
from bisect import bisect_right, insort
from collections import deque
from dataclasses import dataclass
from typing import Any

KEPT_EVALUATIONS = 1024  # the thinned record never holds more (and, once thinned, half as many)
RECENT_EVALUATIONS = 12  # the latest few, for the hints about a trend


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Loss and accuracy on the whole training and validation sets after `step` steps.

    Accuracies are None for regression. `pinned` is the share of training points the network
    answers at least 99% sure (outputs pinned at 0 or 1: see training.trouble), None when the
    loss is not cross-entropy.
    """

    step: int
    train_loss: float
    validation_loss: float
    train_accuracy: float | None
    validation_accuracy: float | None
    pinned: float | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """A setting changed mid-run, before step `step + 1`: a marker on the loss chart.

    `by_hand` for a change made to the network itself, not a setting: a weight set by hand
    ("w h1.3←x2"), a unit switched off or on ("h1.3")."""

    step: int
    name: str
    old: Any
    new: Any
    by_hand: bool = False


def _step(evaluation: Evaluation) -> int:
    return evaluation.step


class History:
    """What happened so far, at a bounded size.

    `add()` records an evaluation. The record (`evaluations`) keeps the first one and every
    `spacing`-th after it, `spacing` a power of two that doubles whenever more than
    KEPT_EVALUATIONS are kept; it always holds the latest and the best (lowest validation
    loss: where an overfitting curve turns up), too. `count` says how many there were in all,
    `recent` holds the last RECENT_EVALUATIONS, `since_best` how many came after the best.
    `changes` holds every setting changed mid-run (one per learner's action), and `batch_loss`
    the mini-batch loss of the latest step (None before the first), and `lowest_train_loss`
    the lowest training loss so far (what a good moment to go back to is measured against).

    Losses here are data losses: a regularisation penalty is not included, so training and
    validation losses stay comparable.
    """

    def __init__(self) -> None:
        self._kept: list[Evaluation] = []  # evaluation number k * spacing is _kept[k]
        self.spacing = 1
        self.count = 0
        self.recent: deque[Evaluation] = deque(maxlen=RECENT_EVALUATIONS)
        self.best: Evaluation | None = None
        self._best_number = 0
        self.changes: list[Change] = []
        self.batch_loss: float | None = None
        self.lowest_train_loss = math.inf

    def add(self, evaluation: Evaluation) -> None:
        """Record the next evaluation (a later step than the last)."""
        number = self.count
        self.count += 1
        if number % self.spacing == 0:
            self._kept.append(evaluation)
            if len(self._kept) > KEPT_EVALUATIONS:
                del self._kept[1::2]  # the numbers left are multiples of twice the spacing
                self.spacing *= 2
        self.recent.append(evaluation)
        # strictly lower: the earliest of equal ones stays, and a NaN never becomes the best
        if self.best is None or evaluation.validation_loss < self.best.validation_loss:
            self.best, self._best_number = evaluation, number
        if evaluation.train_loss < self.lowest_train_loss:  # (a NaN is never the lowest)
            self.lowest_train_loss = evaluation.train_loss

    @property
    def first(self) -> Evaluation:
        """The evaluation before any training."""
        return self._kept[0]

    @property
    def latest(self) -> Evaluation:
        """The latest evaluation."""
        return self.recent[-1]

    @property
    def since_best(self) -> int:
        """How many evaluations came after the best one."""
        return self.count - 1 - self._best_number

    def nth(self, number: int) -> Evaluation:
        """Evaluation number `number` (0 is the first), or the nearest kept one before it."""
        return self._kept[min(max(number, 0) // self.spacing, len(self._kept) - 1)]

    def _extras(self) -> list[Evaluation]:
        """The best and the latest where the thinning did not keep them, in step order."""
        extras = []
        if self.best is not None and self._best_number % self.spacing \
                and self._best_number != self.count - 1:
            extras.append(self.best)
        if (self.count - 1) % self.spacing:
            extras.append(self.latest)
        return extras

    @property
    def evaluations(self) -> list[Evaluation]:
        """The record in step order: evenly thinned, with the first, the best and the latest."""
        record = list(self._kept)
        for extra in self._extras():
            insort(record, extra, key=_step)
        return record

    def up_to(self, step: int) -> list[Evaluation]:
        """The record's evaluations at `step` or before, reading only those (and two more)."""
        record = self._kept[:bisect_right(self._kept, step, key=_step)]
        for extra in self._extras():
            if extra.step <= step:
                insort(record, extra, key=_step)
        return record

    def copy(self) -> History:
        """A copy that later training does not change (evaluations are shared: they are
        frozen)."""
        twin = History()
        twin.__dict__.update(self.__dict__)
        twin._kept = list(self._kept)
        twin.recent = deque(self.recent, maxlen=RECENT_EVALUATIONS)
        twin.changes = list(self.changes)
        return twin


def settled_step(evaluations: list[Evaluation], share: float = 0.1) -> int | None:
    """The first step from which the training loss stays below `share` of its first value:
    with 0.1, nine tenths of the fall to a loss near 0 are done, and the curve has flattened.

    None when the latest evaluation is not below it (the run has not settled yet).
    """
    if not evaluations:
        return None
    limit = share * evaluations[0].train_loss
    settled = None
    for evaluation in evaluations:
        if evaluation.train_loss < limit:
            settled = evaluation.step if settled is None else settled
        else:
            settled = None
    return settled
