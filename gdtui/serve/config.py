"""What ``gdtui serve`` was asked to do: read by the server, its connections and sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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

    @property
    def max_connections(self) -> int:
        """Open connections allowed at once, logged in or not: room for logins beyond the cap."""
        return self.max_sessions * 2 + 8
