"""What ``gdtui serve`` was asked to do: read by the server, its connections and sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gdtui.serve.startups import StartupLimits


@dataclass
class ServeConfig:
    """What ``gdtui serve`` was asked to do."""

    host: str
    port: int
    root: Path
    authorized_keys: Path
    open_to_all: bool = False
    max_sessions: int = 20
    idle_timeout: float = 1800.0
    """Seconds without a key from the client before its session ends; 0 means never."""
    app_args: list[str] = field(default_factory=list)
    """Options passed on to each learner's gdtui (--fps, --no-mouse, --lessons)."""
    grace: float = 2.0
    """Seconds a child gets after SIGHUP (and again after SIGTERM) before the next signal."""
    startup_limits: StartupLimits = field(default_factory=StartupLimits)
    """How many connections may wait to log in (--max-startups, --per-source-max-startups)."""
    login_grace: float = 20.0
    """Seconds a connection has to log in and open its session (--login-grace-time)."""
    memory_ceiling: int = 512 * 1024 * 1024
    """Bytes of data memory each learner's gdtui may use (--max-memory, in MiB)."""
    teachers: tuple[str, ...] = ()
    """Names whose gdtui gets the class screen, when they log in with a key whose line in the
    authorized keys file ends with that name (--teacher)."""

    @property
    def max_logged_in(self) -> int:
        """Logged-in connections allowed at once: the sessions, and room for the next ones."""
        return self.max_sessions * 2 + 8
