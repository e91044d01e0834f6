"""The backprop stepper: one training step of a tiny network, explained number by number.

Every number comes from the engine (gdtui/nn.py); this module only asks for them and writes
them down as plain data (labelled numbers and formula strings) for the screen to show.

How the prediction gets between 0 and 1: the engine's output layer is linear (it returns
logits), while the lesson's unit ends in a sigmoid and its loss is L = (y - t)^2 on the
sigmoid's output. Instead of a second copy of the math, the stepper asks the engine for one
more layer:

    inputs -> hidden units (f) -> output unit y (f) -> read-out (linear, weight 1, bias 0)

The output unit is an ordinary engine layer with the chosen activation f, and the read-out
passes y through unchanged, so the engine's own "mse" loss on it is exactly (y - t)^2 and
its trace holds every number: z and f(z) of every unit, dL/dy (the read-out's dL/dz), dL/dz of
every unit, and every gradient. The read-out is never shown and never updated. The price is
that the output unit uses the same activation as the hidden units (the engine has one
activation per network), so the tanh network predicts between -1 and 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gdtui.nn.functions import ACTIVATION_FUNCTIONS
from gdtui.nn.network import MLP, Trace, numerical_gradient
from gdtui.nn.optim import SGD
from gdtui.numbers import field_text, format_significant, read_field, read_positive_field

STAGES = ("forward", "loss", "backward", "nudge", "update")
STAGE_TITLES = {
    "forward": "Forward pass",
    "loss": "Loss",
    "backward": "Backward pass",
    "nudge": "Nudge check",
    "update": "Update",
}
ACTIVATION_CHOICES = ("sigmoid", "tanh")
# How f(z) and its slope f'(z) are written, per activation.
SYMBOL = {"sigmoid": "σ", "tanh": "tanh"}
SLOPE_FORMULA = {"sigmoid": "{a}(1 − {a})", "tanh": "1 − {a}²"}
# What the prediction can reach, so a target outside it can be refused with a reason.
PREDICTION_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}

DEFAULT_LEARNING_RATE = 0.5
DEFAULT_NUDGE = 1e-4
LIMIT = 100.0  # largest size of a typed weight or input: beyond it a sigmoid is flat anyway
MAX_LEARNING_RATE = 1000.0
RUN_LENGTHS = (10, 100)
# Nudge and backprop agree when their relative error is below this (smooth functions give
# about 1e-8 with a central difference; a wrong gradient is off by far more).
AGREEMENT = 1e-4
PRECISE_DIGITS = 8  # for the nudge check: two nearly equal losses must show their difference
UNDO_LIMIT = 200
LOSS = "mse"  # the engine's loss on the read-out: (y - t)^2 for one example


@dataclass(frozen=True)
class ExampleNetwork:
    """A starting network: its shape, one training example and the starting weights."""

    title: str
    n_inputs: int
    n_hidden: int  # 0: a single unit, as in the lesson
    inputs: tuple[float, ...]
    target: float
    weights: dict[str, float]


NETWORKS: dict[str, ExampleNetwork] = {
    # z = −0.85 at the output, so y ≈ 0.30 and L ≈ 0.49 as in the lesson.
    "hidden": ExampleNetwork("1 input, 2 hidden units", 1, 2, (2.0,), 1.0, {
        "w1": 0.5, "b1": 0.1, "w2": -0.5, "b2": -0.1, "v1": -0.4, "v2": 0.2, "c": -0.6}),
    # The lesson's single unit with exactly its numbers.
    "lesson": ExampleNetwork("the lesson's single unit", 1, 0, (2.0,), 1.0,
                             {"w": -0.3, "b": -0.25}),
    "two-inputs": ExampleNetwork("2 inputs, 2 hidden units", 2, 2, (1.0, 0.5), 1.0, {
        "w11": 0.5, "w21": -0.3, "b1": 0.1, "w12": -0.4, "w22": 0.6, "b2": 0.0,
        "v1": -0.4, "v2": 0.3, "c": -0.5}),
}
DEFAULT_PRESET = "hidden"


@dataclass(frozen=True)
class Number:
    """A number with the name the screen shows next to it."""

    label: str
    value: float


@dataclass(frozen=True)
class Chain:
    """One weight's gradient written as a product of chain-rule factors.

    `gradient` is the engine's value; `product` multiplies the factors, which must agree.
    """

    parameter: str
    factors: tuple[Number, ...]
    gradient: float

    @property
    def product(self) -> float:
        """The factors multiplied together."""
        return math.prod(factor.value for factor in self.factors)

    def formulas(self) -> tuple[str, str]:
        """Two lines: the symbols, then their values and the gradient."""
        symbols = "·".join(factor.label for factor in self.factors)
        values = "".join(f"({format_significant(factor.value)})" for factor in self.factors)
        return (f"dL/d{self.parameter} = {symbols}",
                f"{' ' * len(self.parameter)}     = {values} = {format_significant(self.gradient)}")


@dataclass(frozen=True)
class WalkthroughStep:
    """One key press of the walkthrough: what is computed, with every number written out."""

    stage: str  # one of STAGES
    title: str
    formulas: tuple[str, ...]
    numbers: tuple[Number, ...] = ()
    focus: tuple[str, ...] = ()  # the units and weights this step is about
    chains: tuple[Chain, ...] = ()
    note: str = ""
    table: tuple[str, ...] = ()  # lines of equal shape after the formulas (one per weight)

    @property
    def lines(self) -> tuple[str, ...]:
        """Everything the step writes, in order."""
        return (*self.formulas, *self.table, *((self.note,) if self.note else ()))

    def number(self, label: str) -> float:
        """The value of the number called `label` in this step."""
        for number in self.numbers:
            if number.label == label:
                return number.value
        raise KeyError(f"step {self.title!r} has no number called {label!r}")


@dataclass(frozen=True)
class Unit:
    """A unit as the network diagram draws it; None means not computed yet at this step."""

    name: str
    value: float | None
    gradient: float | None = None  # dL/dz for a unit, dL/dy for the output
    focus: bool = False


@dataclass(frozen=True)
class Slot:
    """Where a named weight lives in the engine: parameters()[array][index]."""

    name: str
    unit: str
    array: int
    index: tuple[int, ...]
    source: str  # what it multiplies: an input or hidden unit name, or "1" for a bias


# --- what the learner types -----------------------------------------------------------------

def parse_inputs(text: str, n_inputs: int) -> tuple[float, ...]:
    """The example's inputs: `n_inputs` numbers separated by commas, like "1, 0.5"."""
    parts = [part for part in text.replace(";", ",").split(",") if part.strip()]
    if len(parts) != n_inputs:
        example = "2" if n_inputs == 1 else ", ".join(["1", "0.5", "2"][:n_inputs])
        raise ValueError(f"input: give {n_inputs} number{'s' * (n_inputs > 1)}"
                         f"{' separated by commas' * (n_inputs > 1)}, like {example}")
    return tuple(read_field(part, "input", -LIMIT, LIMIT) for part in parts)


def parse_weight(text: str, name: str) -> float:
    """A weight or bias typed by the learner, from −``LIMIT`` to ``LIMIT``."""
    return read_field(text, name, -LIMIT, LIMIT)


def parse_learning_rate(text: str) -> float:
    """A learning rate: a number above 0, at most `MAX_LEARNING_RATE`."""
    return read_positive_field(text, "learning rate", MAX_LEARNING_RATE, DEFAULT_LEARNING_RATE)


def parse_target(text: str, activation: str) -> float:
    """A target the prediction can reach: 0..1 for sigmoid, −1..1 for tanh."""
    low, high = PREDICTION_RANGE[activation]
    return read_field(text, f"target (a {activation} output reaches {field_text(low)} to "
                              f"{field_text(high)}), so it", low, high)


def relative_error(measured: float, exact: float) -> float:
    """|measured − exact| / the larger size of the two (0 when both are 0)."""
    scale = max(abs(measured), abs(exact))
    return 0.0 if scale == 0 else abs(measured - exact) / scale


# --- the network ----------------------------------------------------------------------------

def unit_names(n_inputs: int, n_hidden: int) -> list[list[str]]:
    """The units by layer: inputs, hidden units (if any), the output y."""
    inputs = ["x"] if n_inputs == 1 else [f"x{i + 1}" for i in range(n_inputs)]
    hidden = [f"h{j + 1}" for j in range(n_hidden)]
    return [inputs, *([hidden] if hidden else []), ["y"]]


def weight_slots(n_inputs: int, n_hidden: int) -> list[Slot]:
    """Every weight and bias the learner sees, by unit (hidden units first), with its place in
    the engine's parameters()."""
    layers = unit_names(n_inputs, n_hidden)
    inputs = layers[0]
    slots: list[Slot] = []
    if n_hidden == 0:
        for i, source in enumerate(inputs):
            slots.append(Slot("w" if n_inputs == 1 else f"w{i + 1}", "y", 0, (i, 0), source))
        return [*slots, Slot("b", "y", 1, (0,), "1")]
    for j in range(n_hidden):
        for i, source in enumerate(inputs):
            name = f"w{j + 1}" if n_inputs == 1 else f"w{i + 1}{j + 1}"
            slots.append(Slot(name, f"h{j + 1}", 0, (i, j), source))
        slots.append(Slot(f"b{j + 1}", f"h{j + 1}", 1, (j,), "1"))
    slots += [Slot(f"v{j + 1}", "y", 2, (j, 0), f"h{j + 1}") for j in range(n_hidden)]
    return [*slots, Slot("c", "y", 3, (0,), "1")]


def build_network(n_inputs: int, n_hidden: int, activation: str) -> MLP:
    """The engine network: hidden units, the output unit y, then a read-out fixed to pass y
    through unchanged (see the module docstring)."""
    sizes = (n_inputs, *([n_hidden] if n_hidden else []), 1, 1)
    network = MLP(sizes, activation=activation)
    read_out_weight, read_out_bias = network.parameters()[-2:]
    read_out_weight[...] = 1.0
    read_out_bias[...] = 0.0
    return network


def activation_slope(activation: str, a: float) -> float:
    """f'(z) from a = f(z), by the engine's own backward function of the activation."""
    backward = ACTIVATION_FUNCTIONS[activation][1]
    grad = np.ones((1, 1))
    backward(np.array([[a]]), grad, np.empty((1, 1)))
    return float(grad[0, 0])


@dataclass
class _Undo:
    vector: np.ndarray
    n_losses: int
    rounds: int


class Stepper:
    """A tiny network, one training example, and where the learner is in the walkthrough.

    `next()` and `back()` move one step; going past the update applies it. `steps` is the
    walkthrough for the current weights, rebuilt whenever something changes. `losses` holds
    the loss before the first update and after each one.
    """

    def __init__(self, preset: str = DEFAULT_PRESET, activation: str = "sigmoid",
                 learning_rate: float = DEFAULT_LEARNING_RATE,
                 nudge: float = DEFAULT_NUDGE) -> None:
        if preset not in NETWORKS:
            raise ValueError(f"no network called {preset!r}; choose one of {', '.join(NETWORKS)}")
        if activation not in ACTIVATION_CHOICES:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATION_CHOICES)}")
        self.activation = activation
        self.learning_rate = learning_rate
        self.nudge = nudge
        self.position = 0
        self.rounds = 0  # updates applied so far
        self.losses: list[float] = []
        self.steps: list[WalkthroughStep] = []
        self._undo: list[_Undo] = []
        self.load_preset(preset)

    # -- setting up --------------------------------------------------------------------------

    def load_preset(self, name: str) -> None:
        """Start over on a preset network (keeping the activation and learning rate)."""
        preset = NETWORKS[name]
        self.preset = name
        self.n_inputs, self.n_hidden = preset.n_inputs, preset.n_hidden
        self.network = build_network(preset.n_inputs, preset.n_hidden, self.activation)
        self.slots = weight_slots(preset.n_inputs, preset.n_hidden)
        for slot in self.slots:
            self.parameter_array(slot)[slot.index] = preset.weights[slot.name]
        self.inputs = np.array(preset.inputs, dtype=np.float64)
        low, high = PREDICTION_RANGE[self.activation]
        self.target = min(max(preset.target, low), high)
        self.chosen = self.slots[0].name
        self._restart()

    def set_activation(self, activation: str) -> None:
        """Switch every unit to `activation`, keeping the weights (the target is moved into the
        new output's range if needed)."""
        if activation not in ACTIVATION_CHOICES:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATION_CHOICES)}")
        vector = self.network.parameter_vector.copy()
        self.activation = activation
        self.network = build_network(self.n_inputs, self.n_hidden, activation)
        self.network.parameter_vector[...] = vector
        low, high = PREDICTION_RANGE[activation]
        self.target = min(max(self.target, low), high)
        self._restart()

    def set_weight(self, name: str, value: float) -> None:
        """Give the weight called `name` a new value; the loss history starts again."""
        slot = self.slot(name)
        if not -LIMIT <= value <= LIMIT:
            raise ValueError(f"{name} must be between {-LIMIT:g} and {LIMIT:g}")
        self.parameter_array(slot)[slot.index] = value
        self._restart()

    def set_inputs(self, values: Sequence[float]) -> None:
        """Change the example's inputs; the loss history starts again."""
        if len(values) != self.n_inputs:
            raise ValueError(f"the network has {self.n_inputs} inputs")
        self.inputs = np.array(values, dtype=np.float64)
        self._restart()

    def set_target(self, value: float) -> None:
        """Change the example's target; the loss history starts again."""
        low, high = PREDICTION_RANGE[self.activation]
        if not low <= value <= high:
            raise ValueError(f"target must be between {low:g} and {high:g}")
        self.target = float(value)
        self._restart()

    def set_learning_rate(self, value: float) -> None:
        """Change the learning rate; only the update step changes."""
        if not 0 < value <= MAX_LEARNING_RATE:
            raise ValueError(f"learning rate must be above 0 and at most {MAX_LEARNING_RATE:g}")
        self.learning_rate = float(value)
        self.rebuild()

    def choose(self, name: str) -> None:
        """Pick the weight for the nudge check (and for editing)."""
        self.chosen = self.slot(name).name
        self.rebuild()

    def _restart(self) -> None:
        self.rounds = 0
        self._undo.clear()
        self.losses = [self.loss()]
        self.rebuild()

    # -- reading the network -----------------------------------------------------------------

    def slot(self, name: str) -> Slot:
        """The weight called `name`; ValueError for a name the network does not have."""
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise ValueError(f"no weight called {name!r}; the weights are "
                         f"{', '.join(s.name for s in self.slots)}")

    def parameter_array(self, slot: Slot, network: MLP | None = None) -> np.ndarray:
        """The engine's parameter array holding `slot` (of `network`, else this network)."""
        return (network or self.network).parameters()[slot.array]

    def weight(self, name: str) -> float:
        """The current value of the weight called `name`."""
        slot = self.slot(name)
        return float(self.parameter_array(slot)[slot.index])

    @property
    def weight_names(self) -> list[str]:
        """Every weight and bias, by unit."""
        return [slot.name for slot in self.slots]

    def _batch(self) -> tuple[np.ndarray, np.ndarray]:
        return self.inputs[None, :], np.array([[self.target]])

    def loss(self, network: MLP | None = None) -> float:
        """The engine's loss for the example, L = (y − t)²."""
        inputs, targets = self._batch()
        return (network or self.network).loss(inputs, targets, LOSS)

    def learner_parameters(self, network: MLP | None = None) -> list[np.ndarray]:
        """The engine's parameter arrays without the fixed read-out."""
        return (network or self.network).parameters()[:-2]

    def loss_and_gradients(self) -> tuple[float, dict[str, float]]:
        """The engine's loss and the gradient of every named weight."""
        inputs, targets = self._batch()
        loss, gradients = self.network.loss_and_gradients(inputs, targets, LOSS)
        return loss, {s.name: float(gradients[s.array][s.index]) for s in self.slots}

    def measured_slope(self, name: str) -> float:
        """The slope of the loss along one weight by nudging it both ways (the engine's
        numerical_gradient, a central difference with step `nudge`)."""
        slot = self.slot(name)
        return numerical_gradient(self.loss, self.parameter_array(slot), slot.index, eps=self.nudge)

    def updated_network(self) -> MLP:
        """A copy of the network after one update, weight − learning_rate × gradient (the
        engine's SGD optimizer on the learner's weights)."""
        inputs, targets = self._batch()
        _, gradients = self.network.loss_and_gradients(inputs, targets, LOSS)
        twin = build_network(self.n_inputs, self.n_hidden, self.activation)
        twin.parameter_vector[...] = self.network.parameter_vector
        SGD(self.learning_rate).step(self.learner_parameters(twin), gradients[:-2])
        return twin

    # -- moving through the walkthrough -------------------------------------------------------

    @property
    def step(self) -> WalkthroughStep:
        """The step on screen."""
        return self.steps[self.position]

    def next(self) -> None:
        """One step further; after the update step, apply the update and start the next
        round at its forward pass."""
        if self.position < len(self.steps) - 1:
            self.position += 1
            return
        self._remember()
        self.network.parameter_vector[...] = self.updated_network().parameter_vector
        self.rounds += 1
        self.losses.append(self.loss())
        self.position = 0
        self.rebuild()

    def back(self) -> None:
        """One step back; from the first step of a round, back to the update before it."""
        if self.position > 0:
            self.position -= 1
            return
        if not self._undo:
            return
        undo = self._undo.pop()
        self.network.parameter_vector[...] = undo.vector
        del self.losses[undo.n_losses:]
        self.rounds = undo.rounds
        self.rebuild()
        self.position = len(self.steps) - 1

    def go_to(self, stage: str) -> None:
        """Jump to the first step of `stage`."""
        self.position = next(i for i, s in enumerate(self.steps) if s.stage == stage)

    def run(self, count: int) -> None:
        """Apply `count` updates in a row (back() returns to before them)."""
        self._remember()
        inputs, targets = self._batch()
        optimizer = SGD(self.learning_rate)
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(count):
                _, gradients = self.network.loss_and_gradients(inputs, targets, LOSS)
                optimizer.step(self.learner_parameters(), gradients[:-2])
                self.losses.append(self.loss())
        self.rounds += count
        self.position = 0
        self.rebuild()

    def _remember(self) -> None:
        self._undo.append(_Undo(self.network.parameter_vector.copy(), len(self.losses),
                                self.rounds))
        del self._undo[:-UNDO_LIMIT]

    # -- the explanation ---------------------------------------------------------------------

    def rebuild(self) -> None:
        """Recompute the walkthrough for the current weights, keeping the position."""
        self.steps = explain(self)
        self.position = min(self.position, len(self.steps) - 1)

    def diagram(self) -> list[list[Unit]]:
        """The units by layer as the diagram shows them at the current step: values computed
        so far, gradients once the backward pass has reached them, the focus highlighted."""
        step = self.step
        at = STAGES.index(step.stage)
        trace = self.trace()
        layers = unit_names(self.n_inputs, self.n_hidden)
        computed = self._computed_units(step)
        shown: list[list[Unit]] = []
        for depth, names in enumerate(layers):
            row = []
            for k, name in enumerate(names):
                if depth == 0:
                    value, gradient = float(self.inputs[k]), None
                else:
                    value = float(trace.activations[depth - 1][0, k])
                    gradient = float(trace.deltas[depth - 1][0, k])
                row.append(Unit(
                    name,
                    value if depth == 0 or at > 0 or name in computed else None,
                    gradient if at > 2 or (at == 2 and name in computed) else None,
                    name in step.focus,
                ))
            shown.append(row)
        loss_value = float(trace.loss) if at >= 1 else None
        shown.append([Unit("L", loss_value, None, "L" in step.focus)])
        return shown

    def _computed_units(self, step: WalkthroughStep) -> set[str]:
        """Units whose forward value (or, in the backward pass, dL/dz) is known at `step`."""
        done: set[str] = set()
        for earlier in self.steps[: self.position + 1]:
            if earlier.stage == step.stage:
                done.update(earlier.focus)
        return done

    def trace(self) -> Trace:
        """The engine's trace of the example: every z, activation, dL/dz and gradient."""
        inputs, targets = self._batch()
        return self.network.trace(inputs, targets, LOSS)


def explain(stepper: Stepper) -> list[WalkthroughStep]:
    """Every step of one round for the stepper's current network, one stage after the other
    (see STAGES), from the engine's trace, its loss_and_gradients and its numerical gradient."""
    engine = engine_numbers(stepper)
    hidden = unit_names(stepper.n_inputs, stepper.n_hidden)[1] if stepper.n_hidden else []
    return [
        *(forward_step(stepper, engine, name) for name in engine.sums),
        loss_step(stepper, engine),
        output_backward_step(stepper, engine),
        *(hidden_backward_step(stepper, engine, j, name) for j, name in enumerate(hidden)),
        nudge_step(stepper, engine),
        update_step(stepper, engine),
    ]


@dataclass(frozen=True)
class EngineNumbers:
    """What the engine computed for the example, by the names the learner sees."""

    trace: Trace
    loss: float
    gradients: dict[str, float]  # dL/d(weight), by weight name
    weights: dict[str, float]
    values: dict[str, float]  # every unit's output, the inputs' too
    sums: dict[str, float]  # every computed unit's weighted sum z, in forward order
    slopes: dict[str, float]  # every computed unit's f'(z)

    @property
    def loss_slope(self) -> float:
        """dL/dy: the engine's dL/dz of the read-out, which passes y through."""
        return float(self.trace.deltas[-1][0, 0])

    @property
    def head(self) -> tuple[Number, Number]:
        """The first two factors of every chain: dL/dy and dy/dz."""
        return Number("dL/dy", self.loss_slope), Number("dy/dz", self.slopes["y"])


def engine_numbers(stepper: Stepper) -> EngineNumbers:
    """Ask the engine for the example's trace, loss and gradients, and name every number:
    ``engine_numbers(Stepper()).values["y"]`` is the prediction, 0.299."""
    trace = stepper.trace()
    loss, gradients = stepper.loss_and_gradients()
    layers = unit_names(stepper.n_inputs, stepper.n_hidden)
    values = {name: float(v) for name, v in zip(layers[0], stepper.inputs, strict=True)}
    sums: dict[str, float] = {}
    slopes: dict[str, float] = {}
    for depth, names in enumerate(layers[1:]):
        for k, name in enumerate(names):
            sums[name] = float(trace.pre_activations[depth][0, k])
            values[name] = float(trace.activations[depth][0, k])
            slopes[name] = activation_slope(stepper.activation, values[name])
    weights = {slot.name: stepper.weight(slot.name) for slot in stepper.slots}
    return EngineNumbers(trace, loss, gradients, weights, values, sums, slopes)


def z_name(unit: str) -> str:
    """The name of a unit's weighted sum: z for the output y, z1 for h1."""
    return "z" if unit == "y" else f"z{unit[1:]}"


def forward_step(stepper: Stepper, engine: EngineNumbers, name: str) -> WalkthroughStep:
    """One unit of the forward pass: its weighted sum z, then its activation f(z).

        z1 = w1·x + b1
           = (0.500)(2) + (0.100) = 1.10
        h1 = σ(z1) = σ(1.10) = 0.750
    """
    symbol, weights, values = SYMBOL[stepper.activation], engine.weights, engine.values
    slots = [s for s in stepper.slots if s.unit == name]
    terms = " + ".join(s.name if s.source == "1" else f"{s.name}·{s.source}" for s in slots)
    numbers = " + ".join(
        f"({format_significant(weights[s.name])})" if s.source == "1"
        else f"({format_significant(weights[s.name])})({format_significant(values[s.source])})"
        for s in slots)
    z, total = z_name(name), engine.sums[name]
    return WalkthroughStep("forward", f"Forward pass: unit {name}", (
        f"{z} = {terms}",
        f"{' ' * len(z)} = {numbers} = {format_significant(total)}",
        f"{name} = {symbol}({z}) = {symbol}({format_significant(total)}) = "
        f"{format_significant(values[name])}",
    ), (Number(z, total), Number(name, values[name])), (name, *(s.name for s in slots)))


def loss_step(stepper: Stepper, engine: EngineNumbers) -> WalkthroughStep:
    """The loss of the prediction y against the target t: "L = (y − t)² = (0.299 − 1)² =
    0.491"."""
    y, t = engine.values["y"], stepper.target
    return WalkthroughStep("loss", "Loss: how wrong is the prediction?", (
        "L = (y − t)²",
        f"  = ({format_significant(y)} − {format_significant(t)})² = "
        f"{format_significant(engine.loss)}",
    ), (Number("L", engine.loss),), ("L", "y"),
        note="0 means perfect; the further y is from the target t, the bigger L.")


def output_backward_step(stepper: Stepper, engine: EngineNumbers) -> WalkthroughStep:
    """The backward pass at the output unit: dL/dy, dy/dz, and the gradient of each of its
    weights as a product of those local slopes.

        dL/dy = 2(y − t) = 2(0.299 − 1) = −1.40
        dy/dz = y(1 − y) = 0.210     so dL/dz = −0.294
        dL/dv1 = dL/dy·dy/dz·dz/dv1
               = (−1.40)(0.210)(0.750) = −0.221
    """
    y, t, slope = engine.values["y"], stepper.target, engine.slopes["y"]
    output_delta = float(engine.trace.deltas[-2][0, 0])
    chains = tuple(
        Chain(s.name, (*engine.head, Number(f"dz/d{s.name}", 1.0 if s.source == "1"
                                          else engine.values[s.source])), engine.gradients[s.name])
        for s in stepper.slots if s.unit == "y")
    return WalkthroughStep("backward", "Backward pass: the output unit", (
        f"dL/dy = 2(y − t) = 2({format_significant(y)} − {format_significant(t)}) = "
        f"{format_significant(engine.loss_slope)}",
        f"dy/dz = {SLOPE_FORMULA[stepper.activation].format(a='y')} = "
        f"{format_significant(slope)}     so dL/dz = {format_significant(output_delta)}",
        *(line for chain in chains for line in chain.formulas()),
    ), (*engine.head, Number("dL/dz", output_delta),
        *(Number(f"dL/d{c.parameter}", c.gradient) for c in chains)),
        ("y", *(c.parameter for c in chains)), chains)


def hidden_backward_step(stepper: Stepper, engine: EngineNumbers, j: int, name: str
                         ) -> WalkthroughStep:
    """The backward pass at hidden unit ``name`` (number ``j``): it reuses dL/dz of the output
    and adds two local slopes, through the weight v that links it to y.

        dz/dh1 = v1 = −0.400    dh1/dz1 = h1(1 − h1) = 0.187
        dL/dz1 = dL/dz·dz/dh1·dh1/dz1 = 0.0220  (reuses dL/dz)
    """
    z, link = z_name(name), f"v{j + 1}"
    hidden_delta = float(engine.trace.deltas[0][0, j])
    middle = (Number(f"dz/d{name}", engine.weights[link]),
              Number(f"d{name}/d{z}", engine.slopes[name]))
    chains = tuple(
        Chain(s.name, (*engine.head, *middle, Number(f"d{z}/d{s.name}", 1.0 if s.source == "1"
                                                   else engine.values[s.source])),
              engine.gradients[s.name])
        for s in stepper.slots if s.unit == name)
    return WalkthroughStep("backward", f"Backward pass: hidden unit {name}", (
        f"dz/d{name} = {link} = {format_significant(engine.weights[link])}    d{name}/d{z} = "
        f"{SLOPE_FORMULA[stepper.activation].format(a=name)} = "
        f"{format_significant(engine.slopes[name])}",
        f"dL/d{z} = dL/dz·dz/d{name}·d{name}/d{z} = {format_significant(hidden_delta)}"
        "  (reuses dL/dz)",
        *(line for chain in chains for line in chain.formulas()),
    ), (*middle, Number(f"dL/d{z}", hidden_delta),
        *(Number(f"dL/d{c.parameter}", c.gradient) for c in chains)),
        (name, *(c.parameter for c in chains)), chains)


def nudge_step(stepper: Stepper, engine: EngineNumbers) -> WalkthroughStep:
    """Nudge the chosen weight up, ask the engine for the loss again, and compare the measured
    slope with the backprop gradient."""
    name, nudge = stepper.chosen, stepper.nudge
    loss, gradient = engine.loss, engine.gradients[name]
    slot = stepper.slot(name)
    array = stepper.parameter_array(slot)
    original = float(array[slot.index])
    try:
        array[slot.index] = original + nudge
        loss_up = stepper.loss()
    finally:
        array[slot.index] = original
    measured = stepper.measured_slope(name)
    error = relative_error(measured, gradient)
    verdict = ("they agree: the chain rule was right" if error < AGREEMENT
               else "they differ: the gradient is wrong")
    h = field_text(nudge)
    before, after, slope, backprop = (format_significant(value, PRECISE_DIGITS)
                                      for value in (loss, loss_up, measured, gradient))
    measured_label = f"measured slope (L({name} + h) − L({name} − h)) / 2h"
    return WalkthroughStep("nudge", f"Nudge check on {name}", (
        f"Raise {name} by h = {h} and ask the engine for the loss again:",
        f"  L = {before}  →  {after}   change {format_significant(loss_up - loss)}",
        f"  h × gradient predicted {format_significant(nudge * gradient)}",
        f"{measured_label} = {slope}",
        f"{'backprop slope dL/d' + name:<{len(measured_label)}} = {backprop}",
        f"relative error {error:.1e}: {verdict}",
    ), (Number("loss", loss), Number("nudged loss", loss_up), Number("measured slope", measured),
        Number(f"dL/d{name}", gradient), Number("relative error", error)),
        (name, slot.unit))


def update_step(stepper: Stepper, engine: EngineNumbers) -> WalkthroughStep:
    """Every weight moves by −learning_rate × gradient; the engine gives the new loss."""
    loss, gradients = engine.loss, engine.gradients
    twin = stepper.updated_network()
    new_loss = stepper.loss(twin)
    rate = field_text(stepper.learning_rate)
    width = max(len(name) for name in gradients)
    table, numbers = [], []
    for slot in stepper.slots:
        old = stepper.weight(slot.name)
        new = float(stepper.parameter_array(slot, twin)[slot.index])
        table.append(f"{slot.name:<{width}} {format_significant(old)} − {rate}×"
                     f"({format_significant(gradients[slot.name])}) = {format_significant(new)}")
        numbers.append(Number(f"new {slot.name}", new))
    if new_loss < loss:
        change, note = "smaller", "Press space to take this step, r to take 10."
    elif new_loss > loss:
        change = "LARGER"
        note = (f"The learning rate {rate} is too big here: the step jumped past the low "
                "point. Try a smaller one.")
    else:
        change, note = "unchanged", "The gradient is zero here, so nothing moves."
    return WalkthroughStep("update", "Update: a small step against every gradient", (
        f"new weight = weight − learning rate × gradient    (learning rate {rate})",
        f"new loss {format_significant(loss)} → {format_significant(new_loss)}: {change}",
    ), (Number("loss", loss), Number("new loss", new_loss), *numbers),
        tuple(gradients), note=note, table=tuple(table))
