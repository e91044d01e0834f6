"""Does the Training Lab hold its pace and its memory over a long run? Prints numbers and ratios,
asserts nothing.

    python benchmarks/long_run.py [--minutes 10] [--size 80x24] [--window 20]

Runs the installed `gdtui` command (next to this Python) in a pseudo-terminal, as
benchmarks/bandwidth.py does, with its own temporary data directory; opens the Training Lab,
presses f (full speed) and space and lets it train the default network without a break.
Every minute (and at the end) it prints, over the last `--window` seconds:

- memory: the resident set size (RSS) of the gdtui process, at the mark;
- steps a second, as the lab's status line says (read off the screen, through pyte) and from
  the step count it shows;
- redraws a second: bursts of output (writes less than 10 ms apart are one screen update, as
  bandwidth.py counts them), and the bytes a second they make.

Then the end against minute 1. Issue 17 is done when memory grows by less than 5 MB from
minute 1 to minute 10, and redraws a second at minute 10 are at least 80% of minute 1's.
`--minutes 2` gives a quick try. Needs pyte (in the test extras) to read the status line.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bandwidth import BURST_GAP, Terminal, gdtui_command, read_size

STATUS = re.compile(r"step ([\d,]+) · epoch [\d,]+ · ([\d,]+) steps/s")


@dataclass(frozen=True)
class Mark:
    """What the lab did in the window before `minute`."""

    minute: float
    rss_mb: float
    status_steps_per_second: float | None  # the status line's own figure, averaged
    counted_steps_per_second: float | None  # from the step count on screen
    redraws_per_second: float
    bytes_per_second: float
    step: int | None


def rss_mb(pid: int) -> float:
    """The resident set size of a process, in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


class Watcher:
    """Reads what gdtui writes: counts bytes and bursts, and keeps a pyte screen of it."""

    def __init__(self, size: tuple[int, int]) -> None:
        import pyte

        self.screen = pyte.Screen(*size)
        self.stream = pyte.ByteStream(self.screen)
        self.bursts: list[float] = []  # when each burst of output began
        self.reads: list[tuple[float, int]] = []  # (when, bytes)
        self._last = -1.0

    def __call__(self, data: bytes, when: float) -> None:
        if when - self._last > BURST_GAP:
            self.bursts.append(when)
        self._last = when
        self.reads.append((when, len(data)))
        self.stream.feed(data)

    def status(self) -> tuple[int, int] | None:
        """(step, steps a second) from the lab's status line, or None if not shown."""
        for line in self.screen.display:
            found = STATUS.search(line)
            if found:
                return int(found[1].replace(",", "")), int(found[2].replace(",", ""))
        return None


def measure(args: argparse.Namespace) -> list[Mark]:
    """Train in the lab for args.minutes and return a Mark each minute (and at the end)."""
    data_dir = Path(tempfile.mkdtemp(prefix="gdtui-long-run-"))
    command = [*gdtui_command(), "--data-dir", str(data_dir), "--open", "lab"]
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("TEXTUAL") and key not in ("NO_COLOR", "COLORTERM")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor")
    watcher = Watcher(args.size)
    terminal = Terminal(command, args.size, env, sync=False)
    samples: list[tuple[float, float, tuple[int, int] | None]] = []  # (when, rss, status)
    marks: list[Mark] = []
    try:
        if not terminal.wait_until_drawn():
            raise RuntimeError("gdtui showed nothing")
        terminal.pump(0.5, watcher)
        terminal.press("f")  # full speed: a run starts at a pace to watch
        terminal.pump(0.3, watcher)
        terminal.press("space")
        started = time.monotonic()
        end = started + 60 * args.minutes
        next_sample, next_mark = started + 1.0, started + 60.0
        while (now := time.monotonic()) < end:
            if terminal.process.poll() is not None:
                raise RuntimeError(f"gdtui ended (exit code {terminal.process.returncode})")
            terminal.pump(max(0.0, min(next_sample, end) - now), watcher)
            now = time.monotonic()
            if now >= next_sample:
                samples.append((now, rss_mb(terminal.process.pid), watcher.status()))
                next_sample += 1.0
            if now >= next_mark or now >= end:
                marks.append(_mark(now, started, args.window, samples, watcher))
                _print_mark(marks[-1])
                next_mark += 60.0
        if not marks or marks[-1].minute < args.minutes - 1e-6:
            marks.append(_mark(time.monotonic(), started, args.window, samples, watcher))
            _print_mark(marks[-1])
    finally:
        terminal.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    return marks


def _mark(now: float, started: float, window: float, samples, watcher: Watcher) -> Mark:
    since = now - window
    recent = [(when, status) for when, _, status in samples if when >= since and status]
    speeds = [status[1] for _, status in recent]
    counted = None
    if len(recent) >= 2:
        (first_time, first), (last_time, last) = recent[0], recent[-1]
        counted = (last[0] - first[0]) / (last_time - first_time)
    bursts = sum(1 for when in watcher.bursts if when >= since)
    written = sum(size for when, size in watcher.reads if when >= since)
    return Mark(minute=(now - started) / 60, rss_mb=samples[-1][1] if samples else 0.0,
                status_steps_per_second=statistics.mean(speeds) if speeds else None,
                counted_steps_per_second=counted, redraws_per_second=bursts / window,
                bytes_per_second=written / window, step=recent[-1][1][0] if recent else None)


def _number(value: float | None, form: str = ",.0f") -> str:
    return "-" if value is None else format(value, form)


def _print_mark(mark: Mark) -> None:
    print(f"  minute {mark.minute:4.1f}: RSS {mark.rss_mb:6.1f} MB, "
          f"{_number(mark.status_steps_per_second):>7} steps/s (status), "
          f"{_number(mark.counted_steps_per_second):>7} steps/s (step count), "
          f"{mark.redraws_per_second:4.1f} redraws/s, {mark.bytes_per_second / 1024:5.1f} KiB/s, "
          f"step {_number(mark.step)}", flush=True)


def _ratio(end: float | None, start: float | None) -> str:
    return "-" if not end or not start else f"{end / start:.0%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to train")
    parser.add_argument("--size", type=read_size, default=(80, 24), help="like 80x24")
    parser.add_argument("--window", type=float, default=20.0,
                        help="seconds each mark averages over")
    args = parser.parse_args()
    if args.minutes < 1 or not 1 <= args.window <= 60:
        parser.error("--minutes must be at least 1 and --window from 1 to 60")
    try:
        import pyte  # noqa: F401
    except ImportError:
        sys.exit("long_run.py reads the lab's status line with pyte: pip install pyte")
    columns, rows = args.size
    print(f"gdtui's Training Lab training its default network for {args.minutes:g} min at "
          f"{columns}x{rows}; each mark over the last {args.window:g} s")
    marks = measure(args)
    first, last = marks[0], marks[-1]
    print(f"At minute {last.minute:.1f} against minute {first.minute:.1f}:")
    print(f"  memory     {last.rss_mb - first.rss_mb:+6.1f} MB  ({first.rss_mb:.1f} -> "
          f"{last.rss_mb:.1f} MB; goal: under +5 MB)")
    print(f"  redraws/s  {_ratio(last.redraws_per_second, first.redraws_per_second):>6}     "
          f"({first.redraws_per_second:.1f} -> {last.redraws_per_second:.1f}; goal: at least "
          "80%)")
    print(f"  steps/s    {_ratio(last.status_steps_per_second, first.status_steps_per_second):>6}"
          f"     ({_number(first.status_steps_per_second)} -> "
          f"{_number(last.status_steps_per_second)}, as the status line says)")


if __name__ == "__main__":
    main()
