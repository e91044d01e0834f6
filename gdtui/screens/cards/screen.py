"""The flashcards screen: a start view, a review session, and its summary."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Input, OptionList

from gdtui.course import schedule
from gdtui.course.cardfile import Flashcard, load_cards
from gdtui.course.progress import log_flashcards
from gdtui.course.review import ReviewSession, cram_session, paused_session, review_session
from gdtui.help import help_text
from gdtui.screens.cards.keys import OWN_ACTIONS, actions_now, number_keys
from gdtui.screens.cards.review import ReviewPane
from gdtui.store import now
from gdtui.widgets.card_start import ALL_LESSONS, CardStart, SessionSummary
from gdtui.widgets.footer import KeysFooter


class CardsScreen(Screen[None]):
    """Review due cards on the FSRS schedule, or cram a lesson without touching it."""

    HELP_TITLE = "Flashcards"
    HELP = help_text("cards")
    CSS_PATH = "../../styles/cards.tcss"
    # Where the screen's keys are: the focus goes there when the screen resumes with none, and
    # escape in a field leads there. The start view's cram list; in a session, no widget (the
    # screen itself), so _switch sets a selector that matches nothing focusable.
    AUTO_FOCUS = "#cram-lessons"
    # One binding per meaning of a key: check_action lets through (and the footer shows) only
    # the ones that apply now (see keys.py).
    BINDINGS = [
        Binding("r", "review", "Review"),
        Binding("r", "resume", "Continue"),
        Binding("c", "cram", "Cram"),
        Binding("s", "stats", "Stats"),
        Binding("space,enter", "reveal", "Show answer", key_display="space"),
        Binding("space,enter", "type_answer", "Type answer", key_display="space"),
        Binding("space,enter", "next_card", "Next card", key_display="space"),
        Binding("i", "overrule", "I was right"),
        *number_keys("grade", "Grade"),
        *number_keys("pick", "Pick"),
        *number_keys("recall_first", ""),
        Binding("u", "undo", "Undo"),
        Binding("l", "lesson", "Lesson"),
        Binding("escape", "leave_field", "Leave field"),
        Binding("escape", "pause", "Pause"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, seed: int | None = None, clock: schedule.Clock = now) -> None:
        super().__init__()
        self.seed = seed
        self.clock = clock
        self.session: ReviewSession | None = None
        self.cards: list[Flashcard] = []
        self._logged = 0
        self._views: ContentSwitcher | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        # The review and the summary are built when first needed (see _build): the screen
        # opens sooner with the start view alone.
        with ContentSwitcher(initial="start", id="views"):
            yield CardStart(id="start")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._views = self.query_one(ContentSwitcher)
        self.cards, problems = load_cards(self.app.course.lessons)
        # A session left before its end (even before a restart) goes on where it stopped.
        self.session = paused_session(self.app.store, self.cards, clock=self.clock)
        self._logged = self.session.done if self.session else 0
        start = self.query_one(CardStart)
        start.show_settings(schedule.read_settings(self.app.store))
        start.show_problems(problems)
        self.show_start()

    def on_screen_resume(self) -> None:
        # Back from a lesson, the stats or home: the view stays as it was; counts may have moved.
        if self.view == "start":
            self.refresh_start()

    def on_screen_suspend(self) -> None:
        self._log_session()  # what home's "Last time" says, even if the learner comes back

    @property
    def view(self) -> str:
        """Which view is showing: 'start', 'review' or 'summary'."""
        # (bindings are checked before mount too, when there is no switcher yet)
        return (self._views.current if self._views else None) or "start"

    @property
    def paused(self) -> bool:
        """True when a session was left before its end and can go on."""
        return self.session is not None and self.session.current is not None

    def _switch(self, view: str) -> None:
        self.query_one(ContentSwitcher).current = view
        self.AUTO_FOCUS = "#cram-lessons" if view == "start" else "#views"
        self.refresh_bindings()

    async def _build(self, view: str) -> None:
        """Mount the review pane or the summary the first time it is needed."""
        switcher = self.query_one(ContentSwitcher)
        if not switcher.query_children(f"#{view}"):
            built = {"review": ReviewPane, "summary": SessionSummary}[view](id=view)
            built.display = False  # until the switcher shows it
            await switcher.mount(built)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in OWN_ACTIONS:
            return True
        view = self.view
        pane = self.query_one(ReviewPane) if view == "review" else None
        return action in actions_now(
            view, pane.phase if pane else "", self.session.current if self.session else None,
            in_field=isinstance(self.focused, Input), paused=self.paused,
            can_undo=self.session is not None and self.session.can_undo,
            can_overrule=self.session is not None and self.session.can_overrule)

    # -- start view ---------------------------------------------------------------------------

    def show_start(self) -> None:
        """Show the start view with fresh counts; the arrow keys move in the cram list."""
        self._switch("start")
        self.refresh_start()
        self.query_one("#cram-lessons", OptionList).focus()

    def action_start(self) -> None:
        """Back to the start view."""
        self.show_start()

    def refresh_start(self) -> None:
        """Count what is due and new, and list the lessons to cram."""
        view = schedule.start_view(self.app.store, self.cards, self.clock(),
                                   schedule.local_timezone())
        lessons = self.app.course.lessons
        start = self.query_one(CardStart)
        paused = self.session.progress() if self.paused and self.session else None
        start.show_counts(view.counts, view.settings, len(lessons), view.outlook, paused)
        start.show_lessons(lessons, view.cards_per_lesson)
        self.refresh_bindings()

    async def action_review(self) -> None:
        """Start a review of the due cards (and today's new ones)."""
        session = review_session(self.app.store, self.cards, seed=self.seed, clock=self.clock)
        if session.current is None:
            self.notify(f"Nothing to review right now: {session.outlook()}.", title="All done")
            return
        await self._begin(session)

    async def action_resume(self) -> None:
        """Go on with the session left before its end, at the card it stopped on."""
        if self.session is not None and self.paused:
            await self._build("review")
            self._switch("review")
            self.query_one(ReviewPane).start(self.session)

    async def action_cram(self) -> None:
        """Cram the lesson highlighted in the list (the schedule is not changed)."""
        await self._cram(self.query_one(CardStart).chosen_lesson())

    async def _cram(self, lesson_id: str) -> None:
        session = cram_session(self.app.store, self.cards,
                               None if lesson_id == ALL_LESSONS else lesson_id,
                               seed=self.seed, clock=self.clock)
        if session.current is None:
            self.notify("That lesson has no flashcards.", severity="warning")
            return
        await self._begin(session)

    @on(OptionList.OptionSelected, "#cram-lessons")
    async def cram_chosen(self, event: OptionList.OptionSelected) -> None:
        await self._cram(event.option.id or ALL_LESSONS)

    @on(CardStart.SettingChanged)
    def setting_changed(self, event: CardStart.SettingChanged) -> None:
        self.app.store.set_setting(event.key, event.value)
        self.notify(f"{event.name} set to {event.value:g}.")
        self.refresh_start()

    # -- review -------------------------------------------------------------------------------

    async def _begin(self, session: ReviewSession) -> None:
        self._log_session()
        self.session = session
        self._logged = 0
        session.keep_place()
        await self._build("review")
        self._switch("review")
        self.query_one(ReviewPane).start(session)

    def action_reveal(self) -> None:
        """Space/enter: show the answer of a card the learner grades."""
        self.query_one(ReviewPane).reveal()

    def action_type_answer(self) -> None:
        """Space/enter on a typed card whose field was left: back into the field."""
        self.query_one(ReviewPane).reveal()

    def action_next_card(self) -> None:
        """Space/enter after an answer the app graded: the next card."""
        self.query_one(ReviewPane).show_card()

    def action_grade(self, number: int) -> None:
        """1-4: grade a revealed card."""
        self.query_one(ReviewPane).grade(number)

    def action_pick(self, number: int) -> None:
        """1-4: pick that choice of a multiple-choice card."""
        self.query_one(ReviewPane).pick(number - 1)

    def action_recall_first(self, number: int) -> None:
        """1-4 before the answer shows: first the learner recalls it."""
        self.notify("First recall the answer, then press space to see it.")

    def action_overrule(self) -> None:
        """i after a typed answer graded wrong: "I was right", grade it Good instead."""
        self.query_one(ReviewPane).overrule()

    def action_undo(self) -> None:
        """Take back the last grade and show that card again."""
        pane = self.query_one(ReviewPane)
        if pane.undo():
            self._switch("review")
            pane.show_card()

    @on(ReviewPane.Ended)
    async def review_ended(self) -> None:
        await self.show_summary()

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

    def action_leave_field(self) -> None:
        """Escape in a field: leave it, for where the screen's keys work (AUTO_FOCUS)."""
        keys = [widget for widget in self.query(self.AUTO_FOCUS) if widget.focusable]
        self.set_focus(keys[0] if keys else None)

    async def action_pause(self) -> None:
        """Escape during a session: stop here (every grade is saved); r goes on later."""
        await self.show_summary()

    def action_leave(self) -> None:
        """Escape on the summary: back to the start view."""
        self.show_start()

    # -- summary ------------------------------------------------------------------------------

    async def show_summary(self) -> None:
        """The end of a session: what was done and what is due next."""
        session = self.session
        if session is None:
            self.show_start()
            return
        await self._build("summary")
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
