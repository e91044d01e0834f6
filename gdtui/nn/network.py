"""A small multilayer perceptron in pure NumPy: forward, loss, backward.

How the numbers are stored (this is what makes a step fast):

- All weights and biases live in one flat vector, `MLP.parameter_vector`, and all
  gradients in another, so an optimizer updates every parameter with a handful of NumPy calls.
  `parameters()` hands out views into that vector: `W` of shape (fan_in, fan_out), `b` of
  shape (fan_out,).
- Each layer's bias is stored as the row just below its weights, and each activation carries
  an extra column of ones, so one matrix product computes `a @ W + b` and one matrix product
  gives the gradients of both `W` and `b`.
- Work arrays for a batch size are made once and reused (`out=`), so a training step creates
  almost no new arrays.

Numbers are float64 unless the network is made with `dtype=np.float32`: then every parameter,
gradient and work array is float32, which halves the memory a step reads and doubles the speed
of the matrix products on large layers, at about 1e-7 relative precision instead of 1e-16.

Losses are computed from the logits of the linear output layer, so they never overflow:
"mse" is mean((output - target)**2) over all elements; "cross_entropy" is sigmoid + binary
cross-entropy for one output (targets 0/1) and softmax cross-entropy for several outputs
(integer class labels). Both are averaged over the batch.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from gdtui.nn.functions import (
    ACTIVATION_FUNCTIONS,
    ACTIVATIONS,
    LOSSES,
    loss_function,
    prepare_targets,
)

DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


def with_ones_column(inputs: np.ndarray, dtype: npt.DTypeLike = np.float64) -> np.ndarray:
    """Return `inputs` of shape (n, d) with a column of ones appended: shape (n, d + 1)."""
    inputs = np.asarray(inputs)
    out = np.ones((len(inputs), inputs.shape[1] + 1), dtype)
    out[:, :-1] = inputs
    return out


@dataclass(frozen=True)
class Trace:
    """Every number of one forward (and optionally backward) pass, layer by layer.

    `pre_activations[i]` is z = a @ W + b of layer i, `activations[i]` is a = f(z) (the last
    layer is linear, so its activation equals its z, the logits). With targets, `deltas[i]`
    is dL/dz of layer i and `gradients` is in the order of `MLP.parameters()`.
    """

    inputs: np.ndarray
    pre_activations: list[np.ndarray]
    activations: list[np.ndarray]
    loss: float | None = None
    deltas: list[np.ndarray] | None = None
    gradients: list[np.ndarray] | None = None


class _Buffers:
    """Work arrays for one batch size: z, a (with ones column), dL/dz and scratch per layer."""

    def __init__(self, layer_sizes: Sequence[int], batch_size: int, dtype: np.dtype) -> None:
        widths = layer_sizes[1:]
        self.z = [np.empty((batch_size, w), dtype) for w in widths]
        self.a_with_ones = [np.ones((batch_size, w + 1), dtype) for w in widths[:-1]]
        self.a = [a[:, :-1] for a in self.a_with_ones] + [self.z[-1]]  # output is linear
        self.delta = [np.empty((batch_size, w), dtype) for w in widths]
        self.scratch = [np.empty((batch_size, w), dtype) for w in widths]
        # made once: a new view every step costs about as much as a small NumPy call
        self.a_with_ones_transposed = [a.T for a in self.a_with_ones]


class MLP:
    """A fully connected network: hidden layers with `activation`, then a linear output layer.

    `layer_sizes` counts units from input to output, e.g. (2, 8, 8, 1). Weights start with
    Glorot/Xavier normal initialisation (std sqrt(2 / (fan_in + fan_out))) for tanh, sigmoid
    and linear, He normal (std sqrt(2 / fan_in)) for relu, drawn from a NumPy Generator seeded
    with `seed`; biases start at zero. `dtype` is np.float64 (the default) or np.float32; a
    float32 network starts from the float64 one's weights, rounded.
    """

    def __init__(self, layer_sizes: Sequence[int], activation: str = "tanh", seed: int = 0,
                 dtype: npt.DTypeLike = np.float64):
        sizes = tuple(int(n) for n in layer_sizes)
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError("layer sizes: need an input and an output size, all at least 1")
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of "
                             f"{', '.join(ACTIVATIONS)}")
        if np.dtype(dtype) not in DTYPES:
            raise ValueError(f"dtype {np.dtype(dtype)}: choose float64 or float32")
        self.layer_sizes = sizes
        self.activation = activation
        self.dtype = np.dtype(dtype)
        self._activate, self._activate_backward = ACTIVATION_FUNCTIONS[activation]
        blocks = [(fan_in + 1) * fan_out for fan_in, fan_out in pairwise(sizes)]
        self.parameter_vector = np.zeros(sum(blocks), self.dtype)
        self.gradient_vector = np.zeros(sum(blocks), self.dtype)
        self._make_views()
        # 1 for weights, 0 for biases: regularisation applies to weights only
        self.weight_mask = np.zeros_like(self.parameter_vector)
        for mask_block in self._split(self.weight_mask):
            mask_block[:-1] = 1.0
        self._penalty_work = np.empty_like(self.parameter_vector)
        self._buffers: dict[int, _Buffers] = {}
        self._loss_functions = {name: loss_function(name, sizes[-1]) for name in LOSSES}
        self.initialize(seed)

    def _make_views(self) -> None:
        # Layer i is a (fan_in + 1, fan_out) block: rows 0..fan_in-1 are W, the last row is b.
        self.blocks = self._split(self.parameter_vector)
        self.gradient_blocks = self._split(self.gradient_vector)
        self.weights = [block[:-1] for block in self.blocks]
        self.biases = [block[-1] for block in self.blocks]
        self._weights_transposed = [w.T for w in self.weights]

    def __deepcopy__(self, memo: dict) -> MLP:
        """An independent copy whose layers are views of its own parameter vector again (a
        plain deepcopy copies each view apart: the optimizer would then update a vector the
        forward pass no longer reads). Work buffers are not copied; they are made when used."""
        twin = MLP.__new__(MLP)
        memo[id(self)] = twin
        twin.__dict__.update(self.__dict__)  # sizes, names, functions: shared, never changed
        twin.parameter_vector = self.parameter_vector.copy()
        twin.gradient_vector = self.gradient_vector.copy()
        twin.weight_mask = self.weight_mask.copy()
        twin._penalty_work = np.empty_like(self.parameter_vector)
        twin._buffers = {}
        twin._make_views()
        return twin

    def _split(self, vector: np.ndarray) -> list[np.ndarray]:
        sizes, views, start = self.layer_sizes, [], 0
        for fan_in, fan_out in pairwise(sizes):
            views.append(vector[start:start + (fan_in + 1) * fan_out].reshape(fan_in + 1, -1))
            start += (fan_in + 1) * fan_out
        return views

    def initialize(self, seed: int = 0) -> None:
        """Draw fresh weights (seeded) and set every bias to zero."""
        rng = np.random.default_rng(seed)
        last = len(self.weights) - 1
        for i, weights in enumerate(self.weights):
            fan_in, fan_out = weights.shape
            if self.activation == "relu" and i < last:
                std = np.sqrt(2.0 / fan_in)
            else:
                std = np.sqrt(2.0 / (fan_in + fan_out))
            weights[...] = rng.normal(0.0, std, size=weights.shape)
            self.biases[i][...] = 0.0

    @property
    def n_inputs(self) -> int:
        """Number of input features."""
        return self.layer_sizes[0]

    @property
    def n_outputs(self) -> int:
        """Number of outputs (logits)."""
        return self.layer_sizes[-1]

    def parameters(self) -> list[np.ndarray]:
        """The live parameter arrays [W1, b1, W2, b2, ...]; editing them edits the network."""
        return [p for w, b in zip(self.weights, self.biases, strict=True) for p in (w, b)]

    def gradients(self) -> list[np.ndarray]:
        """Live views of the gradients of the last backward pass, in the order of parameters()."""
        return [p for block in self.gradient_blocks for p in (block[:-1], block[-1])]

    def _buffers_for(self, batch_size: int) -> _Buffers:
        buffers = self._buffers.get(batch_size)
        if buffers is None:
            if len(self._buffers) >= 4:  # a run uses two sizes: the batch and the remainder
                self._buffers.pop(next(iter(self._buffers)))
            buffers = self._buffers[batch_size] = _Buffers(self.layer_sizes, batch_size,
                                                           self.dtype)
        return buffers

    # --- the three moves of learning ------------------------------------------------------

    def _forward(self, inputs_with_ones: np.ndarray, buffers: _Buffers) -> np.ndarray:
        a = inputs_with_ones
        for i in range(len(self.blocks) - 1):  # the hidden layers
            np.dot(a, self.blocks[i], out=buffers.z[i])  # z = a @ W + b
            self._activate(buffers.z[i], buffers.a[i])  # a = f(z), next to its column of ones
            a = buffers.a_with_ones[i]
        return np.dot(a, self.blocks[-1], out=buffers.z[-1])  # the output layer is linear

    def _backward(self, inputs_with_ones: np.ndarray, buffers: _Buffers,
                  gradient_blocks: list[np.ndarray]) -> None:
        # buffers.delta[-1] holds dL/dz of the output layer (written by the loss); each layer's
        # dL/dz gives its own gradients and, through its weights, dL/dz of the layer below
        delta = buffers.delta
        for i in range(len(self.blocks) - 1, 0, -1):
            a_below = buffers.a_with_ones_transposed[i - 1]
            np.dot(a_below, delta[i], out=gradient_blocks[i])  # dL/dW and dL/db
            np.dot(delta[i], self._weights_transposed[i], out=delta[i - 1])  # dL/da below
            self._activate_backward(buffers.a[i - 1], delta[i - 1], buffers.scratch[i - 1])
        np.dot(inputs_with_ones.T, delta[0], out=gradient_blocks[0])

    def compute_gradients(self, inputs_with_ones: np.ndarray, targets: np.ndarray,
                          loss: str) -> float:
        """Forward, loss and backward on one batch: the training hot path.

        `inputs_with_ones` comes from `with_ones_column` (in the network's dtype, or it is
        converted at every call), `targets` from `prepare_targets`. Fills `gradient_vector`
        (data loss only, no regularisation) and returns the loss.
        """
        if inputs_with_ones.dtype != self.dtype:
            inputs_with_ones = inputs_with_ones.astype(self.dtype)
        buffers = self._buffers_for(len(inputs_with_ones))
        logits = self._forward(inputs_with_ones, buffers)
        loss_value = self._loss_function(loss)(logits, targets, buffers.delta[-1],
                                               buffers.scratch[-1])
        self._backward(inputs_with_ones, buffers, self.gradient_blocks)
        return loss_value

    def _loss_function(self, loss: str) -> Callable[..., float]:
        function = self._loss_functions.get(loss)
        return function if function is not None else loss_function(loss, self.n_outputs)

    def loss_and_outputs(self, inputs_with_ones: np.ndarray, targets: np.ndarray,
                         loss: str) -> tuple[float, np.ndarray]:
        """Forward and loss without backward, reusing work arrays (for regular evaluation).

        Arguments as for `compute_gradients`. The returned outputs are overwritten by the
        next call with the same number of rows.
        """
        if inputs_with_ones.dtype != self.dtype:
            inputs_with_ones = inputs_with_ones.astype(self.dtype)
        buffers = self._buffers_for(len(inputs_with_ones))
        logits = self._forward(inputs_with_ones, buffers)
        loss_value = self._loss_function(loss)(logits, targets, buffers.delta[-1],
                                               buffers.scratch[-1])
        return loss_value, logits

    def add_regularization(self, kind: str, rate: float) -> float:
        """Add the penalty's gradient to `gradient_vector` (weights only); return the penalty.

        "l2": rate * sum(w^2), gradient 2 rate w. "l1": rate * sum(|w|), gradient rate sign(w).
        "none": nothing.
        """
        if kind == "none" or rate == 0.0:
            return 0.0
        if kind not in ("l1", "l2"):
            raise ValueError(f"unknown regularization {kind!r}; choose none, l1 or l2")
        # the penalty's gradient is built in a work array: new arrays the size of a large
        # network cost more than the arithmetic
        work = self._penalty_work
        weights = np.multiply(self.parameter_vector, self.weight_mask, out=work)  # biases: 0
        if kind == "l2":
            penalty = rate * float(np.vdot(weights, weights))
            np.multiply(weights, 2.0 * rate, out=work)
        else:
            penalty = rate * float(np.abs(weights, out=work).sum())
            np.sign(self.parameter_vector, out=work)  # (np.sign in place is 8 times slower)
            np.multiply(work, self.weight_mask, out=work)
            np.multiply(work, rate, out=work)
        self.gradient_vector += work
        return penalty

    # --- friendly entry points (allocate fresh arrays; fine to call from anywhere) ---------

    def forward(self, inputs: np.ndarray) -> np.ndarray:
        """The output layer (logits) for `inputs` of shape (n, n_inputs): shape (n, n_outputs)."""
        return self.trace(inputs).activations[-1]

    def loss(self, inputs: np.ndarray, targets: np.ndarray, loss: str) -> float:
        """The data loss (no regularisation) for `inputs` and raw `targets`."""
        return self.trace(inputs, targets, loss).loss

    def trace(self, inputs: np.ndarray, targets: np.ndarray | None = None,
              loss: str = "mse") -> Trace:
        """Run a forward pass, and a backward pass when `targets` are given; keep every number.

        This is what a step-by-step backpropagation screen shows. The gradients here are of
        the data loss only and do not touch the network's own gradient arrays.
        """
        inputs_with_ones = with_ones_column(inputs, self.dtype)
        buffers = _Buffers(self.layer_sizes, len(inputs_with_ones), self.dtype)
        self._forward(inputs_with_ones, buffers)
        activations = [a.copy() for a in buffers.a]
        if targets is None:
            return Trace(inputs_with_ones[:, :-1], buffers.z, activations)
        prepared = prepare_targets(targets, loss, self.n_outputs)
        loss_value = loss_function(loss, self.n_outputs)(
            buffers.z[-1], prepared, buffers.delta[-1], buffers.scratch[-1])
        gradient_blocks = [np.empty_like(block) for block in self.blocks]
        self._backward(inputs_with_ones, buffers, gradient_blocks)
        gradients = [p for block in gradient_blocks for p in (block[:-1], block[-1])]
        return Trace(inputs_with_ones[:, :-1], buffers.z, activations, loss_value,
                     buffers.delta, gradients)

    def loss_and_gradients(self, inputs: np.ndarray, targets: np.ndarray, loss: str,
                           regularization: str = "none", regularization_rate: float = 0.0
                           ) -> tuple[float, list[np.ndarray]]:
        """Return (loss, gradients) for a batch; gradients in the order of `parameters()`.

        The loss includes the regularisation penalty, so the gradients are exactly its
        derivative. The returned gradient arrays are copies.
        """
        prepared = prepare_targets(targets, loss, self.n_outputs)
        data_loss = self.compute_gradients(with_ones_column(inputs, self.dtype), prepared, loss)
        penalty = self.add_regularization(regularization, regularization_rate)
        return data_loss + penalty, [g.copy() for g in self.gradients()]


def numerical_gradient(f: Callable[[], float], parameter: np.ndarray, index: tuple[int, ...],
                       eps: float = 1e-6) -> float:
    """Estimate dL/dp for one number p = parameter[index] by nudging it both ways.

    Central difference: (f(p + eps) - f(p - eps)) / (2 eps), where `f` recomputes the loss
    from the current parameters. The parameter is restored afterwards.
    """
    original = float(parameter[index])
    try:
        parameter[index] = original + eps
        loss_up = f()
        parameter[index] = original - eps
        loss_down = f()
    finally:
        parameter[index] = original
    return (loss_up - loss_down) / (2.0 * eps)


class MiniBatches:
    """Hands out mini-batches, reshuffling the data at the start of every epoch.

    The last batch of an epoch holds the remainder, so every point is used once per epoch.
    `batch_size` may be changed between batches.
    """

    def __init__(self, inputs: np.ndarray, targets: np.ndarray, batch_size: int,
                 rng: np.random.Generator) -> None:
        self.inputs, self.targets = inputs, targets
        self.batch_size = batch_size
        self.rng = rng
        self.epoch = 0
        self._position = len(inputs)  # start with a shuffle
        self._shuffled_inputs, self._shuffled_targets = inputs, targets

    def next(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the next (inputs, targets) batch."""
        n = len(self.inputs)
        if self._position >= n:
            order = self.rng.permutation(n)
            # take() gives the same rows as inputs[order], several times faster on small arrays
            self._shuffled_inputs = self.inputs.take(order, axis=0)
            self._shuffled_targets = self.targets.take(order, axis=0)
            self._position = 0
            self.epoch += 1
        start = self._position
        self._position = stop = start + self.batch_size
        return self._shuffled_inputs[start:stop], self._shuffled_targets[start:stop]

    def snapshot(self) -> MiniBatches:
        """A copy that continues exactly where this one is (for undo)."""
        twin = copy.copy(self)
        twin.rng = copy.deepcopy(self.rng)
        return twin
