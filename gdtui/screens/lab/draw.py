"""Draw your own digit: a pad over the lab where the learner draws with the mouse or the keys,
and the lab's digits network reads the drawing as it grows.

The screen forwards keys and clicks to a training.drawing.Pad and asks a DigitReader (a copy
of the lab's network, taken under the session's lock when the pad opens) what the drawing is;
the lab keeps the pad, so the drawing is still there next time. Training pauses while the
pad covers the lab, like under any dialog.
"""

from __future__ import annotations

from typing import Protocol

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from gdtui.help import help_text
from gdtui.screens.lab.run import TrainingRun
from gdtui.training.drawing import DigitReader, Pad, reads_digits
from gdtui.widgets.draw_pad import PadView, bars_text, image_text
from gdtui.widgets.footer import KeysFooter

# At least this many columns and rows, the pad is drawn twice as large (64 x 32 cells).
BIG_PAD = (112, 38)

NOT_DIGITS = "Draw a digit: load the digits preset first (p)."


class Lab(Protocol):
    """What the pad needs of the lab screen (which imports this module, so not its class)."""

    training: TrainingRun
    draw_pad: Pad | None

    def notify(self, message: str) -> None: ...


def open_draw_pad(lab: Lab) -> None:
    """Open the pad over the lab with a copy of its network, or say what to do first."""
    if not reads_digits(lab.training.session.settings):
        lab.notify(f"{NOT_DIGITS} The pad needs a network that reads 8x8 digits.")
        return
    if lab.draw_pad is None:
        lab.draw_pad = Pad()
    lab.training.screen.app.push_screen(DrawScreen(lab.draw_pad, lab.training.digit_reader()))


class DrawScreen(ModalScreen[None]):
    """The pad, the 8x8 image the network sees, and its probability for each digit."""

    HELP_TITLE = "Draw a digit"
    HELP = help_text("draw")
    CSS_PATH = "../../styles/draw.tcss"
    AUTO_FOCUS = "PadView"
    BINDINGS = [
        Binding("space", "pen", "Pen down/up", id="draw.pen"),
        Binding("x,backspace", "erase", "Erase", id="draw.erase"),
        Binding("c", "clear", "Clear", id="draw.clear"),
        Binding("escape", "back", "Back to the lab", id="draw.back"),
        # (a modal screen hides the app's keys: its help is bound here)
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("up", "move(0, -1)", "Move the cursor", show=False),
        Binding("down", "move(0, 1)", "Move the cursor", show=False),
        Binding("left", "move(-1, 0)", "Move the cursor", show=False),
        Binding("right", "move(1, 0)", "Move the cursor", show=False),
    ]

    def __init__(self, pad: Pad, reader: DigitReader) -> None:
        super().__init__()
        self.pad = pad
        self.reader = reader

    def compose(self) -> ComposeResult:
        with Horizontal(id="draw-body"):
            view = PadView(self.pad, id="pad")
            view.border_title = "Draw a digit"
            view.border_subtitle = "mouse or arrows"
            yield view
            with Vertical(id="draw-side"):
                yield Static("The network sees (8x8)", classes="draw-title")
                yield Static(id="draw-image")
                yield Static("It reads", classes="draw-title")
                yield Static(id="draw-bars")
        yield Static(id="draw-status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.on_resize()
        self.show_reading()

    def on_resize(self) -> None:
        width, height = self.app.size
        self.query_one(PadView).big = width >= BIG_PAD[0] and height >= BIG_PAD[1]
        self.show_status()

    def show_reading(self) -> None:
        """Redraw the pad, the 8x8 image and the bars from the pad as it is now."""
        self.query_one(PadView).refresh()
        self.query_one("#draw-image", Static).update(image_text(self.pad.counts()))
        self.query_one("#draw-bars", Static).update(
            bars_text(self.reader.probabilities(self.pad.inputs())))
        self.show_status()

    def show_status(self) -> None:
        if self.pad.empty and not self.pad.pen_down:
            status = "An empty pad: draw with the mouse, or the arrows and space (pen down)."
        else:
            pen = "pen down: moving draws" if self.pad.pen_down else "pen up: space puts it down"
            status = f"{pen} · mouse: left draws, right erases"
        self.query_one("#draw-status", Static).update(status)

    def on_pad_view_drawn(self, _: PadView.Drawn) -> None:
        self.show_reading()

    def action_move(self, dx: int, dy: int) -> None:
        """Move the cursor a cell of the pad as drawn (drawing on the way if the pen is down)."""
        big = self.query_one(PadView).big
        self.pad.move(dx, dy if big else 2 * dy)
        self.show_reading()

    def action_pen(self) -> None:
        """Put the pen down or lift it."""
        self.pad.toggle_pen()
        self.show_reading()

    def action_erase(self) -> None:
        """Rub out around the cursor."""
        self.pad.erase()
        self.show_reading()

    def action_clear(self) -> None:
        """Wipe the pad."""
        self.pad.clear()
        self.show_reading()

    def action_back(self) -> None:
        """Back to the lab; the drawing stays for next time."""
        self.dismiss(None)
