"""The engine: gradients against finite differences, losses, optimizers, batches."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gdtui.nn.functions import ACTIVATIONS
from gdtui.nn.network import MLP, MiniBatches, numerical_gradient, prepare_targets
from gdtui.nn.optim import SGD, Adam, Momentum, make_optimizer

# (loss, number of outputs): sigmoid + BCE, softmax, and mse with one or several outputs
LOSS_SETUPS = [("cross_entropy", 1), ("cross_entropy", 3), ("mse", 1), ("mse", 2)]


def make_problem(layer_sizes, activation, loss, batch, seed):
    """A network plus a batch of inputs and targets suited to `loss`."""
    rng = np.random.default_rng(seed)
    network = MLP(layer_sizes, activation, seed=seed)
    for b in network.biases:  # non-zero biases, so their gradients are tested too
        b[...] = rng.normal(0, 0.3, b.shape)
    inputs = rng.normal(0, 1, (batch, layer_sizes[0]))
    n_outputs = layer_sizes[-1]
    if loss == "cross_entropy":
        targets = rng.integers(0, max(2, n_outputs), batch)
    else:
        targets = rng.normal(0, 1, (batch, n_outputs))
    return network, inputs, targets


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """|a - b| / (|a| + |b|) over whole arrays.

    The scale has a floor of 1e-4: a finite difference carries rounding noise of about 1e-10,
    so for a vanishing gradient (deep sigmoid nets) this becomes an absolute check.
    """
    scale = max(float(np.linalg.norm(a) + np.linalg.norm(b)), 1e-4)
    return float(np.linalg.norm(a - b)) / scale


def finite_difference_gradients(network, inputs, targets, loss, regularization="none",
                                rate=0.0):
    def f():
        return network.loss_and_gradients(inputs, targets, loss, regularization, rate)[0]

    return [np.array([numerical_gradient(f, p, index) for index in np.ndindex(p.shape)])
            .reshape(p.shape) for p in network.parameters()]


def smallest_pre_activation(network, inputs) -> float:
    return min(float(np.abs(z).min()) for z in network.trace(inputs).pre_activations[:-1])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss, n_outputs", LOSS_SETUPS)
def test_backprop_matches_finite_differences(activation, loss, n_outputs):
    network, inputs, targets = make_problem((3, 5, 4, n_outputs), activation, loss, 7, seed=3)
    if activation == "relu":  # central differences are only right away from the kink at 0
        assert smallest_pre_activation(network, inputs) > 1e-4
    _, gradients = network.loss_and_gradients(inputs, targets, loss)
    estimates = finite_difference_gradients(network, inputs, targets, loss)
    for gradient, estimate in zip(gradients, estimates, strict=True):
        assert relative_error(gradient, estimate) < 1e-6


@pytest.mark.parametrize("regularization", ["l1", "l2"])
def test_regularization_gradients_match_finite_differences(regularization):
    network, inputs, targets = make_problem((2, 4, 1), "tanh", "mse", 5, seed=1)
    _, gradients = network.loss_and_gradients(inputs, targets, "mse", regularization, 0.1)
    estimates = finite_difference_gradients(network, inputs, targets, "mse", regularization, 0.1)
    for gradient, estimate in zip(gradients, estimates, strict=True):
        assert relative_error(gradient, estimate) < 1e-6


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.filter_too_much])
@given(
    inputs=st.integers(1, 3),
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=3),
    setup=st.sampled_from(LOSS_SETUPS),
    activation=st.sampled_from(ACTIVATIONS),
    batch=st.integers(1, 6),
    seed=st.integers(0, 1000),
)
def test_backprop_matches_finite_differences_for_any_shape(inputs, hidden, setup, activation,
                                                           batch, seed):
    loss, n_outputs = setup
    sizes = (inputs, *hidden, n_outputs)
    network, x, targets = make_problem(sizes, activation, loss, batch, seed)
    if activation == "relu" and hidden:
        assume(smallest_pre_activation(network, x) > 1e-4)
    _, gradients = network.loss_and_gradients(x, targets, loss)
    estimates = finite_difference_gradients(network, x, targets, loss)
    for gradient, estimate in zip(gradients, estimates, strict=True):
        assert relative_error(gradient, estimate) < 1e-6


def test_parameters_are_live_arrays_with_the_documented_shapes():
    network = MLP((2, 8, 3, 1))
    shapes = [p.shape for p in network.parameters()]
    assert shapes == [(2, 8), (8,), (8, 3), (3,), (3, 1), (1,)]
    inputs = np.array([[0.5, -0.2]])
    before = network.forward(inputs).copy()
    network.parameters()[-1][0] += 1.0  # the output bias
    assert network.forward(inputs)[0, 0] == pytest.approx(before[0, 0] + 1.0)


def test_trace_keeps_every_layer_of_the_forward_pass():
    network = MLP((2, 4, 3, 2), "tanh", seed=5)
    inputs = np.random.default_rng(0).normal(size=(6, 2))
    trace = network.trace(inputs)
    z1 = inputs @ network.weights[0] + network.biases[0]
    assert np.allclose(trace.pre_activations[0], z1)
    assert np.allclose(trace.activations[0], np.tanh(z1))
    z2 = trace.activations[0] @ network.weights[1] + network.biases[1]
    assert np.allclose(trace.activations[1], np.tanh(z2))
    assert np.array_equal(trace.activations[-1], trace.pre_activations[-1])  # linear output
    assert np.array_equal(trace.activations[-1], network.forward(inputs))


def test_trace_with_targets_gives_the_same_gradients_as_training():
    network, inputs, targets = make_problem((2, 3, 1), "sigmoid", "cross_entropy", 4, seed=2)
    loss, gradients = network.loss_and_gradients(inputs, targets, "cross_entropy")
    trace = network.trace(inputs, targets, "cross_entropy")
    assert trace.loss == pytest.approx(loss)
    for traced, gradient in zip(trace.gradients, gradients, strict=True):
        assert np.allclose(traced, gradient)
    # dL/dz of the output is (sigmoid(z) - y) / batch
    probability = 1 / (1 + np.exp(-trace.pre_activations[-1][:, 0]))
    assert np.allclose(trace.deltas[-1][:, 0], (probability - targets) / 4)


def test_mse_is_the_mean_of_all_squared_differences_without_a_half():
    network = MLP((1, 2))
    network.parameters()[0][...] = [[1.0, 2.0]]
    network.parameters()[1][...] = [0.0, 0.0]
    loss = network.loss(np.array([[1.0], [2.0]]), np.array([[0.0, 0.0], [0.0, 1.0]]), "mse")
    assert loss == pytest.approx((1 + 4 + 4 + 9) / 4)


@pytest.mark.parametrize("logit", [-1000.0, -30.0, 0.0, 2.0, 1000.0])
def test_binary_cross_entropy_is_exact_and_never_overflows(logit):
    network = MLP((1, 1))
    network.parameters()[0][...] = 1.0
    network.parameters()[1][...] = 0.0
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is fine
        loss_if_one = network.loss(np.array([[logit]]), np.array([1]), "cross_entropy")
        loss_if_zero = network.loss(np.array([[logit]]), np.array([0]), "cross_entropy")
    assert loss_if_one == pytest.approx(np.logaddexp(0, -logit))  # -log sigmoid(z)
    assert loss_if_zero == pytest.approx(np.logaddexp(0, logit))  # -log(1 - sigmoid(z))


def test_softmax_cross_entropy_handles_huge_logits():
    network = MLP((3, 3))
    network.parameters()[0][...] = np.eye(3)
    logits = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0]])
    loss = network.loss(logits, np.array([1, 2]), "cross_entropy")
    expected = (1000.0 + (np.log(np.exp([1, 2, 3]).sum()) - 3.0)) / 2
    assert loss == pytest.approx(expected)


def test_l2_penalises_weights_but_not_biases():
    network, inputs, targets = make_problem((2, 3, 1), "tanh", "mse", 4, seed=0)
    plain, plain_gradients = network.loss_and_gradients(inputs, targets, "mse")
    penalised, gradients = network.loss_and_gradients(inputs, targets, "mse", "l2", 0.5)
    weights = network.weights
    assert penalised - plain == pytest.approx(0.5 * sum((w * w).sum() for w in weights))
    assert np.allclose(gradients[0], plain_gradients[0] + 2 * 0.5 * weights[0])
    assert np.array_equal(gradients[1], plain_gradients[1])  # a bias


def test_initialisation_is_seeded_and_scaled_to_the_activation():
    assert np.array_equal(MLP((4, 5, 1), seed=7).parameter_vector,
                          MLP((4, 5, 1), seed=7).parameter_vector)
    assert not np.array_equal(MLP((4, 5, 1), seed=7).parameter_vector,
                              MLP((4, 5, 1), seed=8).parameter_vector)
    glorot = MLP((300, 300, 1), "tanh").weights[0]
    he = MLP((300, 300, 1), "relu").weights[0]
    assert glorot.std() == pytest.approx(np.sqrt(2 / 600), rel=0.03)
    assert he.std() == pytest.approx(np.sqrt(2 / 300), rel=0.03)
    assert all(not b.any() for b in MLP((300, 300, 1)).biases)


def test_numerical_gradient_puts_the_number_back():
    weights = np.array([[2.0, 3.0]])
    estimate = numerical_gradient(lambda: float((weights**2).sum()), weights, (0, 1))
    assert estimate == pytest.approx(6.0)
    assert weights.tolist() == [[2.0, 3.0]]


def test_prepare_targets_shapes_labels_for_each_loss():
    labels = np.array([0, 2, 1])
    assert prepare_targets(labels, "cross_entropy", 3).tolist() == [0, 2, 1]
    assert prepare_targets(labels, "mse", 3).tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert prepare_targets(np.array([0, 1]), "cross_entropy", 1).shape == (2, 1)


# --- optimizers, against updates worked out by hand --------------------------------------------

def test_sgd_steps_against_the_gradient():
    p, g = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    SGD(learning_rate=0.1).step([p], [g])
    assert p.tolist() == pytest.approx([0.95, 2.1])


def test_momentum_accumulates_velocity():
    p = np.array([1.0])
    optimizer = Momentum(learning_rate=0.1, momentum=0.9)
    optimizer.step([p], [np.array([1.0])])  # v = 1, p = 1 - 0.1
    assert p[0] == pytest.approx(0.9)
    optimizer.step([p], [np.array([2.0])])  # v = 0.9 * 1 + 2 = 2.9, p = 0.9 - 0.29
    assert p[0] == pytest.approx(0.61)


def test_adam_first_steps_match_the_textbook_formulas():
    p = np.array([1.0, -1.0])
    optimizer = Adam(learning_rate=0.1)
    g1, g2 = np.array([0.5, -2.0]), np.array([0.1, 1.0])
    optimizer.step([p], [g1])
    # first step: m_hat = g, v_hat = g^2, so each weight moves by lr * sign(g)
    assert p.tolist() == pytest.approx([0.9, -0.9], abs=1e-7)
    optimizer.step([p], [g2])
    m = 0.9 * (0.1 * g1) + 0.1 * g2
    v = 0.999 * (0.001 * g1**2) + 0.001 * g2**2
    step = 0.1 * (m / (1 - 0.9**2)) / (np.sqrt(v / (1 - 0.999**2)) + 1e-8)
    assert p.tolist() == pytest.approx((np.array([0.9, -0.9]) - step).tolist())


def test_learning_rate_can_change_between_steps():
    p = np.array([0.0])
    optimizer = make_optimizer("sgd", 0.1)
    optimizer.step([p], [np.array([1.0])])
    optimizer.learning_rate = 1.0
    optimizer.step([p], [np.array([1.0])])
    assert p[0] == pytest.approx(-1.1)


def test_unknown_optimizer_says_what_exists():
    with pytest.raises(ValueError, match="sgd, momentum, adam"):
        make_optimizer("rmsprop", 0.1)


# --- mini-batches --------------------------------------------------------------------------------

def test_each_epoch_uses_every_point_once_in_a_new_order():
    inputs = np.arange(10.0).reshape(10, 1)
    batches = MiniBatches(inputs, inputs[:, 0].copy(), 4, np.random.default_rng(0))
    epochs = []
    for _ in range(2):
        batch_list = [batches.next() for _ in range(3)]  # 4 + 4 + 2
        assert [len(x) for x, _ in batch_list] == [4, 4, 2]
        order = np.concatenate([x[:, 0] for x, _ in batch_list])
        assert sorted(order) == list(range(10))
        assert all(np.array_equal(x[:, 0], y) for x, y in batch_list)  # pairs stay together
        epochs.append(order)
    assert not np.array_equal(epochs[0], epochs[1])


def test_snapshot_continues_with_the_same_batches():
    inputs = np.arange(20.0).reshape(20, 1)
    batches = MiniBatches(inputs, inputs[:, 0], 3, np.random.default_rng(1))
    batches.next()
    twin = batches.snapshot()
    for _ in range(10):
        assert np.array_equal(batches.next()[0], twin.next()[0])


def test_a_deep_copy_of_a_network_is_its_own_and_still_learns():
    import copy

    network = MLP((2, 4, 1), seed=3)
    twin = copy.deepcopy(network)
    assert np.array_equal(twin.parameter_vector, network.parameter_vector)
    # the copy's layers are views of its own vector, as the optimizer needs them to be
    twin.parameter_vector[:] = 0.5
    assert all(np.all(w == 0.5) for w in twin.weights)
    assert all(np.all(b == 0.5) for b in twin.biases)
    assert not np.any(network.parameter_vector == 0.5)  # and not of the original's
