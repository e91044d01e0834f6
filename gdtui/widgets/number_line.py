"""A number line from 1 to 100 with the guess (●), the secret (◆), the "close enough" band (━),
the trail of earlier guesses (•) and, while the secret is not known, the range it can be in
(═), three rows high:

       ▼ 40
    ────•───●─────━━◆━━──────────•───
    1        ▲ secret 37         100

Every guess moves only the marks, so a new guess repaints only the rows (and the cells of a
row, up to the last one) that changed: over SSH each repainted cell crosses the link.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from gdtui.guessing import HIGHEST, LOWEST
from gdtui.numbers import format_guess
from gdtui.widgets.repaint import LiveLines, style_runs

TICKS = (LOWEST, 25, 50, 75, HIGHEST)
LABEL_DECIMALS = 2  # a label of a fractional guess: 38.5, 26.56
# Every mark has its own character, so the line reads without colour (NO_COLOR, 16 colours).
AXIS, BAND, POSSIBLE = "─", "━", "═"
GUESS, SECRET, TRAIL = "●", "◆", "•"


def column(value: float, width: int) -> int:
    """The column (0..width-1) where ``value`` (1..100) sits on a line ``width`` wide."""
    if width <= 1:
        return 0
    share = (min(max(value, LOWEST), HIGHEST) - LOWEST) / (HIGHEST - LOWEST)
    return round(share * (width - 1))


class NumberLine(LiveLines):
    """Where the guess is on 1..100, and how far it is from the secret (when it is known)."""

    DEFAULT_CSS = """
    NumberLine {
        height: 3;
        width: 1fr;
        padding: 0 1;
    }
    NumberLine > .number-line--guess { color: $accent; text-style: bold; }
    NumberLine > .number-line--secret { color: $success; text-style: bold; }
    NumberLine > .number-line--band { color: $success; }
    NumberLine > .number-line--possible { color: $warning; }
    NumberLine > .number-line--trail { color: $text-muted; }
    NumberLine > .number-line--axis { color: $text-muted; }
    """
    COMPONENT_CLASSES = {
        "number-line--guess",
        "number-line--secret",
        "number-line--band",
        "number-line--possible",
        "number-line--trail",
        "number-line--axis",
    }

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.guess: float | None = None
        self.secret: float | None = None
        self.tolerance = 0.0
        self.trail: tuple[float, ...] = ()
        self.possible: tuple[float, float] | None = None

    def show(
        self,
        *,
        guess: float | None,
        secret: float | None = None,
        tolerance: float = 0.0,
        trail: Iterable[float] = (),
        possible: tuple[float, float] | None = None,
    ) -> None:
        """Draw ``guess``; ``secret`` with its band of ``tolerance`` either side; earlier guesses
        (``trail``); and ``possible``, the range the secret must be in when it is not known."""
        self.guess, self.secret, self.tolerance = guess, secret, tolerance
        self.trail, self.possible = tuple(trail), possible
        self.repaint_changes()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"number-line--{name}", partial=True)

    def rows(self) -> list[Text]:
        """The three rows: the guess, the line with its marks, the labels."""
        width = max(self.content_size.width, 10)
        return [self._guess_row(width), self._axis_row(width), self._label_row(width)]

    def render(self) -> Text:
        return Text("\n").join(self.rows())

    def _build(self) -> list[Strip]:
        console, plain = self.app.console, self.rich_style
        # every segment gets the widget's style under its own (colours need a background)
        return [Strip(Segment.apply_style(row.render(console), plain)).simplify()
                .adjust_cell_length(self.content_size.width, plain) for row in self.rows()]

    def _guess_row(self, width: int) -> Text:
        if self.guess is None:
            return Text(" " * width)
        at, number = column(self.guess, width), format_guess(self.guess, LABEL_DECIMALS)
        label, start = f"▼ {number}", at
        if at + len(label) > width:  # near the right end the marker goes last: "95 ▼"
            label = f"{number} ▼"
            start = at - len(label) + 1
        return Text.assemble(
            " " * start, (label, self._style("guess")), " " * (width - start - len(label))
        )

    def _axis_row(self, width: int) -> Text:
        cells: list[tuple[str, Style]] = [(AXIS, self._style("axis"))] * width
        if self.possible is not None:
            low, high = column(self.possible[0], width), column(self.possible[1], width)
            for at in range(low, high + 1):
                cells[at] = (POSSIBLE, self._style("possible"))
        if self.secret is not None:
            low = column(self.secret - self.tolerance, width)
            high = column(self.secret + self.tolerance, width)
            for at in range(low, high + 1):
                cells[at] = (BAND, self._style("band"))
        for value in self.trail:
            cells[column(value, width)] = (TRAIL, self._style("trail"))
        if self.secret is not None:
            cells[column(self.secret, width)] = (SECRET, self._style("secret"))
        if self.guess is not None:
            cells[column(self.guess, width)] = (GUESS, self._style("guess"))
        return Text.assemble(*((run.text, run.style) for run in style_runs(cells)))

    def _label_row(self, width: int) -> Text:
        taken = [False] * width
        placed: list[tuple[int, str, Style]] = []

        def place(at: int, label: str, style: Style) -> None:
            start = min(max(0, at), width - len(label))
            span = range(max(0, start - 1), min(width, start + len(label) + 1))
            if start < 0 or any(taken[i] for i in span):
                return
            for i in range(start, start + len(label)):
                taken[i] = True
            placed.append((start, label, style))

        if self.secret is not None:
            at = column(self.secret, width)
            label = f"▲ secret {format_guess(self.secret, LABEL_DECIMALS)}"
            place(at if at + len(label) <= width else at - len(label) + 1, label,
                  self._style("secret"))
        for tick in TICKS:
            label = str(tick)
            # 1 starts at its column, 100 ends at its column, the others are centred on it.
            shift = 0 if tick == LOWEST else len(label) - 1 if tick == HIGHEST else len(label) // 2
            place(column(tick, width) - shift, label, self._style("axis"))
        row = Text()
        cursor = 0
        for start, label, style in sorted(placed):
            row.append(" " * (start - cursor))
            row.append(label, style)
            cursor = start + len(label)
        row.append(" " * (width - cursor))
        return row
