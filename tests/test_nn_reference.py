"""The fast engine (gdtui/nn/network.py) computes what the plain one (gdtui/nn/reference.py)
says, to 1e-12: every layer of the forward pass, the loss, every gradient, and an SGD step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from gdtui.nn import reference
from gdtui.nn.functions import ACTIVATIONS, prepare_targets
from gdtui.nn.network import MLP, with_ones_column
from gdtui.nn.optim import SGD

TOLERANCE = 1e-12


def assert_same(fast, plain, what: str) -> None:
    np.testing.assert_allclose(fast, plain, rtol=TOLERANCE, atol=TOLERANCE, err_msg=what)


@dataclass
class Problem:
    network: MLP
    inputs: np.ndarray
    targets: np.ndarray  # as the learner gives them
    prepared: np.ndarray  # as the losses read them
    loss: str

    def reference_parameters(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Copies of the fast network's weights and biases, as plain separate arrays."""
        return ([w.copy() for w in self.network.weights],
                [b.copy() for b in self.network.biases])


@st.composite
def problems(draw) -> Problem:
    """A network of any activation and shape, with a batch for mse, binary or softmax loss."""
    activation = draw(st.sampled_from(ACTIVATIONS))
    loss, several_outputs = draw(st.sampled_from(
        [("mse", False), ("mse", True), ("cross_entropy", False), ("cross_entropy", True)]))
    n_outputs = draw(st.integers(2, 4)) if several_outputs else 1
    sizes = (draw(st.integers(1, 4)), *draw(st.lists(st.integers(1, 8), max_size=3)), n_outputs)
    batch = draw(st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    network = MLP(sizes, activation, seed=int(rng.integers(2**32)))
    for b in network.biases:  # non-zero biases, so that they count
        b[...] = rng.normal(0, 0.3, b.shape)
    inputs = rng.normal(0, 1, (batch, sizes[0]))
    if loss == "mse":
        targets = rng.normal(0, 1, (batch, n_outputs))
    else:
        targets = rng.integers(0, max(2, n_outputs), batch)
    return Problem(network, inputs, targets, prepare_targets(targets, loss, n_outputs), loss)


@settings(max_examples=300, deadline=None)
@given(problems())
def test_forward_loss_and_every_gradient_match_the_reference(problem):
    network = problem.network
    weights, biases = problem.reference_parameters()
    zs, activations = reference.forward(weights, biases, problem.inputs, network.activation)
    loss, delta = reference.loss(problem.loss, activations[-1], problem.prepared)
    weight_gradients, bias_gradients = reference.backward(weights, zs, activations, delta,
                                                          network.activation)

    assert_same(network.forward(problem.inputs), activations[-1], "outputs")
    trace = network.trace(problem.inputs)
    for i, (z, a) in enumerate(zip(trace.pre_activations, trace.activations, strict=True)):
        assert_same(z, zs[i], f"z of layer {i}")
        assert_same(a, activations[i + 1], f"a of layer {i}")
    fast_loss, fast_gradients = network.loss_and_gradients(problem.inputs, problem.targets,
                                                           problem.loss)
    assert_same(fast_loss, loss, "loss")
    plain_gradients = [g for pair in zip(weight_gradients, bias_gradients, strict=True)
                       for g in pair]
    assert len(fast_gradients) == len(plain_gradients) == 2 * len(weights)
    for i, (fast, plain) in enumerate(zip(fast_gradients, plain_gradients, strict=True)):
        assert fast.shape == plain.shape
        assert_same(fast, plain, f"gradient {i} ({'dW' if i % 2 == 0 else 'db'})")


@settings(max_examples=150, deadline=None)
@given(problems(), st.sampled_from([0.001, 0.1, 1.0]))
def test_one_sgd_step_gives_the_same_parameters(problem, learning_rate):
    network = problem.network
    weights, biases = problem.reference_parameters()
    plain_loss = reference.train_step(weights, biases, problem.inputs, problem.prepared,
                                      network.activation, problem.loss, learning_rate)

    # the training session's hot path: one flat vector of parameters, one of gradients
    fast_loss = network.compute_gradients(with_ones_column(problem.inputs), problem.prepared,
                                          problem.loss)
    SGD(learning_rate).step([network.parameter_vector], [network.gradient_vector])

    assert_same(fast_loss, plain_loss, "loss before the step")
    for i, (fast, plain) in enumerate(zip(network.weights, weights, strict=True)):
        assert_same(fast, plain, f"W of layer {i} after the step")
    for i, (fast, plain) in enumerate(zip(network.biases, biases, strict=True)):
        assert_same(fast, plain, f"b of layer {i} after the step")


def test_the_reference_knows_every_activation_of_the_engine():
    assert set(reference.ACTIVATIONS) == set(ACTIVATIONS)


def test_a_step_of_the_reference_goes_downhill():
    # (the two engines could agree and both be wrong: a small step must lower the loss)
    rng = np.random.default_rng(1)
    network = MLP((2, 5, 1), "tanh", seed=1)
    weights, biases = [w.copy() for w in network.weights], [b.copy() for b in network.biases]
    inputs, targets = rng.normal(0, 1, (30, 2)), rng.normal(0, 1, (30, 1))
    before = reference.train_step(weights, biases, inputs, targets, "tanh", "mse", 0.01)
    after = reference.loss("mse", reference.forward(weights, biases, inputs, "tanh")[1][-1],
                           targets)[0]
    assert after < before
