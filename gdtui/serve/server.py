"""The SSH server behind ``gdtui serve``: one gdtui, in its own terminal, per connection.

A connection logs in (a key from the authorized keys file, or anyone with --open), asks for an
interactive session with a terminal, and gets ``python -m gdtui --data-dir <their folder>`` in a
pseudo-terminal of its own. Nothing else is offered: no command, no SFTP, no forwarding. One
session per connection; the connection closes when the session ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time

import asyncssh

from gdtui.numbers import describe_duration
from gdtui.serve import presence, users
from gdtui.serve.config import ServeConfig
from gdtui.serve.connection import Connection
from gdtui.serve.session import LearnerSession
from gdtui.serve.startups import Startups

log = logging.getLogger("gdtui.serve")

KEEPALIVE_SECONDS = 30  # a client that stops answering for 3 of these is dropped
MIN_IDLE_CHECK, MAX_IDLE_CHECK = 0.2, 5.0
# How often the stalest of too many connections waiting to log in are dropped, and how long a
# newcomer waits before it is judged: a real client says which protocol it speaks at once.
PRUNE_SECONDS = 0.25
BUSY_REPORT_SECONDS = 10.0  # while busy, what was refused is summed up this often


def _keep_asyncssh_record(record: logging.LogRecord) -> bool:
    # Of asyncssh's own lines keep only problems and the agent and X11 forwarding it refused.
    return record.levelno >= logging.WARNING or "forwarding request denied" in record.getMessage()


def setup_logging() -> None:
    """One plain, timestamped line per event on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    for name in ("gdtui.serve", "asyncssh"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
    logging.getLogger("asyncssh").addFilter(_keep_asyncssh_record)


class Hub:
    """One running server: its settings, the allowed keys, the open connections and sessions."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.connections: set[Connection] = set()
        self.sessions: set[LearnerSession] = set()
        self.startups: Startups[Connection] = Startups(config.startup_limits)
        self._busy = False  # between the "busy" line and the "calm again" one
        self.stopping = False
        self._keys: users.AuthorizedKeys | None = None
        self._keys_stamp: tuple | None = None
        self._keys_read = False

    def load_keys(self, announce: bool = True) -> None:
        """(Re)read the authorized keys file when it changed, so keys can be added live.

        At start a file with no usable key stops the server (ServeSetupError); later it only
        means nobody can log in until the file is fixed.
        """
        path = self.config.authorized_keys
        try:
            info = path.stat()
            stamp: tuple | None = (info.st_mtime_ns, info.st_size, info.st_ino)
        except OSError:
            stamp = None
        if self._keys_read and stamp == self._keys_stamp:
            return
        first = not self._keys_read
        self._keys_read, self._keys_stamp = True, stamp
        try:
            self._keys = users.read_authorized_keys(path)
        except users.ServeSetupError as error:
            if first:
                raise
            self._keys = None
            log.info("nobody can log in until the keys file is fixed: %s", error)
            return
        self.check_teachers(first)
        if announce:
            self.announce_keys()

    def check_teachers(self, first: bool) -> None:
        """Each --teacher needs a key named theirs: at start, a clear error; later, a log line."""
        assert self._keys is not None
        lacking = [name for name in self.config.teachers if name not in self._keys.named]
        if not lacking:
            return
        path = self.config.authorized_keys
        names = ", ".join(users.printable(name) for name in lacking)
        example = lacking[0]
        message = (f"--teacher {names}: no key in {path} is named theirs: end the teacher's key "
                   f"line with their name (ssh-ed25519 AAAA… {example} or "
                   f"…{example}@laptop), then log in as {example}")
        if first:
            raise users.ServeSetupError(message, exit_code=2)
        log.info("%s; until then they log in as learners", message)

    def is_teacher(self, user: str, key: asyncssh.SSHKey) -> bool:
        """``user`` is a --teacher and ``key`` is named theirs in the authorized keys file."""
        return (user in self.config.teachers and self._keys is not None
                and key.public_data in self._keys.named.get(user, frozenset()))

    def announce_keys(self) -> None:
        """Log where the keys come from, how many there are, and the lines that are not keys."""
        if self._keys is None:
            return
        path, count = self.config.authorized_keys, self._keys.count
        log.info("auth: public keys from %s (%d key%s)", path, count, "" if count == 1 else "s")
        if self._keys.bad_lines:
            log.info("%s: line %s is not a public key and was skipped",
                     path, ", ".join(str(n) for n in self._keys.bad_lines))

    def key_refusal(self, key: asyncssh.SSHKey, address: str) -> str | None:
        """Why the key may not log in from ``address``, or None if it may."""
        name = self.config.authorized_keys.name
        if self._keys is None:
            return f"{name} has no usable key"
        if self._keys.allowed.validate(key, address, address) is not None:
            return None
        if key.public_data in self._keys.listed:
            return f"its from= option in {name} does not allow {address}"
        return f"not in {name}"

    def startups_changed(self, was_busy: bool) -> None:
        """A newcomer came: say so when that makes the server busy (once, not per connection)."""
        if self.startups.busy and not was_busy and not self._busy:
            self._busy = True
            limits = self.startups.limits
            log.info("busy: %d connections are waiting to log in; newcomers are now refused "
                     "%d%% of the time, and past %d (%d from one address) the stalest give way "
                     "(--max-startups %s, --per-source-max-startups %d)",
                     len(self.startups.waiting), limits.rate, limits.full, limits.per_source,
                     limits, limits.per_source)

    async def watch_startups(self) -> None:
        """Make the stalest of too many connections waiting to log in give way; while any are
        refused or dropped, sum them up in the log now and then (not one line each)."""
        shown = (0, 0)
        every = describe_duration(BUSY_REPORT_SECONDS, precise=True)
        last_report = time.monotonic()
        while True:
            await asyncio.sleep(PRUNE_SECONDS)
            for connection in self.startups.prune(time.monotonic(), settle=PRUNE_SECONDS):
                connection.give_way()
            if time.monotonic() - last_report < BUSY_REPORT_SECONDS:
                continue
            last_report = time.monotonic()
            counts = (self.startups.refused, self.startups.gave_way)
            if counts == shown:
                if self._busy and not self.startups.busy:
                    self._busy = False
                    log.info("calm again: nobody refused or dropped in the last %s", every)
                continue
            refused, gave_way = counts[0] - shown[0], counts[1] - shown[1]
            shown = counts
            log.info("busy: in the last %s, %d connection%s refused and %d gave way to others; "
                     "%d waiting to log in now", every, refused,
                     " was" if refused == 1 else "s were", gave_way, len(self.startups.waiting))

    async def watch_idle(self) -> None:
        """End connections that sent nothing for the idle timeout."""
        timeout = self.config.idle_timeout
        if not timeout:
            return
        every = min(max(timeout / 4, MIN_IDLE_CHECK), MAX_IDLE_CHECK)
        while True:
            await asyncio.sleep(every)
            now = time.monotonic()
            for connection in list(self.connections):
                if now - connection.last_input >= timeout:
                    connection.idle_out()

    async def stop(self) -> None:
        """End every session (children ended and reaped) and close every connection."""
        self.stopping = True
        sessions = list(self.sessions)
        for session in sessions:
            session.stop("server stopping",
                         "gdtui serve is stopping. Your progress is saved: come back later.")
        tasks = [session.task for session in sessions if session.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=self.config.grace * 3 + 2)
        for connection in list(self.connections):
            connection.close()


def _log_internal_error(_loop: asyncio.AbstractEventLoop, context: dict) -> None:
    # A bug in one session must not print a traceback over the log, nor stop the others.
    error = context.get("exception")
    if isinstance(error, (BrokenPipeError, ConnectionResetError)):
        # not a bug: a client went away while something was being written to it
        log.info("a client went away while being written to (%s)", error)
        return
    log.info("internal error: %s", f"{type(error).__name__}: {error}" if error
             else context.get("message"))


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def serve(config: ServeConfig) -> int:
    """Run the server until SIGINT, SIGTERM or SIGHUP; ServeSetupError if it cannot start."""
    config.root = users.prepare_root(config.root)
    host_key = users.load_host_key(config.root)
    presence.clear_stale(config.root)
    hub = Hub(config)
    if not config.open_to_all:
        hub.load_keys(announce=False)
    try:
        acceptor = await asyncssh.listen(
            config.host, config.port, server_factory=lambda: Connection(hub),
            server_host_keys=[host_key], allow_pty=True, line_editor=False, encoding=None,
            agent_forwarding=False, x11_forwarding=False, allow_scp=False,
            password_auth=False, kbdint_auth=False, gss_host=None, rdns_lookup=False,
            login_timeout=config.login_grace, keepalive_interval=KEEPALIVE_SECONDS,
        )
    except OSError as error:
        # asyncio words a bind error at length; a lookup error (negative errno) words it well.
        good_errno = isinstance(error.errno, int) and error.errno > 0
        reason = os.strerror(error.errno) if good_errno else error.strerror or str(error)
        raise users.ServeSetupError(
            f"cannot listen on {_address(config.host, config.port)}: {reason}") from None
    addresses = ", ".join(_address(*address[:2]) for address in acceptor.get_addresses())
    log.info("gdtui serve starting: data in %s, host key %s", config.root,
             users.fingerprint(host_key))
    if config.open_to_all:
        log.info("auth: OPEN (--open): anyone may connect as a guest, with any name and no key")
    else:
        hub.announce_keys()
    if config.teachers:
        log.info("teachers (the class screen): %s",
                 ", ".join(users.printable(name) for name in config.teachers))
    idle = (describe_duration(config.idle_timeout, precise=True) if config.idle_timeout
            else "never")
    log.info("listening on %s (at most %d sessions, idle timeout %s, login grace time %s)",
             addresses, config.max_sessions, idle,
             describe_duration(config.login_grace, precise=True))
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_log_internal_error)
    stop = asyncio.Event()
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(number, stop.set)
    watchers = [asyncio.create_task(hub.watch_idle()), asyncio.create_task(hub.watch_startups())]
    try:
        await stop.wait()
    finally:
        log.info("stopping: ending %d session%s", len(hub.sessions),
                 "" if len(hub.sessions) == 1 else "s")
        acceptor.close()
        for watcher in watchers:
            watcher.cancel()
        await hub.stop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(acceptor.wait_closed(), 2)
        log.info("stopped")
    return 0


def run(config: ServeConfig) -> int:
    """Set up logging and run the server; a setup problem is one line and exit 1 or 2."""
    setup_logging()
    try:
        return asyncio.run(serve(config))
    except users.ServeSetupError as error:
        print(f"gdtui serve: {error}", file=sys.stderr)
        return error.exit_code

