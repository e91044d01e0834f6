"""A real terminal for the end-to-end tests: a tmux session on a private server, read with
capture-pane, at 80x24 unless asked otherwise."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Callable


class Terminal:
    """Runs ``command`` (a shell command line) in its own tmux server."""

    def __init__(self, command: str, width: int = 80, height: int = 24):
        self.socket = f"gdtui-test-{uuid.uuid4().hex[:8]}"
        self.tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", str(height), command)

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20
        )
        return result.stdout

    def screen(self, escapes: bool = False) -> str:
        """What the terminal shows; with ``escapes``, with its colour and style codes."""
        return self.tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", "main")

    def keys(self, *keys: str) -> None:
        """Press keys (tmux names: "Escape", "End", "space", ...), one at a time.

        Wait for what a key does before pressing the next: an Escape with a key right behind it
        reads as Alt+key.
        """
        for key in keys:
            self.tmux("send-keys", "-t", "main", key)

    def wait_until(self, condition: Callable[[str], object], what: str,
                   timeout: float = 30.0) -> str:
        """The screen once ``condition(screen)`` holds; fails at once on a traceback.

        A frame reaches the terminal in pieces, so the condition should name all of the screen
        the test then reads, not just its first line.
        """
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            assert "Traceback" not in shown, shown
            if condition(shown):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} after {timeout} s; the screen shows:\n{shown}")
            time.sleep(0.05)

    def wait_for(self, *texts: str, gone: tuple[str, ...] = (), timeout: float = 30.0) -> str:
        """The screen once every one of ``texts`` shows on it and none of ``gone`` does."""
        return self.wait_until(
            lambda shown: all(text in shown for text in texts)
            and not any(text in shown for text in gone),
            f"not all of {texts!r} shown" + (f" with none of {gone!r}" if gone else ""),
            timeout,
        )

    def close(self) -> None:
        self.tmux("kill-server")
