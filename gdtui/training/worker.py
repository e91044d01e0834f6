"""Training from a worker thread: the loop it runs, chunk by chunk, the lock it shares, and the
frames it hands to the UI.

A TrainingSession is not thread-safe: the training thread holds a SessionLock for one chunk of
steps at a time, and the UI thread takes it only between chunks. While training, the UI does
not even do that to draw: it asks for a frame (`Frames.ask`), and the worker copies one out of
the session after its next chunk. Nothing here imports Textual.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from gdtui.training.view import Frame, FrameRequest, make_frame

if TYPE_CHECKING:
    from gdtui.training.session import TrainingSession

# Steps a second (None: flat out). The first is where a run starts: a pace to watch the loss
# curve form (the default moons run settles in about 22 s: benchmarks/lab_pace.py); `f` goes
# round them in this order, so full speed is one press away.
SPEEDS = {"normal": 40.0, "fast": None, "slow": 10.0}
DEFAULT_SPEED = next(iter(SPEEDS))
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
                    speed: Callable[[], str], stop_at: int | None,
                    after_chunk: Callable[[], None] = lambda: None) -> str:
    """Train `session` chunk by chunk until told to stop; return why it ended.

    Returns "stopped" (should_stop() said so), "diverged" or "stuck" (the run stopped by itself: see
    training.trouble) or "limit" (reached step `stop_at`; None: no limit). `speed()` names an entry
    of SPEEDS and is read before every chunk; `after_chunk()` is called after each one while the
    lock is still held, so it may read the session (the Lab answers a request for a frame there).
    Only the first chunk saves an undo point, so undo goes back to where this run started.
    """
    chunk, first = 1, True
    while not should_stop():
        rate = SPEEDS.get(speed())
        started = time.perf_counter()
        with lock.chunk():
            wanted = chunk if rate is None else max(1, round(rate * TICK_SECONDS))
            if stop_at is not None:
                wanted = min(wanted, stop_at - session.step)
                if wanted <= 0:
                    return "limit"
            taken = session.run(wanted, should_stop=should_stop, save_undo=first)
            status = session.status
            after_chunk()
        first = False
        if status != "ok":
            return status
        elapsed = time.perf_counter() - started
        if rate is None:
            if taken == wanted:  # size the next chunk to take about CHUNK_SECONDS
                chunk = min(MAX_CHUNK, max(1, int(taken * CHUNK_SECONDS / max(elapsed, 1e-6))))
        else:
            pause_until = started + wanted / rate
            while not should_stop() and time.perf_counter() < pause_until:
                time.sleep(min(TICK_SECONDS, max(0.0, pause_until - time.perf_counter())))
    return "stopped"


class Frames:
    """Frames from the training thread to the UI thread: the UI asks, the worker answers.

    The UI calls `ask(request)`; after its next chunk, while it holds the session's lock, the
    worker calls `answer(session)`, which copies a frame out of the session; the UI `take`s
    it and draws it without the lock. Only asked-for frames are built, so a run pays for the
    frames the UI draws (ten a second at most), not for every 10 ms chunk. `spent` adds up
    the training thread's CPU seconds spent building them, for the UI's drawing budget.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()  # the two threads hand the slots below to each other
        self._asked: FrameRequest | None = None
        self._ready: Frame | None = None
        self.spent = 0.0

    @property
    def busy(self) -> bool:
        """True from `ask` until the frame is taken: one frame is on its way at a time."""
        with self._guard:
            return self._asked is not None or self._ready is not None

    def ask(self, request: FrameRequest) -> None:
        """Ask for a frame after the next chunk (from the UI thread)."""
        with self._guard:
            self._asked = request

    def clear(self) -> None:
        """Forget a frame asked for or built and not taken (a new run starts)."""
        with self._guard:
            self._asked = self._ready = None

    def answer(self, session: TrainingSession) -> bool:
        """Build the frame asked for, if any (from the training thread, holding the session's
        lock); True when one was built and is ready to take."""
        with self._guard:
            request = self._asked
        if request is None:
            return False
        started = time.thread_time()
        frame = make_frame(session, request)
        with self._guard:
            self.spent += time.thread_time() - started
            self._ready = frame
            if self._asked is request:  # (not if the UI asked again meanwhile)
                self._asked = None
        return True

    def take(self) -> Frame | None:
        """The frame built since the last take, or None (from the UI thread)."""
        with self._guard:
            frame, self._ready = self._ready, None
        return frame
