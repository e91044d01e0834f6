"""What the Training Lab shows: a snapshot of a session, a frame to draw (the snapshot, the
history's record of evaluations and maybe the model picture), the loss series for its chart,
and the words of its status lines.

A `snapshot()` or `make_frame()` is taken while the session's lock is held; everything drawn
comes from that copy alone. Nothing here imports Textual.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from gdtui.training.challenges import SCORES, Challenge, Verdict, judge
from gdtui.training.digits_picture import DigitsPicture
from gdtui.training.history import Change, Evaluation
from gdtui.training.insides import Insides, make_insides, unit_picture
from gdtui.training.picture import Curve, Regions, model_picture
from gdtui.training.settings import SETTING_INFO, Settings
from gdtui.training.trouble import Trouble

if TYPE_CHECKING:
    from gdtui.training.session import TrainingSession

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
    info = SETTING_INFO.get(change.name)
    prefix = info.marker_label if info else change.name.replace("_", " ")
    value = f"{change.new:g}" if isinstance(change.new, float) else str(change.new)
    return f"{prefix} {value}".strip()


@dataclass(frozen=True)
class Snapshot:
    """Everything the Lab draws, copied from a session at one moment."""

    step: int
    epoch: int
    status: str
    message: str
    trouble: Trouble | None  # why the run stopped by itself, with the settings of that moment
    settings: Settings
    layer_sizes: tuple[int, ...]
    latest: Evaluation
    evaluation_interval: int  # steps between two evaluations on all points
    best: Evaluation  # the lowest validation loss so far: where an overfitting curve turns up
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
        message=session.message, trouble=session.trouble, settings=session.settings,
        layer_sizes=session.network.layer_sizes,
        latest=history.latest, evaluation_interval=session.evaluation_interval,
        best=history.best or history.latest,
        losses=loss_series(history.evaluations, max_points),
        changes=list(history.changes), hints=session.hints(), can_undo=session.can_undo,
        is_classification=session.is_classification,
        verdict=judge(challenge, session) if challenge is not None else None)


@dataclass(frozen=True)
class FrameRequest:
    """What the Lab asks the next frame to hold: the verdict on `challenge` (if any), and a
    model picture of `picture_size` (columns, rows), or None to keep the one on screen.

    `unit` (layer, unit) asks for that unit's output as the picture instead of the
    network's answer (see training.units); `insides` asks for the network's insides with
    maps of that size (columns, rows), for the network view."""

    picture_size: tuple[int, int] | None
    challenge: Challenge | None = None
    unit: tuple[int, int] | None = None
    insides: tuple[int, int] | None = None


@dataclass(frozen=True)
class Frame:
    """Everything the Lab draws at one moment, copied out of a session: later training does not
    change it, so it can be drawn without the session's lock."""

    view: Snapshot
    evaluations: tuple[Evaluation, ...]  # the history's record: the chart thins it its own way
    picture: Regions | Curve | DigitsPicture | None
    picture_size: tuple[int, int] | None  # None: this frame has no new picture
    insides: Insides | None = None  # None: no network view to draw, or keep the last


def make_frame(session: TrainingSession, request: FrameRequest) -> Frame:
    """Copy a frame out of `session` as `request` asks (hold its lock while calling this)."""
    size, unit, sizes = request.picture_size, request.unit, session.network.layer_sizes
    if unit is not None and not (unit[0] < len(sizes) and unit[1] < sizes[unit[0]]):
        unit = None  # (asked for just before a new network came)
    picture = None
    if size is not None:
        picture = (unit_picture(session, *unit, *size) if unit is not None
                   else model_picture(session, *size))
    insides = make_insides(session, *request.insides) if request.insides else None
    return Frame(view=snapshot(session, 2, request.challenge),  # the chart thins its own
                 evaluations=tuple(session.history.evaluations),
                 picture=picture, picture_size=size, insides=insides)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _loss(value: float) -> str:
    if not math.isfinite(value):
        return "∞" if value > 0 else "NaN"
    return f"{value:.4f}" if value >= 0.001 or value == 0 else f"{value:.1e}"


def status_line(view: Snapshot, steps_per_second: float | None = None) -> str:
    """Two lines of plain words: step, epoch and speed; then losses and accuracy.

    A run that stopped by itself says why on the first line instead: "stuck at step 3,240:
    outputs pinned at 0 or 1"."""
    latest = view.latest
    where = f"step {view.step:,} · epoch {view.epoch:,}"
    if steps_per_second is not None:
        where += f" · {steps_per_second:,.0f} steps/s"
    if view.trouble is not None:
        where = f"{view.trouble.kind} at step {view.trouble.step:,}: {view.trouble.short}"
    result = f"loss {_loss(latest.train_loss)} (val {_loss(latest.validation_loss)})"
    if view.is_classification:
        result += (f" · acc {_percent(latest.train_accuracy)} "
                   f"(val {_percent(latest.validation_accuracy)})")
    return f"{where}\n{result}"


def network_text(layer_sizes: Sequence[int], settings: Settings) -> str:
    """Like "2-8-8-1 tanh, adam lr 0.01"."""
    shape = "-".join(str(n) for n in layer_sizes)
    return f"{shape} {settings.activation}, {settings.optimizer} lr {settings.learning_rate:g}"


def model_title(view: Snapshot) -> str:
    """The model panel's title: "model 3-8-8-1 tanh, adam lr 0.01", then the data file's name
    when the network learns from one ("· points.csv")."""
    title = f"model {network_text(view.layer_sizes, view.settings)}"
    data_file = view.settings.data_file
    return f"{title} · {PurePath(data_file).name}" if data_file else title


def hand_change_line(change: Change, before: Evaluation, after: Evaluation) -> str:
    """What a change by hand cost, like "h1.3 off: loss 0.2100 → 0.4500, acc 97.0% → 81.0%;
    u undoes it" (`before` and `after`: the evaluations either side of it)."""
    what = (f"{change.name} {change.new}" if isinstance(change.new, str)
            else f"{change.name} = {change.new:g}")
    text = f"{what}: loss {_loss(before.train_loss)} → {_loss(after.train_loss)}"
    if after.train_accuracy is not None:
        text += f", acc {_percent(before.train_accuracy)} → {_percent(after.train_accuracy)}"
    return f"{text}; u undoes it"


TROUBLE_WORDS = {"diverged": "diverged", "stuck": "got stuck"}


def activity_line(view: Snapshot) -> str:
    """What a run did, for the activity log: "trained moons to 97.0% validation accuracy".

    A run that stopped by itself is told with the settings it stopped at (the learning rate
    that did it), even if the learner changed them since."""
    trouble = view.trouble
    settings = view.settings if trouble is None else trouble.settings
    data = settings.data_file or settings.dataset
    where = f"({view.step:,} steps, {network_text(view.layer_sizes, settings)})"
    if trouble is not None:
        return (f"{TROUBLE_WORDS[trouble.kind]} on {data} at learning rate "
                f"{settings.learning_rate:g} {where}")
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
