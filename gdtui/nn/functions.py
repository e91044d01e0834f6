"""Activation and loss functions, each with its derivative, working in place on buffers.

An activation's forward writes a = f(z) into `out`; its backward turns dL/da into dL/dz in
place using only a, so the backward pass needs no stored z. A loss returns its value and
writes dL/d(logits) into `grad`. Losses start from the logits, so they never overflow.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu")
LOSSES = ("mse", "cross_entropy")


# --- activations

def _linear(z: np.ndarray, out: np.ndarray) -> None:
    np.copyto(out, z)


def _linear_backward(a: np.ndarray, grad: np.ndarray, scratch: np.ndarray) -> None:
    pass  # f'(z) = 1


def _sigmoid(z: np.ndarray, out: np.ndarray) -> None:
    # sigmoid(z) = (1 + tanh(z/2)) / 2 never overflows, unlike 1 / (1 + exp(-z))
    np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    np.multiply(out, 0.5, out=out)
    np.add(out, 0.5, out=out)


def _sigmoid_backward(a: np.ndarray, grad: np.ndarray, scratch: np.ndarray) -> None:
    np.multiply(a, a, out=scratch)
    np.subtract(a, scratch, out=scratch)  # f'(z) = a (1 - a)
    np.multiply(grad, scratch, out=grad)


def _tanh_backward(a: np.ndarray, grad: np.ndarray, scratch: np.ndarray) -> None:
    # f'(z) = 1 - a^2, applied as grad - grad a^2: array-with-array calls skip the slower
    # conversion of a Python number
    np.multiply(a, a, out=scratch)
    np.multiply(scratch, grad, out=scratch)
    np.subtract(grad, scratch, out=grad)


def _relu(z: np.ndarray, out: np.ndarray) -> None:
    np.maximum(z, 0.0, out=out)


def _relu_backward(a: np.ndarray, grad: np.ndarray, scratch: np.ndarray) -> None:
    np.greater(a, 0.0, out=scratch)  # f'(z) = 1 where z > 0, else 0
    np.multiply(grad, scratch, out=grad)


ACTIVATION_FUNCTIONS = {
    "linear": (_linear, _linear_backward),
    "sigmoid": (_sigmoid, _sigmoid_backward),
    "tanh": (np.tanh, _tanh_backward),  # a ufunc: np.tanh(z, out) writes into out
    "relu": (_relu, _relu_backward),
}


# --- losses

def _mse(logits: np.ndarray, targets: np.ndarray, grad: np.ndarray, scratch: np.ndarray) -> float:
    np.subtract(logits, targets, out=grad)
    loss = float(np.vdot(grad, grad)) / grad.size
    np.multiply(grad, 2.0 / grad.size, out=grad)
    return loss


def _binary_cross_entropy(
    logits: np.ndarray, targets: np.ndarray, grad: np.ndarray, scratch: np.ndarray
) -> float:
    # per point: softplus(z) - y z, where softplus(z) = log(1 + e^z) = logaddexp(0, z)
    softplus = np.logaddexp(0.0, logits, out=scratch)
    loss = (float(np.add.reduce(softplus, axis=None)) - float(np.vdot(targets, logits)))
    loss /= len(logits)
    # gradient: sigmoid(z) - y, with sigmoid(z) = exp(z - softplus(z)) <= 1
    np.subtract(logits, softplus, out=grad)
    np.exp(grad, out=grad)
    np.subtract(grad, targets, out=grad)
    np.multiply(grad, 1.0 / len(logits), out=grad)
    return loss


def _softmax_cross_entropy(
    logits: np.ndarray, labels: np.ndarray, grad: np.ndarray, scratch: np.ndarray
) -> float:
    n, rows = len(logits), np.arange(len(logits))
    # log-sum-exp trick: subtract each row's largest logit first, so exp never overflows
    shifted = np.subtract(logits, np.maximum.reduce(logits, axis=1, keepdims=True), out=scratch)
    log_sum = np.log(np.add.reduce(np.exp(shifted, out=grad), axis=1, keepdims=True))
    loss = float(np.add.reduce(log_sum[:, 0] - shifted[rows, labels])) / n
    np.subtract(shifted, log_sum, out=grad)
    np.exp(grad, out=grad)  # softmax
    grad[rows, labels] -= 1.0  # softmax - one_hot(labels)
    np.divide(grad, n, out=grad)
    return loss


def prepare_targets(targets: np.ndarray, loss: str, n_outputs: int) -> np.ndarray:
    """Shape `targets` the way `loss` expects them for a network with `n_outputs` outputs.

    cross_entropy, one output: floats 0/1 of shape (n, 1). cross_entropy, several outputs:
    integer labels of shape (n,). mse: floats of shape (n, n_outputs); integer labels of
    shape (n,) with several outputs become one-hot rows.
    """
    targets = np.asarray(targets)
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if loss == "cross_entropy" and n_outputs > 1:
        return targets.reshape(-1).astype(np.int64)
    if loss == "mse" and n_outputs > 1 and targets.ndim == 1:
        return np.eye(n_outputs)[targets.astype(np.int64)]
    return targets.astype(np.float64).reshape(len(targets), n_outputs)


def loss_function(loss: str, n_outputs: int) -> Callable[..., float]:
    """The loss function for `loss` and a network with `n_outputs` outputs."""
    if loss == "mse":
        return _mse
    if loss == "cross_entropy":
        return _binary_cross_entropy if n_outputs == 1 else _softmax_cross_entropy
    raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
