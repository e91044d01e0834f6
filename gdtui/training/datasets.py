"""Datasets to learn from: seeded toy problems, input features, and a user's CSV file.

Every input is scaled to roughly [-1, 1] (the toy problems are drawn there and CSV columns
are rescaled to it), so one learning rate means the same thing on every dataset. `noise` is
the standard deviation of Gaussian jitter in those units: added to the point positions for
classification, and to the target for regression.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from gdtui.numbers import read_number
from gdtui.training import digits

CLASSIFICATION_DATASETS = ("circle", "xor", "gaussians", "moons", "spiral", "spiral3", "digits")
REGRESSION_DATASETS = ("sine", "plane")
DATASETS = CLASSIFICATION_DATASETS + REGRESSION_DATASETS

# Optional input features, as in TensorFlow Playground. Inputs live in [-1, 1], so the sine
# features use sin(pi x): one full wave across the plot, not a nearly straight line.
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin x1", "sin x2")

# A CSV target with whole numbers and at most this many distinct values is a class label.
MAX_CSV_CLASSES = 10
# A regression target past this size has a square (the mse loss) near the largest number a
# float holds (about 1.8e308): the loss would overflow to infinity before training starts.
MAX_CSV_TARGET = 1e150

# Few training points, lots of noise: a big network memorises them, and validation loss
# climbs while training loss keeps falling.
OVERFIT_PRESET = {"dataset": "moons", "n_points": 100, "noise": 0.3, "validation_share": 0.8}


class DataError(ValueError):
    """A dataset could not be made or read; the message says where and why."""


@dataclass(frozen=True)
class Dataset:
    """Inputs and targets split into a training and a validation part.

    `kind` is "classification" (targets are class numbers 0..n_classes-1) or "regression"
    (targets are floats). Inputs are raw, before feature columns are chosen.
    """

    name: str
    kind: str
    train_inputs: np.ndarray
    train_targets: np.ndarray
    validation_inputs: np.ndarray
    validation_targets: np.ndarray
    n_classes: int = 0
    class_values: tuple[float, ...] = ()

    @property
    def n_inputs(self) -> int:
        """Number of raw input columns."""
        return self.train_inputs.shape[1]

    @property
    def inputs(self) -> np.ndarray:
        """All inputs, training first."""
        return np.concatenate([self.train_inputs, self.validation_inputs])

    @property
    def targets(self) -> np.ndarray:
        """All targets, training first."""
        return np.concatenate([self.train_targets, self.validation_targets])


def _split(name: str, kind: str, inputs: np.ndarray, targets: np.ndarray,
           validation_share: float, rng: np.random.Generator, n_classes: int = 0,
           class_values: tuple[float, ...] = ()) -> Dataset:
    if not 0.0 < validation_share < 1.0:
        raise DataError("validation share must be between 0 and 1")
    n = len(inputs)
    n_validation = min(max(1, round(n * validation_share)), n - 1)
    order = rng.permutation(n)
    train, validation = order[n_validation:], order[:n_validation]
    return Dataset(name, kind, inputs[train], targets[train], inputs[validation],
                   targets[validation], n_classes, class_values)


def _per_class(n_points: int, n_classes: int) -> list[int]:
    return [n_points // n_classes + (1 if k < n_points % n_classes else 0)
            for k in range(n_classes)]


def _spiral(n_points: int, n_classes: int, rng: np.random.Generator):
    inputs, labels = [], []
    for k, count in enumerate(_per_class(n_points, n_classes)):
        t = np.linspace(0.0, 1.0, count, endpoint=False) + 0.5 / count
        angle = 1.75 * 2 * np.pi * t + 2 * np.pi * k / n_classes
        inputs.append(np.column_stack([t * np.sin(angle), t * np.cos(angle)]))
        labels.append(np.full(count, k))
    return np.concatenate(inputs), np.concatenate(labels)


def _classification_points(name: str, n_points: int, rng: np.random.Generator):
    """Noise-free points and labels for a 2-D classification problem."""
    if name == "circle":
        inside, outside = _per_class(n_points, 2)
        radius = np.concatenate([rng.uniform(0.0, 0.5, inside), rng.uniform(0.7, 1.0, outside)])
        angle = rng.uniform(0.0, 2 * np.pi, n_points)
        labels = np.concatenate([np.ones(inside), np.zeros(outside)])
        return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), labels
    if name == "xor":
        same, opposite = _per_class(n_points, 2)
        # keep points off the axes, where the label flips; class 1 where x1, x2 share a sign
        size = rng.uniform(0.05, 1.0, (n_points, 2))
        sign = rng.choice([-1.0, 1.0], n_points)
        signs = np.column_stack([sign, np.concatenate([sign[:same], -sign[same:]])])
        return size * signs, np.concatenate([np.ones(same), np.zeros(opposite)])
    if name == "gaussians":
        first, second = _per_class(n_points, 2)
        points = np.concatenate([rng.normal(0.45, 0.15, (first, 2)),
                                 rng.normal(-0.45, 0.15, (second, 2))])
        return points, np.concatenate([np.ones(first), np.zeros(second)])
    if name == "moons":
        upper, lower = _per_class(n_points, 2)
        a, b = rng.uniform(0, np.pi, upper), rng.uniform(0, np.pi, lower)
        points = np.concatenate([np.column_stack([np.cos(a), np.sin(a)]),
                                 np.column_stack([1 - np.cos(b), 0.5 - np.sin(b)])])
        # the classic moons span x in [-1, 2], y in [-0.5, 1]: centre and scale into [-1, 1]
        points = (points - [0.5, 0.25]) / 1.5
        return points, np.concatenate([np.zeros(upper), np.ones(lower)])
    if name in ("spiral", "spiral3"):
        return _spiral(n_points, 2 if name == "spiral" else 3, rng)
    raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")


def make_dataset(name: str, n_points: int = 200, noise: float = 0.1,
                 validation_share: float = 0.5, seed: int = 0) -> Dataset:
    """Draw one of the toy datasets (see DATASETS); the same seed gives the same points.

    circle, xor, gaussians, moons, spiral: two classes of 2-D points; spiral3: three.
    sine: y = sin(pi x) on x in [-1, 1]; plane: y = (x1 + x2) / 2 on [-1, 1]^2.
    digits: `n_points` of the 1,797 real 8x8 handwritten digits (64 inputs, 10 classes),
    picked by the seed, with `noise` added to each pixel.
    """
    if name not in DATASETS:
        raise DataError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if not (isinstance(n_points, int) and 4 <= n_points <= 100_000):
        raise DataError("number of points must be a whole number from 4 to 100000")
    if not (math.isfinite(noise) and noise >= 0):
        raise DataError("noise must be a number of at least 0")
    rng = np.random.default_rng(seed)
    if name == "digits":
        return _digits(n_points, noise, validation_share, rng)
    if name == "sine":
        inputs = rng.uniform(-1.0, 1.0, (n_points, 1))
        targets = np.sin(np.pi * inputs[:, 0]) + rng.normal(0.0, noise, n_points)
        return _split(name, "regression", inputs, targets, validation_share, rng)
    if name == "plane":
        inputs = rng.uniform(-1.0, 1.0, (n_points, 2))
        targets = inputs.sum(axis=1) / 2 + rng.normal(0.0, noise, n_points)
        return _split(name, "regression", inputs, targets, validation_share, rng)
    points, labels = _classification_points(name, n_points, rng)
    points = points + rng.normal(0.0, noise, points.shape)
    n_classes = 3 if name == "spiral3" else 2
    return _split(name, "classification", points, labels.astype(np.int64),
                  validation_share, rng, n_classes, tuple(float(k) for k in range(n_classes)))


def _digits(n_points: int, noise: float, validation_share: float,
            rng: np.random.Generator) -> Dataset:
    if n_points > digits.N_IMAGES:
        raise DataError(f"number of points: digits has {digits.N_IMAGES:,} images; use at most "
                        f"{digits.N_IMAGES}")
    pixels, labels = digits.load_digits()
    chosen = np.sort(rng.permutation(digits.N_IMAGES)[:n_points])
    data = _split("digits", "classification", digits.to_inputs(pixels[chosen]),
                  labels[chosen].copy(), validation_share, rng, digits.N_CLASSES,
                  tuple(float(k) for k in range(digits.N_CLASSES)))
    if not noise:
        return data
    # after the split, so that noise changes the pixels and never which images are checked on
    return replace(data, train_inputs=data.train_inputs + rng.normal(
                       0.0, noise, data.train_inputs.shape),
                   validation_inputs=data.validation_inputs + rng.normal(
                       0.0, noise, data.validation_inputs.shape))


def dataset_inputs(name: str) -> int:
    """How many raw input columns the toy dataset `name` has."""
    return {"sine": 1, "digits": digits.N_PIXELS}.get(name, 2)


def available_features(n_inputs: int) -> tuple[str, ...]:
    """The feature names that make sense for data with `n_inputs` raw columns."""
    if n_inputs == 1:
        return ("x1", "x1^2", "sin x1")
    if n_inputs == 2:
        return FEATURES
    return tuple(f"x{i + 1}" for i in range(n_inputs))


def feature_columns(inputs: np.ndarray, features: tuple[str, ...] = ()) -> np.ndarray:
    """Map raw inputs of shape (n, d) to the chosen feature columns, shape (n, len(features)).

    An empty `features` means the raw inputs themselves.
    """
    inputs = np.asarray(inputs, dtype=np.float64)
    if not features:
        return inputs
    allowed = available_features(inputs.shape[1])
    unknown = [f for f in features if f not in allowed]
    if unknown:
        raise DataError(f"features: {', '.join(unknown)} not available here; "
                        f"choose from {', '.join(allowed)}")
    x1 = inputs[:, 0]
    x2 = inputs[:, 1] if inputs.shape[1] > 1 else None
    make = {"x1^2": lambda: x1 * x1, "sin x1": lambda: np.sin(np.pi * x1)}
    if x2 is not None:
        make.update({"x2^2": lambda: x2 * x2, "x1*x2": lambda: x1 * x2,
                     "sin x2": lambda: np.sin(np.pi * x2)})
    columns = [make[f]() if f in make else inputs[:, int(f[1:]) - 1] for f in features]
    return np.column_stack(columns)


# --- a user's CSV file -----------------------------------------------------------------------

def _cell_value(text: str, where: str) -> float:
    field = text.strip()
    if not field:
        raise DataError(f"{where}: empty value")
    try:
        return read_number(field, message=f"{where}: not a number: {field!r}",
                           range_message=f"{where}: not a finite number: {field!r}")
    except ValueError as error:
        raise DataError(str(error)) from None


def _is_number(text: str) -> bool:
    try:
        read_number(text)
    except ValueError:
        return False
    return True


def _delimiter(line: str) -> str | None:
    for delimiter in (",", ";", "\t"):
        if delimiter in line:
            return delimiter
    return None  # split on whitespace


def load_csv(path: str | Path, validation_share: float = 0.5, seed: int = 0) -> Dataset:
    """Read a CSV of numbers: input columns first, the target in the last column.

    An optional first row of column names is skipped; blank lines and lines starting with
    "#" are ignored; commas, semicolons or tabs separate values. Inputs are rescaled to
    [-1, 1] per column. The task is classification when every target is a whole number and
    there are at most MAX_CSV_CLASSES distinct values (classes are the sorted values);
    otherwise regression. Any problem raises DataError naming the file and line.
    """
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{name}: not a text file") from None
    except OSError as error:
        raise DataError(f"{name}: cannot read the file: {error.strerror or error}") from None
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise DataError(f"{name}: the file is empty")
    delimiter = _delimiter(lines[0][1])
    rows: list[list[float]] = []
    numbers: list[int] = []  # the line each row came from
    header: list[str] = []
    width = None
    for index, (number, line) in enumerate(lines):
        fields = line.split(delimiter)
        if index == 0 and not any(_is_number(f) for f in fields):
            width = len(fields)  # a header row of column names
            header = [f.strip() for f in fields]
            continue
        width = width or len(fields)
        if width < 2:
            raise DataError(f"{name}:{number}: need at least 2 columns (inputs, then the "
                            "target), found 1")
        if len(fields) != width:
            raise DataError(f"{name}:{number}: expected {width} numbers, found {len(fields)}")
        rows.append([_cell_value(f, f"{name}:{number}") for f in fields])
        numbers.append(number)
    if len(rows) < 4:
        raise DataError(f"{name}: need at least 4 rows of numbers, found {len(rows)}")
    table = np.array(rows)
    inputs = _scaled_inputs(table[:, :-1], name, numbers, header)
    targets = table[:, -1]
    values = np.unique(targets)
    if len(values) < 2:
        raise DataError(f"{name}: the target column has only one value ({values[0]:g}); "
                        "there is nothing to learn")
    rng = np.random.default_rng(seed)
    if np.all(values == np.round(values)) and len(values) <= MAX_CSV_CLASSES:
        labels = np.searchsorted(values, targets)
        return _split(name, "classification", inputs, labels, validation_share, rng,
                      len(values), tuple(float(v) for v in values))
    largest = int(np.argmax(np.abs(targets)))
    if abs(targets[largest]) > MAX_CSV_TARGET:
        raise DataError(f"{name}:{numbers[largest]}: the target {targets[largest]:g} is too "
                        f"large to learn: its square, the loss, overflows; scale the target "
                        f"column to at most {MAX_CSV_TARGET:g}")
    return _split(name, "regression", inputs, targets, validation_share, rng)


def _scaled_inputs(inputs: np.ndarray, name: str, numbers: list[int],
                   header: list[str]) -> np.ndarray:
    """Each column rescaled to [-1, 1]; DataError for a column whose values span more than a
    float holds (from -1e308 to 1e308, say), where the scale would overflow to NaN."""
    low, high = inputs.min(axis=0), inputs.max(axis=0)
    with np.errstate(over="ignore"):
        span = high - low
    for column in np.flatnonzero(~np.isfinite(span)):
        lowest, highest = (numbers[int(np.argmin(inputs[:, column]))],
                           numbers[int(np.argmax(inputs[:, column]))])
        called = f" ({header[column]})" if header and header[column] else ""
        raise DataError(f"{name}: column {column + 1}{called} spans more than a number can "
                        f"hold, from {low[column]:g} (line {lowest}) to {high[column]:g} "
                        f"(line {highest}); scale the column down")
    span = np.where(high > low, span, 1.0)
    return (inputs - low) / span * 2.0 - 1.0  # divided first: (inputs - low) * 2 may overflow
