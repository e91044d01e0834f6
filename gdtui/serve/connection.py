"""One SSH connection to ``gdtui serve``: who it is, what it may ask for, and when it goes.

Authentication is by public key from the authorized keys file, and a user name belongs to the
first key that logs in under it (its fingerprint is kept in the learner's folder), so nobody
can open someone else's progress by typing their name. With --open there is no authentication
and everyone is a guest. Only a session is offered; forwarding of any kind is refused and logged.

Until it has logged in, a connection waits in the server's table of startups (startups.py), which
may refuse it, or make it give way when too many wait; once logged in, nothing but its own
learner ends it. It has the login grace time to log in and to open its session.
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Protocol

import asyncssh

from gdtui.numbers import describe_duration
from gdtui.serve import users
from gdtui.serve.session import Host as SessionHost
from gdtui.serve.session import LearnerSession
from gdtui.serve.startups import LOGGING_IN, SILENT, SPEAKING, Startups, source_of

log = logging.getLogger("gdtui.serve")


class Host(SessionHost, Protocol):
    """What a connection needs of the server (server.Hub, which imports this module): the
    open connections and the authorized keys, besides what its session needs."""

    connections: set[Connection]
    startups: Startups[Connection]

    def load_keys(self) -> None: ...

    def startups_changed(self, was_busy: bool) -> None: ...

    def key_refusal(self, key: asyncssh.SSHKey, address: str) -> str | None: ...

    def is_teacher(self, user: str, key: asyncssh.SSHKey) -> bool: ...


class Connection(asyncssh.SSHServer):
    """One SSH connection: who it is, and its session (at most one)."""

    def __init__(self, hub: Host):
        self.hub = hub
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.peer_host = ""
        self.source = ""
        """The address it counts under among connections waiting to log in."""
        self.arrived = time.monotonic()
        self.user = ""
        self.folder: Path | None = None
        self.teacher = False
        """Logged in as a --teacher, with a key named theirs: their gdtui gets the class screen."""
        self._teacher_key = False
        self.session: LearnerSession | None = None
        self.last_input = time.monotonic()
        self._key: tuple[str, str] | None = None  # (user, fingerprint) of the last good key
        self._idled = False
        self._announced = False  # its "connection from" line was logged (not while busy)
        self._auth_began = False
        self._gave_way = False
        self._session_timer: asyncio.TimerHandle | None = None

    # -- connection ----------------------------------------------------------------------------

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.peer_host, port = str(peer[0]), peer[1]
        host = self.peer_host
        self.address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        self.source = source_of(host)
        hub = self.hub
        was_busy = hub.startups.busy
        admitted = hub.startups.admit(self)
        hub.startups_changed(was_busy)
        if not admitted:
            conn.abort()  # counted, not logged one by one: a flood would flood the log
            return
        hub.connections.add(self)
        if not was_busy:
            self._announced = True
            log.info("connection from %s", self.address)

    def progress(self) -> int:
        """How far it has come towards logging in (for the table of startups)."""
        if self._auth_began:
            return LOGGING_IN
        if self.conn is not None and self.conn.get_extra_info("client_version"):
            return SPEAKING
        return SILENT

    def give_way(self) -> None:
        """Too many are waiting to log in and this one has come least far: close it."""
        if self.conn is None:
            return
        self._gave_way = True
        if self.progress() == SILENT:
            self.conn.abort()  # it has not even said which protocol it speaks
        else:
            self.conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS,
                                 "too many connections are waiting to log in: try again")

    def connection_lost(self, exc: Exception | None) -> None:
        if self._session_timer is not None:
            self._session_timer.cancel()
        self.hub.startups.leave(self)
        if self not in self.hub.connections:
            return
        self.hub.connections.discard(self)
        if self.session is not None:
            self.session.stop("disconnected")
        if self._announced or self.folder is not None:
            log.info("connection from %s closed%s", self.address, self._why_closed(exc))

    def _why_closed(self, exc: Exception | None) -> str:
        if self._gave_way:
            return ": it gave way to a newer one, too many were waiting to log in"
        if self.folder is None and isinstance(exc, asyncssh.ConnectionLost) and (
                "Login timeout" in str(exc)):
            grace = describe_duration(self.hub.config.login_grace, precise=True)
            return f": it did not log in within {grace}"
        return f": {users.one_line(str(exc))}" if exc else ""  # a client's words: escaped

    def close(self) -> None:
        """Close the connection (the session, if any, sees a disconnect)."""
        if self.conn is not None:
            self.conn.close()

    def touch(self) -> None:
        """The client did something: the idle clock starts again."""
        self.last_input = time.monotonic()

    def idle_out(self) -> None:
        """Nothing came from the client for the idle timeout: say so and hang up."""
        if self._idled:
            return
        self._idled = True
        idle = describe_duration(self.hub.config.idle_timeout, precise=True)
        if self.session is not None and self.session.task is not None:
            self.session.stop(f"idle for {idle}",
                              f"No key pressed for {idle}, so the session ended. "
                              "Your progress is saved: connect again to go on.")
        else:
            log.info("connection from %s closed: idle for %s", self.address, idle)
            self.close()

    # -- authentication ------------------------------------------------------------------------

    def begin_auth(self, username: str) -> bool:
        self.user = username
        self._key = None
        self._auth_began = True
        if self.hub.config.open_to_all:
            return False  # no authentication at all: everyone is a guest
        self.hub.load_keys()
        return True

    def public_key_auth_supported(self) -> bool:
        return not self.hub.config.open_to_all

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        fingerprint = users.fingerprint(key)
        refusal = self.hub.key_refusal(key, self.peer_host)
        if refusal is not None:
            log.info("%s: key %s refused for %s: %s", self.address, fingerprint,
                     users.printable(username), refusal)
            return False
        folder = users.user_dir(self.hub.config.root, username, create=False)
        owner = users.bound_key(folder)
        if owner is not None and owner != fingerprint:
            log.info("%s: key %s refused for %s: that name belongs to another key (%s)",
                     self.address, fingerprint, users.printable(username), owner)
            return False
        self._key = (username, fingerprint)
        self._teacher_key = self.hub.is_teacher(username, key)
        return True

    def auth_completed(self) -> None:
        hub = self.hub
        hub.startups.leave(self)  # logged in: from now on nothing but the learner ends it
        guest = hub.config.open_to_all
        name = users.printable(self.user)
        logged_in = sum(1 for other in hub.connections if other.folder is not None)
        if logged_in >= hub.config.max_logged_in:
            log.info("%s: %s refused: %d connections are logged in already", self.address,
                     name, logged_in)
            self.close()
            return
        fingerprint = ""
        try:
            folder = users.user_dir(self.hub.config.root, self.user, guest=guest)
            if not guest:
                fingerprint = self._key[1] if self._key and self._key[0] == self.user else ""
                if not fingerprint or not users.bind_key(folder, fingerprint):
                    log.info("%s: %s refused: that name belongs to another key",
                             self.address, name)
                    self.close()
                    return
        except OSError as error:
            log.info("%s: %s refused: cannot make their folder: %s",
                     self.address, name, error.strerror)
            self.close()
            return
        self.folder = folder
        self.teacher = not guest and self._teacher_key
        self.touch()
        how = "as a guest (--open)" if guest else f"with key {fingerprint}"
        if self.teacher:
            how += ", a teacher"
        log.info("%s logged in as %s %s", self.address, name, how)
        grace = hub.config.login_grace
        self._session_timer = asyncio.get_running_loop().call_later(grace, self._no_session)

    def _no_session(self) -> None:
        # Logging in holds a place: one that never asks for its app gives it back.
        self._session_timer = None
        if self.session is None:
            grace = describe_duration(self.hub.config.login_grace, precise=True)
            log.info("%s: %s asked for no session within %s: closed", self.address,
                     users.printable(self.user), grace)
            self.close()

    # -- what the client may ask for -----------------------------------------------------------

    def session_requested(self) -> LearnerSession | bool:
        if self.folder is None:
            return False
        if self._session_timer is not None:
            self._session_timer.cancel()
            self._session_timer = None
        if self.session is not None and self.session.task is not None:
            log.info("%s: refused a second session for %s: one gdtui per connection",
                     self.address, users.printable(self.user))
            return False
        self.session = LearnerSession(self)
        return self.session

    def _refuse(self, what: str) -> bool:
        log.info("%s: refused %s for %s", self.address, what, users.printable(self.user))
        return False

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str,
                             orig_port: int) -> bool:
        return self._refuse(f"port forwarding to {users.one_line(dest_host)}:{dest_port}")

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        where = f"{users.one_line(listen_host)}:{listen_port}"
        return self._refuse(f"remote port forwarding from {where}")

    def unix_connection_requested(self, dest_path: str) -> bool:
        return self._refuse("socket forwarding")

    def unix_server_requested(self, listen_path: str) -> bool:
        return self._refuse("remote socket forwarding")

    def tun_requested(self, unit: int | None) -> bool:
        return self._refuse("a tunnel")

    def tap_requested(self, unit: int | None) -> bool:
        return self._refuse("a tunnel")
