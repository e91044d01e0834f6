"""How fast does the Training Lab train, next to the bare session? Prints numbers, asserts nothing.

    python benchmarks/bench_lab.py [--seconds 5] [--size 120x40] [--rounds 3] [--points 500]
                                   [--preset digits] [--picture] [--network]

Network: the Lab's default (moons, 500 points, 2-8-8-1 tanh, Adam, batch 32). `--points N`
trains on N moons points instead: the Lab's own setting up to 5,000, and above that a CSV of N
points written to a temporary file and loaded as a learner's CSV would be. `--preset NAME`
trains a built-in preset instead, such as `digits` (64-32-10 tanh, Adam, the 1,797 handwritten
digits) with the digits panel live. Figures:

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

`--network` shows the network view (`v`) while training: at 120x40 beside the picture, at 80x24
in its place.

`--picture` times the model panel's picture instead, at the given size and points: the
training thread making it (`model_picture`) and the UI thread drawing it (`ModelPanel.show`,
forced to draw every time): the median of 20 of each, and the quickest (on a busy machine
the median includes other programs' turns and garbage collection; the goal at 20,000 points
is under 10 ms).
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

LAB_POINTS = 5000  # the most points the Lab's own setting takes; above, a CSV


def lab_settings(points: int, preset: str | None = None):
    """The Lab's default settings on `points` moons points (a CSV above LAB_POINTS), or the
    built-in `preset`'s."""
    import numpy as np

    from gdtui.training.datasets import make_dataset
    from gdtui.training.settings import PRESETS, Settings, settings_from_dict

    if preset is not None:
        return settings_from_dict(PRESETS[preset])
    if points <= LAB_POINTS:
        return Settings(n_points=points)
    path = Path(tempfile.gettempdir()) / f"gdtui-bench-moons-{points}.csv"
    if not path.exists():
        data = make_dataset("moons", points, 0.1, 0.5, 0)
        rows = np.column_stack([data.inputs, data.targets])
        path.write_text("x1,x2,class\n" + "".join(f"{a:.6f},{b:.6f},{int(c)}\n"
                                                   for a, b, c in rows))
    return Settings(data_file=str(path))


async def _app_run(seconds: float, size: tuple[int, int], points: int,
                   preset: str | None, network: bool = False) -> dict:
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
        app.open_area("lab", settings=lab_settings(points, preset))
        await pilot.pause(0.5)
        screen = app.screen
        if network:
            await pilot.press("v")
            await pilot.pause(0.3)
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
        await pilot.press("f")  # full speed: a run starts at a pace to watch
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


async def _picture_times(size: tuple[int, int], points: int, preset: str | None,
                         repeats: int = 20) -> dict:
    """Mean ms to make the model picture (core) and to draw it (widget), in the Lab."""
    from gdtui.app import GdtuiApp
    from gdtui.course.lessons import default_lessons_dir
    from gdtui.store import Store
    from gdtui.training.picture import model_picture
    from gdtui.widgets.digits_panel import DigitsPanel
    from gdtui.widgets.model_panel import ModelPanel, RegionView

    store = Store.open(Path(tempfile.mkdtemp(prefix="gdtui-bench-")))
    app = GdtuiApp(store=store, lessons_dir=default_lessons_dir())
    made, drawn = [], []
    async with app.run_test(size=size) as pilot:
        app.open_area("lab", settings=lab_settings(points, preset))
        await pilot.pause(0.5)
        screen = app.screen
        screen.session.run(200, save_undo=False)
        panel = screen.query_one(ModelPanel)
        columns, rows = panel.picture_size()
        for _ in range(repeats):
            started = time.perf_counter()
            picture = model_picture(screen.session, columns, rows)
            made.append(time.perf_counter() - started)
            panel.query_one(RegionView)._shown = None  # draw it, even if nothing changed
            started = time.perf_counter()
            panel.show(picture, screen.session.is_classification)
            panel.query_one(DigitsPanel)._lines()  # (the digits panel draws at its refresh)
            drawn.append(time.perf_counter() - started)
            await pilot.pause()
    store.close()
    return {"cells": f"{columns}x{rows}", "make_ms": 1000 * statistics.median(made),
            "draw_ms": 1000 * statistics.median(drawn), "best_make_ms": 1000 * min(made),
            "best_draw_ms": 1000 * min(drawn)}


def headless(seconds: float, points: int, preset: str | None = None) -> float:
    """Steps per second of TrainingSession.run in a loop, chunks of 50 steps as a plain script
    would."""
    from gdtui.training.session import TrainingSession

    session = TrainingSession(lab_settings(points, preset))
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        steps += session.run(50, save_undo=False)
    return steps / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--points", type=int, default=500,
                        help=f"moons points (a CSV above {LAB_POINTS:,}; default: 500)")
    parser.add_argument("--preset", help="train this built-in preset instead (e.g. digits)")
    parser.add_argument("--picture", action="store_true",
                        help="time the model picture instead of training")
    parser.add_argument("--network", action="store_true",
                        help="train with the network view shown (v)")
    parser.add_argument("--app-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    if args.preset is not None:
        from gdtui.training.settings import PRESETS

        if args.preset not in PRESETS:
            parser.error(f"no built-in preset {args.preset!r} (try: {', '.join(PRESETS)})")
    what = f"the preset {args.preset}" if args.preset else f"{args.points:,} points"
    if args.picture:
        times = asyncio.run(_picture_times((width, height), args.points, args.preset))
        print(f"Model picture at {width}x{height} ({times['cells']} cells), {what}: made in "
              f"{times['make_ms']:.1f} ms, drawn in {times['draw_ms']:.1f} ms, "
              f"{times['make_ms'] + times['draw_ms']:.1f} ms in all (the quickest: "
              f"{times['best_make_ms'] + times['best_draw_ms']:.1f} ms; goal at 20,000 "
              "points: under 10 ms)")
        return
    if args.app_only:
        print(json.dumps(asyncio.run(_app_run(args.seconds, (width, height), args.points,
                                              args.preset, args.network))))
        return
    network = f"the preset {args.preset}" if args.preset else f"default network on {what}"
    print(f"Training Lab at {width}x{height}, {network}, "
          f"{args.seconds:g} s per run{', network view shown' if args.network else ''}")
    ratios, memories, speeds = [], [], []
    preset = ["--preset", args.preset] if args.preset else []
    for round_number in range(1, args.rounds + 1):
        before = headless(args.seconds / 2, args.points, args.preset)
        child = subprocess.run([sys.executable, __file__, "--app-only", "--seconds",
                                str(args.seconds), "--size", args.size, "--points",
                                str(args.points), *preset,
                                *(["--network"] if args.network else [])],
                               capture_output=True, text=True)
        if child.returncode != 0:
            sys.exit(f"the app run failed:\n{child.stderr[-3000:]}")
        app = json.loads(child.stdout.strip().splitlines()[-1])
        speeds.append(app["steps_per_second"])
        bare = (before + headless(args.seconds / 2, args.points, args.preset)) / 2
        ratios.append(app["steps_per_second"] / bare)
        memories.append(app["peak_rss_mb"])
        print(f"  round {round_number}: app {app['steps_per_second']:7,.0f} steps/s, headless "
              f"{bare:7,.0f} steps/s, ratio {ratios[-1]:4.0%}; "
              f"{app['redraws_per_second']:.1f} redraws/s ({app['redraw_ms']:.1f} ms + "
              f"{app['chart_render_ms']:.1f} ms chart build; frames copied by the worker "
              f"{app['frames_per_second']:.1f}/s, {app['frame_ms']:.1f} ms each); "
              f"peak {app['peak_rss_mb']:.0f} MB")
    print(f"  app steps/s, median:        {statistics.median(speeds):,.0f}")
    print(f"  ratio app/headless, median: {statistics.median(ratios):.0%}   (goal: above 70%)")
    print(f"  peak memory of the app:     {max(memories):.0f} MB  (goal: under 150 MB)")


if __name__ == "__main__":
    main()
