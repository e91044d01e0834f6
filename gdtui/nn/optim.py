"""Optimizers: how a gradient becomes a change of the weights.

Each optimizer has a `step(parameters, gradients)` that updates the parameter arrays in place,
and a `learning_rate` attribute that may be changed between steps. Their memory (velocity,
moment estimates) is made on the first step, one array per parameter array, and also updated
in place, through one scratch array per parameter array, so a step allocates nothing. The
trainer passes a single flat vector holding every parameter, so a step is a few NumPy calls
(ten for Adam) whatever the size of the network.
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

    What it stores are the running sums before their (1 - beta) factor, m / (1 - beta1) and
    v / (1 - beta2): each is updated by s <- beta s + g (or g^2), and every constant factor
    goes into two numbers per step. The same update, in ten NumPy calls.
    """

    name = "adam"

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8) -> None:
        self.learning_rate = learning_rate
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.t = 0
        # one array per parameter array, made at the first step
        self.gradient_sums: list[np.ndarray] | None = None  # m / (1 - beta1)
        self.square_sums: list[np.ndarray] | None = None  # v / (1 - beta2)
        self._scratch: list[np.ndarray] = []

    @property
    def m(self) -> list[np.ndarray] | None:
        """The average gradient m, one array per parameter array (None before the first step)."""
        if self.gradient_sums is None:
            return None
        return [(1.0 - self.beta1) * sums for sums in self.gradient_sums]

    @property
    def v(self) -> list[np.ndarray] | None:
        """The average squared gradient v, one array per parameter array (None before a step)."""
        if self.square_sums is None:
            return None
        return [(1.0 - self.beta2) * sums for sums in self.square_sums]

    def step(self, parameters: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None:
        """Update both running averages, then take a bias-corrected step."""
        if self.gradient_sums is None or self.square_sums is None:
            self.gradient_sums = [np.zeros_like(p) for p in parameters]
            self.square_sums = [np.zeros_like(p) for p in parameters]
            self._scratch = [np.empty_like(p) for p in parameters]
        self.t += 1
        beta1, beta2 = self.beta1, self.beta2
        # sqrt(v_hat) = root * sqrt(square_sum) and m_hat = (1 - beta1) / (1 - beta1^t) * sum,
        # so learning_rate m_hat / (sqrt(v_hat) + epsilon) = step_size sum / (sqrt(squares) +
        # epsilon / root)
        root = math.sqrt((1.0 - beta2) / (1.0 - beta2**self.t))
        step_size = self.learning_rate * (1.0 - beta1) / ((1.0 - beta1**self.t) * root)
        epsilon = self.epsilon / root
        for p, g, sums, squares, step in zip(parameters, gradients, self.gradient_sums,
                                             self.square_sums, self._scratch, strict=True):
            sums *= beta1
            sums += g
            squares *= beta2
            np.multiply(g, g, out=step)
            squares += step
            np.sqrt(squares, out=step)
            step += epsilon
            np.divide(sums, step, out=step)
            step *= step_size
            p -= step


def make_optimizer(name: str, learning_rate: float) -> SGD | Momentum | Adam:
    """Create the optimizer called `name` ("sgd", "momentum" or "adam")."""
    kinds = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
    if name not in kinds:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return kinds[name](learning_rate=learning_rate)
