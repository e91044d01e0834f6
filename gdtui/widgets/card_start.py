"""The start view of the flashcards screen, and the summary shown after a session."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from gdtui.course import schedule
from gdtui.course.lessons import Lesson, Problem
from gdtui.course.review import Progress, Summary
from gdtui.widgets.field import FieldMessages, ValidatedField

ALL_LESSONS = "all"
SHOWN_PROBLEMS = 5
T = TypeVar("T")
# The settings, by field id: their key in the store, their name, how to read and show them.
SETTINGS = {
    "new-per-day": (schedule.NEW_PER_DAY_SETTING, "New cards a day", schedule.parse_new_per_day,
                    str),
    "retention": (schedule.RETENTION_SETTING, "Desired retention", schedule.parse_retention,
                  "{:g}".format),
}


def _reader(parse: Callable[[str], tuple[T | None, str]]) -> Callable[[str], T]:
    """A field's reader from a schedule parser that returns (value or None, what is wrong)."""
    def read(text: str) -> T:
        value, problem = parse(text)
        if value is None:
            raise ValueError(problem)
        return value
    return read


class CardStart(VerticalScroll):
    """What is due, the Review/Cram/Stats buttons, the lessons to cram, and the settings."""

    class SettingChanged(Message):
        """The learner entered a valid setting (already checked)."""

        def __init__(self, key: str, value: float, name: str) -> None:
            super().__init__()
            self.key = key
            self.value = value
            self.name = name

    def compose(self) -> ComposeResult:
        yield Static(id="start-info")
        with Horizontal(id="start-buttons"):
            yield Button("Review (r)", id="review-button", variant="primary",
                         action="screen.review", compact=True)
            yield Button("Cram (c)", id="cram-button", action="screen.cram", compact=True)
            yield Button("Stats (s)", id="stats-button", action="screen.stats", compact=True)
        yield Label("Cram: pick a lesson with the arrow keys, then press c (or enter)",
                    classes="hint")
        yield OptionList(id="cram-lessons")
        defaults = schedule.CardSettings()
        values = {"new-per-day": defaults.new_per_day, "retention": defaults.desired_retention}
        # one message at a time, and read on enter only: as the settings have always done
        error = FieldMessages(id="settings-error", classes="error", one_at_a_time=True,
                              hide_when_empty=True)
        with Horizontal(id="settings"):
            for field_id, (_key, name, parse, text) in SETTINGS.items():
                yield Label(name)
                yield ValidatedField(values[field_id], _reader(parse), text=text,
                                     messages=error, check_on_leave=False, id=field_id,
                                     template=f"{name}: {{error}} Kept the last good value.")
        yield error
        yield Static(id="card-problems", classes="error")

    def show_counts(
        self, counts: schedule.DeckCounts, settings: schedule.CardSettings, lessons: int,
        outlook: str, paused: Progress | None = None,
    ) -> None:
        """Say what is due now, what is new today, and (when nothing is due) what comes next;
        with a session left before its end (`paused`), where it stopped and that r goes on."""
        lines = [
            f"[b]{counts.due_now}[/b] due now · [b]{counts.new_today}[/b] new available today "
            f"(up to {settings.new_per_day} a day)",
            f"{counts.total} cards in {lessons} lessons, {counts.new_total} not studied yet.",
        ]
        if not counts.due_now:
            lines.append(outlook[0].upper() + outlook[1:] + ".")
        if paused is not None:
            lines.append(f"[b]Paused:[/b] {paused.words()}. Press r to go on.")
        self.query_one("#start-info", Static).update("\n".join(lines))
        button = self.query_one("#review-button", Button)
        button.label = "Continue (r)" if paused else "Review (r)"
        button.action = "screen.resume" if paused else "screen.review"

    def show_lessons(self, lessons: list[Lesson], card_counts: dict[str, int]) -> None:
        """List 'All lessons' and each lesson with its number of cards, for cram."""
        options = self.query_one("#cram-lessons", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        total = sum(card_counts.values())
        options.add_option(Option(f"All lessons ({total} cards)", id=ALL_LESSONS))
        for lesson in lessons:
            count = card_counts.get(lesson.id, 0)
            label = Content(f"{lesson.order}. {lesson.title} ({count} cards)")
            options.add_option(Option(label, id=lesson.id, disabled=not count))
        options.highlighted = highlighted if highlighted is not None else 0

    def chosen_lesson(self) -> str:
        """The id of the highlighted lesson in the cram list (or ALL_LESSONS)."""
        options = self.query_one("#cram-lessons", OptionList)
        if options.highlighted is None:
            return ALL_LESSONS
        return options.get_option_at_index(options.highlighted).id or ALL_LESSONS

    def show_settings(self, settings: schedule.CardSettings) -> None:
        """Put the current settings in their fields."""
        self.query_one("#new-per-day", ValidatedField).show(settings.new_per_day)
        self.query_one("#retention", ValidatedField).show(settings.desired_retention)

    def show_problems(self, problems: list[Problem]) -> None:
        """List the cards that could not be read (they are skipped)."""
        box = self.query_one("#card-problems", Static)
        box.display = bool(problems)
        if problems:
            listed = "\n".join(str(p) for p in problems[:SHOWN_PROBLEMS])
            extra = len(problems) - SHOWN_PROBLEMS
            more = f"\n... and {extra} more" if extra > 0 else ""
            box.update(Content(f"{len(problems)} card(s) could not be read and are skipped "
                               f"(run 'gdtui check'):\n{listed}{more}"))

    @on(Input.Submitted, "#new-per-day, #retention")
    def setting_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # the field has read it: a good value comes as Accepted

    @on(ValidatedField.Accepted, "#new-per-day, #retention")
    def setting_accepted(self, event: ValidatedField.Accepted) -> None:
        event.stop()
        key, name, _parse, _text = SETTINGS[event.field.id or ""]
        self.post_message(self.SettingChanged(key, event.value, name))


class SessionSummary(Vertical):
    """The end of a session: what was done and when the next cards are due."""

    def compose(self) -> ComposeResult:
        yield Static(id="summary-text")
        with Horizontal(id="summary-buttons"):
            yield Button("Continue (r)", id="summary-continue", variant="primary",
                         action="screen.resume")
            yield Button("Back to start", id="summary-start", action="screen.start")
            yield Button("Stats (s)", id="summary-stats", action="screen.stats")

    def show(self, summary: Summary, finished: bool) -> None:
        """Fill in the figures of a finished (or paused) session; only a paused one offers to
        go on, and only a grade there is to take back says u."""
        keys = "Everything is saved."
        if not finished:
            keys += "\nPress r to go on where you stopped."
        if summary.can_undo:
            keys += "\nu takes back the last grade."
        self.query_one("#summary-text", Static).update(Content.assemble(
            ("Session finished\n\n" if finished else "Session paused\n\n", "bold"),
            f"Cards reviewed: {summary.reviewed} ({summary.cards} different)\n",
            f"Right on the first try: {summary.right_first_try} of {summary.cards}\n\n",
            summary.next_due[0].upper() + summary.next_due[1:] + "\n\n",
            keys,
        ))
        self.query_one("#summary-continue", Button).display = not finished
        self.query_one("#summary-continue" if not finished else "#summary-start", Button).focus()
