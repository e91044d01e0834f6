"""Every number in lessons 5-8 (learning rate, gradient descent, Adam, overfitting) and their
cards, computed here and found in the lesson text exactly as printed.

The numbers come from NumPy and math, or from the app's own engines: gdtui.guessing for the game,
gdtui.landscape for the line fit's curvatures and walks, gdtui.nn.optim for momentum and Adam,
and the training lab (the code behind `gdtui train`) for the lab runs the lessons quote. So an
edit that breaks a number, or an engine change that makes a lesson untrue, fails here.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import pytest

from gdtui.cli.train import configure, run
from gdtui.course.lessons import default_lessons_dir, load_course
from gdtui.guessing import play
from gdtui.guessing.rules import Outcome, sweep
from gdtui.landscape import MODELS, Landscape, classify
from gdtui.nn.functions import loss_function
from gdtui.nn.optim import Adam, Momentum
from gdtui.training.session import TrainingSession
from gdtui.training.settings import preset_settings
from tests.conftest import wait_until
from tests.test_screen_lesson import open_lesson, reader_rows

LESSONS = Path(default_lessons_dir())
RATE, DESCENT, ADAM, OVERFIT = ("05-learning-rate.md", "06-gradient-descent.md", "07-adam.md",
                                "08-overfitting.md")


def text(name: str) -> str:
    """A lesson file as written: its text and its cards."""
    return (LESSONS / name).read_text(encoding="utf-8")


def shows(name: str, *pieces: str) -> None:
    """Every piece appears in the lesson file, character for character."""
    whole = text(name)
    for piece in pieces:
        assert piece in whole, f"{name} does not say {piece!r}"


def num(value: float, digits: int) -> str:
    """A number the way the lessons print it: fixed digits and a real minus sign."""
    return f"{value:.{digits}f}".replace("-", "−")


def listed(values, digits: int) -> str:
    return ", ".join(num(v, digits) for v in values)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def train(capsys, *options: str) -> dict:
    """`gdtui train ... --json`, run in-process, as the lesson tells the learner to run it."""
    parser = argparse.ArgumentParser()
    configure(parser)
    run(parser.parse_args([*options, "--json"]))
    return json.loads(capsys.readouterr().out)


# --- lesson 5: the learning rate ------------------------------------------------------------

def bowl_walk(rate: float, steps: int, w: float = 1.0) -> list[float]:
    """Plain gradient descent on L = w², whose gradient is 2w."""
    path = []
    for _ in range(steps):
        w = w - rate * 2 * w
        path.append(w)
    return path


def steps_below(rate: float, limit: float = 0.01) -> int:
    w, steps = 1.0, 0
    while abs(w) >= limit:
        w, steps = w - rate * 2 * w, steps + 1
    return steps


def test_the_bowl_table_and_its_step_counts():
    rows = {0.01: 2, 0.1: 2, 0.9: 2, 1.1: 2}
    for rate, digits in rows.items():
        factor = 1 - 2 * rate
        walk = [round(w, digits) for w in bowl_walk(rate, 5)]
        shows(RATE, f"| {rate:<4} | {num(factor, 2).rstrip('0').rstrip('.'):<6} |")
        printed = ", ".join(num(w, 2).rstrip("0").rstrip(".") if rate != 0.01 else num(w, 2)
                            for w in walk)
        shows(RATE, printed)
    assert bowl_walk(0.5, 5) == [0.0] * 5
    shows(RATE, "| 0.5  | 0      | 0, 0, 0, 0, 0")
    assert [round(w) for w in bowl_walk(10, 3)] == [-19, 361, -6859]
    shows(RATE, "−19, 361, −6859", "w goes 1, −19, 361, −6859")
    assert (steps_below(0.01), steps_below(0.1), steps_below(0.9)) == (228, 21, 21)
    shows(RATE, "It needs 228 steps", "gets there in 21 steps", "(again in 21 steps)")
    assert round(6859**2 / 1e6) == 47
    shows(RATE, "w = −6859, and the loss is about 47 million")
    assert 0.8 - 0.1 * 2.5 == pytest.approx(0.55)
    assert 1 - 2 * 1.1 == pytest.approx(-1.2)
    shows(RATE, "0.8 − 0.1 × 2.5 = 0.8 − 0.25 = 0.55", "The factor is 1 − 2 × 1.1 = −1.2")


def test_the_four_regimes_of_rate_times_curvature():
    def regime(rate: float, curvature: float) -> str:
        product = rate * curvature
        factor = 1 - product
        if 0 < factor < 1:
            return "creeps in"
        if factor == 0:
            return "lands in one step"
        if -1 < factor < 0:
            return "zig-zags in"
        return "diverges"

    on_bowl = {"creeps in": "0.01, 0.1", "lands in one step": "0.5", "zig-zags in": "0.9",
               "diverges": "1.1, 10"}
    for walk, rates in on_bowl.items():
        for rate in rates.split(", "):
            assert regime(float(rate), 2) == walk
        row = next(line for line in text(RATE).splitlines() if f"| {walk}" in line)
        assert row.rstrip(" |").endswith(rates)
    # rate = 1 / curvature lands in one step on any quadratic: L = 2w² has curvature 4
    assert bowl_walk(0.25, 1, 1.0) != [0.0]  # (on w², 0.25 only creeps...)
    w = 1.0
    w = w - 0.25 * 4 * w  # ... but on L = 2w², whose gradient is 4w, it lands
    assert w == 0.0
    shows(RATE, "a bowl with curvature 4 (L = 2w²) lands in one step at rate 0.25",
          "Rate = 1 / curvature = 1 / 4 = 0.25", "N: 0.25 +- 0.001")
    assert 1 - 1.5 == -0.5
    shows(RATE, "rate × curvature = 1.5", "The factor 1 − rate × curvature is −0.5")
    assert 2 / 1000 == 0.002
    shows(RATE, "plain gradient descent needs a rate below 2 / 1000 = 0.002",
          "rate < 2 / 1000 = 0.002")


def test_the_lab_rates_for_plain_sgd_and_adam(capsys):
    table = {}
    for optimizer in ("sgd", "adam"):
        cells = []
        for rate in ("0.001", "0.01", "0.1", "1", "10"):
            result = train(capsys, "--dataset", "moons", "--optimizer", optimizer, "--lr", rate,
                           "--steps", "1000")
            accuracy = f"{100 * result['final']['val_accuracy']:.1f}%"
            cells.append(accuracy if result["status"] == "ok" else
                         f"{result['status']} ({accuracy.replace('.0%', '%')})")
        table[optimizer] = cells
    shows(RATE, "| plain SGD | " + " | ".join(table["sgd"]) + " |",
          "| Adam      | " + " | ".join(table["adam"]) + " |")
    assert table["sgd"][4] == table["adam"][4] == "stuck (50%)"
    best_sgd = ["0.001", "0.01", "0.1", "1"][np.argmax([float(c[:-1]) for c in table["sgd"][:4]])]
    best_adam = ["0.001", "0.01", "0.1", "1"][np.argmax([float(c[:-1])
                                                          for c in table["adam"][:4]])]
    assert (best_sgd, best_adam) == ("1", "0.01")
    shows(RATE, "does best at 1; Adam does best at 0.01", "learns best near 1")


def test_the_guessing_game_numbers():
    rate10 = play(73, learning_rate=10, max_steps=20)
    assert rate10.outcome is Outcome.OSCILLATING and rate10.oscillation == (70, 80)
    assert rate10.guesses == [50, 60, 70, 80, 70]  # the game stops at the first repeat
    assert (73 - 70, 80 - 73) == (3, 7)
    shows(RATE, "50 low → 60 low → 70 low → 80 high", "70 is 3 away and 80 is 7 away",
          "70 (3 away) and 80 (7 away)")
    rows = {row.learning_rate: row for row in sweep([2, 5, 10, 50])}
    assert (rows[10].converged, 100 - rows[10].converged) == (51, 49)
    shows(RATE, "rate 10 catches only 51 of them. For the other 49")
    rate2 = play(73, learning_rate=2, max_steps=100)
    assert rate2.steps == 12 and rate2.guesses[-1] == 72
    shows(RATE, "50, 52, 54, ..., 70, 72   within 2 on guess 12")
    worst2 = max(play(s, learning_rate=2, max_steps=100).steps for s in range(1, 101))
    assert (round(rows[2].average_guesses, 1), worst2, rows[2].converged) == (12.8, 25, 100)
    shows(RATE, "rate 2 needs 12.8 guesses on average and 25 at worst, and it never fails")
    assert play(73, learning_rate=50).guesses == [50, 100, 50]
    assert play(30, learning_rate=50).guesses == [50, 1, 51, 1]
    assert rows[50].converged == 11
    shows(RATE, "50 low → 100 high → 50 low → 100 high", "it goes 50, then 1",
          "then 51, then 1 again", "Only 11 of the 100 secrets")
    worst5 = max(play(s, learning_rate=5, max_steps=100).steps for s in range(1, 101))
    assert (rows[5].average_guesses, worst5, rows[5].converged) == (6.0, 11, 100)
    shows(RATE, "taking 6 guesses on average and 11 at worst")
    # the window "within 2" holds 5 whole numbers; shrinking steps land from any rate
    assert len(range(73 - 2, 73 + 3)) == 5
    shows(RATE, '"within 2" is only 5 numbers wide')
    shrinking = sweep([10, 50, 60], shrink=True)
    assert all(row.converged == 100 for row in shrinking)
    shows(RATE, "it lands from any starting rate")


# --- lesson 6: gradient descent -------------------------------------------------------------

def test_the_network_size_and_the_narrow_valley():
    assert 784 * 128 + 128 + 128 * 10 + 10 == 101_770
    shows(DESCENT, "784·128 + 128 + 128·10 + 10 = 101,770")

    def loss(w1, w2):
        return w1**2 + 10 * w2**2

    assert (loss(1, 1), (2 * 1, 20 * 1)) == (11, (2, 20))
    shows(DESCENT, "where L = 11 and the gradient is (2, 20)")
    assert (1 - 0.09 * 2, 1 - 0.09 * 20) == pytest.approx((0.82, -0.8))
    shows(DESCENT, "1 − 0.09 × 2 = 0.82", "1 − 0.09 × 20 = −0.8")
    w1, w2 = 1.0, 1.0
    for step in range(5):
        row = f"| {step}    | {num(w1, 2)} | {num(w2, 2):<5} | {num(loss(w1, w2), 2):<5} |"
        shows(DESCENT, row)
        w1, w2 = w1 * 0.82, w2 * -0.8
    w1, w2, steps = 1.0, 1.0, 0
    while loss(w1, w2) >= 0.01:
        w1, w2, steps = w1 * 0.82, w2 * -0.8, steps + 1
    assert steps == 16
    shows(DESCENT, "with the loss below 0.01 after 16 steps")
    assert (0.11 * 2, 0.11 * 20) == pytest.approx((0.22, 2.2))
    w2_path = [1.0]
    for _ in range(3):
        w2_path.append(w2_path[-1] * (1 - 0.11 * 20))
    w1_after = (1 - 0.11 * 2) ** 3
    assert round(loss(w1_after, w2_path[-1])) == 30
    shows(DESCENT, "(0.11 × 2 = 0.22)", "0.11 × 20 = 2.2",
          "w2 goes " + listed(w2_path, 2).replace("1.00", "1").replace("1.20", "1.2")
          .replace("1.44", "1.44"), "climbed from 11 to about 30")
    w1, w2 = 1.0, 1.0
    for _ in range(5):
        w1, w2 = w1 * (1 - 0.01 * 2), w2 * (1 - 0.01 * 20)
    assert round(w1, 2) == 0.90
    w1, w2, steps = 1.0, 1.0, 0
    while loss(w1, w2) >= 0.01:
        w1, w2, steps = w1 * 0.98, w2 * 0.8, steps + 1
    assert steps == 114
    shows(DESCENT, "w1 is still 0.90 after five steps", "needs 114 steps to get below 0.01")


def test_the_gradient_does_not_point_at_the_minimum_nor_say_how_far_it_is():
    gradient = np.array([2.0, 20.0])  # at (1, 1)
    to_minimum = np.array([-1.0, -1.0])
    across = math.degrees(math.atan2(2, 20))  # the downhill step's angle off the w2 axis
    assert across < 6  # almost straight across the valley
    assert np.dot(-gradient, to_minimum) / np.linalg.norm(gradient) / math.sqrt(2) < 0.8
    shows(DESCENT, "the downhill direction is −(2, 20), almost straight across the valley")
    assert (2 * 0, 20 * 0.5) == (0, 10) and (2 * 3, 20 * 0) == (6, 0)
    assert math.hypot(0, 10) > math.hypot(6, 0) and math.hypot(0, 0.5) < math.hypot(3, 0)
    shows(DESCENT, "at (0, 0.5), half a unit up the steep wall, the gradient is (0, 10)",
          "at (3, 0), three units along the floor, it is only (6, 0)")


def test_the_line_fit_curvatures_and_walks_on_the_landscape():
    landscape = Landscape(MODELS["line"])
    start = MODELS["line"].start
    gentle, steep = np.linalg.eigvalsh(landscape.hessian(*start))
    assert (round(steep, 2), round(gentle, 2), round(steep / gentle)) == (9.27, 0.31, 29)
    shows(DESCENT, "9.27 across it (the steepest) and 0.31 along it (the gentlest)",
          "about 29, is why", "about 29 times more slowly")
    products = [round(rate * steep, 2) for rate in (0.1, 0.2, 0.25)]
    assert products == [0.93, 1.85, 2.32]
    shows(DESCENT, "rate 0.1 (0.1 × 9.27 = 0.93)", "at 0.2 (1.85)", "at 0.25 (2.32, above 2)")
    assert round(0.2 * round(gentle, 2), 2) == 0.06
    shows(DESCENT, "0.2 × 0.31 = 0.06")
    lowest = landscape.minimum[2]
    outcomes = [classify(landscape.walk("sgd", rate, start), lowest).kind
                for rate in (0.1, 0.2, 0.25)]
    assert outcomes == ["converged", "converged", "diverged"]


def test_the_flat_sigmoid_and_what_cross_entropy_does_to_it():
    y = sigmoid(-7)
    slope = y * (1 - y)
    mse_gradient = 2 * (y - 1) * slope
    shows(DESCENT, f"y = σ(−7)                  ≈ {y:.4f}",
          f"L = (y − 1)²               ≈ {(y - 1) ** 2:.3f}",
          f"dy/dz = y(1 − y)           ≈ {slope:.4f}",
          f"dL/dz = 2(y − 1) × {slope:.4f}  ≈ {num(mse_gradient, 4)}")
    # cross-entropy L = −ln y: dL/dz = −1/y × y(1 − y) = y − 1, checked by a nudge
    h = 1e-6
    nudged = (-math.log(sigmoid(-7 + h)) + math.log(sigmoid(-7 - h))) / (2 * h)
    assert nudged == pytest.approx(y - 1, rel=1e-6)
    assert round(y - 1, 3) == -0.999
    ratio = (y - 1) / mse_gradient
    assert round(ratio, -1) == 550
    shows(DESCENT, "= y − 1  ≈ −0.999", "about 550 times the MSE gradient of −0.0018",
          "dL/dz = y − 1 ≈ −0.999", "about −0.0018", "about 550 times larger")


def test_softmax_with_cross_entropy_pushes_each_score_by_p_minus_t():
    scores, correct = np.array([[2.0, 1.0, 0.0]]), np.array([1])
    engine = loss_function("cross_entropy", 3)

    def loss_and_gradient(logits):
        gradient, scratch = np.empty_like(logits), np.empty_like(logits)
        return engine(logits, correct, gradient, scratch), gradient[0]

    p = TrainingSession(preset_settings("digits")).probabilities(scores)[0]  # the lab's softmax
    target = np.eye(3)[correct[0]]
    loss, gradient = loss_and_gradient(scores)
    assert np.allclose(gradient, p - target) and gradient.sum() == pytest.approx(0)
    shows(DESCENT, "dL/dz = p − t", f"p        {listed(p, 3).replace(', ', '    ')}",
          "t        0        1        0",
          f"p − t    {num(gradient[0], 3)}   {num(gradient[1], 3)}    {num(gradient[2], 3)}",
          f"(1 − {p[1]:.3f} = {1 - p[1]:.3f})")
    # the nudge check, and the same rule for one sigmoid output: y − t
    nudged, _ = loss_and_gradient(scores + [[0.0, 0.001, 0.0]])
    assert (nudged - loss) / 0.001 == pytest.approx(gradient[1], abs=0.0005)
    shows(DESCENT, f"the loss goes from {loss:.6f} to {nudged:.6f}, a change of "
                   f"{num(nudged - loss, 6)}, as {num(gradient[1], 3)} × 0.001 predicts",
          f"e^0.001 ≈ {math.exp(0.001):.3f}", f"y − 1 ≈ {num(sigmoid(-7) - 1, 3)} for the unit")
    assert math.log1p(0.001) == pytest.approx(0.001, rel=0.001)  # ln(1 + x) ≈ x
    shows(DESCENT, f"p = {p[0]:.3f}, {p[1]:.3f} and {p[2]:.3f}",  # the cards
          f"p − t = {p[1]:.3f} − 1 = {num(gradient[1], 3)}",
          f"+{gradient[0]:.3f} and +{gradient[2]:.3f}", "N: -0.755 +- 0.005")
    assert num(gradient[1], 3) == "−0.755"


def test_mini_batches_counts_and_noise():
    assert 1000 / 32 == 31.25 and divmod(1000, 32) == (31, 8)
    assert math.ceil(1000 / 32) == 32
    shows(DESCENT, "1000 / 32 = 31.25", "31 batches of 32, plus 1 batch of 8",
          "32 updates per pass", "31 full batches plus one batch of 8: 32 updates", "N: 32 +- 0")
    for size, updates in ((1000, 1), (32, 32), (1, 1000)):
        assert math.ceil(1000 / size) == updates
    assert (5 * 32, 5 * 1) == (160, 5)
    shows(DESCENT, "5 epochs with batches of 32 give 160 updates", "would give just 5")
    gradients = np.array([-0.8, -0.2, 0.4, -0.6])
    assert gradients.mean() == pytest.approx(-0.3)
    assert (gradients[:2].mean(), gradients[2:].mean()) == pytest.approx((-0.5, -0.1))
    assert gradients[2] > 0 > gradients.mean()  # a batch of one can point uphill
    shows(DESCENT, "the full-batch gradient is their mean, −0.3".replace("the f", "The f"),
          "the estimates are −0.5 and −0.1", "the third example alone has gradient +0.4",
          "(−0.8 − 0.2 + 0.4 − 0.6) / 4 = −1.2 / 4 = −0.3", "N: -0.3 +- 0.001")
    # the noise of a batch's mean gradient shrinks with the square root of its size
    rng = np.random.default_rng(0)
    pool = rng.normal(size=1_000_000)

    def noise(size: int) -> float:
        return float(pool[rng.integers(0, len(pool), (4000, size))].mean(axis=1).std())

    assert noise(8) / noise(32) == pytest.approx(2, rel=0.08)  # four times the batch: half
    assert noise(1) / noise(100) == pytest.approx(10, rel=0.08)  # a hundred times: a tenth
    assert math.sqrt(128 / 32) == 2
    shows(DESCENT, "four times the batch halves the noise",
          "a hundred times the batch cuts it to a tenth", "√(128 / 32) = √4 = 2")


# --- lesson 7: momentum and Adam ------------------------------------------------------------

def velocities(gradients, beta: float = 0.9) -> list[float]:
    """The engine's momentum velocity after each gradient."""
    optimizer, weight, out = Momentum(learning_rate=0.0, momentum=beta), [np.zeros(1)], []
    for g in gradients:
        optimizer.step(weight, [np.array([float(g)])])
        out.append(float(optimizer.velocities[0][0]))
    return out


def test_momentum_builds_up_and_damps():
    steady = velocities([1] * 200)
    assert [round(v, 2) for v in steady[:5]] == [1, 1.9, 2.71, 3.44, 4.10]
    assert steady[-1] == pytest.approx(1 / (1 - 0.9)) == pytest.approx(10)
    shows(ADAM, "v: 1, 1.9, 2.71, 3.44, 4.10, ...  heading for 10",
          "levels off at 1 / (1 − 0.9) = 10", "v grows to 1 / (1 − 0.9) = 10 times")
    flipping = velocities([1, -1] * 200)
    assert [round(v, 2) for v in flipping[:6]] == [1, -0.1, 0.91, -0.18, 0.84, -0.25]
    assert round(1 / (1 + 0.9), 2) == 0.53 and abs(flipping[-2]) == pytest.approx(1 / 1.9)
    shows(ADAM, "v: 1, −0.1, 0.91, −0.18, 0.84, −0.25", "about +0.53 and −0.53")


def test_momentum_multiplies_the_rate_in_the_lab(capsys):
    plain = train(capsys, "--dataset", "moons", "--optimizer", "sgd", "--lr", "0.01",
                  "--steps", "1000")
    momentum = train(capsys, "--dataset", "moons", "--optimizer", "momentum", "--lr", "0.001",
                     "--steps", "1000")
    losses = [round(result["final"]["val_loss"], 3) for result in (plain, momentum)]
    assert losses == [0.290, 0.290]
    shows(ADAM, "momentum at 0.001 ends the moons run almost exactly where plain SGD at 0.01",
          "(validation loss 0.290 for both)")


def test_momentums_stability_limit_on_the_landscape():
    assert 2 * (1 + 0.9) == pytest.approx(3.8)
    shows(ADAM, "rate × curvature < 2 × (1 + 0.9) = 3.8")
    landscape = Landscape(MODELS["line"])
    start, lowest = MODELS["line"].start, landscape.minimum[2]
    steep = float(np.linalg.eigvalsh(landscape.hessian(*start))[-1])
    assert round(steep, 2) == 9.27 and round(2 / steep, 2) == 0.22
    assert round(3.8 / steep, 2) == 0.41
    shows(ADAM, "steepest curvature 9.27", "its limit is 2 / 9.27 ≈ 0.22",
          "above its own limit of 3.8 / 9.27 ≈ 0.41", "allows rates up to about 0.41",
          "plain descent stops at about 0.22")

    def outcome(optimizer: str, rate: float):
        return classify(landscape.walk(optimizer, rate, start), lowest)

    assert [outcome("sgd", rate).kind for rate in (0.25, 0.3)] == ["diverged", "diverged"]
    held = [outcome("momentum", rate) for rate in (0.25, 0.3)]
    assert [(o.kind, o.step) for o in held] == [("converged", 69), ("converged", 71)]
    assert outcome("momentum", 0.5).kind == "diverged"
    shows(ADAM, "diverges there at rates 0.25 and 0.3", "at step 69 and step 71",
          "flies off too at 0.5", "diverges at rate 0.3, but momentum converges")
    # the card's bowl with curvature 10
    assert (3.8 / 10, 2 / 10) == pytest.approx((0.38, 0.2))
    shows(ADAM, "N: 0.38 +- 0.005", "rate < 3.8 / 10 = 0.38", "would need rate < 0.2")


def adam_steps(gradients, rate: float = 0.001) -> list[float]:
    """The amount the engine's Adam subtracts from a weight at each gradient."""
    optimizer, weight, out = Adam(learning_rate=rate), [np.zeros(1)], []
    for g in gradients:
        before = float(weight[0][0])
        optimizer.step(weight, [np.array([float(g)])])
        out.append(before - float(weight[0][0]))
    return out


def test_adams_first_step_by_hand():
    assert 500 / 0.002 == 250_000 and (0.001 * 500, 0.001 * 0.002) == pytest.approx((0.5, 2e-6))
    shows(ADAM, "a factor of 250,000 apart", "0.001 × 500   = 0.5", "0.001 × 0.002 = 0.000002")
    for g, lines in ((500, ("= 50\n", "= 250\n", "= 500\n", "= 250,000\n", "= 500\n")),
                     (0.002, ("= 0.0002\n", "= 0.000000004\n", "= 0.002\n", "= 0.000004\n",
                              "= 0.002\n"))):
        m, s = 0.1 * g, 0.001 * g**2
        m_hat, s_hat = m / (1 - 0.9), s / (1 - 0.999)
        computed = (m, s, m_hat, s_hat, math.sqrt(s_hat))
        for value, line in zip(computed, lines, strict=True):
            printed = float(line.strip("= \n").replace(",", ""))
            assert value == pytest.approx(printed, rel=1e-9)
            shows(ADAM, line)
    a_step, b_step = adam_steps([500])[0], adam_steps([0.002])[0]
    assert a_step == pytest.approx(0.001, rel=1e-6)
    assert round(b_step, 9) == 0.000999995
    shows(ADAM, "step  = 0.001 × 500 / 500     = 0.001",
          "step  = 0.001 × 0.002 / 0.002 = 0.001", "(B by 0.000999995 if you keep ε)",
          "step is the amount subtracted from w")
    assert adam_steps([500] * 4) == pytest.approx([0.001] * 4, rel=1e-6)
    shows(ADAM, "Adam takes four steps of 0.001")


def test_adam_backs_off_when_the_gradient_flips():
    m = 0.9 * 0.1 + 0.1 * -1
    s = 0.999 * 0.001 + 0.001 * 1
    m_hat, s_hat = m / (1 - 0.9**2), s / (1 - 0.999**2)
    assert (round(m, 2), round(s, 6), round(m_hat, 4), round(s_hat, 9)) == (
        -0.01, 0.001999, -0.0526, 1)
    assert (round(1 - 0.9**2, 2), round(1 - 0.999**2, 6)) == (0.19, 0.001999)
    second = adam_steps([1, -1])[1]
    assert round(second, 7) == -0.0000526
    shows(ADAM, "= −0.01\n", "= 0.001999\n", "−0.01 / (1 − 0.9²)    ≈ −0.0526",
          "0.001999 / (1 − 0.999²)\n      = 0.001999 / 0.001999   = 1",
          "/ 1 ≈ −0.0000526", "raises w by 0.0000526")
    assert round(adam_steps([1])[0] / -second) == 19
    shows(ADAM, "about 19 times smaller than the first")


def test_adams_worst_step_and_its_average_at_the_gradients_scale():
    quiet_then_sudden = adam_steps([0] * 10_000 + [1])[-1] / 0.001
    assert round(quiet_then_sudden, 2) == round(0.1 / math.sqrt(0.001), 2) == 3.16
    shows(ADAM, "that step is about 3.16 times the rate (0.1 / √0.001)",
          "about 3.16 times it at worst")
    optimizer, weight = Adam(learning_rate=0.0), [np.zeros(1)]
    for _ in range(200):
        optimizer.step(weight, [np.ones(1)])
    assert float(optimizer.m[0][0]) == pytest.approx(1.0)
    assert velocities([1] * 200)[-1] == pytest.approx(10)
    shows(ADAM, "a steady gradient of 1 gives m = 1, while momentum's v, a sum, grows to 10",
          "m approaches 1", "v approaches 10")
    assert (1 - 0.9, 1 - 0.999) == pytest.approx((0.1, 0.001))
    shows(ADAM, "(0.1 and 0.001 on the first step)")


# --- lesson 8: overfitting ------------------------------------------------------------------

def test_memorising_in_numbers():
    x = np.array([1, 2, 3, 4.0])
    y = np.array([2.3, 3.8, 6.2, 7.9])
    a_errors = 2 * x - y
    assert np.round(a_errors, 1).tolist() == [-0.3, 0.2, -0.2, 0.1]
    a_train = float(np.mean(a_errors**2))
    assert round(a_train, 3) == 0.045
    shows(OVERFIT, "A: errors −0.3, 0.2, −0.2, 0.1", "(0.09 + 0.04 + 0.04 + 0.01) / 4 = 0.045")
    slope, intercept = np.polyfit(x, y, 1)  # "close to the best straight line"
    assert abs(slope - 2) < 0.1 and abs(intercept) < 0.3
    new_x, new_y = np.array([1.4, 3.7]), np.array([2.9, 7.3])
    a_new = 2 * new_x
    b_new = np.array([y[np.argmin(abs(x - v))] for v in new_x])
    assert a_new.tolist() == pytest.approx([2.8, 7.4]) and b_new.tolist() == [2.3, 7.9]
    a_mse, b_mse = np.mean((a_new - new_y) ** 2), np.mean((b_new - new_y) ** 2)
    assert (round(a_mse, 3), round(b_mse, 3), round(b_mse / a_mse)) == (0.01, 0.36, 36)
    assert a_mse < a_train  # by chance: which the lesson says
    shows(OVERFIT, "A predicts 2.8 and 7.4: errors −0.1, 0.1", "(0.01 + 0.01) / 2 = 0.01",
          "B predicts 2.3 and 7.9: errors −0.6, 0.6", "(0.36 + 0.36) / 2 = 0.36",
          "the memoriser is 36 times worse", "That is chance",
          "has training MSE 0 and MSE 0.36 on new points; a rule-follower has 0.045 and 0.01",
          "the memoriser is 36 times worse")


def test_the_two_curves_table_and_its_signature():
    table = {1: (0.90, 0.95), 5: (0.52, 0.60), 10: (0.31, 0.42), 20: (0.15, 0.38),
             40: (0.06, 0.47), 80: (0.01, 0.66)}
    for epoch, (train_loss, val_loss) in table.items():
        gap = val_loss - train_loss
        shows(OVERFIT, f"| {epoch:<5} | {train_loss:.2f}       | {val_loss:.2f}     | "
                       f"{gap:.2f} |")
    best = min(table, key=lambda e: table[e][1])
    assert best == 20
    shows(OVERFIT, "the one from epoch 20", "climbs from 0.38 to 0.66", "- [x] 20")
    gaps = [round(table[e][1] - table[e][0], 2) for e in (1, 5, 10)]
    val = [table[e][1] for e in (1, 5, 10)]
    assert gaps == sorted(gaps) and val == sorted(val, reverse=True)  # gap widens, val falls
    shows(OVERFIT, "the gap widens from 0.05 to 0.11")
    assert 800 + 200 == 1000
    shows(OVERFIT, "say 800 of 1,000 examples", "the other 200")


def test_overfit_me_loss_up_accuracy_flat(capsys):
    from gdtui.training import settings as ts
    from gdtui.training.session import TrainingSession

    result = train(capsys, "--preset", "overfit me", "--steps", "6000", "--eval-every", "250")
    rows = {row["step"]: row for row in result["history"]}
    accuracy = {}
    for steps in (250, 1500, 6000):
        accuracy[steps] = train(capsys, "--preset", "overfit me", "--steps", str(steps),
                                "--eval-every", "250")["final"]["val_accuracy"]
    printed = {250: ("0.29", "0.40"), 1500: ("0.0068", "0.85"), 6000: ("0.0002", "1.38")}
    for step, (train_loss, val_loss) in printed.items():
        row = rows[step]
        digits = len(train_loss.split(".")[1])
        assert f"{row['train_loss']:.{digits}f}" == train_loss
        assert f"{row['val_loss']:.2f}" == val_loss
        shows(OVERFIT, f"| {step:<4} | {train_loss:<10} | {val_loss:<8} | "
                       f"{100 * accuracy[step]:.1f}%")
    assert rows[6000]["val_loss"] > 3 * rows[250]["val_loss"]
    shows(OVERFIT, "more than triples", "from 85.0% to 83.8%", "one more point wrong out of 80")
    fine = train(capsys, "--preset", "overfit me", "--steps", "6000", "--eval-every", "10")
    lowest = min(fine["history"], key=lambda row: row["val_loss"])
    assert (lowest["step"], round(lowest["val_loss"], 2)) == (150, 0.38)
    shows(OVERFIT, "validation loss is lowest at step 150, 0.38")

    # what the validation points cost: the preset's network, trained the same way
    values = dict(ts.PRESETS["overfit me"], eval_every=250)
    session = TrainingSession(ts.settings_from_dict(values))
    dataset = session.dataset
    assert (len(dataset.train_targets), len(dataset.validation_targets)) == (20, 80)
    assert session.network.layer_sizes == (2, 16, 16, 16, 1)
    shows(OVERFIT, "(2-16-16-16-1) on just 20 points", "keeps 80 for validation")

    def mistakes() -> tuple[int, float, float]:
        _, outputs = session.network.loss_and_outputs(
            session._validation_inputs, session._validation_targets, session.loss_name)
        labels = dataset.validation_targets.astype(int)
        right = session.probabilities(outputs)[np.arange(len(labels)), labels]
        wrong = right < 0.5
        costs = -np.log(right)
        return int(wrong.sum()), float(costs[wrong].mean()), float(costs[wrong].sum() / costs.sum())

    session.run(250, save_undo=False)
    early = mistakes()
    session.run(5750, save_undo=False)
    late = mistakes()
    assert (early[0], round(early[1], 1)) == (12, 2.0)
    assert (late[0], round(late[1], 1), round(100 * late[2])) == (13, 8.4, 99)
    shows(OVERFIT, "At step 250 the 12 validation points", "cost 2.0 nats each",
          "its 13 wrong points cost 8.4 each", "make up 99% of the validation loss")


# --- the shape every lesson of this part shares ---------------------------------------------

@pytest.mark.parametrize("name", [RATE, DESCENT, ADAM, OVERFIT])
def test_key_ideas_follow_the_try_it_paragraph(name):
    body = text(name).split("## Flashcards")[0]
    after_try = body.split("**Try it:**")[1]
    paragraphs = [p for p in after_try.split("\n\n") if p.strip()]
    assert paragraphs[1].strip() == "## Key ideas"
    bullets = [line for line in after_try.split("## Key ideas")[1].splitlines()
               if line.startswith("- ")]
    assert 3 <= len(bullets) <= 5


def test_every_numeric_card_of_these_lessons_is_checked_here():
    """A numeric card's value is one this file computes (so a new card needs a test)."""
    checked = {0.55, 0.002, 0.25, 32.0, -0.3, 0.38, 0.001, -0.755}
    course = load_course(LESSONS)
    from gdtui.course.cardfile import NUMERIC, load_cards

    cards, _ = load_cards(course.lessons)
    ids = {"learning-rate", "gradient-descent", "adam", "overfitting"}
    values = {card.value for card in cards if card.lesson_id in ids and card.kind == NUMERIC}
    assert values <= checked, values - checked


async def test_a_learner_finds_the_key_ideas_at_the_end_of_each_lesson(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for lesson_id, name in (("learning-rate", RATE), ("gradient-descent", DESCENT),
                                ("adam", ADAM), ("overfitting", OVERFIT)):
            await open_lesson(app, pilot, lesson_id)
            await pilot.press("end")
            last = text(name).split("## Key ideas")[1].split("## Flashcards")[0]
            last_words = " ".join(last.strip().splitlines()[-1].split()[-3:])
            await wait_until(pilot, lambda: "End of " in " ".join(reader_rows(app)))
            rows = " ".join(reader_rows(app))
            assert "Key ideas" in rows and last_words in rows, rows
