"""A loss map: the loss over a grid of (w, b), one character per two map cells (top and
bottom), drawn with a shade that grows with the loss, from " " (lowest) to "█" (highest), and
coloured dark blue to yellow when the terminal has colours. The minimum (★), the start (◆)
and the optimizers' paths (path 1 •, path 2 ×) are drawn on top. A click picks a point.

The shades carry the loss on their own, so the map reads under NO_COLOR and in 16 colours.
The left gutter labels b (up), the bottom rows label w (right) and give the legend.

Over SSH every repainted cell crosses the link with its colours, so the bare map is built once
per size and a frame repaints only the lines the paths' marks changed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.color import Color
from textual.message import Message
from textual.strip import Strip

from gdtui.landscape import Extent
from gdtui.numbers import format_significant
from gdtui.widgets.repaint import LiveLines, style_runs

# Low loss dark blue, high loss yellow (like the viridis colour map): readable both ways.
PALETTE = ("#30123b", "#3b2f80", "#3e4fb0", "#3a6fc8", "#2c8ec9", "#22a8b0", "#2dbf8a",
           "#5dd05f", "#9cdb3b", "#cbe02e", "#ecd92c", "#fde725")
# The same loss as a character, low to high: the map must not need colour to be read.
SHADES = " ░▒▓█"
LEGEND = f"low {SHADES[1:]} high"
START_MARK, MINIMUM_MARK = "◆", "★"
# (line, visited point, head) of path 1 and path 2: told apart without their colours.
TRAIL_MARKS = (("·", "•", "●"), ("·", "×", "■"))
GUTTER = 6  # columns for the b labels
LEGEND_LINES = 12  # a map at least this many lines high has a line for the legend
# How much darker than its shade a cell's background is, so the shade shows in colour too.
BACKGROUND_DARKNESS = 0.45


def shade(level: int) -> str:
    """The character for a loss level (0 lowest .. len(PALETTE) - 1 highest)."""
    return SHADES[min(max(level, 0), len(PALETTE) - 1) * len(SHADES) // len(PALETTE)]


@dataclass(frozen=True)
class Trail:
    """A path to draw: its points (w, b) so far and its colour. Its marks (line, point, head)
    default to those of its place in the list, TRAIL_MARKS[index]."""

    points: np.ndarray
    color: str
    head: str | None = None
    point: str | None = None


@lru_cache(maxsize=4096)
def _style(level: int, mark: str | None = None) -> Style:
    """A cell of loss `level` in colour: its shade in the level's colour on a darker one, or a
    mark (in the mark's colour, bold) on that darker colour."""
    colour = Color.parse(PALETTE[level])
    background = colour.darken(BACKGROUND_DARKNESS).rich_color
    if mark is None:
        return Style(color=colour.rich_color, bgcolor=background)
    return Style(color=Color.parse(mark).rich_color, bgcolor=background, bold=True)


def clip_segment(start: tuple[float, float], stop: tuple[float, float], width: float,
                 height: float) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the segment inside [0, width) × [0, height), or None (Liang–Barsky)."""
    (x0, y0), (x1, y1) = start, stop
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0), (dx, width - 1e-9 - x0), (-dy, y0), (dy, height - 1e-9 - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return None
    return (x0 + low * dx, y0 + low * dy), (x0 + high * dx, y0 + high * dy)


def segment_cells(start: tuple[float, float], stop: tuple[float, float], width: int,
                  height: int) -> list[tuple[int, int]]:
    """The map cells a straight line from `start` to `stop` (in cell units) crosses."""
    clipped = clip_segment(start, stop, width, height)
    if clipped is None:
        return []
    (x0, y0), (x1, y1) = clipped
    count = max(1, math.ceil(max(abs(x1 - x0), abs(y1 - y0)) * 2))
    cells = []
    for k in range(count + 1):
        cell = (int(x0 + (x1 - x0) * k / count), int(y0 + (y1 - y0) * k / count))
        if not cells or cells[-1] != cell:
            cells.append(cell)
    return cells


class LossMap(LiveLines, can_focus=True):
    """The loss landscape as a coloured map, with paths on it."""

    DEFAULT_CSS = """
    LossMap {
        width: 1fr;
        height: 1fr;
        min-height: 8;
    }
    LossMap:focus { background-tint: $foreground 0%; }
    LossMap > .loss-map--label { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"loss-map--label"}

    class Picked(Message):
        """The learner clicked the point (w, b) on the map."""

        def __init__(self, w: float, b: float) -> None:
            super().__init__()
            self.w, self.b = w, b

    class SizeChanged(Message):
        """The map now has room for `columns` × `rows` cells: it needs a new grid."""

        def __init__(self, columns: int, rows: int) -> None:
            super().__init__()
            self.columns, self.rows = columns, rows

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.extent: Extent | None = None
        self.levels: np.ndarray | None = None
        self.minimum: tuple[float, float] | None = None
        self.start: tuple[float, float] | None = None
        self.trails: list[Trail] = []
        self._marks: dict[tuple[int, int], tuple[str, str]] = {}
        # (key, the levels it was made from, the bare map's lines); see _base
        self._base_lines: tuple[tuple, np.ndarray, list] | None = None

    @property
    def label_lines(self) -> int:
        """Lines under the map: the w labels, and the legend when there is room for it."""
        return 2 if self.size.height >= LEGEND_LINES else 1

    @property
    def grid_size(self) -> tuple[int, int]:
        """(columns, rows) of map cells that fit: two rows per line, the label lines below."""
        return max(1, self.size.width - GUTTER), max(2, 2 * (self.size.height - self.label_lines))

    def on_resize(self) -> None:
        self.post_message(self.SizeChanged(*self.grid_size))

    def show(self, extent: Extent, levels: np.ndarray | None, minimum: tuple[float, float],
             start: tuple[float, float], trails: Sequence[Trail]) -> None:
        """Draw `levels` (shape rows × columns, each 0..len(PALETTE)-1) and the marks.

        Only the lines that now read differently are repainted: from one frame of a walk to
        the next, those the paths' new steps fall on.
        """
        self.extent, self.levels = extent, levels
        self.minimum, self.start, self.trails = minimum, start, list(trails)
        self._marks = self._place_marks()
        self.repaint_changes()

    def _place_marks(self) -> dict[tuple[int, int], tuple[str, str]]:
        """Characters drawn over the map, by (column, line)."""
        marks: dict[tuple[int, int], tuple[str, str]] = {}
        if self.extent is None:
            return marks
        columns, rows = self.grid_size

        def to_cells(w: float, b: float) -> tuple[float, float]:
            e = self.extent
            return ((w - e.w_low) / (e.w_high - e.w_low) * columns,
                    (e.b_high - b) / (e.b_high - e.b_low) * rows)

        def inside(point: tuple[float, float]) -> bool:
            return 0 <= point[0] < columns and 0 <= point[1] < rows

        def marks_of(index: int, trail: Trail) -> tuple[str, str, str]:
            line, point, head = TRAIL_MARKS[index % len(TRAIL_MARKS)]
            return line, trail.point or point, trail.head or head

        for index, trail in enumerate(self.trails):
            line_mark, point_mark, _ = marks_of(index, trail)
            points = [to_cells(w, b) for w, b in trail.points]
            for start, stop in zip(points, points[1:], strict=False):
                # a step to or from far off the map would paint a line across all of it
                if inside(start) and inside(stop):
                    for column, row in segment_cells(start, stop, columns, rows):
                        marks.setdefault((column, row // 2), (line_mark, trail.color))
            for column, row in points[:-1]:
                if inside((column, row)):
                    marks[(int(column), int(row) // 2)] = (point_mark, trail.color)
        for index, trail in enumerate(self.trails):
            column, row = to_cells(*trail.points[-1])
            if inside((column, row)):
                marks[(int(column), int(row) // 2)] = (marks_of(index, trail)[2], trail.color)
        for point, mark in ((self.start, (START_MARK, "#ffffff")),
                            (self.minimum, (MINIMUM_MARK, "#ffffff"))):
            if point is not None:
                cell = self.extent.cell(point[0], point[1], columns, rows)
                if cell is not None:
                    marks[(cell[0], cell[1] // 2)] = mark
        return marks

    def on_click(self, event: events.Click) -> None:
        if self.extent is None:
            return
        columns, rows = self.grid_size
        column, line = event.x - GUTTER, event.y
        if 0 <= column < columns and 0 <= line < rows // 2:
            w, b = self.extent.point(column, 2 * line + 0.5, columns, rows)
            self.post_message(self.Picked(w, b))

    def _layout(self) -> tuple:
        return (self.size, self.app.theme, self.app.no_color, self.rich_style)

    def _build(self) -> list[Strip]:
        width = self.size.width
        # every segment gets a style: Textual's NO_COLOR filter fails on a segment without one
        plain = self.rich_style
        label_style = plain + self.get_component_rich_style("loss-map--label", partial=True)
        columns, rows = self.grid_size
        if self.extent is None or self.levels is None or self.levels.shape != (rows, columns):
            return [Strip.blank(width, plain)] * self.size.height
        base = self._base(plain, label_style)
        marks_by_line: dict[int, dict[int, tuple[str, str]]] = {}
        for (column, line), mark in self._marks.items():
            marks_by_line.setdefault(line, {})[column] = mark
        strips = []
        for y, (bare, gutter, cells, levels) in enumerate(base):
            marks = marks_by_line.get(y)
            if not marks:  # most lines: the bare map
                strips.append(bare)
                continue
            cells = list(cells)
            for column, (char, colour) in marks.items():
                cells[column] = (char, _bold(plain) if self.app.no_color
                                 else _style(levels[column], colour))
            strips.append(Strip([gutter, *style_runs(cells)], GUTTER + columns))
        strips.append(Strip([Segment(self._w_labels(width), label_style)], width))
        if self.label_lines > 1:
            strips.append(self._legend_strip(width, label_style))
        return [strip.adjust_cell_length(width, plain) for strip in strips]

    def _base(self, plain: Style,
              label_style: Style) -> list[tuple[Strip, Segment, list, list[int]]]:
        """The bare map, line by line: its strip, its b label, its cells (character, style)
        and their loss levels. Kept while the map, its size and the colours stay, so a
        frame only redraws the lines with marks on them."""
        key = (self.extent, self.app.no_color, plain, label_style)
        cached = self._base_lines
        if cached is None or cached[0] != key or cached[1] is not self.levels:
            coloured = not self.app.no_color
            lines = []
            count = self.levels.shape[0] // 2
            for y in range(count):
                levels = ((self.levels[2 * y] + self.levels[2 * y + 1]) // 2).tolist()
                # the filter would turn the colours into greys of little contrast
                cells = [(shade(level), _style(level) if coloured else plain)
                         for level in levels]
                gutter = Segment(self._b_label(y, count).rjust(GUTTER - 1) + " ", label_style)
                strip = Strip([gutter, *style_runs(cells)], GUTTER + len(cells))
                lines.append((strip, gutter, cells, levels))
            self._base_lines = (key, self.levels, lines)
        return self._base_lines[2]

    def _b_label(self, line: int, lines: int) -> str:
        e = self.extent
        if line == 0:
            return f"b {format_significant(e.b_high, 2)}"
        if line == lines - 1:
            return format_significant(e.b_low, 2)
        if line == lines // 2:
            return format_significant((e.b_high + e.b_low) / 2, 2)
        return ""

    def _w_labels(self, width: int) -> str:
        e = self.extent
        columns = width - GUTTER
        low, high = format_significant(e.w_low, 2), format_significant(e.w_high, 2)
        middle = f"w {format_significant((e.w_low + e.w_high) / 2, 2)} →"
        row = [" "] * width
        for at, label in ((GUTTER, low), (GUTTER + (columns - len(middle)) // 2, middle),
                          (width - len(high), high)):
            for k, char in enumerate(label):
                if 0 <= at + k < width:
                    row[at + k] = char
        return "".join(row)

    def _legend_strip(self, width: int, label_style: Style) -> Strip:
        """The legend, its shades in their colours when the terminal shows colours."""
        text = self._legend(width)
        at = text.find(SHADES[1:])
        if at < 0 or self.app.no_color:
            return Strip([Segment(text, label_style)])
        segments = [Segment(text[:at], label_style)] if at else []
        for k, char in enumerate(SHADES[1:], start=1):
            level = -(-k * len(PALETTE) // len(SHADES))  # the lowest level drawn with it
            segments.append(Segment(char, _style(level)))
        segments.append(Segment(text[at + len(SHADES) - 1:], label_style))
        return Strip(segments)

    def _legend(self, width: int) -> str:
        """The key to the map, as much of it as fits (the shades first)."""
        parts = [LEGEND, f"{MINIMUM_MARK} min", f"{START_MARK} start"]
        parts += [f"{TRAIL_MARKS[k][2]} path {k + 1}"
                  for k in range(min(len(self.trails), len(TRAIL_MARKS)))]
        spaced = " " * GUTTER + "loss: " + "  ".join(parts)
        if len(spaced) <= width:
            return spaced.ljust(width)
        shown: list[str] = []  # tighter, from the first column, as much as fits
        for part in parts:
            if len(" ".join([*shown, part])) > width:
                break
            shown.append(part)
        return " ".join(shown).ljust(width)


@lru_cache(maxsize=64)
def _bold(style: Style) -> Style:
    return style + Style(bold=True)
