"""The teacher's view of a class (gdtui.serve.classroom): each learner's store read without
changing or blocking it, a damaged or locked store shown as such, guests apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest

from gdtui.course.lessons import load_course
from gdtui.course.schedule import AGAIN, GOOD, CardState, Scheduler
from gdtui.serve import presence
from gdtui.serve.classroom import (
    COLUMNS,
    ago,
    cells,
    read_class,
    sort_rows,
    summarize,
)
from gdtui.store import DB_NAME, Store, now

COURSE = load_course()
FIRST, SECOND = COURSE.lessons[0], COURSE.lessons[1]


def grade(store: Store, card_id: str, lesson_id: str, rating: int, at=None) -> None:
    """Grade a card as the review screen does (the real scheduler, the real store)."""
    scheduler = Scheduler()
    at = at or now()

    def update(previous):
        state = None if previous is None else CardState.from_row(previous)
        return scheduler.review(state, rating, at).to_row()

    store.record_review(card_id, lesson_id, rating, update, at=at)


def learner(root: Path, name: str, guest: bool = False) -> Store:
    folder = root / ("guests" if guest else "users") / name
    folder.mkdir(parents=True)
    return Store.open(folder)


@pytest.fixture
def root(tmp_path) -> Path:
    """ann read lesson 1 and graded two cards (one missed, one 3 days ago); bob only opened
    lesson 1; a guest called ann played the guessing game."""
    root = tmp_path / "serve"
    ann = learner(root, "ann")
    ann.open_lesson(FIRST.id)
    ann.mark_read(FIRST.id)
    ann.log("lesson", f"finished lesson '{FIRST.title}'")
    grade(ann, "random-start", FIRST.id, GOOD, at=now() - timedelta(days=3))  # due since
    grade(ann, "why-not-zero", FIRST.id, AGAIN)
    ann.close()
    bob = learner(root, "bob")
    bob.open_lesson(FIRST.id)
    bob.close()
    guest = learner(root, "ann", guest=True)
    guest.record_guesses("watch", 0.1, 4)
    guest.close()
    return root


def by_name(rows, name, guest=False):
    return next(row for row in rows if row.name == name and row.guest == guest)


def test_each_learner_gets_a_row_with_their_own_progress(root):
    rows = read_class(root, COURSE)
    assert [(row.name, row.guest) for row in rows] == [("ann", False), ("bob", False),
                                                       ("ann", True)]
    ann = by_name(rows, "ann")
    assert ann.problem is None
    assert ann.lessons_read == [FIRST.id]
    assert (ann.cards_studied, ann.reviews, ann.recall) == (2, 2, 0.5)
    assert ann.missed == [("why-not-zero", 1)]
    assert ann.activity[0][1] == f"finished lesson '{FIRST.title}'"
    assert ann.last_active is not None and now() - ann.last_active < timedelta(minutes=5)
    assert (ann.exercises, ann.predictions_right) == (0, 0)
    bob = by_name(rows, "bob")
    assert (bob.lessons_read, bob.cards_studied, bob.recall, bob.guess_best) == (
        [], 0, None, None)
    guest = by_name(rows, "ann", guest=True)
    assert guest.guess_best == 4 and guest.lessons_read == []


def test_the_cells_show_the_row_and_nothing_is_written(root):
    db = root / "users" / "ann" / DB_NAME
    before = db.read_bytes(), db.stat().st_mtime_ns
    rows = read_class(root, COURSE)
    at = now()
    ann = dict(zip([c.key for c in COLUMNS], cells(by_name(rows, "ann"), at), strict=True))
    assert ann["name"] == "ann" and ann["area"] == "-" and ann["last_active"] == "now"
    assert (ann["lessons_read"], ann["cards_studied"], ann["recall"]) == ("1", "2", "50%")
    assert ann["exercises"] == "0"
    assert (ann["due"], ann["overdue"]) == ("1", "1")  # graded 3 days ago, due 10 minutes later
    assert (db.read_bytes(), db.stat().st_mtime_ns) == before


def test_the_summary_counts_the_finished_lessons_and_the_cards_missed_most(root):
    bob = Store.open(root / "users" / "bob")
    grade(bob, "why-not-zero", FIRST.id, AGAIN)
    grade(bob, "random-start", FIRST.id, AGAIN)
    bob.close()
    rows = read_class(root, COURSE)
    summary = summarize(rows, COURSE)
    assert (summary.learners, summary.guests, summary.online, summary.damaged) == (2, 1, 0, 0)
    assert summary.finished[0] == (1, FIRST.id, 1) and summary.finished[1] == (2, SECOND.id, 0)
    assert summary.missed[0] == ("why-not-zero", 2, 2)
    assert summary.missed[1] == ("random-start", 1, 1)
    who, finished, missed = summary.lines()
    assert who == "0 of 3 online (2 key holders, 1 guest)"
    assert finished.startswith("Finished: L1:1 L2:0")
    assert missed == "Missed most: why-not-zero (2), random-start (1)"
    data = summary.to_dict()
    assert data["missed_most"][0] == {"card": "why-not-zero", "misses": 2, "learners": 2}


def test_a_damaged_store_is_a_row_with_the_reason_not_a_crash(root):
    broken = root / "users" / "cleo"
    broken.mkdir()
    (broken / DB_NAME).write_bytes(b"this is not a database at all" * 100)
    rows = read_class(root, COURSE)
    cleo = by_name(rows, "cleo")
    assert cleo.problem is not None and cleo.problem.startswith("damaged: ")
    assert "not a database" in cleo.problem
    shown = cells(cleo, now())
    assert shown[:2] == ["cleo", "DAMAGED"] and set(shown[3:]) == {"-"}
    assert summarize(rows, COURSE).damaged == 1
    assert (broken / DB_NAME).read_bytes().startswith(b"this is not")  # left as it was
    assert sorted(os.listdir(broken)) == [DB_NAME]


def test_a_learner_who_never_started_has_no_progress_yet_and_nothing_is_created(root):
    (root / "users" / "dan").mkdir()
    dan = by_name(read_class(root, COURSE), "dan")
    assert dan.problem == "no progress yet"
    assert cells(dan, now())[3] == "0"
    assert os.listdir(root / "users" / "dan") == []


HOLD = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive":
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("PRAGMA locking_mode = EXCLUSIVE")
    connection.execute("BEGIN EXCLUSIVE")
else:
    connection.execute("BEGIN IMMEDIATE")
connection.execute("INSERT INTO activity (at, kind, detail) VALUES ('2026-01-01T00:00:00+00:00',"
                   " 'lesson', 'uncommitted')")
print("holding", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
print("committed", flush=True)
"""


def hold(db: Path, how: str) -> subprocess.Popen:
    """Another process holding a write transaction on ``db`` until told to commit."""
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(HOLD), str(db), how],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "holding"
    return process


def test_a_learner_writing_is_neither_blocked_nor_waited_for(root):
    db = root / "users" / "ann" / DB_NAME
    writer = hold(db, "immediate")
    try:
        started = time.monotonic()
        ann = by_name(read_class(root, COURSE), "ann")
        took = time.monotonic() - started
        assert ann.problem is None and ann.lessons_read == [FIRST.id]
        assert all(what != "uncommitted" for _at, what in ann.activity)
        assert took < 2.0
        # the reader has gone: the learner's commit goes through at once
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.stdout.readline().strip() == "committed"
    finally:
        writer.stdin.close()
        writer.wait(timeout=30)
    ann = by_name(read_class(root, COURSE), "ann")
    assert ann.activity[0][1] == "uncommitted"


def test_a_store_locked_by_another_program_is_shown_as_busy_quickly(root):
    db = root / "users" / "bob" / DB_NAME
    writer = hold(db, "exclusive")
    try:
        started = time.monotonic()
        rows = read_class(root, COURSE)
        took = time.monotonic() - started
        bob = by_name(rows, "bob")
        assert bob.problem == "cannot read: another program is using it"
        assert cells(bob, now())[1] == "BUSY"
        assert by_name(rows, "ann").problem is None  # the others are read as usual
        assert took < 5.0
    finally:
        writer.stdin.write("\n")
        writer.stdin.close()
        writer.wait(timeout=30)


def test_online_learners_show_their_area_and_a_dead_session_does_not_count(root):
    ann_folder = root / "users" / "ann"
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        presence.announce(root, "t-1", ann_folder, live.pid)
        presence.write_area(presence.area_path(root, "t-1"), "cards")
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout
        presence.announce(root, "t-2", root / "users" / "bob", int(dead))
        rows = read_class(root, COURSE)
        ann, bob = by_name(rows, "ann"), by_name(rows, "bob")
        assert (ann.online, ann.area) == (True, "cards")
        assert cells(ann, now())[1] == "cards"
        assert not bob.online and cells(bob, now())[1] == "-"
        assert summarize(rows, COURSE).online == 1
        presence.clear_stale(root)
        assert sorted(p.name for p in (root / "online").iterdir()) == ["t-1.area", "t-1.json"]
        presence.withdraw(root, "t-1")
        assert not by_name(read_class(root, COURSE), "ann").online
    finally:
        live.kill()
        live.wait()


def test_sorting_keeps_guests_apart_and_rows_without_a_value_last(root):
    broken = root / "users" / "cleo"
    broken.mkdir()
    (broken / DB_NAME).write_bytes(b"x" * 4096)
    rows = read_class(root, COURSE)
    names = [(row.name, row.guest) for row in sort_rows(rows, "lessons_read", descending=True)]
    assert names == [("ann", False), ("bob", False), ("cleo", False), ("ann", True)]
    names = [(row.name, row.guest) for row in sort_rows(rows, "lessons_read")]
    assert names == [("bob", False), ("ann", False), ("cleo", False), ("ann", True)]
    names = [row.name for row in sort_rows(rows, "name", descending=True)]
    assert names == ["cleo", "bob", "ann", "ann"]
    names = [row.name for row in sort_rows(rows, "recall")]
    assert names[:1] == ["ann"]  # the only one with a recall rate; the rest have none


def test_the_row_goes_to_json_whole(root):
    ann = by_name(read_class(root, COURSE), "ann")
    data = json.loads(json.dumps(ann.to_dict()))
    assert data["lessons_read"] == 1 and data["lessons_read_ids"] == [FIRST.id]
    assert data["missed"] == [{"card": "why-not-zero", "misses": 1}]
    assert data["recall"] == 0.5 and data["guest"] is False


def test_ago_is_short():
    at = now()
    assert [ago(at - timedelta(seconds=s), at) for s in (5, 300, 7300, 200000)] == [
        "now", "5m", "2h", "2d"]
    assert ago(None, at) == "-"


def test_exercises_answered_and_predictions_right_count_the_latest_answer(root):
    bob = Store.open(root / "users" / "bob")
    bob.record_exercise(FIRST.id, "bowl", "it converges", "it diverged", False)
    bob.record_exercise(FIRST.id, "bowl", "it diverges", "it diverged", True)
    bob.record_exercise(FIRST.id, "cliff", "slowly", "fast", False)
    bob.close()
    rows = read_class(root, COURSE)
    bob_row = by_name(rows, "bob")
    assert (bob_row.exercises, bob_row.predictions_right) == (2, 1)
    assert cells(bob_row, now())[4:6] == ["2", "1"]


def test_a_store_from_before_exercises_shows_a_dash_for_them(root):
    import sqlite3

    connection = sqlite3.connect(root / "users" / "bob" / DB_NAME, isolation_level=None)
    connection.execute("DROP TABLE exercise_answer")  # as a gdtui before them left it
    connection.execute("PRAGMA user_version = 3")
    connection.close()
    bob = by_name(read_class(root, COURSE), "bob")
    assert bob.problem is None and cells(bob, now())[4:6] == ["-", "-"]
