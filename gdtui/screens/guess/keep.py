"""Guessing game, mode 1: you keep the secret, the computer guesses (steps 1 to 4 of the source)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from gdtui.guessing import (
    DEFAULT_START,
    DEFAULT_TOLERANCE,
    Answer,
    ComputerGuesser,
    Outcome,
    outcome_words,
)
from gdtui.numbers import format_guess
from gdtui.widgets.number_line import NumberLine

KEEP_INTRO = (
    "Think of a whole number from 1 to 100. I guess from "
    f"{DEFAULT_START} and move exactly the learning rate each time. Say [b]right[/b] when I am "
    f"within {format_guess(DEFAULT_TOLERANCE)} (for {DEFAULT_START}: "
    f"{format_guess(DEFAULT_START - DEFAULT_TOLERANCE)} to "
    f"{format_guess(DEFAULT_START + DEFAULT_TOLERANCE)})."
)


class GameFinished(Message):
    """A game of any mode ended: the screen saves the fewest guesses and logs it."""

    def __init__(self, mode: str, learning_rate: float, guesses: int | None, outcome: str):
        super().__init__()
        self.mode = mode
        self.learning_rate = learning_rate
        self.guesses = guesses  # None when it never got within the tolerance
        self.outcome = outcome


class KeepPane(Vertical):
    """The computer guesses your number; answer with keys or buttons."""

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.guesser: ComputerGuesser | None = None

    def compose(self) -> ComposeResult:
        yield Static(KEEP_INTRO, classes="intro")
        with Horizontal(classes="keep-row"):
            yield Static(id="keep-guess")
            yield Static(id="keep-count")
        with Horizontal(classes="buttons"):
            yield Button("Too high (h ↓)", id="too-high", compact=True)
            yield Button("Too low (l ↑)", id="too-low", compact=True)
            yield Button("Right! (r)", id="right", compact=True, variant="success")
            yield Button("New game (g)", id="keep-new", compact=True)
        yield Static(id="keep-message")
        yield NumberLine(id="keep-line")
        yield Static(id="keep-history", classes="hint")

    async def add_chart(self) -> None:
        """Add the chart of the guesses (shown on tall screens), after the screen is drawn: its
        module loads plotext, which the first frame does without."""
        from gdtui.widgets.guess_chart import GuessChart

        if not self.query(GuessChart):
            await self.mount(GuessChart(id="keep-chart", classes="chart"))
            self._redraw()

    def setup(self, learning_rate: float, max_steps: int) -> None:
        """Start a new game unless one with these settings is already going."""
        guesser = self.guesser
        if guesser and (guesser.learning_rate, guesser.max_steps) == (learning_rate, max_steps):
            return
        self.new_game(learning_rate, max_steps)

    def new_game(self, learning_rate: float | None = None, max_steps: int | None = None) -> None:
        """Forget the answers and guess again from the start (same settings by default)."""
        old = self.guesser
        self.guesser = ComputerGuesser(
            learning_rate if learning_rate is not None else old.learning_rate,
            DEFAULT_START,
            max_steps if max_steps is not None else old.max_steps,
            DEFAULT_TOLERANCE,
        )
        self._say(f"Is your number {format_guess(self.guesser.guess)}? "
                  "Too high, too low, or right?", refused=False)
        self._redraw()

    def answer(self, answer: Answer) -> None:
        """Pass the player's answer on and show the computer's reply."""
        guesser = self.guesser
        if guesser is None:
            return
        was_finished = guesser.finished
        reply = guesser.answer(answer)
        self._say(reply.message, refused=not reply.accepted)
        self._redraw()
        if reply.finished and not was_finished:
            count = len(guesser.guesses)
            words = outcome_words(guesser.outcome, guesser.tolerance, count, guesser.oscillation)
            guesses = count if guesser.outcome is Outcome.CONVERGED else None
            self.post_message(GameFinished("keep", guesser.learning_rate, guesses, words))

    def _say(self, message: str, refused: bool) -> None:
        said = self.query_one("#keep-message", Static)
        said.update(Content(message))
        said.set_class(refused, "refused")

    def _redraw(self) -> None:
        guesser = self.guesser
        if guesser is None:
            return
        finished = guesser.finished
        shown = guesser.guesses[-1] if finished and guesser.guesses else guesser.guess
        label = "My last guess" if finished else "My guess"
        self.query_one("#keep-guess", Static).update(f"{label}: [b]{format_guess(shown)}[/b]")
        count = len(guesser.guesses) + (0 if finished else 1)
        self.query_one("#keep-count", Static).update(
            f"guess {count} of up to {guesser.max_steps} · your number is from {guesser.low} "
            f"to {guesser.high}"
        )
        self.query_one("#keep-line", NumberLine).show(
            guess=shown,
            trail=guesser.guesses,
            possible=(guesser.low, guesser.high),
        )
        history = " → ".join(
            f"{format_guess(guess)} {answer}"
            for guess, answer in zip(guesser.guesses, guesser.answers, strict=True)
        )
        self.query_one("#keep-history", Static).update(history or "No answers yet.")
        charts = self.query("#keep-chart")
        if not charts:
            return
        charts.first().show_game(
            [*guesser.guesses, *([] if finished else [guesser.guess])],
            None,
            guesser.tolerance,
            f"my guesses at learning rate {format_guess(guesser.learning_rate)}; "
            "your number is between the two lines",
            possible=(guesser.low, guesser.high),
        )

    @on(Button.Pressed, "#too-high")
    def too_high(self) -> None:
        self.answer(Answer.TOO_HIGH)

    @on(Button.Pressed, "#too-low")
    def too_low(self) -> None:
        self.answer(Answer.TOO_LOW)

    @on(Button.Pressed, "#right")
    def right(self) -> None:
        self.answer(Answer.RIGHT)

    @on(Button.Pressed, "#keep-new")
    def new_pressed(self) -> None:
        self.new_game()
