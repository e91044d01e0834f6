"""The model panel's picture: decision regions over 2-D data, a fitted curve, or for the
handwritten digits the digits panel's picture (training/digits_picture.py).

Built from a session while its lock is held; the result is plain data (NumPy arrays and
lists) that the panel draws. Nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gdtui.training.digits_picture import DigitsPicture, digits_picture, is_digits

if TYPE_CHECKING:
    from gdtui.training.datasets import Dataset
    from gdtui.training.session import TrainingSession

SHADE_LEVELS = 4  # how many strengths of colour the decision regions use


@dataclass(frozen=True)
class Points:
    """The data points placed on the cells of a picture (row 0 at the bottom).

    `colours` is the class of each point, or for regression 0 (below the middle of the
    targets) and 1 (above). `validation` is True for a validation point.
    """

    columns: np.ndarray
    rows: np.ndarray
    colours: np.ndarray
    validation: np.ndarray


@dataclass(frozen=True)
class Regions:
    """What the network answers over 2-D data, one cell per grid point, and the data on top.

    Each cell has a colour (the predicted class; for regression 0 low, 1 high) and a
    strength from 0 (unsure, or near the middle value) to SHADE_LEVELS - 1 (sure, or extreme).
    `marks` is the colour of the data point a cell shows (-1: none), `hollow` True where it is
    a validation point: a training point hides a validation point in its cell, and of two
    points of one kind the later one shows.
    """

    colours: np.ndarray  # (ny, nx), row 0 at the bottom
    strengths: np.ndarray  # (ny, nx)
    points: Points
    n_colours: int
    marks: np.ndarray | None = None  # (ny, nx); None: worked out from the points
    hollow: np.ndarray | None = None  # (ny, nx)

    def __post_init__(self) -> None:
        if self.marks is None or self.hollow is None:
            ny, nx = self.colours.shape
            marks, hollow = _marks(self.points, nx, ny)
            object.__setattr__(self, "marks", marks)  # (frozen: set once, here)
            object.__setattr__(self, "hollow", hollow)


@dataclass(frozen=True)
class Curve:
    """A fitted curve of 1-input regression with the data points to compare it with."""

    xs: list[float]
    ys: list[float]
    train_x: list[float]
    train_y: list[float]
    validation_x: list[float]
    validation_y: list[float]


def _middle_and_half_span(values: np.ndarray) -> tuple[float, float]:
    low, high = float(values.min()), float(values.max())
    return (low + high) / 2, max((high - low) / 2, 1e-9)


def _marks(points: Points, nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """The point each cell shows (see Regions), for all points at once: a CSV of 20,000 points
    is placed in a millisecond, where a loop in Python took tens."""
    order = np.argsort(~points.validation, kind="stable")  # validation points first
    cells = (points.rows * nx + points.columns)[order]
    # the last point of `order` in each cell is the first of the reversed order
    shown_cells, first = np.unique(cells[::-1], return_index=True)
    shown = order[len(order) - 1 - first]
    marks = np.full(nx * ny, -1, dtype=np.int64)
    marks[shown_cells] = points.colours[shown]
    hollow = np.zeros(nx * ny, dtype=bool)
    hollow[shown_cells] = points.validation[shown]
    return marks.reshape(ny, nx), hollow.reshape(ny, nx)


def _place_points(dataset: Dataset, extent: tuple[float, ...], nx: int,
                  ny: int) -> tuple[Points, np.ndarray, np.ndarray]:
    """The data points on an nx-by-ny picture of `extent`, and the marks they make."""
    x_min, x_max, y_min, y_max = extent
    inputs, targets = dataset.inputs, dataset.targets
    columns = np.floor((inputs[:, 0] - x_min) / (x_max - x_min) * nx).astype(int)
    rows = np.floor((inputs[:, 1] - y_min) / (y_max - y_min) * ny).astype(int)
    if dataset.kind == "classification":
        point_colours = targets.astype(int)
    else:
        point_colours = (targets > _middle_and_half_span(targets)[0]).astype(int)
    points = Points(np.clip(columns, 0, nx - 1), np.clip(rows, 0, ny - 1), point_colours,
                    np.arange(len(inputs)) >= len(dataset.train_inputs))
    return (points, *_marks(points, nx, ny))


# The points stay put while the network learns: the last placement is kept, by data and size.
_placed: list = [None]


def placed_points(dataset: Dataset, extent: tuple[float, ...], nx: int,
                  ny: int) -> tuple[Points, np.ndarray, np.ndarray]:
    """The data points on an nx-by-ny picture of `extent` and the marks they make, placed
    once per data and size."""
    last = _placed[0]
    if last is None or last[0] is not dataset or last[1] != (nx, ny):
        last = _placed[0] = (dataset, (nx, ny), _place_points(dataset, extent, nx, ny))
    return last[2]


def _regions(session: TrainingSession, nx: int, ny: int) -> Regions:
    grid = session.predict_grid(nx, ny)
    dataset = session.dataset
    points, marks, hollow = placed_points(dataset, grid.extent, nx, ny)
    if grid.classes is not None and grid.probabilities is not None:
        n_colours = grid.probabilities.shape[-1]
        chance = 1.0 / n_colours
        sureness = (grid.probabilities.max(axis=-1) - chance) / (1.0 - chance)
        colours = grid.classes
    else:
        n_colours = 2
        middle, half_span = _middle_and_half_span(dataset.targets)
        values = np.nan_to_num(grid.values - middle)
        sureness = np.abs(values) / half_span
        colours = (values > 0).astype(int)
    strengths = np.clip(np.rint(np.nan_to_num(sureness) * (SHADE_LEVELS - 1)), 0, SHADE_LEVELS - 1)
    return Regions(colours, strengths.astype(int), points, n_colours, marks, hollow)


def model_picture(session: TrainingSession, nx: int,
                  ny: int) -> Regions | Curve | DigitsPicture | None:
    """The model panel's picture: regions for 2-D data, a curve for 1-input regression, the
    digits panel's picture for the handwritten digits (whatever the panel's size)."""
    dataset = session.dataset
    if is_digits(dataset):
        return digits_picture(session)
    if dataset.n_inputs == 2:
        return _regions(session, nx, ny)
    if dataset.n_inputs == 1 and not session.is_classification:
        xs, ys = session.predict_curve(max(2 * nx, 20))
        finite = np.isfinite(ys)
        return Curve(xs[finite].tolist(), ys[finite].tolist(),
                     dataset.train_inputs[:, 0].tolist(), dataset.train_targets.tolist(),
                     dataset.validation_inputs[:, 0].tolist(),
                     dataset.validation_targets.tolist())
    return None
