"""Optimizers: how a gradient becomes a change of the weights.

Each optimizer has a `step(parameters, gradients)` that updates the parameter arrays in place,
and a `learning_rate` attribute that may be changed between steps. Their memory (velocity,
moment estimates) is made on the first step, one array per parameter array, and also updated
in place, through one scratch array per parameter array, so a step allocates nothing. The
trainer passes a single flat vector holding every parameter, so a step is a few NumPy calls
(twelve for Adam) whatever the size of the network.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

OPTIMIZERS = ("sgd", "momentum", "adam")


class SGD:
    """Plain gradient descent: p <- p - learning_rate * g."""

    name = "sgd"

    def __init__(self, learning_rate: float = 0.01) -> None:
        self.learning_rate = learning_rate
        self._scratch: list[np.ndarray] | None = None

    def step(self, parameters: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None:
        """Move every parameter a small step downhill."""
        if self._scratch is None:
            self._scratch = [np.empty_like(p) for p in parameters]
        for p, g, step in zip(parameters, gradients, self._scratch, strict=True):
            np.multiply(g, self.learning_rate, out=step)
            p -= step


class Momentum:
    """Gradient descent with momentum: v <- momentum * v + g; p <- p - learning_rate * v.

    The velocity v remembers past gradients, so steps grow along a steady slope and
    oscillations across a narrow valley cancel out.
    """

    name = "momentum"

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.9) -> None:
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.velocities: list[np.ndarray] | None = None
        self._scratch: list[np.ndarray] = []

    def step(self, parameters: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None:
        """Update the velocities, then move every parameter along its velocity."""
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in parameters]
            self._scratch = [np.empty_like(p) for p in parameters]
        for p, g, v, step in zip(parameters, gradients, self.velocities, self._scratch,
                                 strict=True):
            v *= self.momentum
            v += g
            np.multiply(v, self.learning_rate, out=step)
            p -= step


class Adam:
    """Adam: a step size per weight from running averages of the gradient and its square.

        m <- beta1 m + (1 - beta1) g          (average gradient)
        v <- beta2 v + (1 - beta2) g^2        (average squared gradient)
        m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)   (bias correction)
        p <- p - learning_rate * m_hat / (sqrt(v_hat) + epsilon)
    """

    name = "adam"

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8) -> None:
        self.learning_rate = learning_rate
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        self.m: list[np.ndarray] | None = None  # one array per parameter array, made at step 1
        self.v: list[np.ndarray] | None = None
        self._scratch: list[np.ndarray] = []

    def step(self, parameters: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None:
        """Update both running averages, then take a bias-corrected step."""
        if self.m is None or self.v is None:
            self.m = [np.zeros_like(p) for p in parameters]
            self.v = [np.zeros_like(p) for p in parameters]
            self._scratch = [np.empty_like(p) for p in parameters]
        self.t += 1
        beta1, beta2 = self.beta1, self.beta2
        # Fold both bias corrections into two scalars (same numbers, fewer array operations):
        # lr m_hat / (sqrt(v_hat) + eps) == step_size m / (sqrt(v) + eps * sqrt(1 - beta2^t))
        correction2 = math.sqrt(1.0 - beta2 ** self.t)
        step_size = self.learning_rate * correction2 / (1.0 - beta1 ** self.t)
        epsilon = self.epsilon * correction2
        for p, g, m, v, step in zip(parameters, gradients, self.m, self.v, self._scratch,
                                    strict=True):
            m *= beta1
            np.multiply(g, 1.0 - beta1, out=step)
            m += step  # m <- beta1 m + (1 - beta1) g
            v *= beta2
            np.multiply(g, 1.0 - beta2, out=step)
            step *= g
            v += step  # v <- beta2 v + (1 - beta2) g^2
            np.sqrt(v, out=step)
            step += epsilon
            np.divide(m, step, out=step)
            step *= step_size
            p -= step


def make_optimizer(name: str, learning_rate: float) -> SGD | Momentum | Adam:
    """Create the optimizer called `name` ("sgd", "momentum" or "adam")."""
    kinds = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
    if name not in kinds:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return kinds[name](learning_rate=learning_rate)
