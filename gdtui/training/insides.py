"""The network's insides, for the Lab's network view: each unit's output over the input plane
as a small map of shade levels, every weight and bias with its slope, the units switched off,
and the names a learner reads ("x2", "h1.3", "out").

Layers, units and weights are counted as training.units says.

`make_insides` copies all of it out of a session while its lock is held (training.view
make_frame), so the view draws plain data, never the live network. Nothing here imports
Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gdtui.training.datasets import feature_columns
from gdtui.training.picture import SHADE_LEVELS, Curve, Regions, placed_points
from gdtui.training.units import input_names, unit_name, weight_name

if TYPE_CHECKING:
    from gdtui.training.session import TrainingSession

MAP_LEVELS = 5  # shades of a unit's tiny map, from its lowest output to its highest
# |weight| at which a weight counts as weak, medium, strong (below the first: about 0)
WEIGHT_SIZES = (0.05, 0.5, 1.5)
WIDE_LAYER = 16  # a layer of inputs wider than this is summarised ("64 inputs")
SLOPE_OF = "training set"  # what the slopes are measured on (all of it), for the view to say


def weight_size(value: float) -> int:
    """0 (about zero), 1 weak, 2 medium, 3 strong: how the view draws a weight's size."""
    return int(np.searchsorted(WEIGHT_SIZES, abs(value), side="right"))


@dataclass(frozen=True)
class Insides:
    """The network at one moment, copied: what the network view draws.

    `blocks[layer - 1]` holds the weights into `layer`, shape (fan_in + 1, fan_out), the last
    row the biases; `slopes` the same shapes: dL/dw of the training loss (the penalty
    included) on all training points, the slope training follows. `maps[layer]` is (units,
    ny, nx) of levels 0..MAP_LEVELS-1 (row 0 at the bottom), or None when that layer has no
    map (data without 2 inputs has none; 1 input gives strips, ny = 1).
    """

    layer_sizes: tuple[int, ...]
    names: tuple[tuple[str, ...], ...]
    blocks: tuple[np.ndarray, ...]
    slopes: tuple[np.ndarray, ...]
    maps: tuple[np.ndarray | None, ...]
    switched_off: frozenset[tuple[int, int]]
    step: int

    def name(self, layer: int, unit: int) -> str:
        """A unit's name (see unit_name)."""
        return self.names[layer][unit]

    def weight_name(self, layer: int, source: int, target: int) -> str:
        """A weight's name (see weight_name)."""
        return weight_name(self.layer_sizes, self.names[0], layer, source, target)

    def weight(self, layer: int, source: int, target: int) -> float:
        """The value of a weight (or bias)."""
        return float(self.blocks[layer - 1][source, target])

    def slope(self, layer: int, source: int, target: int) -> float:
        """dL/dw of a weight (or bias) on all training points."""
        return float(self.slopes[layer - 1][source, target])

    def is_off(self, layer: int, unit: int) -> bool:
        """True when the unit is switched off."""
        return (layer, unit) in self.switched_off

    def summarised(self, layer: int) -> bool:
        """True for a layer of inputs too wide to draw unit by unit ("64 inputs")."""
        return layer == 0 and self.layer_sizes[0] > WIDE_LAYER


def _grid_points(session: TrainingSession, nx: int, ny: int) -> np.ndarray | None:
    """Raw inputs on an nx-by-ny grid over the data (a row of nx for 1 input); None when the
    data has more inputs than a plane."""
    extent = session.extent()
    if len(extent) == 4:
        xs, ys = np.linspace(extent[0], extent[1], nx), np.linspace(extent[2], extent[3], ny)
        grid_x, grid_y = np.meshgrid(xs, ys)
        return np.column_stack([grid_x.ravel(), grid_y.ravel()])
    if len(extent) == 2:
        return np.linspace(extent[0], extent[1], nx)[:, None]
    return None


def _range(values: np.ndarray, kind: str) -> tuple[float, float]:
    """The span a layer's outputs are shaded over: the activation's own range where it has
    one, else the span they take on the grid."""
    fixed = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "probability": (0.0, 1.0)}
    if kind in fixed:
        return fixed[kind]
    finite = values[np.isfinite(values)]
    if kind == "relu":
        return 0.0, max(float(finite.max()) if finite.size else 0.0, 1e-9)
    top = float(np.abs(finite).max()) if finite.size else 0.0
    return -max(top, 1e-9), max(top, 1e-9)


def _levels(values: np.ndarray, low: float, high: float, levels: int) -> np.ndarray:
    share = (np.nan_to_num(values, nan=low) - low) / (high - low)
    return np.clip(np.rint(share * (levels - 1)), 0, levels - 1).astype(np.int8)


def layer_outputs(session: TrainingSession, raw: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """Every layer's outputs at the raw inputs `raw` (n, d), with the kind of range to shade
    them over: the features, each hidden layer's activations, then the output as the learner
    reads it (a probability for classes, else the value)."""
    features = feature_columns(raw, session.settings.features)
    with np.errstate(all="ignore"):
        trace = session.network.trace(features)
        outputs = trace.activations[-1]
        if session.is_classification:
            probabilities = session.probabilities(outputs)
            shown = probabilities[:, 1:] if outputs.shape[1] == 1 else probabilities
            out = (shown, "probability")
        else:
            out = (outputs, "targets")
    hidden = [(a, session.settings.activation) for a in trace.activations[:-1]]
    return [(features, "features"), *hidden, out]


def make_insides(session: TrainingSession, nx: int, ny: int) -> Insides:
    """Copy the network's insides out of `session` (hold its lock): weights, slopes, and maps
    of nx by ny grid points (nx for 1 input; none for more than 2)."""
    network = session.network
    sizes = network.layer_sizes
    inputs = input_names(session.settings.features, sizes[0])
    names = tuple(tuple(unit_name(sizes, inputs, layer, unit) for unit in range(width))
                  for layer, width in enumerate(sizes))
    raw = _grid_points(session, nx, ny)
    maps: list[np.ndarray | None] = [None] * len(sizes)
    if raw is not None:
        rows = ny if raw.shape[1] == 2 else 1
        targets = session.dataset.targets
        for layer, (values, kind) in enumerate(layer_outputs(session, raw)):
            if kind == "targets":
                low, high = float(targets.min()), float(targets.max())
                low, high = (low, high) if high > low else (low - 1.0, low + 1.0)
            elif kind == "features":
                low = values.min(axis=0, keepdims=True)
                high = np.maximum(values.max(axis=0, keepdims=True), low + 1e-9)
            else:
                low, high = _range(values, kind)
            levels = _levels(values, low, high, MAP_LEVELS)  # (points, units)
            maps[layer] = levels.T.reshape(levels.shape[1], rows, -1)
    return Insides(sizes, names, tuple(block.copy() for block in network.blocks),
                   tuple(training_slope(session)), tuple(maps),
                   frozenset(session.switched_off), session.step)


def training_slope(session: TrainingSession) -> list[np.ndarray]:
    """dL/dw for every weight and bias on all training points, the penalty included: the
    slope training follows (a batch's is this plus noise). One array per layer of weights,
    shaped like `network.blocks`; the network's own gradient is not touched."""
    network, settings = session.network, session.settings
    with np.errstate(all="ignore"):
        trace = network.trace(session.train_features, session.dataset.train_targets,
                              session.loss_name)
    gradients = trace.gradients or []
    blocks = [np.vstack([w, b[None, :]]) for w, b in zip(gradients[::2], gradients[1::2],
                                                         strict=True)]
    rate = settings.regularization_rate
    if settings.regularization != "none" and rate:
        for block, weights in zip(blocks, network.weights, strict=True):
            penalty = 2.0 * rate * weights if settings.regularization == "l2" else \
                rate * np.sign(weights)
            block[:-1] += penalty
    return blocks


def unit_picture(session: TrainingSession, layer: int, unit: int, nx: int,
                 ny: int) -> Regions | Curve | None:
    """One unit's output drawn large, as the model panel draws the network's answer: over
    2-D data, regions (+ above the middle of its range, - below, stronger further out) with
    the data on top; over 1 input, its curve; None for more inputs."""
    raw = _grid_points(session, nx, ny)
    if raw is None:
        return None
    values, kind = layer_outputs(session, raw)[layer]
    column = values[:, unit]
    if raw.shape[1] == 1:
        finite = np.isfinite(column)
        return Curve(raw[finite, 0].tolist(), column[finite].tolist(), [], [], [], [])
    if kind == "targets":
        low, high = float(session.dataset.targets.min()), float(session.dataset.targets.max())
    elif kind == "features":
        low, high = float(column.min()), float(column.max())
    else:
        low, high = _range(values, kind)
    middle, half = (low + high) / 2, max((high - low) / 2, 1e-9)
    centred = np.nan_to_num(column - middle).reshape(ny, nx)
    strengths = np.clip(np.rint(np.abs(centred) / half * (SHADE_LEVELS - 1)), 0,
                        SHADE_LEVELS - 1).astype(int)
    points, marks, hollow = placed_points(session.dataset, session.extent(), nx, ny)
    n_colours = max(session.dataset.n_classes, 2) if session.is_classification else 2
    return Regions((centred > 0).astype(int), strengths, points, n_colours, marks, hollow)


def selection_text(insides: Insides, layer: int, unit: int, source: int | None) -> str:
    """One line on what is selected: a weight's value and slope, or what the unit is."""
    name = insides.name(layer, unit)
    if insides.summarised(layer):
        return f"the {insides.layer_sizes[0]} inputs, too many to draw one by one"
    if layer == 0:
        drawn = "; its map is its value over the plane" if insides.maps[0] is not None else ""
        return f"{name}: an input{drawn}"
    off = f"{name} is off (o: on) · " if insides.is_off(layer, unit) else ""
    if source is None:
        return f"{off}{name}"
    value, slope = insides.weight(layer, source, unit), insides.slope(layer, source, unit)
    return (f"{off}{insides.weight_name(layer, source, unit)} = {value + 0.0:+.3f}, slope "
            f"{slope + 0.0:+.2g} ({SLOPE_OF})")
