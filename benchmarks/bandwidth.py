"""How many bytes a second does gdtui write to the terminal on its live screens? Prints numbers,
asserts nothing.

    python benchmarks/bandwidth.py [--seconds 10] [--sizes 80x24,120x40] [--screens lab,guess]
                                   [--fps 2] [--json]

Runs the installed `gdtui` command (next to this Python) in a pseudo-terminal of each size, with
its own temporary data directory, opens a screen, presses the keys that start its animation, lets
it warm up, then counts every byte it writes for a fixed time. An animation that ends by itself
(a game, a walk) is started again the moment it ends, as a learner watching it would, so the
count is of the animation playing, not of the quiet screen after it. Over SSH those bytes are
what the link has to carry (before compression), so this is the figure to keep small: the
issue's goal is at most 16 KiB/s at 80x24 while the Lab trains.

Screens (each with the keys a learner would press):

- home: the home screen, idle (the baseline).
- lab: the Training Lab, training the default network (`space`).
- lab-network: the same with the network view shown (`v`, then `space`).
- digits: the Training Lab on the preset `digits` (`p`, down to it, `enter`), training (`space`)
  with the digits panel live; digits-weights: the same on its weights view (`m` thrice), where
  every image changes at every picture (at 120x40, where all three views show, that leaves the
  mistakes above them, which change too).
- guess: the guessing game's "Watch it learn" at fast speed, learning rate 1 and secret 95, so
  a game takes its 20 guesses (`2`, `[` seven times, `shift+tab` to the secret, `95`, `enter`,
  `f`, `space`; `g`, `space` again as soon as a game ends).
- landscape: the loss landscape's two optimizers walking (they start by themselves; `g` plays
  them again as soon as a walk ends).
- backprop: the backprop stepper, `r` (ten updates, the loss chart grows) once a second.

"Updates/s" counts bursts of output: writes less than 10 ms apart are one screen update. The
updates a second depend on how busy the machine is (a screen that cannot keep its pace does
fewer); bytes per update do not.
The pseudo-terminal answers Textual's queries as xterm does (no synchronized output, no
in-band resize); Textual never waits for the answers, so nothing can hang on them.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BURST_GAP = 0.010  # writes closer than this belong to one screen update
START_TIMEOUT = 20.0  # seconds to wait for the app's first screen
SETTLE = 0.5  # quiet time that means the first screen is drawn
SETTLE_MOST = 3.0  # a screen that animates from the start never rests: go on after this long
ENDED = 0.3  # quiet time that means an animation has ended (at least two frames' pause)


@dataclass(frozen=True)
class Scenario:
    """How to make one screen live: where to start, what to press, and what to press again."""

    open: str | None  # the --open screen, or None for home
    keys: tuple[str, ...] = ()  # pressed once, 0.3 s apart, after the screen is drawn
    again: tuple[str, ...] = ()  # pressed to keep it moving: every `every` seconds, or, with
    every: float = 0.0  # `when_ended`, as soon as the output rests (the animation has ended)
    when_ended: bool = False
    about: str = ""


def preset_index(name: str) -> int:
    """Where the built-in preset `name` is in the lab's list of presets (a new data dir has no
    presets of its own)."""
    from gdtui.training.settings import PRESETS

    return list(PRESETS).index(name)


SCENARIOS = {
    "home": Scenario(None, about="home screen, idle"),
    "lab": Scenario("lab", ("space",), about="Training Lab, training"),
    "lab-network": Scenario("lab", ("v", "space"),
                            about="Training Lab, training, network view shown"),
    "digits": Scenario("lab", ("p", *["down"] * preset_index("digits"), "enter", "space"),
                       about="Training Lab on the digits preset, training, digits panel live"),
    "digits-weights": Scenario("lab", ("p", *["down"] * preset_index("digits"), "enter", "m",
                                       "m", "m", "space"),
                               about="the same, on the digits panel's weights view"),
    "guess": Scenario("guess", ("2", *["["] * 7, "shift+tab", "9", "5", "enter", "f", "space"),
                      ("g", "space"), when_ended=True,
                      about="guessing game, watching games at fast speed"),
    "landscape": Scenario("landscape", (), ("g",), when_ended=True,
                          about="loss landscape, optimizers walking"),
    "backprop": Scenario("backprop", (), ("r",), 1.0, about="backprop stepper, r once a second"),
}
KEY_BYTES = {"space": b" ", "enter": b"\r", "escape": b"\x1b", "ctrl+q": b"\x11",
             "shift+tab": b"\x1b[Z", "down": b"\x1b[B"}

# Queries Textual may send; the answers a plain xterm would give.
DECRQM = re.compile(rb"\x1b\[\?(\d+)\$p")  # "is this mode supported?"
OTHER_QUERIES = {b"\x1b[c": b"\x1b[?62;22c",  # primary device attributes
                 b"\x1b[6n": b"\x1b[1;1R"}  # cursor position


@dataclass
class Result:
    """What one screen wrote at one size."""

    screen: str
    size: str
    fps: int | None
    seconds: float
    bytes: int
    updates: int

    @property
    def bytes_per_second(self) -> float:
        return self.bytes / self.seconds

    @property
    def updates_per_second(self) -> float:
        return self.updates / self.seconds

    @property
    def bytes_per_update(self) -> float:
        return self.bytes / self.updates if self.updates else 0.0


class Terminal:
    """gdtui running in a pseudo-terminal; `pump` reads (and answers) what it writes."""

    def __init__(self, command: list[str], size: tuple[int, int], env: dict[str, str],
                 sync: bool) -> None:
        columns, rows = size
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.sync = sync
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                        env=env, start_new_session=True, close_fds=True)
        os.close(slave)
        self._tail = b""  # the end of the last read, for a query split across two reads

    def pump(self, seconds: float, on_data=None) -> None:
        """Read for `seconds` (calling on_data(bytes, time) for each read); never blocks longer."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.05))
            if not ready:
                if self.process.poll() is not None:
                    return
                continue
            try:
                data = os.read(self.master, 1 << 16)
            except OSError:  # the child closed the terminal
                return
            if not data:
                return
            self._answer(data)
            if on_data is not None:
                on_data(data, time.monotonic())

    def wait_until_drawn(self) -> float:
        """Read until the first screen is drawn and the output rests; returns the bytes read."""
        total, last = 0, [time.monotonic()]

        def seen(data: bytes, when: float) -> None:
            nonlocal total
            total += len(data)
            last[0] = when

        deadline = time.monotonic() + START_TIMEOUT
        first = None
        while time.monotonic() < deadline and self.process.poll() is None:
            self.pump(0.1, seen)
            if total and first is None:
                first = time.monotonic()
            if total and (time.monotonic() - last[0] >= SETTLE
                          or time.monotonic() - first >= SETTLE_MOST):
                break
        return total

    def _answer(self, data: bytes) -> None:
        text = self._tail + data
        self._tail = text[-16:]
        for match in DECRQM.finditer(text):
            mode = int(match.group(1))
            value = 2 if (self.sync and mode == 2026) else 0  # 0: not recognised
            self.press_bytes(f"\x1b[?{mode};{value}$y".encode())
        for query, answer in OTHER_QUERIES.items():
            for _ in range(text.count(query)):
                self.press_bytes(answer)

    def press(self, key: str) -> None:
        self.press_bytes(KEY_BYTES.get(key, key.encode()))

    def press_bytes(self, data: bytes) -> None:
        try:
            os.write(self.master, data)
        except OSError:
            pass

    def close(self) -> None:
        """Ask the app to quit, then make sure it is gone."""
        if self.process.poll() is None:
            self.press("ctrl+q")
            self.pump(1.0)
        for stop in (signal.SIGTERM, signal.SIGKILL):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, stop)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
        os.close(self.master)


def gdtui_command() -> list[str]:
    """The installed `gdtui` next to this Python, else `python -m gdtui`."""
    script = Path(sys.executable).with_name("gdtui")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gdtui"]


def measure(name: str, size: tuple[int, int], args: argparse.Namespace) -> Result:
    """Run one screen at one size and count what it writes."""
    scenario = SCENARIOS[name]
    data_dir = Path(tempfile.mkdtemp(prefix="gdtui-bandwidth-"))
    command = [*gdtui_command(), "--data-dir", str(data_dir)]
    if scenario.open:
        command += ["--open", scenario.open]
    if args.fps is not None:
        command += ["--fps", str(args.fps)]
    if args.no_mouse:
        command.append("--no-mouse")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("TEXTUAL") and key not in ("NO_COLOR", "COLORTERM")}
    env["TERM"] = args.term
    if args.colorterm:
        env["COLORTERM"] = args.colorterm
    if args.no_color:
        env["NO_COLOR"] = "1"
    terminal = Terminal(command, size, env, args.sync)
    try:
        if not terminal.wait_until_drawn():
            raise RuntimeError(f"gdtui showed nothing within {START_TIMEOUT:g} s")
        for key in scenario.keys:
            terminal.press(key)
            terminal.pump(0.3)
        counted, bursts, last = 0, 0, [-1.0]
        wrote = [time.monotonic()]  # when the app last wrote anything
        # An animation has ended when the app rests longer than between two of its frames.
        ended_after = ENDED if args.fps is None else max(ENDED, 1.5 / args.fps)
        next_keys = time.monotonic() + scenario.every if scenario.every else float("inf")

        def count(data: bytes, when: float) -> None:
            nonlocal counted, bursts
            counted += len(data)
            if when - last[0] > BURST_GAP:
                bursts += 1
            last[0] = when

        def seen(data: bytes, when: float) -> None:
            wrote[0] = when
            if when >= stop_warming:
                count(data, when)

        started = time.monotonic()
        stop_warming, stop = started + args.warmup, started + args.warmup + args.seconds
        while (now := time.monotonic()) < stop:
            if terminal.process.poll() is not None:
                raise RuntimeError(f"gdtui ended early (exit code {terminal.process.returncode})")
            ended = scenario.when_ended and now - wrote[0] >= ended_after
            if now >= next_keys or ended:
                for key in scenario.again:
                    terminal.press(key)
                    terminal.pump(0.05, seen)
                if now >= next_keys:
                    next_keys += scenario.every
                wrote[0] = time.monotonic()  # give the keys time to start it again
            until = min(stop_warming if now < stop_warming else stop, next_keys,
                        now + (0.05 if scenario.when_ended else float("inf")))
            terminal.pump(max(until - time.monotonic(), 0.0), seen)
        measured = time.monotonic() - stop_warming
    finally:
        terminal.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    return Result(name, f"{size[0]}x{size[1]}", args.fps, measured, counted, bursts)


def read_size(text: str) -> tuple[int, int]:
    try:
        columns, rows = (int(n) for n in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a size looks like 80x24, not {text!r}") from None
    if not (20 <= columns <= 500 and 5 <= rows <= 200):
        raise argparse.ArgumentTypeError(f"{text} is not a usable terminal size")
    return columns, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per run")
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="seconds of animation before counting starts")
    parser.add_argument("--sizes", default="80x24,120x40", help="comma-separated, like 80x24")
    parser.add_argument("--screens", default=",".join(SCENARIOS),
                        help=f"comma-separated, from: {', '.join(SCENARIOS)}")
    parser.add_argument("--fps", type=int, help="passed to gdtui --fps")
    parser.add_argument("--no-mouse", action="store_true", help="passed to gdtui")
    parser.add_argument("--term", default="xterm-256color", help="TERM of the terminal")
    parser.add_argument("--colorterm", default="truecolor",
                        help="COLORTERM of the terminal ('' to leave it unset)")
    parser.add_argument("--no-color", action="store_true", help="set NO_COLOR=1")
    parser.add_argument("--sync", action="store_true",
                        help="answer that the terminal supports synchronized output")
    parser.add_argument("--json", action="store_true", help="print JSON lines, not a table")
    args = parser.parse_args()
    try:
        sizes = [read_size(text) for text in args.sizes.split(",")]
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    screens = [name.strip() for name in args.screens.split(",") if name.strip()]
    unknown = [name for name in screens if name not in SCENARIOS]
    if unknown:
        parser.error(f"no such screen: {', '.join(unknown)} (try: {', '.join(SCENARIOS)})")
    if args.seconds <= 0 or args.warmup < 0:
        parser.error("--seconds must be above 0 and --warmup at least 0")

    if not args.json:
        fps = f"--fps {args.fps}" if args.fps else "default pace"
        print(f"gdtui bytes written to the terminal, {args.seconds:g} s after a "
              f"{args.warmup:g} s warm-up, {fps}, TERM={args.term}"
              f"{' COLORTERM=' + args.colorterm if args.colorterm else ''}")
        print(f"{'screen':<14} {'size':>7} {'bytes/s':>9} {'KiB/s':>7} {'updates/s':>9} "
              f"{'bytes/update':>12}  what")
    for name in screens:
        for size in sizes:
            try:
                result = measure(name, size, args)
            except RuntimeError as error:
                print(f"{name:<10} {size[0]}x{size[1]}: {error}", file=sys.stderr)
                continue
            if args.json:
                print(json.dumps({**asdict(result), "bytes_per_second": result.bytes_per_second,
                                  "updates_per_second": result.updates_per_second,
                                  "bytes_per_update": result.bytes_per_update}), flush=True)
            else:
                print(f"{name:<14} {result.size:>7} {result.bytes_per_second:>9,.0f} "
                      f"{result.bytes_per_second / 1024:>7.1f} "
                      f"{result.updates_per_second:>9.1f} {result.bytes_per_update:>12,.0f}  "
                      f"{SCENARIOS[name].about}", flush=True)


if __name__ == "__main__":
    main()
