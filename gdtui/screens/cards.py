"""The flashcards screen: a start view, a review session, and its summary."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, OptionList, ProgressBar, Static

from gdtui.course import schedule
from gdtui.course.cardfile import CHOICE, Flashcard, load_cards
from gdtui.course.progress import log_flashcards
from gdtui.store import now
from gdtui.widgets.card import CardView
from gdtui.widgets.card_start import ALL_LESSONS, CardStart, SessionSummary


class CardsScreen(Screen[None]):
    """Review due cards on the FSRS schedule, or cram a lesson without touching it."""

    HELP_TITLE = "Flashcards"
    HELP = """
Flashcards help you remember what the lessons teach, using spaced repetition: a card you
remember comes back after longer and longer gaps; a card you forget comes back soon.

- **Review** studies the cards that are due, plus a few new ones each day (a setting).
- **Cram** studies every card of one lesson (or all) without changing your schedule.
- **Stats** shows what is due, your reviews per day, retention and mastery per lesson.

On a card, press `space` or `enter` (or click the question) to see the answer, then grade
yourself: **1 Again** (forgot), **2 Hard**, **3 Good**, **4 Easy**. Each button shows when the
card would come back. Multiple-choice, typed and number cards are graded for you: pick with the
number keys or a click, or type and press `enter`.

Every grade is saved at once, so you can leave at any time. `u` takes back the last grade;
`l` opens the lesson a card comes from.
"""
    CSS_PATH = "../styles/cards.tcss"
    BINDINGS = [
        Binding("r", "review", "Review"),
        Binding("c", "cram", "Cram"),
        Binding("s", "stats", "Stats"),
        Binding("space,enter", "advance", "Show answer / next", key_display="space"),
        Binding("1", "number(1)", "Again / pick 1", show=False),
        Binding("2", "number(2)", "Hard / pick 2", show=False),
        Binding("3", "number(3)", "Good / pick 3", show=False),
        Binding("4", "number(4)", "Easy / pick 4", show=False),
        Binding("u", "undo", "Undo"),
        Binding("l", "lesson", "Lesson"),
        Binding("escape", "leave", "Back"),
    ]
    VIEW_ACTIONS = {
        "start": {"review", "cram", "stats", "leave", "lesson"},
        "review": {"advance", "number", "undo", "lesson", "leave"},
        "summary": {"stats", "undo", "leave", "review"},
    }

    def __init__(self, seed: int | None = None, clock: schedule.Clock = now) -> None:
        super().__init__()
        self.seed = seed
        self.clock = clock
        self.session: schedule.ReviewSession | None = None
        self.phase = "question"
        """Within a card: 'question', 'answer' (learner grades) or 'result' (app graded)."""
        self.cards: list[Flashcard] = []
        self._logged = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="start", id="views"):
            yield CardStart(id="start")
            with Vertical(id="review"):
                yield Static(id="session-info")
                yield ProgressBar(id="session-progress", show_eta=False)
                yield CardView(id="card")
            yield SessionSummary(id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.cards, problems = load_cards(self.app.course.lessons)
        start = self.query_one(CardStart)
        start.show_settings(schedule.read_settings(self.app.store))
        start.show_problems(problems)
        self.show_start()

    def on_screen_resume(self) -> None:
        if self.view == "start":
            self.refresh_start()

    @property
    def view(self) -> str:
        """Which view is showing: 'start', 'review' or 'summary'."""
        # Bindings are checked before compose and during unmount too, when there is no switcher.
        switcher = next(iter(self.query(ContentSwitcher)), None)
        return (switcher.current if switcher else None) or "start"

    def _switch(self, view: str) -> None:
        self.query_one(ContentSwitcher).current = view
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = self.VIEW_ACTIONS.get(self.view)
        if allowed is None or action not in {a for view in self.VIEW_ACTIONS.values()
                                             for a in view}:
            return True
        return action in allowed

    # -- start view ---------------------------------------------------------------------------

    def show_start(self) -> None:
        """Show the start view with fresh counts."""
        self._switch("start")
        self.refresh_start()
        self.query_one("#review-button").focus()

    def action_start(self) -> None:
        """Back to the start view."""
        self.show_start()

    def refresh_start(self) -> None:
        """Count what is due and new, and list the lessons to cram."""
        view = schedule.start_view(self.app.store, self.cards, self.clock(),
                                   schedule.local_timezone())
        lessons = self.app.course.lessons
        start = self.query_one(CardStart)
        start.show_counts(view.counts, view.settings, len(lessons), view.outlook)
        start.show_lessons(lessons, view.cards_per_lesson)

    def action_review(self) -> None:
        """Start a review of the due cards (and today's new ones)."""
        session = schedule.review_session(self.app.store, self.cards, seed=self.seed,
                                          clock=self.clock)
        if session.current is None:
            self.notify(f"Nothing to review right now: {session.outlook()}.", title="All done")
            return
        self._begin(session)

    def action_cram(self) -> None:
        """Cram the lesson highlighted in the list (the schedule is not changed)."""
        self._cram(self.query_one(CardStart).chosen_lesson())

    def _cram(self, lesson_id: str) -> None:
        session = schedule.cram_session(self.app.store, self.cards,
                                        None if lesson_id == ALL_LESSONS else lesson_id,
                                        seed=self.seed, clock=self.clock)
        if session.current is None:
            self.notify("That lesson has no flashcards.", severity="warning")
            return
        self._begin(session)

    @on(OptionList.OptionSelected, "#cram-lessons")
    def cram_chosen(self, event: OptionList.OptionSelected) -> None:
        self._cram(event.option.id or ALL_LESSONS)

    @on(CardStart.SettingChanged)
    def setting_changed(self, event: CardStart.SettingChanged) -> None:
        self.app.store.set_setting(event.key, event.value)
        self.notify(f"{event.name} set to {event.value:g}.")
        self.refresh_start()

    # -- review -------------------------------------------------------------------------------

    def _begin(self, session: schedule.ReviewSession) -> None:
        self._log_session()
        self.session = session
        self._logged = 0
        self._switch("review")
        self.show_card()

    def show_card(self) -> None:
        """Show the session's current card, or the summary when none is left."""
        session = self.session
        if session is None or session.current is None:
            self.show_summary()
            return
        card = session.current
        self.phase = "question"
        self.set_focus(None)
        self.query_one(CardView).show_question(card)
        lesson = self.app.course.get(card.lesson_id)
        mode = "Cram" if session.cram else "Review"
        self.query_one("#session-info", Static).update(Content(
            f"{mode} · {session.done} done, {len(session.queue)} to go · "
            f"from '{lesson.title if lesson else card.lesson_id}' (l opens it)"
        ))
        self.query_one("#session-progress", ProgressBar).update(
            total=max(1, session.total), progress=session.done
        )

    def action_advance(self) -> None:
        """Space/enter: reveal the answer, or go on after an app-graded answer."""
        if self.session is None or (self.session.current is None and self.phase != "result"):
            return
        if self.phase == "result":
            self.show_card()
        elif self.phase == "question":
            self.reveal()

    def reveal(self) -> None:
        """Show the answer of a card the learner grades."""
        card = self.session.current if self.session else None
        if card is None or self.phase != "question":
            return
        if not card.self_graded:
            hint = "press its number or click it"
            if card.kind != CHOICE:
                hint = "type it and press enter"
            self.notify(f"This card checks your answer: {hint}.")
            return
        self.phase = "answer"
        self.query_one(CardView).show_answer(card, self.session.previews())

    def action_number(self, number: int) -> None:
        """1-4: grade a revealed card, or pick that choice of a multiple-choice card."""
        card = self.session.current if self.session else None
        if card is None:
            return
        if self.phase == "answer":
            self.grade(number)
        elif self.phase == "question" and card.kind == CHOICE:
            self.pick(number - 1)
        elif self.phase == "question" and card.self_graded:
            self.notify("First recall the answer, then press space to see it.")

    def grade(self, rating: int) -> None:
        """Save the learner's grade and move to the next card."""
        if self.session is None or self.phase != "answer":
            return
        if self._saved(self.session.grade, rating)[0]:
            self.show_card()

    def pick(self, index: int) -> None:
        """Answer a multiple-choice card."""
        card = self.session.current if self.session else None
        if card is None or self.phase != "question" or card.kind != CHOICE:
            return
        if not 0 <= index < len(card.choices):
            self.notify(f"This card has {len(card.choices)} choices: press 1-{len(card.choices)}.")
            return
        saved, right = self._saved(self.session.answer_choice, index)
        if saved:
            self._show_result(card, right, index)

    def _saved(self, action: Callable[..., Any], *args: Any) -> tuple[bool, Any]:
        """Run a session step that writes to the store: (True, its result), or on a database
        error say so and return (False, None); the session is unchanged, so just try again."""
        try:
            return True, action(*args)
        except sqlite3.Error as error:
            self.notify(f"Could not save ({error}). Nothing was lost; try again.",
                        severity="error", timeout=10)
            return False, None

    def _show_result(self, card: Flashcard, right: bool, picked: int | None = None) -> None:
        self.phase = "result"
        self.query_one(CardView).show_result(card, right, picked)
        self.set_focus(None)
        self.query_one("#session-progress", ProgressBar).update(progress=self.session.done)

    @on(CardView.RevealRequested)
    def reveal_requested(self) -> None:
        self.reveal()

    @on(CardView.ChoicePicked)
    def choice_picked(self, event: CardView.ChoicePicked) -> None:
        self.pick(event.index)

    @on(CardView.Graded)
    def grade_clicked(self, event: CardView.Graded) -> None:
        self.grade(event.rating)

    @on(CardView.TextAnswered)
    def text_answered(self, event: CardView.TextAnswered) -> None:
        card = self.session.current if self.session else None
        if card is None or self.phase != "question":
            return
        saved, answered = self._saved(self.session.answer_text, event.text)
        if not saved:
            return
        right, message = answered
        if right is None:
            self.query_one(CardView).show_input_error(message)
            return
        self._show_result(card, right)

    def action_undo(self) -> None:
        """Take back the last grade and show that card again."""
        if self.session is None or not self.session.can_undo:
            self.notify("Nothing to undo.")
            return
        saved, card = self._saved(self.session.undo)
        if not saved:
            return
        self._switch("review")
        self.show_card()
        if card is not None:
            self.notify("Took back the last grade.", timeout=2)

    def action_lesson(self) -> None:
        """Open the lesson the current card comes from."""
        card = self.session.current if self.session and self.view == "review" else None
        if card is not None:
            self.app.open_lesson(card.lesson_id)
            return
        chosen = self.query_one(CardStart).chosen_lesson()
        self.app.open_lesson(None if chosen == ALL_LESSONS else chosen)

    def action_stats(self) -> None:
        """Open the statistics screen."""
        from gdtui.screens.card_stats import CardStatsScreen

        self.app.push_screen(CardStatsScreen(clock=self.clock))

    def action_leave(self) -> None:
        """Escape: end the session (everything is saved), or leave the screen."""
        if self.view == "review":
            self.show_summary()
        elif self.view == "summary":
            self.show_start()
        else:
            self.app.pop_screen()

    # -- summary ------------------------------------------------------------------------------

    def show_summary(self) -> None:
        """The end of a session: what was done and what is due next."""
        session = self.session
        if session is None:
            self.show_start()
            return
        self._switch("summary")
        self.query_one(SessionSummary).show(session.summary(), session.current is None)
        self._log_session()

    def _log_session(self) -> None:
        session = self.session
        if session is None or session.done <= self._logged:
            return
        log_flashcards(self.app.store, session.done, session.cram)
        self._logged = session.done

    def on_unmount(self) -> None:
        self._log_session()
