"""The draw pad's widgets: the pad itself, the 8x8 image the network sees, and its ten bars.

`PadView` draws a training.drawing.Pad (32x32 pixels) with half blocks, two pixels a cell (32
columns, 16 rows), or at 2 columns a pixel (64 x 32) where the terminal has room; the mouse
draws on it. Nothing here decides what the drawing means: the pad and the reader do.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from gdtui.training import digits
from gdtui.training.drawing import SIZE, Pad

HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
SHADES = " ░▒▓█"  # the shade characters of the lab's other pictures, light to dark
CURSOR = Style(reverse=True)
EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_WIDTH = 22
GUESS = "◀ guess"


class PadView(Widget, can_focus=True):
    """The pad, drawn; a left press or drag draws, the right button (or ctrl) erases."""

    big: reactive[bool] = reactive(False, layout=True)

    class Drawn(Message):
        """The mouse drew or erased on the pad."""

    def __init__(self, pad: Pad, **kwargs) -> None:
        super().__init__(**kwargs)
        self.pad = pad
        self._last: tuple[float, float] | None = None  # where a drag was
        self._erasing = False

    def get_content_width(self, container, viewport) -> int:
        return SIZE * 2 if self.big else SIZE

    def get_content_height(self, container, viewport, width) -> int:
        return SIZE if self.big else SIZE // 2

    def cell_of_cursor(self) -> tuple[int, int]:
        """The cell (column, row) the cursor is in."""
        x, y = self.pad.cursor
        return (x * 2, y) if self.big else (x, y // 2)

    def render(self) -> Text:
        ink, text = self.pad.bitmap, Text(no_wrap=True, overflow="crop")
        cursor_x, cursor_y = self.pad.cursor
        for row in range(SIZE if self.big else SIZE // 2):
            if row:
                text.append("\n")
            for x in range(SIZE):
                style = CURSOR if x == cursor_x and row == (cursor_y if self.big
                                                            else cursor_y // 2) else None
                if self.big:
                    text.append("██" if ink[row, x] else "  ", style)
                else:
                    text.append(HALF_BLOCKS[bool(ink[2 * row, x]), bool(ink[2 * row + 1, x])],
                                style)
        return text

    def pixel_at(self, offset_x: int, offset_y: int) -> tuple[float, float]:
        """The pad's pixel (x, y) under a cell of the widget (its middle)."""
        if self.big:
            return offset_x // 2, offset_y
        return offset_x, offset_y * 2 + 0.5

    def _draw_to(self, event: events.MouseEvent) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        point = self.pixel_at(offset.x, offset.y)
        self.pad.stroke(self._last or point, point, erase=self._erasing)
        self._last = point
        self.refresh()
        self.post_message(self.Drawn())

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.capture_mouse()
        self._last = None
        self._erasing = event.button == 3 or event.ctrl
        self._draw_to(event)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._last is not None:
            self._draw_to(event)

    def on_mouse_up(self, _: events.MouseUp) -> None:
        self.release_mouse()
        self._last = None


def shade(count: int) -> str:
    """The shade character of a pixel count 0..16: blank for 0, full for 13-16."""
    return SHADES[-(-int(count) * (len(SHADES) - 1) // digits.MAX_COUNT)]


def image_text(counts) -> Text:
    """The 8x8 image as the network sees it, two shade characters a pixel."""
    return Text("\n".join("".join(shade(c) * 2 for c in row) for row in counts), no_wrap=True)


def bars_text(probabilities) -> Text:
    """Ten lines, one a digit: the digit, a bar as long as its probability, the number, and
    the top guess marked with a word (so it reads without colour)."""
    top = int(max(range(len(probabilities)), key=lambda k: probabilities[k]))
    lines = []
    for digit, p in enumerate(probabilities):
        eighths = round(float(p) * BAR_WIDTH * 8)
        bar = "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")
        mark = f" {GUESS}" if digit == top else ""
        lines.append(f"{digit} {bar:<{BAR_WIDTH}}▏{float(p):7.1%}{mark}")
    return Text("\n".join(lines), no_wrap=True, overflow="crop")
