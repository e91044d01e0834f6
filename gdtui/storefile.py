"""The progress file itself: opening, checking, migrating, repairing, and moving aside.

SQLite's own advice decides what counts as damage: only SQLITE_CORRUPT, SQLITE_NOTADB or a failed
integrity check prove a file is damaged, and only then is it moved aside. A full disk, a lock held
by another program, a permission problem or a read-only file say nothing about the file's health:
they are reported and the file is left exactly as it was.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

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
    # 3 -> 4: predict-then-check exercises: every answer, the latest per exercise counts.
    """
    CREATE TABLE exercise_answer (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        exercise_id TEXT NOT NULL,
        prediction TEXT NOT NULL,
        outcome TEXT NOT NULL,
        correct INTEGER NOT NULL
    );
    """,
]
BUSY_TIMEOUT = 10.0
"""Seconds to wait for another program's lock before saying the file is busy."""

_DAMAGE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_REASONS = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_BUSY: "another program is using it",
    sqlite3.SQLITE_LOCKED: "another program is using it",
    sqlite3.SQLITE_READONLY: "it is read-only",
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_CANTOPEN: "it cannot be opened (check the folder's permissions)",
    sqlite3.SQLITE_IOERR: "the disk reported an error",
}


class NewerSchemaError(Exception):
    """The database was written by a newer gdtui; leave it alone rather than lose data."""


class DamagedError(sqlite3.DatabaseError):
    """A check proved the file damaged (SQLite's own errors carry their code instead)."""


def schema_version() -> int:
    return len(MIGRATIONS)


def is_damage(error: BaseException) -> bool:
    """True only for errors that prove the file itself is damaged."""
    if isinstance(error, DamagedError):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _DAMAGE_CODES


def describe(error: BaseException, folder: Path | None = None) -> str:
    """A short plain reason for a failed read or write: 'the disk is full', ...

    A full disk often shows up as an I/O error (SQLite could not grow its -shm file): the free
    space in ``folder`` tells the two apart.
    """
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == sqlite3.SQLITE_IOERR and folder is not None:
        if _free_bytes(folder) < 1 << 20:
            return _REASONS[sqlite3.SQLITE_FULL]
    if code is not None and code & 0xFF in _REASONS:
        return _REASONS[code & 0xFF]
    if "readonly database" in str(error):  # raised by the store itself for a read-only file
        return _REASONS[sqlite3.SQLITE_READONLY]
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error)


def _free_bytes(folder: Path) -> int:
    try:
        stats = os.statvfs(folder)
    except OSError:
        return 1 << 62
    return stats.f_bavail * stats.f_frsize


def connect(path: Path, busy_timeout: float = BUSY_TIMEOUT) -> tuple[sqlite3.Connection, bool]:
    """Open, check and migrate one database file: (connection, read_only).

    A file that can be read but not written (or sits in a read-only folder) opens read-only, as
    long as it needs no migration.
    """
    try:
        return _connect(path, busy_timeout, read_only=False)
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_READONLY or not path.exists():
            raise
    return _connect(path, busy_timeout, read_only=True)


def open_read_only(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open a database only to read it, for someone other than its owner (the teacher's view
    of a learner's progress): never created, migrated, repaired or written, and a reader in WAL
    mode never blocks the owner's writes. Checked like any other (DamagedError, NewerSchemaError,
    sqlite3.Error); a missing file is SQLITE_CANTOPEN."""
    connection = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True,
                                 isolation_level=None, timeout=busy_timeout,
                                 check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        rows = connection.execute("PRAGMA quick_check").fetchall()
        if [row[0] for row in rows] != ["ok"]:
            raise DamagedError(f"integrity check failed: {rows[0][0]}")
        check_version(connection.execute("PRAGMA user_version").fetchone()[0])
    except BaseException:
        connection.close()
        raise
    return connection


def _connect(path: Path, busy_timeout: float, read_only: bool) -> tuple[sqlite3.Connection, bool]:
    target = f"file:{quote(str(path))}?mode=ro" if read_only else str(path)
    connection = sqlite3.connect(target, isolation_level=None, timeout=busy_timeout,
                                 check_same_thread=False, uri=read_only)
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        rows = connection.execute("PRAGMA quick_check").fetchall()
        if [row[0] for row in rows] != ["ok"]:
            raise DamagedError(f"integrity check failed: {rows[0][0]}")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version < 0:
            raise DamagedError(f"schema version {version} is impossible")
        check_version(version)
        read_only = read_only or not _writable(connection, version)
        if read_only:
            if version < schema_version():
                raise sqlite3.OperationalError("attempt to write a readonly database")
        else:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA foreign_keys = ON")
            migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection, read_only


def _writable(connection: sqlite3.Connection, version: int) -> bool:
    """Whether a write can be made. SQLite finds a read-only file only when something is
    written (in WAL mode a write transaction still starts), so write the version back and roll
    it back."""
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute(f"PRAGMA user_version = {version}")
        finally:
            connection.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_READONLY:
            return False
        raise
    return True


def check_version(version: int) -> None:
    if version > schema_version():
        raise NewerSchemaError(
            f"this progress file was written by a newer gdtui (schema {version}, this one "
            f"knows {schema_version()}); upgrade gdtui or use another --data-dir"
        )


def migrate(connection: sqlite3.Connection) -> None:
    """Bring a database up to the schema version, one migration at a time, each atomically."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    check_version(version)
    while version < schema_version():
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Another instance may have migrated while we waited for the lock.
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version < schema_version():
                for statement in _statements(MIGRATIONS[version]):
                    connection.execute(statement)
                version += 1
                connection.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]


_CREATES = re.compile(r"CREATE\s+(TABLE|INDEX)\s+(\w+)", re.IGNORECASE)


def repair(connection: sqlite3.Connection) -> list[str]:
    """Make again, empty, any table or index the schema has and the file lacks; their names.

    A sound file can still lack a table (dropped by a tool, say): without this every screen that
    reads it would fail. What the file does hold is left untouched.
    """
    present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    made = []
    for script in MIGRATIONS:
        for statement in _statements(script):
            match = _CREATES.match(statement)
            if match and match.group(2) not in present:
                connection.execute(statement)
                made.append(match.group(2))
    return made


def move_aside(path: Path) -> Path | None:
    """Rename a damaged database, with its -wal and -shm companions so the copy opens where it
    lies; None if it can't be moved."""
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    try:
        path.rename(aside)
    except OSError:
        return None
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        try:
            extra.rename(aside.with_name(aside.name + suffix))
        except FileNotFoundError:
            pass
        except OSError:
            # A companion left behind would be read with the fresh file: remove it instead.
            extra.unlink(missing_ok=True)
    return aside
