"""A child process in a pseudo-terminal of its own, driven from asyncio.

    child = await PtyChild.start(argv, env, cwd, columns=80, rows=24, listener=...)
    child.write(b"q")                 # keys, as if typed
    child.resize(100, 30)             # the child gets SIGWINCH and lays itself out again
    code = await child.wait()         # its exit code (negative: ended by that signal)
    await child.end(grace=2.0)        # SIGHUP, then SIGTERM, then SIGKILL; always reaped

The child is the leader of a new session with the terminal as its controlling terminal, so a
size change on the terminal reaches it as SIGWINCH and a hangup reaches it as SIGHUP, as with
sshd. Plain asyncio, os and termios: no Textual here.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import functools
import os
import signal
import struct
import termios
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from gdtui.serve.limits import limit_memory

READ_SIZE = 65536
# Keys waiting for the child beyond this: the caller is asked to stop reading its client.
INPUT_HIGH_WATER = 256 * 1024
MAX_SIDE = 1000  # a larger window side is a mistake, or a way to eat the server's memory


class PtyListener(Protocol):
    """Where a PtyChild sends what happens."""

    def output(self, data: bytes) -> None:
        """The child wrote ``data`` to its terminal."""

    def output_ended(self) -> None:
        """The terminal closed: the child (and anything it started) has let go of it."""

    def input_paused(self, paused: bool) -> None:
        """Stop (True) or go on (False) reading keys from the client: the child is behind."""


# Signals a terminal sends. A server started with nohup, or in the background, ignores some of
# them, and an ignored signal stays ignored across exec: the child would not end on a hangup.
TERMINAL_SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT)


def _take_controlling_terminal() -> None:
    # Runs in the child between fork and exec, after setsid(): stdin is the terminal.
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    for number in TERMINAL_SIGNALS:
        signal.signal(number, signal.SIG_DFL)


def _set_up_child(memory_ceiling: int | None) -> None:
    # Between fork and exec: the terminal, then the memory ceiling.
    _take_controlling_terminal()
    if memory_ceiling is not None:
        limit_memory(memory_ceiling)


def clamp_size(columns: int, rows: int) -> tuple[int, int]:
    """The size the terminal really gets: each side clamped to 1..MAX_SIDE."""
    return min(max(int(columns), 1), MAX_SIDE), min(max(int(rows), 1), MAX_SIDE)


def _window_size(columns: int, rows: int) -> bytes:
    """The ``struct winsize`` for TIOCSWINSZ, sides clamped to 1..MAX_SIDE."""
    columns, rows = clamp_size(columns, rows)
    return struct.pack("HHHH", rows, columns, 0, 0)


class PtyChild:
    """A process running in its own pseudo-terminal. Make one with :meth:`PtyChild.start`."""

    def __init__(self, process: asyncio.subprocess.Process, master: int, listener: PtyListener):
        self.process = process
        self.pid = process.pid
        self._master = master
        self._listener = listener
        self._loop = asyncio.get_running_loop()
        self._pending_input = bytearray()
        self._reading = False
        self._writing = False
        self._input_paused = False
        self._output_closed = False
        self._output_done = asyncio.Event()

    @classmethod
    async def start(cls, argv: Sequence[str], env: Mapping[str, str], cwd: Path,
                    columns: int, rows: int, listener: PtyListener,
                    memory_ceiling: int | None = None) -> PtyChild:
        """Start ``argv`` in a new terminal of ``columns`` x ``rows``, with at most
        ``memory_ceiling`` bytes of data memory if given; OSError if it cannot."""
        master, slave = os.openpty()  # both close-on-exec; the child gets the slave as 0, 1, 2
        try:
            fcntl.ioctl(master, termios.TIOCSWINSZ, _window_size(columns, rows))
            os.set_blocking(master, False)
            process = await asyncio.create_subprocess_exec(
                *argv, stdin=slave, stdout=slave, stderr=slave, env=dict(env), cwd=cwd,
                start_new_session=True, preexec_fn=functools.partial(_set_up_child, memory_ceiling),
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            # Only the child holds the slave now, so the master reads EOF when it is gone.
            os.close(slave)
        child = cls(process, master, listener)
        child.resume_output()
        return child

    # -- output: terminal -> listener ----------------------------------------------------------

    def pause_output(self) -> None:
        """Stop reading the terminal (the client is slow); the child waits when it is full."""
        if self._reading:
            self._loop.remove_reader(self._master)
            self._reading = False

    def resume_output(self) -> None:
        """Read the terminal again."""
        if not self._reading and not self._output_closed:
            self._loop.add_reader(self._master, self._on_readable)
            self._reading = True

    def _on_readable(self) -> None:
        try:
            data = os.read(self._master, READ_SIZE)
        except BlockingIOError:
            return
        except OSError as error:
            if error.errno != errno.EIO:  # EIO is how Linux says "no one holds the slave"
                raise
            data = b""
        if data:
            self._listener.output(data)
        else:
            self._close_output()

    def _close_output(self) -> None:
        if self._output_closed:
            return
        self.pause_output()
        self._output_closed = True
        self._output_done.set()
        self._listener.output_ended()

    # -- input: keys -> terminal ---------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Send keys to the child; they wait in a buffer while the terminal is full."""
        if self._output_closed or not data:
            return
        self._pending_input += data
        self._flush_input()

    def _flush_input(self) -> None:
        while self._pending_input:
            try:
                written = os.write(self._master, self._pending_input)
            except BlockingIOError:
                break
            except OSError:  # the child is gone: its keys do not matter any more
                self._pending_input.clear()
                break
            del self._pending_input[:written]
        if self._pending_input and not self._writing:
            self._loop.add_writer(self._master, self._flush_input)
            self._writing = True
        elif not self._pending_input and self._writing:
            self._loop.remove_writer(self._master)
            self._writing = False
        paused = len(self._pending_input) > INPUT_HIGH_WATER
        if paused != self._input_paused:
            self._input_paused = paused
            self._listener.input_paused(paused)

    # -- size, signals, end --------------------------------------------------------------------

    def resize(self, columns: int, rows: int) -> None:
        """Set the terminal's size; the kernel sends the child SIGWINCH."""
        if self._master >= 0:
            with contextlib.suppress(OSError):
                fcntl.ioctl(self._master, termios.TIOCSWINSZ, _window_size(columns, rows))

    @property
    def returncode(self) -> int | None:
        """The exit code once the child has been reaped (negative: the signal that ended it)."""
        return self.process.returncode

    async def wait(self) -> int:
        """Wait for the child to exit and be reaped; its exit code."""
        return await self.process.wait()

    async def wait_output(self) -> None:
        """Wait until everything the child wrote has been passed to the listener."""
        await self._output_done.wait()

    def signal(self, number: int) -> None:
        """Send a signal to the child's whole process group (it leads one of its own)."""
        if self.process.returncode is None:  # once reaped, the pid may belong to someone else
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, number)

    async def end(self, grace: float = 2.0) -> int:
        """End the child: SIGHUP (a hangup, as when a terminal closes), then SIGTERM, then SIGKILL,
        ``grace`` seconds apart; reap it and close the terminal. Its exit code."""
        for number in (signal.SIGHUP, signal.SIGTERM, signal.SIGKILL):
            self.signal(number)
            try:
                await asyncio.wait_for(asyncio.shield(self.process.wait()), grace)
                break
            except TimeoutError:
                continue
        code = await self.process.wait()
        self.close()
        return code

    def close(self) -> None:
        """Close our side of the terminal (once the child is gone, or to hang up on it)."""
        if self._master < 0:
            return
        self.pause_output()
        if self._writing:
            self._loop.remove_writer(self._master)
            self._writing = False
        os.close(self._master)
        self._master = -1
        self._output_closed = True
        self._output_done.set()
