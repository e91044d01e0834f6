"""Training from a worker thread: the loop it runs, chunk by chunk, and the lock it shares.

A TrainingSession is not thread-safe: the training thread holds a SessionLock for one chunk of
steps at a time, and the UI thread takes it only between chunks. Nothing here imports Textual.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gdtui.training.session import TrainingSession

SPEEDS = {"fast": None, "medium": 200.0, "slow": 20.0}  # steps per second; None: flat out
CHUNK_SECONDS = 0.01  # flat out, a chunk takes about this long: short enough to feel instant
MAX_CHUNK = 2000
TICK_SECONDS = 0.05  # a slow run takes a few steps, then sleeps, this often


class SessionLock:
    """Guards a session shared by a training thread and the UI thread.

    The trainer holds it for one chunk of steps at a time; `ui()` asks the trainer to step
    aside after its chunk, so the UI never waits longer than one chunk.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ui_waiting = threading.Event()

    @contextmanager
    def ui(self) -> Iterator[None]:
        """Hold the session from the UI thread."""
        self._ui_waiting.set()
        with self._lock:
            self._ui_waiting.clear()
            yield

    @contextmanager
    def chunk(self) -> Iterator[None]:
        """Hold the session from the training thread for one chunk."""
        with self._lock:
            yield
        if self._ui_waiting.is_set():
            time.sleep(0.0005)  # a Lock is not fair: let the waiting UI thread take it first


def train_in_chunks(session: TrainingSession, lock: SessionLock, should_stop: Callable[[], bool],
                    speed: Callable[[], str], stop_at: int,
                    after_chunk: Callable[[], None] = lambda: None) -> str:
    """Train `session` chunk by chunk until told to stop; return why it ended.

    Returns "stopped" (should_stop() said so), "diverged" or "limit" (reached step
    `stop_at`). `speed()` names an entry of SPEEDS and is read before every chunk;
    `after_chunk()` is called after each one (the UI redraws when it sees new data). Only
    the first chunk saves an undo point, so undo goes back to where this run started.
    """
    chunk, first = 1, True
    while not should_stop():
        rate = SPEEDS.get(speed())
        started = time.perf_counter()
        with lock.chunk():
            wanted = chunk if rate is None else max(1, round(rate * TICK_SECONDS))
            wanted = min(wanted, stop_at - session.step)
            if wanted <= 0:
                return "limit"
            taken = session.run(wanted, should_stop=should_stop, save_undo=first)
            diverged = session.status == "diverged"
        first = False
        after_chunk()
        if diverged:
            return "diverged"
        elapsed = time.perf_counter() - started
        if rate is None:
            if taken == wanted:  # size the next chunk to take about CHUNK_SECONDS
                chunk = min(MAX_CHUNK, max(1, int(taken * CHUNK_SECONDS / max(elapsed, 1e-6))))
        else:
            pause_until = started + wanted / rate
            while not should_stop() and time.perf_counter() < pause_until:
                time.sleep(min(TICK_SECONDS, max(0.0, pause_until - time.perf_counter())))
    return "stopped"
