"""The teacher's view of a class: one row per learner of a ``gdtui serve`` root, read-only.

Every learner's ``gdtui.db`` is opened read-only (storefile.open_read_only: never created,
migrated or written; in WAL mode a reader never blocks the learner's writes) with a short busy
timeout, read, and closed at once. A store that cannot be read gives a row with the reason
(``problem``), never an exception. Who is online, and where, comes from presence.py. The class
screen (screens/classroom.py) and ``gdtui serve report`` both show what this module builds, with
the same cells (``cells``), so they cannot disagree.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from gdtui.course.lessons import Course
from gdtui.numbers import DAY, HOUR, MINUTE
from gdtui.serve.folders import GUESTS, USERS
from gdtui.serve.presence import Online, read_online
from gdtui.store import DB_NAME, Store, now
from gdtui.storefile import NewerSchemaError, describe, is_damage, open_read_only

READ_TIMEOUT = 0.2
"""Seconds to wait for a learner's lock: a store busy longer is shown as busy this time."""
RECENT_ACTIVITY = 15
MISSED_SHOWN = 5
OVERDUE_AFTER = timedelta(days=1)
"""A due card is overdue once it has waited this long."""
AGAIN = 1  # the grade "Again" (gdtui.course.schedule.AGAIN): a card missed
EXERCISE_TABLE = "exercise_answer"
NO_PROGRESS = "no progress yet"


@dataclass
class LearnerRow:
    """What the class view knows of one learner. None means "cannot tell" (shown as -)."""

    name: str
    """Their folder's name: the SSH user name, or a safe form of it (users.folder_name)."""
    guest: bool
    folder: Path
    problem: str | None = None
    """Why their store could not be read ("damaged: ...", "busy: ..."), or None."""
    online: bool = False
    area: str | None = None
    last_active: datetime | None = None
    lessons_read: list[str] = field(default_factory=list)
    exercises: int | None = None
    predictions_right: int | None = None
    cards_studied: int | None = None
    due: int | None = None
    overdue: int | None = None
    reviews: int | None = None
    recall: float | None = None
    """Share of reviews not graded Again (None before the first review)."""
    guess_best: int | None = None
    challenges: int | None = None
    """Lab challenges passed (each has a saved best score only once passed)."""
    missed: list[tuple[str, int]] = field(default_factory=list)
    """(card id, times graded Again), most missed first."""
    activity: list[tuple[datetime, str]] = field(default_factory=list)
    """The most recent entries of their activity log, newest first."""

    @property
    def unreadable(self) -> bool:
        """Their store exists but could not be read (a learner with none yet is not)."""
        return self.problem is not None and self.problem != NO_PROGRESS

    def to_dict(self) -> dict[str, Any]:
        """The row as plain JSON-able values (times as ISO text)."""
        data = asdict(self)
        data["folder"] = str(self.folder)
        data["last_active"] = self.last_active.isoformat() if self.last_active else None
        data["lessons_read"] = None if self.unreadable else len(self.lessons_read)
        data["lessons_read_ids"] = sorted(self.lessons_read)
        data["recall"] = None if self.recall is None else round(self.recall, 4)
        data["missed"] = [{"card": card, "misses": count} for card, count in self.missed]
        data["activity"] = [{"at": at.isoformat(), "what": what} for at, what in self.activity]
        return data


# -- reading one learner -----------------------------------------------------------------------


def read_learner(folder: Path, guest: bool, online: Online | None, at: datetime,
                 course: Course) -> LearnerRow:
    """One learner's row; a store that cannot be read gives a row with ``problem`` set."""
    row = LearnerRow(name=folder.name, guest=guest, folder=folder, online=online is not None,
                     area=online.area if online else None)
    path = folder / DB_NAME
    if not path.exists():
        row.problem = NO_PROGRESS
    else:
        try:
            connection = open_read_only(path, READ_TIMEOUT)
        except NewerSchemaError:
            row.problem = "written by a newer gdtui"
        except (sqlite3.Error, OSError) as error:
            row.problem = _problem(error, folder)
        else:
            try:
                _read(row, Store(connection, path, read_only=True), at, course)
            except (sqlite3.Error, OSError) as error:
                row.problem = _problem(error, folder)
            except (ValueError, TypeError, KeyError) as error:  # content no gdtui writes
                row.problem = f"damaged: unreadable content ({error})"
            finally:
                connection.close()
    if online is not None:
        seen = max(online.since, online.area_since or online.since)
        row.last_active = max(row.last_active or seen, seen)
    return row


def _problem(error: BaseException, folder: Path) -> str:
    what = "damaged" if is_damage(error) else "cannot read"
    reason = str(error) if is_damage(error) else describe(error, folder)
    return f"{what}: {reason}"


def _read(row: LearnerRow, store: Store, at: datetime, course: Course) -> None:
    skipped: list[str] = []
    store.on_problem = skipped.append  # a bad row is left out, as the learner's own gdtui does
    tables = {name for (name,) in store.connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    lesson_ids = {lesson.id for lesson in course.lessons}
    row.lessons_read = sorted(store.read_lessons() & lesson_ids)
    if EXERCISE_TABLE in tables:
        row.exercises, row.predictions_right = _exercises(store)
    if "card_state" in tables:
        _cards(row, store, at)
    if "guess_best" in tables:
        best = store.best_guesses()
        row.guess_best = min(best.values()) if best else None
        row.challenges = len(store.challenge_bests())
    row.activity = _recent_activity(store)
    row.last_active = _last_active(store, tables)


def _exercises(store: Store) -> tuple[int, int]:
    """(exercises answered, predictions right): the latest answer to each exercise counts."""
    latest = store.exercise_results()
    return len(latest), sum(1 for _prediction, _outcome, right in latest.values() if right)


def _cards(row: LearnerRow, store: Store, at: datetime) -> None:
    dues = [_time(state["due"]) for state in store.card_states().values()]
    row.cards_studied = len(dues)
    row.due = sum(1 for due in dues if due is not None and due <= at)
    row.overdue = sum(1 for due in dues if due is not None and due <= at - OVERDUE_AFTER)
    reviews = store.card_reviews()
    row.reviews = len(reviews)
    misses = [review["card_id"] for review in reviews if review["rating"] == AGAIN]
    row.recall = 1 - len(misses) / len(reviews) if reviews else None
    row.missed = Counter(misses).most_common(MISSED_SHOWN)


def _recent_activity(store: Store) -> list[tuple[datetime, str]]:
    rows = store.connection.execute(
        "SELECT at, detail FROM activity ORDER BY id DESC LIMIT ?", (RECENT_ACTIVITY,))
    return [(when, detail) for at, detail in rows
            if (when := _time(at)) is not None and isinstance(detail, str)]


# The times each table keeps: the latest of them all is when the learner last did something.
_TIMES = {"activity": ("at",), "card_review": ("at",), "lesson_progress": ("opened_at", "read_at"),
          "guess_best": ("at",), "challenge_best": ("at",), EXERCISE_TABLE: ("at",)}


def _last_active(store: Store, tables: set[str]) -> datetime | None:
    found = []
    for table, columns in _TIMES.items():
        if table in tables:
            for column in columns:
                (latest,) = store.connection.execute(
                    f"SELECT MAX({column}) FROM {table}").fetchone()
                found.append(_time(latest))
    return max((when for when in found if when is not None), default=None)


def _time(text: object) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else None


# -- the class ---------------------------------------------------------------------------------


def learner_folders(root: Path) -> list[tuple[Path, bool]]:
    """(folder, guest) of every learner under the root: key holders first, each kind by name."""
    found = []
    for kind, guest in ((USERS, False), (GUESTS, True)):
        try:
            folders = sorted(path for path in (root / kind).iterdir() if path.is_dir())
        except OSError:
            folders = []
        found += [(folder, guest) for folder in folders]
    return found


def read_class(root: Path, course: Course, at: datetime | None = None) -> list[LearnerRow]:
    """Every learner's row, key holders first, then guests."""
    at = at or now()
    online = read_online(root)
    return [read_learner(folder, guest, online.get((guest, folder.name)), at, course)
            for folder, guest in learner_folders(root)]


@dataclass
class ClassSummary:
    """The line above the table."""

    learners: int
    guests: int
    online: int
    damaged: int
    finished: list[tuple[int, str, int]]
    """(lesson number, lesson id, learners who finished it), in course order."""
    missed: list[tuple[str, int, int]]
    """(card id, times graded Again in the class, learners who missed it): the three most."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "learners": self.learners, "guests": self.guests, "online": self.online,
            "damaged": self.damaged,
            "finished": [{"lesson": number, "id": lesson, "learners": count}
                         for number, lesson, count in self.finished],
            "missed_most": [{"card": card, "misses": misses, "learners": learners}
                            for card, misses, learners in self.missed],
        }

    def lines(self) -> list[str]:
        """Three short lines: who is online, who finished each lesson, the cards missed most."""
        total = self.learners + self.guests
        who = f"{self.online} of {total} online"
        if self.guests:
            who += (f" ({self.learners} key holder{'s' * (self.learners != 1)}, "
                    f"{self.guests} guest{'s' * (self.guests != 1)})")
        if self.damaged:
            who += f" · {self.damaged} store{'s' if self.damaged != 1 else ''} unreadable"
        finished = "Finished: " + " ".join(f"L{number}:{count}"
                                           for number, _id, count in self.finished)
        missed = "Missed most: " + (", ".join(f"{card} ({misses})"
                                              for card, misses, _learners in self.missed)
                                    or "nothing yet")
        return [who, finished, missed]


def summarize(rows: list[LearnerRow], course: Course) -> ClassSummary:
    """The class summary from its rows (unreadable rows count only as such)."""
    finished = Counter(lesson for row in rows for lesson in row.lessons_read)
    misses: Counter[str] = Counter()
    learners: Counter[str] = Counter()
    for row in rows:
        for card, count in row.missed:
            misses[card] += count
            learners[card] += 1
    most = sorted(misses, key=lambda card: (-misses[card], -learners[card], card))[:3]
    return ClassSummary(
        learners=sum(1 for row in rows if not row.guest),
        guests=sum(1 for row in rows if row.guest),
        online=sum(1 for row in rows if row.online),
        damaged=sum(1 for row in rows if row.unreadable),
        finished=[(lesson.order, lesson.id, finished[lesson.id]) for lesson in course.lessons],
        missed=[(card, misses[card], learners[card]) for card in most],
    )


# -- the table both the screen and the report show ---------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    """The field it shows and sorts by (LearnerRow's name for it)."""
    header: str
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", "the learner's SSH name"),
    Column("area", "Online", "where they are now (- when offline)"),
    Column("last_active", "Active", "when they last did something"),
    Column("lessons_read", "Read", "lessons read"),
    Column("exercises", "Ex", "exercises answered"),
    Column("predictions_right", "Right", "predictions right"),
    Column("cards_studied", "Cards", "flashcards studied"),
    Column("due", "Due", "cards due now"),
    Column("overdue", "Late", "cards due for more than a day"),
    Column("recall", "Recall", "share of reviews not graded Again"),
    Column("guess_best", "Guess", "fewest guesses in the guessing game"),
    Column("challenges", "Lab", "lab challenges passed"),
)
DASH = "-"


def ago(then: datetime | None, at: datetime) -> str:
    """'now', '5m', '3h', '2d': how long ago, as short as a table cell."""
    if then is None:
        return DASH
    seconds = (at - then).total_seconds()
    if seconds < MINUTE:
        return "now"
    if seconds < HOUR:
        return f"{int(seconds // MINUTE)}m"
    if seconds < DAY:
        return f"{int(seconds // HOUR)}h"
    return f"{int(seconds // DAY)}d"


def problem_word(problem: str) -> str:
    """A store's problem in one word for the table: DAMAGED, BUSY or UNREADABLE."""
    if problem.startswith("damaged"):
        return "DAMAGED"
    return "BUSY" if "another program" in problem else "UNREADABLE"


def _where(row: LearnerRow) -> str:
    return (row.area or "yes") if row.online else DASH


def _number(value: int | None) -> str:
    return DASH if value is None else str(value)


def cells(row: LearnerRow, at: datetime) -> list[str]:
    """The row as the table shows it, one text per column of COLUMNS."""
    if row.problem is not None and row.unreadable:
        # the reason in a word where the area would be; the learner's detail gives it whole
        return [row.name, problem_word(row.problem), ago(row.last_active, at),
                *[DASH] * (len(COLUMNS) - 3)]
    return [
        row.name,
        _where(row),
        ago(row.last_active, at),
        str(len(row.lessons_read)),
        _number(row.exercises),
        _number(row.predictions_right),
        _number(row.cards_studied),
        _number(row.due),
        _number(row.overdue),
        DASH if row.recall is None else f"{row.recall:.0%}",
        _number(row.guess_best),
        _number(row.challenges),
    ]


def sort_value(row: LearnerRow, key: str) -> Any:
    """What a column sorts by; None (no value) always sorts last."""
    if key == "name":
        return row.name
    if key == "area":
        return row.area or ("" if row.online else None)
    if key == "lessons_read":
        return None if row.unreadable else len(row.lessons_read)
    return getattr(row, key)


def sort_rows(rows: Iterable[LearnerRow], key: str, descending: bool = False
              ) -> list[LearnerRow]:
    """Rows sorted by one column, key holders before guests whatever the column, rows with no
    value last either way, ties by name."""
    ordered = sorted(rows, key=lambda row: row.name)
    present = sorted((row for row in ordered if sort_value(row, key) is not None),
                     key=lambda row: sort_value(row, key), reverse=descending)
    absent = [row for row in ordered if sort_value(row, key) is None]
    return sorted(present + absent, key=lambda row: row.guest)  # stable


# -- one learner, opened -----------------------------------------------------------------------


def card_questions(course: Course) -> dict[str, str]:
    """Each card's question, by id: how a missed card is named in a learner's detail."""
    from gdtui.course.cardfile import load_cards

    cards, _problems = load_cards(course.lessons)
    return {card.id: card.question for card in cards}


def detail_lines(row: LearnerRow, at: datetime, questions: dict[str, str]) -> list[str]:
    """A learner opened: where they are, their figures, the cards they miss most and their
    recent activity, newest first."""
    kind = "guest (--open)" if row.guest else "key holder"
    where = f"online, in {row.area or 'gdtui'}" if row.online else "offline"
    lines = [f"{row.name} · {kind} · {where} · last active {ago(row.last_active, at)}"]
    if row.problem is not None:
        lines += ["", f"Their progress file: {row.problem}."]
        if row.unreadable:
            lines.append(f"It is {row.folder / DB_NAME}; it was only read, never changed.")
        return lines
    shown = dict(zip((column.key for column in COLUMNS), cells(row, at), strict=True))
    lines += ["", "  ".join(f"{column.header} {shown[column.key]}" for column in COLUMNS[3:])]
    lines += ["", "Cards they miss most (times graded Again):"]
    lines += [f"  {count:>3}  {card}: {questions.get(card, '(no longer in the course)')}"
              for card, count in row.missed] or ["  none yet"]
    lines += ["", "Recent activity:"]
    lines += [f"  {ago(when, at):>5}  {what}" for when, what in row.activity] or ["  nothing yet"]
    return lines
