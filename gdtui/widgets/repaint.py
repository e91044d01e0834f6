"""Repainting only what changed: over SSH every repainted cell crosses the link, with the
colours of each, so a live widget compares its new lines with the ones last drawn.

`LiveLines` is the base of such a widget: it keeps the lines it built until its data, size or
colours change, and `repaint_changes()` (the tail of every `show()`) repaints only the lines
that now read differently.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


class LiveLines(Widget):
    """A widget drawn as lines that are built once per frame of data and kept.

    A subclass draws its lines in `_build()`, stores new data in its `show()` and ends it with
    `repaint_changes()`. `_layout()` says what, when it changes, moves every line (the size,
    the theme): then the whole widget is repainted, else only the lines that changed.
    """

    _version = 0  # one more at every new frame of data
    _built: tuple[tuple, list[Strip]] | None = None  # (the key it was built for, its lines)

    def _build(self) -> list[Strip]:
        """The widget's lines for its current data and size."""
        raise NotImplementedError

    def _layout(self) -> tuple:
        """What moves every line when it changes."""
        return (self.size, self.app.theme, self.rich_style)

    def _key(self) -> tuple:
        return (self._version, *self._layout())

    def _lines(self) -> list[Strip]:
        """The lines for the current data and size, built once."""
        key = self._key()
        if self._built is None or self._built[0] != key:
            self._built = (key, self._build())
        return self._built[1]

    def render_line(self, y: int) -> Strip:
        lines = self._lines()
        # Every segment needs a style: NO_COLOR's filter fails on one without.
        return lines[y] if y < len(lines) else Strip.blank(self.size.width, self.rich_style)

    def repaint_changes(self) -> None:
        """Show the data just stored: repaint only the lines that changed, or everything
        after a change of layout (or while the widget has no size yet)."""
        before = self._built
        self._version += 1
        if before is None or before[0][1:] != self._layout() or not self.size.area:
            self.refresh()
            return
        refresh_changed_lines(self, before[1], self._lines())


def refresh_changed_lines(widget: Widget, old: Sequence[Strip],
                          new: Sequence[Strip]) -> list[Region]:
    """Repaint only what differs between `old` (the lines as last drawn) and `new`, and return
    the regions repainted (in content coordinates).

    Textual sends a repainted line from the widget's left edge, with the colours of every
    cell, changed or not; it stops at the region's right edge, so each changed line is
    repainted up to its last changed cell.
    """
    regions = [Region(0, y, _changed_width(old[y] if y < len(old) else None, strip), 1)
               for y, strip in enumerate(new) if y >= len(old) or old[y] != strip]
    if regions:
        widget.refresh(*regions)
    return regions


def _changed_width(old: Strip | None, new: Strip) -> int:
    """The cells from the left edge up to the last cell that `old` and `new` draw differently."""
    if old is None:
        return new.cell_length
    before, after = _cells(old), _cells(new)
    width = max(len(before), len(after))
    before += [None] * (width - len(before))
    after += [None] * (width - len(after))
    while width and before[width - 1] == after[width - 1]:
        width -= 1
    return width


def _cells(strip: Strip) -> list[tuple[str, Style | None] | None]:
    """(character, style) of each cell; the second cell of a wide character is its own."""
    cells: list[tuple[str, Style | None] | None] = []
    for text, style, _ in strip:
        for char in text:
            cells.append((char, style))
            cells.extend([(char, style)] * (get_character_cell_size(char) - 1))
    return cells


def style_runs(cells: list[tuple[str, Style]]) -> list[Segment]:
    """Neighbouring cells of one style joined into one segment: each segment costs a colour
    change on the wire."""
    segments: list[Segment] = []
    run: list[str] = []
    run_style: Style | None = None
    for char, style in cells:
        if style != run_style and run:
            segments.append(Segment("".join(run), run_style))
            run = []
        run.append(char)
        run_style = style
    if run:
        segments.append(Segment("".join(run), run_style))
    return segments
