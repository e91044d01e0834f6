"""A probability slider beside one example's two losses: the learner moves p, the probability
the network gives the right class, with the arrow keys or the mouse, and sees cross-entropy −ln p
and squared error (1 − p)² side by side, with bars on one scale and each one's dL/dz. The lesson's
0.05 and 0.95 are marked on the line. The numbers come from gdtui.confidence; this only draws."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from gdtui.confidence import (
    BIG_STEP,
    LOWEST,
    MARKS,
    START,
    STEP,
    comparison,
    kept_in_range,
    moved,
    reading,
)
from gdtui.numbers import field_text

LABEL = 9  # columns before the line: "p 0.95  "
TRACK_ROW = 1  # the line the knob slides on, under the title
BAR_SCALE = reading(LOWEST).cross_entropy  # the longest bar: −ln 0.01
PARTS = " ▏▎▍▌▋▊▉█"


def bar(value: float, width: int) -> str:
    """`value` as a bar of `width` cells at full BAR_SCALE, in eighths of a cell."""
    eighths = round(max(0.0, min(value / BAR_SCALE, 1.0)) * width * 8)
    return ("█" * (eighths // 8) + (PARTS[eighths % 8] if eighths % 8 else "")).ljust(width)


class ProbabilitySlider(Widget, can_focus=True):
    """p from 0.01 to 0.99: ← → by 0.01, shift by 0.1; a click or a drag on the line."""

    BINDINGS = [
        Binding("left", "move(-1)", "p −0.01", show=False),
        Binding("right", "move(1)", "p +0.01", show=False),
        Binding("shift+left", f"move({-round(BIG_STEP / STEP)})", "p −0.1", show=False),
        Binding("shift+right", f"move({round(BIG_STEP / STEP)})", "p +0.1", show=False),
    ]

    class Changed(Message):
        """The learner moved p."""

        def __init__(self, probability: float) -> None:
            super().__init__()
            self.probability = probability

    def __init__(self, probability: float = START, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.probability = kept_in_range(probability)
        self._dragging = False

    def set_probability(self, probability: float) -> None:
        """Show p (kept on the slider) and say so when it changed."""
        probability = kept_in_range(probability)
        if probability != self.probability:
            self.probability = probability
            self.refresh()
            self.post_message(self.Changed(probability))

    def action_move(self, steps: float) -> None:
        """Move p by `steps` of 0.01."""
        self.set_probability(moved(self.probability, steps))

    # -- the line -----------------------------------------------------------------------------

    def _track_width(self) -> int:
        return max(self.content_size.width - LABEL - 1, 11)

    def _column(self, probability: float) -> int:
        """The column of the line (0 = its start, p = 0) where `probability` sits."""
        return round(probability * (self._track_width() - 1))

    def probability_at(self, x: int) -> float:
        """The p under column `x` of the widget's content: a marked p where its mark is (a
        column holds more than one hundredth)."""
        column = x - LABEL
        for mark in MARKS:
            if self._column(mark) == column:
                return mark
        return kept_in_range(column / (self._track_width() - 1))

    def _track(self) -> Text:
        width = self._track_width()
        cells = ["─"] * width
        cells[0], cells[-1] = "├", "┤"
        for mark in MARKS:
            cells[self._column(mark)] = "┼"
        knob = self._column(self.probability)
        text = Text(f"p {field_text(self.probability):<5}  ", style="bold")
        text.append("".join(cells[:knob]), "dim")
        text.append("●", "bold")
        text.append("".join(cells[knob + 1:]), "dim")
        return text

    def _labels(self) -> Text:
        """0, the marks and 1 under the line, each centred on its place but never touching
        its neighbour."""
        width = self._track_width()
        places = [(0, "0"), *((self._column(mark), field_text(mark)) for mark in MARKS),
                  (width - 1, "1")]
        starts = [column - len(label) // 2 for column, label in places]
        for k in range(1, len(places)):  # push right past the label before
            starts[k] = max(starts[k], starts[k - 1] + len(places[k - 1][1]) + 1)
        starts[-1] = width - 1
        for k in range(len(places) - 2, -1, -1):  # then left of the label after
            starts[k] = min(starts[k], starts[k + 1] - len(places[k][1]) - 1)
        cells = [" "] * width
        for start, (_, label) in zip(starts, places, strict=True):
            cells[max(start, 0):max(start, 0) + len(label)] = label
        return Text(" " * LABEL + "".join(cells).rstrip(), "dim")

    # -- drawing ------------------------------------------------------------------------------

    def render(self) -> Text:
        now = reading(self.probability)
        width = max(self.content_size.width - 47, 6)
        text = Text.assemble(("Confident and wrong is expensive", "bold"),
                             (" · p: the probability given to the right class", "dim"), "\n")
        text.append_text(self._track())
        text.append("\n")
        text.append_text(self._labels())
        for name, formula, value, digits, slope in (
                ("cross-entropy", "−ln p", now.cross_entropy, 3, now.cross_entropy_slope),
                ("squared error", "(1 − p)²", now.squared_error, 4,
                 now.squared_error_slope)):
            text.append(f"\n{name}  {formula:<9}", "bold")
            text.append(f"{value:<7.{digits}f} ")
            text.append(bar(value, width), "bold")
            text.append(f" dL/dz {slope:.3f}".replace("-", "−"), "dim")
        text.append("\n\n" + comparison(self.probability))
        text.append("\nSquared error never passes 1, and its dL/dz (z: the logit, p = σ(z)) "
                    "fades\nas p → 0: a sure mistake barely moves. Cross-entropy's stays near −1.")
        text.append(f"\n← → move p (shift: by {field_text(BIG_STEP)}), or click or drag the line"
                    " · c: back to the steps", "dim")
        return text

    # -- the mouse ----------------------------------------------------------------------------

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y != TRACK_ROW or offset.x < LABEL - 1:
            return
        self._dragging = True
        self.capture_mouse()
        self.focus()
        self.set_probability(self.probability_at(offset.x))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._dragging:
            offset = event.get_content_offset_capture(self)
            self.set_probability(self.probability_at(offset.x))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._dragging:
            self._dragging = False
            self.release_mouse()
