"""Guessing game, modes 2 and 4: watch the computer find a secret, with fixed or shrinking steps."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Button, Static

from gdtui.guessing import (
    DEFAULT_START,
    DEFAULT_TOLERANCE,
    Game,
    Guess,
    game_steps,
    play,
    short_outcome,
)
from gdtui.numbers import format_guess
from gdtui.screens.guess.keep import GameFinished
from gdtui.widgets.guess_chart import GuessChart
from gdtui.widgets.number_line import NumberLine

# Seconds between guesses while playing; fast redraws 10 times a second, the most a chart should.
# With `gdtui --fps N` a guess comes at most N times a second.
PACES = (("slow", 1.0), ("normal", 0.5), ("fast", 0.1))
DEFAULT_SPEED = 1

WATCH_HINT = "Press space to watch the computer guess, or n for one guess at a time."
SHRINK_NOTE = (
    "Halving the step at each jump past makes it land from any rate. Training gets the same "
    "effect from a [b]learning-rate schedule[/b] (big steps first, small later); Rprop halves a "
    "weight's step exactly so when its gradient flips sign."
)


class WatchPane(Vertical):
    """One game played by the computer, shown guess by guess on a number line and a chart."""

    def __init__(self, mode: str, shrink: bool, **options) -> None:
        super().__init__(**options)
        self.mode = mode
        self.shrink = shrink
        self.game: Game | None = None
        self.steps: list[Guess] = []
        self.shown = 0  # how many guesses are on screen
        self.speed = DEFAULT_SPEED
        self._timer: Timer | None = None
        self.playing = False  # the guesses advance by themselves
        self._settings: tuple[int, float, int] | None = None
        self._ready = False  # mounted: its widgets are there to draw on

    def compose(self) -> ComposeResult:
        mode = self.mode
        if self.shrink:
            yield Static(SHRINK_NOTE, classes="intro", id=f"{mode}-note")
        with Horizontal(classes="buttons"):
            yield Button("▶ Play (space)", id=f"{mode}-play", compact=True, variant="primary",
                         classes="play")
            yield Button("Step (n)", id=f"{mode}-step", compact=True)
            yield Button("Restart (g)", id=f"{mode}-restart", compact=True)
            yield Button(self._speed_label(), id=f"{mode}-speed", compact=True)
        yield NumberLine(id=f"{mode}-line")
        yield Static(id=f"{mode}-explain", classes="explain")
        yield Static(id=f"{mode}-outcome", classes="outcome")
        yield GuessChart(id=f"{mode}-chart", classes="chart")

    def on_mount(self) -> None:
        self._ready = True
        self._start_timer()
        if self._settings is not None:
            self.setup(*self._settings)

    # -- settings and controls -------------------------------------------------------------------

    def setup(self, secret: int, learning_rate: float, max_steps: int) -> None:
        """Play a new game with these settings (unless it is the one already shown); before
        the pane is mounted, keep them for then."""
        self._settings = (secret, learning_rate, max_steps)
        game = self.game
        if not self._ready or game and (game.secret, game.learning_rate, game.max_steps) == (
            secret, learning_rate, max_steps
        ):
            return
        self.game = play(secret, DEFAULT_START, learning_rate, max_steps, DEFAULT_TOLERANCE,
                         shrink=self.shrink)
        self.steps = game_steps(self.game)
        self.restart()

    @property
    def finished(self) -> bool:
        """True when every guess of the game is on screen."""
        return bool(self.steps) and self.shown >= len(self.steps)

    def restart(self) -> None:
        """Back to before the first guess, paused."""
        self.shown = 0
        self.pause()
        self._redraw()

    def toggle_play(self) -> None:
        """Play or pause; at the end, play the game again from the start."""
        if self.finished:
            self.shown = 0
            self._redraw()
        if self.playing:
            self.pause()
        else:
            self.playing = True
            if self._timer is not None:
                self._timer.resume()
            self._set_play_label()

    def pause(self) -> None:
        """Stop advancing by itself."""
        self.playing = False
        if self._timer is not None:
            self._timer.pause()
        self._set_play_label()

    def step(self) -> None:
        """Show one more guess (and pause)."""
        self.pause()
        if self.finished:
            return
        self.advance()

    def cycle_speed(self) -> None:
        """Slow, normal, fast, slow, ..."""
        self.speed = (self.speed + 1) % len(PACES)
        self.query_one(f"#{self.mode}-speed", Button).label = self._speed_label()
        self._start_timer()

    def advance(self) -> None:
        """One guess further; at the last one, stop and report the game."""
        if self.game is None or self.finished:
            self.pause()
            return
        self.shown += 1
        self._redraw()
        if self.finished:
            self.pause()
            game = self.game
            self.post_message(
                GameFinished(self.mode, game.learning_rate, game.steps, short_outcome(game))
            )

    @property
    def guess_seconds(self) -> float:
        """Seconds between two guesses while playing: the speed's, or longer with `--fps`."""
        return self.app.frame_seconds(PACES[self.speed][1])

    def _start_timer(self) -> None:
        playing = self.playing
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(self.guess_seconds, self.advance, pause=not playing)

    def _speed_label(self) -> str:
        return f"Speed: {PACES[self.speed][0]} (f)"

    def _set_play_label(self) -> None:
        if self._ready:
            label = "❚❚ Pause (space)" if self.playing else "▶ Play (space)"
            # (query, not query_one: as the app quits, the screen is suspended, and so paused,
            # after its buttons are gone)
            for button in self.query(f"#{self.mode}-play").results(Button):
                button.label = label

    # -- drawing ---------------------------------------------------------------------------------

    def _redraw(self) -> None:
        game = self.game
        if game is None:
            return
        rate = format_guess(game.learning_rate)
        current = self.steps[self.shown - 1] if self.shown else None
        self.query_one(f"#{self.mode}-line", NumberLine).show(
            guess=current.guess if current else None,
            secret=game.secret,
            tolerance=game.tolerance,
            trail=game.guesses[: max(self.shown - 1, 0)],
        )
        explain = current.explain() if current else WATCH_HINT
        self.query_one(f"#{self.mode}-explain", Static).update(Content(explain))
        if self.finished:
            outcome = f"Result: {short_outcome(game)}."
        else:
            outcome = f"Guess {self.shown} so far; up to {game.max_steps} allowed."
        outcome_static = self.query_one(f"#{self.mode}-outcome", Static)
        outcome_static.update(Content(outcome))
        outcome_static.set_class(self.finished, "done")
        title = f"secret {game.secret}, learning rate {rate}"
        title += ", shrinking" if self.shrink else ""
        self.query_one(f"#{self.mode}-chart", GuessChart).show_game(
            game.guesses[: self.shown], game.secret, game.tolerance, title, span=game.guesses
        )

    # -- buttons ---------------------------------------------------------------------------------

    @on(Button.Pressed, ".buttons Button")
    def pressed(self, event: Button.Pressed) -> None:
        action = (event.button.id or "").removeprefix(f"{self.mode}-")
        {"play": self.toggle_play, "step": self.step, "restart": self.restart,
         "speed": self.cycle_speed}.get(action, lambda: None)()
