"""A learner whose gdtui keeps a core busy yields the CPU to the others.

The lab training at full speed wants a whole core for as long as it runs; five of them on a
2-core server left readers waiting seconds for a page to turn (benchmarks/serve_load.py). Each
session looks at its child's threads a few times a second (``CpuWatch``): a thread that was
runnable (running, or waiting for a core) more than ``BUSY_SHARE`` of the last ``WINDOW``
seconds is busy, and so its child's priority drops (nice ``YIELD_NICE``) until none of its
threads was runnable more than ``CALM_SHARE`` of a window. Runnable, not running: on a crowded
machine a training thread gets a small share of a core but wants all of it, while a reader,
however long it waits for its turn, sleeps between keys. A lower priority costs nothing on an
idle machine; on a busy one the readers' short bursts go first.

How (``set_yielding``): each child runs in a session of its own, and where the kernel groups a
session's processes for the scheduler (autogroup, on by default on most Linux systems), nice
works between groups only through the group's nice, in /proc/PID/autogroup, which can go up
and back down again without privileges. The child's threads other than its main one (the
training thread, where the time goes) are niced too: that works where there is no autogroup,
and within the group it keeps the learner's own screen ahead of their training. A thread's
nice cannot go back down without privileges, but the lab starts a new thread for every run.
"""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path

WINDOW = 2.0
"""Seconds judged at a time."""
BUSY_SHARE = 0.9
"""Share of the window a thread was runnable, above which its child yields."""
CALM_SHARE = 0.5
"""Share below which (for every thread) a yielding child has its priority back."""
YIELD_NICE = 19  # the lowest: training flat out is work for when no one else needs a core
_TICK = os.sysconf("SC_CLK_TCK")

Threads = dict[int, float]
"""Seconds each thread of a process (by thread id) has been runnable so far."""


class CpuWatch:
    """Whether a child should yield, from how long its threads have been runnable, sampled
    now and then."""

    def __init__(self) -> None:
        self.yielding = False
        self._samples: deque[tuple[float, Threads]] = deque()

    def share(self) -> float | None:
        """The largest share of the window any one thread was runnable, or None before a
        window is full."""
        if len(self._samples) < 2:
            return None
        (first, before), (last, after) = self._samples[0], self._samples[-1]
        if last - first < WINDOW:
            return None
        spans = [after[tid] - before[tid] for tid in after if tid in before]
        return max(spans, default=0.0) / (last - first)

    def sample(self, now: float, threads: Threads) -> bool | None:
        """Note the child's threads at ``now``; True when it should start yielding, False when
        it should stop, None when nothing changes."""
        self._samples.append((now, threads))
        while len(self._samples) > 2 and now - self._samples[1][0] >= WINDOW:
            self._samples.popleft()
        share = self.share()
        if share is None:
            return None
        if not self.yielding and share > BUSY_SHARE:
            return True
        if self.yielding and share < CALM_SHARE:
            return False
        return None


def runnable_seconds(pid: int) -> Threads | None:
    """How long each thread of ``pid`` has been runnable (on a core, or waiting for one), in
    seconds; only on a core where the kernel keeps no scheduler statistics. None once gone."""
    try:
        tids = [int(name) for name in os.listdir(f"/proc/{pid}/task")]
    except (OSError, ValueError):
        return None
    found = {}
    for tid in tids:
        task = f"/proc/{pid}/task/{tid}"
        try:
            running, waiting = Path(f"{task}/schedstat").read_text().split()[:2]
            found[tid] = (int(running) + int(waiting)) / 1e9
        except FileNotFoundError:
            try:
                fields = Path(f"{task}/stat").read_text().rsplit(")", 1)[1].split()
                found[tid] = (int(fields[11]) + int(fields[12])) / _TICK
            except (OSError, IndexError, ValueError):
                continue
        except (OSError, ValueError):
            continue  # the thread ended meanwhile
    return found


def set_yielding(pid: int, yielding: bool) -> bool:
    """Lower (or give back) the priority of child ``pid``, which leads a session of its own;
    False if its scheduling group could not be changed now (the kernel takes one change in a
    tenth of a second: try again later)."""
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(YIELD_NICE if yielding else 0))
        changed = True
    except FileNotFoundError:  # a kernel without autogroup: the threads' nice is what counts
        changed = True
    except OSError:  # EAGAIN (rate limit), or gone
        changed = False
    if yielding:
        try:
            threads = [int(name) for name in os.listdir(f"/proc/{pid}/task") if int(name) != pid]
        except OSError:
            threads = []
        for thread in threads:
            try:
                os.setpriority(os.PRIO_PROCESS, thread, YIELD_NICE)
            except OSError:  # gone, or already lower
                pass
    return changed


def group_nice(pid: int) -> int | None:
    """The nice of ``pid``'s scheduling group (autogroup), or None where there is none."""
    try:
        return int(Path(f"/proc/{pid}/autogroup").read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None
