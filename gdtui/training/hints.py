"""Hints: read a session's history and say, in plain words, what seems to be going on.

Each hint reads a fixed number of evaluations (the first, the latest few, the best, one a third
of the way back), never the whole run: a hint costs the same however long training goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from gdtui.training.history import History
from gdtui.training.settings import learning_rate_up
from gdtui.training.state import TrainingState
from gdtui.training.trouble import remedy

MIN_EVALUATIONS = 5  # look at trends only after this many evaluations
SMALL_LEARNING_RATE = 0.001
# A run has got worse when the training loss of its latest WORSE_EVALUATIONS evaluations
# (their median: one bad evaluation is not a trend) is above where it started and over
# WORSE_FACTOR times the lowest so far.
WORSE_EVALUATIONS = 3
WORSE_FACTOR = 2.0


@dataclass(frozen=True)
class Worse:
    """A run whose training loss rose from `lowest` to `now`, above where it `start`ed."""

    start: float
    lowest: float
    now: float


def got_worse(history: History) -> Worse | None:
    """The run got worse by itself: its training loss now (the median of the latest
    WORSE_EVALUATIONS evaluations) is above its starting loss and over WORSE_FACTOR times the
    lowest so far. The steps undo what training found, yet the loss stays below the divergence
    limit (training.trouble), so the run goes on: a rate too large. None when it did not."""
    if history.count < MIN_EVALUATIONS:
        return None
    recent = sorted(e.train_loss for e in list(history.recent)[-WORSE_EVALUATIONS:])
    now = recent[len(recent) // 2]
    start, lowest = history.first.train_loss, history.lowest_train_loss
    if now > start and now > WORSE_FACTOR * lowest:
        return Worse(start, lowest, now)
    return None


def _overfitting(history: History) -> bool:
    """Validation loss well above its best while training loss kept falling since then."""
    if history.count < MIN_EVALUATIONS or history.best is None:
        return False
    best, recent = history.best, list(history.recent)[-3:]
    recent_validation = sum(e.validation_loss for e in recent) / len(recent)
    risen = recent_validation > 1.5 * best.validation_loss + 0.02
    falling = history.latest.train_loss < best.train_loss
    return risen and falling and history.since_best >= 3


def _jumpy(history: History) -> bool:
    """Training loss went up between evaluations often, and is not already tiny."""
    recent = [e.train_loss for e in history.recent]
    if len(recent) < MIN_EVALUATIONS * 2 or recent[-1] < 0.05:
        return False
    ups = sum(later > 1.05 * earlier for earlier, later in pairwise(recent))
    return ups >= len(recent) // 3


def _barely_moving(session: TrainingState) -> bool:
    """A small learning rate, and the loss has hardly dropped."""
    history = session.history
    small = session.settings.learning_rate <= SMALL_LEARNING_RATE
    if not small or session.step < 200 or history.count < MIN_EVALUATIONS:
        return False
    return history.latest.train_loss > 0.95 * history.first.train_loss


def _stalled_high(session: TrainingState) -> bool:
    """Flat for the last third of the run, and still far from right."""
    history = session.history
    if session.step < 1000 or history.count < MIN_EVALUATIONS * 3:
        return False
    third, last = history.nth(2 * history.count // 3), history.latest  # a third of the way back
    flat = abs(third.train_loss - last.train_loss) < 0.02 * third.train_loss
    if session.is_classification:
        return flat and (last.train_accuracy or 0.0) < 0.85
    return flat and last.train_loss > 0.1 * history.first.train_loss


def dead_units(session: TrainingState) -> int:
    """How many ReLU units output 0 for every training point (they can no longer learn)."""
    if session.settings.activation != "relu" or not session.settings.hidden_layers:
        return 0
    trace = session.network.trace(session.train_features)
    return int(sum(np.all(a <= 0.0, axis=0).sum() for a in trace.activations[:-1]))


def hints(session: TrainingState) -> list[str]:
    """Hint strings for the run so far, most important first; empty when all looks fine."""
    settings, history = session.settings, session.history
    rate = settings.learning_rate
    found = []
    if session.trouble is not None:  # diverged or stuck: said with the rate that did it
        return [session.trouble.hint]
    if _overfitting(history):
        found.append(f"validation loss rising while training loss falls: overfitting. It was "
                     f"lowest at step {history.best.step} (stopping there is early stopping); "
                     f"more data, L2 regularization or a smaller network will help")
    worse, fix = got_worse(history), remedy(settings)
    if _jumpy(history):
        if worse:
            found.append(f"the training loss jumps up and down, above where it started: the "
                         f"{fix.label} is too large; try {fix.value:g}")
        else:
            found.append(f"the training loss jumps up and down: the {fix.label} may be too "
                         f"large; try {fix.value:g}")
    elif worse:
        found.append(f"the training loss rose from {worse.lowest:.3g} to {worse.now:.3g}, above "
                     f"where it started: the {fix.label} is too large; try {fix.value:g}")
    if _barely_moving(session):
        found.append(f"the loss is barely moving: the learning rate may be too small; "
                     f"try {learning_rate_up(rate):g}")
    elif _stalled_high(session):
        if not settings.hidden_layers and session.is_classification:
            found.append("with no hidden layer the network can only draw a straight line: "
                         "add a hidden layer, or features like x1^2 and x2^2")
        else:
            found.append("training has stalled with a high loss: the network may be too "
                         "small or the inputs too plain; add units, a layer, or features")
    dead = dead_units(session)
    if dead:
        found.append(f"{dead} ReLU unit{'s' if dead > 1 else ''} output 0 for every point "
                     "(dead units) and no longer learn: try a smaller learning rate and reset")
    return found
