"""A sitting of flashcards: the queue of cards, grading them, undo, and how far along it is.

A review session saves each grade to the store at once; a cram session changes nothing. A card
still learning comes back in the same session (its next step is only minutes away), and a card
graded Again comes back after a few others, so a session shows some cards twice: its progress
counts those apart ("12 to go, 3 coming back") so that what is left only ever goes down.
Where a session stands is kept in the store at each step, so a session left before its end goes
on later, even after a restart (`paused_session`).

Nothing here imports Textual; every "now" comes from an injected clock so tests can move time.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from typing import Any

from gdtui.course.cardfile import CHOICE, Flashcard
from gdtui.course.grading import check_answer, choice_order
from gdtui.course.schedule import (
    AGAIN,
    GOOD,
    RATING_NAMES,
    CardState,
    Clock,
    Scheduler,
    due_outlook,
    format_interval,
    interleave,
    load_states,
    local_timezone,
    new_cards_left,
    read_settings,
    review_queue,
    reviews_today,
)
from gdtui.store import Store, now

LEARN_AHEAD = timedelta(minutes=20)
"""A card due again within this time comes back in the same session."""
AGAIN_GAP = 3
"""A card graded Again is shown again after this many other cards."""
PAUSED_SETTING = "cards.paused_session"
"""Where the store keeps the place of a session that is not over (None once it is)."""


@dataclass(frozen=True)
class Progress:
    """How far along a session is, as its header says it.

    ``to_go`` counts the cards not yet graded in this session, ``coming_back`` the cards graded
    once and waiting to be shown again (the card on screen is in one of the two). At a grade,
    one showing leaves the queue and at most one comes back, so neither count ever grows and
    ``share`` only grows: see `ReviewSession.progress`.
    """

    done: int
    to_go: int
    coming_back: int

    @property
    def left(self) -> int:
        """Showings left, the current card's included."""
        return self.to_go + self.coming_back

    @property
    def share(self) -> float:
        """Grades given out of grades given plus showings left (0..1), for the progress bar."""
        total = self.done + self.left
        return self.done / total if total else 1.0

    def words(self) -> str:
        """'3 done · 12 to go, 4 coming back' (or 'nothing left' at the end)."""
        parts = [f"{self.to_go} to go"] if self.to_go else []
        if self.coming_back:
            parts.append(f"{self.coming_back} coming back")
        return f"{self.done} done · " + (", ".join(parts) or "nothing left")


@dataclass
class _Snapshot:
    queue: list[Flashcard]
    done: int
    first_try: dict[str, bool]
    review_id: int | None


@dataclass
class Summary:
    """What a finished (or interrupted) session amounts to."""

    reviewed: int
    cards: int
    right_first_try: int
    next_due: str
    cram: bool
    can_undo: bool
    """Whether a grade can still be taken back (u)."""


class ReviewSession:
    """One sitting of flashcards. Each grade is saved to the store at once (except in cram).

    ``queue[0]`` is the card being shown. A card graded Again (or answered wrongly) comes back
    after a few others; a card whose next learning step falls within LEARN_AHEAD comes back at
    the end of the session.
    """

    def __init__(
        self,
        store: Store,
        cards: list[Flashcard],
        queue: list[Flashcard],
        *,
        cram: bool = False,
        scheduler: Scheduler | None = None,
        clock: Clock = now,
        tz: tzinfo | None = None,
        seed: int | None = None,
    ) -> None:
        self.store = store
        self.cards = cards
        self.queue = list(queue)
        self.cram = cram
        self._scheduler = scheduler
        self.clock = clock
        self.tz = tz or local_timezone()
        self.done = 0
        self.first_try: dict[str, bool] = {}
        """Card id -> whether its first answer in this session was right (graded cards only)."""
        self._history: list[_Snapshot] = []
        self._shuffle = random.Random(seed)
        self.order: list[int] = []
        """The options of the card on screen (a choice card), in the order shown: indices into
        its choices, shuffled at each showing (see `show`)."""
        self.wrong_answer: str | None = None
        """The typed answer the app just graded wrong, while the learner may still say that it
        was right (`overrule`); None otherwise."""

    @property
    def scheduler(self) -> Scheduler:
        """The FSRS scheduler, made at the first grade or preview (cram never needs it)."""
        if self._scheduler is None:
            self._scheduler = Scheduler(read_settings(self.store).desired_retention)
        return self._scheduler

    @property
    def current(self) -> Flashcard | None:
        """The card to show, or None when the session is over."""
        return self.queue[0] if self.queue else None

    @property
    def total(self) -> int:
        """Grades given plus cards still waiting (grows when a card comes back)."""
        return self.done + len(self.queue)

    def progress(self) -> Progress:
        """Grades given, cards not yet graded, and cards coming back once more."""
        coming_back = sum(1 for card in self.queue if card.id in self.first_try)
        return Progress(self.done, len(self.queue) - coming_back, coming_back)

    @property
    def current_came_back(self) -> bool:
        """True when the card on screen was already graded earlier in this session."""
        card = self.current
        return card is not None and card.id in self.first_try

    def show(self) -> Flashcard | None:
        """The card to show now; a choice card gets its options in a new order."""
        card = self.current
        self.wrong_answer = None
        self.order = (choice_order(card, self._shuffle) if card is not None
                      and card.kind == CHOICE else [])
        return card

    def state_of(self, card: Flashcard) -> CardState | None:
        """A card's saved state (None if new)."""
        row = self.store.card_state(card.id)
        return None if row is None else CardState.from_row(row)

    def previews(self) -> dict[int, str]:
        """For the current card: grade -> the interval it would give ('10m', '2d'); {} in cram."""
        card = self.current
        if card is None or self.cram:
            return {}
        intervals = self.scheduler.preview(self.state_of(card), self.clock())
        return {rating: format_interval(interval) for rating, interval in intervals.items()}

    def grade(self, rating: int) -> None:
        """Grade the current card (1 Again .. 4 Easy), save it, and move on.

        The store is written first: if that fails (sqlite3.Error), the session is unchanged.
        """
        card = self.current
        if card is None:
            return
        if rating not in RATING_NAMES:
            raise ValueError(f"a grade is 1 (Again) to 4 (Easy), not {rating}")
        at = self.clock()
        snapshot = _Snapshot(list(self.queue), self.done, dict(self.first_try), None)
        comes_back = rating == AGAIN
        if not self.cram:
            new_state: list[CardState] = []

            def update(row: dict[str, Any] | None) -> dict[str, Any]:
                before = None if row is None else CardState.from_row(row)
                new_state.append(self.scheduler.review(before, rating, at))
                return new_state[-1].to_row()

            snapshot.review_id = self.store.record_review(card.id, card.lesson_id, rating,
                                                          update, at)
            comes_back = new_state[-1].due - at <= LEARN_AHEAD
        self.queue.pop(0)
        self.wrong_answer = None
        self.first_try.setdefault(card.id, rating != AGAIN)
        self.done += 1
        if comes_back:
            self._requeue(card, AGAIN_GAP if rating == AGAIN else len(self.queue))
        self._history.append(snapshot)
        self.keep_place()

    def answer_choice(self, index: int) -> bool:
        """Answer a multiple-choice card with option ``index`` (0-based, in the card file's
        order; `order` maps the shown positions to it); grades it. Right?"""
        card = self.current
        if card is None or not 0 <= index < len(card.choices):
            raise ValueError("no such choice")
        right = card.choices[index].correct
        self.grade(GOOD if right else AGAIN)
        return right

    def answer_text(self, text: str) -> tuple[bool | None, str]:
        """Answer a typed or numeric card. Returns (right, '') after grading it, or
        (None, message) when the text cannot be read (nothing is graded then)."""
        card = self.current
        if card is None:
            return None, "There is no card to answer."
        right, message = check_answer(card, text)
        if right is None:
            return None, message
        self.grade(GOOD if right else AGAIN)
        self.wrong_answer = None if right else text.strip()
        return right, ""

    @property
    def can_overrule(self) -> bool:
        """True right after the app graded a typed answer wrong (the learner may disagree)."""
        return self.wrong_answer is not None and self.can_undo

    def overrule(self) -> Flashcard | None:
        """"I was right": take back the Again the app gave the last typed answer and grade the
        card Good instead, through the same schedule code. The review log keeps the Again and
        its undo; the activity log says it was the learner's call. Returns the card, or None
        when there is nothing to overrule."""
        answer = self.wrong_answer
        if answer is None or not self.can_undo:
            return None
        card = self.undo()
        if card is None:
            return None
        self.grade(GOOD)
        if not self.cram:
            self.store.log("cards", f"said 'I was right' about flashcard '{card.id}' (answer "
                                    f"{answer!r}): graded Good instead of Again")
        return card

    @property
    def can_undo(self) -> bool:
        """True when there is a grade to take back."""
        return bool(self._history)

    def undo(self) -> Flashcard | None:
        """Take back the last grade: the card returns, with its saved state as it was before."""
        if not self._history:
            return None
        snapshot = self._history[-1]
        if snapshot.review_id is not None:
            self.store.undo_review(snapshot.review_id, self.clock())
        self._history.pop()
        self.wrong_answer = None
        self.queue = snapshot.queue
        self.done = snapshot.done
        self.first_try = snapshot.first_try
        self.keep_place()
        return self.current

    def keep_place(self) -> None:
        """Save where the session stands (forgotten once it is over), so that it can go on
        after the learner leaves, even after a restart. Grades are saved on their own: if this
        write fails, only the place is lost, and a new review still finds every due card."""
        place = None if self.current is None else {
            "cram": self.cram, "queue": [card.id for card in self.queue], "done": self.done,
            "first_try": self.first_try,
        }
        try:
            self.store.set_setting(PAUSED_SETTING, place)
        except sqlite3.Error:
            pass

    def _requeue(self, card: Flashcard, gap: int) -> None:
        self.queue.insert(min(gap, len(self.queue)), card)

    def outlook(self) -> str:
        """When the next cards are due, in words (see due_outlook)."""
        return due_outlook(self.cards, load_states(self.store), self.clock(), self.tz)

    def summary(self) -> Summary:
        """Cards reviewed, right on first try, and when the next card is due."""
        next_due = "Cram mode: your schedule was not changed." if self.cram else self.outlook()
        return Summary(
            reviewed=self.done,
            cards=len(self.first_try),
            right_first_try=sum(self.first_try.values()),
            next_due=next_due,
            cram=self.cram,
            can_undo=self.can_undo,
        )


def review_session(store: Store, cards: list[Flashcard], *, seed: int | None = None,
                   clock: Clock = now, tz: tzinfo | None = None) -> ReviewSession:
    """A review of every due card and the new ones left for today, mixed (see review_queue);
    its queue is empty when nothing is due."""
    at, tz = clock(), tz or local_timezone()
    settings = read_settings(store)
    new_allowed = new_cards_left(reviews_today(store, at, tz), settings.new_per_day)
    queue = review_queue(cards, load_states(store), at, new_allowed, store.read_lessons(), seed)
    return ReviewSession(store, cards, queue, clock=clock, tz=tz, seed=seed,
                         scheduler=Scheduler(settings.desired_retention))


def cram_session(store: Store, cards: list[Flashcard], lesson_id: str | None, *,
                 seed: int | None = None, clock: Clock = now) -> ReviewSession:
    """Every card of one lesson (None: of all lessons), mixed, without touching the schedule;
    its queue is empty when the lesson has no cards."""
    chosen = [card for card in cards if lesson_id is None or card.lesson_id == lesson_id]
    return ReviewSession(store, cards, interleave(chosen, random.Random(seed)), cram=True,
                         clock=clock, seed=seed)



def paused_session(store: Store, cards: list[Flashcard], *, clock: Clock = now,
                   tz: tzinfo | None = None) -> ReviewSession | None:
    """The session left before its end (see `ReviewSession.keep_place`), at the card it stopped
    on, or None. Cards no longer in the course are left out; a damaged place is ignored."""
    place = store.get_setting(PAUSED_SETTING)
    by_id = {card.id: card for card in cards}
    try:
        queue = [by_id[card_id] for card_id in place["queue"] if card_id in by_id]
        done, first_try, cram = int(place["done"]), dict(place["first_try"]), place["cram"]
    except (TypeError, KeyError, ValueError):
        return None
    if not queue:
        return None
    session = ReviewSession(store, cards, queue, cram=bool(cram), clock=clock, tz=tz)
    session.done = done
    session.first_try = {str(card_id): bool(right) for card_id, right in first_try.items()}
    return session
