"""Challenges: a goal, the settings it starts from, and a pure judge of a session against it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gdtui.training.settings import DIGITS_DATA, Settings, settings_from_dict
from gdtui.training.state import TrainingState

# What a score measures, and whether more is better.
SCORES = {"steps": ("steps", False), "learning_rate": ("learning rate", True),
          "hidden_units": ("hidden units", False)}


@dataclass(frozen=True)
class Challenge:
    """One challenge.

    `start` holds the settings to begin with (a preset dict). `locked` settings must keep
    their value from `start`; `steady` settings must not change mid-run. The goal is met at
    the first evaluation, within `max_steps`, where `metric` ("validation_accuracy": at least
    `threshold`; "validation_loss": at most) is reached. `score` says what is compared
    between successful attempts (see SCORES). With `max_hidden_units`, the network may have
    at most that many hidden units in all.
    """

    id: str
    title: str
    goal: str
    start: dict[str, Any]
    metric: str
    threshold: float
    max_steps: int
    score: str = "steps"
    locked: tuple[str, ...] = ("dataset", "data_file", "n_points", "noise", "validation_share")
    steady: tuple[str, ...] = field(default=())
    max_hidden_units: int | None = None

    def settings(self) -> Settings:
        """The starting settings."""
        return settings_from_dict(self.start)


@dataclass(frozen=True)
class Verdict:
    """The judge's answer: passed or not, the score when passed, and a sentence."""

    passed: bool
    score: float | None
    message: str


CHALLENGES: tuple[Challenge, ...] = (
    Challenge("spiral-sprint", "Spiral sprint",
              "Reach 95% validation accuracy on the spiral in under 3000 steps.",
              {"dataset": "spiral", "noise": 0.05, "hidden_layers": [8, 8]},
              "validation_accuracy", 0.95, 3000),
    Challenge("bold-steps", "Bold steps",
              "Find the largest learning rate on the ladder at which plain SGD still learns the "
              "circle: 90% validation accuracy within 1000 steps, without changing it mid-run.",
              {"dataset": "circle", "optimizer": "sgd", "learning_rate": 0.01},
              "validation_accuracy", 0.90, 1000, score="learning_rate",
              locked=("dataset", "data_file", "n_points", "noise", "validation_share",
                      "optimizer", "hidden_layers", "activation", "features"),
              steady=("learning_rate",)),
    Challenge("tiny-brain", "Tiny brain",
              "Get 95% validation accuracy on xor with as few hidden units as you can, "
              "using only x1 and x2 as inputs.",
              {"dataset": "xor", "hidden_layers": [8, 8]},
              "validation_accuracy", 0.95, 5000, score="hidden_units",
              locked=("dataset", "data_file", "n_points", "noise", "validation_share",
                      "features")),
    Challenge("feature-engineer", "Feature engineer",
              "Classify the circle with no hidden layer at all: 95% validation accuracy. "
              "Pick the right input features.",
              {"dataset": "circle", "hidden_layers": []},
              "validation_accuracy", 0.95, 3000,
              locked=("dataset", "data_file", "n_points", "noise", "validation_share",
                      "hidden_layers")),
    Challenge("wave-rider", "Wave rider",
              "Fit the sine curve: validation loss at most 0.02 within 300 steps.",
              {"dataset": "sine", "hidden_layers": [8]},
              "validation_loss", 0.02, 300),
    Challenge("digit-reader", "Digit reader",
              "Read real handwritten digits: 97% validation accuracy with at most 16 hidden "
              "units in all, within 3000 steps.",
              {**DIGITS_DATA, "hidden_layers": [32]},
              "validation_accuracy", 0.97, 3000, max_hidden_units=16),
)


def challenge_by_id(challenge_id: str) -> Challenge:
    """The challenge with this id (KeyError if none)."""
    for challenge in CHALLENGES:
        if challenge.id == challenge_id:
            return challenge
    raise KeyError(challenge_id)


def _format(metric: str, value: float) -> str:
    return f"{value:.1%}" if metric == "validation_accuracy" else f"{value:.4f}"


def judge(challenge: Challenge, session: TrainingState) -> Verdict:
    """Judge a session against a challenge; reads the session, changes nothing."""
    start, settings = challenge.settings(), session.settings
    for name in challenge.locked:
        if getattr(settings, name) != getattr(start, name):
            if name == "data_file" and start.data_file is None:
                return Verdict(False, None, f"this challenge learns the {start.dataset} "
                                            "dataset: empty the data file")
            return Verdict(False, None, f"{name.replace('_', ' ')} must stay "
                                        f"{getattr(start, name)!r} for this challenge")
    units = sum(settings.hidden_layers)
    if challenge.max_hidden_units is not None and units > challenge.max_hidden_units:
        return Verdict(False, None, f"use at most {challenge.max_hidden_units} hidden units in "
                                    f"all (this network has {units})")
    for change in session.history.changes:
        if change.by_hand:
            return Verdict(False, None, f"{change.name} was changed by hand at step "
                                        f"{change.step}: a challenge is won by training; "
                                        "undo it, or reset")
        if change.name in challenge.steady:
            return Verdict(False, None, f"{change.name.replace('_', ' ')} was changed mid-run "
                                        f"at step {change.step}; keep it steady from the start")
    metric, threshold = challenge.metric, challenge.threshold
    label = metric.replace("_", " ")
    # only the evaluations within max_steps, however long the session: a challenge's run
    # stops there, and the record keeps every one of them (KEPT_EVALUATIONS covers it)
    evaluations = session.history.up_to(challenge.max_steps)
    values = [getattr(e, metric) for e in evaluations]
    better_is_higher = metric == "validation_accuracy"
    for evaluation, value in zip(evaluations, values, strict=True):
        reached = value >= threshold if better_is_higher else value <= threshold
        if reached:
            return Verdict(True, _score(challenge, session, evaluation.step),
                           f"done: {label} {_format(metric, value)} at step {evaluation.step}")
    goal = f"goal {_format(metric, threshold)} within {challenge.max_steps} steps"
    if session.status != "ok":
        return Verdict(False, None, f"not yet: {session.status}, undo and try again ({goal})")
    best = max(values) if better_is_higher else min(values)
    return Verdict(False, None, f"not yet: best {label} so far {_format(metric, best)} ({goal})")


def _score(challenge: Challenge, session: TrainingState, step: int) -> float:
    if challenge.score == "learning_rate":
        return session.settings.learning_rate
    if challenge.score == "hidden_units":
        return float(sum(session.settings.hidden_layers))
    return float(step)
