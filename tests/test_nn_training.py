"""Many steps of training: the fast engine (gdtui/nn/network.py, gdtui/nn/optim.py) follows the
plain one (gdtui/nn/reference.py) to 1e-9, loss by loss and weight by weight.

tests/test_nn_reference.py checks a single step; here each network trains for 100 steps, so a
rounding difference that grew from step to step, or an optimizer that drifted from its formula,
would show. The shapes include the ones bench_engine.py times.
"""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.nn import reference
from gdtui.nn.functions import prepare_targets
from gdtui.nn.network import MLP, with_ones_column
from gdtui.nn.optim import make_optimizer

TOLERANCE = 1e-9
STEPS = 100
LEARNING_RATES = {"sgd": 0.1, "momentum": 0.05, "adam": 0.01}

# (layer sizes, activation, loss, optimizer, batch size)
CASES = [
    ((2, 8, 8, 1), "tanh", "cross_entropy", "adam", 32),
    ((2, 64, 64, 1), "tanh", "cross_entropy", "adam", 32),
    ((64, 32, 10), "tanh", "cross_entropy", "adam", 64),
    ((784, 128, 10), "tanh", "cross_entropy", "adam", 64),
    ((3, 16, 16, 2), "relu", "mse", "momentum", 16),
    ((4, 12, 5), "sigmoid", "cross_entropy", "sgd", 10),
    ((2, 10, 1), "linear", "mse", "adam", 8),
    ((5, 7, 6, 3), "sigmoid", "mse", "momentum", 20),
    ((6, 20, 4), "relu", "cross_entropy", "adam", 25),
    ((3, 9, 1), "tanh", "mse", "sgd", 7),
]


def reference_step(weights, biases, state, inputs, targets, activation, loss, optimizer,
                   learning_rate) -> float:
    """Forward, loss, backward and the optimizer's update, all by the plain engine."""
    zs, activations = reference.forward(weights, biases, inputs, activation)
    value, delta = reference.loss(loss, activations[-1], targets)
    weight_gradients, bias_gradients = reference.backward(weights, zs, activations, delta,
                                                          activation)
    parameters = [p for pair in zip(weights, biases, strict=True) for p in pair]
    gradients = [g for pair in zip(weight_gradients, bias_gradients, strict=True) for g in pair]
    if optimizer == "sgd":
        for p, g in zip(parameters, gradients, strict=True):
            p -= learning_rate * g
    elif optimizer == "momentum":
        reference.momentum_update(parameters, gradients, state["v"], learning_rate)
    else:
        state["t"] += 1
        reference.adam_update(parameters, gradients, state["m"], state["v"], state["t"],
                              learning_rate)
    return value


@pytest.mark.parametrize("sizes, activation, loss, optimizer, batch_size", CASES,
                         ids=lambda case: "-".join(map(str, case)) if isinstance(case, tuple)
                         else str(case))
def test_training_follows_the_reference(sizes, activation, loss, optimizer, batch_size):
    rng = np.random.default_rng(sum(sizes))
    n_points, n_outputs = 200, sizes[-1]
    inputs = rng.normal(0, 1, (n_points, sizes[0]))
    if loss == "cross_entropy":
        targets = rng.integers(0, max(2, n_outputs), n_points)
    else:
        targets = rng.normal(0, 1, (n_points, n_outputs))
    prepared = prepare_targets(targets, loss, n_outputs)
    learning_rate = LEARNING_RATES[optimizer]

    network = MLP(sizes, activation, seed=7)
    for b in network.biases:  # non-zero biases, so that they count from the first step
        b[...] = rng.normal(0, 0.3, b.shape)
    start = network.parameter_vector.copy()
    weights = [w.copy() for w in network.weights]
    biases = [b.copy() for b in network.biases]
    parameters = [p for pair in zip(weights, biases, strict=True) for p in pair]
    state = {"t": 0, "m": [np.zeros_like(p) for p in parameters],
             "v": [np.zeros_like(p) for p in parameters]}
    fast_optimizer = make_optimizer(optimizer, learning_rate)

    fast_losses, plain_losses = [], []
    for _ in range(STEPS):
        chosen = rng.choice(n_points, batch_size, replace=False)
        fast_losses.append(network.compute_gradients(with_ones_column(inputs[chosen]),
                                                     prepared[chosen], loss))
        fast_optimizer.step([network.parameter_vector], [network.gradient_vector])
        plain_losses.append(reference_step(weights, biases, state, inputs[chosen],
                                           prepared[chosen], activation, loss, optimizer,
                                           learning_rate))

    np.testing.assert_allclose(fast_losses, plain_losses, rtol=TOLERANCE, atol=TOLERANCE)
    for i, (fast, plain) in enumerate(zip(network.weights, weights, strict=True)):
        np.testing.assert_allclose(fast, plain, rtol=TOLERANCE, atol=TOLERANCE,
                                   err_msg=f"W of layer {i}")
    for i, (fast, plain) in enumerate(zip(network.biases, biases, strict=True)):
        np.testing.assert_allclose(fast, plain, rtol=TOLERANCE, atol=TOLERANCE,
                                   err_msg=f"b of layer {i}")
    # the comparison means something only if the weights travelled far beyond the tolerance
    assert np.abs(network.parameter_vector - start).max() > 1e-3


# --- float32: the same training at float32 precision -----------------------------------------

# float32 keeps about 7 digits, and each step's rounding feeds the next one: after 100 steps the
# losses and the weights (as a whole, by norm) differ from float64 by 3e-5 at most here, hence
# 1e-4. Single weights are not compared: Adam moves each weight by about the learning rate
# whatever the size of its gradient, so where a gradient is near zero float32 rounding can
# steer one weight of thousands visibly (2e-4 in 784-128-10) while the network is the same.
FLOAT32_TOLERANCE = 1e-4


def train(sizes, activation, loss, optimizer, batch_size, dtype) -> tuple[list[float], MLP]:
    """100 steps of the fast engine on seeded data, in `dtype`."""
    rng = np.random.default_rng(sum(sizes))
    n_points, n_outputs = 200, sizes[-1]
    inputs = rng.normal(0, 1, (n_points, sizes[0]))
    if loss == "cross_entropy":
        targets = rng.integers(0, max(2, n_outputs), n_points)
    else:
        targets = rng.normal(0, 1, (n_points, n_outputs))
    prepared = prepare_targets(targets, loss, n_outputs)
    network = MLP(sizes, activation, seed=7, dtype=dtype)
    optimizer = make_optimizer(optimizer, LEARNING_RATES[optimizer])
    losses = []
    for _ in range(STEPS):
        chosen = rng.choice(n_points, batch_size, replace=False)
        losses.append(network.compute_gradients(with_ones_column(inputs[chosen], dtype),
                                                 prepared[chosen], loss))
        optimizer.step([network.parameter_vector], [network.gradient_vector])
    return losses, network


@pytest.mark.parametrize("sizes, activation, loss, optimizer, batch_size", CASES,
                         ids=lambda case: "-".join(map(str, case)) if isinstance(case, tuple)
                         else str(case))
def test_float32_training_follows_float64(sizes, activation, loss, optimizer, batch_size):
    case = (sizes, activation, loss, optimizer, batch_size)
    losses64, network64 = train(*case, np.float64)
    losses32, network32 = train(*case, np.float32)
    assert network32.parameter_vector.dtype == np.float32  # it did compute in float32
    np.testing.assert_allclose(losses32, losses64, rtol=FLOAT32_TOLERANCE)
    weights32, weights64 = network32.parameter_vector, network64.parameter_vector
    difference = np.linalg.norm(weights32 - weights64) / np.linalg.norm(weights64)
    assert 0 < difference < FLOAT32_TOLERANCE


def test_a_float32_network_keeps_float32_everywhere():
    network = MLP((3, 5, 2), "sigmoid", seed=1, dtype=np.float32)
    inputs = np.random.default_rng(0).normal(size=(4, 3))  # float64 inputs are converted
    assert network.parameter_vector.dtype == network.gradient_vector.dtype == np.float32
    assert all(w.dtype == np.float32 for w in network.parameters())
    trace = network.trace(inputs, np.array([0, 1, 1, 0]), "cross_entropy")
    assert all(a.dtype == np.float32 for a in trace.pre_activations + trace.activations)
    assert all(g.dtype == np.float32 for g in trace.gradients)
    loss, gradients = network.loss_and_gradients(inputs, np.array([0, 1, 1, 0]),
                                                 "cross_entropy", "l2", 0.1)
    assert isinstance(loss, float) and all(g.dtype == np.float32 for g in gradients)
    assert network.forward(inputs).dtype == np.float32
    for optimizer in ("sgd", "momentum", "adam"):
        make_optimizer(optimizer, 0.1).step([network.parameter_vector],
                                            [network.gradient_vector])
    assert network.parameter_vector.dtype == np.float32


def test_a_float32_network_starts_from_the_float64_weights_rounded():
    assert np.array_equal(MLP((4, 6, 1), seed=3, dtype=np.float32).parameter_vector,
                          MLP((4, 6, 1), seed=3).parameter_vector.astype(np.float32))


def test_only_float64_and_float32_are_offered():
    with pytest.raises(ValueError, match="float64 or float32"):
        MLP((2, 1), dtype=np.float16)
