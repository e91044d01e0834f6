"""How long does the Training Lab's default run take to settle at each speed? Prints numbers,
asserts nothing (tests/test_lab_truth.py holds the default pace to "tens of seconds").

    python benchmarks/lab_pace.py [--speeds normal,fast] [--steps 5000]

Settled: the step from which the training loss stays under a tenth of where it started
(training.history.settled_step), in the first `--steps` steps of the default run (moons, 500
points, 2-8-8-1 tanh, Adam 0.01, seed 0), and of lesson 1's "random guess" preset. Then, for each
speed, the run is trained from step 0 to that step as the Lab's worker trains it
(training.worker.train_in_chunks, on the real clock, without a screen): the seconds it took, next
to the seconds the speed's steps a second promise. `slow` takes minutes, so it is measured only
when asked for.
"""

from __future__ import annotations

import argparse
import time

from gdtui.training.history import settled_step
from gdtui.training.session import TrainingSession
from gdtui.training.settings import RANDOM_GUESS, Settings, preset_settings
from gdtui.training.worker import DEFAULT_SPEED, SPEEDS, SessionLock, train_in_chunks


def settles_at(settings: Settings, steps: int) -> int | None:
    """The step the run settles at, within its first `steps` steps."""
    session = TrainingSession(settings)
    session.run(steps, save_undo=False)
    return settled_step(session.history.evaluations)


def seconds_to(settings: Settings, step: int, speed: str) -> float:
    """Wall seconds the Lab's worker loop takes to train from step 0 to `step` at `speed`."""
    session = TrainingSession(settings)
    started = time.perf_counter()
    train_in_chunks(session, SessionLock(), lambda: False, lambda: speed, step)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeds", default=f"{DEFAULT_SPEED},fast",
                        help=f"comma-separated, of {', '.join(SPEEDS)}")
    parser.add_argument("--steps", type=int, default=5000)
    args = parser.parse_args()
    speeds = [name.strip() for name in args.speeds.split(",") if name.strip()]
    unknown = [name for name in speeds if name not in SPEEDS]
    if unknown:
        parser.error(f"unknown speed {unknown[0]!r}; choose from {', '.join(SPEEDS)}")
    runs = {"default run": Settings(), f"preset '{RANDOM_GUESS}'": preset_settings(RANDOM_GUESS)}
    print("speeds (steps a second): "
          + ", ".join(f"{name} {f'{rate:g}' if rate else 'flat out'}"
                      for name, rate in SPEEDS.items())
          + f"; a run starts at {DEFAULT_SPEED}")
    for title, settings in runs.items():
        step = settles_at(settings, args.steps)
        if step is None:
            print(f"{title}: not settled within {args.steps:,} steps")
            continue
        print(f"{title}: settles at step {step:,}")
        for speed in speeds:
            rate = SPEEDS[speed]
            promised = f"{step / rate:.1f} s promised" if rate else "as fast as it goes"
            seconds = seconds_to(settings, step, speed)
            print(f"  {speed:>7}: {seconds:6.2f} s ({promised}; {step / seconds:,.0f} steps/s)")


if __name__ == "__main__":
    main()
