"""How fast does the engine learn, against PyTorch in the same run? Prints steps per second.

    python benchmarks/bench_engine.py [--seconds 0.15] [--repeats 12] [--shapes 2-8-8-1,...]

Every shape trains a tanh network with cross-entropy and Adam (lr 0.01) on one core:

- 2-8-8-1, batch 32, on 250 moons training points (the lab's default network);
- 2-64-64-1, batch 32, on the same points;
- 64-32-10, batch 64, softmax over 10 classes, on the 1,348 training images of the digits
  (the 'digits' preset's data: all 1,797 images, a quarter kept to check on);
- 784-128-10, batch 64, softmax over 10 classes (the MNIST shape), 1,000 seeded random points.

Figures per shape, in steps per second of CPU time (the best of `--repeats` timed runs of about
`--seconds` each; the contenders take turns, so a change of load hits all of them alike):

- engine64, engine32: the bare loop (next batch, forward + loss + backward, Adam step, keep the
  loss) with a float64 network (the default) and a float32 one (`MLP(dtype=np.float32)`).
- torch64, torch32: the same network, loss, optimizer and batching in PyTorch (if installed;
  it is not a gdtui dependency) in float64 and float32. The optimizer is torch's default Adam,
  as a PyTorch user gets it; `fused=True` makes its step 2-3 times faster on CPU, which
  matters at 784-128-10.
- ratios: engine64/torch64 and engine32/torch32 compare like with like; engine64/torch32 is
  the default engine against what a PyTorch user would run.

Then `TrainingSession.run` (which also records history and evaluates both sets every 10 steps,
less often on more than 500 points) for 2-8-8-1 and for the digits at batch 64; the digits'
goal, the engine at least 3 times PyTorch (engine64/torch32: the lab's float64 engine against
what a PyTorch user runs); and for every shape the NumPy calls per engine step: every function,
ufunc and operator (like `m *= beta1`) applied to the engine's arrays, counted through an ndarray
subclass; slicing and indexing are not counted.

Threads are pinned to 1 before NumPy loads, and torch gets `torch.set_num_threads(1)`.
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set on some machines for old OpenBLAS builds, slow a
current NumPy down: this script unsets both together, for its own process only, and says so.
Time is the CPU time of the one working thread, so waiting for a core on a shared machine does
not count; caches and memory are still shared, so the load average is printed before and after:
compare ratios from the same run, not rates from different runs.
"""

from __future__ import annotations

import os
import sys

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"
_UNSET = [name for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if name in os.environ]
for _name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(_name, None)

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import numpy as np  # noqa: E402

from gdtui.nn import network as nn  # noqa: E402
from gdtui.nn import optim as nn_optim  # noqa: E402
from gdtui.training.session import TrainingSession  # noqa: E402
from gdtui.training.settings import Settings, preset_settings  # noqa: E402

SETTINGS = Settings(dataset="moons", n_points=500, hidden_layers=(8, 8), activation="tanh",
                    optimizer="adam", learning_rate=0.01, batch_size=32, seed=0)
DIGITS = preset_settings("digits").replace(batch_size=64)
DIGITS_GOAL = 3.0  # the engine at least this many times PyTorch's steps per second
LEARNING_RATE = 0.01
RANDOM_POINTS = 1000
# CPU time of this thread, not wall time: on a shared machine, time spent waiting for a core is
# not counted (one thread does all the work: NumPy and torch are pinned to one)
CLOCK = time.thread_time

Run = Callable[[int], list[float]]


@dataclass(frozen=True)
class Shape:
    """A network to time: its layer sizes, batch size, and where its data comes from."""

    sizes: tuple[int, ...]
    batch_size: int
    data: str  # "moons" (the lab's default data set), "digits", or "random" (seeded)

    @property
    def name(self) -> str:
        return "-".join(str(n) for n in self.sizes)


SHAPES = (Shape((2, 8, 8, 1), 32, "moons"), Shape((2, 64, 64, 1), 32, "moons"),
          Shape((64, 32, 10), 64, "digits"), Shape((784, 128, 10), 64, "random"))


def shape_data(shape: Shape) -> tuple[np.ndarray, np.ndarray]:
    """Training inputs (n, sizes[0]) and targets (0/1 for one output, else class labels)."""
    if shape.data in ("moons", "digits"):
        session = TrainingSession(SETTINGS if shape.data == "moons" else DIGITS)
        return session.train_features, session.dataset.train_targets
    rng = np.random.default_rng(0)
    inputs = rng.normal(0.0, 1.0, (RANDOM_POINTS, shape.sizes[0]))
    return inputs, rng.integers(0, max(2, shape.sizes[-1]), RANDOM_POINTS)


def engine_loop(shape: Shape, dtype: str = "float64") -> Run:
    """The bare training loop of the engine: what `TrainingSession.run` does without history."""
    inputs, targets = shape_data(shape)
    network = nn.MLP(shape.sizes, "tanh", seed=0, dtype=dtype)
    prepared = nn.prepare_targets(targets, "cross_entropy", shape.sizes[-1])
    batches = nn.MiniBatches(nn.with_ones_column(inputs, dtype), prepared, shape.batch_size,
                             np.random.default_rng(2))
    optimizer = nn_optim.Adam(LEARNING_RATE)
    parameters, gradients = [network.parameter_vector], [network.gradient_vector]

    def run(n_steps: int) -> list[float]:
        losses = []
        for _ in range(n_steps):
            inputs, targets = batches.next()
            losses.append(network.compute_gradients(inputs, targets, "cross_entropy"))
            optimizer.step(parameters, gradients)
        return losses

    return run


def torch_loop(shape: Shape, dtype: str) -> Run | None:
    """The same training in PyTorch on one thread, or None if torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    torch_dtype = {"float64": torch.float64, "float32": torch.float32}[dtype]
    raw_inputs, raw_targets = shape_data(shape)
    inputs = torch.tensor(raw_inputs, dtype=torch_dtype)
    layers: list[torch.nn.Module] = []
    for fan_in, fan_out in zip(shape.sizes[:-2], shape.sizes[1:-1], strict=True):
        layers += [torch.nn.Linear(fan_in, fan_out), torch.nn.Tanh()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(*shape.sizes[-2:])).to(torch_dtype)
    if shape.sizes[-1] == 1:
        targets = torch.tensor(raw_targets, dtype=torch_dtype).reshape(-1, 1)
        loss_function: torch.nn.Module = torch.nn.BCEWithLogitsLoss()
    else:
        targets = torch.tensor(raw_targets, dtype=torch.int64)
        loss_function = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    batch_size = shape.batch_size
    state = {"order": torch.randperm(len(inputs)), "position": len(inputs)}

    def run(n_steps: int) -> list[float]:
        losses = []
        for _ in range(n_steps):
            if state["position"] >= len(inputs):  # reshuffle each epoch, like the engine
                state["order"], state["position"] = torch.randperm(len(inputs)), 0
            chosen = state["order"][state["position"]:state["position"] + batch_size]
            state["position"] += batch_size
            optimizer.zero_grad()
            loss = loss_function(model(inputs[chosen]), targets[chosen])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses

    return run


def best_rates(runs: dict[str, Run], seconds: float, repeats: int) -> dict[str, float]:
    """The best steps per second of each run, timed in turns: `repeats` rounds, and in each
    round one timed run of about `seconds` per contender."""
    n_steps = {}
    for name, run in runs.items():
        run(20)  # warm up buffers and caches
        start = CLOCK()
        run(50)
        rate = 50 / (CLOCK() - start)
        n_steps[name] = max(50, int(rate * seconds))
    best = dict.fromkeys(runs, 0.0)
    for _ in range(repeats):
        for name, run in runs.items():
            start = CLOCK()
            run(n_steps[name])
            best[name] = max(best[name], n_steps[name] / (CLOCK() - start))
    return best


class _Counted(np.ndarray):
    """An array that counts every NumPy function and ufunc (operators too) applied to it."""

    calls = 0

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        _Counted.calls += 1
        inputs = tuple(x.view(np.ndarray) if isinstance(x, _Counted) else x for x in inputs)
        if out is not None:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, _Counted) else o
                                  for o in out)
        result = getattr(ufunc, method)(*inputs, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return result.view(_Counted) if isinstance(result, np.ndarray) else result

    def __array_function__(self, func, types, args, kwargs):
        _Counted.calls += 1
        return super().__array_function__(func, types, args, kwargs)


class _AllocateCounted:
    """Stands in for `numpy` inside the engine modules: new arrays come out as _Counted."""

    def __getattr__(self, name: str):
        thing = getattr(np, name)
        if name in ("zeros", "ones", "empty", "zeros_like", "empty_like", "eye"):
            return lambda *args, **kwargs: thing(*args, **kwargs).view(_Counted)
        return thing


def numpy_calls_per_step(shape: Shape, n_steps: int = 800) -> float:
    """Average NumPy calls per bare engine step: every function, ufunc and operator call on
    the engine's arrays (slicing and indexing are not counted)."""
    originals = nn.np, nn_optim.np
    nn.np = nn_optim.np = _AllocateCounted()
    try:
        run = engine_loop(shape)
        run(10)
        _Counted.calls = 0
        run(n_steps)
    finally:
        nn.np, nn_optim.np = originals
    return _Counted.calls / n_steps


def load() -> str:
    """The machine's load averages over 1, 5 and 15 minutes."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.15, help="length of one timed run")
    parser.add_argument("--repeats", type=int, default=12, help="timed runs; the best counts")
    parser.add_argument("--shapes", default=",".join(s.name for s in SHAPES),
                        help="comma-separated layer sizes to time (default: all)")
    args = parser.parse_args()
    chosen = [s for s in SHAPES if s.name in args.shapes.split(",")]
    if _UNSET:
        print(f"unset {' and '.join(_UNSET)} for this process (they slow a current NumPy)")
    try:
        import torch
        torch_version = f"torch {torch.__version__}"
    except ImportError:
        torch_version = "torch not installed (pip install torch to compare)"
    print(f"numpy {np.__version__}, {torch_version}, python {sys.version.split()[0]}, "
          f"1 thread; tanh, cross-entropy, Adam {LEARNING_RATE}; load average {load()}")
    print("steps/s; ratios: engine64/torch64, engine64/torch32, engine32/torch32")
    digits_goal = ""
    print(f"{'shape':>11} {'data':>6} {'batch':>5} {'engine64':>9} {'engine32':>9} {'torch64':>9}"
          f" {'torch32':>9} {'e64/t64':>8} {'e64/t32':>8} {'e32/t32':>8}")
    for shape in chosen:
        runs = {"engine64": engine_loop(shape), "engine32": engine_loop(shape, "float32")}
        for dtype in ("float64", "float32"):
            torch_run = torch_loop(shape, dtype)
            if torch_run is not None:
                runs[f"torch{dtype[-2:]}"] = torch_run
        rates = best_rates(runs, args.seconds, args.repeats)
        cells = [f"{rates[name]:9,.0f}" if name in rates else f"{'-':>9}"
                 for name in ("engine64", "engine32", "torch64", "torch32")]
        ratios = [f"{rates[engine] / rates[torch]:7.2f}x" if torch in rates else f"{'-':>8}"
                  for engine, torch in (("engine64", "torch64"), ("engine64", "torch32"),
                                        ("engine32", "torch32"))]
        print(f"{shape.name:>11} {shape.data:>6} {shape.batch_size:>5} {' '.join(cells)} "
              f"{' '.join(ratios)}", flush=True)
        if shape.data == "digits" and "torch32" in rates:
            goal = rates["engine64"] / rates["torch32"]
            digits_goal = (f"digits 64-32-10, batch 64: the engine (float64) {goal:.1f}x "
                           f"PyTorch (float32) (goal: at least {DIGITS_GOAL:g}x, "
                           f"{'met' if goal >= DIGITS_GOAL else 'MISSED'})")
    print(f"load average {load()}")
    for shape, settings in ((SHAPES[0], SETTINGS), (SHAPES[2], DIGITS)):
        if shape in chosen:
            session = TrainingSession(settings)
            rate = best_rates({"session": lambda n, s=session: s.run(n, save_undo=False)},
                              args.seconds, args.repeats)["session"]
            print(f"{shape.name} {shape.data} session: {rate:,.0f} steps/s (TrainingSession.run, "
                  f"batch {settings.batch_size}, evaluating every "
                  f"{session.evaluation_interval} steps)")
    if digits_goal:
        print(digits_goal)
    calls = ", ".join(f"{s.name} {numpy_calls_per_step(s):.1f}" for s in chosen)
    print(f"numpy calls per engine step: {calls}")


if __name__ == "__main__":
    main()
