"""Mini-batch walks on the loss landscape, and the rules for momentum and Adam beside plain
descent's: every gradient and every walk from the engine."""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.landscape import (
    MODELS,
    Explorer,
    Landscape,
    Walker,
    adam_note,
    batch_sizes,
    classify,
    classify_batched,
    momentum_limit,
    momentum_rule,
)
from gdtui.nn.network import MLP, MiniBatches
from gdtui.nn.optim import OPTIMIZERS, Momentum, make_optimizer

START = MODELS["line"].start


@pytest.fixture(scope="module")
def line() -> Landscape:
    return Landscape(MODELS["line"])


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_a_full_batch_walk_is_the_full_gradient_walk_exactly(line, optimizer):
    full = line.walk(optimizer, 0.1, START)
    for everything in (6, None):
        again = line.walk(optimizer, 0.1, START, batch_size=everything)
        np.testing.assert_array_equal(again.points, full.points)
        np.testing.assert_array_equal(again.losses, full.losses)
        assert again.batch_size is None


def test_a_mini_batch_step_is_the_engines_gradient_on_that_batch(line):
    """The same walk by hand: the engine's network and optimizer, fed the batches of an
    identically seeded MiniBatches, as the lab's trainer would."""
    path = line.walk("momentum", 0.05, START, steps=40, batch_size=2, seed=7)
    network = MLP((1, 1), activation="linear")
    weight, bias = network.parameters()
    weight[0, 0], bias[0] = START
    batches = MiniBatches(np.array(MODELS["line"].inputs)[:, None],
                          np.array(MODELS["line"].targets)[:, None], 2,
                          np.random.default_rng(7))
    walker = make_optimizer("momentum", 0.05)
    for k in range(40):
        inputs, targets = batches.next()
        _, gradients = network.loss_and_gradients(inputs, targets, "mse")
        walker.step(network.parameters(), gradients)
        np.testing.assert_allclose(path.points[k + 1], (weight[0, 0], bias[0]), rtol=1e-12)
    assert path.batch_size == 2


def test_batch_one_steps_are_not_the_full_gradients_steps(line):
    path = line.walk("sgd", 0.1, START, steps=30, batch_size=1)
    steps = np.diff(path.points, axis=0)
    full_steps = np.array([-0.1 * line.gradient(*point) for point in path.points[:-1]])
    differences = np.linalg.norm(steps - full_steps, axis=1)
    assert np.all(differences > 1e-3)
    # and some single points even point uphill: the step raises the loss of all the points
    assert np.any(np.diff(path.losses) > 0)


@pytest.mark.parametrize("size", [1, 2, 3])
def test_an_epochs_batch_gradients_average_to_the_full_gradient(line, size):
    w, b = 0.7, 1.9
    batches = line.batches(size)
    for _ in range(2):  # two epochs, each in its own shuffled order
        seen, gradients = [], []
        for _ in range(6 // size):
            inputs, targets = batches.next()
            seen.extend(inputs[:, 0])
            gradients.append(line.batch_gradient(w, b, inputs, targets))
        assert sorted(seen) == sorted(MODELS["line"].inputs)  # every point once an epoch
        np.testing.assert_allclose(np.mean(gradients, axis=0), line.gradient(w, b),
                                   rtol=1e-12)
        if size < 6:
            assert not np.allclose(gradients[0], line.gradient(w, b))


def test_epochs_are_reshuffled_and_a_seed_gives_the_same_walk(line):
    batches = line.batches(1)
    first = [batches.next()[0][0, 0] for _ in range(6)]
    second = [batches.next()[0][0, 0] for _ in range(6)]
    assert sorted(first) == sorted(second) and first != second
    one = line.walk("sgd", 0.1, START, batch_size=1)
    np.testing.assert_array_equal(one.points, line.walk("sgd", 0.1, START, batch_size=1).points)
    other = line.walk("sgd", 0.1, START, batch_size=1, seed=1)
    assert not np.array_equal(one.points, other.points)


def test_batch_one_wanders_where_the_full_batch_settles(line):
    w, b, minimum_loss = line.minimum
    distances = {}
    for size in (1, 2, 3, 6):
        path = line.walk("sgd", 0.1, START, batch_size=size)
        tail = path.points[-50:]
        distances[size] = float(np.mean(np.hypot(tail[:, 0] - w, tail[:, 1] - b)))
    assert distances[1] > distances[2] > distances[3] > distances[6]
    assert distances[1] > 0.1 > 0.02 > distances[6]  # a map cell is about 0.15 wide
    full = classify(line.walk("sgd", 0.1, START), minimum_loss)
    noisy = classify_batched(line.walk("sgd", 0.1, START, batch_size=1), minimum_loss)
    assert full.text == "converged at step 98"
    assert noisy.kind == "wandering" and noisy.text.startswith("wandering, loss 0.0")


def test_batch_sizes_split_the_points_evenly_and_cycle_back_to_all():
    assert batch_sizes(6) == (1, 2, 3, 6)
    assert batch_sizes(10) == (1, 2, 5, 10)
    walker = Walker("sgd", 0.1)
    seen = []
    for _ in range(4):
        walker = walker.next_batch_size(6)
        seen.append(walker.batch_size)
    assert seen == [1, 2, 3, None]
    assert Walker("sgd", 0.1, batch_size=4).next_batch_size(10).batch_size == 5
    assert Walker("sgd", 0.1, batch_size=1).title == "SGD, lr 0.1"
    assert Walker("momentum", 0.1, batch_size=1).title == "momentum, lr 0.1"


def test_the_explorer_says_which_batch_and_epoch():
    explorer = Explorer()
    assert explorer.batch_line(0, 200) is None
    explorer.next_batch_size()
    explorer.next_batch_size()
    assert explorer.paths[0].batch_size == 2
    assert explorer.batch_line(0, 0) == "batch 2 of 6 · epoch 1"
    assert explorer.batch_line(0, 3) == "batch 2 of 6 · epoch 1"
    assert explorer.batch_line(0, 4) == "batch 2 of 6 · epoch 2"
    assert explorer.batch_line(0, 200) == "batch 2 of 6 · epoch 67"
    assert explorer.label(0) == "SGD, lr 0.1, batch 2 of 6"
    assert explorer.outcomes[0].kind == "wandering"


# -- momentum's limit and Adam's step ---------------------------------------------------------

@pytest.mark.parametrize(("rate", "plain", "with_momentum"), [
    (0.25, "diverged", "converged"), (0.3, "diverged", "converged"),
    (0.5, "diverged", "diverged")])
def test_momentum_survives_rates_where_plain_descent_diverges_up_to_its_own_limit(
        line, rate, plain, with_momentum):
    w, b, minimum_loss = line.minimum
    assert classify(line.walk("sgd", rate, START), minimum_loss).kind == plain
    assert classify(line.walk("momentum", rate, START), minimum_loss).kind == with_momentum
    beta = Momentum().momentum
    text, converges = momentum_rule(rate, line.curvature(w, b), beta)
    assert converges is (with_momentum == "converged")
    assert ("momentum converges" in text) is converges
    assert "plain descent would not" in text


def test_momentum_limit_is_two_times_one_plus_beta(line):
    assert momentum_limit(0.9) == pytest.approx(3.8)
    w, b, minimum_loss = line.minimum
    curvature = line.curvature(w, b)
    edge = momentum_limit(Momentum().momentum) / curvature  # 0.41 on the line fit
    assert edge == pytest.approx(0.41, abs=0.005)
    assert classify(line.walk("momentum", 0.95 * edge, START, 800), minimum_loss).kind \
        == "converged"
    assert classify(line.walk("momentum", 1.05 * edge, START, 800), minimum_loss).kind \
        == "diverged"
    assert momentum_rule(0.25, curvature, 0.9)[0] == (
        "lr 0.25 × curvature 9.27 = 2.32 < 3.8: momentum converges (plain descent would not)")
    assert momentum_rule(0.1, curvature, 0.9)[0].endswith("(plain descent converges)")
    assert momentum_rule(0.5, curvature, 0.9)[0].startswith(
        "lr 0.5 × curvature 9.27 = 4.63 > 3.8: momentum diverges")


@pytest.mark.parametrize("start", [START, (3.5, -2.5), (1.4, -0.1)])
def test_adams_first_step_is_the_rate_in_each_weight_whatever_the_slope(line, start):
    slope = np.abs(line.gradient(*start))
    path = line.walk("adam", 0.02, start, steps=1)
    np.testing.assert_allclose(np.abs(path.points[1] - path.points[0]), [0.02, 0.02],
                               rtol=1e-6)
    assert slope.max() > 0.05  # the slopes differ a lot between these starts


def test_the_adam_note_counts_the_steps_the_distance_needs(line):
    w, b, minimum_loss = line.minimum
    note = adam_note(0.02, START, (w, b))
    assert "curvature rule does not apply" in note
    assert "◆ is 2.73 from ★ in b: about 137 steps of 0.02." in note
    # and indeed the walk is still creeping after 100 steps, settled by 400
    assert classify(line.walk("adam", 0.02, START, 100), minimum_loss).kind == "crawling"
    assert classify(line.walk("adam", 0.02, START, 400), minimum_loss).kind == "converged"


def test_the_panel_rule_follows_the_selected_walkers_optimizer():
    explorer = Explorer()
    assert explorer.rule()[0].startswith("Plain gradient descent")
    explorer.select(1)  # momentum
    assert explorer.rule() == [
        "Momentum (β 0.9) converges if lr × curvature < 2(1 + β) = 3.8, plain descent if < 2:",
        "lr 0.02 × curvature 9.27 = 0.185 < 3.8: momentum converges (plain descent converges)"]
    explorer.next_optimizer()  # Adam
    assert explorer.rule()[0].startswith("Adam moves each weight about lr a step")
    explorer.next_model()
    explorer.select(0)
    explorer.next_optimizer()  # momentum on the sigmoid unit
    assert explorer.rule()[0].startswith("Not a bowl. Near ★: momentum (β 0.9)")


def test_the_full_batch_rule_is_only_rough_on_mini_batches(line):
    """What the help says: batch 1 flies off at 0.2, below the full batch's limit 0.216."""
    w, b, minimum_loss = line.minimum
    assert 0.2 < 2 / line.curvature(w, b)
    assert classify(line.walk("sgd", 0.2, START), minimum_loss).kind == "converged"
    assert classify_batched(line.walk("sgd", 0.2, START, batch_size=1), minimum_loss).kind \
        == "diverged"
