"""How quickly does each area open from the home screen, next to the help screen (`?`)?

Runs the installed ``gdtui`` (next to this Python) in a pseudo-terminal of 80x24, as a learner's
terminal, with its own empty data folder. For every area of ``gdtui.areas`` it starts a fresh app
and, once the home screen is drawn and the app rests (a learner reads it for a moment; the app
may load things meanwhile; ``--eager`` does not wait for that):

- presses ``?`` and times the help screen (then escape);
- presses the area's key and times it to the area drawn: the first visit;
- goes home with escape, and times the key again: the second visit (the screen was left once);
- times the escape back to the home screen after each visit;
- presses ``?`` after each visit too, so the help is timed beside the area, under the same load
  (the first help of an app imports what the help needs: it is shown apart).

"Drawn" is the moment the terminal receives the area's own content, the text of MARKERS, which
each screen fills in last (a lesson's text, the lab's first figures, ...); the clock starts when
the key is written. Then, in another fresh app, the area's key and one of its own keys are sent in
one write, as an impatient learner types them: the second key must act on the new screen
(TYPED_AHEAD), not on the home screen or nowhere.

Prints the median seconds of each, its ratio to the help screen's, the CPU seconds the app
used meanwhile, and the check of typed keys.

Time an installed gdtui with compiled bytecode: an editable install without ``.pyc`` files times
the compiler, not the screens. ``--compile`` writes the missing ``.pyc`` files of gdtui first.

    python benchmarks/open_screens.py [--runs 3] [--areas lab,backprop] [--compile]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import NamedTuple

from gdtui.areas import AREAS

ESCAPE = b"\x1b"
TIMEOUT = 20.0  # seconds for anything to show
REST = 0.3  # seconds without output: the screen is drawn and idle
REST_MOST = 2.0  # a screen that animates never rests: go on after this long
# The app at rest uses under 5% of a core over two windows in a row; wait 10 s at most.
IDLE_CPU, IDLE_WINDOW, IDLE_MOST = 0.05, 0.3, 10.0
CSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]")  # colours and cursor moves, left out

HOME = rb"Lessons read"
HELP = rb"What it does"  # the head of the keys table, in the first screenful of home's help
# The text that proves an area is drawn: what its screen fills in last.
MARKERS = {
    "lessons": rb"Where the weights come from",  # the first lesson's text, once loaded
    "cards": rb"\d+ cards in \d+ lessons",  # the counts, filled in on mount
    "guess": rb"guess 1 of up to \d+",  # the game, once its settings are applied
    "lab": rb"acc \d+\.\d%",  # the first figures of the network, drawn by the first tick
    "backprop": rb"Forward pass",  # the explanation of the first step
    "landscape": rb"step \d+ +loss",  # the walks' panel
}
# A key typed right after the area's key, and what it shows when the area (not home) takes it.
TYPED_AHEAD = {
    "lessons": (b"n", rb"Lesson 2:"),
    "cards": (b"s", rb"Flashcard statistics"),
    "guess": (b"h", rb"50 too high"),
    "lab": (b"n", rb"step 1 "),
    "backprop": (b" ", "round 1 · 2/".encode()),
    "landscape": (b"m", rb"Sigmoid unit"),
}


class Timing(NamedTuple):
    """How long something took: seconds on the clock, and CPU seconds the app used."""

    seconds: float
    cpu: float


class Terminal:
    """gdtui in a pseudo-terminal of 80x24; what it writes is kept, colours and moves left out."""

    def __init__(self, command: list[str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("TEXTUAL") and key not in ("COLUMNS", "LINES", "NO_COLOR")}
        env["TERM"] = "xterm-256color"
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                        env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        self.raw = b""
        self.mark = 0  # where the output after the last key starts in `raw`

    @property
    def text(self) -> bytes:
        """What was written since the last key, without escape sequences."""
        return CSI.sub(b"", self.raw[self.mark:])

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0.0))
        if not ready:
            return False
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:
            data = b""
        if not data:
            raise RuntimeError(f"gdtui ended (exit code {self.process.poll()})")
        self.raw += data
        return True

    def press(self, keys: bytes) -> float:
        """Write keys; the clock time of the write."""
        self.mark = len(self.raw)
        self.cpu_at_key = self.cpu()
        os.write(self.master, keys)
        return time.perf_counter()

    def cpu(self) -> float:
        """CPU seconds the app has used so far, all its threads (Linux; else 0)."""
        total = 0
        try:
            for task in os.listdir(f"/proc/{self.process.pid}/task"):
                with open(f"/proc/{self.process.pid}/task/{task}/schedstat") as stat:
                    total += int(stat.read().split()[0])
        except (OSError, ValueError, IndexError):
            return 0.0
        return total / 1e9

    def wait_for(self, pattern: bytes, what: str, timeout: float = TIMEOUT) -> float:
        """Read until `pattern` shows after the last key; the clock time it arrived."""
        deadline = time.perf_counter() + timeout
        found = re.compile(pattern)
        while not found.search(self.text):
            if not self._read(deadline - time.perf_counter()):
                raise RuntimeError(f"{what} did not show within {timeout:g} s")
        return time.perf_counter()

    def shows(self, pattern: bytes, timeout: float) -> bool:
        """Whether `pattern` shows after the last key within `timeout` seconds."""
        try:
            self.wait_for(pattern, "", timeout)
        except RuntimeError:
            return False
        return True

    def rest(self) -> None:
        """Read until the output pauses for REST seconds (or REST_MOST have passed)."""
        end = time.perf_counter() + REST_MOST
        while time.perf_counter() < end and self._read(REST):
            pass

    def idle(self) -> None:
        """Read until the app's CPU rests (under IDLE_CPU of a core for two IDLE_WINDOWs in a
        row) or IDLE_MOST passed."""
        end, quiet = time.perf_counter() + IDLE_MOST, 0
        while time.perf_counter() < end and quiet < 2:  # two quiet windows in a row
            before, since = self.cpu(), time.perf_counter()
            while (left := since + IDLE_WINDOW - time.perf_counter()) > 0:
                self._read(left)
            quiet = quiet + 1 if self.cpu() - before < IDLE_CPU * IDLE_WINDOW else 0

    def go_home(self) -> Timing | None:
        """Escape until the home screen shows (a field, a dialog or a view may come first):
        the time from the escape to home, when the first one led there."""
        for times in range(5):
            pressed = self.press(ESCAPE)
            if self.shows(HOME, 1.5 if times else TIMEOUT):
                timing = Timing(time.perf_counter() - pressed, self.cpu() - self.cpu_at_key)
                self.rest()
                return None if times else timing
        raise RuntimeError("escape did not lead home")

    def close(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        os.close(self.master)


def start(command: list[str], eager: bool = False) -> Terminal:
    """A fresh gdtui with an empty data folder, its home screen drawn and resting, and unless
    `eager`, the app idle too: a learner looks at the home screen for a moment, while the app
    may load things in the background."""
    terminal = Terminal(command)
    terminal.wait_for(HOME, "the home screen")
    terminal.rest()
    if not eager:
        terminal.idle()
    return terminal


def open_seconds(terminal: Terminal, key: bytes, marker: bytes, what: str) -> Timing:
    """From the key to the marker: seconds, and the app's CPU seconds."""
    pressed = terminal.press(key)
    seconds = terminal.wait_for(marker, what) - pressed
    return Timing(seconds, terminal.cpu() - terminal.cpu_at_key)


def help_seconds(terminal: Terminal) -> Timing:
    """From `?` to the help screen, which is then closed."""
    timing = open_seconds(terminal, b"?", HELP, "the help screen")
    terminal.rest()
    terminal.go_home()
    return timing


def time_area(command: list[str], name: str, key: bytes,
              eager: bool) -> tuple[list[Timing], list[Timing], list[Timing | None]]:
    """([first, second visit], [first, second, third help], [first, second way home]) of one
    area in one fresh app: the help before, between and after the visits, and the escape from
    the area to the home screen."""
    terminal = start(command, eager)
    try:
        helps, visits, homes = [help_seconds(terminal)], [], []
        for visit in ("first", "second"):
            visits.append(open_seconds(terminal, key, MARKERS[name], f"{name} ({visit} visit)"))
            terminal.rest()
            homes.append(terminal.go_home())
            helps.append(help_seconds(terminal))
        return visits, helps, homes
    finally:
        terminal.close()


def typed_ahead(command: list[str], name: str, key: bytes) -> str:
    """Send the area's key and one of its own keys at once, as soon as the home screen shows:
    did the new screen take both?"""
    extra, effect = TYPED_AHEAD[name]
    terminal = start(command, eager=True)
    try:
        terminal.press(key + extra)
        if terminal.shows(effect, 5.0):
            return f"ok ({extra.decode()!r} acted on {name})"
        return f"LOST: {extra.decode()!r} typed with the key did not act on {name}"
    finally:
        terminal.close()


def gdtui_command(data_dir: Path) -> list[str]:
    """The installed `gdtui` next to this Python (else `python -m gdtui`), on `data_dir`."""
    script = Path(sys.executable).with_name("gdtui")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "gdtui"]
    return [*command, "--data-dir", str(data_dir)]


def compile_gdtui() -> None:
    """Write the missing or stale .pyc files of the gdtui package being timed."""
    import compileall

    import gdtui

    folder = Path(gdtui.__file__).parent
    print(f"compiling {folder}")
    compileall.compile_dir(str(folder), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh apps for each area")
    parser.add_argument("--areas", default=",".join(a.name for a in AREAS),
                        help="comma-separated area names")
    parser.add_argument("--compile", action="store_true", help="write gdtui's .pyc files first")
    parser.add_argument("--skip-typed", action="store_true", help="skip the typed-ahead check")
    parser.add_argument("--eager", action="store_true",
                        help="press the keys as soon as the home screen shows, not once the "
                        "app rests")
    args = parser.parse_args()
    areas = [a for a in AREAS if a.name in args.areas.split(",") and a.module]
    if args.compile:
        compile_gdtui()
    print(f"load average before: {', '.join(f'{n:.2f}' for n in os.getloadavg())} "
          f"(on {os.cpu_count()} cores)")
    folder = Path(tempfile.mkdtemp(prefix="gdtui-open-"))
    try:
        visits: dict[str, list[list[Timing]]] = {a.name: [[], []] for a in areas}
        helps: list[list[Timing]] = [[], []]  # the first help of each app, and the later ones
        homes: list[list[Timing]] = [[], []]  # escape to home, from a first and a second visit
        for run in range(args.runs):  # interleaved, so drifting load hits every area alike
            for each in areas:
                data = folder / f"{each.name}-{run}"
                times, help_times, home_times = time_area(gdtui_command(data), each.name,
                                                          each.key.encode(), args.eager)
                for kept, timing in zip(visits[each.name], times, strict=True):
                    kept.append(timing)
                for kept, timing in zip(homes, home_times, strict=True):
                    if timing is not None:
                        kept.append(timing)
                helps[0].append(help_times[0])
                helps[1].extend(help_times[1:])
        typed = {}
        if not args.skip_typed:
            for each in areas:
                typed[each.name] = typed_ahead(gdtui_command(folder / f"{each.name}-typed"),
                                               each.name, each.key.encode())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = statistics.median(seconds for seconds, _ in helps[1])

    def shown(timings: list[Timing]) -> str:
        if not timings:
            return f"{'-':>29}"
        seconds = statistics.median(seconds for seconds, _ in timings)
        cpu = statistics.median(cpu for _, cpu in timings)
        return f"{seconds:6.3f} s (x{seconds / base:5.1f}, CPU {cpu:5.3f})"

    print(f"open screens: {args.runs} fresh apps per area in a pseudo-terminal of 80x24; median "
          "seconds from the key on the home screen to the screen drawn, its ratio to the help "
          "screen opened again in the same apps, and the CPU seconds the app used meanwhile "
          "(steadier than the clock on a busy machine)")
    print(f"  {'':<12} {'first visit':^29} {'second visit':^29}   keys typed while opening")
    print(f"  ? {'help':<10} {shown(helps[0])}  {shown(helps[1])}")
    for each in areas:
        print(f"  {each.key} {each.name:<10} {shown(visits[each.name][0])}  "
              f"{shown(visits[each.name][1])}   {typed.get(each.name, '-')}")
    print(f"  escape home  {shown(homes[0])}  {shown(homes[1])}   (from each area, back home)")
    print(f"load average after: {', '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
