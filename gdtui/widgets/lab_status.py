"""The Training Lab's status lines: where the run is, what the trainer notices, the challenge.

The lines have fixed heights and are updated without a layout pass: they change ten times a
second while training, and a layout pass would redraw every widget of the screen.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from gdtui.training.drawing import reads_digits
from gdtui.training.view import Snapshot, status_line

KEYS_HINT = "space: train · n: one step · [ ]: learning rate · c: challenges · ?: help"
DIGITS_HINT = f"d: draw a digit for the network to read · {KEYS_HINT}"


class LabStatus(Vertical):
    """Three lines: status, hint, challenge (shown only during a challenge)."""

    DEFAULT_CSS = """
    LabStatus { height: auto; }
    LabStatus > Static { padding: 0 1; height: 2; }
    LabStatus > #hint { color: $warning; height: 3; }
    LabStatus > #challenge-line { color: $accent; display: none; }
    LabStatus.-challenge > #challenge-line { display: block; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="hint")
        yield Static(id="challenge-line")

    def _set(self, line_id: str, content: Content) -> None:
        line = self.query_one(f"#{line_id}", Static)
        if line.content != content:
            line.update(content, layout=False)

    def show(self, view: Snapshot, running: bool, steps_per_second: float | None) -> None:
        """The status and hint lines for a snapshot."""
        line = status_line(view, steps_per_second)
        if view.status != "ok":  # stopped by itself (diverged, stuck): the first line says why
            why, _, numbers = line.partition("\n")
            self._set("status", Content.from_markup("[b $error]✖ $why[/]\n$numbers",
                                                    why=why, numbers=numbers))
            self._set("hint", Content(" · ".join(view.hints)))
            return
        state = "▶" if running else "⏸"
        self._set("status", Content.from_markup("[b]$state[/] $line", state=state, line=line))
        if view.hints:
            self._set("hint", Content(" · ".join(view.hints)))
        else:
            self._set("hint", Content(DIGITS_HINT if reads_digits(view.settings) else KEYS_HINT))

    def show_challenge(self, text: str | None) -> None:
        """The challenge line, or none."""
        self.set_class(text is not None, "-challenge")
        if text is not None:
            self._set("challenge-line", Content(text))
