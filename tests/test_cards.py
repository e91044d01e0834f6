"""Scheduling with an injected clock: intervals, sessions, undo, limits, mixing and statistics."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from gdtui.course.cardfile import CHOICE, NUMERIC, RECALL, TYPED, Choice, Flashcard
from gdtui.course.lessons import Lesson
from gdtui.course.review import (
    LEARN_AHEAD,
    Progress,
    ReviewSession,
    cram_session,
    review_session,
)
from gdtui.course.schedule import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    NEW_PER_DAY_SETTING,
    RETENTION_SETTING,
    CardState,
    Scheduler,
    card_stats,
    deck_counts,
    due_outlook,
    format_interval,
    interleave,
    load_states,
    new_cards_left,
    parse_new_per_day,
    parse_retention,
    read_settings,
    review_queue,
    start_view,
)
from gdtui.store import Store

START = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, at: datetime = START) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def recall(card_id: str, lesson_id: str = "loss") -> Flashcard:
    return Flashcard(id=card_id, lesson_id=lesson_id, kind=RECALL, question=f"Q {card_id}?",
                     answer=f"A {card_id}.")


def lesson(lesson_id: str, title: str = "") -> Lesson:
    return Lesson(id=lesson_id, title=title or lesson_id.title(), order=1, minutes=1,
                  summary="", body="x", path=None)  # type: ignore[arg-type]


def test_intervals_grow_with_good_and_again_brings_a_card_back_soon():
    scheduler = Scheduler()
    at, state, waits = START, None, []
    for _ in range(6):
        state = scheduler.review(state, GOOD, at)
        waits.append(state.due - at)
        at = state.due
    assert waits[0] == timedelta(minutes=10)  # the second learning step
    assert waits[1] >= timedelta(days=1)  # graduated
    assert all(later > earlier for earlier, later in zip(waits[1:], waits[2:], strict=False))
    forgotten = scheduler.review(state, AGAIN, at)
    assert forgotten.due - at == timedelta(minutes=10)
    assert forgotten.lapses == 1
    assert forgotten.reviews == 7
    assert forgotten.stability < state.stability


def test_the_previews_are_exactly_what_each_grade_gives():
    scheduler = Scheduler()
    previews = scheduler.preview(None, START)
    assert [format_interval(previews[r]) for r in (AGAIN, HARD, GOOD, EASY)] == [
        "1m", "6m", "10m", "8d"
    ]
    for rating, wait in previews.items():
        assert scheduler.review(None, rating, START).due - START == wait


def test_a_higher_desired_retention_gives_shorter_intervals():
    state = Scheduler().review(None, EASY, START)
    later = START + timedelta(days=8)
    relaxed = Scheduler(0.8).review(state, GOOD, later).due
    strict = Scheduler(0.97).review(state, GOOD, later).due
    assert strict < relaxed


def test_format_interval():
    cases = [(timedelta(seconds=30), "<1m"), (timedelta(minutes=10), "10m"),
             (timedelta(hours=3), "3h"), (timedelta(days=2), "2d"),
             (timedelta(days=95), "3mo"), (timedelta(days=548), "1.5y")]
    assert [format_interval(wait) for wait, _ in cases] == [text for _, text in cases]


def test_a_session_saves_each_grade_at_once_and_brings_again_back(store):
    clock = Clock()
    cards = [recall(f"c{i}") for i in range(5)]
    session = ReviewSession(store, cards, cards, clock=clock, tz=UTC)
    first = session.current
    session.grade(AGAIN)
    assert store.card_state(first.id)["reviews"] == 1  # saved before the session ends
    assert [card.id for card in session.queue].index(first.id) == 3
    assert session.total == 6
    for _ in range(3):
        clock.advance(seconds=20)
        session.grade(GOOD)
    assert session.current is first
    clock.advance(minutes=1)
    session.grade(EASY)
    assert first not in session.queue
    assert session.first_try[first.id] is False
    assert len(store.card_reviews()) == 5


def test_good_on_a_new_card_shows_it_once_more_at_the_end(store):
    cards = [recall("a"), recall("b"), recall("c")]
    session = ReviewSession(store, cards, cards, clock=Clock(), tz=UTC)
    session.grade(GOOD)
    assert [card.id for card in session.queue] == ["b", "c", "a"]  # its 10 minute step
    assert timedelta(minutes=10) <= LEARN_AHEAD


def test_a_whole_session_only_ever_counts_down_and_its_bar_only_moves_forward(store):
    # A learner's day: 20 new cards, graded Good, Again and Hard as they come, a few seconds
    # apart, until nothing is left. Each new card graded Good or Hard comes back for its
    # learning step, and each Again comes back after a few others.
    clock = Clock()
    cards = [recall(f"c{i:02d}", f"lesson{i % 3}") for i in range(20)]
    session = ReviewSession(store, cards, cards, clock=clock, tz=UTC)
    grades = [GOOD, GOOD, AGAIN, HARD, GOOD, EASY, GOOD]
    seen: list[Progress] = [session.progress()]
    was_fresh: list[bool] = []  # whether each graded card was shown for the first time
    assert seen[0] == Progress(done=0, to_go=20, coming_back=0)
    assert seen[0].words() == "0 done · 20 to go"
    while session.current is not None:
        clock.advance(seconds=15)
        was_fresh.append(not session.current_came_back)
        session.grade(grades[session.done % len(grades)])
        seen.append(session.progress())
        assert len(seen) < 200, "the session never ends"
    for before, after, fresh in zip(seen[:-1], seen[1:], was_fresh, strict=True):
        assert after.done == before.done + 1
        # Grading a new card takes one off "to go"; a card coming back leaves it as it is.
        assert after.to_go == before.to_go - fresh
        assert after.left <= before.left  # one showing leaves, at most one comes back
        assert after.share > before.share  # the bar never stands still or goes back
    assert sum(was_fresh) == 20 and seen[-1].done > 20  # some cards came back
    assert seen[1].words() == "1 done · 19 to go, 1 coming back"
    last_new = max(n for n, fresh in enumerate(was_fresh) if fresh) + 1
    assert seen[last_new].words() == f"{last_new} done · {seen[last_new].coming_back} coming back"
    assert seen[-1].words() == f"{seen[-1].done} done · nothing left" and seen[-1].share == 1.0
    assert sorted(session.first_try) == sorted(card.id for card in cards)


def test_the_progress_of_an_undone_grade_is_the_one_before_it(store):
    cards = [recall("a"), recall("b")]
    session = ReviewSession(store, cards, cards, clock=Clock(), tz=UTC)
    before = session.progress()
    session.grade(GOOD)
    assert session.progress() == Progress(done=1, to_go=1, coming_back=1)
    session.undo()
    assert session.progress() == before and not session.current_came_back
    session.grade(AGAIN)
    session.grade(GOOD)
    assert session.current_came_back  # "a" is back on screen, after its Again
    assert session.summary().can_undo


def test_undo_restores_the_card_and_marks_the_log(store):
    clock = Clock()
    cards = [recall("a"), recall("b")]
    session = ReviewSession(store, cards, cards, clock=clock, tz=UTC)
    session.grade(GOOD)
    session.grade(GOOD)
    clock.advance(minutes=15)
    session.grade(EASY)  # "a" graduates
    before = store.card_state("a")
    clock.advance(minutes=1)
    session.grade(AGAIN)  # "b"
    b_before_undo = store.card_state("b")
    assert b_before_undo["reviews"] == 2

    assert session.undo().id == "b"
    assert store.card_state("b")["reviews"] == 1
    assert store.card_state("a") == before
    assert session.done == 3
    assert session.undo().id == "a"
    assert store.card_state("a")["reviews"] == 1
    # Undoing a new card's first review makes it new again.
    session.undo()
    assert session.undo().id == "a"
    assert store.card_state("a") is None
    assert not session.can_undo
    assert store.card_reviews() == []
    rows = store.connection.execute("SELECT rating, undoes FROM card_review ORDER BY id")
    assert [rating for rating, _ in rows] == [3, 3, 4, 1, 0, 0, 0, 0]


def test_app_graded_answers_map_to_again_and_good(store):
    cards = [
        Flashcard(id="pick", lesson_id="loss", kind=CHOICE, question="Pick",
                  choices=(Choice("wrong", False), Choice("right", True))),
        Flashcard(id="type", lesson_id="loss", kind=TYPED, question="Name",
                  accepted=("cross-entropy",)),
        Flashcard(id="num", lesson_id="loss", kind=NUMERIC, question="How much",
                  value=0.5, tolerance=0.01),
    ]
    session = ReviewSession(store, cards, cards, clock=Clock(), tz=UTC)
    assert session.answer_choice(0) is False
    assert session.answer_text("Cross Entropy") == (True, "")
    assert session.answer_text("half") == (None, "'half' is not a number. Type one like 0.5, "
                                                  "-2, 1/3, 1 2/3 or 2e-3.")
    assert session.answer_text("   ") == (
        None, "Type an answer first (or press escape to leave the field).")
    assert session.answer_text("1/2") == (True, "")
    ratings = [review["rating"] for review in store.card_reviews()]
    assert ratings == [AGAIN, GOOD, GOOD]


def typed(card_id: str) -> Flashcard:
    return Flashcard(id=card_id, lesson_id="loss", kind=TYPED, question="Name",
                     accepted=("cross-entropy", "log loss"))


def test_i_was_right_gives_exactly_the_state_a_good_gives(store, tmp_path):
    clock = Clock()
    cards = [typed("a"), typed("b")]
    session = ReviewSession(store, cards, cards, clock=clock, tz=UTC)
    assert not session.can_overrule
    assert session.answer_text("surprise loss") == (False, "")
    assert session.can_overrule and session.wrong_answer == "surprise loss"
    assert session.overrule().id == "a"
    assert not session.can_overrule  # once
    assert session.overrule() is None
    # The same card graded Good straight away, in another store, at the same time.
    other = Store.open(tmp_path / "other")
    try:
        ReviewSession(other, cards, cards, clock=clock, tz=UTC).grade(GOOD)
        assert store.card_state("a") == other.card_state("a")
    finally:
        other.close()
    assert [review["rating"] for review in store.card_reviews()] == [GOOD]
    assert session.first_try == {"a": True} and session.done == 1
    assert "said 'I was right' about flashcard 'a'" in store.last_activity()[2]
    # A right answer, or the next card's grade, leaves nothing to overrule.
    assert session.current.id == "b"
    assert session.answer_text("log-loss") == (True, "")
    assert not session.can_overrule


def test_i_was_right_in_cram_changes_no_schedule_and_logs_nothing(store):
    cards = [typed("a")]
    session = ReviewSession(store, cards, cards, cram=True, clock=Clock(), tz=UTC)
    session.answer_text("MSE")
    assert session.overrule().id == "a"
    assert session.first_try == {"a": True}
    assert store.card_states() == {} and store.card_reviews() == []
    assert store.last_activity() is None


def test_each_showing_of_a_choice_card_gets_its_own_order(store):
    card = Flashcard(id="pick", lesson_id="loss", kind=CHOICE, question="Pick",
                     choices=tuple(Choice(text, text == "c") for text in "abcd"))
    session = ReviewSession(store, [card], [card], cram=True, clock=Clock(), seed=4)
    places = []
    for _ in range(12):
        session.show()
        assert sorted(session.order) == [0, 1, 2, 3]
        places.append(session.order.index(2))
        wrong = next(i for i in session.order if i != 2)
        assert session.answer_choice(wrong) is False  # comes back: the only card of a cram
    assert len(set(places)) == 4
    session.show()
    shown = session.order.index(2)  # where the learner sees "c": its key grades it right
    assert session.answer_choice(session.order[shown]) is True


def test_cram_never_touches_the_schedule(store):
    cards = [recall("a"), recall("b")]
    session = ReviewSession(store, cards, cards, cram=True, clock=Clock(), tz=UTC)
    assert session.previews() == {}
    session.grade(AGAIN)
    session.grade(GOOD)
    session.grade(GOOD)
    assert session.current is None
    assert store.card_states() == {}
    assert store.card_reviews() == []
    summary = session.summary()
    assert (summary.reviewed, summary.cards, summary.right_first_try) == (3, 2, 1)
    assert "not changed" in summary.next_due


def test_the_daily_new_card_limit(store):
    clock = Clock()
    cards = [recall(f"c{i:02d}") for i in range(30)]
    queue = review_queue(cards, {}, clock(), new_allowed=20, seed=1)
    assert len(queue) == 20
    session = ReviewSession(store, cards, queue[:12], clock=clock, tz=UTC)
    for _ in range(12):
        session.grade(EASY)
    today = store.card_reviews(since=START.replace(hour=0))
    assert new_cards_left(today, 20) == 8
    counts = deck_counts(cards, load_states(store), today, 20, clock())
    assert (counts.due_now, counts.new_today, counts.new_total) == (0, 8, 18)
    # Tomorrow the limit starts again.
    assert new_cards_left(store.card_reviews(since=START + timedelta(days=1)), 20) == 20


def test_the_start_view_and_a_review_read_the_settings_and_todays_reviews(store):
    clock = Clock()
    cards = [recall("a1", "one"), recall("a2", "one"), recall("b1", "two")]
    store.set_setting(NEW_PER_DAY_SETTING, 2)
    store.set_setting(RETENTION_SETTING, 0.8)
    view = start_view(store, cards, clock(), UTC)
    counts = view.counts
    assert (counts.due_now, counts.new_today, counts.new_total, counts.total) == (0, 2, 3, 3)
    assert (view.settings.new_per_day, view.settings.desired_retention) == (2, 0.8)
    assert view.cards_per_lesson == {"one": 2, "two": 1}
    assert view.outlook == "no cards are scheduled yet"

    session = review_session(store, cards, seed=1, clock=clock, tz=UTC)
    assert len(session.queue) == 2  # the daily limit of new cards
    assert session.scheduler.desired_retention == 0.8 and not session.cram
    first = session.current
    session.grade(GOOD)  # its next learning step is 10 minutes away
    clock.advance(minutes=11)
    view = start_view(store, cards, clock(), UTC)
    assert (view.counts.due_now, view.counts.new_today) == (1, 1)  # one new card started today
    assert view.outlook == "1 card due now"
    assert session.outlook() == "1 card due now"
    again = review_session(store, cards, seed=1, clock=clock, tz=UTC)
    assert first in again.queue and len(again.queue) == 2


def test_nothing_to_review_is_an_empty_session(store):
    clock = Clock()
    store.set_setting(NEW_PER_DAY_SETTING, 0)
    session = review_session(store, [recall("a")], clock=clock, tz=UTC)
    assert session.current is None and session.outlook() == "no cards are scheduled yet"


def test_cram_sessions_take_one_lesson_or_all(store):
    cards = [recall("a1", "one"), recall("a2", "one"), recall("b1", "two")]
    session = cram_session(store, cards, "one", seed=2, clock=Clock())
    assert session.cram and sorted(card.id for card in session.queue) == ["a1", "a2"]
    assert len(cram_session(store, cards, None, seed=2, clock=Clock()).queue) == 3
    assert cram_session(store, cards, "three", clock=Clock()).current is None


def test_new_cards_from_read_lessons_come_first():
    cards = [recall("a1", "one"), recall("b1", "two"), recall("b2", "two")]
    queue = review_queue(cards, {}, START, new_allowed=2, read_lessons={"two"}, seed=3)
    assert sorted(card.id for card in queue) == ["b1", "b2"]


def test_due_cards_are_chosen_and_lessons_are_mixed():
    cards = [recall(f"{name}{i}", name) for name in ("loss", "backprop", "rate") for i in range(4)]
    states = {card.id: CardState(2, None, 3.0, 5.0, START - timedelta(hours=1), START, 3, 0)
              for card in cards}
    states["rate3"].due = START + timedelta(days=2)
    queue = review_queue(cards, states, START, new_allowed=20, seed=7)
    assert len(queue) == 11 and "rate3" not in [card.id for card in queue]
    lessons = [card.lesson_id for card in queue]
    assert all(a != b for a, b in zip(lessons, lessons[1:], strict=False))
    assert queue == review_queue(cards, states, START, new_allowed=20, seed=7)  # seeded
    mixed = interleave(cards, random.Random(2))
    assert sorted(card.id for card in mixed) == sorted(card.id for card in cards)


def test_due_outlook_in_words():
    cards = [recall("a"), recall("b"), recall("c")]
    def state(due):
        return CardState(2, None, 3.0, 5.0, due, START, 1, 0)
    soon = {"a": state(START + timedelta(minutes=9)),
            "b": state(START + timedelta(days=1)), "c": state(START + timedelta(days=1, hours=2))}
    assert due_outlook(cards, soon, START, UTC) == "next card due in 9 minutes; 2 due tomorrow"
    soon["a"].due = START
    assert due_outlook(cards, soon, START, UTC) == "1 card due now; 2 due tomorrow"
    assert due_outlook(cards, {}, START, UTC) == "no cards are scheduled yet"


def test_stats_figures_on_a_known_history():
    cards = [recall("a", "loss"), recall("b", "loss"), recall("c", "backprop"),
             recall("d", "backprop")]
    def state(due_in, stability):
        return CardState(2, None, stability, 5.0, START + due_in, START, 3, 0)
    states = {
        "a": state(timedelta(hours=-2), 10.0),  # overdue, mastered
        "b": state(timedelta(hours=10), 2.0),  # later today (09:00 + 10h, still 10 March)
        "c": state(timedelta(days=1), 8.0),  # tomorrow, mastered
        "d": state(timedelta(days=5), 1.0),  # this week
    }

    def review(days_ago, rating):
        return {"at": START - timedelta(days=days_ago), "rating": rating, "card_id": "a",
                "lesson_id": "loss", "first": False}

    reviews = [review(4, GOOD), review(2, AGAIN), review(1, GOOD), review(1, HARD),
               review(0, GOOD)]
    stats = card_stats(cards, [lesson("loss"), lesson("backprop"), lesson("empty")], states,
                       reviews, START, UTC)
    assert (stats.due_now, stats.due_today, stats.due_tomorrow, stats.due_week) == (1, 2, 1, 4)
    assert stats.retention == 4 / 5
    assert stats.streak == 3  # today, yesterday, the day before; not 4 days ago
    assert len(stats.reviews_per_day) == 30
    assert stats.reviews_per_day[-1] == (START.date(), 1)
    assert stats.reviews_per_day[-2] == (START.date() - timedelta(days=1), 2)
    assert sum(count for _, count in stats.reviews_per_day) == 5
    assert [(m.lesson_id, m.cards, m.studied, m.mastered) for m in stats.mastery] == [
        ("loss", 2, 2, 1), ("backprop", 2, 2, 1)
    ]
    data = stats.to_dict()
    assert data["retention"] == 0.8
    assert data["reviews_per_day"][-1] == {"day": "2025-03-10", "reviews": 1}
    assert data["mastery"][0]["share"] == 0.5


def test_a_streak_survives_until_the_end_of_today():
    reviews = [{"at": START - timedelta(days=1), "rating": GOOD}]
    stats = card_stats([], [], {}, reviews, START, UTC)
    assert stats.streak == 1
    assert card_stats([], [], {}, [], START, UTC).retention is None


def test_settings_are_checked_and_fall_back_to_defaults(store):
    assert parse_retention("0.85") == (0.85, "")
    assert parse_retention("90%") == (0.9, "")
    assert parse_retention("2")[0] is None
    assert parse_retention("lots")[1].startswith("Type a share between 0.7 and 0.99")
    assert parse_new_per_day("15") == (15, "")
    assert parse_new_per_day("-1") == (None, "Type a whole number from 0 to 500, like 20.")
    store.set_setting("cards.desired_retention", "high")
    store.set_setting("cards.new_per_day", 7)
    settings = read_settings(store)
    assert (settings.desired_retention, settings.new_per_day) == (0.9, 7)


def test_two_stores_on_one_directory_see_each_others_grades(tmp_path):
    first, second = Store.open(tmp_path), Store.open(tmp_path)
    try:
        cards = [recall("a"), recall("b")]
        ReviewSession(first, cards, cards, clock=Clock(), tz=UTC).grade(GOOD)
        later = Clock(START + timedelta(minutes=10))
        ReviewSession(second, cards, cards, clock=later, tz=UTC).grade(GOOD)
        assert first.card_state("a")["reviews"] == 2  # the second built on the first's state
        assert len(first.card_reviews()) == 2
    finally:
        first.close()
        second.close()


def test_a_failed_save_leaves_the_session_unchanged(store, monkeypatch):
    import sqlite3

    cards = [recall("a"), recall("b")]
    session = ReviewSession(store, cards, cards, clock=Clock(), tz=UTC)

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store, "record_review", locked)
    with pytest.raises(sqlite3.OperationalError):
        session.grade(GOOD)
    assert (session.current.id, session.done, session.can_undo) == ("a", 0, False)
    monkeypatch.undo()
    session.grade(GOOD)
    assert session.done == 1 and store.card_state("a")["reviews"] == 1
