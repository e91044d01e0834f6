"""When a run goes wrong by itself: the loss diverges, or the network saturates and is stuck.

A learning rate far too large wrecks a run in one of two ways, and the lab stops the run and
says which, in the lessons' words:

- **diverged** (lesson 4): the loss grows without end, past DIVERGENCE_FACTOR times where it
  started, or to infinity or NaN. A loss like mse, which has no ceiling, does this. A huge
  L1/L2 regularization rate does it too, at any learning rate: then the advice is to lower
  the regularization rate (`remedy()` says which setting to change, and to what).
- **stuck** (lesson 5's flat ground): the first huge steps throw the weights so far that the
  hidden units are pinned at their limits (tanh at −1 or +1), where the curve is flat, so the
  gradient can no longer move them back. What is left answers with outputs pinned at 0 or 1:
  sure of every answer and wrong on many, the loss stuck above where it started, the accuracy
  at chance. Cross-entropy on moons at learning rate 10 ends here, never at a loss 1000 times
  its start.

`saturated()` reads the latest few evaluations only; `looks_good()` says whether a moment is
worth going back to (the session keeps the last such moment, so undo after trouble returns
there). Nothing here imports the session.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdtui.nn.network import MLP
from gdtui.training.history import Evaluation
from gdtui.training.settings import (
    LEARNING_RATE_LADDER,
    SETTING_INFO,
    Settings,
    learning_rate_down,
)

DIVERGENCE_FACTOR = 1000.0  # a loss this many times its starting value has blown up
PINNED_PROBABILITY = 0.99  # an output this sure (or 1 - this) is pinned at 1 (or 0)
PINNED_LOGIT = math.log(PINNED_PROBABILITY / (1.0 - PINNED_PROBABILITY))  # σ(4.6) = 0.99
PINNED_SHARE = 0.9  # pinned on this share of the training points: the outputs are pinned
STUCK_EVALUATIONS = 5  # pinned with a loss above its start this many evaluations in a row
# A unit pinned on this share of the training points is as good as flat for all of them.
UNIT_PINNED_SHARE = 0.95
# A moment is good when its training loss is at most GOOD_FACTOR times the lowest so far,
# plus GOOD_SLACK of the starting loss (so a loss near 0 may wobble a little).
GOOD_FACTOR = 2.0
GOOD_SLACK = 0.05
# With plain steps, L2 pulls each weight by 2 x learning rate x regularization rate of itself a
# step: past zero once learning rate x regularization rate is above OVERSTEP (see oversteps()).
OVERSTEP = 1.0
# A regularization rate suggested after trouble is at most GENTLE_RATE (from 0.1 up, the
# penalty flattens a small network to nothing: moons stays at 50%), and keeps learning rate x
# rate at most CALM_PULL (each step pulls a weight by at most 2% of itself).
GENTLE_RATE = 0.01
CALM_PULL = 0.01
CHANCE_MARGIN = 0.05  # an accuracy this close to what guessing blindly scores is at chance
# What became of a hidden unit at a flat limit of its activation, where it passes back (almost)
# no gradient.
PINNED_UNITS = {
    "tanh": "got pinned at −1 or +1, where the curve is flat and the gradient about 0",
    "sigmoid": "got pinned at 0 or 1, where the curve is flat and the gradient about 0",
    "relu": "went dead, at 0 for every point, where the gradient is 0",
}


@dataclass(frozen=True)
class Trouble:
    """Why a run stopped by itself: `kind` "diverged" or "stuck", seen at `step` (the step
    whose loss blew up, not applied; or the evaluation that found the network stuck), with the
    `settings` of that moment (the learning rate that did it, even if changed since).

    `message` says what happened ("stuck: the outputs are pinned at 0 or 1"), `short` the
    same in a few words for a status line ("outputs pinned at 0 or 1"), `explanation` the
    whole story with the numbers, and `hint` what to do.
    """

    kind: str
    step: int
    settings: Settings
    message: str
    short: str
    explanation: str

    @property
    def remedy(self) -> Remedy:
        """The setting to change, and what to try (see remedy())."""
        return remedy(self.settings)

    @property
    def hint(self) -> str:
        """What to do, in one line: which rate was too large; undo and try a smaller one."""
        fix, settings = self.remedy, self.settings
        if fix.setting == "regularization_rate":
            then = ("so the loss blew up" if self.kind == "diverged" else
                    "and the network got pinned")
            return (f"a regularization rate of {settings.regularization_rate:g} is too large: "
                    f"it throws the weights past zero, {then}; press u to undo, then try "
                    f"{fix.value:g}")
        if self.kind == "diverged":
            why = "the loss blew up"
        else:
            why = "it pinned the network where the slope is flat, so the loss stays high"
        return (f"a learning rate of {settings.learning_rate:g} is too large here: {why}; "
                f"press u to undo, then try {fix.value:g}")


@dataclass(frozen=True)
class Remedy:
    """What to change when a rate was too large: `setting` ("learning_rate" or
    "regularization_rate") to `value`."""

    setting: str
    value: float

    @property
    def label(self) -> str:
        """The setting in words: "learning rate"."""
        return SETTING_INFO[self.setting].label


def oversteps(settings: Settings) -> bool:
    """True when the L1/L2 penalty alone throws the weights past zero at every step.

    With plain steps (sgd, momentum), L2 pulls each weight toward zero by 2 x learning rate x
    regularization rate of itself: past OVERSTEP, it lands past zero, further out each time,
    and L1 moves each weight by more than a weight's usual size. Adam scales every step to
    about the learning rate, so its penalty cannot do this.
    """
    return (settings.regularization != "none" and settings.optimizer != "adam"
            and settings.learning_rate * settings.regularization_rate > OVERSTEP)


def remedy(settings: Settings) -> Remedy:
    """What to try when a run went wrong with these settings: a smaller regularization rate
    when the penalty oversteps (a smaller learning rate would not help), else the learning
    rate's next rung down."""
    if not oversteps(settings):
        return Remedy("learning_rate", learning_rate_down(settings.learning_rate))
    rate = settings.learning_rate
    calm = [r for r in LEARNING_RATE_LADDER
            if r <= GENTLE_RATE and r * rate <= CALM_PULL and r < settings.regularization_rate]
    return Remedy("regularization_rate", calm[-1] if calm else 0.0)


def pinned_share(outputs: np.ndarray, loss: str) -> float | None:
    """The share of rows of network outputs (logits) that are at least 99% sure of a class.

    None unless `loss` is cross-entropy: mse outputs are not probabilities.
    """
    if loss != "cross_entropy" or len(outputs) == 0:
        return None
    if outputs.shape[1] == 1:
        return int(np.count_nonzero(np.abs(outputs) > PINNED_LOGIT)) / len(outputs)
    shifted = outputs - outputs.max(axis=1, keepdims=True)
    top = 1.0 / np.exp(shifted).sum(axis=1)  # the largest softmax probability of each row
    return int(np.count_nonzero(top > PINNED_PROBABILITY)) / len(outputs)


def saturated(recent: Sequence[Evaluation], starting_loss: float) -> bool:
    """True when the latest STUCK_EVALUATIONS evaluations all have pinned outputs and a
    training loss above the starting loss: sure of its answers, and worse than a random start."""
    if not recent or not _pinned_and_worse(recent[-1], starting_loss):
        return False  # (the usual answer, found at once: this runs at every evaluation)
    last = list(recent)[-STUCK_EVALUATIONS:]
    return len(last) == STUCK_EVALUATIONS and all(_pinned_and_worse(e, starting_loss)
                                                  for e in last)


def _pinned_and_worse(e: Evaluation, starting_loss: float) -> bool:
    return e.pinned is not None and e.pinned >= PINNED_SHARE and e.train_loss > starting_loss


def looks_good(evaluation: Evaluation, lowest_train_loss: float, starting_loss: float) -> bool:
    """True when a moment is worth going back to: its training loss is finite and near the
    lowest so far (at most GOOD_FACTOR times it, plus GOOD_SLACK of the starting loss)."""
    limit = GOOD_FACTOR * lowest_train_loss + GOOD_SLACK * starting_loss
    return math.isfinite(evaluation.train_loss) and evaluation.train_loss <= limit


def pinned_units(network: MLP, inputs: np.ndarray) -> int:
    """How many hidden units sit at a flat limit of their activation for nearly every input:
    tanh at −1 or +1, sigmoid at 0 or 1 (within 0.01), relu at 0 (dead)."""
    trace = network.trace(inputs)
    count = 0
    for a in trace.activations[:-1]:
        if network.activation == "relu":
            at_limit = a <= 0.0
        elif network.activation == "sigmoid":
            at_limit = (a < 0.01) | (a > 0.99)
        else:
            at_limit = np.abs(a) > 0.99
        count += int(np.sum(at_limit.mean(axis=0) >= UNIT_PINNED_SHARE))
    return count


def chance_accuracy(labels: np.ndarray) -> float:
    """The accuracy of always giving the most common answer: what guessing blindly scores."""
    _, counts = np.unique(labels, return_counts=True)
    return float(counts.max() / counts.sum()) if counts.size else 0.0


def divergence_limit(starting_loss: float) -> float:
    """The loss past which a run has diverged: DIVERGENCE_FACTOR times a finite starting loss.

    A loss is compared as `not loss <= limit`, which NaN also fails. When the starting loss is
    not finite itself (1000 times infinity is no limit), the limit is the largest float, so an
    infinite or NaN loss still counts as diverged."""
    if math.isfinite(starting_loss):
        return DIVERGENCE_FACTOR * starting_loss
    return sys.float_info.max


def diverged(loss: float, step: int, settings: Settings) -> Trouble:
    """The loss of step `step` came out as `loss`: too large, infinite or NaN."""
    if math.isnan(loss):
        what, short = "the loss became NaN (not a number)", "loss became NaN"
    elif math.isinf(loss):
        what, short = "the loss became infinite", "loss became infinite"
    else:
        what = f"the loss grew over {DIVERGENCE_FACTOR:.0f} times its starting value"
        short = f"loss grew {DIVERGENCE_FACTOR:.0f}-fold"
    rate = settings.learning_rate
    if oversteps(settings):
        penalty = settings.regularization_rate
        if settings.regularization == "l2":
            pull = (f"pulls each weight toward zero by {2 * rate * penalty:g} times its own "
                    "size every step, so it lands past zero, further out each time")
        else:
            pull = f"moves each weight {rate * penalty:g} toward zero every step, far past it"
        explanation = (f"At learning rate {rate:g}, {settings.regularization.upper()} "
                       f"regularization at rate {penalty:g} {pull}, and the loss grew without "
                       "end: training diverged. The regularization rate is too large, not "
                       "the learning rate.")
    else:
        explanation = (f"At learning rate {rate:g} the steps jumped past the bottom and "
                       "landed further away each time, so the loss grew without end: "
                       "training diverged (lesson 4).")
    return Trouble("diverged", step, settings, f"diverged: {what}", short, explanation)


def stuck(latest: Evaluation, first: Evaluation, settings: Settings, chance: float,
          n_classes: int, units: int, hidden_units: int) -> Trouble:
    """The network is saturated: `latest` has pinned outputs and a loss above the `first`
    one; `units` of its `hidden_units` are pinned at a flat limit (see pinned_units).

    `chance` is what guessing blindly scores among `n_classes` classes (chance_accuracy)."""
    rate = settings.learning_rate
    went = PINNED_UNITS.get(settings.activation)
    if hidden_units and went and 2 * units >= hidden_units:
        what = (f"At learning rate {rate:g}, {units} of {hidden_units} hidden units {went}: "
                "lesson 5's flat ground.")
    else:
        what = f"At learning rate {rate:g} the outputs got pinned at 0 or 1."
    explanation = (f"{what} Sure of every answer, the network is right on "
                   f"{_accuracy(latest, first, chance, n_classes)}.")
    if oversteps(settings):
        explanation += (f" {settings.regularization.upper()} regularization at rate "
                        f"{settings.regularization_rate:g} threw the weights there: the "
                        "regularization rate is too large, not the learning rate.")
    return Trouble("stuck", latest.step, settings, "stuck: the outputs are pinned at 0 or 1",
                   "outputs pinned at 0 or 1", explanation)


def _accuracy(latest: Evaluation, first: Evaluation, chance: float, n_classes: int) -> str:
    accuracy = latest.train_accuracy or 0.0
    said = f"{accuracy:.1%}"
    if accuracy <= chance + CHANCE_MARGIN:
        coin = n_classes == 2 and chance <= 0.5 + CHANCE_MARGIN
        return f"{said}, no better than {'a coin toss' if coin else 'guessing blindly'}"
    if first.train_accuracy is not None and accuracy <= first.train_accuracy + 0.02:
        return f"{said}, no better than before training ({first.train_accuracy:.1%})"
    return said
