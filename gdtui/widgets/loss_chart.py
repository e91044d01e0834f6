"""The Training Lab's loss chart: training and validation loss against step, with a marker at
every setting changed mid-run. Drawn with plotext; only the Lab imports this module.

plotext rebuilds the whole chart on every render, and its log scale changes the plotted data
in place, so the chart is plotted afresh and built once per new data (or new size), turned
straight into lines of segments (much quicker than Textual's general text layout), and kept
until then.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Sequence

from plotext._utility import colors_to_ansi
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual_plotext import PlotextPlot

from gdtui.trainer import Change
from gdtui.trainer_view import LossSeries, change_label, step_ticks, thin_indices

TRAIN = ("•", "cyan+")  # marker and colour: told apart by shape as well as colour
VALIDATION = ("x", "orange+")
MARKER_COLOUR = "magenta+"
LABELLED_CHANGES = 3  # only the latest few markers get a label, so labels do not pile up
LABEL_COLUMNS = 10  # room a marker label takes


class LossChart(PlotextPlot):
    """Loss against step; `show()` hands it new data, `log_scale` switches the y axis."""

    can_focus = True  # the Lab's keys work while the chart has the focus

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.log_scale = True
        self.build_seconds = 0.0  # how long the last build took: the Lab redraws less often
        self._data: tuple[LossSeries, Sequence[Change]] = (LossSeries([], [], []), ())
        self._version = 0
        self._built: tuple[tuple, list[Strip]] | None = None

    def show(self, losses: LossSeries, changes: Sequence[Change]) -> None:
        """Draw the losses (already thinned to about twice the width) and change markers."""
        self._data = (losses, changes)
        self._version += 1
        self.refresh()

    def toggle_log_scale(self) -> bool:
        """Switch between a log and a linear y axis; returns True for log."""
        self.log_scale = not self.log_scale
        self.refresh()
        return self.log_scale

    def render_line(self, y: int) -> Strip:
        key = (self._version, self.size, self.app.theme, self.log_scale)
        if self._built is None or self._built[0] != key:
            started = time.perf_counter()
            width = self.size.width
            self._built = (key, [strip.adjust_cell_length(width) for strip in self._build()])
            self.build_seconds = time.perf_counter() - started
        strips = self._built[1]
        return strips[y] if y < len(strips) else Strip.blank(self.size.width)

    def _build(self) -> list[Strip]:
        for log_scale in dict.fromkeys((self.log_scale, False)):
            try:
                self._draw(log_scale)
                return self._lines()
            except (ArithmeticError, TypeError, ValueError, IndexError):
                pass  # plotext trips on a few edge cases (one point on a log axis, tiny sizes)
        return [Strip([Segment("(the chart needs a larger window)")])]

    def _lines(self) -> list[Strip]:
        """Build the chart and read plotext's grid of characters and colours as lines.

        This is plotext's own build() without its last step, which writes the grid out as
        ANSI text that Rich would then have to parse again: a third of the chart's time.
        """
        plt, (width, height) = self.plt, self.size
        plt.plotsize(width, height)  # as PlotextPlot.render() does
        plt._set_size(width, height)
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        try:
            plt._set_sizes()
            plt._build_matrix()
            matrix = plt.monitor.matrix
            rows = [(matrix.marker[r], matrix.fullground[r], matrix.style[r],
                     matrix.background[r]) for r in reversed(matrix.Rows)]
        except AttributeError:  # another plotext version: take the slower, public way
            text = super().render()
            return [Strip(Segment.simplify(line.render(self.app.console)))
                    for line in text.split("\n", allow_blank=True)]
        lines = []
        for markers, foregrounds, styles, backgrounds in rows:
            segments, run, colours = [], [], None
            for marker, cell in zip(markers, zip(foregrounds, styles, backgrounds,
                                                 strict=True), strict=True):
                if cell != colours and run:
                    segments.append(Segment("".join(run), _style(colours)))
                    run = []
                colours = cell
                run.append(marker)
            if run:
                segments.append(Segment("".join(run), _style(colours)))
            lines.append(Strip(segments))
        return lines

    def _draw(self, log_scale: bool) -> None:
        losses, changes = self._data
        plt = self.plt
        plt.clear_figure()
        keep = [i for i, (train, validation) in enumerate(zip(losses.train, losses.validation,
                                                                strict=True))
                if _drawable(train, log_scale) and _drawable(validation, log_scale)]
        steps = [losses.steps[i] for i in keep]
        train = [losses.train[i] for i in keep]
        validation = [losses.validation[i] for i in keep]
        last_step = max(losses.steps[-1] if losses.steps else 0, 10)
        plt.xlim(0, last_step)
        plt.xticks(*step_ticks(last_step, max(2, self.size.width // 12)))
        if not steps:
            return
        if log_scale:
            plt.yscale("log")
        # the key is in the Lab's border title: a plotext legend hides too much of a small chart
        plt.plot(steps, validation, marker=VALIDATION[0], color=VALIDATION[1])
        plt.plot(steps, train, marker=TRAIN[0], color=TRAIN[1])
        top = max(max(train), max(validation))
        shown = [changes[i] for i in thin_indices(len(changes), max(self.size.width // 2, 1))]
        for change in shown:
            plt.vline(change.step, MARKER_COLOUR)
        steps_per_column = last_step / max(self.size.width, 1)
        labelled: list[Change] = []
        for change in reversed(shown):  # the latest first; skip labels that would collide
            if labelled and labelled[-1].step - change.step < LABEL_COLUMNS * steps_per_column:
                continue
            labelled.append(change)
            plt.text(change_label(change), change.step, top, color=MARKER_COLOUR,
                     alignment="left")
            if len(labelled) == LABELLED_CHANGES:
                break


@functools.cache
def _style(colours: tuple) -> Style:
    """The Rich style of plotext's (foreground, style, background) for one cell."""
    text = Text.from_ansi(colors_to_ansi(*colours) + "x")
    return text.spans[0].style if text.spans else Style.null()


def _drawable(value: float, log_scale: bool) -> bool:
    return math.isfinite(value) and (value > 0 or not log_scale)
