"""What the home screen says about the learner (last activity, overall progress, a line per
area), and the activity log's phrases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from gdtui.course.lessons import Course, Lesson
from gdtui.course.schedule import home_status
from gdtui.numbers import MINUTE, describe_duration, format_guess, format_significant
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


def exercise_status(store: Store, course: Course) -> str:
    """" · exercises 3/12 right" (the latest answer to each of the course's exercises), or
    "" before the first answer."""
    from gdtui.course.exercises import parse_exercises

    results = store.exercise_results()
    if not results:
        return ""
    keys = [(each.lesson_id, each.id) for lesson in course.lessons
            for each in parse_exercises(lesson)[0]]
    right = sum(1 for key in keys if key in results and results[key][2])
    return f" · exercises {right}/{len(keys)} right"


def area_status(name: str, store: Store, course: Course, info: Overview) -> str:
    """The short line next to an area on the home screen ('' for an area without one)."""
    if name == "lessons":
        return f"{info.lessons_read}/{info.lessons_total} read{exercise_status(store, course)}"
    if name == "cards":
        return home_status(store, course.lessons)
    if name == "guess":
        return guess_status(store)
    if name == "lab":
        return lab_status(store)
    return ""


# -- the activity log: what the home screen says was done last ---------------------------------


def log_lesson_opened(store: Store, lesson: Lesson) -> None:
    """Log "opened lesson 'Title'"."""
    store.log("lesson", f"opened lesson '{lesson.title}'")


def log_lesson_finished(store: Store, lesson: Lesson) -> None:
    """Log "finished lesson 'Title'"."""
    store.log("lesson", f"finished lesson '{lesson.title}'")


def log_exercise(store: Store, title: str, right: bool) -> None:
    """Log "predicted 'Title': right" (or "not right")."""
    store.log("exercise", f"predicted '{title}': {'right' if right else 'not right'}")


def log_flashcards(store: Store, count: int, cram: bool) -> None:
    """Log "reviewed 5 flashcards" (or "crammed ...")."""
    store.log("cards", f"{'crammed' if cram else 'reviewed'} {count} flashcards")


def log_guessing_game(store: Store, game: str, learning_rate: float, outcome: str) -> None:
    """Log "played the guessing game (watch it learn) at learning rate 10: within 2 at guess 4";
    `game` is the mode's title, `outcome` how the game ended."""
    rate = format_guess(learning_rate)
    store.log("guess", f"played the guessing game ({game.lower()}) at learning rate {rate}: "
                       f"{outcome}")


def log_backprop_steps(store: Store, count: int, loss_before: float, loss_after: float) -> None:
    """Log "took 10 backprop steps: loss 0.250 → 0.0312"."""
    store.log("backprop", f"took {count} backprop step{'s' * (count > 1)}: loss "
                          f"{format_significant(loss_before)} → {format_significant(loss_after)}")


def log_landscape_walks(store: Store, model: str, walks: Iterable[tuple[str, str]]) -> None:
    """Log "walked the line fit landscape with gradient descent, lr 0.05: converged ...";
    `walks` are (walker title, outcome) of each path shown."""
    shown = "; ".join(f"{title}: {outcome}" for title, outcome in walks)
    store.log("landscape", f"walked the {model.lower()} landscape with {shown}")


class LabRuns:
    """The training lab's runs in the activity log, so that it tells only what the learner kept.

    The lab logs a run when it ends (`logged`), with the step it ended at, and the line
    training.view.activity_line writes (a run that stopped by itself is told with the learning
    rate that did it). An undo back to step `step` (`undone`) takes back every logged run that
    ended after it: the learner no longer has it. When the undo lands inside a run (after
    trouble, undo goes back to the last good moment of the run), the part kept is logged
    again, as a run that ended there. A new network (`new_network`) starts a new line of
    runs: what was logged before stays, as it happened.
    """

    def __init__(self) -> None:
        self._logged: list[tuple[int, int]] = []  # (step it ended at, activity id)

    def logged(self, store: Store, end_step: int, line: str) -> None:
        """Log a run that ended at `end_step`."""
        self._logged.append((end_step, store.log("lab", line)))

    def undone(self, store: Store, step: int, line: str) -> None:
        """The learner went back to step `step`, where the session reads as `line`."""
        undone = [activity for end, activity in self._logged if end > step]
        if not undone:
            return
        for activity in undone:
            store.forget_activity(activity)
        self._logged = [(end, activity) for end, activity in self._logged if end <= step]
        kept_until = self._logged[-1][0] if self._logged else 0
        if step > kept_until:
            self.logged(store, step, line)

    def new_network(self) -> None:
        """A new network: later undos cannot reach the runs logged so far."""
        self._logged.clear()
