"""What the Training Lab needs around a session: the loop its training thread runs, typed
fields, a snapshot to draw from, the model picture, and the words of its status lines.

A TrainingSession is not thread-safe: the training thread holds a SessionLock for one chunk of steps
at a time, and the Lab takes a `snapshot()` while it holds the lock, then draws from the
snapshot alone. Nothing here imports Textual.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gdtui.training.challenges import SCORES, Challenge, Verdict, judge
from gdtui.training.settings import (
    Settings,
    SettingsError,
    parse_features,
    parse_hidden_layers,
    parse_learning_rate,
)

if TYPE_CHECKING:
    from gdtui.training.session import Change, Evaluation, TrainingSession

# Settings typed as text, and the label a message uses for each.
NUMBER_FIELDS = {"noise": "noise", "validation_share": "validation share",
                 "regularization_rate": "regularization rate"}
WHOLE_FIELDS = {"n_points": "number of points", "batch_size": "batch size"}
CHANGE_LABELS = {"learning_rate": "lr", "optimizer": "", "batch_size": "batch",
                 "regularization": "reg", "regularization_rate": "reg rate",
                 "eval_every": "eval every"}


# --- training from a worker thread -------------------------------------------------------------

SPEEDS = {"fast": None, "medium": 200.0, "slow": 20.0}  # steps per second; None: flat out
CHUNK_SECONDS = 0.01  # flat out, a chunk takes about this long: short enough to feel instant
MAX_CHUNK = 2000
TICK_SECONDS = 0.05  # a slow run takes a few steps, then sleeps, this often


class SessionLock:
    """Guards a session shared by a training thread and the UI thread.

    The trainer holds it for one chunk of steps at a time; `ui()` asks the trainer to step
    aside after its chunk, so the UI never waits longer than one chunk.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ui_waiting = threading.Event()

    @contextmanager
    def ui(self) -> Iterator[None]:
        """Hold the session from the UI thread."""
        self._ui_waiting.set()
        with self._lock:
            self._ui_waiting.clear()
            yield

    @contextmanager
    def chunk(self) -> Iterator[None]:
        """Hold the session from the training thread for one chunk."""
        with self._lock:
            yield
        if self._ui_waiting.is_set():
            time.sleep(0.0005)  # a Lock is not fair: let the waiting UI thread take it first


def train_in_chunks(session: TrainingSession, lock: SessionLock, should_stop: Callable[[], bool],
                    speed: Callable[[], str], stop_at: int,
                    after_chunk: Callable[[], None] = lambda: None) -> str:
    """Train `session` chunk by chunk until told to stop; return why it ended.

    Returns "stopped" (should_stop() said so), "diverged" or "limit" (reached step
    `stop_at`). `speed()` names an entry of SPEEDS and is read before every chunk;
    `after_chunk()` is called after each one (the UI redraws when it sees new data). Only
    the first chunk saves an undo point, so undo goes back to where this run started.
    """
    chunk, first = 1, True
    while not should_stop():
        rate = SPEEDS.get(speed())
        started = time.perf_counter()
        with lock.chunk():
            wanted = chunk if rate is None else max(1, round(rate * TICK_SECONDS))
            wanted = min(wanted, stop_at - session.step)
            if wanted <= 0:
                return "limit"
            taken = session.run(wanted, should_stop=should_stop, save_undo=first)
            diverged = session.status == "diverged"
        first = False
        after_chunk()
        if diverged:
            return "diverged"
        elapsed = time.perf_counter() - started
        if rate is None:
            if taken == wanted:  # size the next chunk to take about CHUNK_SECONDS
                chunk = min(MAX_CHUNK, max(1, int(taken * CHUNK_SECONDS / max(elapsed, 1e-6))))
        else:
            pause_until = started + wanted / rate
            while not should_stop() and time.perf_counter() < pause_until:
                time.sleep(min(TICK_SECONDS, max(0.0, pause_until - time.perf_counter())))
    return "stopped"


# --- the settings panel -------------------------------------------------------------------------

def parse_field(name: str, text: str) -> Any:
    """Read the text typed into the Lab's field for setting `name`.

    Raises SettingsError naming the field when the text is not a value of the right kind;
    range checks are left to Settings.check(), so there is one message for each limit.
    """
    text = text.strip()
    if name == "hidden_layers":
        return parse_hidden_layers(text)
    if name == "features":
        return parse_features(text)
    if name == "learning_rate":
        return parse_learning_rate(text)
    if name in WHOLE_FIELDS:
        try:
            return int(text)
        except ValueError:
            raise SettingsError(name, f"{WHOLE_FIELDS[name]} must be a whole number, "
                                      "like 32") from None
    if name in NUMBER_FIELDS:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise SettingsError(name, f"{NUMBER_FIELDS[name]} must be a number, like 0.1")
        return value
    raise SettingsError(name, f"unknown setting {name!r}")


def field_text(name: str, value: Any) -> str:
    """A setting's value as the Lab's text field shows it (the inverse of parse_field)."""
    if name == "hidden_layers":
        return ",".join(str(n) for n in value) if value else "none"
    if name == "features":
        return ",".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def thin_indices(length: int, max_points: int) -> range | list[int]:
    """Indices of every k-th item of `length` (about `max_points` of them), always the last."""
    if length <= max_points:
        return range(length)
    every = -(-length // max(max_points, 1))
    picked = list(range(0, length, every))
    if picked[-1] != length - 1:
        picked.append(length - 1)
    return picked


@dataclass(frozen=True)
class LossSeries:
    """Evaluations thinned for a chart: steps with the training and validation losses."""

    steps: list[int]
    train: list[float]
    validation: list[float]


def loss_series(evaluations: Sequence[Evaluation], max_points: int) -> LossSeries:
    """About `max_points` evaluations, evenly spread and always with the latest one."""
    chosen = [evaluations[i] for i in thin_indices(len(evaluations), max_points)]
    return LossSeries([e.step for e in chosen], [e.train_loss for e in chosen],
                      [e.validation_loss for e in chosen])


def step_ticks(last_step: int, most: int = 5) -> tuple[list[int], list[str]]:
    """Round steps for a chart's x axis, from 0 to `last_step`, at most `most` past 0.

    The spacing is 1, 2 or 5 times a power of ten; labels are short ("20k" for 20,000).
    """
    spacing = 1
    while last_step / spacing > most:
        # 1, 2, 5, 10, 20, 50, ...
        spacing = spacing * 5 // 2 if str(spacing)[0] == "2" else spacing * 2
    ticks = list(range(0, last_step + 1, spacing))
    short = last_step >= 10_000 and spacing % 1000 == 0
    labels = [f"{t // 1000}k" if short and t else f"{t:,}" for t in ticks]
    return ticks, labels


def change_label(change: Change) -> str:
    """A short label for a chart marker, like "lr 0.3" or "sgd"."""
    prefix = CHANGE_LABELS.get(change.name, change.name.replace("_", " "))
    value = f"{change.new:g}" if isinstance(change.new, float) else str(change.new)
    return f"{prefix} {value}".strip()


@dataclass(frozen=True)
class Snapshot:
    """Everything the Lab draws, copied from a session at one moment."""

    step: int
    epoch: int
    status: str
    message: str
    settings: Settings
    layer_sizes: tuple[int, ...]
    latest: Evaluation
    losses: LossSeries
    changes: list[Change]
    hints: list[str]
    can_undo: bool
    is_classification: bool
    verdict: Verdict | None


def snapshot(session: TrainingSession, max_points: int = 200,
             challenge: Challenge | None = None) -> Snapshot:
    """Copy what the Lab shows from `session` (hold its lock while calling this)."""
    history = session.history
    return Snapshot(
        step=session.step, epoch=session.epoch, status=session.status,
        message=session.message, settings=session.settings,
        layer_sizes=session.network.layer_sizes,
        latest=history.evaluations[-1], losses=loss_series(history.evaluations, max_points),
        changes=list(history.changes), hints=session.hints(), can_undo=session.can_undo,
        is_classification=session.is_classification,
        verdict=judge(challenge, session) if challenge is not None else None)


# --- the model panel --------------------------------------------------------------------------

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


# --- words ------------------------------------------------------------------------------------

def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _loss(value: float) -> str:
    if not math.isfinite(value):
        return "∞" if value > 0 else "NaN"
    return f"{value:.4f}" if value >= 0.001 or value == 0 else f"{value:.1e}"


def status_line(view: Snapshot, steps_per_second: float | None = None) -> str:
    """Two lines of plain words: step, epoch and speed; then losses and accuracy."""
    latest = view.latest
    where = f"step {view.step:,} · epoch {view.epoch:,}"
    if steps_per_second is not None:
        where += f" · {steps_per_second:,.0f} steps/s"
    result = f"loss {_loss(latest.train_loss)} (val {_loss(latest.validation_loss)})"
    if view.is_classification:
        result += (f" · acc {_percent(latest.train_accuracy)} "
                   f"(val {_percent(latest.validation_accuracy)})")
    return f"{where}\n{result}"


def network_text(layer_sizes: Sequence[int], settings: Settings) -> str:
    """Like "2-8-8-1 tanh, adam lr 0.01"."""
    shape = "-".join(str(n) for n in layer_sizes)
    return f"{shape} {settings.activation}, {settings.optimizer} lr {settings.learning_rate:g}"


def activity_line(view: Snapshot) -> str:
    """What a run did, for the activity log: "trained moons to 97.0% validation accuracy"."""
    settings = view.settings
    data = settings.data_file or settings.dataset
    where = f"({view.step:,} steps, {network_text(view.layer_sizes, settings)})"
    if view.status == "diverged":
        return f"diverged on {data} at learning rate {settings.learning_rate:g} {where}"
    if view.is_classification:
        result = f"{_percent(view.latest.validation_accuracy)} validation accuracy"
    else:
        result = f"validation loss {_loss(view.latest.validation_loss)}"
    return f"trained {data} to {result} {where}"


def ranked_score(challenge: Challenge, score: float) -> float:
    """The score as the store ranks it (higher is better): negated when less is better."""
    return score if SCORES[challenge.score][1] else -score


def score_text(challenge: Challenge, ranked: float) -> str:
    """A ranked score in words, like "1,320 steps" or "learning rate 3"."""
    label, more_is_better = SCORES[challenge.score]
    score = ranked if more_is_better else -ranked
    if challenge.score == "learning_rate":
        return f"{label} {score:g}"
    return f"{score:,.0f} {label}"
