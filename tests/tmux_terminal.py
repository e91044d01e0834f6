"""A real terminal for the end-to-end tests: a tmux session on a private server, read with
capture-pane, at 80x24 unless asked otherwise."""

from __future__ import annotations

import subprocess
import time
import uuid


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

    def keys(self, *keys: str, pause: float = 0.15) -> None:
        """Press keys (tmux names: "Escape", "End", "space", ...), one at a time."""
        for key in keys:
            self.tmux("send-keys", "-t", "main", key)
            time.sleep(pause)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """The screen once ``text`` shows on it; fails at once on a traceback."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            assert "Traceback" not in shown, shown
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def close(self) -> None:
        self.tmux("kill-server")

