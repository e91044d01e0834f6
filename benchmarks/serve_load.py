"""A class on one machine: how fast does `gdtui serve` answer keys with N learners at once?

    python benchmarks/serve_load.py [--learners 1,5,10,20] [--seconds 40] [--training 5]
                                    [--think 1,3]
                                    [--src DIR] [--fps N] [--json]

Starts a real `gdtui serve` on 127.0.0.1 (a free port, a temporary folder, one generated key)
and, for each class size N, logs N simulated learners in over SSH (asyncssh), each with its own
terminal emulator (pyte) at 80x24:

- readers open a lesson and press page down, n and p (the next and previous lesson);
- card learners cram every card: space shows the answer, 3 grades it, a digit picks a choice,
  a typed card gets "0.5" and enter;
- trainers open the lab, press space to train and f for full speed, and leave it running.

``--training`` trainers are among 20 learners; a smaller class gets as many in proportion
(rounded, none for one learner). The rest are half readers, half card learners.

A key's latency is the time from writing it to the SSH channel to the moment the learner's
screen first shows what only that key does: the lesson's number in the title for n and p, any
change of a lesson page (which nothing else moves) for page down, and, for cards, the hint line
of the card's next step (each step shows a different hint). The screen is checked each time data
arrives, so the time is not rounded to a polling period. A key whose effect never shows within
``TIMEOUT`` seconds is counted as lost, not as a time. Between keys a learner "reads" for a
random 1 to 3 s (``--think LOW,HIGH``): think time, not part of any measurement. That is far
quicker than anyone reads a page or recalls a card, so the class presses more keys than a real
one; a reader turns PAGES pages of a lesson before going on to the next.

Measured over ``--seconds`` per class size, once everyone is in and at work: the key latency
(median, 95th percentile) of readers and of card learners; the CPU of the server process and
of all learners' gdtuis together (100% is one core of this machine; the benchmark's own CPU,
which shares the machine, is printed too); the server's memory (RSS); each learner's gdtui
memory (RSS, and PSS, which shares the pages common to all of them fairly); the whole class's
memory (the server plus every gdtui, RSS: an upper bound). Then the goal: with 20 learners
(``--training`` of them training), readers' and card learners' 95th percentile under 150 ms,
and the class under 3 GB.

``--src DIR`` runs the server from another gdtui source tree (a checkout from before a
change: `git worktree add /tmp/before <commit>`, then `--src /tmp/before`). ``--fps`` is
passed on to `gdtui serve`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
import pyte

COLUMNS, ROWS = 80, 24
TIMEOUT = 5.0  # a key whose effect takes longer than this is lost
THINK = (1.0, 3.0)  # seconds a learner reads between keys (a real page takes 20 or more)
PAGES = 4  # page downs in a lesson before the next (or previous) one
LOGINS_AT_ONCE = 4  # a class arrives over a minute, not in one instant
GOAL_P95_MS, GOAL_CLASS_BYTES = 150.0, 3 * 10**9
TICK = os.sysconf("SC_CLK_TCK")

CARD_HINTS = {  # a card's step, as its hint line says, and the key that takes the next one
    "then press space": b" ",
    "How well did you remember?": b"3",
    "Pick an answer": b"1",
    "Type the answer and press enter.": b"typed",
    "Type a number and press enter": b"typed",
    "for the next card": b" ",
}
PAGE_DOWN = b"\x1b[6~"
KEY_NAMES = {PAGE_DOWN: "page down", b" ": "space", b"\r": "enter"}
LESSON_TITLE = re.compile(r"gdtui — Lesson (\d+):")


class Server:
    """`gdtui serve --port 0` in a subprocess; its log is gathered line by line."""

    def __init__(self, root: Path, src: Path | None, args: list[str]):
        env = dict(os.environ)
        if src is not None:
            env["PYTHONPATH"] = str(src)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gdtui", "serve", "--port", "0", "--root", str(root),
             "--max-sessions", "40", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env=env, cwd=src or None,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.port = int(re.search(r"127\.0\.0\.1:(\d+)", self.wait_log("listening on"))[1])

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_log(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit(f"{text!r} never appeared in the server's log:\n" + "\n".join(self.lines))

    def children(self) -> list[int]:
        """The learners' gdtuis: the server's child processes."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = _stat(int(entry.name))
                if stat and int(stat[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name, or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` so far; 0 once it is gone."""
    stat = _stat(pid)
    return (int(stat[11]) + int(stat[12])) / TICK if stat else 0.0


def memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of ``pid`` in bytes; (0, 0) once it is gone. PSS counts a page shared by k
    processes as 1/k of a page in each, so PSS adds up across processes; RSS does not."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    rss = re.search(r"^Rss:\s+(\d+) kB", rollup, flags=re.M)
    pss = re.search(r"^Pss:\s+(\d+) kB", rollup, flags=re.M)
    return (int(rss[1]) * 1024 if rss else 0), (int(pss[1]) * 1024 if pss else 0)


class Terminal(asyncssh.SSHClientSession):
    """A learner's terminal: what arrives is drawn on a pyte screen, and every condition a key
    waits for is checked as soon as the data that may satisfy it arrives."""

    def __init__(self):
        self.screen = pyte.Screen(COLUMNS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self._waiting: list[tuple[Callable[[list[str]], bool], asyncio.Future]] = []

    def data_received(self, data: bytes, datatype) -> None:
        self.stream.feed(data)
        if not self._waiting:
            return
        now = time.perf_counter()
        lines = self.screen.display
        for condition, future in self._waiting:
            if not future.done() and condition(lines):
                future.set_result(now)

    @property
    def lines(self) -> list[str]:
        return self.screen.display

    async def until(self, condition: Callable[[list[str]], bool],
                    timeout: float = TIMEOUT) -> float | None:
        """The time the screen first met ``condition``, or None after ``timeout`` s."""
        if condition(self.lines):
            return time.perf_counter()
        future = asyncio.get_running_loop().create_future()
        entry = (condition, future)
        self._waiting.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return None
        finally:
            self._waiting.remove(entry)


def showing(*texts: str) -> Callable[[list[str]], bool]:
    return lambda lines: all(any(text in line for line in lines) for text in texts)


@dataclass
class Learner:
    name: str
    role: str  # "reader", "cards" or "trainer"
    conn: asyncssh.SSHClientConnection | None = None
    chan: asyncssh.SSHClientChannel | None = None
    term: Terminal | None = None
    latencies: list[float] = field(default_factory=list)
    by_key: dict[str, list[float]] = field(default_factory=dict)
    lost: int = 0

    async def key(self, data: bytes, effect: Callable[[list[str]], bool],
                  timed: bool = True) -> bool:
        """Press ``data``; wait for ``effect``; note how long it took. Whether it showed."""
        sent = time.perf_counter()
        self.chan.write(data)
        shown = await self.term.until(effect)
        if shown is None:
            if os.environ.get("SERVE_LOAD_DEBUG"):
                print(f"{self.name}: {data!r} lost; screen:\n" + "\n".join(self.term.lines))
            self.lost += timed
            return False
        if timed:
            self.latencies.append(shown - sent)
            self.by_key.setdefault(KEY_NAMES.get(data, repr(data)), []).append(shown - sent)
        return True


async def log_in(port: int, key: asyncssh.SSHKey, learner: Learner) -> None:
    learner.conn = await asyncssh.connect(
        "127.0.0.1", port, username=learner.name, client_keys=[key], known_hosts=None,
        config=None, agent_path=None)
    learner.chan, learner.term = await learner.conn.create_session(
        Terminal, term_type="xterm-256color", term_size=(COLUMNS, ROWS), encoding=None)
    if await learner.term.until(showing("Lessons read"), timeout=120) is None:
        raise SystemExit(f"{learner.name}'s home screen never came:\n"
                         + "\n".join(learner.term.lines))


async def set_to_work(learner: Learner) -> None:
    """From the home screen to the learner's activity (not timed)."""
    async def step(data: bytes, *texts: str) -> None:
        if not await learner.key(data, showing(*texts), timed=False):
            if await learner.term.until(showing(*texts), timeout=30) is None:
                raise SystemExit(f"{learner.name}: {texts!r} never showed:\n"
                                 + "\n".join(learner.term.lines))

    if learner.role == "reader":
        await step(b"1", "gdtui — Lesson 1:")
    elif learner.role == "cards":
        await step(b"2", "Review (r)", "Cram (c)")
        await step(b"c", "done")
    else:
        await step(b"4", "space: train")
        await step(b" ", "▶ step")
        await step(b"f", "speed      fast")


def lesson_number(lines: list[str]) -> int | None:
    found = LESSON_TITLE.search(lines[0])
    return int(found[1]) if found else None


async def read_lessons(learner: Learner, until: float, lessons: int,
                       think: tuple[float, float]) -> None:
    """Page down PAGES times in a lesson, then on to the next (back down from the last)."""
    forward, pages = True, 0
    while time.monotonic() < until:
        number = lesson_number(learner.term.lines) or 1
        if pages < PAGES:
            before = learner.term.lines[1:ROWS - 1]
            pages += 1
            if not await learner.key(PAGE_DOWN, lambda lines, b=before: lines[1:ROWS - 1] != b):
                pages = PAGES  # the end of the lesson: on to another
        else:
            if number >= lessons:
                forward = False
            elif number <= 1:
                forward = True
            wanted = number + 1 if forward else number - 1
            await learner.key(b"n" if forward else b"p",
                              lambda lines, w=wanted: lesson_number(lines) == w)
            pages = 0
        await asyncio.sleep(random.uniform(*think))


def card_hint(lines: list[str]) -> str | None:
    for hint in CARD_HINTS:
        if any(hint in line for line in lines):
            return hint
    return None


async def review_cards(learner: Learner, until: float, think: tuple[float, float]) -> None:
    """Answer card after card; a typed card gets 0.5 (the enter is what is timed)."""
    while time.monotonic() < until:
        hint = card_hint(learner.term.lines)
        if hint is None:  # the cram is over (or a frame is half drawn): start another
            if await learner.term.until(lambda lines: card_hint(lines) is not None, 2.0) is None:
                await learner.key(b"\x1b", showing("Cram (c)"), timed=False)
                await learner.key(b"c", showing("done"), timed=False)
            continue
        data = CARD_HINTS[hint]
        if data == b"typed":
            await learner.key(b"0.5", showing("0.5"), timed=False)
            data = b"\r"
        await learner.key(data, lambda lines, h=hint: card_hint(lines) not in (None, h))
        await asyncio.sleep(random.uniform(*think))


def roles(count: int, training_at_20: int) -> list[str]:
    trainers = 0 if count < 2 else min(count, int(count * training_at_20 / 20 + 0.5))
    rest = count - trainers
    return (["trainer"] * trainers + ["reader"] * ((rest + 1) // 2)
            + ["cards"] * (rest // 2))


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run_level(server: Server, key: asyncssh.SSHKey, count: int, training: int,
                    seconds: float, level: int, lessons: int,
                    think: tuple[float, float] = THINK) -> dict:
    learners = [Learner(f"l{level}-{n}-{role}", role)
                for n, role in enumerate(roles(count, training))]
    gate = asyncio.Semaphore(LOGINS_AT_ONCE)
    started = time.monotonic()

    async def arrive(learner: Learner) -> None:
        async with gate:
            await log_in(server.port, key, learner)
        await set_to_work(learner)

    await asyncio.gather(*(arrive(learner) for learner in learners))
    arrival = time.monotonic() - started
    children = server.children()
    cpu_before = {pid: cpu_seconds(pid) for pid in [server.process.pid, *children]}
    own_before = time.process_time()
    window_start = time.monotonic()
    until = window_start + seconds
    samples: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []

    async def sample() -> None:
        while time.monotonic() < until:
            samples.append((memory(server.process.pid), [memory(pid) for pid in children]))
            await asyncio.sleep(1.0)

    work = [read_lessons(x, until, lessons, think) for x in learners if x.role == "reader"]
    work += [review_cards(x, until, think) for x in learners if x.role == "cards"]
    await asyncio.gather(sample(), *work)
    window = time.monotonic() - window_start
    own = time.process_time() - own_before
    cpu = {pid: cpu_seconds(pid) - before for pid, before in cpu_before.items()}
    server_cpu = cpu.pop(server.process.pid)

    for learner in learners:
        learner.chan.write(b"\x11")  # ctrl+q: quits from any screen
    for learner in learners:
        try:
            await asyncio.wait_for(learner.chan.wait_closed(), 30)
        except TimeoutError:
            pass
        learner.conn.close()

    def keys_of(role: str) -> dict:
        times = [t for x in learners if x.role == role for t in x.latencies]
        lost = sum(x.lost for x in learners if x.role == role)
        median = statistics.median(times) * 1000 if times else None
        p95 = percentile(times, 0.95)
        by_key: dict[str, list[float]] = {}
        for learner in learners:
            if learner.role == role:
                for name, found in learner.by_key.items():
                    by_key.setdefault(name, []).extend(found)
        return {"learners": sum(x.role == role for x in learners), "keys": len(times),
                "lost": lost, "median_ms": median, "p95_ms": p95 * 1000 if p95 else None,
                "by_key": {name: {"keys": len(found),
                                  "median_ms": statistics.median(found) * 1000,
                                  "p95_ms": percentile(found, 0.95) * 1000}
                           for name, found in sorted(by_key.items())}}

    server_rss = max(s[0][0] for s in samples)
    per_child_rss = [max(s[1][i][0] for s in samples) for i in range(len(children))]
    per_child_pss = [max(s[1][i][1] for s in samples) for i in range(len(children))]
    class_rss = max(s[0][0] + sum(m[0] for m in s[1]) for s in samples)
    class_pss = max(s[0][1] + sum(m[1] for m in s[1]) for s in samples)
    return {
        "learners": count, "roles": {r: sum(x.role == r for x in learners)
                                     for r in ("reader", "cards", "trainer")},
        "arrival_seconds": arrival, "window_seconds": window,
        "reader": keys_of("reader"), "cards": keys_of("cards"),
        "server_cpu_percent": 100 * server_cpu / window,
        "learners_cpu_percent": 100 * sum(cpu.values()) / window,
        "benchmark_cpu_percent": 100 * own / window,
        "server_rss": server_rss,
        "learner_rss_median": statistics.median(per_child_rss) if per_child_rss else 0,
        "learner_rss_max": max(per_child_rss, default=0),
        "learner_pss_median": statistics.median(per_child_pss) if per_child_pss else 0,
        "class_rss": class_rss, "class_pss": class_pss,
    }


def mib(count: float) -> str:
    return f"{count / (1 << 20):,.0f}"


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def table(levels: list[dict]) -> str:
    head = (f"{'N':>3} {'train':>5} | {'reader keys':>11} {'med':>4} {'p95':>4} {'lost':>4} | "
            f"{'card keys':>9} {'med':>4} {'p95':>4} {'lost':>4} | {'srv CPU':>7} "
            f"{'apps CPU':>8} {'bench':>5} | {'srv':>4} {'app RSS':>7} {'max':>4} {'PSS':>4} "
            f"{'class':>6}")
    lines = [head, "-" * len(head)]
    for lv in levels:
        r, c = lv["reader"], lv["cards"]
        lines.append(
            f"{lv['learners']:>3} {lv['roles']['trainer']:>5} | {r['keys']:>11} "
            f"{ms(r['median_ms']):>4} {ms(r['p95_ms']):>4} {r['lost']:>4} | {c['keys']:>9} "
            f"{ms(c['median_ms']):>4} {ms(c['p95_ms']):>4} {c['lost']:>4} | "
            f"{lv['server_cpu_percent']:>6.0f}% {lv['learners_cpu_percent']:>7.0f}% "
            f"{lv['benchmark_cpu_percent']:>4.0f}% | {mib(lv['server_rss']):>4} "
            f"{mib(lv['learner_rss_median']):>7} {mib(lv['learner_rss_max']):>4} "
            f"{mib(lv['learner_pss_median']):>4} "
            f"{mib(lv['class_rss']):>6}")
    lines.append("latency in ms (median, 95th percentile; lost: no effect within "
                 f"{TIMEOUT:g} s); CPU: 100% is one core; memory in MiB: the server's RSS, "
                 "a learner's gdtui RSS (median, largest) and PSS (median), the class "
                 "(server + every gdtui, RSS)")
    return "\n".join(lines)


def goal(levels: list[dict], training: int) -> list[str]:
    found = [lv for lv in levels if lv["learners"] == 20]
    if not found:
        return ["goal: not checked (no level of 20 learners)"]
    lv = found[0]
    said = []
    for role in ("reader", "cards"):
        p95 = lv[role]["p95_ms"]
        ok = p95 is not None and p95 < GOAL_P95_MS and not lv[role]["lost"]
        who = "readers'" if role == "reader" else "card learners'"
        said.append(f"goal: 20 learners, {lv['roles']['trainer']} training: {who} p95 "
                    f"{ms(p95)} ms, {lv[role]['lost']} lost (under {GOAL_P95_MS:.0f} ms, none "
                    f"lost): {'met' if ok else 'NOT met'}")
    size = lv["class_rss"]
    said.append(f"goal: the class uses {size / 1e9:.2f} GB at most (RSS of server + every gdtui; "
                f"under 3 GB): {'met' if size < GOAL_CLASS_BYTES else 'NOT met'}")
    return said


async def run(args, key: asyncssh.SSHKey, server: Server, lessons: int) -> list[dict]:
    levels = []
    for level, count in enumerate(args.learners):
        found = await run_level(server, key, count, args.training, args.seconds, level,
                                lessons, args.think)
        levels.append(found)
        if not args.json:
            print(f"N={count}: in and at work after {found['arrival_seconds']:.0f} s; "
                  f"measured {found['window_seconds']:.0f} s", flush=True)
    return levels


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default="1,5,10,20",
                        type=lambda text: [int(n) for n in text.split(",")])
    parser.add_argument("--seconds", type=float, default=40.0, help="measured per class size")
    parser.add_argument("--think", default=THINK, help="seconds between keys: LOW,HIGH",
                        type=lambda text: tuple(float(n) for n in text.split(",")))
    parser.add_argument("--training", type=int, default=5, help="trainers among 20 learners")
    parser.add_argument("--src", type=Path, help="run the server from this gdtui source tree")
    parser.add_argument("--fps", type=int, help="passed on to gdtui serve")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="serve-load-"))
    root = folder / "serve"
    root.mkdir()
    key = asyncssh.generate_private_key("ssh-ed25519")
    (root / "authorized_keys").write_text(key.export_public_key().decode())
    source = args.src.resolve() if args.src else None
    from gdtui.course.lessons import load_course

    lessons = len(load_course().lessons)
    server = Server(root, source, ["--fps", str(args.fps)] if args.fps else [])
    try:
        levels = asyncio.run(run(args, key, server, lessons))
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps({"source": str(source or "installed"), "levels": levels}, indent=2))
    else:
        print(f"gdtui serve from {source or 'the installed gdtui'}, {os.cpu_count()} cores, "
              f"{args.seconds:g} s per class size")
        print(table(levels))
        print("\n".join(goal(levels, args.training)))
    return levels


if __name__ == "__main__":
    main()
