"""The store never throws away a healthy file: a real full disk, a real lock held by another
process and a real read-only file are reported and leave the file as it was; only proved damage
moves a file aside, with its companions, and the learner is told until they say they read it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from gdtui.store import DB_NAME, Store, StoreError
from gdtui.storefile import move_aside


def run_python(code: str, *prefix: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def on_a_small_disk(tmp_path, code: str) -> dict:
    """Run ``code`` with a 256 KiB tmpfs mounted at $DISK (in a mount namespace of its own, so
    nothing outside sees it); the code prints one JSON line, returned here."""
    disk = tmp_path / "disk"
    disk.mkdir()
    shell = f'mount -t tmpfs -o size=256k tmpfs "$DISK" && exec "{sys.executable}" -c "$0"'
    result = subprocess.run(["unshare", "-rm", "sh", "-c", shell, textwrap.dedent(code)],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "DISK": str(disk)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


FILL = """
import json, os, sqlite3
from gdtui.store import Store, StoreError
disk = os.environ["DISK"]

def fill():
    with open(os.path.join(disk, "filler"), "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"x" * 4096)
        except OSError:
            pass

def files():
    return sorted(name for name in os.listdir(disk) if name != "filler")
"""


def test_a_full_disk_at_start_is_reported_and_the_file_is_left_as_it_was(tmp_path):
    outcome = on_a_small_disk(tmp_path, FILL + """
store = Store.open(disk)
store.mark_read("loss")
store.set_setting("theme", "nord")
store.close()
before = open(os.path.join(disk, "gdtui.db"), "rb").read()
fill()
try:
    Store.open(disk)
    error = None
except StoreError as raised:
    error = str(raised)
after = open(os.path.join(disk, "gdtui.db"), "rb").read()
names = files()
os.remove(os.path.join(disk, "filler"))
again = Store.open(disk)
print(json.dumps({"error": error, "same": before == after, "files": names,
                  "read": sorted(again.read_lessons()), "theme": again.get_setting("theme"),
                  "notice": again.notice}))
""")
    assert outcome["error"] is not None and "the disk is full" in outcome["error"]
    assert "Nothing was changed" in outcome["error"]
    assert outcome["same"]
    assert not [name for name in outcome["files"] if "damaged" in name]
    # Once there is room again, the progress is all there and nothing is said to be lost.
    assert outcome["read"] == ["loss"] and outcome["theme"] == "nord"
    assert outcome["notice"] is None


def test_a_disk_that_fills_during_a_session_is_reported_and_loses_nothing_saved(tmp_path):
    outcome = on_a_small_disk(tmp_path, FILL + """
store = Store.open(disk)
told = []
store.on_problem = told.append
store.mark_read("loss")
fill()
for n in range(50):  # enough writes to need new pages
    store.log("lesson", "x" * 2000)
store.save_preset("big", {"notes": "y" * 20000})
store.close()
os.remove(os.path.join(disk, "filler"))
again = Store.open(disk)
print(json.dumps({"told": told, "read": sorted(again.read_lessons()),
                  "files": files(), "notice": again.notice}))
""")
    assert len(outcome["told"]) == 1  # said once, not once per failed write
    assert "Could not save your progress just now (the disk is full)" in outcome["told"][0]
    assert outcome["read"] == ["loss"]
    assert not [name for name in outcome["files"] if "damaged" in name]
    assert outcome["notice"] is None


def test_a_lock_held_by_another_process_is_reported_and_nothing_moves(tmp_path):
    store = Store.open(tmp_path)
    store.mark_read("loss")
    store.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sqlite3, sys
            connection = sqlite3.connect({str(tmp_path / DB_NAME)!r}, isolation_level=None)
            connection.execute("PRAGMA locking_mode = EXCLUSIVE")
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("INSERT INTO settings VALUES ('held', '1')")
            print("locked", flush=True)
            sys.stdin.readline()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="another program is using it") as raised:
            Store.open(tmp_path, busy_timeout=0.3)
        assert "Nothing was changed" in str(raised.value)
        assert not list(tmp_path.glob("*damaged*"))
    finally:
        holder.communicate("\n", timeout=30)
    again = Store.open(tmp_path)
    assert again.read_lessons() == {"loss"} and again.notice is None
    again.close()


def as_a_user_bound_by_permissions() -> tuple[str, ...]:
    """Root reads and writes through mode bits; drop that power so a 0444 file is read-only."""
    if os.geteuid() == 0:
        return ("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--")
    return ()


READ_ONLY_SESSION = """
import json, sqlite3
from gdtui.store import Store, StoreError
try:
    store = Store.open(DATA)
except StoreError as error:
    print(json.dumps({"error": str(error)}))
    raise SystemExit
told = []
store.on_problem = told.append
store.open_lesson("adam")
store.save_position("adam", 3.0)
store.mark_read("adam")
store.log("lesson", "opened")
store.set_setting("theme", "gruvbox")
try:
    store.record_review("c", "loss", 3, lambda previous: {})
    review = "saved"
except sqlite3.Error as error:
    review = str(error)
print(json.dumps({"read_only": store.read_only, "notice": store.notice, "told": told,
                  "read": sorted(store.read_lessons()), "theme": store.get_setting("theme"),
                  "review": review}))
"""


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_read_only_file_opens_read_only_and_is_left_as_it_was(tmp_path, journal):
    store = Store.open(tmp_path)
    store.mark_read("loss")
    store.set_setting("theme", "nord")
    store.close()
    path = tmp_path / DB_NAME
    if journal == "delete":  # as a file restored from a backup may be
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.close()
    before = path.read_bytes()
    path.chmod(0o444)
    result = run_python(f"DATA = {str(tmp_path)!r}\n" + textwrap.dedent(READ_ONLY_SESSION),
                        *as_a_user_bound_by_permissions())
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["read_only"] is True
    assert "is read-only, so nothing you do this time will be saved" in outcome["notice"]
    assert outcome["read"] == ["loss"] and outcome["theme"] == "nord"
    assert outcome["told"] == []  # the start said so once; each skipped write is not a new alarm
    assert "readonly" in outcome["review"]
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*damaged*"))


def test_a_read_only_folder_is_named_as_the_problem(tmp_path):
    data = tmp_path / "data"
    store = Store.open(data)
    store.mark_read("loss")
    store.close()
    data.chmod(0o555)
    try:
        result = run_python(f"DATA = {str(data)!r}\n" + textwrap.dedent(READ_ONLY_SESSION),
                            *as_a_user_bound_by_permissions())
    finally:
        data.chmod(0o755)
    assert result.returncode == 0, result.stderr
    error = json.loads(result.stdout)["error"]
    assert "its folder is read-only" in error and "Nothing was changed" in error
    assert sorted(path.name for path in data.iterdir()) == [DB_NAME]


DAMAGE = {
    "random bytes": lambda data: os.urandom(len(data)),
    "truncated to half": lambda data: data[: len(data) // 2],
    "truncated to 100 bytes": lambda data: data[:100],
    "header overwritten": lambda data: b"\0" * 100 + data[100:],
    "garbage pages in the middle": lambda data: data[:8192] + os.urandom(12288) + data[20480:],
    "a text file": lambda data: b"notes about my progress\n" * 50,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_file_is_moved_aside_and_the_learner_told_until_they_read_it(tmp_path, damage):
    store = Store.open(tmp_path)
    for n in range(40):  # a file of several pages, so damage in the middle hits data
        store.log("lesson", f"entry {n} " + "x" * 500)
    store.close()
    path = tmp_path / DB_NAME
    path.write_bytes(DAMAGE[damage](path.read_bytes()))
    damaged = path.read_bytes()
    opened = Store.open(tmp_path)
    copies = list(tmp_path.glob(f"{DB_NAME}.damaged-*"))
    copy = [c for c in copies if not c.name.endswith(("-wal", "-shm"))]
    assert len(copy) == 1 and copy[0].read_bytes() == damaged
    assert opened.moved_aside and f"moved to {copy[0]}" in opened.notice
    assert "rename it to" in opened.notice  # how to get it back
    opened.close()
    # Every later opening says it again, whatever program opened the file first ...
    again = Store.open(tmp_path)
    assert again.notice and str(copy[0]) in again.notice
    # ... until the learner says they have read it.
    again.forget_notice()
    again.close()
    assert Store.open(tmp_path).notice is None


def test_a_moved_copy_keeps_its_companions_and_opens_where_it_lies(tmp_path):
    # A process killed mid-session leaves its last writes in the -wal file, then something
    # makes the file unusable (here an impossible schema version, which only a tool writes).
    code = f"""
        import os, sqlite3
        from gdtui.store import Store
        store = Store.open({str(tmp_path)!r})
        store.mark_read("loss")
        store.connection.execute("PRAGMA user_version = -1")
        os._exit(9)
    """
    assert run_python(code).returncode == 9
    assert (tmp_path / f"{DB_NAME}-wal").exists()
    opened = Store.open(tmp_path)
    assert opened.moved_aside
    opened.close()
    copy = next(p for p in tmp_path.glob(f"{DB_NAME}.damaged-*") if p.name[-4:] not in ("-wal",
                                                                                        "-shm"))
    rows = sqlite3.connect(copy).execute("SELECT lesson_id FROM lesson_progress").fetchall()
    assert rows == [("loss",)]  # the last write, which was only in the -wal, is in the copy


def test_moving_aside_takes_both_companions_and_leaves_none_behind(tmp_path):
    path = tmp_path / DB_NAME
    for name, content in ((DB_NAME, b"main"), (f"{DB_NAME}-wal", b"wal"),
                          (f"{DB_NAME}-shm", b"shm")):
        (tmp_path / name).write_bytes(content)
    aside = move_aside(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [aside.name, f"{aside.name}-wal", f"{aside.name}-shm"])
    assert (tmp_path / f"{aside.name}-wal").read_bytes() == b"wal"
    # A second damage in the same second gets a name of its own.
    path.write_bytes(b"again")
    second = move_aside(path)
    assert second != aside and second.read_bytes() == b"again"


def test_a_folder_where_the_file_should_be_is_reported_not_moved(tmp_path):
    (tmp_path / DB_NAME).mkdir()
    with pytest.raises(StoreError, match="it is not a file"):
        Store.open(tmp_path)
    assert (tmp_path / DB_NAME).is_dir()


def test_bad_content_in_a_sound_file_is_skipped_reported_and_kept(tmp_path):
    store = Store.open(tmp_path)
    store.connection.execute("INSERT INTO settings VALUES ('theme', '{not json')")
    store.connection.execute(
        "INSERT INTO card_state (card_id, lesson_id, state, due) VALUES ('bad', 'loss', 1, 'x')")
    store.connection.execute(
        "INSERT INTO card_state (card_id, lesson_id, state, due) "
        "VALUES ('good', 'loss', 1, '2026-01-01T00:00:00+00:00')")
    store.connection.execute(
        "INSERT INTO lab_presets VALUES ('broken', '[', '2026-01-01T00:00:00+00:00')")
    store.connection.execute("INSERT INTO activity (at, kind, detail) VALUES ('?', 'a', 'b')")
    store.close()
    again = Store.open(tmp_path)
    told = []
    again.on_problem = told.append
    assert again.get_setting("theme", "default") == "default"
    assert list(again.card_states()) == ["good"]
    assert again.card_state("bad") is None
    assert again.presets() == {}
    assert again.last_activity() is None
    assert any("the setting 'theme'" in message for message in told)
    assert any("a flashcard's schedule" in message for message in told)
    kept = again.connection.execute("SELECT count(*) FROM card_state").fetchone()[0]
    assert kept == 2  # skipped, not deleted
    again.close()


def test_a_missing_table_is_made_again_and_the_rest_kept(tmp_path):
    store = Store.open(tmp_path)
    store.mark_read("loss")
    store.connection.execute("DROP TABLE card_review")
    store.close()
    again = Store.open(tmp_path)
    assert "lacked card_review" in again.notice
    assert again.card_reviews() == [] and again.read_lessons() == {"loss"}
    again.close()
    assert Store.open(tmp_path).notice is None
