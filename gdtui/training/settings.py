"""Training settings: what each one means (SETTING_INFO), the dataclass, checks with
field-named messages, presets.

Screens show `SettingsError.field` next to the input that needs fixing and
`str(error)` as the message.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gdtui.nn.functions import ACTIVATIONS
from gdtui.nn.optim import OPTIMIZERS
from gdtui.numbers import next_rung, read_number
from gdtui.training.datasets import (
    DATASETS,
    FEATURES,
    OVERFIT_PRESET,
    REGRESSION_DATASETS,
    available_features,
    dataset_inputs,
)
from gdtui.training.digits import N_IMAGES

LEARNING_RATE_LADDER = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
LOSS_CHOICES = ("auto", "mse", "cross_entropy")  # auto: cross_entropy to classify, else mse
REGULARIZATIONS = ("none", "l1", "l2")
MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 64  # the digits' 64 inputs want as many; the toy data needs far fewer
MAX_BATCH_SIZE = 1000
POINTS_RANGE = (10, 5000)
VALIDATION_SHARE_RANGE = (0.1, 0.9)
MAX_EVAL_EVERY = 10_000
# An evaluation runs the network on every point. Up to this many points, it comes every
# eval_every steps (at 500, a quarter of the training thread's time); on more points, less
# often, so that it never costs more a step (evaluation_interval).
EVALUATED_POINTS = 500

HIDDEN_LAYERS_HELP = (f"hidden layers: use up to {MAX_HIDDEN_LAYERS} numbers from 1 to "
                      f"{MAX_UNITS}, like 8,8")


class SettingsError(ValueError):
    """A setting has a value it cannot take. `field` names the setting."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


# --- what each setting means ---------------------------------------------------------------------

def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


@dataclass(frozen=True)
class SettingInfo:
    """What one setting means: its names, its tip, what values it takes, what changing it does.

    `kind` is "choice" (one of `choices`), "whole" or "number" (from `low` to `high`; with
    `above_low`, more than `low`), or "text" (a value its own parser reads and `valid` checks).
    `rule` is what a learner is told when a value is refused (a choice builds its own). A
    `live` setting changes mid-run and keeps the network; any other needs a new network, and
    one with `new_data` also makes new data points. `group` is the part of the Lab's panel it
    is shown in (None: only on the command line or in presets).
    """

    label: str  # in messages: "number of points"
    short: str  # on the Lab's controls: "points"
    tip: str
    kind: str
    rule: str = ""
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    above_low: bool = False
    valid: Callable[[Any], bool] | None = None
    live: bool = False
    new_data: bool = False
    marker: str | None = None  # on a chart marker when it changes mid-run ("lr"); None: label
    group: str | None = None

    @property
    def message(self) -> str:
        """What a learner is told when a value is refused."""
        if self.kind == "choice":
            return f"{self.label}: choose one of {', '.join(self.choices)}"
        return self.rule

    @property
    def marker_label(self) -> str:
        """The words a chart marker puts before the new value ("" for just the value)."""
        return self.label if self.marker is None else self.marker

    def allows(self, value: Any) -> bool:
        """True when `value` is of this setting's kind and within its limits."""
        if self.kind == "choice":
            return value in self.choices
        if self.kind == "text":
            return self.valid is None or self.valid(value)
        if not (_is_whole(value) if self.kind == "whole" else _is_number(value)):
            return False
        if self.low is not None and (value <= self.low if self.above_low else value < self.low):
            return False
        return self.high is None or value <= self.high


def _is_path_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, str) and bool(value.strip()))


def _are_features(value: Any) -> bool:
    return isinstance(value, tuple) and all(f in FEATURES for f in value)


def _are_hidden_layers(value: Any) -> bool:
    return (isinstance(value, tuple) and len(value) <= MAX_HIDDEN_LAYERS
            and all(_is_whole(n) and 1 <= n <= MAX_UNITS for n in value))


SETTING_INFO: dict[str, SettingInfo] = {
    "dataset": SettingInfo(
        label="dataset", short="dataset", tip="the points to learn", kind="choice",
        choices=DATASETS, new_data=True, group="Data"),
    "data_file": SettingInfo(
        label="data file", short="data file", tip="a CSV file to learn from instead",
        kind="text", rule="data file: give the path of a CSV file", valid=_is_path_or_none,
        new_data=True),
    "n_points": SettingInfo(
        label="number of points", short="points",
        tip=f"how many points, {POINTS_RANGE[0]} to {POINTS_RANGE[1]}", kind="whole",
        rule=f"number of points: use a whole number from {POINTS_RANGE[0]} to "
             f"{POINTS_RANGE[1]}",
        low=POINTS_RANGE[0], high=POINTS_RANGE[1], new_data=True, group="Data"),
    "noise": SettingInfo(
        label="noise", short="noise", tip="jitter of the points, 0 to 1", kind="number",
        rule="noise must be a number from 0 to 1", low=0, high=1, new_data=True, group="Data"),
    "validation_share": SettingInfo(
        label="validation share", short="validation",
        tip=f"share of points kept aside to check on, {VALIDATION_SHARE_RANGE[0]} to "
            f"{VALIDATION_SHARE_RANGE[1]}", kind="number",
        rule=f"validation share must be a number from {VALIDATION_SHARE_RANGE[0]} to "
             f"{VALIDATION_SHARE_RANGE[1]}",
        low=VALIDATION_SHARE_RANGE[0], high=VALIDATION_SHARE_RANGE[1], new_data=True,
        group="Data"),
    "features": SettingInfo(
        label="features", short="features",
        tip="inputs of the network, like x1,x2,x1^2 (empty: x1,x2)", kind="text",
        rule=f"features: choose from {', '.join(FEATURES)}", valid=_are_features,
        group="Data"),
    "hidden_layers": SettingInfo(
        label="hidden layers", short="hidden",
        tip="units per hidden layer, like 8,8; none for none", kind="text",
        rule=HIDDEN_LAYERS_HELP, valid=_are_hidden_layers, group="Network"),
    "activation": SettingInfo(
        label="activation", short="activation", tip="the function each hidden unit applies",
        kind="choice", choices=ACTIVATIONS, group="Network"),
    "loss": SettingInfo(
        label="loss", short="loss", tip="auto: cross-entropy for classes, mse for numbers",
        kind="choice", choices=LOSS_CHOICES, group="Network"),
    "optimizer": SettingInfo(
        label="optimizer", short="optimizer", tip="how a gradient becomes a step",
        kind="choice", choices=OPTIMIZERS, live=True, marker="", group="Training"),
    "learning_rate": SettingInfo(
        label="learning rate", short="learn rate",
        tip="size of each step; [ and ] move along the ladder", kind="number",
        rule="learning rate must be a positive number", low=0, above_low=True, live=True,
        marker="lr", group="Training"),
    "batch_size": SettingInfo(
        label="batch size", short="batch", tip=f"points per step, 1 to {MAX_BATCH_SIZE}",
        kind="whole", rule=f"batch size: use a whole number from 1 to {MAX_BATCH_SIZE}",
        low=1, high=MAX_BATCH_SIZE, live=True, marker="batch", group="Training"),
    "regularization": SettingInfo(
        label="regularization", short="regularize", tip="a penalty on large weights",
        kind="choice", choices=REGULARIZATIONS, live=True, marker="reg", group="Training"),
    "regularization_rate": SettingInfo(
        label="regularization rate", short="reg. rate", tip="strength of the penalty",
        kind="number", rule="regularization rate must be a number of at least 0", low=0,
        live=True, marker="reg rate", group="Training"),
    "seed": SettingInfo(
        label="seed", short="seed", tip="the same seed gives the same points and first weights",
        kind="whole", rule="seed must be a whole number of at least 0", low=0,
        high=2**32 - 1, new_data=True),
    "eval_every": SettingInfo(
        label="evaluation interval", short="eval every",
        tip=f"steps between two evaluations on all points (times points/{EVALUATED_POINTS} "
            f"on more than {EVALUATED_POINTS} points)", kind="whole",
        rule=f"evaluation interval: use a whole number of steps from 1 to {MAX_EVAL_EVERY}",
        low=1, high=MAX_EVAL_EVERY, live=True, marker="eval every"),
}
# Changing these keeps the network and the history; anything else needs a new network.
LIVE_SETTINGS = frozenset(name for name, info in SETTING_INFO.items() if info.live)


def evaluation_interval(eval_every: int, n_points: int) -> int:
    """Steps between two evaluations on all `n_points` points (training and validation).

    `eval_every` up to EVALUATED_POINTS points; above, eval_every × ⌈n_points / 500⌉, so an
    evaluation costs no more a step than at 500 points: 5,000 points are evaluated every 100
    steps, a CSV of 20,000 every 400 (with eval_every 10).
    """
    return eval_every * max(1, -(-n_points // EVALUATED_POINTS))


@dataclass(frozen=True)
class Settings:
    """Everything that decides a training run. `Settings.check()` explains bad values.

    `data_file`, when set, is a CSV to learn from instead of `dataset` (see
    training.datasets.load_csv).
    `features` empty means the raw inputs. `hidden_layers` lists units per hidden layer.
    """

    dataset: str = "moons"
    data_file: str | None = None
    n_points: int = 500
    noise: float = 0.1
    validation_share: float = 0.5
    features: tuple[str, ...] = ()
    hidden_layers: tuple[int, ...] = (8, 8)
    activation: str = "tanh"
    loss: str = "auto"
    optimizer: str = "adam"
    learning_rate: float = 0.01
    batch_size: int = 32
    regularization: str = "none"
    regularization_rate: float = 0.001
    seed: int = 0
    eval_every: int = 10

    def check(self) -> Settings:
        """Return self if every value is allowed, else raise SettingsError for the first bad one."""
        _check_settings(self)
        return self

    def replace(self, **changes: Any) -> Settings:
        """A checked copy with `changes` applied (unknown names raise SettingsError)."""
        return settings_from_dict({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v
                for k, v in dataclasses.asdict(self).items()}


def _check_settings(s: Settings) -> None:
    for name, info in SETTING_INFO.items():
        if name == "dataset" and s.data_file is not None:
            continue  # the data file is learned from instead
        if not info.allows(getattr(s, name)):
            raise SettingsError(name, info.message)
    if len(set(s.features)) != len(s.features):
        raise SettingsError("features", "features: each feature can be chosen once")
    if s.data_file is None:
        if s.dataset == "digits" and s.n_points > N_IMAGES:
            raise SettingsError("n_points", f"number of points: digits has {N_IMAGES:,} images; "
                                            f"use at most {N_IMAGES}")
        if s.dataset == "digits" and s.features:
            raise SettingsError("features", "features: digits learns from its 64 pixels as "
                                            "they are; leave features empty")
        allowed = available_features(dataset_inputs(s.dataset))
        extra = [f for f in s.features if f not in allowed]
        if extra:
            raise SettingsError("features", f"features: {', '.join(extra)} not available for "
                                            f"{s.dataset}; choose from {', '.join(allowed)}")
        if s.loss == "cross_entropy" and s.dataset in REGRESSION_DATASETS:
            raise SettingsError("loss", f"loss: cross-entropy is for classification, and "
                                        f"{s.dataset} is a regression dataset; use mse")


def settings_from_dict(values: dict[str, Any]) -> Settings:
    """Build checked Settings from a dict such as a saved preset; missing keys keep defaults."""
    names = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise SettingsError(unknown[0], f"unknown setting {unknown[0]!r}")
    values = dict(values)
    for name in ("features", "hidden_layers"):
        if isinstance(values.get(name), list):
            values[name] = tuple(values[name])
    for name, info in SETTING_INFO.items():
        if info.kind == "number" and _is_whole(values.get(name)):
            values[name] = float(values[name])
    return Settings(**values).check()


# --- text fields, as typed into a screen or on the command line --------------------------------

def parse_hidden_layers(text: str) -> tuple[int, ...]:
    """Read "8,8" (or "8 8") as (8, 8); "" or "none" or "0" mean no hidden layer."""
    cleaned = text.replace(",", " ").split()
    if cleaned in ([], ["none"], ["0"]):
        return ()
    if len(cleaned) > MAX_HIDDEN_LAYERS:
        raise SettingsError("hidden_layers", HIDDEN_LAYERS_HELP)
    try:
        return tuple(int(read_number(part, low=1, high=MAX_UNITS, whole=True))
                     for part in cleaned)
    except ValueError:
        raise SettingsError("hidden_layers", HIDDEN_LAYERS_HELP) from None


def parse_features(text: str) -> tuple[str, ...]:
    """Read "x1,x2,x1^2" as ("x1", "x2", "x1^2"); "" means the raw inputs."""
    features = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        raise SettingsError("features", f"features: unknown {', '.join(unknown)}; choose from "
                                        f"{', '.join(FEATURES)}")
    return features


def parse_learning_rate(text: str) -> float:
    """Read a learning rate such as "0.03" or "3e-2"."""
    try:
        return read_number(text, "learning rate", positive=True)
    except ValueError as error:
        raise SettingsError("learning_rate", str(error)) from None


# --- the learning-rate ladder -------------------------------------------------------------------

def learning_rate_up(learning_rate: float) -> float:
    """The next rung of LEARNING_RATE_LADDER above `learning_rate` (the top stays the top)."""
    return next_rung(LEARNING_RATE_LADDER, learning_rate, +1, always_a_rung=True)


def learning_rate_down(learning_rate: float) -> float:
    """The next rung of LEARNING_RATE_LADDER below `learning_rate` (the bottom stays)."""
    return next_rung(LEARNING_RATE_LADDER, learning_rate, -1, always_a_rung=True)


# --- presets: plain dicts, so the app can save its own next to these ---------------------------

RANDOM_GUESS = "random guess"
DIGITS_DATA = {"dataset": "digits", "n_points": N_IMAGES, "noise": 0.0, "validation_share": 0.25}

PRESETS: dict[str, dict[str, Any]] = {
    "default": Settings().to_dict(),
    "overfit me": {**Settings().to_dict(), **OVERFIT_PRESET, "hidden_layers": [16, 16, 16],
                   "learning_rate": 0.001, "batch_size": 20},
    "circle, no hidden layer": {**Settings().to_dict(), "dataset": "circle",
                                "features": ["x1^2", "x2^2"], "hidden_layers": [],
                                "learning_rate": 0.03},
    "spiral": {**Settings().to_dict(), "dataset": "spiral", "noise": 0.05,
               "hidden_layers": [16, 16, 16], "activation": "relu", "learning_rate": 0.01},
    "sine wave": {**Settings().to_dict(), "dataset": "sine", "hidden_layers": [8, 8]},
    # Lesson 1's "watch a random network guess": the default network on moons, with a seed whose
    # first weights score a coin toss (48.8%, validation 50.0%, loss 0.69 = ln 2), where seed 0
    # already scores 88.8%. Picked by measuring the first 1,000 seeds (tests/test_lab_truth.py);
    # it learns the moons to 99% validation accuracy in 500 steps.
    RANDOM_GUESS: {**Settings().to_dict(), "seed": 534},
    # Real handwritten digits: all 1,797 images, a quarter kept to check on. It passes 95%
    # validation accuracy within 250 steps, a fraction of a second (tests/test_digits.py).
    "digits": {**Settings().to_dict(), **DIGITS_DATA, "hidden_layers": [32]},
}


def preset_settings(name: str) -> Settings:
    """The settings of a built-in preset, by name (a lesson link can name one: SettingsError
    for a name that is not one)."""
    if name not in PRESETS:
        raise SettingsError("preset", f"preset: choose one of {', '.join(PRESETS)}")
    return settings_from_dict(PRESETS[name])

