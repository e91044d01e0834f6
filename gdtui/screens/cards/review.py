"""The review pane of the flashcards screen: where the session stands, its progress, the card,
and what the learner's keys and clicks do with it (reveal, grade, pick, type, undo).

The session (gdtui.course.review.ReviewSession) decides and saves; the pane only keeps track
of what is on screen: the question, the answer to grade, or the result of an answer it graded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import ProgressBar, Static

from gdtui.course.cardfile import CHOICE, Flashcard
from gdtui.course.review import ReviewSession
from gdtui.storefile import describe
from gdtui.widgets.card import CardView

PROGRESS_STEPS = 1000
"""The bar shows the session's share done in this many steps (its label rounds to percent)."""


class ReviewPane(Vertical):
    """One review (or cram) session, a card at a time."""

    class Ended(Message):
        """No card is left: time for the summary."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.session: ReviewSession | None = None
        self.phase = "question"
        """Within a card: 'question', 'answer' (learner grades) or 'result' (app graded)."""

    def compose(self) -> ComposeResult:
        yield Static(id="session-info")
        yield ProgressBar(id="session-progress", show_eta=False)
        yield CardView(id="card")

    def start(self, session: ReviewSession) -> None:
        """Show the first card of a new session."""
        self.session = session
        self.show_card()

    def show_card(self) -> None:
        """Show the session's current card, or say that the session has ended."""
        session = self.session
        if session is None or session.current is None:
            self.post_message(self.Ended())
            return
        card = session.show()
        self.screen.set_focus(None)
        self._set_phase("question")
        view = self.query_one(CardView)
        view.show_question(card, session.order)
        lesson = self.app.course.get(card.lesson_id)
        view.border_title = f"from '{lesson.title if lesson else card.lesson_id}' (l opens it)"
        view.border_subtitle = "seen earlier in this session" if session.current_came_back else ""
        self.show_progress()

    def show_progress(self) -> None:
        """Say how many cards are done, to go and coming back, and move the bar (forward: a
        grade never makes what is left grow)."""
        if self.session is None:
            return
        progress = self.session.progress()
        mode = "Cram" if self.session.cram else "Review"
        self.query_one("#session-info", Static).update(Content(f"{mode} · {progress.words()}"))
        self.query_one(ProgressBar).update(total=PROGRESS_STEPS,
                                           progress=round(progress.share * PROGRESS_STEPS))

    @on(CardView.RevealRequested)
    def reveal(self) -> None:
        """Show the answer of a card the learner grades."""
        card = self.session.current if self.session else None
        if card is None or self.phase != "question":
            return
        if card.kind != CHOICE and not card.self_graded:
            self.query_one(CardView).focus_answer()  # back into the field after escape
            return
        if not card.self_graded:
            self.notify("This card checks your answer: press its number or click it.")
            return
        self.query_one(CardView).show_answer(card, self.session.previews())
        self._set_phase("answer")

    def grade(self, rating: int) -> None:
        """Save the learner's grade and move to the next card."""
        if self.session is None or self.phase != "answer":
            return
        if self._saved(self.session.grade, rating)[0]:
            self.show_card()

    def pick(self, position: int) -> None:
        """Answer a multiple-choice card with the option shown at ``position`` (0-based)."""
        card = self.session.current if self.session else None
        if card is None or self.phase != "question" or card.kind != CHOICE:
            return
        if not 0 <= position < len(card.choices):
            self.notify(f"This card has {len(card.choices)} choices: press 1-{len(card.choices)}.")
            return
        order = self.session.order or list(range(len(card.choices)))
        index = order[position]
        saved, right = self._saved(self.session.answer_choice, index)
        if saved:
            self._show_result(card, right, index)

    def overrule(self) -> None:
        """"I was right" after a typed answer the app graded wrong: it counts as Good."""
        session = self.session
        if session is None or self.phase != "result" or not session.can_overrule:
            return
        saved, card = self._saved(session.overrule)
        if not saved or card is None:
            if session.current is not None and session.wrong_answer is None:
                self.show_card()  # the Again was taken back but Good not saved: ask again
            return
        self._show_result(card, True, overruled=True)

    def undo(self) -> bool:
        """Take back the last grade; True when one was (then show the card again)."""
        if self.session is None or not self.session.can_undo:
            self.notify("Nothing to undo.")
            return False
        saved, card = self._saved(self.session.undo)
        if saved and card is not None:
            self.notify("Took back the last grade.", timeout=2)
        return saved

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

    def _saved(self, action: Callable[..., Any], *args: Any) -> tuple[bool, Any]:
        """Run a session step that writes to the store: (True, its result), or on a database
        error say so and return (False, None); the session is unchanged, so just try again."""
        try:
            return True, action(*args)
        except sqlite3.Error as error:
            reason = describe(error, self.app.store.path.parent)
            self.notify(f"Could not save this grade ({reason}). Nothing was lost; try again.",
                        severity="error", timeout=10)
            return False, None

    def _show_result(self, card: Flashcard, right: bool, picked: int | None = None,
                     overruled: bool = False) -> None:
        self.query_one(CardView).show_result(card, right, picked, overruled)
        self.screen.set_focus(None)
        self.show_progress()
        self._set_phase("result")

    def _set_phase(self, phase: str) -> None:
        """Where the card stands; the screen's keys (and footer) follow it."""
        self.phase = phase
        self.screen.refresh_bindings()
