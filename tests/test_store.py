"""The progress store: saved at once, migrated, and safe against damage."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from gdtui import storefile as store_module
from gdtui.store import DB_NAME, SCHEMA_VERSION, Store, StoreError, default_data_dir


def test_a_new_store_is_at_the_latest_schema(tmp_path):
    opened = Store.open(tmp_path)
    assert opened.version == SCHEMA_VERSION
    assert opened.notice is None
    opened.close()


def test_progress_survives_reopening(tmp_path):
    first = Store.open(tmp_path)
    first.set_setting("theme", "nord")
    first.open_lesson("loss")
    first.save_position("loss", 0.5)
    assert first.mark_read("loss") is True
    assert first.mark_read("loss") is False  # already read
    first.log("lesson", "finished lesson 'Loss'")
    first.close()
    again = Store.open(tmp_path)
    assert again.get_setting("theme") == "nord"
    assert again.lesson_position("loss") == 0.5
    assert again.read_lessons() == {"loss"}
    when, kind, detail = again.last_activity()
    assert (kind, detail) == ("lesson", "finished lesson 'Loss'")
    assert when.tzinfo is not None
    again.close()


def test_a_killed_process_loses_nothing(tmp_path):
    # The child writes and is killed without closing: every change was already committed.
    code = (
        f"import os; from gdtui.store import Store; s = Store.open({str(tmp_path)!r}); "
        "s.mark_read('backprop'); s.set_setting('theme', 'gruvbox'); os._exit(9)"
    )
    result = subprocess.run([sys.executable, "-c", code])
    assert result.returncode == 9
    opened = Store.open(tmp_path)
    assert opened.read_lessons() == {"backprop"}
    assert opened.get_setting("theme") == "gruvbox"
    opened.close()


def test_a_corrupt_database_is_moved_aside_with_a_message(tmp_path):
    (tmp_path / DB_NAME).write_bytes(b"this is not a database" * 100)
    opened = Store.open(tmp_path)
    assert opened.version == SCHEMA_VERSION
    kept = list(tmp_path.glob("gdtui.db.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not")
    assert opened.notice is not None and f"moved to {kept[0]}" in opened.notice
    opened.close()


def test_a_database_from_a_newer_gdtui_is_left_alone(tmp_path):
    connection = sqlite3.connect(tmp_path / DB_NAME)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    connection.close()
    with pytest.raises(StoreError, match="written by a newer gdtui"):
        Store.open(tmp_path)
    assert (tmp_path / DB_NAME).exists()


def test_migrations_run_one_version_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
    old = Store.open(tmp_path)
    old.set_setting("theme", "nord")
    assert old.version == 1
    old.close()
    monkeypatch.undo()
    new = Store.open(tmp_path)
    assert new.version == SCHEMA_VERSION
    assert new.get_setting("theme") == "nord"  # data kept across the upgrade
    new.record_guesses("watch", 2, 7)
    new.close()


def test_two_instances_share_one_data_dir(tmp_path):
    first, second = Store.open(tmp_path), Store.open(tmp_path)
    first.mark_read("loss")
    second.mark_read("adam")
    assert first.read_lessons() == second.read_lessons() == {"loss", "adam"}
    first.close()
    second.close()


def test_an_unwritable_data_dir_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create data directory"):
        Store.open(blocker / "sub")


def test_data_dir_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GDTUI_DATA_DIR", str(tmp_path / "here"))
    assert default_data_dir() == tmp_path / "here"
    monkeypatch.delenv("GDTUI_DATA_DIR")
    assert default_data_dir().name == "gdtui"


def test_guess_and_lab_records_keep_the_best(store):
    assert store.record_guesses("watch", 2.0, 9) is True
    assert store.record_guesses("watch", 2.0, 12) is False
    assert store.record_guesses("watch", 2.0, 7) is True
    assert store.best_guesses("watch") == {("watch", 2.0): 7}
    store.save_preset("fast", {"learning_rate": 0.3})
    assert store.presets() == {"fast": {"learning_rate": 0.3}}
    assert store.record_challenge("spiral", 0.9, "90%") is True
    assert store.record_challenge("spiral", 0.8, "80%") is False
    assert store.challenge_bests() == {"spiral": (0.9, "90%")}


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    # Two gdtui instances on one data dir: every write lands and the file stays sound.
    code = (
        "import sys; from gdtui.store import Store; s = Store.open(sys.argv[1]); "
        "[s.log('test', f'{sys.argv[2]}-{i}') for i in range(300)]; s.close()"
    )
    Store.open(tmp_path).close()  # create the schema first, as the first start would
    writers = [
        subprocess.Popen([sys.executable, "-c", code, str(tmp_path), name]) for name in "ab"
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    opened = Store.open(tmp_path)
    details = {row[0] for row in opened.connection.execute("SELECT detail FROM activity")}
    assert len(details) == 600
    assert opened.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    opened.close()
