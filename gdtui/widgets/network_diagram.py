"""A tiny network drawn with box characters: one box per unit, layers left to right, the units
being computed highlighted and drawn with a heavy box (┏━┓), units not computed yet showing
"?". Each box shows the unit's value and, once the backward pass has reached it, its gradient
dL/dz (after "∂"):

    ╭x───────╮    ╭h1──────╮    ╭y───────╮    ╭L───────╮
    │    2   │─┬─▶│  0.750 │─┬─▶│  0.299 │──▶ │  0.491 │
    ╰────────╯ │  ╰────────╯ │  ╰────────╯    ╰────────╯
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from gdtui.numbers import format_significant
from gdtui.stepper import Unit

BOX_WIDTH = 10
BOX_HEIGHT = 4
GAP = 4  # columns between two layers: stub, bus, stub, arrow head
# Corners, then the across and down lines, of a unit's box: (not in focus, in focus).
BOXES = (("╭", "╮", "╰", "╯", "─", "│"), ("┏", "┓", "┗", "┛", "━", "┃"))
# Box-drawing character for the directions a line leaves a cell in (up, down, left, right).
LINES = {
    (False, False, True, True): "─", (True, True, False, False): "│",
    (False, True, False, True): "┌", (False, True, True, False): "┐",
    (True, False, False, True): "└", (True, False, True, False): "┘",
    (True, True, False, True): "├", (True, True, True, False): "┤",
    (False, True, True, True): "┬", (True, False, True, True): "┴",
    (True, True, True, True): "┼", (False, False, False, True): "─",
    (False, False, True, False): "─", (True, False, False, False): "│",
    (False, True, False, False): "│",
}


def layout(layers: Sequence[Sequence[Unit]]) -> tuple[int, int, dict[str, tuple[int, int]]]:
    """(width, height, top-left corner of every unit's box) for layers drawn left to right."""
    height = max(len(layer) for layer in layers) * BOX_HEIGHT
    corners = {}
    for depth, layer in enumerate(layers):
        top = (height - len(layer) * BOX_HEIGHT) // 2
        for k, unit in enumerate(layer):
            corners[unit.name] = (depth * (BOX_WIDTH + GAP), top + k * BOX_HEIGHT)
    width = len(layers) * (BOX_WIDTH + GAP) - GAP
    return width, height, corners


class NetworkDiagram(Widget):
    """The units of the stepper's network with their numbers at the current step."""

    DEFAULT_CSS = """
    NetworkDiagram {
        height: 8;
        width: auto;
    }
    NetworkDiagram > .diagram--focus { color: $accent; text-style: bold; }
    NetworkDiagram > .diagram--done { color: $text; }
    NetworkDiagram > .diagram--pending { color: $text-muted; }
    NetworkDiagram > .diagram--wire { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"diagram--focus", "diagram--done", "diagram--pending", "diagram--wire"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.units: list[list[Unit]] = []
        self.target: float | None = None

    def show(self, layers: Sequence[Sequence[Unit]], target: float) -> None:
        """Draw `layers` (the last holds the loss L, whose box also shows the target)."""
        self.units = [list(layer) for layer in layers]
        self.target = target
        self.refresh(layout=True)

    def get_content_width(self, container, viewport) -> int:
        return layout(self.units)[0] if self.units else 1

    def get_content_height(self, container, viewport, width: int) -> int:
        return layout(self.units)[1] if self.units else 1

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"diagram--{name}", partial=True)

    def render(self) -> Text:
        if not self.units:
            return Text("")
        width, height, corners = layout(self.units)
        chars = [[" "] * width for _ in range(height)]
        styles: list[list[Style | None]] = [[None] * width for _ in range(height)]
        wire = self._style("wire")
        exits: dict[tuple[int, int], set[str]] = {}

        def line(row: int, start: int, stop: int) -> None:
            for column in range(min(start, stop), max(start, stop) + 1):
                ways = exits.setdefault((row, column), set())
                if column > min(start, stop):
                    ways.add("left")
                if column < max(start, stop):
                    ways.add("right")

        def column_line(column: int, start: int, stop: int) -> None:
            for row in range(min(start, stop), max(start, stop) + 1):
                ways = exits.setdefault((row, column), set())
                if row > min(start, stop):
                    ways.add("up")
                if row < max(start, stop):
                    ways.add("down")

        arrows = []
        for left, right in zip(self.units, self.units[1:], strict=False):
            bus = corners[left[0].name][0] + BOX_WIDTH + 1
            rows = []
            for unit in left:
                row = corners[unit.name][1] + 1
                line(row, bus - 1, bus)
                rows.append(row)
            for unit in right:
                row = corners[unit.name][1] + 1
                line(row, bus, bus + GAP - 2)
                arrows.append((row, bus + GAP - 2))
                rows.append(row)
            column_line(bus, min(rows), max(rows))
        for (row, column), ways in exits.items():
            key = ("up" in ways, "down" in ways, "left" in ways, "right" in ways)
            chars[row][column] = LINES.get(key, "─")
            styles[row][column] = wire
        for row, column in arrows:
            chars[row][column] = "▶"

        for layer in self.units:
            for unit in layer:
                self._box(unit, corners[unit.name], chars, styles)
        text = Text()
        for row in range(height):
            for column in range(width):
                text.append(chars[row][column], styles[row][column])
            if row < height - 1:
                text.append("\n")
        return text

    def _box(self, unit: Unit, corner: tuple[int, int], chars: list[list[str]],
             styles: list[list[Style | None]]) -> None:
        left, top = corner
        inner = BOX_WIDTH - 2
        state = "focus" if unit.focus else "pending" if unit.value is None else "done"
        style = self._style(state)
        value = "?" if unit.value is None else format_significant(unit.value)
        if unit.name == "L":
            second = "" if self.target is None else f"t {format_significant(self.target)}"
        else:
            gradient = "" if unit.gradient is None else format_significant(unit.gradient)
            second = f"∂ {gradient}" if len(gradient) < inner - 1 else f"∂{gradient}"
            second = second if gradient else ""
        # the units being computed get a heavy box: seen without colour too
        top_left, top_right, bottom_left, bottom_right, across, down = BOXES[unit.focus]
        rows = [
            top_left + unit.name + across * (inner - len(unit.name)) + top_right,
            down + value.center(inner)[:inner] + down,
            down + second.center(inner)[:inner] + down,
            bottom_left + across * inner + bottom_right,
        ]
        for dy, row_text in enumerate(rows):
            for dx, char in enumerate(row_text):
                chars[top + dy][left + dx] = char
                styles[top + dy][left + dx] = style
