"""The guessing game screen: the settings, four modes in tabs, and the fewest guesses saved."""

from __future__ import annotations

import random

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static, TabbedContent, TabPane, Tabs

from gdtui.course.progress import log_guessing_game
from gdtui.guessing import (
    DEFAULT_LEARNING_RATE,
    DEFAULT_MAX_STEPS,
    Answer,
    nudge_learning_rate,
    parse_learning_rate,
    parse_secret,
    parse_steps,
    random_number,
)
from gdtui.help import help_text
from gdtui.numbers import format_guess
from gdtui.screens.guess.compare import ComparePane
from gdtui.screens.guess.keep import GameFinished, KeepPane
from gdtui.screens.guess.watch import WatchPane
from gdtui.widgets.field import FieldMessages, ValidatedField, leave_field_or_go_back
from gdtui.widgets.footer import KeysFooter

GAME_MODES = {
    "keep": "You keep the secret",
    "watch": "Watch it learn",
    "compare": "Compare rates",
    "shrink": "Shrinking steps",
}
# Short names for the line of fewest guesses, which must fit in 80 columns.
SHORT = {"keep": "keep the secret", "watch": "watch", "shrink": "shrinking"}
# Which actions make sense in which mode; the others are hidden from the footer.
MODE_ACTIONS = {
    "answer": {"keep"},
    "new_game": {"keep", "watch", "shrink"},
    "play": {"watch", "shrink"},
    "step": {"watch", "shrink"},
    "speed": {"watch", "shrink"},
    "new_secret": {"watch", "compare", "shrink"},
    "show_answer": {"compare"},
    "lesson": {"compare"},
}
FIELDS = {"learning-rate": "learning_rate", "steps": "max_steps", "secret": "secret"}


class GuessScreen(Screen[None]):
    """Find a secret number by moving a guess exactly the learning rate at a time."""

    HELP_TITLE = "Guessing game"
    HELP = help_text("guess")
    CSS_PATH = "../../styles/guess.tcss"
    AUTO_FOCUS = "#guess-tabs Tabs"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]
    BINDINGS = [
        *(Binding(str(number), f"mode('{mode}')", title, show=False)
          for number, (mode, title) in enumerate(GAME_MODES.items(), start=1)),
        Binding("left_square_bracket,minus", "nudge(-1)", "Rate -", key_display="["),
        Binding("right_square_bracket,plus", "nudge(1)", "Rate +", key_display="]"),
        Binding("h,down", "answer('too high')", "Too high", key_display="h"),
        Binding("l,up", "answer('too low')", "Too low", key_display="l"),
        Binding("r", "answer('right')", "Right!"),
        Binding("g", "new_game", "New game"),
        Binding("space", "play", "Play"),
        Binding("n", "step", "Step"),
        Binding("f", "speed", "Speed"),
        Binding("s", "new_secret", "New secret"),
        Binding("a", "show_answer", "Answer"),
        Binding("o", "lesson", "Lesson"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, secret: int | None = None, seed: int | None = None) -> None:
        super().__init__()
        self.rng = random.Random(seed)
        self.learning_rate = DEFAULT_LEARNING_RATE
        self.max_steps = DEFAULT_MAX_STEPS
        self.secret = parse_secret(secret) if secret is not None else random_number(self.rng)
        self._mode_shown = "keep"

    def compose(self) -> ComposeResult:
        yield Header()
        errors = FieldMessages(id="settings-error", classes="error", hide_when_empty=True)
        with Horizontal(id="settings"):
            for label, field_id, value, parse in (
                ("Learning rate", "learning-rate", self.learning_rate, parse_learning_rate),
                ("Steps", "steps", self.max_steps, parse_steps),
                ("Secret", "secret", self.secret, parse_secret),
            ):
                yield Label(label)
                yield ValidatedField(value, parse, text=format_guess, messages=errors,
                                     id=field_id, compact=True)
        yield errors
        yield Static(id="best", classes="hint")
        with TabbedContent(id="guess-tabs", initial="keep"):
            with TabPane(f"1 {GAME_MODES['keep']}", id="keep"):
                yield KeepPane(id="keep-pane")
            with TabPane(f"2 {GAME_MODES['watch']}", id="watch"):
                yield WatchPane("watch", shrink=False, id="watch-pane")
            with TabPane(f"3 {GAME_MODES['compare']}", id="compare"):
                yield ComparePane(id="compare-pane")
            with TabPane(f"4 {GAME_MODES['shrink']}", id="shrink"):
                yield WatchPane("shrink", shrink=True, id="shrink-pane")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.apply_settings()

    @property
    def mode(self) -> str:
        """The active mode: keep, watch, compare or shrink."""
        return self.query_one(TabbedContent).active or "keep"

    def apply_settings(self) -> None:
        """Give every mode the current settings and show the fewest guesses for them."""
        self.query_one(KeepPane).setup(self.learning_rate, self.max_steps)
        for pane in self.query(WatchPane).results(WatchPane):
            pane.setup(self.secret, self.learning_rate, self.max_steps)
        self.query_one(ComparePane).setup(self.secret, self.max_steps)
        self.refresh_best()

    def refresh_best(self) -> None:
        """The fewest guesses saved for the current learning rate, per mode."""
        best = self.app.store.best_guesses()
        rate = float(self.learning_rate)
        found = [f"{name} {best[(mode, rate)]}" for mode, name in SHORT.items()
                 if (mode, rate) in best]
        text = ", ".join(found) if found else "none yet (saved when a game lands)"
        self.query_one("#best", Static).update(
            f"Fewest guesses at learning rate {format_guess(rate)}: {text}"
        )

    # -- settings ---------------------------------------------------------------------------

    @on(ValidatedField.Accepted, "#settings Input")
    def setting_changed(self, event: ValidatedField.Accepted) -> None:
        setattr(self, FIELDS[event.field.id or ""], event.value)
        self.apply_settings()

    @on(Input.Submitted, "#settings Input")
    def setting_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if isinstance(event.input, ValidatedField) and event.input.error is None:
            self.query_one("#guess-tabs Tabs", Tabs).focus()  # the game keys work again

    def _set(self, field_id: str, value: float) -> None:
        setattr(self, FIELDS[field_id], value)
        field = self.query_one(f"#{field_id}", ValidatedField)
        field.show(value)
        field.clear_error()
        self.apply_settings()

    def action_nudge(self, direction: int) -> None:
        """Move the learning rate one rung down or up the ladder."""
        self._set("learning-rate", nudge_learning_rate(self.learning_rate, direction))

    def action_new_secret(self) -> None:
        """A new random secret for the computer."""
        self._set("secret", random_number(self.rng))

    # -- modes ------------------------------------------------------------------------------

    def action_mode(self, mode: str) -> None:
        """Switch to a mode by its tab id."""
        self.query_one(TabbedContent).active = mode
        self.mode_changed()

    @on(TabbedContent.TabActivated)
    def mode_changed(self) -> None:
        """Pause the games out of sight; show the keys of the mode in sight."""
        if self.mode == self._mode_shown:
            return  # a key switch is also announced by the tabs: the footer is rebuilt once
        self._mode_shown = self.mode
        if self.mode == "compare":
            self.query_one(ComparePane).show_sweep()  # 0.1 s: only for those who look
        for pane in self.query(WatchPane).results(WatchPane):
            if pane.mode != self.mode:
                pane.pause()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        modes = MODE_ACTIONS.get(action)
        return modes is None or self.mode in modes

    def _watch_pane(self) -> WatchPane | None:
        return self.query_one(f"#{self.mode}-pane", WatchPane) \
            if self.mode in ("watch", "shrink") else None

    def action_answer(self, said: str) -> None:
        """Answer the computer's guess (you keep the secret)."""
        self.query_one(KeepPane).answer(Answer(said))

    def action_new_game(self) -> None:
        """Start again: a new game to answer, or the watched game from its first guess."""
        pane = self._watch_pane()
        if pane is not None:
            pane.restart()
        else:
            self.query_one(KeepPane).new_game()

    def action_play(self) -> None:
        """Play or pause the watched game."""
        if (pane := self._watch_pane()) is not None:
            pane.toggle_play()

    def action_step(self) -> None:
        """Show one more guess of the watched game."""
        if (pane := self._watch_pane()) is not None:
            pane.step()

    def action_speed(self) -> None:
        """Slow, normal or fast."""
        if (pane := self._watch_pane()) is not None:
            pane.cycle_speed()

    def action_show_answer(self) -> None:
        """Reveal an answer to the discussion question."""
        self.query_one(ComparePane).reveal()

    def action_leave(self) -> None:
        """Escape: out of a field first (the game keys work again), else back."""
        leave_field_or_go_back(self, "#guess-tabs Tabs")

    def action_lesson(self) -> None:
        """Open the lesson on learning rates."""
        self.app.open_lesson("learning-rate")

    # -- results ----------------------------------------------------------------------------

    @on(GameFinished)
    def game_finished(self, event: GameFinished) -> None:
        rate = format_guess(event.learning_rate)
        title = GAME_MODES[event.mode]
        if event.guesses is not None and self.app.store.record_guesses(
            event.mode, event.learning_rate, event.guesses
        ):
            self.notify(f"Your fewest guesses at learning rate {rate} ({title.lower()}): "
                        f"{event.guesses}.", title="Saved")
        log_guessing_game(self.app.store, title, event.learning_rate, event.outcome)
        self.refresh_best()
