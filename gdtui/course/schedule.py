"""Flashcard scheduling: when each card comes back, what to study, and the statistics.

Scheduling uses FSRS (the ``fsrs`` package). FSRS keeps two numbers per card: *stability*, the
number of days after which you would still recall the card 9 times in 10, and *difficulty*. Each
grade updates both, and the next review is set for when recall is expected to drop to the
desired retention (90% by default). New cards first go through short learning steps (1 and 10
minutes) before they are spaced out over days. A sitting of flashcards is a
`gdtui.course.review.ReviewSession`.

Nothing here imports Textual; every "now" comes from an injected clock so tests can move time.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from gdtui.course.cardfile import Flashcard, load_cards
from gdtui.course.lessons import Lesson
from gdtui.numbers import describe_duration, read_number
from gdtui.store import Store, now

Clock = Callable[[], datetime]

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}

LEARNING, REVIEW, RELEARNING = 1, 2, 3
"""Card states, as FSRS numbers them."""

RETENTION_SETTING = "cards.desired_retention"
DEFAULT_RETENTION = 0.9
RETENTION_RANGE = (0.70, 0.99)
NEW_PER_DAY_SETTING = "cards.new_per_day"
DEFAULT_NEW_PER_DAY = 20
NEW_PER_DAY_RANGE = (0, 500)

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
MASTERY_STABILITY_DAYS = 7.0
"""A card is *mastered* when you would still recall it 9 times in 10 a week after a review."""
STATS_DAYS = 30


def local_timezone() -> tzinfo:
    """The learner's time zone, which decides where one day ends and the next begins."""
    return datetime.now().astimezone().tzinfo or UTC


# -- card state ---------------------------------------------------------------------------------


@dataclass
class CardState:
    """Where one card stands in the schedule."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reviews: int = 0
    lapses: int = 0
    """How often the card was forgotten (Again) after it had graduated to days-long intervals."""

    def to_row(self) -> dict[str, Any]:
        """The state as the store keeps it (times as ISO text)."""
        row = asdict(self)
        row["due"] = self.due.isoformat()
        row["last_review"] = self.last_review.isoformat() if self.last_review else None
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CardState:
        """Read a state back from the store."""
        last = row.get("last_review")
        return cls(
            state=int(row["state"]),
            step=row.get("step"),
            stability=row.get("stability"),
            difficulty=row.get("difficulty"),
            due=datetime.fromisoformat(row["due"]),
            last_review=datetime.fromisoformat(last) if last else None,
            reviews=int(row.get("reviews") or 0),
            lapses=int(row.get("lapses") or 0),
        )


def load_states(store: Store) -> dict[str, CardState]:
    """Every studied card's state, by card id."""
    return {card_id: CardState.from_row(row) for card_id, row in store.card_states().items()}


class Scheduler:
    """FSRS with gdtui's learning steps. Fuzzing is off so the interval shown on a grade button
    is exactly the interval that grade gives."""

    def __init__(self, desired_retention: float = DEFAULT_RETENTION) -> None:
        from fsrs import Scheduler as FsrsScheduler

        self.desired_retention = desired_retention
        self._fsrs = FsrsScheduler(
            desired_retention=desired_retention,
            learning_steps=LEARNING_STEPS,
            relearning_steps=RELEARNING_STEPS,
            enable_fuzzing=False,
        )

    def review(self, state: CardState | None, rating: int, at: datetime) -> CardState:
        """The card's state after a grade (``state`` None means a new card)."""
        from fsrs import Card, Rating, State

        at = at.astimezone(UTC)
        if state is None:
            card = Card(card_id=1, due=at)
            reviews, lapses = 0, 0
        else:
            card = Card(
                card_id=1,
                state=State(state.state),
                step=state.step,
                stability=state.stability,
                difficulty=state.difficulty,
                due=state.due.astimezone(UTC),
                last_review=state.last_review.astimezone(UTC) if state.last_review else None,
            )
            reviews, lapses = state.reviews, state.lapses
        lapsed = state is not None and state.state == REVIEW and rating == AGAIN
        after, _log = self._fsrs.review_card(card, Rating(rating), at)
        return CardState(
            state=int(after.state),
            step=after.step,
            stability=after.stability,
            difficulty=after.difficulty,
            due=after.due,
            last_review=after.last_review,
            reviews=reviews + 1,
            lapses=lapses + int(lapsed),
        )

    def preview(self, state: CardState | None, at: datetime) -> dict[int, timedelta]:
        """For each grade, how long until the card would come back."""
        return {rating: self.review(state, rating, at).due - at for rating in RATING_NAMES}


def format_interval(interval: timedelta) -> str:
    """A short interval for a grade button: '1m', '10m', '3h', '2d', '4mo', '1.5y'."""
    minutes = interval.total_seconds() / 60
    if minutes < 1:
        return "<1m"
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{round(days / 30)}mo"
    return f"{days / 365:.1f}".rstrip("0").rstrip(".") + "y"


# -- settings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSettings:
    """The learner's flashcard settings."""

    desired_retention: float = DEFAULT_RETENTION
    new_per_day: int = DEFAULT_NEW_PER_DAY


def read_settings(store: Store) -> CardSettings:
    """The stored settings; a damaged value falls back to its default."""
    retention = store.get_setting(RETENTION_SETTING, DEFAULT_RETENTION)
    new_per_day = store.get_setting(NEW_PER_DAY_SETTING, DEFAULT_NEW_PER_DAY)
    low, high = RETENTION_RANGE
    if not isinstance(retention, int | float) or not low <= retention <= high:
        retention = DEFAULT_RETENTION
    low_new, high_new = NEW_PER_DAY_RANGE
    if not isinstance(new_per_day, int) or not low_new <= new_per_day <= high_new:
        new_per_day = DEFAULT_NEW_PER_DAY
    return CardSettings(float(retention), new_per_day)


def parse_retention(text: str) -> tuple[float | None, str]:
    """Read a desired retention typed as 0.9 or 90%: (value, '') or (None, what is wrong)."""
    cleaned = text.strip().rstrip("%").strip()
    low, high = RETENTION_RANGE
    message = f"Type a share between {low:g} and {high:g} (or {low:.0%} to {high:.0%}), like 0.9."
    try:
        value = read_number(cleaned)
    except ValueError:
        return None, message
    if text.strip().endswith("%") or value > 1:
        value /= 100
    if not low <= value <= high:
        return None, message
    return round(value, 4), ""


def parse_new_per_day(text: str) -> tuple[int | None, str]:
    """Read the daily new-card limit: (value, '') or (None, what is wrong)."""
    low, high = NEW_PER_DAY_RANGE
    message = f"Type a whole number from {low} to {high}, like 20."
    try:
        return int(read_number(text, low=low, high=high, whole=True)), ""
    except ValueError:
        return None, message


# -- choosing what to study ---------------------------------------------------------------------


def day_of(moment: datetime, tz: tzinfo) -> date:
    """The learner's calendar day of a moment."""
    return moment.astimezone(tz).date()


def start_of_day(moment: datetime, tz: tzinfo) -> datetime:
    """Midnight (in the learner's zone) at the start of a moment's day, as UTC."""
    local = moment.astimezone(tz)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def new_cards_left(
    reviews_today: Iterable[dict[str, Any]], new_per_day: int
) -> int:
    """How many new cards may still be started today, given today's reviews."""
    started = sum(1 for review in reviews_today if review["first"])
    return max(0, new_per_day - started)


def interleave(cards: list[Flashcard], rng: random.Random) -> list[Flashcard]:
    """Shuffle cards so that neighbours come from different lessons whenever possible.

    Each lesson's cards are shuffled; then the next card always comes from the lesson with the
    most cards left (ties broken at random) that is not the lesson just shown.
    """
    groups: dict[str, list[Flashcard]] = {}
    for card in cards:
        groups.setdefault(card.lesson_id, []).append(card)
    for group in groups.values():
        rng.shuffle(group)
    order = list(groups)
    rng.shuffle(order)
    mixed: list[Flashcard] = []
    previous = None
    while len(mixed) < len(cards):
        candidates = [lesson for lesson in order if groups[lesson] and lesson != previous]
        if not candidates:
            candidates = [lesson for lesson in order if groups[lesson]]
        lesson = max(candidates, key=lambda name: len(groups[name]))
        mixed.append(groups[lesson].pop())
        previous = lesson
    return mixed


def review_queue(
    cards: list[Flashcard],
    states: dict[str, CardState],
    at: datetime,
    new_allowed: int,
    read_lessons: set[str] | None = None,
    seed: int | None = None,
) -> list[Flashcard]:
    """The cards to review now: every due card plus up to ``new_allowed`` new ones, mixed.

    New cards come in course order, from lessons already read first.
    """
    due = [card for card in cards if card.id in states and states[card.id].due <= at]
    new = [card for card in cards if card.id not in states]
    if read_lessons is not None:
        new.sort(key=lambda card: card.lesson_id not in read_lessons)  # stable: keeps course order
    return interleave(due + new[: max(0, new_allowed)], random.Random(seed))


def due_outlook(
    cards: list[Flashcard], states: dict[str, CardState], at: datetime, tz: tzinfo
) -> str:
    """When the next cards are due, in words: 'next card due in 9 minutes; 3 due tomorrow'."""
    dues = sorted(states[card.id].due for card in cards if card.id in states)
    if not dues:
        return "no cards are scheduled yet"
    due_now = sum(1 for due in dues if due <= at)
    if due_now:
        first = f"{due_now} card{'s' if due_now != 1 else ''} due now"
    else:
        first = f"next card due in {describe_duration((dues[0] - at).total_seconds())}"
    tomorrow = day_of(at, tz) + timedelta(days=1)
    count = sum(1 for due in dues if day_of(due, tz) == tomorrow)
    return f"{first}; {count} due tomorrow" if count else first


# -- counts and statistics ----------------------------------------------------------------------


@dataclass
class DeckCounts:
    """What is waiting right now."""

    due_now: int
    new_today: int
    """New cards that may still be started today (within the daily limit)."""
    new_total: int
    total: int


def deck_counts(
    cards: list[Flashcard],
    states: dict[str, CardState],
    reviews_today: list[dict[str, Any]],
    new_per_day: int,
    at: datetime,
) -> DeckCounts:
    """Due and new card counts for the start view and the home screen."""
    due_now = sum(1 for card in cards if card.id in states and states[card.id].due <= at)
    new_total = sum(1 for card in cards if card.id not in states)
    new_today = min(new_total, new_cards_left(reviews_today, new_per_day))
    return DeckCounts(due_now, new_today, new_total, len(cards))


# -- what the flashcards screen starts from ---------------------------------------------------


def reviews_today(store: Store, at: datetime, tz: tzinfo) -> list[dict[str, Any]]:
    """The reviews given since the start of the learner's day."""
    return store.card_reviews(since=start_of_day(at, tz))


@dataclass
class StartView:
    """What the flashcards start view (and the home screen's line) shows."""

    counts: DeckCounts
    settings: CardSettings
    outlook: str
    """When the next cards are due, in words (see due_outlook)."""
    cards_per_lesson: dict[str, int]


def start_view(store: Store, cards: list[Flashcard], at: datetime, tz: tzinfo) -> StartView:
    """What is due and new now, the settings, and each lesson's number of cards."""
    states, settings = load_states(store), read_settings(store)
    counts = deck_counts(cards, states, reviews_today(store, at, tz), settings.new_per_day, at)
    return StartView(counts, settings, due_outlook(cards, states, at, tz),
                     dict(Counter(card.lesson_id for card in cards)))


def home_status(store: Store, lessons: list[Lesson], clock: Clock = now) -> str:
    """The flashcards line of the home screen: '12 due', '5 new', or 'all done for today'."""
    cards, _problems = load_cards(lessons)
    if not cards:
        return "no cards yet"
    counts = start_view(store, cards, clock(), local_timezone()).counts
    parts = []
    if counts.due_now:
        parts.append(f"{counts.due_now} due")
    if counts.new_today:
        parts.append(f"{counts.new_today} new")
    return ", ".join(parts) if parts else "all done for today"


@dataclass
class LessonMastery:
    """How well one lesson's cards are known."""

    lesson_id: str
    title: str
    cards: int
    studied: int
    mastered: int

    @property
    def share(self) -> float:
        """Mastered cards as a share of the lesson's cards (0..1)."""
        return self.mastered / self.cards if self.cards else 0.0


@dataclass
class CardStats:
    """Every figure of the statistics screen and ``gdtui cards stats``."""

    total_cards: int
    studied: int
    due_now: int
    due_today: int
    """Studied cards due by the end of today (overdue ones included)."""
    due_tomorrow: int
    due_week: int
    """Studied cards due by the end of the 7 days starting today."""
    reviews_total: int
    reviews_per_day: list[tuple[date, int]]
    """The last STATS_DAYS days, oldest first, today last."""
    retention: float | None
    """Share of all reviews not graded Again (None before the first review)."""
    streak: int
    """Consecutive days with a review, ending today (or yesterday if none yet today)."""
    mastery: list[LessonMastery] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain JSON-able values."""
        data = asdict(self)
        data["reviews_per_day"] = [
            {"day": day.isoformat(), "reviews": count} for day, count in self.reviews_per_day
        ]
        for item, lesson in zip(data["mastery"], self.mastery, strict=True):
            item["share"] = round(lesson.share, 4)
        if self.retention is not None:
            data["retention"] = round(self.retention, 4)
        data["mastery_rule"] = (
            f"a card is mastered when its stability is at least {MASTERY_STABILITY_DAYS:g} days"
        )
        return data


def is_mastered(state: CardState | None) -> bool:
    """Mastered: you would still recall the card 9 times in 10 a week after reviewing it."""
    return (
        state is not None
        and state.stability is not None
        and state.stability >= MASTERY_STABILITY_DAYS
    )


def card_stats(
    cards: list[Flashcard],
    lessons: list[Lesson],
    states: dict[str, CardState],
    reviews: list[dict[str, Any]],
    at: datetime,
    tz: tzinfo,
) -> CardStats:
    """All statistics from the cards, their states and the review log (reviews as the store
    returns them). Pure: the same inputs give the same figures."""
    today = day_of(at, tz)
    studied = [states[card.id] for card in cards if card.id in states]
    due_days = [day_of(state.due, tz) for state in studied]
    per_day = Counter(day_of(review["at"], tz) for review in reviews)
    days = [today - timedelta(days=back) for back in range(STATS_DAYS - 1, -1, -1)]
    not_again = sum(1 for review in reviews if review["rating"] != AGAIN)

    streak = 0
    day = today if per_day[today] else today - timedelta(days=1)
    while per_day[day]:
        streak += 1
        day -= timedelta(days=1)

    mastery = []
    for lesson in lessons:
        own = [card for card in cards if card.lesson_id == lesson.id]
        if own:
            mastery.append(
                LessonMastery(
                    lesson_id=lesson.id,
                    title=lesson.title,
                    cards=len(own),
                    studied=sum(1 for card in own if card.id in states),
                    mastered=sum(1 for card in own if is_mastered(states.get(card.id))),
                )
            )
    return CardStats(
        total_cards=len(cards),
        studied=len(studied),
        due_now=sum(1 for state in studied if state.due <= at),
        due_today=sum(1 for day_due in due_days if day_due <= today),
        due_tomorrow=sum(1 for day_due in due_days if day_due == today + timedelta(days=1)),
        due_week=sum(1 for day_due in due_days if day_due <= today + timedelta(days=6)),
        reviews_total=len(reviews),
        reviews_per_day=[(day, per_day[day]) for day in days],
        retention=not_again / len(reviews) if reviews else None,
        streak=streak,
        mastery=mastery,
    )


def stats_for(store: Store, lessons: list[Lesson], clock: Clock = now,
              tz: tzinfo | None = None) -> CardStats:
    """Statistics straight from a store and a course (what the screen and the CLI call)."""
    cards, _problems = load_cards(lessons)
    return card_stats(cards, lessons, load_states(store), store.card_reviews(), clock(),
                      tz or local_timezone())
