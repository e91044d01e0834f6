"""What an exercise's screen will show, computed by the code that screen runs.

Each measure takes the options of an exercise's ``Run:`` link (strings, as in the link) and
one optional word, and returns the outcome: one of the exercise's choice texts, or a number.
`gdtui check` holds each lesson's marked answer against it; the app shows it next to the
learner's prediction. The landscape's walks (gdtui.landscape), the guessing game's rules
(gdtui.guessing.rules), the backprop stepper (gdtui.stepper) and the lab's trainer
(gdtui.training) are the ones the screens use: no copy of their math lives here.

    measure("landscape.regime", {"model": "bowl", "optimizer": "sgd", "rate": "0.9"})
        -> "zig-zags in"
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import Any

Options = dict[str, str]

REGIMES = ("creeps in", "lands in one step", "zig-zags in", "diverges", "bounces forever")
WALK_OUTCOMES = {"converged": "converges", "diverged": "diverges",
                 "oscillating": "still bouncing", "crawling": "still creeping",
                 "wandering": "keeps wandering"}
# Validation loss "turned up" once it ends this share above its lowest.
TURNED_UP = 1.2
SIGNS = ("negative", "zero", "positive")


@dataclass(frozen=True)
class Measure:
    """One measure: the screen whose run it predicts, and how it is computed."""

    screen: str
    compute: Callable[[Options, str], str | float]
    about: str


def _landscape(options: Options):
    from gdtui.landscape import DEFAULT_MODEL, MODELS, Landscape, batch_sizes

    model = MODELS[options.get("model", DEFAULT_MODEL)]
    landscape = Landscape(model)
    batch = int(float(options["batch"])) if "batch" in options else None
    if batch is not None and batch not in batch_sizes(landscape.points):
        raise ValueError(f"batch {batch}: the {model.name} model's walks take batches of "
                         f"{', '.join(map(str, batch_sizes(landscape.points)))} points")
    path = landscape.walk(options.get("optimizer", "sgd"), float(options.get("rate", "0.1")),
                          model.start, batch_size=batch if batch != landscape.points else None)
    return landscape, path


def landscape_regime(options: Options, _word: str = "") -> str:
    """Which of the four regimes the walk shows (REGIMES): creeps in, lands in one step,
    zig-zags in, diverges (or bounces forever, at rate × curvature = 2 exactly)."""
    from gdtui.landscape import regime

    landscape, path = _landscape(options)
    return regime(path, landscape.minimum[2])


def landscape_outcome(options: Options, _word: str = "") -> str:
    """What the landscape's panel says of the walk: converges, diverges, still bouncing or
    still creeping (after the screen's 200 steps)."""
    from gdtui.landscape import classify, classify_batched

    landscape, path = _landscape(options)
    judge = classify if path.batch_size is None else classify_batched
    return WALK_OUTCOMES[judge(path, landscape.minimum[2]).kind]


def guess_count(options: Options, _word: str = "") -> str | float:
    """How many guesses the watched game takes from the usual start (50) to land within the
    usual tolerance of the secret; "never" when it does not within the usual 20."""
    from gdtui.guessing.rules import DEFAULT_LEARNING_RATE, play

    game = play(int(float(options.get("secret", "37"))),
                learning_rate=float(options.get("rate", DEFAULT_LEARNING_RATE)))
    return float(game.steps) if game.steps is not None else "never"


def backprop_sign(options: Options, weight: str = "w") -> str:
    """The sign of dL/d(weight) in the stepper (positive, negative, zero), on the preset and
    target the link names."""
    from gdtui.stepper import Stepper

    stepper = Stepper(preset=options.get("preset", "hidden"))
    if "target" in options:
        stepper.set_target(float(options["target"]))
    gradient = stepper.loss_and_gradients()[1][weight or "w"]
    return SIGNS[(gradient > 0) - (gradient < 0) + 1]


def lab_settings(options: Options):
    """The lab's settings for a link's options: the preset, with L2 at `l2` if given."""
    from gdtui.training.settings import preset_settings

    settings = preset_settings(options.get("preset", "default"))
    if "l2" in options:
        settings = replace(settings, regularization="l2",
                           regularization_rate=float(options["l2"]))
    return settings


def lab_history(options: Options):
    """A training session run to the link's `steps`, as the lab runs it."""
    from gdtui.training.session import TrainingSession

    session = TrainingSession(lab_settings(options))
    steps = int(float(options.get("steps", "0")))
    while session.step < steps and session.trouble is None:
        if not session.run(steps - session.step):
            break
    return session


def lab_loss(options: Options, _word: str = "") -> float:
    """The training loss the lab shows after `steps` steps (0: the fresh network's)."""
    session = lab_history(options)
    return round(float(session.evaluate().train_loss), 2)


def lab_turns_up(options: Options, _word: str = "") -> str:
    """Which curve turns up by `steps`: "validation loss" (it ends well above its lowest
    while training loss keeps falling), "training loss", or "neither"."""
    session = lab_history(options)
    evaluations = session.history.evaluations
    latest = evaluations[-1]
    if latest.train_loss > TURNED_UP * min(e.train_loss for e in evaluations):
        return "training loss"
    if latest.validation_loss > TURNED_UP * min(e.validation_loss for e in evaluations):
        return "validation loss"
    return "neither"


def lab_loss_vs_chance(options: Options, _word: str = "") -> str:
    """The loss after `steps` steps against ln(classes), the loss of a network that gives
    every class the same chance: "below ln 2", "about ln 2" (within 0.02) or "above ln 2"."""
    import math

    session = lab_history(options)
    classes = session.dataset.n_classes
    chance = math.log(classes)
    loss = float(session.evaluate().train_loss)
    where = "about" if abs(loss - chance) <= 0.02 else "below" if loss < chance else "above"
    return f"{where} ln {classes}"


MEASURES: dict[str, Measure] = {
    "landscape.regime": Measure("landscape", landscape_regime,
                                "creeps in, lands in one step, zig-zags in or diverges"),
    "landscape.outcome": Measure("landscape", landscape_outcome,
                                 "converges, diverges, still bouncing or still creeping"),
    "guess.guesses": Measure("guess", guess_count, "guesses until within 2 of the secret"),
    "backprop.sign": Measure("backprop", backprop_sign, "the sign of dL/dw: positive, "
                             "negative or zero"),
    "lab.loss": Measure("lab", lab_loss, "the training loss after the steps"),
    "lab.chance": Measure("lab", lab_loss_vs_chance, "the loss below, about or above ln 2"),
    "lab.turns-up": Measure("lab", lab_turns_up, "which loss curve turns up first"),
}


def measure(name: str, options: Options, word: str = "") -> str | float:
    """The outcome of measure `name` on a link's options; KeyError for an unknown measure,
    ValueError for options it cannot use."""
    return MEASURES[name].compute(options, word)


def option_names() -> dict[str, Collection[str]]:
    """The names the screens' link options may take ("landscape.model" -> the models), for
    the lesson checker (gdtui.course.lessons)."""
    from gdtui.landscape import MODELS
    from gdtui.nn.optim import OPTIMIZERS
    from gdtui.stepper import NETWORKS
    from gdtui.training.settings import PRESETS

    return {"lab.preset": list(PRESETS), "landscape.model": list(MODELS),
            "landscape.optimizer": list(OPTIMIZERS), "backprop.preset": list(NETWORKS)}


def check_outcome(name: str, options: Options, word: str) -> tuple[Any, str | None]:
    """(outcome, None), or (None, why the measure could not run)."""
    if name not in MEASURES:
        return None, f"unknown measure '{name}' ({', '.join(MEASURES)})"
    try:
        return measure(name, options, word), None
    except (KeyError, ValueError) as error:
        return None, f"measure '{name}' cannot run on these options: {error}"
