"""One SSH session of ``gdtui serve``: a learner's gdtui in a terminal, from start to end.

The session accepts only a shell request with a terminal. It starts the child when the client is
ready, passes keys and window sizes in and the screen out, and ends in one place, ``_finish``,
whatever the reason: the learner quit, the client went away, the idle timeout, or the server
stopping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from pathlib import Path
from typing import Protocol

import asyncssh

from gdtui.numbers import describe_duration
from gdtui.serve import presence
from gdtui.serve.child import child_command, child_environment
from gdtui.serve.config import ServeConfig
from gdtui.serve.limits import KEY_BURST, KEY_RATE, KeyBudget, data_memory, describe_bytes
from gdtui.serve.pty import PtyChild, clamp_size
from gdtui.serve.users import printable
from gdtui.serve.yielding import CpuWatch, runnable_seconds, set_yielding

log = logging.getLogger("gdtui.serve")

DEFAULT_SIZE = (80, 24)
EARLY_INPUT_LIMIT = 65536  # keys typed before the child is up; more than this is dropped
MEMORY_CHECK_SECONDS = 0.25
NEAR_CEILING = 0.85  # a child that fails with this much of its ceiling in use ran out of memory
NEEDS_TERMINAL = "gdtui needs a terminal: connect with ssh -t\r\n"
# What a Textual app undoes on a clean exit; a child that was ended cannot, so we do it for it:
# keyboard mode, alternate screen, cursor, focus events, mouse modes, paste mode, line wrap.
# Leaving the alternate screen puts the cursor back where the app started; what is below it
# then is only what a failing app printed on its way out (a MemoryError's traceback), which
# the server's log explains better: it is cleared.
RESET_TERMINAL = (
    b"\x1b[<u\x1b[?1049l\x1b[?25h\x1b[?1004l\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"
    b"\x1b[?1016l\x1b[?2004l\x1b[?2048l\x1b[?7h\x1b[0m\r\n\x1b[J"
)


def _size(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


# What a session needs of the server and of its connection, written down here so that this
# module need not import theirs (they import it): server.Hub and connection.Connection fit.
class Host(Protocol):
    """The server a session runs in: its settings, its sessions, whether it is stopping."""

    config: ServeConfig
    sessions: set[LearnerSession]
    stopping: bool


class Owner(Protocol):
    """The connection a session belongs to: who logged in, from where, and their folder."""

    user: str
    address: str
    folder: Path | None
    teacher: bool

    @property
    def hub(self) -> Host: ...

    def touch(self) -> None: ...

    def close(self) -> None: ...


class LearnerSession(asyncssh.SSHServerSession):
    """A learner's session; also the PtyListener of its child."""

    def __init__(self, owner: Owner):
        self.owner = owner
        self.hub = owner.hub
        self.chan: asyncssh.SSHServerChannel | None = None
        self.term: str | None = None
        self.size = DEFAULT_SIZE
        """The terminal's size as the child gets it."""
        self.asked_size = DEFAULT_SIZE
        """The size the client asked for (0x0, or larger than a terminal can be, is changed)."""
        self._told_size = False
        self.child: PtyChild | None = None
        self.task: asyncio.Task | None = None
        self.end_reason: str | None = None
        self.end_message: str | None = None
        self.closed = False
        self.started_at = time.monotonic()
        self._early_input = bytearray()
        self._stop = asyncio.Event()
        self._keys = KeyBudget(now=time.monotonic())
        self.memory = 0
        """The child's data memory when last looked at, in bytes."""
        self.token = presence.new_token()
        """The name of its files in the server's online/ folder (presence.py)."""
        self.cpu = CpuWatch()
        """Whether the child keeps a core busy, and so yields to the others."""

    @property
    def who(self) -> str:
        return f"{printable(self.owner.user)} from {self.owner.address}"

    # -- what the client asks for --------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel) -> None:
        self.chan = chan

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int],
                      term_modes: object) -> bool:
        self.term = term_type
        self._set_size(term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        log.info("%s: refused a command (%s) for %s: only the app is offered",
                 self.owner.address, printable(command), printable(self.owner.user))
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("%s: refused the %s subsystem for %s", self.owner.address,
                 printable(subsystem), printable(self.owner.user))
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def eof_received(self) -> bool:
        return True  # keep the session: the idle timeout ends one whose client went quiet

    def session_started(self) -> None:
        assert self.chan is not None
        full = len(self.hub.sessions) >= self.hub.config.max_sessions
        if self.term is None:
            log.info("%s: refused a session without a terminal", self.who)
            self._refuse(NEEDS_TERMINAL, stderr=True)
        elif self.hub.stopping:
            self._refuse("gdtui serve is stopping: try again later\r\n")
        elif full:
            maximum = self.hub.config.max_sessions
            log.info("%s: refused: the server is full (%d sessions)", self.who, maximum)
            self._refuse(f"the server is full ({maximum} sessions): try again later\r\n")
        else:
            self.hub.sessions.add(self)
            self.task = asyncio.create_task(self._run())

    def _refuse(self, message: str, stderr: bool = False) -> None:
        assert self.chan is not None
        self._send(message.encode(), stderr)
        self.chan.exit(1)
        self._closing = asyncio.create_task(self._close_after_channel())

    def _send(self, data: bytes, stderr: bool = False) -> None:
        """Write to the client, unless it has gone."""
        if self.closed or self.chan is None:
            return
        try:
            if stderr:
                self.chan.write_stderr(data)
            else:
                self.chan.write(data)
        except BrokenPipeError:
            # The client closed the channel; asyncssh tells us (connection_lost) a moment later.
            self.closed = True
            self.stop("disconnected")

    async def _close_after_channel(self) -> None:
        """Close the connection once the channel has closed, so its last words arrive."""
        if self.chan is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.chan.wait_closed(), 2.0)
        self.owner.close()

    def data_received(self, data: bytes, datatype: int | None) -> None:
        self.owner.touch()
        told = self._keys.dropped > 0
        data = self._keys.take(data, time.monotonic())
        if self._keys.dropped and not told:  # once a session; the end line gives the total
            log.info("%s: keys are coming faster than %s a second (after %s at once): "
                     "the rest are dropped", self.who, describe_bytes(KEY_RATE),
                     describe_bytes(KEY_BURST))
        if self.child is not None:
            self.child.write(data)
        elif len(self._early_input) < EARLY_INPUT_LIMIT:
            self._early_input += data

    def terminal_size_changed(self, width: int, height: int, pixwidth: int,
                              pixheight: int) -> None:
        self.owner.touch()
        self._set_size(width, height)
        if self.child is not None:
            self.child.resize(*self.size)
            if self.size != self.asked_size and not self._told_size:
                self._told_size = True  # once: a client could ask again and again
                log.info("%s: window %s asked for, %s given", self.who,
                         _size(self.asked_size), _size(self.size))

    def _set_size(self, width: int, height: int) -> None:
        self.asked_size = (width, height)
        self.size = clamp_size(width or DEFAULT_SIZE[0], height or DEFAULT_SIZE[1])

    def pause_writing(self) -> None:
        if self.child is not None:
            self.child.pause_output()

    def resume_writing(self) -> None:
        if self.child is not None:
            self.child.resume_output()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.stop("disconnected")

    # -- PtyListener: what the child does ------------------------------------------------------

    def output(self, data: bytes) -> None:
        self._send(data)

    def output_ended(self) -> None:
        pass  # _run waits for the child itself; the end of its output needs no action

    def input_paused(self, paused: bool) -> None:
        if self.chan is not None and not self.closed:
            if paused:
                self.chan.pause_reading()
            else:
                self.chan.resume_reading()

    # -- life and end --------------------------------------------------------------------------

    def stop(self, reason: str, message: str | None = None) -> None:
        """End the session (the child first); ``message`` is shown to the learner if still there."""
        if self.end_reason is None:
            self.end_reason, self.end_message = reason, message
        self._stop.set()

    async def _run(self) -> None:
        code: int | None = None
        try:
            code = await self._run_child()
        except OSError as error:
            log.info("%s: could not start gdtui: %s", self.who, error.strerror or error)
            self.end_reason = self.end_reason or "gdtui could not start"
            self.end_message = "Sorry, gdtui could not start here; the server's log says why."
        except Exception as error:  # a bug here must not leak a child or a session's place
            log.info("%s: internal error: %s: %s", self.who, type(error).__name__, error)
            self.end_reason = self.end_reason or "internal error"
            if self.child is not None:
                code = await self.child.end(self.hub.config.grace)
        await self._finish(code)

    async def _run_child(self) -> int:
        """Start the learner's gdtui, run it until it exits or the session is stopped; its code."""
        config = self.hub.config
        folder = self.owner.folder
        assert folder is not None and self.chan is not None
        argv = child_command(folder, config.app_args, presence.area_path(config.root, self.token),
                             config.root if self.owner.teacher else None)
        env = child_environment(self.term, dict(self.chan.get_environment()), folder)
        self.child = await PtyChild.start(argv, env, folder, *self.size, listener=self,
                                          memory_ceiling=config.memory_ceiling)
        size = _size(self.size)
        if self.size != self.asked_size:
            size += f" (asked for {_size(self.asked_size)})"
        log.info("session for %s started: TERM=%s, %s, pid %d%s", self.who, env["TERM"], size,
                 self.child.pid, ", with the class screen (--teacher)" if self.owner.teacher
                 else "")
        try:
            presence.announce(config.root, self.token, folder, self.child.pid)
        except OSError as error:
            log.info("%s: the teacher's view will not show this session: %s", self.who,
                     error.strerror or error)
        self.child.write(bytes(self._early_input))
        self._early_input.clear()
        exited = asyncio.ensure_future(self.child.wait())
        stopped = asyncio.ensure_future(self._stop.wait())
        watcher = asyncio.ensure_future(self._watch(self.child.pid))
        await asyncio.wait({exited, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        watcher.cancel()
        if not exited.done():
            await self.child.end(config.grace)
        code = await exited
        if code != 0 and self.end_reason is None:
            self._check_memory(config.memory_ceiling)
        with contextlib.suppress(TimeoutError):  # pass on its last words (the terminal reset)
            await asyncio.wait_for(self.child.wait_output(), 1.0)
        self.child.close()
        return code

    def _check_memory(self, ceiling: int) -> None:
        """The child failed: if it was near its memory ceiling, that is why."""
        if self.memory >= NEAR_CEILING * ceiling:
            words = describe_bytes(ceiling)
            self.end_reason = f"out of memory: gdtui reached its ceiling of {words} (--max-memory)"
            self.end_message = (f"Your gdtui ran out of memory (each may use {words} here) "
                                "and stopped. Your progress is saved: connect again to go on.")

    async def _watch(self, pid: int) -> None:
        """Note the child's memory now and then (if it fails, was it near its ceiling?), and
        have it yield the CPU to the others while it keeps a core busy."""
        while True:
            self.memory = data_memory(pid) or self.memory
            threads = runnable_seconds(pid)
            change = None if threads is None else self.cpu.sample(time.monotonic(), threads)
            if change is not None and set_yielding(pid, change):
                self.cpu.yielding = change
                log.info("%s: %s", self.who, "busy (wants a whole core): it yields to the others"
                         if change else "no longer busy: its priority is back")
            await asyncio.sleep(MEMORY_CHECK_SECONDS)

    async def _finish(self, code: int | None) -> None:
        self.hub.sessions.discard(self)
        presence.withdraw(self.hub.config.root, self.token)
        if self.end_reason is not None:
            reason = self.end_reason
        elif code is not None and code < 0:
            reason = f"gdtui was ended by {signal.Signals(-code).name}"
        else:
            reason = f"quit (exit {code})"
        took = describe_duration(time.monotonic() - self.started_at, precise=True)
        dropped = describe_bytes(self._keys.dropped) if self._keys.dropped else ""
        log.info("session for %s ended: %s, after %s%s", self.who, reason, took,
                 f"; {dropped} of keys dropped" if dropped else "")
        if self.end_message:
            self._send(RESET_TERMINAL + self.end_message.encode() + b"\r\n")
        if dropped:
            self._send(f"{dropped} of keys were dropped: they came faster than anyone "
                       "types.\r\n".encode())
        if not self.closed and self.chan is not None:
            status = 1 if code is None else code if code >= 0 else 128 - code
            self.chan.exit(status)
        await self._close_after_channel()
