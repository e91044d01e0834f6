"""What one example costs as the network's probability p for the right class moves: cross-entropy
−ln p against squared error (1 − p)², the lesson's "confident and wrong is expensive".

Both losses, and how hard each pushes back on the logit z (p = σ(z)), come from the engine's own
loss functions (gdtui.nn.functions), on one example whose target is the right class (1):

- cross-entropy of the logit z = ln(p / (1 − p)): the engine's sigmoid + binary cross-entropy,
  −ln p, and its dL/dz = p − 1;
- squared error of the output p: the engine's mean squared error, (1 − p)², whose dL/dp the
  engine's sigmoid backward turns into dL/dz = 2(p − 1)·p(1 − p), which fades as p → 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdtui.nn.functions import ACTIVATION_FUNCTIONS, loss_function
from gdtui.numbers import field_text

LOWEST, HIGHEST = 0.01, 0.99  # −ln p is endless at 0, and 1 is no mistake at all
STEP, BIG_STEP = 0.01, 0.1  # a key press, and one with shift
MARKS = (0.05, 0.95)  # the lesson's confident mistake and confident right answer
START = 0.5


@dataclass(frozen=True)
class Reading:
    """One example's two losses at probability p, and each one's slope dL/dz."""

    probability: float
    cross_entropy: float
    squared_error: float
    cross_entropy_slope: float
    squared_error_slope: float


def _engine(loss: str, value: float) -> tuple[float, float]:
    """The engine's `loss` of one output `value` against the target 1, and dL/d(value)."""
    output, target = np.array([[value]]), np.array([[1.0]])
    gradient, scratch = np.empty((1, 1)), np.empty((1, 1))
    result = loss_function(loss, 1)(output, target, gradient, scratch)
    return result, float(gradient[0, 0])


def reading(probability: float) -> Reading:
    """Both losses of one example whose right class got `probability`, from the engine.

        reading(0.95).cross_entropy -> 0.0513 (−ln 0.95); reading(0.05) -> 2.996
    """
    if not 0 < probability < 1:
        raise ValueError("the probability must be between 0 and 1")
    logit = math.log(probability / (1 - probability))
    cross_entropy, cross_entropy_slope = _engine("cross_entropy", logit)
    squared_error, by_output = _engine("mse", probability)
    slope = np.array([[by_output]])
    _, sigmoid_backward = ACTIVATION_FUNCTIONS["sigmoid"]
    sigmoid_backward(np.array([[probability]]), slope, np.empty((1, 1)))  # dL/dp → dL/dz
    return Reading(probability, cross_entropy, squared_error, cross_entropy_slope,
                   float(slope[0, 0]))


def kept_in_range(probability: float) -> float:
    """`probability` on the slider: rounded to 0.01, from LOWEST to HIGHEST."""
    return round(min(max(probability, LOWEST), HIGHEST), 2)


def moved(probability: float, steps: float) -> float:
    """The probability `steps` key presses of STEP further (negative: lower)."""
    return kept_in_range(probability + steps * STEP)


def times_confident_right(probability: float) -> float:
    """How many times the cross-entropy at `probability` is that of a confident right answer
    (p = 0.95): 58.4 at p = 0.05."""
    return reading(probability).cross_entropy / reading(MARKS[1]).cross_entropy


def comparison(probability: float) -> str:
    """One line comparing the cross-entropy here with a confident right answer's."""
    here, right = reading(probability), reading(MARKS[1])
    if probability == MARKS[1]:
        return (f"At p {field_text(probability)} cross-entropy is {here.cross_entropy:.3f}: sure "
                f"and right costs little. Now try {field_text(MARKS[0])}.")
    ratio = times_confident_right(probability)
    times = f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}"
    return (f"At p {field_text(probability)} cross-entropy is {here.cross_entropy:.3f}, "
            f"{times}× its {right.cross_entropy:.3f} at p {field_text(MARKS[1])} (sure, right).")


def parse_probability(text: str | float) -> float:
    """A probability for the slider, typed or from a link: a number from 0.01 to 0.99."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"the probability must be a number from {LOWEST} to {HIGHEST}, "
                         f"like {MARKS[0]}") from None
    if not LOWEST <= value <= HIGHEST:
        raise ValueError(f"the probability must be from {LOWEST} to {HIGHEST}, "
                         f"like {MARKS[0]} (not {text})")
    return round(value, 2)
