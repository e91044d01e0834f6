"""The Training Lab's network view: every unit with a tiny map of its output, every weight
with its size and sign, a unit and a weight to select, read and edit.

Layers run left to right, units top to bottom, two rows each: the unit's name and its map
(its output over the input plane, in shades "·░▒▓█" from its lowest to its highest), and
under the name the unit's weights in, one character each, from the units of the layer on its
left, top to bottom, then its bias:

    x1 ·░▓█  h1.1 ░░▒▒  h2.1      ░░░░ ▶out       ▒▒▒▒
       ·░▓█ +- ·  ▒▒▓▓ -+--┼+++ · ▓▓▓▓ +--──++┼ · ▒▒▒▒

A plus shape is a positive weight, a minus shape a negative one, and the heavier the line the
larger it is ("+ ┼ ╋", "- ─ ━"; "·" about zero), so the view reads without colour; colour
goes on top (orange positive and high, blue negative and low, as the model panel's + and -).
A unit switched off shows "off" for its map. Draws plain data (training.insides.Insides)
copied out of the session, never the session itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.color import Color
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from gdtui.training.insides import MAP_LEVELS, WIDE_LAYER, Insides, weight_size
from gdtui.widgets.model_panel import COLOURS
from gdtui.widgets.repaint import LiveLines, style_runs

MAP_GLYPHS = "·░▒▓█"  # a unit's output, lowest to highest (MAP_LEVELS of them)
WEIGHT_GLYPHS = {1: ("·", "+", "┼", "╋"), -1: ("·", "-", "─", "━")}  # by weight_size
LOW, HIGH = COLOURS[0], COLOURS[1]  # blue and orange, as the model panel's - and +
GAP = " "  # between two layers
LEGEND = "+┼╋ positive -─━ negative ·≈0 · map ·░▒▓█ low→high"


@dataclass(frozen=True)
class Hit:
    """What a cell of the view stands for: a unit, or a weight into a unit (`source`)."""

    layer: int
    unit: int
    source: int | None = None


class NetworkView(LiveLines, can_focus=True):
    """The network drawn unit by unit; arrows move between units, `,` and `.` between the
    selected unit's weights in; a click selects either."""

    DEFAULT_CSS = "NetworkView { width: auto; height: auto; }"
    BINDINGS = [
        Binding("up", "move(0, -1)", "Unit", show=False),
        Binding("down", "move(0, 1)", "Unit", show=False),
        Binding("left", "move(-1, 0)", "Layer", show=False),
        Binding("right", "move(1, 0)", "Layer", show=False),
        Binding("comma", "weight(-1)", "Weight", key_display=",", show=False),
        Binding("full_stop", "weight(1)", "Weight", key_display=".", show=False),
    ]

    class Selected(Message):
        """The learner selected a unit, or a weight into it (`source`; None: none)."""

        def __init__(self, layer: int, unit: int, source: int | None) -> None:
            super().__init__()
            self.layer, self.unit, self.source = layer, unit, source

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.insides: Insides | None = None
        self.layer_index, self.unit_index, self.source = 0, 0, 0  # the selection
        self._hits: list[list[tuple[int, int, Hit]]] = []
        self._width = 0
        self._styles: dict[tuple, Style] = {}  # made once per theme
        self._styled_for: tuple = ()

    # -- what is shown and selected ---------------------------------------------------------

    def show(self, insides: Insides) -> None:
        """Draw the network's insides (a new frame's), keeping the selection."""
        first = self.insides is None or self.insides.layer_sizes != insides.layer_sizes
        self.insides = insides
        if first:  # a new network: select its output
            self.layer_index, self.unit_index, self.source = len(insides.layer_sizes) - 1, 0, 0
        self._width = _layout_width(insides)
        self.repaint_changes()
        if first:
            self.refresh(layout=True)
            self._announce()

    @property
    def selected_weight(self) -> tuple[int, int, int] | None:
        """(layer, source, target) of the weight selected, or None (an input has none)."""
        if self.insides is None or self.layer_index == 0:
            return None
        return self.layer_index, self.source, self.unit_index

    def select(self, layer: int, unit: int, source: int | None = None) -> None:
        """Select a unit (and the weight into it from `source`, or keep the one selected)."""
        if self.insides is None:
            return
        sizes = self.insides.layer_sizes
        self.layer_index = max(0, min(layer, len(sizes) - 1))
        units = 1 if self.insides.summarised(self.layer_index) else sizes[self.layer_index]
        self.unit_index = max(0, min(unit, units - 1))
        if source is not None:
            self.source = source
        if self.layer_index:
            self.source = max(0, min(self.source, sizes[self.layer_index - 1]))
        self.repaint_changes()
        self._announce()
        if isinstance(self.parent, Widget):
            # the selected unit's place, scrolled into sight (a layer may be 64 units tall)
            start = _column_start(self.insides, self.layer_index)
            width = _column_width(self.insides, self.layer_index)
            self.parent.scroll_to_region(Region(start, 2 * self.unit_index, width, 2),
                                         animate=False, immediate=True)

    def _announce(self) -> None:
        self.post_message(self.Selected(self.layer_index, self.unit_index,
                                        self.source if self.layer_index else None))

    def action_move(self, layers: int, units: int) -> None:
        """Arrows: up and down the units of a layer, left and right between layers."""
        if self.insides is None:
            return
        unit = self.unit_index + units
        if layers:  # the same place in the next layer, as near as it goes
            before = self.insides.layer_sizes[self.layer_index]
            after = self.insides.layer_sizes[max(0, min(self.layer_index + layers,
                                                        len(self.insides.layer_sizes) - 1))]
            unit = round(self.unit_index * (after - 1) / max(before - 1, 1))
        self.select(self.layer_index + layers, unit)

    def action_weight(self, step: int) -> None:
        """`,` and `.`: the weight before or after among the selected unit's weights in."""
        if self.insides is not None and self.layer_index:
            fan_in = self.insides.layer_sizes[self.layer_index - 1]
            self.select(self.layer_index, self.unit_index, (self.source + step) % (fan_in + 1))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y >= len(self._hits):
            return
        for start, end, hit in self._hits[offset.y]:
            if start <= offset.x < end:
                self.select(hit.layer, hit.unit, hit.source)
                return

    # -- drawing ---------------------------------------------------------------------------

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max(self._width, 1)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 2 * max(self.insides.layer_sizes) if self.insides else 1

    def _layout(self) -> tuple:
        return (self.size, self.app.theme, self.rich_style, self.has_focus)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _build(self) -> list[Strip]:
        insides = self.insides
        if insides is None:
            self._hits = []
            return []
        plain = self.rich_style
        if self._styled_for != (plain, self.background_colors[1]):  # a new theme
            self._styles.clear()
            self._styled_for = (plain, self.background_colors[1])
        rows = 2 * max(insides.layer_sizes)
        cells: list[list[tuple[str, Style]]] = [[] for _ in range(rows)]
        hits: list[list[tuple[int, int, Hit]]] = [[] for _ in range(rows)]
        for layer in range(len(insides.layer_sizes)):
            width = _column_width(insides, layer)
            if layer:
                for row in cells:
                    row.extend((char, plain) for char in GAP)
            for slot in range(rows // 2):
                top, bottom = self._unit_cells(insides, layer, slot, width, hits, cells)
                cells[2 * slot].extend(top)
                cells[2 * slot + 1].extend(bottom)
        self._hits = hits
        return [Strip(style_runs(row), len(row)).adjust_cell_length(max(self.size.width, 1),
                                                                     plain)
                if row else Strip([Segment(" " * self.size.width, plain)]) for row in cells]

    def _unit_cells(self, insides: Insides, layer: int, slot: int, width: int,
                    hits: list, cells: list) -> tuple[list, list]:
        """The two rows of one unit's place in a layer (blank below the last unit)."""
        plain = self.rich_style
        map_width = _map_width(insides)
        left = width - (map_width + 1 if map_width else 0)
        units = 1 if insides.summarised(layer) else insides.layer_sizes[layer]
        if slot >= units:
            return [(" ", plain)] * width, [(" ", plain)] * width
        if insides.summarised(layer):
            return (_text(f" {insides.layer_sizes[0]}", width, plain),
                    _text(" inputs", width, plain))
        selected = (layer, slot) == (self.layer_index, self.unit_index)
        here = len(cells[2 * slot])
        name_style = plain + Style(reverse=selected and self.has_focus, bold=selected)
        marker = "▶" if selected else " "
        top = _text(marker, 1, plain) + _text(insides.name(layer, slot), left - 1, name_style)
        bottom = self._strip(insides, layer, slot, left, here, hits[2 * slot + 1])
        for row in (2 * slot, 2 * slot + 1):  # a click anywhere else on it: the unit
            hits[row].append((here, here + width, Hit(layer, slot)))
        if map_width:
            top.append((" ", plain))
            bottom.append((" ", plain))
            first, second = self._map_rows(insides, layer, slot, map_width)
            top.extend(first)
            bottom.extend(second)
        return top, bottom

    def _strip(self, insides: Insides, layer: int, unit: int, width: int, here: int,
               hits: list) -> list[tuple[str, Style]]:
        """A unit's weights in, one glyph each, then its bias; a count when too many."""
        plain = self.rich_style
        if layer == 0:
            return [(" ", plain)] * width
        fan_in = insides.layer_sizes[layer - 1]
        selected = (layer, unit) == (self.layer_index, self.unit_index)
        if fan_in > WIDE_LAYER:
            cells = _text(f"←{fan_in} ", width - 1, plain)
            sources = [fan_in]
            cells.append(self._weight_cell(insides, layer, fan_in, unit, selected))
        else:
            sources = [*range(fan_in), fan_in]
            cells = [self._weight_cell(insides, layer, source, unit, selected)
                     for source in range(fan_in)]
            cells.append((" ", plain))
            cells.append(self._weight_cell(insides, layer, fan_in, unit, selected))
        for source in sources:  # a click on a glyph selects that weight
            column = here + (len(cells) - 1 if source == fan_in else source)
            hits.append((column, column + 1, Hit(layer, unit, source)))
        return cells + [(" ", plain)] * (width - len(cells))

    def _weight_cell(self, insides: Insides, layer: int, source: int, target: int,
                     selected_unit: bool) -> tuple[str, Style]:
        value = insides.weight(layer, source, target)
        size = weight_size(value)
        sign = 1 if value >= 0 else -1
        selected = selected_unit and source == self.source
        key = ("weight", sign, size, selected)
        style = self._styles.get(key)
        if style is None:
            colour = Color.parse(HIGH if sign > 0 else LOW)
            base = self.background_colors[1]
            style = self.rich_style + Style(
                color=base.blend(colour, 0.45 + 0.55 * size / 3).rich_color, bold=size == 3,
                reverse=selected, underline=selected)
            self._styles[key] = style
        return WEIGHT_GLYPHS[sign][size], style

    def _map_rows(self, insides: Insides, layer: int, unit: int,
                  width: int) -> tuple[list, list]:
        plain = self.rich_style
        levels = insides.maps[layer]
        if insides.is_off(layer, unit) or levels is None:
            words = "off" if insides.is_off(layer, unit) else ""
            dim = plain + Style(dim=True)
            return _text(words.center(width), width, dim), [(" ", plain)] * width
        grid = levels[unit]
        rows = []
        for line in range(2):
            row = len(grid) - 1 - line  # row 0 of the map is the bottom
            if row < 0:
                rows.append([(" ", plain)] * width)
                continue
            rows.append([(MAP_GLYPHS[level], self._shade(level)) for level in grid[row][:width]])
        return rows[0], rows[1]

    def _shade(self, level: int) -> Style:
        style = self._styles.get(("map", level))
        if style is None:
            middle = (MAP_LEVELS - 1) / 2
            colour = Color.parse(HIGH if level > middle else LOW)
            strength = abs(level - middle) / middle
            base = self.background_colors[1]
            tint = base.blend(colour, 0.35 + 0.65 * strength) if strength else self.colors[3]
            style = self._styles[("map", level)] = self.rich_style + Style(color=tint.rich_color)
        return style


def _text(text: str, width: int, style: Style) -> list[tuple[str, Style]]:
    return [(char, style) for char in text[:width].ljust(width)]


def _map_width(insides: Insides) -> int:
    return next((levels.shape[-1] for levels in insides.maps if levels is not None), 0)


def _column_width(insides: Insides, layer: int) -> int:
    """A layer's columns: the longest of its names (and the marker) or weight strips, then
    its maps."""
    if insides.summarised(layer):
        left = len(" inputs")
    else:
        left = 1 + max(len(name) for name in insides.names[layer])
        if layer:
            fan_in = insides.layer_sizes[layer - 1]
            left = max(left, len(f"←{fan_in}  ") if fan_in > WIDE_LAYER else fan_in + 2)
    maps = _map_width(insides)
    return left + (maps + 1 if maps else 0)


def _column_start(insides: Insides, layer: int) -> int:
    return sum(_column_width(insides, before) + len(GAP) for before in range(layer))


def _layout_width(insides: Insides) -> int:
    layers = range(len(insides.layer_sizes))
    return sum(_column_width(insides, layer) for layer in layers) + len(GAP) * (len(layers) - 1)
