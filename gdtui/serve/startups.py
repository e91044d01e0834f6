"""Connections waiting to log in, and which of them give way when there are too many.

This is OpenSSH's ``MaxStartups start:rate:full`` and ``PerSourceMaxStartups``, changed so that
a crowd of connections that never log in cannot lock the class out:

- Up to ``start`` connections may wait to log in. From there on, each newcomer is refused at
  random, ``rate`` percent of the time (random early drop): a flood pays for every attempt.
- At most ``per_source`` of them may wait from one address (an IPv6 /64 counts as one), and at
  most ``full`` in all. Where OpenSSH then refuses everyone until a place frees up, here the
  *stalest* give way: those that have shown least of SSH (sent nothing; then, sent their
  version but not started to log in), and of those the oldest.
- Newcomers are let in first and judged only once they have waited ``settle`` seconds (``prune``
  runs a few times a second), so a real client has sent its version by then and is never taken
  for a silent one: it gets in even from the address a flood comes from. Meanwhile at most twice
  ``full`` may wait.
- A connection that has logged in is no longer waiting: nothing here ever drops it.

Plain Python, no asyncssh: the server tells this table who arrives, progresses and leaves.
"""

from __future__ import annotations

import ipaddress
import random
import re
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

SILENT, SPEAKING, LOGGING_IN = 0, 1, 2
"""How far a waiting connection has come: nothing received, its SSH version received, and
authentication begun."""

_LIMITS = re.compile(r"(\d+)(?::(\d+):(\d+))?")


@dataclass(frozen=True)
class StartupLimits:
    """How many connections may wait to log in: ``--max-startups start:rate:full`` and
    ``--per-source-max-startups``."""

    start: int = 20
    rate: int = 30
    """Percent of newcomers refused at random once ``start`` are waiting."""
    full: int = 100
    per_source: int = 20

    def __str__(self) -> str:
        return f"{self.start}:{self.rate}:{self.full}"

    @classmethod
    def parse(cls, text: str, per_source: int) -> StartupLimits:
        """Read ``start:rate:full`` (or one number N, meaning N:0:N); ValueError if unusable."""
        found = _LIMITS.fullmatch(text.strip())
        if found is None:
            raise ValueError("--max-startups must be START:RATE:FULL, for example 20:30:100")
        start = int(found.group(1))
        rate, full = (int(found.group(2)), int(found.group(3))) if found.group(2) else (0, start)
        if not 1 <= start <= full <= 10000 or rate > 100:
            raise ValueError("--max-startups START:RATE:FULL needs 1 <= START <= FULL <= 10000 "
                             "and RATE (percent) at most 100")
        return cls(start, rate, full, per_source)


def source_of(host: str) -> str:
    """The address a connection is counted under: the IPv4 address, or the IPv6 /64 network
    (one machine usually holds a whole /64)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class Waiting(Protocol):
    """A connection that has not logged in yet."""

    source: str
    arrived: float

    def progress(self) -> int:
        """SILENT, SPEAKING or LOGGING_IN."""


W = TypeVar("W", bound=Waiting)


class Startups(Generic[W]):
    """The connections waiting to log in, in order of arrival."""

    def __init__(self, limits: StartupLimits, chance: random.Random | None = None):
        self.limits = limits
        self.waiting: list[W] = []
        self.refused = 0
        """Newcomers refused (at random, or because twice FULL were waiting), since the start."""
        self.gave_way = 0
        """Waiting connections dropped by ``prune``, since the start."""
        self._chance = chance or random.Random()

    @property
    def busy(self) -> bool:
        """Whether enough are waiting that newcomers may be refused."""
        return len(self.waiting) >= self.limits.start

    def admit(self, newcomer: W) -> bool:
        """Let ``newcomer`` wait to log in (True), or refuse it (False)."""
        crowded = len(self.waiting) >= 2 * self.limits.full
        if crowded or (self.busy and self._chance.random() * 100 < self.limits.rate):
            self.refused += 1
            return False
        self.waiting.append(newcomer)
        return True

    def prune(self, now: float, settle: float) -> list[W]:
        """Take the stalest out until no address has more than ``per_source`` waiting and no
        more than ``full`` wait in all; the ones taken out, to be closed. Only those that have
        waited ``settle`` seconds are judged: a newer one has not had the time to show itself."""
        limits = self.limits
        by_source: dict[str, list[W]] = {}
        for item in self.waiting:
            by_source.setdefault(item.source, []).append(item)
        victims = []
        for items in by_source.values():
            victims += _stalest(items, len(items) - limits.per_source, now - settle)
        left = [item for item in self.waiting if item not in victims]
        victims += _stalest(left, len(left) - limits.full, now - settle)
        self.waiting = [item for item in left if item not in victims]
        self.gave_way += len(victims)
        return victims

    def leave(self, item: W) -> None:
        """``item`` logged in or went away: it no longer waits."""
        if item in self.waiting:
            self.waiting.remove(item)


def _stalest(items: list[W], count: int, arrived_by: float) -> list[W]:
    """Up to ``count`` of those that arrived by ``arrived_by``: those that have come least far,
    the oldest first among equals."""
    if count <= 0:
        return []
    judged = [item for item in items if item.arrived <= arrived_by]
    return sorted(judged, key=lambda item: (item.progress(), item.arrived))[:count]
