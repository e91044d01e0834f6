"""The flashcards screen: a start view, a review session, and its summary."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, OptionList

from gdtui.course import schedule
from gdtui.course.cardfile import Flashcard, load_cards
from gdtui.course.progress import log_flashcards
from gdtui.help import help_text
from gdtui.screens.cards.review import ReviewPane
from gdtui.store import now
from gdtui.widgets.card_start import ALL_LESSONS, CardStart, SessionSummary


class CardsScreen(Screen[None]):
    """Review due cards on the FSRS schedule, or cram a lesson without touching it."""

    HELP_TITLE = "Flashcards"
    HELP = help_text("cards")
    CSS_PATH = "../../styles/cards.tcss"
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
        self.cards: list[Flashcard] = []
        self._logged = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="start", id="views"):
            yield CardStart(id="start")
            yield ReviewPane(id="review")
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
        self.query_one(ReviewPane).start(session)

    def action_advance(self) -> None:
        """Space/enter: reveal the answer, or go on after an app-graded answer."""
        self.query_one(ReviewPane).advance()

    def action_number(self, number: int) -> None:
        """1-4: grade a revealed card, or pick that choice of a multiple-choice card."""
        self.query_one(ReviewPane).number(number)

    def action_undo(self) -> None:
        """Take back the last grade and show that card again."""
        pane = self.query_one(ReviewPane)
        if pane.undo():
            self._switch("review")
            pane.show_card()

    @on(ReviewPane.Ended)
    def review_ended(self) -> None:
        self.show_summary()

    def action_lesson(self) -> None:
        """Open the lesson the current card comes from."""
        card = self.session.current if self.session and self.view == "review" else None
        if card is not None:  # at the section of the lesson the card is most about
            lesson = self.app.course.get(card.lesson_id)
            texts = (card.question, card.answer, *card.accepted, *(c.text for c in card.choices))
            about = lesson.section_for(*texts) if lesson else None
            self.app.open_lesson(card.lesson_id, about.anchor if about else None)
            return
        chosen = self.query_one(CardStart).chosen_lesson()
        self.app.open_lesson(None if chosen == ALL_LESSONS else chosen)

    def action_stats(self) -> None:
        """Open the statistics screen."""
        from gdtui.screens.cards.stats import CardStatsScreen

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
