"""Guessing game, mode 3: compare learning rates on one secret, then sweep rates 1 to 60 over
every secret (steps 5 and 6 of the source), and discuss what a rate of 50 does."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, DataTable, Input, Label, Static, Tabs

from gdtui.guessing import (
    COMPARE_RATES,
    DEFAULT_START,
    DEFAULT_TOLERANCE,
    Game,
    SweepRow,
    best_rate,
    compare,
    discussion_answer,
    parse_learning_rate,
    short_outcome,
    sweep,
)
from gdtui.numbers import format_guess
from gdtui.widgets.guess_chart import AVERAGE_MARKER, MISSED_MARKER, SweepChart

QUESTION = (
    "[b]Discuss:[/b] What would happen with a learning rate of 50? "
    "Why might the guess keep jumping past the answer?"
)
MOST_ADDED = 5  # rates the player can add; the oldest goes first


class ComparePane(VerticalScroll):
    """Several learning rates side by side, the sweep, and the discussion question."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.added: list[float] = []
        self.secret: int | None = None
        self.max_steps: int | None = None
        self.games: list[Game] = []
        self.rows: list[SweepRow] = []
        self._ready = False  # mounted: its widgets are there to draw on

    def compose(self) -> ComposeResult:
        with Vertical(id="compare-games"):
            with Horizontal(id="compare-top"):
                yield Static(id="compare-intro")
                yield Label("Add a rate:")
                yield Input(id="add-rate", compact=True, placeholder="e.g. 5")
            yield Static(id="add-error", classes="error")
            yield DataTable(id="compare-table", cursor_type="none", zebra_stripes=True)
        with Vertical(id="compare-sweep"):
            yield Static(id="sweep-summary")
            yield SweepChart(id="sweep-chart")
        with Vertical(id="compare-discuss"):
            yield Static(QUESTION, id="question")
            with Horizontal(classes="buttons"):
                yield Button("Show an answer (a)", id="show-answer", compact=True,
                             variant="primary")
                yield Button("Lesson: the learning rate (o)", id="open-lesson", compact=True)
            yield Static(id="answer")

    def on_mount(self) -> None:
        self.query_one("#answer", Static).display = False
        self.query_one("#add-error", Static).display = False
        self._ready = True
        self._refresh_games()

    def show_sweep(self) -> None:
        """Run the sweep of every rate over every secret, the first time it is needed."""
        if not self.rows:
            self.rows = sweep()
            self._show_sweep()

    def setup(self, secret: int, max_steps: int) -> None:
        """Replay the rates on this secret."""
        if (secret, max_steps) == (self.secret, self.max_steps):
            return
        self.secret, self.max_steps = secret, max_steps
        self._refresh_games()

    def add_rate(self, text: str) -> bool:
        """Add a learning rate typed by the player; a clear message when it is not one."""
        error = self.query_one("#add-error", Static)
        try:
            rate = parse_learning_rate(text)
        except ValueError as problem:
            error.update(Content(f"Add a rate: {problem}. The table is unchanged."))
            error.display = True
            return False
        error.display = False
        if rate not in self.added and rate not in COMPARE_RATES:
            self.added = [*self.added, rate][-MOST_ADDED:]
        self._refresh_games()
        return True

    def reveal(self) -> None:
        """Show the answer to the discussion question, built from real games."""
        if not self.games:
            return
        answer = self.query_one("#answer", Static)
        answer.update(Content(discussion_answer(self.games)))  # the games the table shows
        answer.display = True
        self.call_after_refresh(answer.scroll_visible)

    def _refresh_games(self) -> None:
        if self.secret is None or self.max_steps is None or not self._ready:
            return  # on_mount plays them
        rates = [*COMPARE_RATES, *self.added]
        self.games = compare(self.secret, DEFAULT_START, rates, self.max_steps, DEFAULT_TOLERANCE)
        self.query_one("#compare-intro", Static).update(
            f"Secret [b]{self.secret}[/b], start {DEFAULT_START}, up to {self.max_steps} guesses."
        )
        self._fill_table()
        answer = self.query_one("#answer", Static)
        if answer.display:  # the answer is written from the games shown: keep it in step
            answer.update(Content(discussion_answer(self.games)))

    def _fill_table(self) -> None:
        # The guesses column takes the width left over and wraps, so every sequence shows whole.
        table = self.query_one("#compare-table", DataTable)
        results = [short_outcome(game) for game in self.games]
        rates = [format_guess(game.learning_rate) for game in self.games]
        rate_width = max(len("Rate"), *(len(rate) for rate in rates))
        result_width = max(len("Result"), *(len(result) for result in results))
        room = (self.query_one("#compare-games").content_size.width or 76) - 2  # scrollbar
        guesses_width = max(12, room - rate_width - result_width - 2 * 3)
        table.clear(columns=True)
        table.add_column("Rate", width=rate_width)
        table.add_column("Result", width=result_width)
        table.add_column("Guesses", width=guesses_width)
        for rate, result, game in zip(rates, results, self.games, strict=True):
            guesses = " ".join(format_guess(guess) for guess in game.guesses)
            table.add_row(rate, result, guesses, height=None)

    def on_resize(self) -> None:
        if self.games:
            self.call_after_refresh(self._fill_table)  # once the new widths are laid out

    def _show_sweep(self) -> None:
        rows = self.rows
        best = best_rate(rows)
        by_rate = {row.learning_rate: row for row in rows}
        slow, wild = by_rate.get(1.0), by_rate.get(50.0)
        misses = "never misses" if best.converged == 100 else f"misses {100 - best.converged}"
        average = "" if best.average_guesses is None else f"{best.average_guesses:.1f} guesses, "
        parts: list[str | tuple[str, str]] = [
            ("All 100 secrets: ", "bold"),
            (f"best rate {format_guess(best.learning_rate)}", "bold $success"),
            f" ({average}{misses})",
        ]
        if slow is not None and slow.average_guesses is not None:
            parts.append(f"; rate 1 takes {slow.average_guesses:.1f}")
        if wild is not None:
            parts.append(f", rate 50 misses {100 - wild.converged}")
        parts += [". ", (f"{AVERAGE_MARKER} average guesses", "bold ansi_bright_cyan"), " (left), ",
                  (f"{MISSED_MARKER} % missed", "bold ansi_bright_red"), " (right)."]
        self.query_one("#sweep-summary", Static).update(Content.assemble(*parts))
        self.query_one("#sweep-chart", SweepChart).show_sweep(rows, best)

    @on(Input.Submitted, "#add-rate")
    def rate_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.add_rate(event.value):
            event.input.value = ""
            self.screen.query_one(Tabs).focus()  # the game keys work again

    @on(Button.Pressed, "#show-answer")
    def answer_pressed(self) -> None:
        self.reveal()

    @on(Button.Pressed, "#open-lesson")
    def lesson_pressed(self) -> None:
        self.app.open_lesson("learning-rate")
