"""The guessing game screen: the settings, four modes in tabs, and the fewest guesses saved.

The first frame holds only what mode 1 shows; the other modes' panes (and the plotext charts)
are mounted just after it, or at once if their tab is asked for first, so the screen opens fast.
"""

from __future__ import annotations

import asyncio
import random

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input, Static, TabbedContent, TabPane, Tabs

from gdtui.guessing import (
    DEFAULT_LEARNING_RATE,
    DEFAULT_MAX_STEPS,
    Answer,
    nudge_learning_rate,
    parse_learning_rate,
    parse_secret,
    random_number,
)
from gdtui.help import help_text
from gdtui.numbers import format_guess
from gdtui.screens.guess.keep import GameFinished, KeepPane
from gdtui.screens.guess.settings import FIELDS, SettingsRow
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
LATER_MODES = ("watch", "compare", "shrink")  # their panes are mounted after the first frame


def make_pane(mode: str) -> Widget:
    """The pane of a mode other than keep (importing its module, which loads plotext)."""
    if mode == "compare":
        from gdtui.screens.guess.compare import ComparePane

        return ComparePane(id="compare-pane")
    from gdtui.screens.guess.watch import WatchPane

    return WatchPane(mode, shrink=mode == "shrink", id=f"{mode}-pane")


class GuessScreen(Screen[None]):
    """Find a secret number by moving a guess exactly the learning rate at a time."""

    HELP_TITLE = "Guessing game"
    HELP = help_text("guess")
    CSS_PATH = "../../styles/guess.tcss"
    AUTO_FOCUS = "#guess-tabs Tabs"
    # Built unseen while the learner is at home, where the app does that (branch i12app): its
    # mount starts nothing the learner did not ask for (a game waits for its first answer).
    BUILD_AHEAD = True
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]
    # The footer shows, for the mode in sight, its keys that are not on its buttons, and fits
    # 80 columns with the app's keys; every key is listed by ? (help).
    BINDINGS = [
        *(Binding(str(number), f"mode('{mode}')", title, show=False)
          for number, (mode, title) in enumerate(GAME_MODES.items(), start=1)),
        Binding("h,down", "answer('too high')", "Too high", key_display="h"),
        Binding("l,up", "answer('too low')", "Too low", key_display="l"),
        Binding("r", "answer('right')", "Right"),
        Binding("space", "play", "Play"),
        Binding("n", "step", "Step"),
        Binding("a", "show_answer", "Answer"),
        Binding("o", "lesson", "Lesson"),
        Binding("s", "new_secret", "Secret"),
        # "[ ] Rate" in the footer stands for both keys; help lists each.
        Binding("left_square_bracket", "nudge(-1)", "Rate", key_display="[ ]"),
        Binding("minus", "nudge(-1)", "Rate down", show=False),
        Binding("right_square_bracket,plus", "nudge(1)", "Rate up", show=False),
        Binding("g", "new_game", "New game", show=False),
        Binding("f", "speed", "Speed", show=False),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, secret: int | None = None, seed: int | None = None,
                 rate: str | float | None = None) -> None:
        super().__init__()
        self.rng = random.Random(seed)
        self.learning_rate = parse_learning_rate(rate) if rate is not None else (
            DEFAULT_LEARNING_RATE)
        self._watch_asked = rate is not None  # a link's rate: its game is watched at once
        self.max_steps = DEFAULT_MAX_STEPS
        self.secret = parse_secret(secret) if secret is not None else random_number(self.rng)
        self._mode_shown = "keep"
        self._panes: dict[str, Widget] = {}  # the panes of LATER_MODES mounted so far
        self._mounting = asyncio.Lock()

    def reopen(self, secret: int | None = None, seed: int | None = None,
               rate: str | float | None = None) -> None:
        """Shown again with options (the app keeps this screen): a secret given is taken as if
        typed, a seed restarts the random secrets; a rate is taken as if typed and its game
        played from the first guess in "watch"; everything else stays as it was."""
        if seed is not None:
            self.rng = random.Random(seed)
        if secret is not None:
            self._set("secret", parse_secret(secret))
        if rate is not None:
            self._set("learning-rate", parse_learning_rate(rate))
            self.call_after_refresh(self.watch_from_start)

    async def watch_from_start(self) -> None:
        """Watch the game of the current settings from its first guess, playing."""
        await self.action_mode("watch")
        pane = await self._pane("watch")
        pane.restart()
        pane.toggle_play()

    def compose(self) -> ComposeResult:
        yield Header()
        errors = FieldMessages(id="settings-error", classes="error", hide_when_empty=True)
        yield SettingsRow(self.learning_rate, self.max_steps, self.secret, errors,
                          show_secret=self._mode_shown != "keep", id="settings")
        yield errors
        yield Static(id="best", classes="hint")
        with TabbedContent(id="guess-tabs", initial=self._mode_shown):
            with TabPane(f"1 {GAME_MODES['keep']}", id="keep"):
                yield KeepPane(id="keep-pane")
            for number, mode in enumerate(LATER_MODES, start=2):
                yield TabPane(f"{number} {GAME_MODES[mode]}", id=mode)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.apply_settings()
        self.call_after_refresh(self._mount_the_rest)
        if self._watch_asked:
            self.call_after_refresh(self.watch_from_start)

    async def _mount_the_rest(self) -> None:
        """After the first frame: the keep chart, then the other modes' panes, one by one
        (unless the learner has already left)."""
        if self.is_attached:
            await self.query_one(KeepPane).add_chart()
        for mode in LATER_MODES:
            if self.is_attached:
                await self._pane(mode)

    async def _pane(self, mode: str) -> Widget:
        """The pane of a mode of LATER_MODES, mounted (with the settings) if it is not yet."""
        async with self._mounting:  # the tab asked for while the rest is being mounted
            if mode not in self._panes:
                pane = self._panes[mode] = make_pane(mode)
                self._give_settings(mode, pane)  # drawn with them as it mounts
                await self.query_one(f"#{mode}", TabPane).mount(pane)
        return self._panes[mode]

    def on_screen_suspend(self) -> None:
        """Out of sight, a watched game waits for the learner to come back."""
        for mode in ("watch", "shrink"):
            if (pane := self._panes.get(mode)) is not None:
                pane.pause()

    def on_screen_resume(self) -> None:
        # Everything stays as the learner left it; only the saved scores may be new.
        self.refresh_best()

    @property
    def mode(self) -> str:
        """The active mode: keep, watch, compare or shrink."""
        return self.query_one(TabbedContent).active or "keep"

    def apply_settings(self) -> None:
        """Give every mode the current settings and show the fewest guesses for them."""
        self.query_one(KeepPane).setup(self.learning_rate, self.max_steps)
        for mode, pane in self._panes.items():
            self._give_settings(mode, pane)
        self.refresh_best()

    def _give_settings(self, mode: str, pane) -> None:
        if mode == "compare":
            pane.setup(self.secret, self.max_steps)
        else:
            pane.setup(self.secret, self.learning_rate, self.max_steps)

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
        self.query_one(SettingsRow).put(field_id, value)
        self.apply_settings()

    def action_nudge(self, direction: int) -> None:
        """Move the learning rate one rung down or up the ladder."""
        self._set("learning-rate", nudge_learning_rate(self.learning_rate, direction))

    def action_new_secret(self) -> None:
        """A new random secret for the computer, never the one it had (a new game each time)."""
        secret = self.secret
        while secret == self.secret:
            secret = random_number(self.rng)
        self._set("secret", secret)

    # -- modes ------------------------------------------------------------------------------

    async def action_mode(self, mode: str) -> None:
        """Switch to a mode by its tab id."""
        if mode in LATER_MODES:
            await self._pane(mode)
        self.query_one(TabbedContent).active = mode
        await self.mode_changed()

    @on(TabbedContent.TabActivated)
    async def mode_changed(self) -> None:
        """Pause the games out of sight; show the keys of the mode in sight."""
        mode = self.mode
        if mode == self._mode_shown:
            return  # a key switch is also announced by the tabs: the footer is rebuilt once
        self._mode_shown = mode
        self.query_one(SettingsRow).show_secret(mode != "keep")  # theirs is the learner's
        for other in ("watch", "shrink"):
            if other != mode and (pane := self._panes.get(other)) is not None:
                pane.pause()
        self.refresh_bindings()
        if mode == "compare":
            (await self._pane("compare")).show_sweep()  # 0.1 s: only for those who look
        elif mode in LATER_MODES:
            await self._pane(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        modes = MODE_ACTIONS.get(action)
        return modes is None or self.mode in modes

    def _watch_pane(self):
        """The watched game in sight (watch or shrink), once its pane is mounted."""
        pane = self._panes.get(self.mode) if self.mode in ("watch", "shrink") else None
        return pane if pane is not None and pane.is_mounted else None

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
        if (pane := self._panes.get("compare")) is not None and pane.is_mounted:
            pane.reveal()

    def action_leave(self) -> None:
        """Escape: out of a field first (the game keys work again), else back."""
        leave_field_or_go_back(self, "#guess-tabs Tabs")

    def action_lesson(self) -> None:
        """Open the lesson on learning rates."""
        self.app.open_lesson("learning-rate")

    # -- results ----------------------------------------------------------------------------

    @on(GameFinished)
    def game_finished(self, event: GameFinished) -> None:
        from gdtui.course.progress import log_guessing_game  # not needed to open the screen

        rate = format_guess(event.learning_rate)
        title = GAME_MODES[event.mode]
        if event.guesses is not None and self.app.store.record_guesses(
            event.mode, event.learning_rate, event.guesses
        ):
            self.notify(f"Your fewest guesses at learning rate {rate} ({title.lower()}): "
                        f"{event.guesses}.", title="Saved")
        log_guessing_game(self.app.store, title, event.learning_rate, event.outcome)
        self.refresh_best()
