"""A lesson's exercise in the app: predict (a dialog), watch the screen run it (a banner over
it), then compare (a dialog). The lesson screen drives the three (`ExerciseFlow`); what is
right is decided by gdtui.course.exercises and measured by gdtui.measures."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from gdtui.course.exercises import Exercise, parse_exercises, read_prediction, show_value
from gdtui.course.progress import log_exercise

if TYPE_CHECKING:
    from gdtui.course.lessons import Lesson

Result = tuple[str, str, bool]  # (prediction, outcome, right) as saved
DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 76; max-width: 100%; height: auto; max-height: 100%;
    border: thick $primary; background: $surface; padding: 0 1;
}}
{name} OptionList {{ height: auto; max-height: 8; }}
{name} .hint {{ color: $text-muted; }}
{name} .error {{ color: $error; }}
{name} .right {{ color: $success; text-style: bold; }}
{name} .wrong {{ color: $warning; text-style: bold; }}
"""


class PredictDialog(ModalScreen[str | float | None]):
    """Ask for a prediction: one of the choices (number keys, arrows, click) or a typed number.
    Dismissed with it, or None on escape."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PredictDialog")
    BINDINGS = [Binding("escape", "dismiss(None)", "Not now"),
                *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10))]
    HELP_TITLE = "Predict, then check"
    HELP = ("Pick what you think will happen (a number key, the arrows and `enter`, or a "
            "click), or type a number and press `enter`. The app then opens the screen with the "
            "exercise's settings and runs it; press `escape` there to compare.")

    def __init__(self, exercise: Exercise, last: Result | None = None) -> None:
        super().__init__()
        self.exercise = exercise
        self.last = last

    def compose(self) -> ComposeResult:
        exercise = self.exercise
        with Vertical():
            yield Static(f"[b]✎ Predict, then check · {escape(exercise.title)}[/b]")
            yield Static(escape(exercise.question))
            if exercise.numeric:
                yield Input(placeholder="your prediction, a number", id="number")
                yield Static("", id="message", classes="error")
                yield Static("enter: run it · escape: not now", classes="hint")
            else:
                yield OptionList(*(Option(f"{n}  {escape(text)}", id=str(n - 1))
                                   for n, text in enumerate(exercise.choices, start=1)),
                                 id="choices")
                yield Static("1-9 or enter: run it · escape: not now", classes="hint")
            if self.last is not None:
                prediction, outcome, right = self.last
                mark = "right" if right else "not right"
                yield Static(f"Last time you predicted {escape(prediction)}; the app showed "
                             f"{escape(outcome)} ({mark}).", classes="hint", id="last")

    def on_mount(self) -> None:
        self.query_one("#number" if self.exercise.numeric else "#choices").focus()

    def action_pick(self, number: int) -> None:
        """A choice by its number."""
        if not self.exercise.numeric and number <= len(self.exercise.choices):
            self.dismiss(self.exercise.choices[number - 1])

    @on(OptionList.OptionSelected, "#choices")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.exercise.choices[int(event.option.id or 0)])

    @on(Input.Submitted, "#number")
    def typed(self, event: Input.Submitted) -> None:
        try:
            value = read_prediction(event.value)
        except ValueError as error:
            self.query_one("#message", Static).update(str(error))
            return
        self.dismiss(value)


class ResultDialog(ModalScreen[bool]):
    """The prediction next to what happened, right or not, and why. Dismissed with True when
    the learner asks to predict again (`a`)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ResultDialog")
    BINDINGS = [Binding("escape,enter", "dismiss(False)", "Close"),
                Binding("a", "dismiss(True)", "Again")]
    HELP_TITLE = "Predict, then check"
    HELP = "Your prediction next to what the app measured. `a` answers again; `enter` closes."

    def __init__(self, exercise: Exercise, prediction: str, outcome: str, right: bool) -> None:
        super().__init__()
        self.exercise, self.prediction, self.outcome, self.right = (exercise, prediction,
                                                                    outcome, right)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]✎ {escape(self.exercise.title)}[/b]")
            yield Static(f"You predicted:  {escape(self.prediction)}\n"
                         f"What happened:  {escape(self.outcome)}")
            yield Static("✓ Right." if self.right else "✗ Not this time.", id="verdict",
                         classes="right" if self.right else "wrong")
            yield Static(f"Why: {escape(self.exercise.why)}")
            yield Static("enter: close · a: answer again", classes="hint")


class ExerciseBanner(Static):
    """One line over the top of the screen an exercise runs on (over its header). When the
    learner leaves that screen (escape, or anywhere else), `left` is called: a dialog over it
    (help, the palette) or the size cover is not leaving it."""

    DEFAULT_CSS = """
    ExerciseBanner {
        dock: top; height: 1; width: 1fr; padding: 0 1;
        background: $warning; color: $text; text-style: bold;
    }
    """

    def __init__(self, text: str, left: Callable[[], object]) -> None:
        super().__init__(text)
        self.left = left

    def on_mount(self) -> None:
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def _screen_changed(self, shown: Screen) -> None:
        from gdtui.screens.too_small import TooSmallScreen

        if shown is not self.screen and not isinstance(shown, (ModalScreen, TooSmallScreen)):
            self.app.call_after_refresh(self.left)


class ExerciseFlow:
    """The lesson screen's exercises: pick one, predict, run its screen, compare, save."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.pending: tuple[Exercise, str | float] | None = None
        self.banner: ExerciseBanner | None = None
        self.running_on: Screen | None = None  # the screen the exercise runs on

    @property
    def app(self):
        return self.screen.app

    def start(self, lesson: Lesson | None) -> None:
        """The learner pressed e: their pick of the lesson's exercises, then the dialog."""
        from gdtui.screens.link_picker import LinkPicker

        exercises = parse_exercises(lesson)[0] if lesson else []
        if not exercises:
            self.screen.notify("This lesson has no exercise.")
            return
        if len(exercises) == 1:
            self.predict(exercises[0])
            return
        results = self.app.store.exercise_results()
        choices = []
        for number, each in enumerate(exercises, start=1):
            saved = results.get((each.lesson_id, each.id))
            mark = "" if saved is None else "  ✓" if saved[2] else "  ✗"
            choices.append((f"{number}. {escape(each.title)}{mark}", each.id))
        by_id = {each.id: each for each in exercises}
        self.app.push_screen(
            LinkPicker(choices, "Exercises in this lesson", show_targets=False),
            lambda picked: picked is not None and self.predict(by_id[picked]))

    def predict(self, exercise: Exercise) -> None:
        last = self.app.store.exercise_results().get((exercise.lesson_id, exercise.id))
        self.app.push_screen(PredictDialog(exercise, last),
                             lambda prediction: prediction is not None and
                             self.screen.call_after_refresh(self.run, exercise, prediction))

    def run(self, exercise: Exercise, prediction: str | float) -> None:
        """Open the exercise's screen with its settings, with the banner over it."""
        self.pending = (exercise, prediction)
        self.app.open_area(exercise.screen, **exercise.options)
        shown = self.app.screen
        if shown is self.screen:  # the screen could not open (it said why)
            self.pending = None
            return
        self.running_on = shown
        self.banner = ExerciseBanner(f"You predicted: {show_value(prediction)}. Watch, then "
                                     "press Esc to compare.", self.back)
        self._put_banner(shown, self.banner)

    def _put_banner(self, shown: Screen, banner: ExerciseBanner) -> None:
        """Mount the banner once the screen is (a screen opened for the first time is being
        built); not if the exercise is over already."""
        if banner is not self.banner:
            return
        if shown.is_mounted:
            shown.mount(banner)
        else:
            self.app.call_after_refresh(self._put_banner, shown, banner)

    def back(self) -> None:
        """The exercise's screen was left (to the lesson, or elsewhere when the lesson is no
        longer under it): compare and save, over whatever screen shows now."""
        if self.pending is None or self.app.screen is self.running_on:
            return
        exercise, prediction = self.pending
        self.pending, self.running_on = None, None
        if self.banner is not None:
            if self.banner.is_attached:
                self.banner.remove()
            self.banner = None
        # Measuring reruns the exercise headless (half a second for a lab run): on a thread,
        # so the screen under it keeps answering keys meanwhile.
        self.app.run_worker(self._compare(exercise, prediction), group="exercise-measure")

    async def _compare(self, exercise: Exercise, prediction: str | float) -> None:
        from gdtui.measures import check_outcome

        outcome, problem = await asyncio.to_thread(check_outcome, exercise.measure,
                                                   exercise.options, exercise.argument)
        if problem is not None:
            self.screen.notify(f"This exercise cannot be measured: {problem}", severity="error")
            return
        right = exercise.is_right(prediction, outcome)
        said, seen = show_value(prediction), show_value(outcome)
        self.app.store.record_exercise(exercise.lesson_id, exercise.id, said, seen, right)
        log_exercise(self.app.store, exercise.title, right)
        self.app.push_screen(ResultDialog(exercise, said, seen, right),
                             lambda again: again and self.predict(exercise))
