"""The Training Lab's loss chart: training and validation loss against step, with a marker at
every setting changed mid-run. Drawn with plotext; only the Lab imports this module.

plotext rebuilds the whole chart on every render, so the chart is plotted afresh and built
once per new data (or new size), turned straight into lines of segments (much quicker than
Textual's general text layout), and kept until then.

Every byte of a redraw crosses the link when gdtui is played over SSH, so the chart keeps
still what has not changed: the step axis ends at a round number (1, 1.5, 2, 3, 4, 5, 6 or 8
times a power of ten) and the loss axis at whole powers of ten (log scale) or a round number
(linear), so the axes move only now and then, and a redraw repaints only the lines that
differ from those on screen.
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left
from collections.abc import Sequence

from plotext._utility import colors_to_ansi
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual_plotext import PlotextPlot

from gdtui.training.history import Change, Evaluation
from gdtui.training.view import (
    LossSeries,
    change_label,
    loss_series,
    step_ticks,
    thin_indices,
)
from gdtui.widgets.repaint import LiveLines, style_runs

TRAIN = ("•", "cyan+")  # marker and colour: told apart by shape as well as colour
VALIDATION = ("x", "orange+")
BOTH = ("*", "default")  # where the two losses fall in one cell, so neither hides the other
MARKER_COLOUR = "magenta+"
LABELLED_CHANGES = 3  # only the latest few markers get a label, so labels do not pile up
LABEL_COLUMNS = 10  # room a marker label takes
ROUND_STEPS = (1, 1.5, 2, 3, 4, 5, 6, 8)  # where an axis may end, times a power of ten


class LossChart(LiveLines, PlotextPlot):
    """Loss against step; `show()` hands it new data, `log_scale` switches the y axis."""

    can_focus = True  # the Lab's keys work while the chart has the focus

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.log_scale = True
        self._data: tuple[LossSeries, Sequence[Change]] = (LossSeries([], [], []), ())

    def show(self, losses: LossSeries, changes: Sequence[Change]) -> None:
        """Draw the losses (as thinned by `thin`) and the change markers.

        Only the lines that now read differently are repainted.
        """
        self._data = (losses, changes)
        self.repaint_changes()

    def thin(self, evaluations: Sequence[Evaluation], best: Evaluation | None = None,
             ) -> LossSeries:
        """The losses to draw: every k-th evaluation and the latest, about twice the width,
        and `best` (the lowest validation loss, where an overfitting curve turns up).

        k is a power of two, so from one redraw to the next the same points are drawn (at a
        doubling of k every other one goes) and the chart changes only where the new ones are.
        """
        every, wanted = 1, max(2 * self.size.width, 20)
        while len(evaluations) > every * wanted:
            every *= 2
        kept = list(evaluations[::every])
        if (len(evaluations) - 1) % every:
            kept.append(evaluations[-1])
        if best is not None and every > 1:
            at = bisect_left(kept, best.step, key=_step)
            if at == len(kept) or kept[at].step != best.step:
                kept.insert(at, best)
        return loss_series(kept, len(kept))

    def title(self, interval: int | None) -> str:
        """What the chart shows, for its border: how often the losses are measured (every
        `interval` steps, on all points), the key and the scale; shorter when narrow."""
        every = f"every {interval:,} steps" if interval else ""
        scale = "log" if self.log_scale else "linear"
        train, validation, both = TRAIN[0], VALIDATION[0], BOTH[0]
        marks = f"{train} train {validation} val {both} both"
        key = f"{marks} | change"
        forms = (f"{train} train  {validation} validation  {both} both  | change · {scale} scale",
                 f"{key} · {scale}", key)
        forms = tuple(f"loss {every}: {form}" if every else f"loss: {form}" for form in forms)
        forms += (f"{every}: {key}", key, marks) if every else (key, marks)
        room = self.size.width - 2  # (the border's corners)
        return next((form for form in forms if len(form) <= room), forms[-1])

    def toggle_log_scale(self) -> bool:
        """Switch between a log and a linear y axis; returns True for log."""
        self.log_scale = not self.log_scale
        self.refresh()
        return self.log_scale

    def _layout(self) -> tuple:
        return (self.size, self.app.theme, self.log_scale)  # a new scale moves every line

    def _build(self) -> list[Strip]:
        width = self.size.width
        for log_scale in dict.fromkeys((self.log_scale, False)):
            try:
                self._draw(log_scale)
                return [strip.adjust_cell_length(width) for strip in self._read_plotext()]
            except (ArithmeticError, TypeError, ValueError, IndexError):
                pass  # plotext trips on a few edge cases (tiny sizes)
        return [Strip([Segment("(the chart needs a larger window)", self.rich_style)])
                .adjust_cell_length(width)]

    def _read_plotext(self) -> list[Strip]:
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
        return [Strip(style_runs([(marker, _style(colours)) for marker, colours
                                  in zip(markers, zip(foregrounds, styles, backgrounds,
                                                      strict=True), strict=True)]))
                for markers, foregrounds, styles, backgrounds in rows]

    def _draw(self, log_scale: bool) -> None:
        losses, changes = self._data
        plt = self.plt
        plt.clear_figure()
        keep = [i for i, (train, validation) in enumerate(zip(losses.train, losses.validation,
                                                                strict=True))
                if _drawable(train, log_scale) and _drawable(validation, log_scale)]
        steps = [losses.steps[i] for i in keep]
        train = [_height(losses.train[i], log_scale) for i in keep]
        validation = [_height(losses.validation[i], log_scale) for i in keep]
        last_step = round_up(max(losses.steps[-1] if losses.steps else 0, 10))
        plt.xlim(0, last_step)
        plt.xticks(*step_ticks(int(last_step), max(2, self.size.width // 12)))
        if not steps:
            return
        bottom, top, ticks, labels = loss_axis(min(min(train), min(validation)),
                                               max(max(train), max(validation)), log_scale,
                                               max(2, (self.size.height - 2) // 2))
        plt.ylim(bottom, top)
        plt.yticks(ticks, labels)
        # The key is in the Lab's border title: a plotext legend hides too much of a small
        # chart. Each measurement is a mark (no lines between them, which would cross). Half a
        # row apart or less, the two losses share a cell: one mark for both there, else the one
        # drawn last would hide the other (the validation loss, early in a run).
        near = (top - bottom) / max(self.size.height - 3, 1) / 2  # (the x axis takes 3 rows)
        together = [abs(low - high) <= near for low, high in zip(train, validation, strict=True)]
        for (marker, colour), values, where in ((TRAIN, train, False),
                                                (VALIDATION, validation, False),
                                                (BOTH, train, True)):
            shown = [i for i, both in enumerate(together) if both == where]
            if shown:
                plt.scatter([steps[i] for i in shown], [values[i] for i in shown],
                            marker=marker, color=colour)
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


def round_up(value: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten that is at least `value`
    (positive): where an axis ends, so it stays put while the data grows a little."""
    power = 10.0 ** math.floor(math.log10(value))
    for step in (*ROUND_STEPS, 10):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10 * power


def loss_axis(low: float, high: float, log_scale: bool,
              most: int) -> tuple[float, float, list[float], list[str]]:
    """(bottom, top, ticks, labels) of the loss axis, for heights from `low` to `high`.

    Log scale: the heights are powers of ten (see _height); the axis spans whole decades
    with at most `most` labels, like "0.01". Linear: from 0 (or below, for a negative loss)
    to a round number, labelled at the ends and the middle.
    """
    if log_scale:
        bottom, top = math.floor(low), math.ceil(high)
        top = max(top, bottom + 1)
        every = -(-(top - bottom) // max(most - 1, 1))
        decades = [d for d in range(bottom, top + 1) if d % every == 0] or [top]
        return bottom, top, [float(d) for d in decades], [_decade(d) for d in decades]
    top = round_up(high) if high > 0 else 1.0
    bottom = -round_up(-low) if low < 0 else 0.0
    ticks = [bottom, (bottom + top) / 2, top]
    return bottom, top, ticks, [f"{tick:g}" for tick in ticks]


def _decade(power: int) -> str:
    """10 to the `power` as a short label: "1000", "1", "0.01", "1e-4"."""
    if -3 <= power < 0:
        return f"{10.0 ** power:.{-power}f}"
    if 0 <= power <= 4:
        return str(10**power)
    return f"1e{power}"


def _height(value: float, log_scale: bool) -> float:
    """Where a loss goes on the y axis: plotted as its log10 on a log scale (plotext's own log
    scale picks its own tick labels, which change width and shift the chart as the loss falls)."""
    return math.log10(value) if log_scale else value


@functools.cache
def _style(colours: tuple) -> Style:
    """The Rich style of plotext's (foreground, style, background) for one cell."""
    text = Text.from_ansi(colors_to_ansi(*colours) + "x")
    return text.spans[0].style if text.spans else Style.null()


def _step(evaluation: Evaluation) -> int:
    return evaluation.step


def _drawable(value: float, log_scale: bool) -> bool:
    return math.isfinite(value) and (value > 0 or not log_scale)
