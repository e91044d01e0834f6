"""Progress storage: one SQLite file in the user's data directory.

Every change is committed the moment it is made (autocommit), so killing the process loses
nothing. The schema version lives in ``PRAGMA user_version``; ``MIGRATIONS[i]`` upgrades a
database from version i to i + 1. WAL mode and a busy timeout let two gdtui instances share one
data directory.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DB_NAME = "gdtui.db"
ENV_VAR = "GDTUI_DATA_DIR"

MIGRATIONS: list[str] = [
    # 0 -> 1: the foundation.
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE lesson_progress (
        lesson_id TEXT PRIMARY KEY,
        position REAL NOT NULL DEFAULT 0,
        read_at TEXT,
        opened_at TEXT NOT NULL
    );
    CREATE TABLE activity (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    """,
    # 1 -> 2: the guessing game and the training lab.
    """
    CREATE TABLE guess_best (
        mode TEXT NOT NULL,
        learning_rate REAL NOT NULL,
        guesses INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (mode, learning_rate)
    );
    CREATE TABLE lab_presets (name TEXT PRIMARY KEY, settings TEXT NOT NULL, at TEXT NOT NULL);
    CREATE TABLE challenge_best (
        challenge_id TEXT PRIMARY KEY,
        score REAL NOT NULL,
        detail TEXT NOT NULL,
        at TEXT NOT NULL
    );
    """,
    # 2 -> 3: flashcards: each studied card's schedule, and an append-only review log.
    """
    CREATE TABLE card_state (
        card_id TEXT PRIMARY KEY,
        lesson_id TEXT NOT NULL,
        state INTEGER NOT NULL,
        step INTEGER,
        stability REAL,
        difficulty REAL,
        due TEXT NOT NULL,
        last_review TEXT,
        reviews INTEGER NOT NULL DEFAULT 0,
        lapses INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE card_review (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        card_id TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        rating INTEGER NOT NULL,
        previous_state TEXT,
        undoes INTEGER
    );
    CREATE INDEX card_review_at ON card_review (at);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


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

    def __init__(self, connection: sqlite3.Connection, path: Path, notice: str | None = None):
        self.connection = connection
        self.path = path
        self.notice = notice
        """A message for the user about what happened while opening (e.g. a damaged file)."""

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | None = None) -> Store:
        """Open (creating and migrating) the store in ``data_dir``.

        A damaged or unreadable database is moved aside, with a notice, and a fresh one started.
        Raises StoreError when no database can be opened at all.
        """
        data_dir = Path(data_dir) if data_dir else default_data_dir()
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create data directory {data_dir}: {error.strerror}") from None
        path = data_dir / DB_NAME
        try:
            return cls(_connect(path), path)
        except NewerSchemaError as error:
            raise StoreError(str(error)) from None
        except (sqlite3.DatabaseError, OSError) as error:
            aside = _move_aside(path)
            if aside is None:
                raise StoreError(f"cannot open {path}: {error}") from None
            notice = (
                f"Your progress file could not be read ({error}). It was moved to {aside.name} "
                "and a fresh one was started."
            )
            try:
                return cls(_connect(path), path, notice)
            except sqlite3.DatabaseError as again:
                raise StoreError(f"cannot open {path}: {again}") from None

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
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        """Store a setting (any JSON-able value)."""
        self.connection.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )

    # -- lessons ------------------------------------------------------------------------------

    def open_lesson(self, lesson_id: str) -> float:
        """Record that a lesson was opened; returns the saved reading position (0 if new)."""
        self.connection.execute(
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
        self.connection.execute(
            "INSERT INTO lesson_progress (lesson_id, position, opened_at) VALUES (?, ?, ?) "
            "ON CONFLICT(lesson_id) DO UPDATE SET position = excluded.position",
            (lesson_id, position, now().isoformat()),
        )

    def mark_read(self, lesson_id: str) -> bool:
        """Mark a lesson read; returns True if it was not read before."""
        cursor = self.connection.execute(
            "INSERT INTO lesson_progress (lesson_id, read_at, opened_at) VALUES (?, ?, ?) "
            "ON CONFLICT(lesson_id) DO UPDATE SET read_at = excluded.read_at "
            "WHERE lesson_progress.read_at IS NULL",
            (lesson_id, now().isoformat(), now().isoformat()),
        )
        return cursor.rowcount > 0

    def read_lessons(self) -> set[str]:
        """Ids of the lessons marked read."""
        rows = self.connection.execute(
            "SELECT lesson_id FROM lesson_progress WHERE read_at IS NOT NULL"
        )
        return {row[0] for row in rows}

    # -- activity -----------------------------------------------------------------------------

    def log(self, kind: str, detail: str) -> int:
        """Append to the activity log ('what you did last' on the home screen); its id."""
        cursor = self.connection.execute(
            "INSERT INTO activity (at, kind, detail) VALUES (?, ?, ?)",
            (now().isoformat(), kind, detail),
        )
        return int(cursor.lastrowid or 0)

    def forget_activity(self, activity_id: int) -> None:
        """Take an entry back out of the activity log (a lab run the learner undid)."""
        self.connection.execute("DELETE FROM activity WHERE id = ?", (activity_id,))

    def last_activity(self) -> tuple[datetime, str, str] | None:
        """The most recent (time, kind, detail), or None on a first run."""
        row = self.connection.execute(
            "SELECT at, kind, detail FROM activity ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return None if row is None else (datetime.fromisoformat(row[0]), row[1], row[2])

    # -- guessing game ------------------------------------------------------------------------

    def record_guesses(self, mode: str, learning_rate: float, guesses: int) -> bool:
        """Keep the fewest guesses per mode and learning rate; True if this is a new best."""
        cursor = self.connection.execute(
            "INSERT INTO guess_best (mode, learning_rate, guesses, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(mode, learning_rate) DO UPDATE SET guesses = excluded.guesses, "
            "at = excluded.at WHERE excluded.guesses < guess_best.guesses",
            (mode, float(learning_rate), guesses, now().isoformat()),
        )
        return cursor.rowcount > 0

    def best_guesses(self, mode: str | None = None) -> dict[tuple[str, float], int]:
        """(mode, learning rate) -> fewest guesses."""
        query = "SELECT mode, learning_rate, guesses FROM guess_best"
        rows = self.connection.execute(
            query + (" WHERE mode = ?" if mode else ""), (mode,) if mode else ()
        )
        return {(m, lr): g for m, lr, g in rows}

    # -- training lab -------------------------------------------------------------------------

    def save_preset(self, name: str, settings: dict[str, Any]) -> None:
        """Save (or replace) a named Training Lab preset."""
        self.connection.execute(
            "INSERT INTO lab_presets (name, settings, at) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET settings = excluded.settings, at = excluded.at",
            (name, json.dumps(settings), now().isoformat()),
        )

    def presets(self) -> dict[str, dict[str, Any]]:
        """All saved presets by name."""
        rows = self.connection.execute("SELECT name, settings FROM lab_presets ORDER BY name")
        return {name: json.loads(settings) for name, settings in rows}

    def delete_preset(self, name: str) -> None:
        """Forget a preset."""
        self.connection.execute("DELETE FROM lab_presets WHERE name = ?", (name,))

    def record_challenge(self, challenge_id: str, score: float, detail: str) -> bool:
        """Keep the best (highest) score per challenge; True if this is a new best."""
        cursor = self.connection.execute(
            "INSERT INTO challenge_best (challenge_id, score, detail, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(challenge_id) DO UPDATE SET score = excluded.score, "
            "detail = excluded.detail, at = excluded.at "
            "WHERE excluded.score > challenge_best.score",
            (challenge_id, score, detail, now().isoformat()),
        )
        return cursor.rowcount > 0

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
        return {row[0]: dict(zip(self.CARD_STATE_FIELDS, row[1:], strict=True)) for row in rows}

    def card_state(self, card_id: str) -> dict[str, Any] | None:
        """One card's scheduling state, or None if it was never studied."""
        columns = ", ".join(self.CARD_STATE_FIELDS)
        row = self.connection.execute(
            f"SELECT {columns} FROM card_state WHERE card_id = ?", (card_id,)
        ).fetchone()
        return None if row is None else dict(zip(self.CARD_STATE_FIELDS, row, strict=True))

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
        return [
            {"id": rid, "at": datetime.fromisoformat(at), "card_id": card_id,
             "lesson_id": lesson_id, "rating": rating, "first": bool(first)}
            for rid, at, card_id, lesson_id, rating, first in rows
        ]


class NewerSchemaError(Exception):
    """The database was written by a newer gdtui; leave it alone rather than lose data."""


def _connect(path: Path) -> sqlite3.Connection:
    """Open, check and migrate one database file."""
    connection = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
    try:
        connection.execute("PRAGMA busy_timeout = 10000")
        check = connection.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {check}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA foreign_keys = ON")
        migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def migrate(connection: sqlite3.Connection) -> None:
    """Bring a database up to SCHEMA_VERSION, one migration at a time, each atomically."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(
            f"this progress file was written by a newer gdtui (schema {version}, this one "
            f"knows {SCHEMA_VERSION}); upgrade gdtui or use another --data-dir"
        )
    while version < SCHEMA_VERSION:
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another instance may have migrated while we waited for the lock.
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        connection.execute(statement)
                version += 1
                connection.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def _move_aside(path: Path) -> Path | None:
    """Rename a damaged database (and its WAL files) so a fresh one can start; None if it can't."""
    if not path.exists():
        return None
    stamp = now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                extra.rename(aside.with_name(aside.name + suffix))
    except OSError:
        return None
    return aside
