"""How fast does the Training Lab train, next to the bare session? Prints numbers, asserts nothing.

    python benchmarks/bench_lab.py [--seconds 5] [--size 120x40] [--rounds 3]

Network: the Lab's default (moons, 500 points, 2-8-8-1 tanh, Adam, batch 32). Figures:

- app: steps per second inside the app (headless, `run_test`), training at full speed with the
  chart and the model panel live, measured from the session's step count over the run.
- headless: `TrainingSession.run` in a loop for the same time, in this process, just before and just
  after the app's run (their mean, so other programs on the machine sway both alike).
  Several rounds; the median ratio is the figure.
- ratio app / headless (goal: above 70%).
- redraws per second and the UI thread's time per redraw (drawing a frame into the widgets,
  plus building the chart on the next refresh), and the training thread's time to copy a frame
  out of the session (snapshot, hints, judge, model picture) when the UI asked for one.
- peak memory of the app process while training (ru_maxrss; goal: under 150 MB). The app runs
  in a fresh subprocess, so the headless loop here does not inflate it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


async def _app_run(seconds: float, size: tuple[int, int]) -> dict:
    import gdtui.training.worker as worker
    from gdtui.app import GdtuiApp
    from gdtui.course.lessons import default_lessons_dir
    from gdtui.store import Store
    from gdtui.widgets.loss_chart import LossChart

    store = Store.open(Path(tempfile.mkdtemp(prefix="gdtui-bench-")))
    app = GdtuiApp(store=store, lessons_dir=default_lessons_dir())
    redraws: list[float] = []
    renders: list[float] = []
    frames: list[float] = []
    original_frame = worker.make_frame

    def timed_frame(*args):
        started = time.perf_counter()
        result = original_frame(*args)
        frames.append(time.perf_counter() - started)
        return result

    worker.make_frame = timed_frame
    async with app.run_test(size=size) as pilot:
        app.open_area("lab")
        await pilot.pause(0.5)
        screen = app.screen
        original_draw, chart = screen.draw, screen.query_one(LossChart)
        original_build = chart._build

        def timed_draw(frame) -> None:
            started = time.perf_counter()
            original_draw(frame)
            redraws.append(time.perf_counter() - started)

        def timed_build():
            started = time.perf_counter()
            result = original_build()
            renders.append(time.perf_counter() - started)
            return result

        screen.draw, chart._build = timed_draw, timed_build
        start_step = screen.session.step
        frames.clear()
        started = time.perf_counter()
        await pilot.press("space")
        await asyncio.sleep(seconds)
        steps = screen.session.step - start_step
        elapsed = time.perf_counter() - started
        built = list(frames)
        await pilot.press("space")
        await pilot.pause(0.2)
        shown = screen.view.step if screen.view else 0
    store.close()
    return {
        "steps_per_second": steps / elapsed,
        "steps": steps,
        "shown_step": shown,
        "redraws_per_second": len(redraws) / elapsed,
        "redraw_ms": 1000 * sum(redraws) / max(len(redraws), 1),
        "chart_render_ms": 1000 * sum(renders) / max(len(renders), 1),
        "frames_per_second": len(built) / elapsed,
        "frame_ms": 1000 * sum(built) / max(len(built), 1),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def headless(seconds: float) -> float:
    """Steps per second of TrainingSession.run in a loop, chunks of 50 steps as a plain script
    would."""
    from gdtui.training.session import TrainingSession
    from gdtui.training.settings import Settings

    session = TrainingSession(Settings())
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        steps += session.run(50, save_undo=False)
    return steps / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--app-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    if args.app_only:
        print(json.dumps(asyncio.run(_app_run(args.seconds, (width, height)))))
        return
    print(f"Training Lab at {width}x{height}, default network, {args.seconds:g} s per run")
    ratios, memories = [], []
    for round_number in range(1, args.rounds + 1):
        before = headless(args.seconds / 2)
        child = subprocess.run([sys.executable, __file__, "--app-only", "--seconds",
                                str(args.seconds), "--size", args.size],
                               capture_output=True, text=True)
        if child.returncode != 0:
            sys.exit(f"the app run failed:\n{child.stderr[-3000:]}")
        app = json.loads(child.stdout.strip().splitlines()[-1])
        bare = (before + headless(args.seconds / 2)) / 2
        ratios.append(app["steps_per_second"] / bare)
        memories.append(app["peak_rss_mb"])
        print(f"  round {round_number}: app {app['steps_per_second']:7,.0f} steps/s, headless "
              f"{bare:7,.0f} steps/s, ratio {ratios[-1]:4.0%}; "
              f"{app['redraws_per_second']:.1f} redraws/s ({app['redraw_ms']:.1f} ms + "
              f"{app['chart_render_ms']:.1f} ms chart build; frames copied by the worker "
              f"{app['frames_per_second']:.1f}/s, {app['frame_ms']:.1f} ms each); "
              f"peak {app['peak_rss_mb']:.0f} MB")
    print(f"  ratio app/headless, median: {statistics.median(ratios):.0%}   (goal: above 70%)")
    print(f"  peak memory of the app:     {max(memories):.0f} MB  (goal: under 150 MB)")


if __name__ == "__main__":
    main()
