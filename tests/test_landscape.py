"""The loss landscape's core: engine losses, the optimizers' paths, the curvature rule."""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.landscape import (
    MODELS,
    Explorer,
    Extent,
    Landscape,
    Walker,
    classify,
    curvature_rule,
    move_start,
    parse_learning_rate,
    shade_levels,
)
from gdtui.nn.network import MLP
from gdtui.nn.optim import OPTIMIZERS, make_optimizer


@pytest.fixture(scope="module")
def line() -> Landscape:
    return Landscape(MODELS["line"])


@pytest.fixture(scope="module")
def sigmoid() -> Landscape:
    return Landscape(MODELS["sigmoid"])


def by_hand(model, optimizer: str, learning_rate: float, start, steps: int) -> np.ndarray:
    """The engine's network and optimizer, stepped one at a time, as a trainer would."""
    network = MLP((1, 1), activation="linear")
    weight, bias = network.parameters()
    weight[0, 0], bias[0] = start
    inputs = np.array(model.inputs)[:, None]
    targets = np.array(model.targets, dtype=float)
    walker = make_optimizer(optimizer, learning_rate)
    points = [start]
    for _ in range(steps):
        _, gradients = network.loss_and_gradients(inputs, targets, model.loss)
        walker.step(network.parameters(), gradients)
        points.append((weight[0, 0], bias[0]))
    return np.array(points)


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_path_is_the_engines_optimizer_applied_step_by_step(name, optimizer):
    landscape = Landscape(MODELS[name])
    path = landscape.walk(optimizer, 0.1, (0.5, 1.5), steps=60)
    expected = by_hand(MODELS[name], optimizer, 0.1, (0.5, 1.5), 60)
    np.testing.assert_allclose(path.points, expected, rtol=1e-12, atol=1e-14)
    assert path.losses[-1] == pytest.approx(landscape.loss(*expected[-1]), rel=1e-12)


def test_a_walk_depends_only_on_its_start_not_on_what_was_asked_before(line):
    first = line.walk("momentum", 0.1, (0.5, 1.5), steps=30)
    line.gradient(3.0, -2.0)
    line.loss(-1.0, 1.0)
    line.walk("adam", 1.0, (-1.0, 2.0), steps=5)
    again = line.walk("momentum", 0.1, (0.5, 1.5), steps=30)
    np.testing.assert_array_equal(first.points, again.points)
    np.testing.assert_array_equal(first.losses, again.losses)


def test_line_hessian_and_minimum_match_the_formulas(line):
    x, y = np.array(MODELS["line"].inputs), np.array(MODELS["line"].targets)
    # L = mean((w x + b − y)²) has Hessian 2·mean([[x², x], [x, 1]])
    expected = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    np.testing.assert_allclose(line.hessian(0.3, -0.7), expected, rtol=1e-6)
    assert line.curvature(2.0, 1.0) == pytest.approx(np.linalg.eigvalsh(expected)[-1], rel=1e-6)
    w, b, loss = line.minimum
    best = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    np.testing.assert_allclose([w, b], best, rtol=1e-9)
    assert loss == pytest.approx(np.mean((best[0] * x + best[1] - y) ** 2), rel=1e-9)


def test_sigmoid_minimum_is_where_the_gradient_vanishes(sigmoid):
    w, b, loss = sigmoid.minimum
    assert np.linalg.norm(sigmoid.gradient(w, b)) < 1e-9
    assert loss < sigmoid.loss(w + 0.05, b) and loss < sigmoid.loss(w, b - 0.05)


def test_learning_rate_just_below_two_over_curvature_converges_just_above_diverges(line):
    w, b, minimum_loss = line.minimum
    limit = 2 / line.curvature(w, b)
    start = MODELS["line"].start
    below = classify(line.walk("sgd", 0.95 * limit, start, 400), minimum_loss)
    above = classify(line.walk("sgd", 1.05 * limit, start, 400), minimum_loss)
    assert below.kind == "converged" and below.step is not None
    assert above.kind == "diverged"
    assert curvature_rule(0.99 * limit, line.curvature(w, b))[1] is True
    text, converges = curvature_rule(1.01 * limit, line.curvature(w, b))
    assert converges is False and text.endswith("> 2: diverges")


def test_curvature_rule_shows_the_numbers():
    assert curvature_rule(0.3, 8.4) == ("lr 0.3 × curvature 8.40 = 2.52 > 2: diverges", False)
    assert curvature_rule(0.1, 8.4)[0].endswith("0.840 < 2: converges, without zig-zag")
    assert "zig-zagging" in curvature_rule(0.2, 8.4)[0]


def test_small_rates_crawl_and_rates_at_the_limit_oscillate(line):
    w, b, minimum_loss = line.minimum
    limit = 2 / line.curvature(w, b)
    start = MODELS["line"].start
    assert classify(line.walk("sgd", 0.001, start), minimum_loss).kind == "crawling"
    assert classify(line.walk("sgd", 0.995 * limit, start), minimum_loss).kind \
        == "oscillating"
    converged = classify(line.walk("sgd", 0.1, start), minimum_loss)
    path = line.walk("sgd", 0.1, start)
    gaps = path.losses - minimum_loss
    # converged at step k: from k on the walk stays within 0.1 % of its starting height
    assert np.all(gaps[converged.step:] <= 1e-3 * gaps[0])
    assert gaps[converged.step - 1] > 1e-3 * gaps[0]


def test_a_walk_that_flies_off_stops_and_says_so(line):
    path = line.walk("sgd", 5.0, MODELS["line"].start)
    assert path.escaped and path.steps < 200
    outcome = classify(path, line.minimum[2])
    assert outcome.kind == "diverged" and f"step {path.steps}" in outcome.text


def test_extent_maps_cells_and_points_both_ways():
    extent = Extent(-1.0, 3.0, -2.0, 2.0)
    w, b = extent.point(5, 7, 40, 20)
    assert extent.cell(w, b, 40, 20) == (5, 7)
    assert extent.point(0, 0, 40, 20) == (-0.95, 1.9)  # top left is the highest b
    assert extent.cell(5.0, 0.0, 40, 20) is None
    assert extent.cell(float("nan"), 0.0, 40, 20) is None


def test_start_moves_by_notches_and_stays_on_the_map():
    extent = Extent(-1.0, 3.0, -2.0, 2.0)
    assert move_start(extent, (0.0, 0.0), 1, -2) == pytest.approx((4 / 24, -8 / 24))
    assert move_start(extent, (2.9, 1.9), 5, 5) == (3.0, 2.0)


def test_shading_runs_from_the_valley_floor_to_the_highest_wall(line):
    losses = line.grid(30, 20)
    levels = shade_levels(losses, line.minimum[2], 12)
    assert levels.shape == (20, 30)
    assert levels[np.unravel_index(losses.argmin(), losses.shape)] == 0
    assert levels[np.unravel_index(losses.argmax(), losses.shape)] == 11
    order = np.argsort(losses, axis=None)
    assert np.all(np.diff(levels.ravel()[order]) >= 0)  # higher loss, never a lower level


def test_explorer_recomputes_paths_when_the_learner_changes_something():
    explorer = Explorer()
    explorer.set_start(0.123, 1.456)
    assert explorer.start == (0.12, 1.46)
    assert all(tuple(p.points[0]) == (0.12, 1.46) for p in explorer.paths)
    explorer.select(1)
    explorer.next_optimizer()
    assert explorer.walkers[1].optimizer == "adam" and explorer.paths[1].optimizer == "adam"
    explorer.nudge_learning_rate(1)
    assert explorer.walkers[1].learning_rate == 0.05
    explorer.set_learning_rate(0.3)
    assert explorer.paths[1].learning_rate == 0.3
    with pytest.raises(ValueError):
        explorer.set_learning_rate(0)
    explorer.toggle_second()
    assert not explorer.walkers[1].visible and explorer.selected == 0
    explorer.next_model()
    assert explorer.model.name == "sigmoid" and explorer.start == MODELS["sigmoid"].start
    assert explorer.rule()[0].startswith("Not a bowl")


def test_status_tells_the_outcome_only_once_it_is_reached():
    explorer = Explorer()
    outcome = explorer.outcomes[0]
    assert outcome.kind == "converged"
    assert explorer.status(0, outcome.step - 1)[1] == "walking…"
    assert explorer.status(0, outcome.step) == (
        f"step {outcome.step}  loss "
        f"{explorer.status(0, outcome.step)[0].split('loss ')[1]}", outcome.text)


def test_learning_rate_ladder_and_parsing():
    walker = Walker("sgd", 0.1)
    assert walker.nudge_learning_rate(1).learning_rate == 0.15
    assert walker.nudge_learning_rate(-1).learning_rate == 0.05
    assert Walker("sgd", 10.0).nudge_learning_rate(1).learning_rate == 10.0
    assert walker.next_optimizer().next_optimizer().next_optimizer() == walker
    assert parse_learning_rate(" 0.25 ") == 0.25
    for bad in ("fast", "0", "-1", "1e9", "nan"):
        with pytest.raises(ValueError):
            parse_learning_rate(bad)
