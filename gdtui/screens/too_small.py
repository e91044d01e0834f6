"""What the app shows while the terminal is smaller than the screen under it needs.

The screen underneath stays mounted (a lab run keeps training), so growing the terminal
again brings back exactly what was there. `SizeCover`, mixed into the app, puts the cover on
and takes it off as the terminal is resized and screens come and go.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import App

    _Base = App
else:
    _Base = object

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


class SizeCover(_Base):
    """The app's part that covers it while the terminal is too small (`check_size`, run at
    every resize and screen change)."""

    def on_resize(self, event: events.Resize) -> None:
        # This runs before App's own handler has stored the new size, so pass it on.
        self.check_size(event.size)

    def check_size(self, size: tuple[int, int] | None = None) -> None:
        """Cover the app with a "make the terminal bigger" message while it does not fit.

        There is only ever one cover, on top of the stack (see push_screen below); were a
        screen ever pushed over it another way, it is still the one that shows the message,
        and it goes once it is on top and the terminal fits."""
        width, height = size or self.size
        cover = next((s for s in self.screen_stack if isinstance(s, TooSmallScreen)), None)
        # A dialog or help box needs what the screen under it needs.
        overlays = (ModalScreen, TooSmallScreen)
        shown = [s for s in self.screen_stack if not isinstance(s, overlays)]
        under = shown[-1] if shown else self.screen
        need = getattr(under, "MIN_SIZE", DEFAULT_MIN_SIZE)
        message = too_small_message((width, height), need)
        if message is None:
            if cover is self.screen:
                super().pop_screen()
        elif cover is not None:
            cover.show_message(message)
        else:
            self.push_screen(TooSmallScreen(message))

    def push_screen(self, screen: Screen | str, *args: Any, **kwargs: Any) -> Any:
        """Push ``screen`` under the cover if it shows (a lesson link followed, or a dialog
        opened, by a key that came just before the terminal shrank), so the cover stays on
        top; check_size puts it back (on the screen change). A dialog that closes itself under
        the cover is taken out from under it (widgets/late_events.py); the app's own pops
        (back, home, to an area on the stack) take the cover off like any screen, and
        check_size puts it back over what they leave."""
        if self._covered() and not isinstance(screen, TooSmallScreen):
            super().pop_screen()
            self.call_next(self.check_size)
        return super().push_screen(screen, *args, **kwargs)

    def _covered(self) -> bool:
        return bool(self.screen_stack) and isinstance(self.screen_stack[-1], TooSmallScreen)
