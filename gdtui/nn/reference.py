"""The engine written plainly: forward, loss, backward, update, a few lines each.

This is backpropagation as the lessons tell it, the chain rule applied layer by layer. It
computes the same numbers as the fast `MLP` in network.py (tests/test_nn_reference.py checks
them to 1e-12), which keeps every parameter in one flat vector, folds each bias into its
weights with a column of ones and reuses its work arrays: read this one to see what that one
does. The updates (SGD, momentum, Adam) are the textbook formulas; tests/test_nn_training.py
checks that 100 steps of the fast engine and optimizers stay within 1e-9 of them.

A batch holds n points, one per row. Layer i has weights `W` of shape (fan_in, fan_out) and
biases `b` of shape (fan_out,); the hidden layers apply the activation f, the output layer is
linear and its outputs are the logits. Each loss is averaged over the batch.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z): squashes any number into 0..1."""
    return 1.0 / (1.0 + np.exp(-z))


# Each activation f and its slope f'(z).
ACTIVATIONS = {
    "linear": (lambda z: z, lambda z: np.ones_like(z)),
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1.0 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0.0).astype(float)),
}


def forward(weights: list[np.ndarray], biases: list[np.ndarray], inputs: np.ndarray,
            activation: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Run the inputs through every layer: (zs, activations).

    zs[i] is layer i's z = a @ W + b; activations[0] is the inputs and activations[i + 1] is
    layer i's a = f(z), so activations[-1] are the logits.
    """
    f, _ = ACTIVATIONS[activation]
    a, zs, activations = inputs, [], [inputs]
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        z = a @ W + b
        a = z if i == len(weights) - 1 else f(z)  # the output layer is linear
        zs.append(z)
        activations.append(a)
    return zs, activations


def loss(name: str, logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """The loss of the logits, and dL/d(logits): where the backward pass starts.

    "mse": mean((logits - targets)^2) over every number; targets of shape (n, outputs).
    "cross_entropy" with one output: sigmoid, then binary cross-entropy; targets 0 or 1 of
    shape (n, 1). Written from the logit z it is log(1 + e^z) - y z per point.
    "cross_entropy" with several outputs: softmax, then -log(probability of the right class);
    targets are class numbers of shape (n,).
    """
    n = len(logits)
    if name == "mse":
        error = logits - targets
        return float(np.mean(error ** 2)), 2.0 * error / error.size
    if name == "cross_entropy" and logits.shape[1] == 1:
        value = np.mean(np.log1p(np.exp(logits)) - targets * logits)
        return float(value), (sigmoid(logits) - targets) / n
    if name == "cross_entropy":
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))  # the same softmax, no overflow
        probabilities = exp / exp.sum(axis=1, keepdims=True)
        right = probabilities[np.arange(n), targets]
        one_hot = np.eye(logits.shape[1])[targets]
        return float(np.mean(-np.log(right))), (probabilities - one_hot) / n
    raise ValueError(f"unknown loss {name!r}")


def backward(weights: list[np.ndarray], zs: list[np.ndarray], activations: list[np.ndarray],
             delta: np.ndarray, activation: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The chain rule from the output layer down: (dL/dW, dL/db) for every layer.

    `delta` starts as dL/dz of the output layer (the loss's dL/d(logits): that layer is linear)
    and becomes dL/dz of each layer below in turn.
    """
    _, slope = ACTIVATIONS[activation]
    weight_gradients, bias_gradients = [], []
    for i in reversed(range(len(weights))):
        weight_gradients.insert(0, activations[i].T @ delta)  # z = a @ W + b, so dz/dW = a
        bias_gradients.insert(0, delta.sum(axis=0))  # and dz/db = 1, for every point
        if i > 0:
            delta = (delta @ weights[i].T) * slope(zs[i - 1])  # dL/dz of the layer below
    return weight_gradients, bias_gradients


def sgd_update(weights: list[np.ndarray], biases: list[np.ndarray],
               weight_gradients: list[np.ndarray], bias_gradients: list[np.ndarray],
               learning_rate: float) -> None:
    """One step downhill, in place: W -= learning_rate * dL/dW, b -= learning_rate * dL/db."""
    for W, b, dW, db in zip(weights, biases, weight_gradients, bias_gradients, strict=True):
        W -= learning_rate * dW
        b -= learning_rate * db


def momentum_update(parameters: list[np.ndarray], gradients: list[np.ndarray],
                    velocities: list[np.ndarray], learning_rate: float,
                    momentum: float = 0.9) -> None:
    """Gradient descent with momentum, in place: v = momentum v + g, then p -= learning_rate v.

    `parameters` is any list of arrays ([W1, b1, W2, b2, ...]), `velocities` one array of
    zeros like each at the start.
    """
    for p, g, v in zip(parameters, gradients, velocities, strict=True):
        v[...] = momentum * v + g
        p -= learning_rate * v


def adam_update(parameters: list[np.ndarray], gradients: list[np.ndarray],
                m: list[np.ndarray], v: list[np.ndarray], t: int, learning_rate: float,
                beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8) -> None:
    """Adam's step number t (counting from 1), in place on the parameters and on m and v.

    `m` and `v` hold one array of zeros like each parameter at the start.
    """
    for p, g, m_p, v_p in zip(parameters, gradients, m, v, strict=True):
        m_p[...] = beta1 * m_p + (1 - beta1) * g  # running average of the gradient
        v_p[...] = beta2 * v_p + (1 - beta2) * g**2  # ... and of its square
        m_hat = m_p / (1 - beta1**t)  # both averages start at 0: correct the early ones
        v_hat = v_p / (1 - beta2**t)
        p -= learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)


def train_step(weights: list[np.ndarray], biases: list[np.ndarray], inputs: np.ndarray,
               targets: np.ndarray, activation: str, loss_name: str,
               learning_rate: float) -> float:
    """Forward, loss, backward, update: one step of learning. Returns the loss before it."""
    zs, activations = forward(weights, biases, inputs, activation)
    value, delta = loss(loss_name, activations[-1], targets)
    weight_gradients, bias_gradients = backward(weights, zs, activations, delta, activation)
    sgd_update(weights, biases, weight_gradients, bias_gradients, learning_rate)
    return value
