"""The digits panel's picture: validation digits with the network's guesses (a fixed sample,
and the mistakes), the confusion matrix, and the first layer's weights as 8x8 images.

Built from a session while its lock is held (on the training thread, at most once a second
while training: screens/lab/panes.py picture_wanted); the result is plain NumPy arrays that the
panel draws. It costs one forward pass over the validation images, about a millisecond for the
`digits` preset (benchmarks/bench_lab.py --preset digits --picture). Nothing here imports
Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gdtui.training import digits
from gdtui.training.datasets import feature_columns

if TYPE_CHECKING:
    from gdtui.training.datasets import Dataset
    from gdtui.training.session import TrainingSession

SHOWN = 60  # validation images offered to the grid, and mistakes: more than a panel shows
# The weights are drawn against this share of their largest sizes, so one outlier does not
# fade every other weight.
WEIGHT_PERCENTILE = 98.0


@dataclass(frozen=True)
class Digits:
    """Some validation images with the network's answers: `images` as pixel counts 0..16 (as
    the network sees them), `labels` their digits, `guesses` the network's answers and
    `sureness` its probability for each answer."""

    images: np.ndarray  # (n, 8, 8) uint8
    labels: np.ndarray  # (n,)
    guesses: np.ndarray  # (n,)
    sureness: np.ndarray  # (n,)

    @property
    def right(self) -> np.ndarray:
        """True for each image the network reads right."""
        return self.guesses == self.labels


@dataclass(frozen=True)
class DigitsPicture:
    """What the network makes of the validation digits, and what its first layer looks for,
    at training step `step` (the lab's status line gives the last evaluation's).

    `sample` holds the same validation images at every step, one of each digit in turn;
    `mistakes` the first ones it reads wrong now. `confusion[true, guess]` counts every
    validation image. `weights` holds one 8x8 image per hidden unit of the first layer (or
    per digit, for a network with no hidden layer: `weights_of` is "digit" then, else
    "unit"), scaled to [-1, 1] for drawing: positive where ink makes the unit fire.
    """

    sample: Digits
    mistakes: Digits
    confusion: np.ndarray  # (10, 10), rows: the true digit, columns: the guess
    weights: np.ndarray  # (units, 8, 8) in [-1, 1]
    weights_of: str  # "unit" or "digit"
    step: int = 0

    @property
    def n_validation(self) -> int:
        """How many validation images the confusion matrix counts."""
        return int(self.confusion.sum())

    @property
    def n_right(self) -> int:
        """How many of them the network reads right (the matrix's diagonal)."""
        return int(np.trace(self.confusion))


def is_digits(dataset: Dataset) -> bool:
    """True for the shipped handwritten digits (the panel draws them as 8x8 images)."""
    return (dataset.name == "digits" and dataset.n_inputs == digits.N_PIXELS
            and dataset.n_classes == digits.N_CLASSES)


def by_digit(confusion: np.ndarray) -> tuple[list[int], list[int], list[int]]:
    """Per true digit, from a confusion matrix (rows digits, columns guesses): how many read
    right, how many wrong, and the guess it is most often taken for (-1: never wrong)."""
    right = np.diag(confusion)
    mistaken = confusion - np.diag(right)
    taken_for = [int(row.argmax()) if row.any() else -1 for row in mistaken]
    return right.tolist(), (confusion.sum(axis=1) - right).tolist(), taken_for


def shown_order(labels: np.ndarray, n: int = SHOWN) -> np.ndarray:
    """Indices of up to `n` images taking one of each digit in turn: the first 0, the first
    1, ..., the first 9, then the second of each, and so on (the same ones at every frame)."""
    by_digit = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[by_digit], labels[by_digit])
    rank = np.empty(len(labels), dtype=np.int64)
    rank[by_digit] = np.arange(len(labels)) - starts  # which of its digit's images each is
    return np.lexsort((labels, rank))[:n]


def scaled_weights(weights: np.ndarray) -> np.ndarray:
    """A layer's weights (64, units) as one 8x8 image per unit in [-1, 1]: divided by the
    WEIGHT_PERCENTILE-th percentile of their sizes over the layer, so images compare."""
    finite = np.nan_to_num(np.asarray(weights, dtype=np.float64), posinf=0.0, neginf=0.0)
    scale = float(np.percentile(np.abs(finite), WEIGHT_PERCENTILE)) if finite.size else 0.0
    images = finite.T.reshape(-1, digits.SIDE, digits.SIDE)
    return np.clip(images / scale, -1.0, 1.0) if scale > 0 else np.zeros_like(images)


def digits_picture(session: TrainingSession) -> DigitsPicture:
    """The digits panel's picture of `session` (hold its lock while calling this)."""
    dataset = session.dataset
    inputs, labels = dataset.validation_inputs, dataset.validation_targets.astype(np.int64)
    with np.errstate(all="ignore"):
        outputs = session.network.forward(feature_columns(inputs, session.settings.features))
        probabilities = np.nan_to_num(session.probabilities(outputs))
    guesses = session.classes_from_outputs(outputs)
    n = digits.N_CLASSES
    confusion = np.bincount(labels * n + guesses, minlength=n * n).reshape(n, n)

    def chosen(indices: np.ndarray) -> Digits:
        images = np.rint(digits.to_counts(inputs[indices])).astype(np.uint8)
        return Digits(images.reshape(-1, digits.SIDE, digits.SIDE), labels[indices],
                      guesses[indices], probabilities[indices, guesses[indices]])

    return DigitsPicture(
        sample=chosen(shown_order(labels)),
        mistakes=chosen(np.flatnonzero(guesses != labels)[:SHOWN]),
        confusion=confusion, weights=scaled_weights(session.network.weights[0]),
        weights_of="unit" if len(session.network.layer_sizes) > 2 else "digit",
        step=session.step)
