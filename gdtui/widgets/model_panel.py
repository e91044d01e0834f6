"""The Training Lab's model panel: decision regions with the data points on top for 2-D data,
the fitted curve for 1-input regression, the digits panel (widgets/digits_panel.py) for the
handwritten digits.

The regions are drawn cell by cell with Rich segments (one grid point per terminal cell):
each class's region has its own faint character ("-" for class 0, "+" for class 1) as well as
its colour, and each class's points their own shape, so the picture reads without colour
(NO_COLOR, 16 colours). The curve is drawn with plotext. Only the Lab imports this module.
"""

from __future__ import annotations

import numpy as np
from rich.style import Style
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Vertical
from textual.strip import Strip
from textual.widgets import Static
from textual_plotext import PlotextPlot

from gdtui.training.digits_picture import DigitsPicture
from gdtui.training.picture import SHADE_LEVELS, Curve, Regions
from gdtui.widgets.digits_panel import VIEW_KEY, DigitsPanel
from gdtui.widgets.repaint import LiveLines, style_runs

# Told apart by shape as well as colour; hollow shapes are validation points.
COLOURS = ("#4e9de6", "#f28e2b", "#5cb85c")
TRAIN_GLYPHS = ("●", "▲", "■")
VALIDATION_GLYPHS = ("○", "△", "□")
# The character filling each class's region (for regression: below, above the middle).
REGION_GLYPHS = ("-", "+", "·")
# How much of the class colour tints a region, from unsure to sure.
TINT = tuple(0.08 + 0.42 * level / (SHADE_LEVELS - 1) for level in range(SHADE_LEVELS))
# The region characters are a little more tinted than their cell: seen, but quiet.
GLYPH_TINT = 0.22


def legend(n_colours: int, classification: bool) -> str:
    """The key to the picture, for the panel's bottom border."""
    names = ("low", "high") if not classification else tuple(str(k) for k in range(n_colours))
    return "  ".join(f"{TRAIN_GLYPHS[k]}{REGION_GLYPHS[k]} {name}"
                     for k, name in enumerate(names)) + "  hollow: validation"


class RegionView(LiveLines):
    """A picture of what the network answers at every cell, with the data points on it."""

    DEFAULT_CSS = "RegionView { width: 1fr; height: 1fr; }"

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._strips: list[Strip] = []  # the picture: a line per row of its grid
        self._styles: dict[tuple[int, int, int], Style] = {}
        self._base = Color(0, 0, 0)  # the background the styles were made for
        self._text = Color(255, 255, 255)
        self._shown: Regions | None = None

    def _style(self, colour: int, strength: int, glyph_colour: int) -> Style:
        """A cell of class `colour` tinted by `strength`, with a point of class `glyph_colour`
        on it (-1: no point, the cell shows its region's character)."""
        key = (colour, strength, glyph_colour)
        style = self._styles.get(key)
        if style is None:
            base = self._base
            background = base.blend(Color.parse(COLOURS[colour]), TINT[strength])
            if self.app.no_color:
                # the filter greys every colour: the text colour keeps the characters legible
                foreground = self._text
            elif glyph_colour >= 0:
                foreground = Color.parse(COLOURS[glyph_colour])
            else:
                foreground = base.blend(Color.parse(COLOURS[colour]),
                                        min(1.0, TINT[strength] + GLYPH_TINT))
            style = Style(color=foreground.rich_color, bgcolor=background.rich_color,
                          bold=glyph_colour >= 0)
            self._styles[key] = style
        return style

    def show(self, regions: Regions) -> None:
        """Draw `regions` (its grid should match this widget's size)."""
        base, text = self.background_colors[1], self.colors[3]
        if (base, text) != (self._base, self._text):  # a new theme
            self._styles.clear()
            self._base, self._text, self._shown = base, text, None
        if self._shown is not None and _same(self._shown, regions):
            return  # the shades change in steps: often nothing to redraw while training
        self._shown = regions
        ny, nx = regions.colours.shape
        n = len(COLOURS)
        colours, strengths = regions.colours.tolist(), regions.strengths.tolist()
        marks, hollow = regions.marks.tolist(), regions.hollow.tolist()
        strips = []
        for line in range(ny):
            row = ny - 1 - line  # row 0 of the grid is the bottom of the picture
            cells = []
            for column in range(nx):
                colour, mark = colours[row][column] % n, marks[row][column]
                if mark < 0:  # no point here: the region's own character
                    glyph, glyph_colour = REGION_GLYPHS[colour], -1
                else:
                    glyph_colour = mark % n
                    shapes = VALIDATION_GLYPHS if hollow[row][column] else TRAIN_GLYPHS
                    glyph = shapes[glyph_colour]
                cells.append((glyph, self._style(colour, strengths[row][column], glyph_colour)))
            strips.append(Strip(style_runs(cells), nx))
        self._strips = strips
        # the regions change a little at a time while training: repaint only that
        self.repaint_changes()

    def on_resize(self) -> None:
        self._shown = None  # the Lab sends a picture of the new size next

    def _layout(self) -> tuple:
        # a picture of another shape moves every line
        shape = (len(self._strips), self._strips[0].cell_length if self._strips else 0)
        return (self.size, self.app.theme, self.rich_style, shape)

    def _build(self) -> list[Strip]:
        width, plain = self.size.width, self.rich_style
        return [strip.adjust_cell_length(width, plain) for strip in self._strips]


def _same(shown: Regions, new: Regions) -> bool:
    return (np.array_equal(shown.colours, new.colours)
            and np.array_equal(shown.strengths, new.strengths)
            and np.array_equal(shown.marks, new.marks)
            and np.array_equal(shown.hollow, new.hollow))


class CurveView(PlotextPlot):
    """The fitted curve of a 1-input regression over its data points."""

    def show(self, curve: Curve) -> None:
        """Draw the curve, training points (•) and validation points (x)."""
        plt = self.plt
        plt.clear_figure()
        plt.scatter(curve.train_x, curve.train_y, marker="•", color="cyan+")
        plt.scatter(curve.validation_x, curve.validation_y, marker="x", color="orange+")
        if curve.xs:
            plt.plot(curve.xs, curve.ys, marker="braille", color="magenta+")
        self.refresh()


class ModelPanel(Vertical):
    """Shows whichever picture suits the data: regions, a curve, the digits, or a note."""

    DEFAULT_CSS = """
    ModelPanel > * { display: none; }
    ModelPanel > .shown { display: block; }
    ModelPanel > #model-note { height: auto; }
    """

    _subtitle: str | None = None  # the key last put in the bottom border

    def compose(self) -> ComposeResult:
        yield RegionView(id="regions")
        yield CurveView(id="curve")
        yield DigitsPanel(id="digits")
        # (2-input data gets regions, a 1-input regression its curve, the digits their panel)
        yield Static("No picture of this data: the panel draws data with 2 inputs, a curve of "
                     "1 input to a number, and the digits. The loss chart and the network view "
                     "(v) still show how it learns.", id="model-note")

    def picture_size(self) -> tuple[int, int]:
        """(columns, rows) a region picture should have to fill the panel."""
        size = self.content_size
        return max(size.width, 2), max(size.height, 2)

    def show(self, picture: Regions | Curve | DigitsPicture | None,
             classification: bool) -> None:
        """Draw the picture and put its key in the bottom border."""
        shown = {Regions: "regions", Curve: "curve",
                 DigitsPicture: "digits"}.get(type(picture), "model-note")
        for child in self.children:
            child.set_class(child.id == shown, "shown")
        if isinstance(picture, Regions):
            self.query_one(RegionView).show(picture)
            subtitle = legend(picture.n_colours, classification)
        elif isinstance(picture, Curve):
            self.query_one(CurveView).show(picture)
            subtitle = "• train  x validation  ⠿ network"
        elif isinstance(picture, DigitsPicture):
            digits = self.query_one(DigitsPanel)
            digits.show(picture)
            subtitle = digits.legend()
        else:
            subtitle = ""
        self._set_subtitle(subtitle)

    def next_digits_view(self) -> str | None:
        """Move the digits panel to its next view; None if it did, else why it did not."""
        digits = self.query_one(DigitsPanel)
        if not digits.has_class("shown"):
            return (f"{VIEW_KEY} changes the digits panel's view: load the preset 'digits' "
                    "(p) first.")
        digits.next_view()
        self._set_subtitle(digits.legend())
        return None

    def on_digits_panel_resized(self) -> None:
        digits = self.query_one(DigitsPanel)
        if digits.has_class("shown"):  # all three views may fit now, or no longer
            self._set_subtitle(digits.legend())

    def _set_subtitle(self, subtitle: str) -> None:
        if subtitle != self._subtitle:  # setting it repaints the whole panel, even unchanged
            self.border_subtitle = self._subtitle = subtitle
