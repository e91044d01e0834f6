"""The model panel's picture: decision regions over 2-D data, or a fitted curve.

Built from a session while its lock is held; the result is plain data (NumPy arrays and
lists) that the panel draws. Nothing here imports Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
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
    """

    colours: np.ndarray  # (ny, nx), row 0 at the bottom
    strengths: np.ndarray  # (ny, nx)
    points: Points
    n_colours: int


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


def _regions(session: TrainingSession, nx: int, ny: int) -> Regions:
    grid = session.predict_grid(nx, ny)
    dataset = session.dataset
    x_min, x_max, y_min, y_max = grid.extent
    inputs = dataset.inputs
    columns = np.floor((inputs[:, 0] - x_min) / (x_max - x_min) * nx).astype(int)
    rows = np.floor((inputs[:, 1] - y_min) / (y_max - y_min) * ny).astype(int)
    if grid.classes is not None and grid.probabilities is not None:
        n_colours = grid.probabilities.shape[-1]
        chance = 1.0 / n_colours
        sureness = (grid.probabilities.max(axis=-1) - chance) / (1.0 - chance)
        colours, point_colours = grid.classes, dataset.targets.astype(int)
    else:
        n_colours = 2
        middle, half_span = _middle_and_half_span(dataset.targets)
        values = np.nan_to_num(grid.values - middle)
        sureness = np.abs(values) / half_span
        colours = (values > 0).astype(int)
        point_colours = (dataset.targets > middle).astype(int)
    strengths = np.clip(np.rint(np.nan_to_num(sureness) * (SHADE_LEVELS - 1)), 0, SHADE_LEVELS - 1)
    points = Points(np.clip(columns, 0, nx - 1), np.clip(rows, 0, ny - 1), point_colours,
                    np.arange(len(inputs)) >= len(dataset.train_inputs))
    return Regions(colours, strengths.astype(int), points, n_colours)


def model_picture(session: TrainingSession, nx: int, ny: int) -> Regions | Curve | None:
    """The model panel's picture: regions for 2-D data, a curve for 1-input regression."""
    dataset = session.dataset
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
