"""Charts of the guessing game, drawn with plotext: one game's guesses step by step, and the
sweep of learning rates. Only the screen that shows them imports this module (plotext is heavy).

A game's chart keeps its axes for the whole game, so a new guess changes only a line or two of
it: the chart is built once per guess, and only the lines that differ are repainted.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.strip import Strip
from textual_plotext import PlotextPlot

from gdtui.guessing import HIGHEST, LOWEST, SweepRow
from gdtui.widgets.repaint import LiveLines

# Markers, so the lines differ without colour (NO_COLOR, 16 colours).
BAND_MARKER = "·"
SECRET_MARKER = "◆"
AVERAGE_MARKER = "•"
MISSED_MARKER = "x"


def thin(values: Sequence[float], width: int) -> tuple[list[int], list[float]]:
    """Every n-th value (with its 1-based position) so about two points fall on each column."""
    every = max(1, -(-len(values) // max(2 * width, 1)))
    positions = list(range(1, len(values) + 1, every))
    if positions and positions[-1] != len(values):
        positions.append(len(values))  # always keep the latest guess
    return positions, [values[at - 1] for at in positions]


class GuessChart(LiveLines, PlotextPlot):
    """Guess against guess number, with the secret and its "close enough" band."""

    # Below this height the title and axis label would squeeze the plot too much.
    TALL = 14

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self._drawn: tuple | None = None

    def show_game(
        self,
        guesses: Sequence[float],
        secret: int | None,
        tolerance: float,
        title: str,
        span: Sequence[float] = (),
        possible: tuple[float, float] | None = None,
    ) -> None:
        """Draw ``guesses`` so far, the secret (a solid line, named) and its band (dotted
        lines) when known, or the ``possible`` range (two solid lines). The y axis covers
        ``span`` (pass the whole game, so it does not jump while the guesses come in); the x
        axis at least 10 guesses."""
        self._drawn = (tuple(guesses), secret, tolerance, title, tuple(span), possible)
        plt = self.plt
        plt.clear_figure()
        if self.size.height >= self.TALL:
            plt.title(title)
            plt.xlabel("guess number")
        last = max(len(guesses), len(span), 10)
        plt.xlim(1, last)
        values = [*span, *guesses, *(possible or ())]
        if secret is not None:
            values += [secret - tolerance, secret + tolerance]
        low = max(LOWEST, min(values, default=LOWEST) - 3)
        high = min(HIGHEST, max(values, default=HIGHEST) + 3)
        plt.ylim(low, high)
        plt.yticks(sorted({round(low + share * (high - low)) for share in (0, 0.25, 0.5, 0.75, 1)}))
        if last <= 20:
            plt.xticks(list(range(1, last + 1, 1 if last <= 10 else 2)))
        # Told apart by their characters too: the band dotted, the secret solid and named.
        if secret is not None:
            for edge in (min(secret + tolerance, HIGHEST), max(secret - tolerance, LOWEST)):
                plt.plot([1, last], [edge, edge], marker=BAND_MARKER, color="green")
            plt.hline(secret, "green+")
            plt.text(f"{SECRET_MARKER} secret {secret}", last, secret, color="green+",
                     alignment="right")
        if possible is not None:
            plt.hline(possible[0], "yellow")
            plt.hline(possible[1], "yellow")
        if guesses:
            positions, shown = thin(guesses, self.size.width)
            plt.plot(positions, shown, marker="braille", color="cyan+")
            plt.scatter(positions[-1:], shown[-1:], marker="●", color="cyan+")
        self.repaint_changes()

    def on_resize(self) -> None:
        if self._drawn is not None:
            self.show_game(*self._drawn)

    def _build(self) -> list[Strip]:
        width, plain = self.size.width, self.rich_style
        drawn = self.render()  # PlotextPlot draws a Text
        lines = drawn.split("\n", allow_blank=True) if isinstance(drawn, Text) else []
        # every segment gets the widget's style under its own, as Textual would give it
        return [Strip(line.render(self.app.console)).apply_style(plain).simplify()
                .adjust_cell_length(width, plain) for line in lines]


class SweepChart(PlotextPlot):
    """For every learning rate: the average guesses (• cyan, left axis) and the share of
    secrets never reached (x red, right axis); the best rate is marked with a green line."""

    def show_sweep(self, rows: Sequence[SweepRow], best: SweepRow) -> None:
        """Draw the sweep with the best rate marked by a vertical line."""
        plt = self.plt
        plt.clear_figure()
        landed = [row for row in rows if row.average_guesses is not None]
        averages = [row.average_guesses for row in landed]
        plt.plot([row.learning_rate for row in landed], averages, marker=AVERAGE_MARKER,
                 color="cyan+")
        plt.plot(
            [row.learning_rate for row in rows],
            [100 * row.never_share for row in rows],
            marker=MISSED_MARKER,
            color="red+",
            yside="right",
        )
        rates = [row.learning_rate for row in rows]
        plt.xticks(sorted({rates[0], *range(10, int(rates[-1]) + 1, 10)}))
        top = max(averages, default=1)
        plt.ylim(0, top)
        plt.yticks([0, round(top / 2), round(top)])
        plt.ylim(0, 100, yside="right")
        plt.yticks([0, 50, 100], ["0%", "50%", "100%"], yside="right")
        plt.vline(best.learning_rate, "green+")
        if best.average_guesses is not None:
            plt.scatter([best.learning_rate], [best.average_guesses], marker="●", color="green+")
        self.refresh()
