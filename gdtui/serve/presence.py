"""Who is online, and where: one small file per live session in ``<root>/online/``.

The server writes ``<token>.json`` (who, their folder, since when, the pid of their gdtui) when a
learner's gdtui starts and removes it when the session ends. The learner's gdtui, given the path
with ``--area-file``, writes the name of the area it shows to ``<token>.area`` whenever that
changes: only it knows. Files rather than a socket to the server: the teacher's gdtui (another
child) and ``gdtui serve report`` read them without talking to the server, so a reader can never
slow the server down, and a server that died leaves nothing that reads as online (its learners'
gdtui are gone, and the files name their pids).
"""

from __future__ import annotations

import itertools
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gdtui.serve.folders import GUESTS, ONLINE

_tokens = itertools.count(1)


@dataclass(frozen=True)
class Online:
    """A live session as its files tell it."""

    since: datetime
    area: str | None
    """The area the learner's gdtui shows (home, lessons, cards, ...), None before it says."""
    area_since: datetime | None


def new_token() -> str:
    """A name for one session's files, unique among this server's and any other's."""
    return f"{os.getpid()}-{next(_tokens)}"


def area_path(root: Path, token: str) -> Path:
    """Where the learner's gdtui writes its area."""
    return root / ONLINE / f"{token}.area"


def _write(path: Path, text: str) -> None:
    """Replace a file whole, so a reader never sees half of it."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def announce(root: Path, token: str, folder: Path, pid: int) -> None:
    """Say a session is live: its learner's folder (relative to the root) and gdtui's pid.
    OSError if it cannot be written (the session goes on; only the teacher's view lacks it)."""
    (root / ONLINE).mkdir(mode=0o700, exist_ok=True)
    record = {"folder": folder.relative_to(root).as_posix(), "pid": pid,
              "since": datetime.now(UTC).isoformat()}
    _write(root / ONLINE / f"{token}.json", json.dumps(record))


def withdraw(root: Path, token: str) -> None:
    """The session ended: remove its files."""
    for suffix in (".json", ".area"):
        (root / ONLINE / f"{token}{suffix}").unlink(missing_ok=True)


def write_area(path: Path, area: str) -> None:
    """Called by the learner's gdtui when the area it shows changes; a failure is ignored (the
    learner's session matters more than the teacher's view of it)."""
    try:
        _write(path, area)
    except OSError:
        pass


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_online(root: Path) -> dict[tuple[bool, str], Online]:
    """The live sessions by (guest, folder name). A file that cannot be read, or whose gdtui is
    gone (a server that died), does not count; nothing is removed or changed."""
    found: dict[tuple[bool, str], Online] = {}
    try:
        records = sorted((root / ONLINE).glob("*.json"))
    except OSError:
        return found
    for path in records:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            kind, name = record["folder"].split("/")
            since = datetime.fromisoformat(record["since"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        if not _alive(record.get("pid")):
            continue
        area, area_since = None, None
        area_file = path.with_suffix(".area")
        try:
            area = area_file.read_text(encoding="utf-8").strip()[:20] or None
            area_since = datetime.fromtimestamp(area_file.stat().st_mtime, UTC)
        except OSError:
            pass
        key = (kind == GUESTS, name)
        if key not in found or found[key].since < since:  # two sessions: the newer one
            found[key] = Online(since, area, area_since)
    return found


def clear_stale(root: Path) -> None:
    """At the server's start: remove the files of sessions whose gdtui is gone."""
    try:
        records = list((root / ONLINE).glob("*.json"))
    except OSError:
        return
    for path in records:
        try:
            pid = json.loads(path.read_text(encoding="utf-8")).get("pid")
        except (OSError, ValueError, AttributeError):
            pid = None
        if not _alive(pid):
            path.unlink(missing_ok=True)
            path.with_suffix(".area").unlink(missing_ok=True)
