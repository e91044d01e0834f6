"""What the home screen says about the learner: last activity and overall progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gdtui.course.lessons import Course
from gdtui.numbers import MINUTE, describe_duration
from gdtui.store import Store, now


@dataclass
class Overview:
    """Numbers for the home screen."""

    lessons_read: int
    lessons_total: int
    last_activity: str | None
    first_run: bool
    next_lesson: str | None
    """Title of the first unread lesson, if any."""


def time_ago(then: datetime, at: datetime | None = None) -> str:
    """A short human phrase: 'just now', '5 minutes ago', '2 days ago'."""
    seconds = ((at or now()) - then).total_seconds()
    return "just now" if seconds < MINUTE else f"{describe_duration(seconds)} ago"


def overview(store: Store, course: Course) -> Overview:
    """Gather what the home screen shows."""
    read = store.read_lessons()
    ids = [lesson.id for lesson in course.lessons]
    last = store.last_activity()
    unread = next((lesson.title for lesson in course.lessons if lesson.id not in read), None)
    return Overview(
        lessons_read=len(read.intersection(ids)),
        lessons_total=len(ids),
        last_activity=None if last is None else f"{last[2]} ({time_ago(last[0])})",
        first_run=last is None,
        next_lesson=unread,
    )


def next_lesson_id(store: Store, course: Course) -> str | None:
    """The lesson to continue with: the last one opened if unread, else the first unread."""
    read = store.read_lessons()
    last = store.get_setting("last_lesson")
    if last and last not in read and course.get(last):
        return last
    unread = next((lesson.id for lesson in course.lessons if lesson.id not in read), None)
    return unread or last or (course.lessons[0].id if course.lessons else None)


def guess_status(store: Store) -> str:
    """The guessing game's line on the home screen: its fewest guesses so far."""
    best = store.best_guesses()
    if not best:
        return "not played yet"
    (_mode, rate), guesses = min(best.items(), key=lambda item: (item[1], item[0][1]))
    return f"best: {guesses} guesses at learning rate {rate:g}"


def lab_status(store: Store) -> str:
    """The training lab's line on the home screen: how many challenges have a saved result."""
    done = len(store.challenge_bests())
    return f"{done} challenge{'s' if done != 1 else ''} scored" if done else "no challenge yet"
