"""How quickly ``gdtui`` starts, next to a bare one-label Textual app and ``python -c pass``.

Each app runs in a pseudo-terminal of 80x24 that this script reads as the app writes (no
polling, nothing else running beside it). Two clocks, started at launch:

- to the first frame: the output shows the text that proves the first frame is drawn
  (gdtui's home screen, the bare app's label);
- to the first handled key: a key is sent the moment the first frame shows, and the clock stops
  when its effect is written. gdtui gets `down` (the highlight moves from Lessons to Flashcards);
  the bare app a binding of `down` that changes its label. A key pressed then waits for whatever
  the app still does after its first frame, which a learner feels.

Then the CPU time (user + system) of ``gdtui --version`` and ``gdtui --help``, next to
``python -c pass`` of the same interpreter: the price of starting the command.

Prints medians and ratios, measured in the same run (interleaved) so that machine load affects
both sides alike. Time an installed gdtui with compiled bytecode (``pip install .``): an editable
install without ``.pyc`` files times the compiler, not the start. ``--gdtui`` adds another
install to the same run (say, the previous version), to compare the two.

    python benchmarks/startup.py [--runs 15] [--cpu-runs 20] [--skip-cpu] [--gdtui PATH ...]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import resource
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

BARE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    BINDINGS = [("down", "handled")]

    def compose(self):
        yield Label("bare textual app ready")

    def action_handled(self):
        self.query_one(Label).update("bare textual app handled a key")

Bare().run()
"""
DOWN = b"\x1b[B"
SGR = re.compile(rb"(?:\x1b\[[0-9;]*m)+")
TIMEOUT = 30.0


def cpu_used(pid: int) -> float | None:
    """CPU seconds the process has run so far, all its threads (Linux), or None."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
        total = 0
        for task in tasks:
            with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                total += int(stat.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e9


def style_before(output: bytes, text: bytes) -> bytes | None:
    """The colour codes written right before `text` (its last appearance), or None."""
    found = list(re.finditer(SGR.pattern + re.escape(text), output))
    return found[-1].group(0)[: -len(text)] if found else None


class Moment(NamedTuple):
    """When something showed: seconds since launch, and the CPU seconds the app had used."""

    wall: float
    cpu: float | None


class Run:
    """One app in its own pseudo-terminal of 80x24, its output kept as it arrives."""

    def __init__(self, command: list[str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("TEXTUAL") and key not in ("COLUMNS", "LINES")}
        env["TERM"] = "xterm-256color"
        self.start = time.perf_counter()
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                        env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        self.output = b""

    def wait(self, shown: Callable[[bytes], bool], what: str) -> Moment:
        """When `shown(output so far)` first holds: seconds since launch, and CPU seconds."""
        while (left := self.start + TIMEOUT - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    data = os.read(self.master, 1 << 16)
                except OSError:
                    data = b""
                if not data:
                    break
                self.output += data
                if shown(self.output):
                    return Moment(time.perf_counter() - self.start, cpu_used(self.process.pid))
        raise RuntimeError(f"{what} did not show within {TIMEOUT:g} s")

    def press(self, key: bytes) -> None:
        os.write(self.master, key)

    def close(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        os.close(self.master)


def time_gdtui(command: list[str]) -> tuple[Moment, Moment]:
    """(to the home screen, to the first handled key) of one start of gdtui."""
    run = Run(command)
    try:
        first = run.wait(lambda out: b"Lessons read" in out, "the home screen")
        highlight = style_before(run.output, b"1  Lessons")
        run.press(DOWN)
        key = run.wait(lambda out: highlight is not None
                       and style_before(out, b"2  Flashcards") == highlight,
                       "the highlight on Flashcards")
        return first, key
    finally:
        run.close()


def time_bare(command: list[str]) -> tuple[Moment, Moment]:
    """(to the label, to the first handled key) of one start of the bare app."""
    run = Run(command)
    try:
        first = run.wait(lambda out: b"bare textual app ready" in out, "the bare label")
        run.press(DOWN)
        key = run.wait(lambda out: b"handled a key" in out, "the bare app's key")
        return first, key
    finally:
        run.close()


def cpu_seconds(command: list[str], runs: int) -> float:
    """Mean CPU time (user + system) of one run of `command`, output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return used / runs


def median(values: list[float | None]) -> float | None:
    return None if None in values else statistics.median(values)


def measure_start(installs: list[Path], runs: int) -> None:
    """Time each gdtui and the bare app, interleaved, and print the ratios."""
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        commands = [[str(gdtui), "--data-dir", str(Path(tmp) / f"data{n}")]
                    for n, gdtui in enumerate(installs)]
        bare_command = [sys.executable, str(bare)]
        # A first start creates the database; time the starts a returning learner sees.
        for command in commands:
            time_gdtui(command)
        time_bare(bare_command)
        gdtui_times: list[list[tuple[Moment, Moment]]] = [[] for _ in installs]
        bare_times = []
        for _ in range(runs):  # interleaved so drift in machine load hits each alike
            for times, command in zip(gdtui_times, commands, strict=True):
                times.append(time_gdtui(command))
            bare_times.append(time_bare(bare_command))
    print(f"start: {runs} runs each in a pseudo-terminal of 80x24; median seconds from launch, "
          "and CPU seconds the app used by then (steadier than the clock on a busy machine)")
    for what, index in (("first frame", 0), ("first handled key", 1)):
        bare_wall = statistics.median(each[index].wall for each in bare_times)
        bare_cpu = median([each[index].cpu for each in bare_times])
        print(f"  to the {what}: bare app {bare_wall:.3f} s, CPU {bare_cpu or 0:.3f} s")
        for gdtui, times in zip(installs, gdtui_times, strict=True):
            wall = statistics.median(each[index].wall for each in times)
            cpu = median([each[index].cpu for each in times])
            cpu_ratio = f"{cpu / bare_cpu:.2f}" if cpu and bare_cpu else "-"
            print(f"    gdtui {wall:.3f} s, CPU {cpu or 0:.3f} s: ratio {wall / bare_wall:.2f}, "
                  f"CPU ratio {cpu_ratio}  ({gdtui})")


def measure_cpu(installs: list[Path], runs: int) -> None:
    """CPU time of `--version` and `--help` next to `python -c pass`, for each install."""
    print(f"CPU time: {runs} runs each, user + system (mean)")
    for gdtui in installs:
        commands = {"python -c pass": [str(gdtui.with_name("python")), "-c", "pass"],
                    "gdtui --version": [str(gdtui), "--version"],
                    "gdtui --help": [str(gdtui), "--help"]}
        totals = dict.fromkeys(commands, 0.0)
        for _ in range(runs):  # interleaved, one run of each at a time
            for name, command in commands.items():
                totals[name] += cpu_seconds(command, 1)
        base = totals["python -c pass"]
        print(f"  {gdtui}")
        for name, total in totals.items():
            print(f"    {name:<16}: {total / runs * 1000:6.1f} ms  "
                  f"({total / base:.1f}x python -c pass)")


def load_average() -> str:
    return ", ".join(f"{n:.2f}" for n in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="starts of each app")
    parser.add_argument("--cpu-runs", type=int, default=20, help="runs of each command")
    parser.add_argument("--skip-cpu", action="store_true", help="only time the start")
    parser.add_argument("--gdtui", type=Path, action="append", default=[], metavar="PATH",
                        help="also time this gdtui command (another install), in the same run")
    args = parser.parse_args()
    installs = [Path(sys.executable).with_name("gdtui"), *args.gdtui]
    print(f"load average before: {load_average()} (on {os.cpu_count()} cores)")
    measure_start(installs, args.runs)
    if not args.skip_cpu:
        measure_cpu(installs, args.cpu_runs)
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
