"""A bound on the keys the app holds: past it, keys are ignored and the learner is told once.

Textual's driver reads the terminal eagerly in a thread and hands every key over at once
(`Driver.send_message` schedules `App._post_message` on the event loop, which calls
`App.post_message`, which queues the key). Nothing there waits for the app to keep up: a
200 KB paste without bracketed paste, or a megabyte of keys over SSH, became hundreds of
thousands of events held at once (640 MB and 80 s before `q` acted; 1.31 GB over SSH).

No one types that fast, so the app refuses keys at two places, each past `KEYS_LIMIT`:
- `KeyFloodGuard.post_message` (event loop): a new key while that many messages already wait
  on the path a key takes (the app's queue, then those of the focused widget and each node above
  it, through which a key bubbles);
- `KeyBoundDriver.send_message` (the driver's input thread): a key while that many keys it sent
  have not reached the app yet, or while the app refuses keys; dropped there, a key costs the
  event loop nothing, so a flood is over about as soon as the terminal has been read.
Ctrl+Q and Ctrl+C always get through, so quitting works in the middle of a flood.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING

from textual import events
from textual.app import ScreenStackError
from textual.driver import Driver
from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App

    _Base = App
else:
    _Base = object

KEYS_LIMIT = 1000
"""Keys held (waiting on the app's side, or on their way to it) past which a key is ignored.
Typing, even a key held down, stays in single figures; 500 keys sent in one burst (`tmux
send-keys`) must all count; a paste of thousands is cut."""
NEVER_IGNORED = frozenset({"ctrl+q", "ctrl+c"})
QUIET_FOR = 0.5
"""Seconds without an ignored key before the learner is told how many were."""
TELL_AT_LEAST_EVERY = 5.0
"""Seconds: a flood that does not stop is told about this often."""


def ignored_message(count: int) -> str:
    """What the learner is told after ``count`` keys were ignored."""
    if count == 1:
        return "1 key was ignored: it came faster than gdtui can act on it."
    return f"{count:,} keys were ignored: they came faster than gdtui can act on them."


def may_ignore(message: Message) -> bool:
    """Whether this is a key that may be ignored in a flood: a new key (not one bubbling back
    up to the app) other than the quit keys."""
    return (isinstance(message, events.Key) and not message.is_forwarded
            and message.key not in NEVER_IGNORED)


class KeyFloodGuard(_Base):
    """Mixed into the app, before Textual's App: `post_message` ignores keys past the bound,
    and the driver for a real terminal drops them before they reach the event loop."""

    keys_path_full = False
    """Whether the last new key found `KEYS_LIMIT` messages waiting on its path (and was
    ignored); the driver drops keys while it is so."""
    _ignored_here = 0  # keys ignored by post_message
    _ignored_seen = 0  # all keys ignored, at the last look
    _ignored_told = 0  # ... when the learner was last told
    _flood_began = 0.0
    _watching = False  # a timer looks at the flood (see _tell_ignored)

    def get_driver_class(self) -> type[Driver]:
        return key_bound(super().get_driver_class())

    def post_message(self, message: Message) -> bool:
        if may_ignore(message) and self._thread_id == threading.get_ident():
            self.keys_path_full = self.keys_path_waiting() >= KEYS_LIMIT
            if self.keys_path_full:
                self._ignored_here += 1
                self.note_ignored()
                return False
        return super().post_message(message)

    def keys_path_waiting(self) -> int:
        """Messages waiting in the queues a key goes through: the app's, then those of the
        focused widget (or the screen) and of each node above it."""
        try:
            start = self.focused or self.screen
        except ScreenStackError:  # no screen yet
            return self.message_queue_size
        return sum(node.message_queue_size for node in start.ancestors_with_self)

    def keys_ignored(self) -> int:
        """Every key ignored so far, here and by the driver."""
        return self._ignored_here + getattr(self._driver, "keys_dropped", 0)

    def note_ignored(self) -> None:
        """Keys are being ignored: tell the learner once they stop."""
        if not self._watching:
            self._watching = True
            # Through the app's queue: this runs outside the app's context (in a task the
            # driver started, or called from its thread), where a timer would never fire.
            self.call_later(self._watch_flood)

    def _watch_flood(self) -> None:
        self._flood_began = time.monotonic()
        self._ignored_seen = self._ignored_told
        self.set_timer(QUIET_FOR, self._tell_ignored)

    def _tell_ignored(self) -> None:
        """Say how many keys were ignored, once the flood has stopped (and now and then while
        it goes on)."""
        ignored = self.keys_ignored()
        flooding, self._ignored_seen = ignored > self._ignored_seen, ignored
        now = time.monotonic()
        if flooding and now - self._flood_began < TELL_AT_LEAST_EVERY:
            self.set_timer(QUIET_FOR, self._tell_ignored)
            return
        if ignored > self._ignored_told:
            self.notify(ignored_message(ignored - self._ignored_told), title="Keys ignored",
                        severity="warning")
            self._ignored_told = ignored
        self._flood_began = now
        if flooding:
            self.set_timer(QUIET_FOR, self._tell_ignored)
        else:
            self._watching = False


def key_bound(driver_class: type[Driver]) -> type[Driver]:
    """``driver_class`` with `KeyBoundDriver`'s bound on the keys it sends."""
    return type(f"KeyBound{driver_class.__name__}", (KeyBoundDriver, driver_class), {})


class KeyBoundDriver(Driver):
    """Mixed into the terminal driver: `send_message` (called in the input thread) drops a key
    while `KEYS_LIMIT` keys it sent have not reached the app, or while the app refuses keys
    (`KeyFloodGuard.keys_path_full`). Each counter is written by one thread only (sent and
    dropped: the input thread; delivered: the event loop), so none needs a lock."""

    keys_sent = 0
    keys_delivered = 0
    keys_dropped = 0
    _noted_at = float("-inf")

    def send_message(self, message: Message) -> None:
        if not may_ignore(message):
            super().send_message(message)
        elif self._app_is_full(self.keys_sent - self.keys_delivered):
            self.keys_dropped += 1
            now = time.monotonic()
            if now - self._noted_at > QUIET_FOR / 2:  # the app watches the flood from now on
                self._noted_at = now
                self._loop.call_soon_threadsafe(self._app.note_ignored)
        else:
            self.keys_sent += 1
            asyncio.run_coroutine_threadsafe(self._deliver(message), loop=self._loop)

    def _app_is_full(self, on_the_way: int) -> bool:
        """Whether a key should be dropped, ``on_the_way`` keys having been sent that the app
        has not taken yet: too many are on the way, or the app refused the last key it took.
        In the latter case the next key goes once the app has taken all those sent, so that
        it finds out afresh whether there is room."""
        return on_the_way >= KEYS_LIMIT or (
            on_the_way > 0 and getattr(self._app, "keys_path_full", False))

    async def _deliver(self, message: Message) -> None:
        self.keys_delivered += 1
        self._app.post_message(message)
