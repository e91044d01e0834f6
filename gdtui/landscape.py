"""The loss landscape of a model with two parameters, and optimizers walking on it.

Three models, each the engine's MLP with one input and one output and no hidden layer, so its
only parameters are a weight w and a bias b:

- "line": y = w·x + b fitted to a few points with mean squared error. The loss is a quadratic
  bowl in (w, b), so its curvature is the same everywhere, and plain gradient descent
  converges exactly when learning_rate × curvature < 2 (curvature = the largest eigenvalue of
  the Hessian, the matrix of second derivatives).
- "sigmoid": p = σ(w·x + b) with cross-entropy on points labelled 0 or 1 that overlap, so the
  lowest point is finite. Not a bowl: flat far out, curved near the minimum.
- "bowl": L = w² + b² exactly (see MODELS["bowl"]), where rate × 2 names the regime.

Every loss and gradient comes from the engine; the paths are the engine's optimizers
(gdtui.nn.optim) applied to the two parameters, step by step. A walk may take each step's
gradient from a random mini-batch of the points instead of all of them (the engine's
MiniBatches, reshuffled every epoch): stochastic gradient descent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from gdtui.nn.functions import prepare_targets
from gdtui.nn.network import MLP, MiniBatches, with_ones_column
from gdtui.nn.optim import OPTIMIZERS, Momentum, make_optimizer
from gdtui.numbers import field_text, format_significant, next_rung, read_positive_field

OPTIMIZER_TITLES = {"sgd": "gradient descent", "momentum": "momentum", "adam": "Adam"}
LEARNING_RATE_LADDER = (0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5, 1.0,
                        2.0, 3.0, 5.0, 10.0)
MAX_LEARNING_RATE = 100.0
DEFAULT_STEPS = 200
# A walk has converged once the loss stays within this share of its starting distance from
# the lowest loss; it has diverged once it is this many times further than at the start.
CONVERGED_SHARE = 1e-3
DIVERGED_FACTOR = 10.0
ESCAPE = 1e4  # a parameter this large has flown off the map for good
OSCILLATION_WINDOW = 20  # recent steps looked at to tell zig-zag from crawling
START_MOVES = 24  # an arrow key moves the start 1/24 of the map
BATCH_SEED = 0  # the shuffles of a mini-batch walk: the same walk every time it is replayed


@dataclass(frozen=True)
class Extent:
    """The part of the (w, b) plane shown on the map."""

    w_low: float
    w_high: float
    b_low: float
    b_high: float

    def point(self, column: float, row: float, columns: int, rows: int) -> tuple[float, float]:
        """The (w, b) at the centre of a cell; row 0 is the top (highest b)."""
        w = self.w_low + (column + 0.5) * (self.w_high - self.w_low) / columns
        b = self.b_high - (row + 0.5) * (self.b_high - self.b_low) / rows
        return w, b

    def cell(self, w: float, b: float, columns: int, rows: int) -> tuple[int, int] | None:
        """The (column, row) holding (w, b), or None outside the map."""
        if not (math.isfinite(w) and math.isfinite(b)):
            return None
        column = math.floor((w - self.w_low) / (self.w_high - self.w_low) * columns)
        row = math.floor((self.b_high - b) / (self.b_high - self.b_low) * rows)
        if 0 <= column < columns and 0 <= row < rows:
            return column, row
        return None

    def clamp(self, w: float, b: float) -> tuple[float, float]:
        """(w, b) moved inside the map."""
        return (min(max(w, self.w_low), self.w_high), min(max(b, self.b_low), self.b_high))


@dataclass(frozen=True)
class Model:
    """A two-parameter model, its small data set, the map to draw and a starting point."""

    name: str
    title: str
    formula: str
    loss: str  # the engine's loss: "mse" or "cross_entropy"
    inputs: tuple[float, ...]
    targets: tuple[float, ...]
    extent: Extent
    start: tuple[float, float]
    quadratic: bool


MODELS: dict[str, Model] = {
    "line": Model(
        "line", "Line fit, mean squared error", "y = w·x + b, L = mean((y − t)²)", "mse",
        (0.5, 1.0, 1.5, 2.0, 2.5, 3.0), (0.6, 1.4, 1.6, 2.9, 3.3, 4.4),
        Extent(-1.5, 4.0, -3.0, 3.0), (-0.5, 2.5), quadratic=True),
    "sigmoid": Model(
        "sigmoid", "Sigmoid unit, cross-entropy", "p = σ(w·x + b), cross-entropy",
        "cross_entropy",
        (-3.5, -2.5, -1.5, -0.5, 0.0, 1.0, 1.5, 2.5, 3.5, 4.5),
        (0, 0, 0, 1, 0, 1, 0, 1, 1, 1),
        Extent(-4.0, 6.0, -5.0, 5.0), (-3.0, 4.0), quadratic=False),
}
# The bowl L = w² + b²: a line through (−1, 0) and (1, 0) gives ((b − w)² + (b + w)²) / 2,
# curvature 2 along each axis, so rate × 2 sorts a rate into one of the four regimes.
MODELS["bowl"] = Model(
    "bowl", "Bowl, L = w² + b²", "y = w·x + b on (−1, 0), (1, 0): L = w² + b²", "mse",
    (-1.0, 1.0), (0.0, 0.0), Extent(-1.5, 1.5, -1.5, 1.5), (1.0, 0.0), quadratic=True)
DEFAULT_MODEL = "line"


@dataclass(frozen=True)
class Path:
    """Where an optimizer went: points[k] = (w, b) after k steps and losses[k] there."""

    optimizer: str
    learning_rate: float
    points: np.ndarray
    losses: np.ndarray
    escaped: bool  # stopped early: the loss stopped being a number or a parameter flew off
    batch_size: int | None = None  # points per step's gradient; None: all of them

    @property
    def steps(self) -> int:
        """How many steps were taken."""
        return len(self.points) - 1


class Landscape:
    """A model's loss and gradient at any (w, b), computed by the engine."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.network = MLP((1, 1), activation="linear")
        self.weight, self.bias = self.network.parameters()
        inputs = np.array(model.inputs, dtype=np.float64)[:, None]
        self.inputs = inputs
        self.targets = np.array(model.targets, dtype=np.float64)
        self._inputs_with_ones = with_ones_column(inputs)
        self._prepared = prepare_targets(self.targets, model.loss, 1)
        self._minimum: tuple[float, float, float] | None = None

    def _place(self, w: float, b: float) -> None:
        self.weight[0, 0] = w
        self.bias[0] = b

    def loss(self, w: float, b: float) -> float:
        """The engine's loss over the data set at (w, b)."""
        self._place(w, b)
        loss, _ = self.network.loss_and_outputs(self._inputs_with_ones, self._prepared,
                                                self.model.loss)
        return loss

    def gradient(self, w: float, b: float) -> np.ndarray:
        """The engine's gradient (dL/dw, dL/db) at (w, b)."""
        self._place(w, b)
        gradient_w, gradient_b = self._gradients_in_place()
        return np.array([gradient_w[0, 0], gradient_b[0]])

    def _gradients_in_place(self) -> list[np.ndarray]:
        """The engine's gradient arrays where the network's parameters are now."""
        self.network.compute_gradients(self._inputs_with_ones, self._prepared, self.model.loss)
        return self.network.gradients()

    def hessian(self, w: float, b: float, step: float = 1e-4) -> np.ndarray:
        """The 2×2 matrix of second derivatives, from central differences of the engine's
        gradient (exact up to rounding for the line, whose gradient is linear in w and b)."""
        columns = []
        for direction in ((step, 0.0), (0.0, step)):
            up = self.gradient(w + direction[0], b + direction[1])
            down = self.gradient(w - direction[0], b - direction[1])
            columns.append((up - down) / (2 * step))
        matrix = np.column_stack(columns)
        return (matrix + matrix.T) / 2

    def curvature(self, w: float, b: float) -> float:
        """The largest eigenvalue of the Hessian at (w, b): how sharply the steepest direction
        bends."""
        return float(np.linalg.eigvalsh(self.hessian(w, b))[-1])

    @property
    def minimum(self) -> tuple[float, float, float]:
        """(w, b, loss) at the lowest point, found by Newton's method on the engine's
        gradient (one step for the line; a few for the sigmoid unit)."""
        if self._minimum is None:
            point = np.zeros(2)
            loss = self.loss(*point)
            for _ in range(50):
                move = np.linalg.solve(self.hessian(*point), self.gradient(*point))
                shrink = 1.0
                while shrink > 1e-6 and self.loss(*(point - shrink * move)) > loss:
                    shrink /= 2  # halve a step that would go uphill
                point = point - shrink * move
                loss = self.loss(*point)
                if np.max(np.abs(shrink * move)) < 1e-12:
                    break
            self._minimum = (float(point[0]), float(point[1]), loss)
        return self._minimum

    def grid(self, columns: int, rows: int) -> np.ndarray:
        """The loss at the centre of every cell of the map, shape (rows, columns), row 0 on
        top."""
        extent = self.model.extent
        losses = np.empty((rows, columns))
        for row in range(rows):
            for column in range(columns):
                losses[row, column] = self.loss(*extent.point(column, row, columns, rows))
        return losses

    def walk(self, optimizer: str, learning_rate: float, start: tuple[float, float],
             steps: int = DEFAULT_STEPS, batch_size: int | None = None,
             seed: int = BATCH_SEED) -> Path:
        """Walk downhill from ``start`` with the engine's optimizer ("sgd", "momentum",
        "adam") on the two parameters, for up to ``steps`` steps; stop early once the loss is
        no longer a number or a parameter flies off the map for good (``ESCAPE``).

        With a ``batch_size`` below the number of points, each step's gradient comes from the
        next mini-batch of the engine's MiniBatches (shuffled by ``seed``); the losses recorded
        are still those of all the points, the height of the map.

            Landscape(MODELS["line"]).walk("sgd", 0.1, (-0.5, 2.5)).steps -> 200
        """
        optimizer_steps = make_optimizer(optimizer, learning_rate)
        batches = self.batches(batch_size, seed) if self.is_mini_batch(batch_size) else None
        self._place(*start)
        points = [start]
        losses = [self.loss(*start)]
        escaped = False
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(steps):
                gradients = (self._gradients_in_place() if batches is None
                             else self._batch_gradients_in_place(*batches.next()))
                optimizer_steps.step(self.network.parameters(), gradients)
                w, b = float(self.weight[0, 0]), float(self.bias[0])
                loss = self.loss(w, b)
                points.append((w, b))
                losses.append(loss)
                if not math.isfinite(loss) or max(abs(w), abs(b)) > ESCAPE:
                    escaped = True
                    break
        return Path(optimizer, learning_rate, np.array(points), np.array(losses), escaped,
                    batch_size if batches is not None else None)

    # -- mini-batches --------------------------------------------------------------------

    @property
    def points(self) -> int:
        """How many data points the model is fitted to."""
        return len(self.targets)

    def is_mini_batch(self, batch_size: int | None) -> bool:
        """Whether a step on `batch_size` points sees fewer than all of them."""
        return batch_size is not None and batch_size < self.points

    def batches(self, batch_size: int, seed: int = BATCH_SEED) -> MiniBatches:
        """The engine's mini-batches of the model's points, reshuffled every epoch."""
        return MiniBatches(self._inputs_with_ones, self._prepared, batch_size,
                           np.random.default_rng(seed))

    def _batch_gradients_in_place(self, inputs_with_ones: np.ndarray,
                                  targets: np.ndarray) -> list[np.ndarray]:
        """The engine's gradient arrays on one batch, where the parameters are now."""
        self.network.compute_gradients(inputs_with_ones, targets, self.model.loss)
        return self.network.gradients()

    def batch_gradient(self, w: float, b: float, inputs_with_ones: np.ndarray,
                       targets: np.ndarray) -> np.ndarray:
        """The engine's gradient (dL/dw, dL/db) at (w, b) on one batch of the points."""
        self._place(w, b)
        gradient_w, gradient_b = self._batch_gradients_in_place(inputs_with_ones, targets)
        return np.array([gradient_w[0, 0], gradient_b[0]])


def batch_sizes(points: int) -> tuple[int, ...]:
    """The batch sizes offered for `points` points: those that split them into equal batches,
    so an epoch's gradients average to the full one; the last is the full batch.

        batch_sizes(6) -> (1, 2, 3, 6)
    """
    return tuple(size for size in range(1, points + 1) if points % size == 0)


def shade_levels(losses: np.ndarray, minimum_loss: float, levels: int = 12) -> np.ndarray:
    """Each cell's loss as a level 0 (lowest) to `levels` − 1, evenly spaced in the logarithm
    of the height above the minimum, so the valley floor and the far walls both show detail."""
    above = np.maximum(losses - minimum_loss, 0.0)
    floor = max(float(above.max()), 1e-12) * 1e-4
    heights = np.log(above + floor)
    low, high = float(heights.min()), float(heights.max())
    share = (heights - low) / (high - low) if high > low else np.zeros_like(heights)
    return np.minimum((share * levels).astype(int), levels - 1)


# --- what a walk did ----------------------------------------------------------------------

@dataclass(frozen=True)
class WalkOutcome:
    """What a walk did: "converged", "diverged", "oscillating" or "crawling", with the step
    it became clear (converged or diverged) and a sentence for the learner."""

    kind: str
    step: int | None
    text: str


def classify(path: Path, minimum_loss: float) -> WalkOutcome:
    """Say what happened to a walk: converged at step k, diverged, oscillating or crawling."""
    gaps = path.losses - minimum_loss
    start_gap = max(float(gaps[0]), 1e-12)
    if path.escaped:
        return WalkOutcome("diverged", path.steps, f"diverged: flew off at step {path.steps}")
    close = gaps <= CONVERGED_SHARE * start_gap
    if close[-1]:
        # the first step from which the walk stays close to the minimum
        far = np.flatnonzero(~close)
        step = int(far[-1]) + 1 if len(far) else 0
        return WalkOutcome("converged", step, f"converged at step {step}")
    far_off = np.flatnonzero(gaps > DIVERGED_FACTOR * start_gap)
    if len(far_off) and gaps[-1] > start_gap:
        step = int(far_off[0])
        return WalkOutcome("diverged", step, f"diverged: loss grew to "
                       f"{format_significant(float(path.losses[-1]))}")
    # Crawling walks go downhill at every recent step; anything else is bouncing about.
    moves = np.diff(path.points[-OSCILLATION_WINDOW - 1:], axis=0)
    turns = np.sum(moves[1:] * moves[:-1], axis=1) < 0  # the walk reversed its direction
    climbs = np.diff(path.losses[-OSCILLATION_WINDOW - 1:]) > 1e-12 * start_gap
    if (len(turns) and turns.mean() >= 0.5) or climbs.any():
        return WalkOutcome("oscillating", None, "oscillating: still bouncing")
    return WalkOutcome("crawling", None, "crawling: still creeping down")


def classify_batched(path: Path, minimum_loss: float) -> WalkOutcome:
    """Say what happened to a mini-batch walk. Its noisy steps never settle at a fixed rate, so
    one that neither diverged nor is still creeping down is "wandering", with the range of
    its loss over the last steps."""
    outcome = classify(path, minimum_loss)
    if outcome.kind in ("diverged", "crawling"):
        return outcome
    recent = path.losses[-OSCILLATION_WINDOW:]
    low, high = format_significant(float(recent.min())), format_significant(float(recent.max()))
    return WalkOutcome("wandering", None, f"wandering, loss {low}–{high}")


def regime(path: Path, minimum_loss: float) -> str:
    """Which of the four regimes of a walk the path shows: "creeps in", "lands in one step",
    "zig-zags in" or "diverges" ("bounces forever" when it neither settles nor flies off),
    read from the walk itself (classify, and whether its steps turn back)."""
    outcome = classify(path, minimum_loss)
    if outcome.kind == "diverged":
        return "diverges"
    if outcome.kind == "oscillating":
        return "bounces forever"
    if outcome.kind == "converged" and outcome.step is not None and outcome.step <= 1:
        return "lands in one step"
    moves = np.diff(path.points[: OSCILLATION_WINDOW + 1], axis=0)
    turns = np.sum(moves[1:] * moves[:-1], axis=1) < 0
    return "zig-zags in" if turns.any() else "creeps in"


def curvature_rule(learning_rate: float, curvature: float) -> tuple[str, bool]:
    """The rule for plain gradient descent on a quadratic bowl, with the numbers filled in,
    and whether it predicts convergence: learning_rate × curvature < 2."""
    product = learning_rate * curvature
    numbers = (f"lr {field_text(learning_rate)} × curvature {format_significant(curvature)} = "
               f"{format_significant(product)}")
    if product < 1:
        return f"{numbers} < 2: converges, without zig-zag", True
    if product < 2:
        return f"{numbers} < 2: converges, zig-zagging across the valley", True
    if product == 2:
        return f"{numbers} = 2: bounces between the walls forever", False
    return f"{numbers} > 2: diverges", False


def momentum_limit(momentum: float) -> float:
    """The largest learning rate × curvature at which momentum still converges on a quadratic
    bowl: 2(1 + β), with β the momentum (0.9 gives 3.8, against plain descent's 2)."""
    return 2 * (1 + momentum)


def momentum_rule(learning_rate: float, curvature: float, momentum: float) -> tuple[str, bool]:
    """The rule for gradient descent with momentum on a quadratic bowl, learning_rate ×
    curvature < 2(1 + β), with the numbers filled in and plain descent's verdict beside it,
    and whether it predicts that momentum converges."""
    product = learning_rate * curvature
    limit = momentum_limit(momentum)
    numbers = (f"lr {field_text(learning_rate)} × curvature {format_significant(curvature)} = "
               f"{format_significant(product)}")
    plain = "plain descent converges" if product < 2 else "plain descent would not"
    if product < limit:
        return f"{numbers} < {limit:g}: momentum converges ({plain})", True
    if product == limit:
        return f"{numbers} = {limit:g}: momentum bounces forever ({plain})", False
    return f"{numbers} > {limit:g}: momentum diverges ({plain})", False


def adam_note(learning_rate: float, start: tuple[float, float],
              minimum: tuple[float, float]) -> str:
    """Why Adam is slow or fast here: its step is about the learning rate per weight, whatever
    the slope, so the walk needs about (distance to the minimum) / rate steps."""
    gaps = (abs(start[0] - minimum[0]), abs(start[1] - minimum[1]))
    name, gap = max(zip("wb", gaps, strict=True), key=lambda pair: pair[1])
    steps = math.ceil(gap / learning_rate)
    return (f"Adam moves each weight about lr a step, whatever the slope, so the curvature "
            f"rule does not apply. ◆ is {format_significant(gap)} from ★ in {name}: about "
            f"{steps} steps of {field_text(learning_rate)}.")


# --- what the learner controls -------------------------------------------------------------

@dataclass(frozen=True)
class Walker:
    """One of the two paths the learner sets up: an optimizer and its learning rate."""

    optimizer: str
    learning_rate: float
    visible: bool = True
    batch_size: int | None = None  # the points each step's gradient sees; None: all

    @property
    def title(self) -> str:
        """"gradient descent, lr 0.1"; "SGD, lr 0.1" (stochastic) on mini-batches."""
        name = OPTIMIZER_TITLES[self.optimizer]
        if self.batch_size is not None and self.optimizer == "sgd":
            name = "SGD"
        return f"{name}, lr {field_text(self.learning_rate)}"

    def next_batch_size(self, points: int) -> Walker:
        """The same walker with the next batch size of batch_sizes(points): all the points
        come after the largest mini-batch, then a single point."""
        sizes = batch_sizes(points)[:-1]
        if not sizes:  # a single point: no smaller batch
            return replace(self, batch_size=None)
        now = self.batch_size if self.batch_size is not None else points
        larger = [size for size in sizes if size > now]
        following = larger[0] if larger else (sizes[0] if now >= points else None)
        return replace(self, batch_size=following)

    def next_optimizer(self) -> Walker:
        """The same walker with the next optimizer of OPTIMIZERS."""
        at = OPTIMIZERS.index(self.optimizer)
        return replace(self, optimizer=OPTIMIZERS[(at + 1) % len(OPTIMIZERS)])

    def nudge_learning_rate(self, direction: int) -> Walker:
        """The next learning rate up (direction > 0) or down the ladder (unchanged past its
        ends)."""
        rate = next_rung(LEARNING_RATE_LADDER, self.learning_rate, direction)
        return replace(self, learning_rate=rate)


DEFAULT_WALKERS = (Walker("sgd", 0.1), Walker("momentum", 0.02))


def parse_learning_rate(text: str) -> float:
    """A learning rate typed by the learner: above 0, at most MAX_LEARNING_RATE."""
    return read_positive_field(text, "learning rate", MAX_LEARNING_RATE,
                               example=DEFAULT_WALKERS[0].learning_rate)


def move_start(extent: Extent, start: tuple[float, float], dw: int, db: int
               ) -> tuple[float, float]:
    """The start moved by (dw, db) arrow presses, each 1/START_MOVES of the map, kept on it."""
    w = start[0] + dw * (extent.w_high - extent.w_low) / START_MOVES
    b = start[1] + db * (extent.b_high - extent.b_low) / START_MOVES
    return extent.clamp(w, b)


class Explorer:
    """Everything the landscape screen shows: a model, a start point and two walkers, with
    their paths and what happened to them, recomputed whenever the learner changes one."""

    def __init__(self, model: str = DEFAULT_MODEL, steps: int = DEFAULT_STEPS) -> None:
        self.steps = steps
        self.walkers = list(DEFAULT_WALKERS)
        self.selected = 0
        self.load_model(model)

    def load_model(self, name: str) -> None:
        """Switch to the model called `name`, starting from its usual start point."""
        self.model = MODELS[name]
        self.landscape = Landscape(self.model)
        self.start = self.model.start
        self.recompute()

    def next_model(self) -> None:
        """Switch to the other model."""
        names = list(MODELS)
        self.load_model(names[(names.index(self.model.name) + 1) % len(names)])

    def recompute(self) -> None:
        """Walk both paths again from the start."""
        minimum_loss = self.landscape.minimum[2]
        self.paths = [self.landscape.walk(walker.optimizer, walker.learning_rate, self.start,
                                          self.steps, walker.batch_size)
                      for walker in self.walkers]
        self.outcomes = [classify(path, minimum_loss) if path.batch_size is None
                         else classify_batched(path, minimum_loss) for path in self.paths]

    # -- what the learner changes ----------------------------------------------------------

    def set_start(self, w: float, b: float) -> None:
        """Start both walks from (w, b), rounded to 2 decimals and kept on the map."""
        self.start = self.model.extent.clamp(round(w, 2), round(b, 2))
        self.recompute()

    def move_start(self, dw: int, db: int) -> None:
        """Move the start by arrow presses (see move_start)."""
        self.set_start(*move_start(self.model.extent, self.start, dw, db))

    def select(self, index: int) -> None:
        """Edit walker `index` (0 or 1) from now on; a hidden walker is shown again."""
        self.selected = index
        if not self.walkers[index].visible:
            self.walkers[index] = replace(self.walkers[index], visible=True)

    def _change(self, walker: Walker) -> None:
        self.walkers[self.selected] = walker
        self.recompute()

    def next_optimizer(self) -> None:
        """The selected walker uses the next optimizer."""
        self._change(self.walkers[self.selected].next_optimizer())

    def nudge_learning_rate(self, direction: int) -> None:
        """The selected walker's learning rate one rung up or down the ladder."""
        self._change(self.walkers[self.selected].nudge_learning_rate(direction))

    def set_learning_rate(self, learning_rate: float) -> None:
        """The selected walker's learning rate."""
        if not 0 < learning_rate <= MAX_LEARNING_RATE:
            raise ValueError(f"learning rate must be above 0 and at most {MAX_LEARNING_RATE:g}")
        self._change(replace(self.walkers[self.selected], learning_rate=learning_rate))

    def next_batch_size(self) -> None:
        """The selected walker's next batch size (see Walker.next_batch_size)."""
        self._change(self.walkers[self.selected].next_batch_size(self.landscape.points))


    def show_walk(self, optimizer: str | None, learning_rate: float | None,
                  batch_size: int | None = None) -> None:
        """Walk only path 1, with `optimizer`, `learning_rate` and `batch_size` (points per
        step, all when None or out of range) where given (a lesson's exercise asks for one
        walk)."""
        first = self.walkers[0]
        if batch_size is None or batch_size in batch_sizes(self.landscape.points):
            first = replace(first, batch_size=None if batch_size == self.landscape.points
                            else batch_size)
        if optimizer in OPTIMIZERS:
            first = replace(first, optimizer=optimizer)
        if learning_rate is not None and 0 < learning_rate <= MAX_LEARNING_RATE:
            first = replace(first, learning_rate=learning_rate)
        self.walkers[0] = replace(first, visible=True)
        self.walkers[1] = replace(self.walkers[1], visible=False)
        self.selected = 0
        self.recompute()

    def toggle_second(self) -> None:
        """Show or hide the second walker."""
        second = self.walkers[1]
        self.walkers[1] = replace(second, visible=not second.visible)
        if not self.walkers[1].visible:
            self.selected = 0

    # -- what the screen shows -------------------------------------------------------------

    @property
    def walker(self) -> Walker:
        """The walker being edited."""
        return self.walkers[self.selected]

    @property
    def longest(self) -> int:
        """The steps of the longest visible path."""
        return max(path.steps for path, walker in zip(self.paths, self.walkers, strict=True)
                   if walker.visible)

    def status(self, index: int, shown: int) -> tuple[str, str]:
        """Two lines about walker `index` after `shown` steps: where it is, and what happened
        once that is clear (converged or diverged at a step already shown, or the end)."""
        path, outcome = self.paths[index], self.outcomes[index]
        at = min(shown, path.steps)
        where = f"step {at}  loss {format_significant(float(path.losses[at]))}"
        if outcome.step is not None and shown >= outcome.step or shown >= path.steps:
            return where, outcome.text
        return where, "walking…"

    def batch_line(self, index: int, shown: int) -> str | None:
        """"batch 2 of 6 · epoch 34" for walker `index` on mini-batches after `shown` steps (the
        epoch of its last step), or None when each step sees every point."""
        path = self.paths[index]
        if path.batch_size is None:
            return None
        points = self.landscape.points
        per_epoch = math.ceil(points / path.batch_size)
        epoch = max(1, math.ceil(min(shown, path.steps) / per_epoch))
        return f"batch {path.batch_size} of {points} · epoch {epoch}"

    def label(self, index: int) -> str:
        """Walker `index` as the activity log names it: its title, and its batch if any."""
        walker, path = self.walkers[index], self.paths[index]
        if path.batch_size is None:
            return walker.title
        return f"{walker.title}, batch {path.batch_size} of {self.landscape.points}"

    def rule(self) -> list[str]:
        """The rule that says whether the selected walker converges, with the numbers: the
        curvature rule for plain descent, momentum's own limit, or why Adam's is different."""
        if self.walker.optimizer == "momentum":
            return self.momentum_rule()
        if self.walker.optimizer == "adam":
            w, b, _ = self.landscape.minimum
            return [adam_note(self.walker.learning_rate, self.start, (w, b))]
        return self.plain_rule()

    def momentum_rule(self) -> list[str]:
        """Momentum's limit lr × curvature < 2(1 + β), next to plain descent's 2."""
        momentum = Momentum().momentum  # the engine's β
        limit = momentum_limit(momentum)
        w, b, _ = self.landscape.minimum
        curvature = self.landscape.curvature(w, b)
        text, _ = momentum_rule(self.walker.learning_rate, curvature, momentum)
        head = (f"Momentum (β {momentum:g}) converges if lr × curvature < 2(1 + β) = "
                f"{limit:g}, plain descent if < 2:")
        if not self.model.quadratic:
            head = f"Not a bowl. Near ★: m{head[1:]}"
        return [head, text]

    def plain_rule(self) -> list[str]:
        """The curvature rule for plain gradient descent at the selected walker's rate."""
        learning_rate = self.walker.learning_rate
        w, b, _ = self.landscape.minimum
        if self.model.quadratic:
            curvature = self.landscape.curvature(w, b)
            text, _ = curvature_rule(learning_rate, curvature)
            lines = ["Plain gradient descent converges if lr × curvature < 2 (curvature: the "
                     "top eigenvalue of the Hessian):", text]
        else:
            here = self.landscape.curvature(*self.start)
            at_minimum = self.landscape.curvature(w, b)
            text, _ = curvature_rule(learning_rate, at_minimum)
            lines = [f"Not a bowl: curvature {format_significant(here)} at ◆, "
                     f"{format_significant(at_minimum)} at ★. Near ★, plain gradient descent:",
                     text]
        return lines
