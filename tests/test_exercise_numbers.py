"""Every number the predict-then-check exercises print, recomputed with the code the screens run.

`gdtui check` holds each exercise's marked answer against its measure; this file holds the
numbers of the question and the "Why" line (rates, curvatures, steps, losses) against the
engine, so an edit to a lesson or to the engine cannot leave a wrong number in an exercise.
"""

from __future__ import annotations

import math
import re

import pytest

from gdtui.course.exercises import parse_exercises
from gdtui.course.lessons import load_course
from gdtui.guessing.rules import play
from gdtui.landscape import DEFAULT_STEPS, MODELS, Landscape, classify, momentum_limit
from gdtui.measures import lab_history
from gdtui.nn.optim import Momentum
from gdtui.stepper import Stepper
from gdtui.training.session import TrainingSession
from gdtui.training.settings import preset_settings

COURSE = load_course()
EXERCISES = {each.id: each for lesson in COURSE.lessons for each in parse_exercises(lesson)[0]}
NUMBER = re.compile(r"(?<![\w.])[−-]?\d+(?:[.,]\d+)*%?")


def text_of(exercise_id: str) -> str:
    """What the learner reads of an exercise: its question, choices and "Why" line."""
    each = EXERCISES[exercise_id]
    return " ".join((each.question, *each.choices, each.why))


def printed_numbers(text: str) -> set[str]:
    return {match.group().replace("−", "-").replace(",", "") for match in NUMBER.finditer(text)}


def fixed(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace("-", "−")


def line_fit() -> Landscape:
    return Landscape(MODELS["line"])


def walk(model: str, optimizer: str, rate: float):
    landscape = Landscape(MODELS[model])
    path = landscape.walk(optimizer, rate, MODELS[model].start)
    return classify(path, landscape.minimum[2])


def steepest(landscape: Landscape) -> float:
    w, b, _ = landscape.minimum
    return landscape.curvature(w, b)


def first_loss() -> list[str]:
    session = TrainingSession(preset_settings("random guess"))
    loss = float(session.evaluate().train_loss)
    assert abs(loss - math.log(2)) < 0.03  # the lesson's answer, within its tolerance
    return ["−ln(1/2) = ln 2 ≈ " + fixed(math.log(2), 2), "at step 0"]


def sure_enough() -> list[str]:
    session = TrainingSession(preset_settings("default"))
    first = session.evaluate()
    return [f"{first.train_accuracy:.1%} of the moons", f"It is {fixed(first.train_loss, 2)}",
            f"ln 2 = {fixed(math.log(2), 2)}", "at step 0"]


def ten_classes() -> list[str]:
    session = TrainingSession(preset_settings("digits"))
    loss = float(session.evaluate().train_loss)
    assert session.network.layer_sizes == (64, 32, 10)
    assert math.log(10) < loss < math.log(10) + 0.15  # the lesson's answer, within tolerance
    side = math.isqrt(session.network.n_inputs)
    return [f"{side}x{side} images", f"{session.network.n_inputs} pixels in",
            f"{session.network.n_outputs} outputs", "at step 0",
            f"−ln(1/10) = ln 10 ≈ {fixed(math.log(10), 2)}", f"The lab shows {fixed(loss, 2)}"]


def lesson_unit(target: float) -> tuple[Stepper, float]:
    stepper = Stepper(preset="lesson")
    stepper.set_target(target)
    return stepper, stepper.loss_and_gradients()[1]["w"]


def slope_sign() -> list[str]:
    stepper, gradient = lesson_unit(1.0)
    y = 1 / (1 + math.exp(-(-0.3 * 2 - 0.25)))
    return ["w = −0.3", "x = 2", "target 1", f"y = {fixed(y, 2)}",
            f"negative slope ({fixed(gradient, 2)})"]


def target_zero() -> list[str]:
    _, gradient = lesson_unit(0.0)
    y = 1 / (1 + math.exp(-(-0.3 * 2 - 0.25)))
    assert gradient == pytest.approx(2 * (y - 0) * y * (1 - y) * 2)
    return ["w = −0.3", "x = 2", f"y = {fixed(y, 2)}", "the target is 0", "with t = 0",
            "2(y − t) · y(1 − y) · x", f"(2 × {fixed(y, 2)})", f"dL/dw = +{fixed(gradient, 2)}"]


def guesses_rate_2() -> list[str]:
    game = play(37, learning_rate=2)
    shown = ", ".join(f"{guess:g}" for guess in game.guesses[: game.steps])
    return ["starts at 50", "secret is 37", "learning rate 2", "within 2", f"{shown}:"]


def bowl(rate: float) -> list[str]:
    landscape = Landscape(MODELS["bowl"])
    curvature = steepest(landscape)
    assert curvature == pytest.approx(2)
    product = rate * curvature
    return [f"{rate:g} × {curvature:g} = {product:g}",
            f"1 − {product:g} = {1 - product:g}".replace("-", "−")]


def bowl_zigzag() -> list[str]:
    return ["L = w² + b²", "w = 1, b = 0", "rate 0.9", *bowl(0.9)]


def bowl_one_step() -> list[str]:
    # rate 0.1 creeps in and 1.1 diverges, as the Why line says
    assert walk("bowl", "sgd", 1.1).kind == "diverged"
    assert walk("bowl", "sgd", 0.1).kind == "converged"
    return ["rate 0.5", *bowl(0.5), "Below it (0.1)", "(1.1) it diverges"]


def line_limit() -> list[str]:
    curvature = steepest(line_fit())
    diverged = walk("line", "sgd", 0.25)
    assert diverged.kind == "diverged"
    return [f"curvature {curvature:.2f}", f"2 / {curvature:.2f} = {2 / curvature:.3f}",
            f"0.25 × {curvature:.2f} = {0.25 * curvature:.1f}", f"(at step {diverged.step})",
            "rate 0.25", "above 2"]


def momentum_survives() -> list[str]:
    curvature = steepest(line_fit())
    beta = Momentum().momentum
    limit = momentum_limit(beta)
    converged, at_half = walk("line", "momentum", 0.25), walk("line", "momentum", 0.5)
    assert converged.kind == "converged" and at_half.kind == "diverged"
    assert walk("line", "sgd", 0.25).kind == "diverged"
    return [f"β = {beta:g}", f"2(1 + β) = {limit:g}", f"0.25 × {curvature:.2f} = "
            f"{0.25 * curvature:.1f}", f"(at step {converged.step})",
            f"At 0.5 ({0.5 * curvature:.1f})", "not 2", "rate 0.25"]


def batch_of_one() -> list[str]:
    full = walk("line", "sgd", 0.1)
    points = Landscape(MODELS["line"]).points
    assert points == 6  # the lesson spells it "six"
    return ["full batch of six points", "rate 0.1", f"converges at step {full.step}",
            f"(batch 1 of {points}, reshuffled", f"its {DEFAULT_STEPS} steps",
            f"try 2, 3 and all {points})"]


def adam_past_limits() -> list[str]:
    curvature = steepest(line_fit())
    adam = walk("line", "adam", 0.5)
    assert adam.kind == "converged"
    assert walk("line", "sgd", 0.5).kind == walk("line", "momentum", 0.5).kind == "diverged"
    limit = momentum_limit(Momentum().momentum)
    return ["rate 0.5", f"(0.5 × {curvature:.2f} = {0.5 * curvature:.1f}, past 2 and past "
            f"{limit:g})", f"(it converges at step {adam.step})"]


def overfit(l2: str | None) -> list:
    options = {"preset": "overfit me", "steps": "2000", **({"l2": l2} if l2 else {})}
    return lab_history(options).history.evaluations


def turns_up() -> list[str]:
    evaluations = overfit(None)
    lowest = min(evaluations, key=lambda e: e.validation_loss)
    last = evaluations[-1]
    data = TrainingSession(preset_settings("overfit me")).dataset
    return [f"on only {len(data.train_inputs)} noisy points ({len(data.validation_inputs)} more "
            f"are kept for validation)", "2,000 steps", f"(to {last.train_loss:.3f})",
            f"near step {lowest.step} ({lowest.validation_loss:.2f})",
            f"climbs to {last.validation_loss:.2f}"]


def l2_holds() -> list[str]:
    evaluations = overfit("0.01")
    last = evaluations[-1]
    lowest = min(e.validation_loss for e in evaluations)
    assert last.validation_loss <= 1.05 * lowest  # "within a few percent of its lowest"
    return ["2,000 steps", "L2 penalty of 0.01", f"near {last.train_loss:.2f}",
            f"ends at {last.validation_loss:.2f}"]


EXAMPLES = {
    "first-loss": first_loss, "sure-enough": sure_enough, "ten-classes": ten_classes,
    "slope-sign": slope_sign, "target-zero": target_zero, "guesses-rate-2": guesses_rate_2,
    "bowl-zigzag": bowl_zigzag, "bowl-one-step": bowl_one_step, "line-limit": line_limit,
    "momentum-survives": momentum_survives, "turns-up": turns_up, "l2-holds": l2_holds,
    "batch-of-one": batch_of_one, "adam-past-limits": adam_past_limits,
}


def test_every_shipped_exercise_has_its_numbers_recomputed_here():
    assert set(EXAMPLES) == set(EXERCISES)


@pytest.mark.parametrize("exercise_id", sorted(EXAMPLES))
def test_an_exercise_prints_the_numbers_the_engine_computes(exercise_id):
    text = text_of(exercise_id)
    claims = EXAMPLES[exercise_id]()
    missing = [claim for claim in claims if claim not in text]
    assert not missing, (exercise_id, missing)
    # and it prints no number that is not in one of those claims
    computed = set().union(*(printed_numbers(claim) for claim in claims))
    unexplained = printed_numbers(text) - computed
    assert not unexplained, (exercise_id, sorted(unexplained), text)

