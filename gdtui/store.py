"""Progress storage: one SQLite file in the user's data directory.

Every change is committed the moment it is made (autocommit), so killing the process loses
nothing. WAL mode and a busy timeout let two gdtui instances share one data directory. Opening,
checking, migrating and moving a damaged file aside live in ``gdtui.storefile``.

Nothing here may end the app: a write that fails (full disk, read-only file) is reported through
``Store.on_problem`` and the program goes on; a damaged row is skipped, reported, and kept.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gdtui.storefile import (
    BUSY_TIMEOUT,
    MIGRATIONS,
    NewerSchemaError,
    connect,
    describe,
    is_damage,
    move_aside,
    repair,
)

DB_NAME = "gdtui.db"
ENV_VAR = "GDTUI_DATA_DIR"
SCHEMA_VERSION = len(MIGRATIONS)
NOTICE_SETTING = "moved_aside"
"""Where a damaged file went: kept in the fresh file until the learner says they have read it."""

_ADVICE = {
    "the disk is full": "free some space and try again",
    "another program is using it": "close the other program (another gdtui?) and try again",
    "it is read-only": "make it writable, or use another --data-dir",
}


class StoreError(Exception):
    """The store cannot be used at all (for example the directory is not writable)."""


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def default_data_dir() -> Path:
    """``$GDTUI_DATA_DIR`` if set, else the platform's user data directory for gdtui."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("gdtui", appauthor=False))


class Store:
    """The progress database. Open it with :meth:`Store.open`."""

    def __init__(self, connection: sqlite3.Connection, path: Path, read_only: bool = False):
        self.connection = connection
        self.path = path
        self.read_only = read_only
        """The file could be read but not written: nothing is saved this time."""
        self.notice: str | None = None
        """What the learner must be told on opening (a damaged file moved aside, ...)."""
        self.on_problem: Callable[[str], None] = _print_problem
        """Told, once per message, about a write that failed or a damaged row that was skipped."""
        self._told: set[str] = set()

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | None = None, busy_timeout: float = BUSY_TIMEOUT) -> Store:
        """Open (creating and migrating) the store in ``data_dir``.

        Only a file proved damaged is moved aside (with a notice that stays until
        :meth:`forget_notice`); any other failure raises StoreError and leaves the file as it was.
        """
        data_dir = Path(data_dir) if data_dir else default_data_dir()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create data directory {data_dir}: {error.strerror}") from None
        path = data_dir / DB_NAME
        if path.exists() and not path.is_file():
            raise StoreError(f"cannot open {path}: it is not a file; move it away and try again")
        moved = None
        try:
            connection, read_only = connect(path, busy_timeout)
        except NewerSchemaError as error:
            raise StoreError(str(error)) from None
        except (sqlite3.Error, OSError) as error:
            if not is_damage(error):
                raise StoreError(_cannot_open(path, error)) from None
            aside = move_aside(path)
            if aside is None:
                raise StoreError(f"cannot open {path}: it is damaged ({error}) and could not be "
                                 "moved aside; move it away yourself and try again") from None
            moved = {"copy": str(aside), "reason": str(error), "at": now().isoformat()}
            try:
                connection, read_only = connect(path, busy_timeout)
            except (sqlite3.Error, OSError) as again:
                raise StoreError(_cannot_open(path, again)) from None
        store = cls(connection, path, read_only)
        if moved:
            store.set_setting(NOTICE_SETTING, moved)
        store.notice = store._opening_notice()
        return store

    def _opening_notice(self) -> str | None:
        parts = []
        moved = self.get_setting(NOTICE_SETTING)
        if isinstance(moved, dict) and "copy" in moved:
            parts.append(moved_aside_message(self.path, moved))
        if self.read_only:
            parts.append(f"Your progress file {self.path} is read-only, so nothing you do this "
                         "time will be saved. Make it writable to keep your progress.")
        else:
            try:
                made = repair(self.connection)
            except sqlite3.Error:
                made = []  # a full disk, say: the screens that need the table will report it
            if made:
                parts.append(f"Your progress file lacked {', '.join(made)}: made again, empty. "
                             "Everything else in it is as it was.")
        return "\n\n".join(parts) or None

    @property
    def moved_aside(self) -> bool:
        """A damaged file was moved aside and the learner has not said they read why."""
        return isinstance(self.get_setting(NOTICE_SETTING), dict)

    def forget_notice(self) -> None:
        """The learner has read that their old file was moved aside: stop telling them."""
        self._write("DELETE FROM settings WHERE key = ?", (NOTICE_SETTING,))
        self.notice = None

    def _write(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor | None:
        """Run one write; on failure tell the learner and go on (None)."""
        if self.read_only:
            return None
        try:
            return self.connection.execute(sql, parameters)
        except sqlite3.Error as error:
            reason = describe(error, self.path.parent)
            self._tell(f"Could not save your progress just now ({reason}). "
                       "What was saved before is safe.")
            return None

    def _tell(self, message: str) -> None:
        if message not in self._told:
            self._told.add(message)
            self.on_problem(message)

    def close(self) -> None:
        """Close the connection (everything is already committed)."""
        self.connection.close()

    @property
    def version(self) -> int:
        """The schema version of the open database."""
        return self.connection.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Group several writes so they land together or not at all."""
        if self.read_only:
            raise sqlite3.OperationalError("attempt to write a readonly database")
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    # -- settings -----------------------------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A stored setting (JSON value), or ``default``."""
        row = self.connection.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except (TypeError, ValueError):
            self._skipped(f"the setting '{key}'")
            return default

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting (any JSON-able value)."""
        self._write(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    # -- lessons ------------------------------------------------------------------------------

    def open_lesson(self, lesson_id: str) -> float:
        """Record that a lesson was opened; returns the saved reading position (0 if new)."""
        self._write(
            "INSERT INTO lesson_progress (lesson_id, opened_at) VALUES (?, ?) "
            "ON CONFLICT(lesson_id) DO UPDATE SET opened_at = excluded.opened_at",
            (lesson_id, now().isoformat()),
        )
        self.set_setting("last_lesson", lesson_id)
        return self.lesson_position(lesson_id)

    def lesson_position(self, lesson_id: str) -> float:
        """Where the reader left off in a lesson (scroll offset in lines)."""
        row = self.connection.execute(
            "SELECT position FROM lesson_progress WHERE lesson_id = ?", (lesson_id,)
        ).fetchone()
        return row[0] if row else 0.0

    def save_position(self, lesson_id: str, position: float) -> None:
        """Remember where the reader is in a lesson."""
        self._write(
            "INSERT INTO lesson_progress (lesson_id, position, opened_at) VALUES (?, ?, ?) "
            "ON CONFLICT(lesson_id) DO UPDATE SET position = excluded.position",
            (lesson_id, position, now().isoformat()),
        )

    def mark_read(self, lesson_id: str) -> bool:
        """Mark a lesson read; returns True if it was not read before."""
        cursor = self._write(
            "INSERT INTO lesson_progress (lesson_id, read_at, opened_at) VALUES (?, ?, ?) "
            "ON CONFLICT(lesson_id) DO UPDATE SET read_at = excluded.read_at "
            "WHERE lesson_progress.read_at IS NULL",
            (lesson_id, now().isoformat(), now().isoformat()),
        )
        return cursor is not None and cursor.rowcount > 0

    def read_lessons(self) -> set[str]:
        """Ids of the lessons marked read."""
        rows = self.connection.execute(
            "SELECT lesson_id FROM lesson_progress WHERE read_at IS NOT NULL"
        )
        return {row[0] for row in rows}

    # -- activity -----------------------------------------------------------------------------

    def log(self, kind: str, detail: str) -> int:
        """Append to the activity log ('what you did last' on the home screen); its id."""
        cursor = self._write(
            "INSERT INTO activity (at, kind, detail) VALUES (?, ?, ?)",
            (now().isoformat(), kind, detail),
        )
        return 0 if cursor is None else int(cursor.lastrowid or 0)

    def forget_activity(self, activity_id: int) -> None:
        """Take an entry back out of the activity log (a lab run the learner undid)."""
        self._write("DELETE FROM activity WHERE id = ?", (activity_id,))

    def last_activity(self) -> tuple[datetime, str, str] | None:
        """The most recent (time, kind, detail), or None on a first run."""
        rows = self.connection.execute(
            "SELECT at, kind, detail FROM activity ORDER BY id DESC LIMIT 20"
        )
        for at, kind, detail in rows:
            when = _time(at)
            if when is not None and isinstance(kind, str) and isinstance(detail, str):
                return when, kind, detail
            self._skipped("an activity entry")
        return None

    # -- guessing game ------------------------------------------------------------------------

    def record_guesses(self, mode: str, learning_rate: float, guesses: int) -> bool:
        """Keep the fewest guesses per mode and learning rate; True if this is a new best."""
        cursor = self._write(
            "INSERT INTO guess_best (mode, learning_rate, guesses, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(mode, learning_rate) DO UPDATE SET guesses = excluded.guesses, "
            "at = excluded.at WHERE excluded.guesses < guess_best.guesses",
            (mode, float(learning_rate), guesses, now().isoformat()),
        )
        return cursor is not None and cursor.rowcount > 0

    def best_guesses(self, mode: str | None = None) -> dict[tuple[str, float], int]:
        """(mode, learning rate) -> fewest guesses."""
        query = "SELECT mode, learning_rate, guesses FROM guess_best"
        rows = self.connection.execute(
            query + (" WHERE mode = ?" if mode else ""), (mode,) if mode else ()
        )
        return {(m, lr): g for m, lr, g in rows}

    # -- exercises ----------------------------------------------------------------------------

    def record_exercise(self, lesson_id: str, exercise_id: str, prediction: str, outcome: str,
                        correct: bool) -> None:
        """Keep one answer to an exercise (all are kept; the latest counts)."""
        self._write(
            "INSERT INTO exercise_answer (at, lesson_id, exercise_id, prediction, outcome, "
            "correct) VALUES (?, ?, ?, ?, ?, ?)",
            (now().isoformat(), lesson_id, exercise_id, prediction, outcome, int(correct)),
        )

    def exercise_results(self) -> dict[tuple[str, str], tuple[str, str, bool]]:
        """(lesson id, exercise id) -> (prediction, outcome, right) of the latest answer."""
        rows = self.connection.execute(
            "SELECT lesson_id, exercise_id, prediction, outcome, correct FROM exercise_answer "
            "ORDER BY id")
        return {(lesson, exercise): (prediction, outcome, bool(correct))
                for lesson, exercise, prediction, outcome, correct in rows}

    # -- training lab -------------------------------------------------------------------------

    def save_preset(self, name: str, settings: dict[str, Any]) -> None:
        """Save (or replace) a named Training Lab preset."""
        self._write(
            "INSERT INTO lab_presets (name, settings, at) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET settings = excluded.settings, at = excluded.at",
            (name, json.dumps(settings), now().isoformat()),
        )

    def presets(self) -> dict[str, dict[str, Any]]:
        """All saved presets by name."""
        rows = self.connection.execute("SELECT name, settings FROM lab_presets ORDER BY name")
        presets = {}
        for name, settings in rows:
            try:
                presets[name] = json.loads(settings)
            except (TypeError, ValueError):
                self._skipped(f"the preset '{name}'")
        return presets

    def delete_preset(self, name: str) -> None:
        """Forget a preset."""
        self._write("DELETE FROM lab_presets WHERE name = ?", (name,))

    def record_challenge(self, challenge_id: str, score: float, detail: str) -> bool:
        """Keep the best (highest) score per challenge; True if this is a new best."""
        cursor = self._write(
            "INSERT INTO challenge_best (challenge_id, score, detail, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(challenge_id) DO UPDATE SET score = excluded.score, "
            "detail = excluded.detail, at = excluded.at "
            "WHERE excluded.score > challenge_best.score",
            (challenge_id, score, detail, now().isoformat()),
        )
        return cursor is not None and cursor.rowcount > 0

    def challenge_bests(self) -> dict[str, tuple[float, str]]:
        """challenge id -> (best score, detail)."""
        rows = self.connection.execute("SELECT challenge_id, score, detail FROM challenge_best")
        return {cid: (score, detail) for cid, score, detail in rows}

    # -- flashcards ---------------------------------------------------------------------------
    # A card state is a dict of CARD_STATE_FIELDS (times as ISO text); gdtui.course.schedule
    # owns its meaning.

    CARD_STATE_FIELDS = (
        "state", "step", "stability", "difficulty", "due", "last_review", "reviews", "lapses"
    )

    def card_states(self) -> dict[str, dict[str, Any]]:
        """The scheduling state of every card studied so far, by card id (new cards are absent)."""
        columns = ", ".join(self.CARD_STATE_FIELDS)
        rows = self.connection.execute(f"SELECT card_id, {columns} FROM card_state")
        states = {}
        for row in rows:
            state = self._card_row(row[1:])
            if state is not None:
                states[row[0]] = state
        return states

    def card_state(self, card_id: str) -> dict[str, Any] | None:
        """One card's scheduling state, or None if it was never studied."""
        columns = ", ".join(self.CARD_STATE_FIELDS)
        row = self.connection.execute(
            f"SELECT {columns} FROM card_state WHERE card_id = ?", (card_id,)
        ).fetchone()
        return None if row is None else self._card_row(row)

    def _card_row(self, row: tuple) -> dict[str, Any] | None:
        """A card state as a dict, or None (reported) when its times or counts are unreadable.
        A card skipped this way is studied again as new; its row stays in the file."""
        state = dict(zip(self.CARD_STATE_FIELDS, row, strict=True))
        numbers_ok = all(
            isinstance(state[name], int) for name in ("state", "reviews", "lapses")
        )
        times_ok = _time(state["due"]) is not None and (
            state["last_review"] is None or _time(state["last_review"]) is not None
        )
        if numbers_ok and times_ok:
            return state
        self._skipped("a flashcard's schedule")
        return None

    def record_review(
        self,
        card_id: str,
        lesson_id: str,
        rating: int,
        update: Callable[[dict[str, Any] | None], dict[str, Any]],
        at: datetime | None = None,
    ) -> int:
        """Save one grade: the card's new state and a review-log row, in one transaction.

        ``update`` receives the card's stored state (None for a new card) and returns the new one.
        It runs inside the transaction, so another gdtui on the same data directory cannot slip a
        review in between. Returns the id of the review-log row (for undo).
        """
        with self.transaction() as connection:
            previous = self.card_state(card_id)
            state = update(previous)
            values = [state[name] for name in self.CARD_STATE_FIELDS]
            columns = ", ".join(self.CARD_STATE_FIELDS)
            updates = ", ".join(f"{name} = excluded.{name}" for name in self.CARD_STATE_FIELDS)
            connection.execute(
                f"INSERT INTO card_state (card_id, lesson_id, {columns}) "
                f"VALUES (?, ?, {', '.join('?' * len(values))}) "
                f"ON CONFLICT(card_id) DO UPDATE SET lesson_id = excluded.lesson_id, {updates}",
                (card_id, lesson_id, *values),
            )
            cursor = connection.execute(
                "INSERT INTO card_review (at, card_id, lesson_id, rating, previous_state) "
                "VALUES (?, ?, ?, ?, ?)",
                (self._card_time(at), card_id, lesson_id, rating,
                 None if previous is None else json.dumps(previous)),
            )
            return int(cursor.lastrowid or 0)

    def undo_review(self, review_id: int, at: datetime | None = None) -> bool:
        """Put a card back as it was before a review. The log keeps the review and gains an
        'undo' row (rating 0) pointing at it. False if there is no such review or it was undone.
        """
        with self.transaction() as connection:
            row = connection.execute(
                "SELECT card_id, lesson_id, previous_state FROM card_review "
                "WHERE id = ? AND undoes IS NULL AND NOT EXISTS "
                "(SELECT 1 FROM card_review AS u WHERE u.undoes = card_review.id)",
                (review_id,),
            ).fetchone()
            if row is None:
                return False
            card_id, lesson_id, previous = row
            current = self.card_state(card_id)
            if previous is None:
                connection.execute("DELETE FROM card_state WHERE card_id = ?", (card_id,))
            else:
                state = json.loads(previous)
                updates = ", ".join(f"{name} = ?" for name in self.CARD_STATE_FIELDS)
                connection.execute(
                    f"UPDATE card_state SET {updates} WHERE card_id = ?",
                    (*(state[name] for name in self.CARD_STATE_FIELDS), card_id),
                )
            connection.execute(
                "INSERT INTO card_review (at, card_id, lesson_id, rating, previous_state, undoes) "
                "VALUES (?, ?, ?, 0, ?, ?)",
                (self._card_time(at), card_id, lesson_id,
                 None if current is None else json.dumps(current), review_id),
            )
            return True

    @staticmethod
    def _card_time(at: datetime | None) -> str:
        """A UTC time as fixed-width ISO text, so text order is time order in SQL."""
        return (at or now()).astimezone(UTC).isoformat(timespec="microseconds")

    def card_reviews(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Reviews that still count (undone ones left out), oldest first.

        Each is a dict: ``id``, ``at`` (datetime), ``card_id``, ``lesson_id``, ``rating`` (1-4) and
        ``first`` (True when it was the card's first review, i.e. the card was new).
        """
        rows = self.connection.execute(
            "SELECT id, at, card_id, lesson_id, rating, previous_state IS NULL FROM card_review "
            "WHERE undoes IS NULL AND at >= ? AND id NOT IN "
            "(SELECT undoes FROM card_review WHERE undoes IS NOT NULL) ORDER BY at, id",
            (self._card_time(since) if since else "",),
        )
        reviews = []
        for rid, at, card_id, lesson_id, rating, first in rows:
            when = _time(at)
            if when is None or rating not in (1, 2, 3, 4):
                self._skipped("a flashcard review")
                continue
            reviews.append({"id": rid, "at": when, "card_id": card_id, "lesson_id": lesson_id,
                            "rating": rating, "first": bool(first)})
        return reviews

    def _skipped(self, what: str) -> None:
        self._tell(f"Part of your progress file could not be read ({what}), so it was skipped. "
                   "It is still in the file, unchanged.")


def _time(text: Any) -> datetime | None:
    """An ISO time from the file, or None when it is not one."""
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _print_problem(message: str) -> None:
    print(f"gdtui: {message}", file=sys.stderr)


def _cannot_open(path: Path, error: BaseException) -> str:
    reason = describe(error, path.parent)
    advice = _ADVICE.get(reason, "try again, or use another --data-dir")
    if reason == "it is read-only" and not os.access(path.parent, os.W_OK):
        reason = "its folder is read-only"
        advice = "make the folder writable, or use another --data-dir"
    return f"cannot open {path}: {reason}. Nothing was changed; {advice}"


def moved_aside_message(path: Path, moved: dict[str, Any]) -> str:
    """What to tell the learner about a damaged file that was moved aside, and how to get it
    back."""
    copy = moved.get("copy", "?")
    return (
        f"Your progress file could not be read ({moved.get('reason', 'damaged')}), so it was "
        f"moved to {copy} and a fresh one was started. Your earlier progress is in that copy. "
        f"To put it back, quit gdtui and rename it to {path}. If it is too damaged to open, "
        f"SQLite's shell can rescue most of it: sqlite3 {copy} .recover | sqlite3 rescued.db, "
        f"then rename rescued.db to {path.name}."
    )
