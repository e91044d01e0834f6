"""Optimizers: how a gradient becomes a change of the weights.

Each optimizer has a `step(parameters, gradients)` that updates the parameter arrays in place,
and a `learning_rate` attribute that may be changed between steps. Their memory (velocity,
moment estimates) is made on the first step, one array per parameter array, and also updated
in place. The trainer passes a single flat vector holding every parameter, so a step is a
few NumPy calls (nine for Adam) whatever the size of the network.
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

    def step(self, parameters: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None:
        """Move every parameter a small step downhill."""
        for p, g in zip(parameters, gradients, strict=True):
            p -= self.learning_rate * g


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

    def step(self, parameters: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None:
        """Update the velocities, then move every parameter along its velocity."""
        if self.velocities is None:
            self.velocities = [np.zeros_like(p) for p in parameters]
        for p, g, v in zip(parameters, gradients, self.velocities, strict=True):
            v *= self.momentum
            v += g
            p -= self.learning_rate * v


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
        # Per parameter array p: m and v stacked as moments[0] and moments[1], shape
        # (2, *p.shape), so one multiply and one add update both running averages.
        self.moments: list[np.ndarray] | None = None
        self._betas: list[tuple[np.ndarray, np.ndarray]] = []  # (betas, 1 - betas) per array
        self._scratch: list[tuple[np.ndarray, np.ndarray]] = []

    @property
    def m(self) -> list[np.ndarray] | None:
        """The average gradient m, one array per parameter array (None before the first step)."""
        return None if self.moments is None else [moments[0] for moments in self.moments]

    @property
    def v(self) -> list[np.ndarray] | None:
        """The average squared gradient v, one array per parameter array (None before a step)."""
        return None if self.moments is None else [moments[1] for moments in self.moments]

    def step(self, parameters: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None:
        """Update both running averages, then take a bias-corrected step."""
        if self.moments is None:
            self.moments = [np.zeros((2, *np.shape(p))) for p in parameters]
            for moments in self.moments:
                # full-shape constants: broadcasting a (2, 1) array is slower on small arrays
                betas = np.empty_like(moments)
                betas[0], betas[1] = self.beta1, self.beta2
                self._betas.append((betas, 1.0 - betas))
                self._scratch.append((np.empty_like(moments), np.empty_like(moments[0])))
        self.t += 1
        # Fold both bias corrections into two scalars (same numbers, fewer array operations):
        # lr m_hat / (sqrt(v_hat) + eps) == step_size m / (sqrt(v) + eps * sqrt(1 - beta2^t))
        correction2 = math.sqrt(1.0 - self.beta2 ** self.t)
        step_size = self.learning_rate * correction2 / (1.0 - self.beta1 ** self.t)
        epsilon = self.epsilon * correction2
        for p, g, moments, (betas, one_minus_betas), (new, step) in zip(
                parameters, gradients, self.moments, self._betas, self._scratch, strict=True):
            np.multiply(one_minus_betas, g, out=new)
            new[1] *= g  # new = ((1 - beta1) g, (1 - beta2) g^2)
            moments *= betas
            moments += new  # m <- beta1 m + (1 - beta1) g and v <- beta2 v + (1 - beta2) g^2
            np.sqrt(moments[1], out=step)
            step += epsilon
            np.divide(moments[0], step, out=step)
            step *= step_size
            p -= step


def make_optimizer(name: str, learning_rate: float) -> SGD | Momentum | Adam:
    """Create the optimizer called `name` ("sgd", "momentum" or "adam")."""
    kinds = {"sgd": SGD, "momentum": Momentum, "adam": Adam}
    if name not in kinds:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    return kinds[name](learning_rate=learning_rate)
