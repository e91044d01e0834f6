"""Training settings: the dataclass, its limits, checks with field-named messages, presets.

Screens show `SettingsError.field` next to the input that needs fixing and
`str(error)` as the message. `gdtui.training.session` re-exports everything here.
"""

from __future__ import annotations

import dataclasses
import math
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
)

LEARNING_RATE_LADDER = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
LOSS_CHOICES = ("auto", "mse", "cross_entropy")  # auto: cross_entropy to classify, else mse
REGULARIZATIONS = ("none", "l1", "l2")
MAX_HIDDEN_LAYERS = 6
MAX_UNITS = 16
MAX_BATCH_SIZE = 1000
POINTS_RANGE = (10, 5000)
VALIDATION_SHARE_RANGE = (0.1, 0.9)
# Changing these keeps the network and the history; anything else needs a new network.
LIVE_SETTINGS = frozenset(
    {"learning_rate", "optimizer", "batch_size", "regularization", "regularization_rate",
     "eval_every"})

HIDDEN_LAYERS_HELP = (f"hidden layers: use up to {MAX_HIDDEN_LAYERS} numbers from 1 to "
                      f"{MAX_UNITS}, like 8,8")


class SettingsError(ValueError):
    """A setting has a value it cannot take. `field` names the setting."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


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


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _choose(field_name: str, value: Any, choices: tuple[str, ...], label: str) -> None:
    if value not in choices:
        raise SettingsError(field_name, f"{label}: choose one of {', '.join(choices)}")


def _check_settings(s: Settings) -> None:
    if s.data_file is None:
        _choose("dataset", s.dataset, DATASETS, "dataset")
    elif not (isinstance(s.data_file, str) and s.data_file.strip()):
        raise SettingsError("data_file", "data file: give the path of a CSV file")
    low, high = POINTS_RANGE
    if not (_is_whole(s.n_points) and low <= s.n_points <= high):
        raise SettingsError("n_points", f"number of points: use a whole number from {low} to "
                                        f"{high}")
    if not (_is_number(s.noise) and 0 <= s.noise <= 1):
        raise SettingsError("noise", "noise must be a number from 0 to 1")
    low, high = VALIDATION_SHARE_RANGE
    if not (_is_number(s.validation_share) and low <= s.validation_share <= high):
        raise SettingsError("validation_share",
                            f"validation share must be a number from {low} to {high}")
    hidden = s.hidden_layers
    if not (isinstance(hidden, tuple) and len(hidden) <= MAX_HIDDEN_LAYERS
            and all(_is_whole(n) and 1 <= n <= MAX_UNITS for n in hidden)):
        raise SettingsError("hidden_layers", HIDDEN_LAYERS_HELP)
    _choose("activation", s.activation, ACTIVATIONS, "activation")
    _choose("loss", s.loss, LOSS_CHOICES, "loss")
    _choose("optimizer", s.optimizer, OPTIMIZERS, "optimizer")
    if not (_is_number(s.learning_rate) and s.learning_rate > 0):
        raise SettingsError("learning_rate", "learning rate must be a positive number")
    if not (_is_whole(s.batch_size) and 1 <= s.batch_size <= MAX_BATCH_SIZE):
        raise SettingsError("batch_size",
                            f"batch size: use a whole number from 1 to {MAX_BATCH_SIZE}")
    _choose("regularization", s.regularization, REGULARIZATIONS, "regularization")
    if not (_is_number(s.regularization_rate) and s.regularization_rate >= 0):
        raise SettingsError("regularization_rate",
                            "regularization rate must be a number of at least 0")
    if not (_is_whole(s.seed) and 0 <= s.seed < 2**32):
        raise SettingsError("seed", "seed must be a whole number of at least 0")
    if not (_is_whole(s.eval_every) and 1 <= s.eval_every <= 10_000):
        raise SettingsError("eval_every",
                            "evaluation interval: use a whole number of steps from 1 to 10000")
    if not (isinstance(s.features, tuple) and all(f in FEATURES for f in s.features)):
        raise SettingsError("features", f"features: choose from {', '.join(FEATURES)}")
    if len(set(s.features)) != len(s.features):
        raise SettingsError("features", "features: each feature can be chosen once")
    if s.data_file is None:
        allowed = available_features(1 if s.dataset == "sine" else 2)
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
    for name in ("noise", "validation_share", "learning_rate", "regularization_rate"):
        if _is_whole(values.get(name)):
            values[name] = float(values[name])
    return Settings(**values).check()


# --- text fields, as typed into a screen or on the command line --------------------------------

def parse_hidden_layers(text: str) -> tuple[int, ...]:
    """Read "8,8" (or "8 8") as (8, 8); "" or "none" or "0" mean no hidden layer."""
    cleaned = text.replace(",", " ").split()
    if cleaned in ([], ["none"], ["0"]):
        return ()
    try:
        layers = tuple(int(part) for part in cleaned)
    except ValueError:
        raise SettingsError("hidden_layers", HIDDEN_LAYERS_HELP) from None
    if len(layers) > MAX_HIDDEN_LAYERS or not all(1 <= n <= MAX_UNITS for n in layers):
        raise SettingsError("hidden_layers", HIDDEN_LAYERS_HELP)
    return layers


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
}

