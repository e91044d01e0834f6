"""What a training run has done so far: its evaluations, its mid-run changes, its losses.

Plain data, written by a TrainingSession and read by hints, challenges and the Lab's views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evaluation:
    """Loss and accuracy on the whole training and validation sets after `step` steps.

    Accuracies are None for regression.
    """

    step: int
    train_loss: float
    validation_loss: float
    train_accuracy: float | None
    validation_accuracy: float | None


@dataclass(frozen=True)
class Change:
    """A setting changed mid-run, before step `step + 1`: a marker on the loss chart."""

    step: int
    name: str
    old: Any
    new: Any


@dataclass
class History:
    """What happened so far. `train_loss[i]` is the mini-batch loss of step i + 1.

    Losses here are data losses: a regularisation penalty is not included, so training and
    validation losses stay comparable.
    """

    train_loss: list[float] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
