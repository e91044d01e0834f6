"""A training session: network, data, optimizer and history, driven one `run(n)` at a time.

Typical use (from a thread worker; a TrainingSession is not thread-safe, so call it from one thread
and post copies of what a screen needs):

    session = TrainingSession(Settings(dataset="spiral", hidden_layers=(16, 16)))
    while not cancelled:
        session.run(50, should_stop=lambda: cancelled, save_undo=first_chunk)
        grid = session.predict_grid(40, 20)
    session.update(learning_rate=0.3)      # keeps weights and history, records the change
    session.rebuild(hidden_layers=(4,))    # a new network: history starts again
    session.change("noise", 0.2)           # either of the two, as SETTING_INFO says; and why
    session.undo()                         # back to just before the last saved run(), or
                                           # after trouble, to the last good moment
    session.set_parameter(1, 0, 2, 0.5)    # a weight by hand (training.units counts them)
    session.switch_unit(1, 2, on=False)    # unit h1.3 has no effect until switched on

Settings, SettingsError, the learning-rate ladder and presets live in training.settings;
Evaluation, Change and History in training.history; what counts as trouble (diverged, stuck) in
training.trouble, and where undo goes back to in training.undo; hints and challenges in
training.hints and training.challenges (they read a session through
training.state.TrainingState, so they need not import this module).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from gdtui.nn.network import MLP, MiniBatches, prepare_targets, with_ones_column
from gdtui.nn.optim import make_optimizer
from gdtui.training.datasets import DataError, Dataset, feature_columns, load_csv, make_dataset
from gdtui.training.hints import hints as session_hints
from gdtui.training.history import Change, Evaluation, History
from gdtui.training.settings import (
    LIVE_SETTINGS,
    SETTING_INFO,
    Settings,
    SettingsError,
    evaluation_interval,
)
from gdtui.training.trouble import (
    Trouble,
    chance_accuracy,
    diverged,
    divergence_limit,
    looks_good,
    pinned_share,
    pinned_units,
    saturated,
    stuck,
)
from gdtui.training.undo import Moment, Moments
from gdtui.training.units import WEIGHT_LIMIT, check_weight, input_names, unit_name, weight_name


class RebuildNeeded(ValueError):
    """`update()` was asked to change a setting that needs a new network."""

    def __init__(self, fields: list[str]) -> None:
        super().__init__(f"changing {', '.join(fields)} needs a new network: use rebuild()")
        self.fields = fields


@dataclass(frozen=True)
class Changed:
    """What `TrainingSession.change()` did: kept the network, or built a new one (and new data).

    `why` says it in the learner's words, like "new network: the hidden layers changed"; it is
    "" when the value was the one the session had, and nothing changed.
    """

    rebuilt: bool
    new_data: bool
    why: str


@dataclass(frozen=True)
class Grid:
    """The network's answer on an nx-by-ny grid of raw inputs, for the decision-region panel.

    Row j is at height `ys[j]` (row 0 is the bottom), column i at `xs[i]`. Classification
    fills `classes` (ny, nx) and `probabilities` (ny, nx, n_classes); regression fills
    `values` (ny, nx). For mse on classes, "probabilities" are the outputs clipped to [0, 1].
    """

    xs: np.ndarray
    ys: np.ndarray
    extent: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max
    classes: np.ndarray | None = None
    probabilities: np.ndarray | None = None
    values: np.ndarray | None = None


def class_probabilities(outputs: np.ndarray, loss_name: str) -> np.ndarray:
    """Class probabilities, shape (n, n_classes), from the outputs of a network trained with
    the loss `loss_name` (softmax, sigmoid, or for mse the outputs clipped to [0, 1])."""
    if loss_name == "mse":
        clipped = np.clip(outputs, 0.0, 1.0)
        if outputs.shape[1] == 1:
            return np.column_stack([1.0 - clipped[:, 0], clipped[:, 0]])
        total = clipped.sum(axis=1, keepdims=True)
        return np.where(total > 0, clipped / np.where(total > 0, total, 1.0),
                        1.0 / outputs.shape[1])
    if outputs.shape[1] == 1:
        p = 0.5 * (1.0 + np.tanh(0.5 * outputs[:, 0]))  # sigmoid, overflow-free
        return np.column_stack([1.0 - p, p])
    shifted = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


class TrainingSession:
    """Owns the network, the data, the optimizer and the history of one training run."""

    def __init__(self, settings: Settings | None = None, dataset: Dataset | None = None):
        """Build everything from `settings` (checked; SettingsError or DataError if bad).

        `dataset` may be passed in to skip making or loading one. A new network keeps the
        data unless a setting that makes data changed (a CSV is not read again for it).
        """
        self._given_dataset = dataset
        self._build((settings or Settings()).check())

    # --- building -------------------------------------------------------------------------

    def _build(self, settings: Settings) -> None:
        dataset = self._given_dataset
        if dataset is None:
            if settings.data_file:
                dataset = load_csv(settings.data_file, settings.validation_share, settings.seed)
            else:
                dataset = make_dataset(settings.dataset, settings.n_points, settings.noise,
                                       settings.validation_share, settings.seed)
        loss = settings.loss
        if loss == "auto":
            loss = "cross_entropy" if dataset.kind == "classification" else "mse"
        if loss == "cross_entropy" and dataset.kind != "classification":
            raise SettingsError("loss", f"loss: cross-entropy is for classification, and "
                                        f"{dataset.name} is a regression dataset; use mse")
        try:
            train_inputs = feature_columns(dataset.train_inputs, settings.features)
            validation_inputs = feature_columns(dataset.validation_inputs, settings.features)
        except DataError as error:
            raise SettingsError("features", str(error)) from None
        n_outputs = dataset.n_classes if dataset.n_classes > 2 else 1
        self.settings = settings
        self.dataset = dataset
        self.loss_name = loss
        self.network = MLP((train_inputs.shape[1], *settings.hidden_layers, n_outputs),
                           settings.activation, settings.seed)
        self.optimizer = make_optimizer(settings.optimizer, settings.learning_rate)
        # the network's inputs: the chosen feature columns of the raw points
        self.train_features = train_inputs
        self._validation_inputs = with_ones_column(validation_inputs)
        self._train_targets = prepare_targets(dataset.train_targets, loss, n_outputs)
        self._validation_targets = prepare_targets(dataset.validation_targets, loss, n_outputs)
        self._batches = MiniBatches(with_ones_column(train_inputs), self._train_targets,
                                    settings.batch_size, np.random.default_rng([settings.seed, 2]))
        self.history = History()
        self._extent: tuple[float, ...] | None = None  # of the data: made once, when asked
        self.step = 0
        self.trouble: Trouble | None = None  # why the run stopped by itself, if it did
        self._undo = Moments()  # where undo goes back to (training.undo)
        # units switched off: their outgoing weights, kept to put back when switched on
        self._off: dict[tuple[int, int], np.ndarray] = {}
        self._keep: np.ndarray | None = None  # 0 where a weight is held at 0, else 1
        self._chance = (chance_accuracy(dataset.train_targets) if dataset.kind == "classification"
                        else 0.0)
        first = self.evaluate()
        if not (math.isfinite(first.train_loss) and math.isfinite(first.validation_loss)):
            # (a CSV is checked as it is read; this catches any data that slips past)
            raise DataError(f"{dataset.name}: the loss is not a finite number even before "
                            "training: the data's values are too large to learn from")
        self.history.add(first)
        self.starting_loss = first.train_loss
        self._given_dataset = dataset

    def rebuild(self, loaded: Dataset | None = None, **changes: Any) -> None:
        """Apply any setting changes and start over with a new network and an empty history.

        `loaded` is the data file's points when they were read beforehand (a big CSV is read
        in a worker), with the validation share and seed of the settings.
        Raises SettingsError (or DataError for a bad CSV) and then keeps the current session.
        """
        settings = self.settings.replace(**changes)
        current = dict(self.__dict__)
        if any(SETTING_INFO[name].new_data for name in changes):
            self._given_dataset = loaded
        try:
            self._build(settings)
        except ValueError:
            self.__dict__.update(current)
            raise

    def reset(self) -> None:
        """Start again with the same settings: the same seed gives the same first weights."""
        self.rebuild()

    # --- training -------------------------------------------------------------------------

    def update(self, **changes: Any) -> list[Change]:
        """Change settings that keep the network (see LIVE_SETTINGS) without losing history.

        Each real change is recorded in `history.changes`. Raises SettingsError for a bad
        value and RebuildNeeded for settings that need `rebuild()`; nothing changes then.
        """
        structural = sorted(name for name in changes if name not in LIVE_SETTINGS)
        known = set(Settings.__dataclass_fields__)
        unknown = [name for name in structural if name not in known]
        if unknown:
            raise SettingsError(unknown[0], f"unknown setting {unknown[0]!r}")
        if structural:
            raise RebuildNeeded(structural)
        settings = self.settings.replace(**changes)
        recorded = []
        for name in sorted(changes):
            old, new = getattr(self.settings, name), getattr(settings, name)
            if old != new:
                recorded.append(Change(self.step, name, old, new))
        if recorded and self._is_good():
            # just before a change: if the new rate wrecks the run, undo comes back here
            self._undo.good = self._moment()
        if "optimizer" in changes and settings.optimizer != self.settings.optimizer:
            self.optimizer = make_optimizer(settings.optimizer, settings.learning_rate)
        self.optimizer.learning_rate = settings.learning_rate
        self._batches.batch_size = settings.batch_size
        self.settings = settings
        self.history.changes.extend(recorded)
        return recorded

    def change(self, name: str, value: Any, loaded: Dataset | None = None) -> Changed:
        """Set one setting: live when it keeps the network (SETTING_INFO[name].live), else
        with a new network and an empty history (and new data when the setting makes data).
        A new data file's points may be `loaded` already (see rebuild).

        Raises SettingsError (or DataError for a bad CSV) and then keeps the current session.
        """
        info = SETTING_INFO.get(name)
        if info is None:
            raise SettingsError(name, f"unknown setting {name!r}")
        if value == getattr(self.settings, name):
            return Changed(rebuilt=False, new_data=False, why="")
        if info.live:
            self.update(**{name: value})
            return Changed(rebuilt=False, new_data=False,
                           why=f"the {info.label} changed: the network and its history are kept")
        if name == "data_file":
            return self._new_data_file(value, loaded)
        self.rebuild(**{name: value})
        what = "new data and a new network" if info.new_data else "new network"
        return Changed(rebuilt=True, new_data=info.new_data,
                       why=f"{what}: the {info.label} changed")

    def _new_data_file(self, path: str | None, loaded: Dataset | None) -> Changed:
        """Learn from the CSV at `path` (its points `loaded` already, or None), or with None
        from the dataset again; features the new data has no column for give way to the raw
        inputs (and the reason says so)."""
        features = self.settings.features
        try:
            self.rebuild(loaded, data_file=path)
            dropped = ""
        except SettingsError as error:
            if error.field != "features" or not features:
                raise
            self.rebuild(loaded, data_file=path, features=())
            dropped = (f"; the features {','.join(features)} do not fit it, so the network "
                       "takes the raw inputs")
        shape = "-".join(str(n) for n in self.network.layer_sizes)
        data = (self.dataset.summary if path is not None
                else f"back to the {self.settings.dataset} dataset")
        return Changed(rebuilt=True, new_data=True,
                       why=f"new data and a new network {shape}: {data}{dropped}")

    def needs_rebuild(self, name: str, value: Any) -> bool:
        """True when `change(name, value)` would build a new network (so a run pauses first)."""
        info = SETTING_INFO.get(name)
        return info is not None and not info.live and value != getattr(self.settings, name)

    def run(self, n_steps: int, should_stop: Callable[[], bool] | None = None,
            save_undo: bool = True) -> int:
        """Train for up to `n_steps` mini-batch steps; return how many were taken.

        Evaluates on all points every `evaluation_interval` steps. Stops early when
        `should_stop()` returns True (checked before every step), or by itself on trouble
        (see training.trouble): when the loss diverges (the step that diverged is not
        applied) or the network is stuck; then `trouble` (and `status`, `message`) say so, and
        `undo()` goes back to the last good moment before it. With `save_undo`, `undo()` can
        return to this moment; a worker running one long run in chunks saves only before its
        first chunk.
        """
        if self.trouble is not None or n_steps <= 0:
            return 0
        if save_undo:
            self._save_undo_point()
        network, optimizer, batches = self.network, self.optimizer, self._batches
        parameters, gradients = [network.parameter_vector], [network.gradient_vector]
        keep = self._keep  # (None unless a unit is off: then its weights out stay 0)
        loss_name, settings = self.loss_name, self.settings
        regularization, rate = settings.regularization, settings.regularization_rate
        regularize = regularization != "none" and rate != 0.0
        history, interval = self.history, self.evaluation_interval
        limit = divergence_limit(self.starting_loss)
        taken = 0
        with np.errstate(all="ignore"):  # overflow is reported as divergence, not a warning
            while taken < n_steps:
                if should_stop is not None and should_stop():
                    break
                inputs, targets = batches.next()
                loss = network.compute_gradients(inputs, targets, loss_name)
                if not loss <= limit:  # also true for NaN
                    self._stop(diverged(loss, self.step + 1, settings))
                    break
                if regularize:
                    network.add_regularization(regularization, rate)
                if keep is not None:
                    gradients[0] *= keep
                optimizer.step(parameters, gradients)
                if keep is not None:
                    parameters[0] *= keep
                history.batch_loss = loss
                taken += 1
                self.step += 1
                if self.step % interval == 0 and self._evaluated():
                    break
        return taken

    def _evaluated(self) -> bool:
        """Evaluate on all points and look at the result: True when the network is stuck.

        While the run goes well, a good moment is kept now and then (training.undo)."""
        history = self.history
        history.add(self.evaluate())
        if saturated(history.recent, self.starting_loss):
            hidden = sum(self.settings.hidden_layers)
            units = pinned_units(self.network, self.train_features) if hidden else 0
            self._stop(stuck(history.latest, history.first, self.settings, self._chance,
                             self.dataset.n_classes, units, hidden))
            return True
        if self._undo.good_is_due(history.count) and self._is_good():
            self._undo.good = self._moment()
        return False

    def _stop(self, trouble: Trouble) -> None:
        """Training stops by itself; undo goes back to the last good moment before it."""
        self.trouble = trouble
        self._undo.after_trouble()

    @property
    def status(self) -> str:
        """"ok", or the kind of trouble that stopped the run: "diverged" or "stuck"."""
        return "ok" if self.trouble is None else self.trouble.kind

    @property
    def message(self) -> str:
        """What stopped the run, like "diverged: the loss became infinite"; "" if nothing."""
        return "" if self.trouble is None else self.trouble.message

    # --- undo -----------------------------------------------------------------------------

    def _moment(self) -> Moment:
        """A copy of everything training changes, to come back to."""
        return Moment(
            self.settings, self.network.parameter_vector.copy(), copy.deepcopy(self.optimizer),
            self._batches.snapshot(), self.step, self.trouble, self.history.copy(),
            {unit: weights.copy() for unit, weights in self._off.items()})

    def _is_good(self) -> bool:
        """True when the session is a moment worth going back to (training.trouble.looks_good)."""
        history = self.history
        return self.trouble is None and looks_good(history.latest, history.lowest_train_loss,
                                                   self.starting_loss)

    def _save_undo_point(self) -> None:
        self._undo.save(self._moment(), good=self._is_good())

    @property
    def can_undo(self) -> bool:
        """True when there is a saved moment to go back to."""
        return bool(self._undo)

    @property
    def undo_step(self) -> int | None:
        """The step `undo()` goes back to, or None when there is nothing to undo."""
        return self._undo.step

    def undo(self) -> bool:
        """Go back to just before the last saved run(): weights, optimizer, settings, history.

        After trouble, go back to the last good moment before it instead (see run()). Returns
        False when there is nothing to undo.
        """
        point = self._undo.pop()
        if point is None:
            return False
        self.settings = point.settings
        self.network.parameter_vector[...] = point.parameters
        self.optimizer = point.optimizer
        self._batches = point.batches
        self.step, self.trouble = point.step, point.trouble
        self.history = point.history
        self._off = point.switched_off
        self._keep = self._keep_mask()
        return True

    # --- changing the network by hand -----------------------------------------------------

    @property
    def switched_off(self) -> frozenset[tuple[int, int]]:
        """The hidden units switched off, as (layer, unit) (see switch_unit)."""
        return frozenset(self._off)

    def set_parameter(self, layer: int, source: int, target: int, value: float) -> Change:
        """Set one weight by hand: from unit `source` of layer `layer - 1` into unit `target`
        of layer `layer` (0 is the inputs; `source` equal to that layer's width is the
        bias: see training.units). Returns the change recorded: a marker on the chart.

        Undo takes it back, and the network is measured again at once, so the loss and
        accuracy it costs show. ValueError, said for the learner, for a weight that does
        not exist, a value that is not a number from -WEIGHT_LIMIT to WEIGHT_LIMIT, or a
        weight out of a unit switched off (it is held at 0).
        """
        sizes = self.network.layer_sizes
        check_weight(sizes, layer, source, target)
        value = float(value)
        if not -WEIGHT_LIMIT <= value <= WEIGHT_LIMIT:  # (also refuses nan)
            raise ValueError(f"a weight must be a number from {-WEIGHT_LIMIT:g} to "
                             f"{WEIGHT_LIMIT:g}")
        if (layer - 1, source) in self._off:
            name = unit_name(sizes, self._inputs, layer - 1, source)
            raise ValueError(f"{name} is switched off, so its weights out stay 0: switch it "
                             "on first")
        block = self.network.blocks[layer - 1]
        old = float(block[source, target])
        self._save_undo_point()
        block[source, target] = value
        return self._changed_by_hand(weight_name(sizes, self._inputs, layer, source, target),
                                     old, value)

    def switch_unit(self, layer: int, unit: int, on: bool | None = None) -> Change:
        """Switch hidden unit `unit` of layer `layer` off (on=False), on (True) or over
        (None). While off, its weights out are 0 and training keeps them there, so it has
        no effect on the output; switched on, they come back as they were. Returns the change
        recorded (a marker); undo takes it back. ValueError for a unit that is not hidden."""
        sizes = self.network.layer_sizes
        if not 0 < layer < len(sizes) - 1 or not 0 <= unit < sizes[layer]:
            raise ValueError("only a hidden unit can be switched off")
        is_off = (layer, unit) in self._off
        if on is None:
            on = is_off
        if on != is_off:
            raise ValueError(f"{unit_name(sizes, self._inputs, layer, unit)} is "
                             f"{'on' if on else 'off'} already")
        self._save_undo_point()
        outgoing = self.network.blocks[layer][unit]  # its weights into the next layer
        if on:
            outgoing[...] = self._off.pop((layer, unit))
        else:
            self._off[(layer, unit)] = outgoing.copy()
            outgoing[...] = 0.0
        self._keep = self._keep_mask()
        return self._changed_by_hand(unit_name(sizes, self._inputs, layer, unit),
                                     "off" if on else "on", "on" if on else "off")

    @property
    def _inputs(self) -> tuple[str, ...]:
        return input_names(self.settings.features, self.network.n_inputs)

    def _keep_mask(self) -> np.ndarray | None:
        """1 for every parameter training may move, 0 for the weights out of units switched
        off; None when no unit is off (training then pays nothing)."""
        if not self._off:
            return None
        sizes = self.network.layer_sizes
        starts = np.cumsum([0, *((n + 1) * m for n, m in pairwise(sizes))])
        keep = np.ones_like(self.network.parameter_vector)
        for layer, unit in self._off:  # block `layer` holds the weights out of that layer
            width = sizes[layer + 1]
            start = starts[layer] + unit * width
            keep[start:start + width] = 0.0
        return keep

    def _changed_by_hand(self, name: str, old: Any, new: Any) -> Change:
        change = Change(self.step, name, old, new, by_hand=True)
        self.history.changes.append(change)
        self.history.add(self.evaluate())  # what it costs shows at once
        return change

    # --- looking at the network -----------------------------------------------------------

    @property
    def epoch(self) -> int:
        """Which pass over the training data the steps are in (1 from the first step; 0 before)."""
        return self._batches.epoch

    @property
    def is_classification(self) -> bool:
        """True when the targets are classes."""
        return self.dataset.kind == "classification"

    @property
    def n_points(self) -> int:
        """How many points the data has, training and validation."""
        return len(self.dataset.train_targets) + len(self.dataset.validation_targets)

    @property
    def evaluation_interval(self) -> int:
        """Steps between two evaluations on all points (see settings.evaluation_interval)."""
        return evaluation_interval(self.settings.eval_every, self.n_points)

    def _measure(self, inputs_with_ones: np.ndarray, targets: np.ndarray, labels: np.ndarray,
                 pinned: bool = False) -> tuple[float, float | None, float | None]:
        """Loss, accuracy (None for regression) and, if asked, the share of pinned outputs
        (None unless cross-entropy) on some points."""
        loss, outputs = self.network.loss_and_outputs(inputs_with_ones, targets, self.loss_name)
        if not self.is_classification:
            return loss, None, None
        accuracy = int(np.count_nonzero(self.classes_from_outputs(outputs) == labels)) / len(labels)
        return loss, accuracy, pinned_share(outputs, self.loss_name) if pinned else None

    def classes_from_outputs(self, outputs: np.ndarray) -> np.ndarray:
        """Predicted class per row of network outputs."""
        if outputs.shape[1] > 1:
            return outputs.argmax(axis=1)
        threshold = 0.0 if self.loss_name == "cross_entropy" else 0.5  # logit 0 = 50 %
        return (outputs[:, 0] > threshold).astype(np.int64)

    def evaluate(self) -> Evaluation:
        """Loss and accuracy of the current network on all training and validation points."""
        with np.errstate(all="ignore"):
            train = self._measure(self._batches.inputs, self._train_targets,
                                  self.dataset.train_targets, pinned=True)
            validation = self._measure(self._validation_inputs, self._validation_targets,
                                       self.dataset.validation_targets)
        return Evaluation(self.step, train[0], validation[0], train[1], validation[1], train[2])

    def probabilities(self, outputs: np.ndarray) -> np.ndarray:
        """Class probabilities, shape (n, n_classes), from network outputs."""
        return class_probabilities(outputs, self.loss_name)

    def extent(self) -> tuple[float, ...]:
        """(min, max) per raw input over all points, padded by 5 %: x_min, x_max[, y_min, y_max]."""
        if self._extent is None:
            inputs = self.dataset.inputs
            low, high = inputs.min(axis=0), inputs.max(axis=0)
            pad = 0.05 * np.maximum(high - low, 1e-9)
            self._extent = tuple(float(v) for pair in zip(low - pad, high + pad, strict=True)
                                 for v in pair)
        return self._extent

    def predict_grid(self, nx: int, ny: int) -> Grid:
        """Evaluate the network on an nx-by-ny grid over the data (2 raw inputs only)."""
        if self.dataset.n_inputs != 2:
            raise ValueError("the decision-region panel needs data with 2 inputs")
        x_min, x_max, y_min, y_max = self.extent()
        xs, ys = np.linspace(x_min, x_max, nx), np.linspace(y_min, y_max, ny)
        grid_x, grid_y = np.meshgrid(xs, ys)
        raw = np.column_stack([grid_x.ravel(), grid_y.ravel()])
        with np.errstate(all="ignore"):
            outputs = self.network.forward(feature_columns(raw, self.settings.features))
            extent = (x_min, x_max, y_min, y_max)
            if not self.is_classification:
                return Grid(xs, ys, extent, values=outputs[:, 0].reshape(ny, nx))
            probabilities = self.probabilities(outputs)
        classes = self.classes_from_outputs(outputs).reshape(ny, nx)
        return Grid(xs, ys, extent, classes, probabilities.reshape(ny, nx, -1))

    def predict_curve(self, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
        """The fitted curve (xs, ys) of a 1-input regression, over the data's extent."""
        if self.dataset.n_inputs != 1 or self.is_classification:
            raise ValueError("a fitted curve needs regression data with 1 input")
        x_min, x_max = self.extent()
        xs = np.linspace(x_min, x_max, n)
        with np.errstate(all="ignore"):
            outputs = self.network.forward(feature_columns(xs[:, None], self.settings.features))
        return xs, outputs[:, 0]

    def hints(self) -> list[str]:
        """Plain-language hints about the run so far (see training.hints.hints)."""
        return session_hints(self)
