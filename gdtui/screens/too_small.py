"""What the app shows while the terminal is smaller than the screen under it needs.

The screen underneath stays mounted (a lab run keeps training), so growing the terminal
again brings back exactly what was there.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

Size = tuple[int, int]

DEFAULT_MIN_SIZE: Size = (80, 24)
"""The smallest terminal a screen is laid out for, unless the screen sets MIN_SIZE itself."""


def too_small_message(size: Size, need: Size) -> str | None:
    """The message to show at terminal ``size`` for a screen that needs ``need``, or None."""
    width, height = size
    need_width, need_height = need
    if width >= need_width and height >= need_height:
        return None
    return (
        f"Make the terminal at least {need_width} x {need_height}.\n"
        f"It is {width} x {height} now.\n\n"
        "Nothing is lost: the screen comes back as soon as it fits. Press q to quit."
    )


class TooSmallScreen(Screen[None]):
    """Covers the app until the terminal is big enough again."""

    DEFAULT_CSS = """
    TooSmallScreen { background: $background; }
    TooSmallScreen #too-small { width: auto; max-width: 100%; padding: 0 1; text-align: center; }
    """
    # Keys that would act on the hidden screen do nothing here; q still quits.
    BINDINGS = [
        Binding("escape", "ignore", show=False),
        Binding("question_mark", "ignore", show=False),
        Binding("ctrl+p", "ignore", show=False),
    ]
    HELP_TITLE = "Terminal too small"
    HELP = "Make the terminal bigger; the screen you were on comes back as it was."

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(self.message, id="too-small")

    def show_message(self, message: str) -> None:
        """Update the sizes in the message as the terminal is resized."""
        self.message = message
        for shown in self.query("#too-small").results(Static):  # none before compose
            shown.update(message)

    def action_ignore(self) -> None:
        """Swallow a key meant for the hidden screen."""
