"""What one learner may cost the server: keys per second, and memory.

A learner's gdtui reads its terminal eagerly and queues every key as an event, so a client that
sends keys faster than the app handles them grows it without bound (1 MiB of keys took one to
1.3 GB). Two limits keep one learner from hurting the others:

- ``KeyBudget``: keys pass at a sustained rate with room for a burst (a token bucket); what comes
  faster is dropped. A person typing, or a mouse moving, stays far below it.
- A memory ceiling (``limit_memory``, run in the child before it starts): past it the learner's
  own gdtui fails, and nothing else. ``data_memory`` reads how close a child is, so the server
  can say that this is why a session ended.
"""

from __future__ import annotations

import resource

KEY_RATE = 4096
"""Bytes of keys a second a session may send, sustained: a fast typist sends under 100, a moving
mouse about 1,000 (one 10-15 byte report per cell crossed)."""
KEY_BURST = 16384
"""Bytes a session may send at once on top of that (a paste, a quick swipe of the mouse)."""
_ESCAPE_LENGTH = 16  # longer than any key's or mouse report's escape sequence
PASTE_START, PASTE_END = b"\x1b[200~", b"\x1b[201~"  # around a paste (bracketed paste mode)


class KeyBudget:
    """Keys at ``rate`` bytes a second, with a burst of ``burst``; the rest is dropped."""

    def __init__(self, rate: float = KEY_RATE, burst: int = KEY_BURST, now: float = 0.0):
        self.rate, self.burst = rate, burst
        self.dropped = 0
        """Bytes dropped so far."""
        self._tokens = float(burst)
        self._last = now
        self._in_paste = False  # what passed opened a paste that it has not closed

    def take(self, data: bytes, now: float) -> bytes:
        """The part of ``data`` that may pass now: all of it, or a prefix that splits no
        character and no escape sequence (a key is whole or gone), or nothing. A paste cut
        short is closed, or the app would take every later key for more of the paste."""
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if len(data) <= self._tokens:
            self._tokens -= len(data)
            self._follow_paste(data)
            return data
        cut = _whole_keys(data, int(self._tokens))
        self._tokens -= cut
        self.dropped += len(data) - cut
        passed = data[:cut]
        self._follow_paste(passed)
        if self._in_paste:
            self._in_paste = False
            passed += PASTE_END
        return passed

    def _follow_paste(self, passed: bytes) -> None:
        start, end = passed.rfind(PASTE_START), passed.rfind(PASTE_END)
        if start > end:
            self._in_paste = True
        elif end > start:
            self._in_paste = False


def _whole_keys(data: bytes, cut: int) -> int:
    """``cut`` moved back so that ``data[:cut]`` ends before an escape sequence that may be cut
    short, and between two UTF-8 characters."""
    escape = data.rfind(b"\x1b", max(0, cut - _ESCAPE_LENGTH), cut)
    if escape >= 0:
        cut = escape
    while cut > 0 and 0x80 <= data[cut] < 0xC0:  # a continuation byte: inside a character
        cut -= 1
    return cut


def limit_memory(ceiling: int) -> None:
    """In the child, before exec: at most ``ceiling`` bytes of data (heap and anonymous memory,
    what Python's objects and NumPy's arrays live in). Past it allocations fail."""
    resource.setrlimit(resource.RLIMIT_DATA, (ceiling, ceiling))


def data_memory(pid: int) -> int | None:
    """The data memory of process ``pid`` in bytes, as the ceiling counts it (VmData), or None
    once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def describe_bytes(count: float) -> str:
    """A size in words a person reads at a glance: 512 bytes, 16 KiB, 1.3 MiB, 2 GiB."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= size:
            value = count / size
            return f"{value:.1f} {unit}".replace(".0 ", " ") if value < 10 else (
                f"{value:.0f} {unit}")
    return f"{count:.0f} bytes"
