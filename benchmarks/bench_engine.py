"""How fast does the engine learn? Prints steps per second and NumPy calls per step.

    python benchmarks/bench_engine.py [--steps 20000] [--repeats 5]

Network: 2-8-8-1 tanh, cross-entropy, Adam (lr 0.01), batch 32, on 500 moons points (250 for
training), one core. Figures:

- engine: the bare loop (next batch, forward + loss + backward, Adam step, keep the loss).
- session: `TrainingSession.run`, which also records history and evaluates both sets every 10 steps.
- torch: the same network, loss, optimizer and batching in PyTorch (if installed; it is not a
  gdtui dependency), and the engine/torch ratio.
- NumPy calls per step: every function, ufunc and operator (like `m *= beta1`) applied to the
  engine's arrays, counted through an ndarray subclass; slicing and indexing are not counted.

Threads are pinned to 1 before NumPy loads. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set on some
machines for old OpenBLAS builds, slow a current NumPy down: this script unsets both together,
for its own process only, and says so.
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

import numpy as np  # noqa: E402

from gdtui.nn import network as nn  # noqa: E402
from gdtui.nn import optim as nn_optim  # noqa: E402
from gdtui.training.session import TrainingSession  # noqa: E402
from gdtui.training.settings import Settings  # noqa: E402

SETTINGS = Settings(dataset="moons", n_points=500, hidden_layers=(8, 8), activation="tanh",
                    optimizer="adam", learning_rate=0.01, batch_size=32, seed=0)


def engine_loop(session: TrainingSession):
    """The bare training loop on a session's network, data and optimizer."""
    network, optimizer, batches = session.network, session.optimizer, session._batches
    parameters, gradients = [network.parameter_vector], [network.gradient_vector]
    loss_name = session.loss_name

    def run(n_steps: int) -> list[float]:
        losses = []
        for _ in range(n_steps):
            inputs, targets = batches.next()
            losses.append(network.compute_gradients(inputs, targets, loss_name))
            optimizer.step(parameters, gradients)
        return losses

    return run


def best_rate(run, n_steps: int, repeats: int) -> float:
    """The best steps per second over `repeats` timed runs of `run(n_steps)`."""
    run(min(n_steps, 500))  # warm up buffers and caches
    best = 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        run(n_steps)
        best = max(best, n_steps / (time.perf_counter() - start))
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


def numpy_calls_per_step(n_steps: int = 800) -> float:
    """Average NumPy calls per bare engine step: every function, ufunc and operator call on
    the engine's arrays (slicing and indexing are not counted)."""
    originals = nn.np, nn_optim.np
    nn.np = nn_optim.np = _AllocateCounted()
    try:
        session = TrainingSession(SETTINGS)
        run = engine_loop(session)
        run(10)
        _Counted.calls = 0
        run(n_steps)
    finally:
        nn.np, nn_optim.np = originals
    return _Counted.calls / n_steps


def torch_rate(n_steps: int, repeats: int) -> float | None:
    """The same training in PyTorch on one thread, or None if torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    session = TrainingSession(SETTINGS)
    inputs = torch.tensor(session.train_features)
    targets = torch.tensor(session.dataset.train_targets, dtype=torch.float64).reshape(-1, 1)
    model = torch.nn.Sequential(
        torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.Tanh(),
        torch.nn.Linear(8, 1)).double()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_function = torch.nn.BCEWithLogitsLoss()
    state = {"order": torch.randperm(len(inputs)), "position": len(inputs)}

    def run(steps: int) -> list[float]:
        losses = []
        for _ in range(steps):
            if state["position"] >= len(inputs):  # reshuffle each epoch, like the engine
                state["order"], state["position"] = torch.randperm(len(inputs)), 0
            chosen = state["order"][state["position"]:state["position"] + 32]
            state["position"] += 32
            optimizer.zero_grad()
            loss = loss_function(model(inputs[chosen]), targets[chosen])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return losses

    return best_rate(run, n_steps, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20000, help="steps per timed run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs; the best counts")
    args = parser.parse_args()
    if _UNSET:
        print(f"unset {' and '.join(_UNSET)} for this process (they slow a current NumPy)")
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}, 1 thread; "
          "2-8-8-1 tanh, cross-entropy, Adam 0.01, batch 32, 250 training points")
    engine = best_rate(engine_loop(TrainingSession(SETTINGS)), args.steps, args.repeats)
    print(f"engine:  {engine:9,.0f} steps/s  ({1e6 / engine:.1f} us per step)")
    session = TrainingSession(SETTINGS)
    rate = best_rate(lambda n: session.run(n, save_undo=False), args.steps, args.repeats)
    print(f"session: {rate:9,.0f} steps/s  (TrainingSession.run, evaluating every "
          f"{SETTINGS.eval_every} steps)")
    torch = torch_rate(args.steps // 4, args.repeats)
    if torch is None:
        print("torch:   torch not installed (pip install torch to compare)")
    else:
        print(f"torch:   {torch:9,.0f} steps/s  -> engine is {engine / torch:.1f}x PyTorch")
    print(f"numpy calls per engine step: {numpy_calls_per_step():.1f}")


if __name__ == "__main__":
    main()
