"""The teacher's view over real SSH on loopback: ``gdtui serve --teacher``, asyncssh clients
whose screens are read with pyte (tests/test_serve.py), and ``gdtui serve report``."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import asyncssh
import pytest

from gdtui.store import DB_NAME
from tests.test_serve import END, ESCAPE, Server, Terminal, login, press, quit_app

pytestmark = pytest.mark.e2e

LESSON = """---
id: only-lesson
title: The only lesson
order: 1
minutes: 2
summary: s
---
# The only lesson

Text.

## Flashcards

Q: What does a loss function produce? {#loss-output}
A: One number that says how wrong the prediction is.
"""


@pytest.fixture
def lessons(tmp_path) -> Path:
    directory = tmp_path / "lessons"
    directory.mkdir()
    (directory / "01-only-lesson.md").write_text(LESSON, encoding="utf-8")
    return directory


@pytest.fixture
def keys():
    return {name: asyncssh.generate_private_key("ssh-ed25519") for name in ("teach", "ann", "bob")}


@pytest.fixture
def root(tmp_path, keys) -> Path:
    root = tmp_path / "serve"
    root.mkdir()
    # The teacher's line ends with their name; the learners' lines with none.
    lines = [keys["teach"].export_public_key().decode().split()[:2] + ["teach"],
             keys["ann"].export_public_key().decode().split()[:2],
             keys["bob"].export_public_key().decode().split()[:2]]
    (root / "authorized_keys").write_text("".join(" ".join(line) + "\n" for line in lines))
    return root


@pytest.fixture
def server(root, lessons):
    running = Server(root, "--teacher", "teach", "--lessons", str(lessons), "--no-mouse")
    yield running
    assert running.stop() == 0


async def read_and_grade(chan, terminal: Terminal, rating: bytes) -> None:
    """Read the lesson to its end, try the teacher's key, then grade the one card (space shows
    the answer)."""
    await terminal.wait_for("Lessons read: 0 of 1")
    await press(chan, b"1")
    await terminal.wait_for("The only lesson")
    await press(chan, END)
    await terminal.wait_for("Lesson read")
    await press(chan, ESCAPE)
    await terminal.wait_for("Lessons read: 1 of 1")
    # the teacher's key does nothing for a learner: the next key still finds the home screen
    await press(chan, b"t", b"2")
    await terminal.wait_for("Review")
    assert "Missed most" not in terminal.text
    await press(chan, b"r")
    await terminal.wait_for("What does a loss function produce?")
    await press(chan, b" ")
    await terminal.wait_for("One number that says how wrong")
    await press(chan, rating)


def row_of(screen: str, name: str) -> list[str]:
    """The cells of a learner's row on the class screen."""
    for line in screen.splitlines():
        words = line.split()
        if words and words[0] == name:
            return words
    raise AssertionError(f"no row for {name}:\n{screen}")


def child_argv(server: Server, user: str) -> list[str]:
    line = server.wait_log(f"session for {user!r} from")
    pid = int(line.rsplit("pid ", 1)[1].split(",")[0].split()[0])
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def report(root: Path, lessons: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gdtui", "--lessons", str(lessons), "serve",
                           "report", "--root", str(root), *options],
                          capture_output=True, text=True, timeout=120)


def expected_cells(learner: dict) -> list[str]:
    """A learner's row as the class screen should show it, from the report's JSON (all but the
    Active column, which is read at another moment)."""
    def number(value):
        return "-" if value is None else str(value)

    if learner["lessons_read"] is None:  # a store that could not be read: the reason, in a word
        word = "DAMAGED" if learner["problem"].startswith("damaged") else "UNREADABLE"
        return [learner["name"], word] + ["-"] * 9
    where = (learner["area"] or "yes") if learner["online"] else "-"
    recall = "-" if learner["recall"] is None else f"{learner['recall']:.0%}"
    return [learner["name"], where, str(learner["lessons_read"]), number(learner["exercises"]),
            number(learner["predictions_right"]), number(learner["cards_studied"]),
            number(learner["due"]), number(learner["overdue"]), recall,
            number(learner["guess_best"]), number(learner["challenges"])]


async def test_a_teacher_sees_two_learners_progress_and_the_report_agrees(server, keys, root,
                                                                          lessons):
    broken = root / "users" / "cleo"
    broken.mkdir(parents=True)
    (broken / DB_NAME).write_bytes(b"this is not a database" * 200)

    ann_conn, ann_chan, ann = await login(server, "ann", keys["ann"])
    bob_conn, bob_chan, bob = await login(server, "bob", keys["bob"])
    await asyncio.gather(read_and_grade(ann_chan, ann, b"1"), read_and_grade(bob_chan, bob, b"3"))

    teach_conn, teach_chan, teacher = await login(server, "teach", keys["teach"])
    screen = await teacher.wait_until(
        lambda: "Finished: L1:2" in teacher.text and "Missed most: loss-output (1)" in teacher.text
        and "DAMAGED" in teacher.text and " ann " in teacher.text and " bob " in teacher.text
        and "cards" in row_of(teacher.text, "ann") and "cards" in row_of(teacher.text, "bob"),
        "the class screen does not show both learners' progress")
    assert "3 of 4 online" in screen  # ann, bob and the teacher; cleo is not
    ann_row, bob_row = row_of(screen, "ann"), row_of(screen, "bob")
    # ann missed the card (it comes back in a minute: not due yet); bob knew it
    assert ann_row[1] == "cards" and ann_row[3:] == ["1", "0", "0", "1", "0", "0", "0%", "-", "0"]
    assert bob_row[1] == "cards" and bob_row[3:] == ["1", "0", "0", "1", "0", "0", "100%", "-",
                                                     "0"]
    assert row_of(screen, "cleo")[1:] == ["DAMAGED", "-"] + ["-"] * 9
    assert row_of(screen, "teach")[1] == "class"

    # the report, run beside the server, shows what the screen shows
    result = report(root, lessons, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"]["online"] == 3 and data["summary"]["damaged"] == 1
    assert data["summary"]["missed_most"] == [{"card": "loss-output", "misses": 1, "learners": 1}]
    screen = teacher.text
    for learner in data["learners"]:
        shown = row_of(screen, learner["name"])
        assert shown[:2] + shown[3:] == expected_cells(learner), learner["name"]
    cleo = next(learner for learner in data["learners"] if learner["name"] == "cleo")
    assert cleo["problem"].startswith("damaged: ")
    csv_lines = report(root, lessons, "--csv").stdout.splitlines()
    assert csv_lines[0].startswith("name,guest,online,area,last_active,lessons_read")
    assert sorted(line.split(",")[0] for line in csv_lines[1:]) == ["ann", "bob", "cleo", "teach"]

    # a learner opened: the card they missed, with its question
    await press(teach_chan, b"\r")
    await teacher.wait_for("ann · key holder · online, in cards",
                           "loss-output: What does a loss function produce?")

    # only the teacher's gdtui was given the class screen
    assert "--class-root" in child_argv(server, "teach")
    assert "--class-root" not in child_argv(server, "ann")
    assert "--class-root" not in child_argv(server, "bob")

    for chan, terminal in ((ann_chan, ann), (bob_chan, bob), (teach_chan, teacher)):
        await quit_app(chan, terminal)
    for conn in (ann_conn, bob_conn, teach_conn):
        conn.close()
    await server.await_end("teach")
    assert not list((root / "online").glob("*.json"))  # nobody online any more
    assert not any(learner["online"] for learner in
                   json.loads(report(root, lessons, "--json").stdout)["learners"])


async def test_a_learner_with_the_teachers_name_but_not_their_key_gets_no_class_screen(
        server, keys):
    # the name is free: ann's key takes it, but the line naming 'teach' is not ann's
    conn, chan, terminal = await login(server, "teach", keys["ann"])
    await terminal.wait_for("Lessons read: 0 of 1", "Welcome to gdtui!")
    assert "Missed most" not in terminal.text
    assert "--class-root" not in child_argv(server, "teach")
    await quit_app(chan, terminal)
    conn.close()


def test_a_teacher_without_a_named_key_stops_the_server_at_start(root, lessons):
    result = subprocess.run([sys.executable, "-m", "gdtui", "serve", "--port", "0", "--root",
                             str(root), "--teacher", "ann"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "--teacher 'ann': no key in" in result.stderr
    assert "end the teacher's key line with their name" in result.stderr
    result = subprocess.run([sys.executable, "-m", "gdtui", "serve", "--open", "--root",
                             str(root), "--teacher", "teach"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and "--teacher cannot go with --open" in result.stderr


def test_a_report_on_a_missing_folder_says_so(tmp_path):
    result = subprocess.run([sys.executable, "-m", "gdtui", "serve", "report", "--root",
                             str(tmp_path / "nowhere")], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "there is no gdtui serve folder at" in result.stderr and not result.stdout


def test_openssh_a_teacher_reads_the_class_at_80x24(root, keys, lessons, tmp_path, open_terminal):
    from gdtui.course.lessons import load_course
    from tests.test_classroom import grade, learner

    course = load_course(lessons)
    ann = learner(root, "ann")  # progress made by the real store, as ann's gdtui makes it
    ann.mark_read(course.lessons[0].id)
    grade(ann, "loss-output", course.lessons[0].id, 1)
    ann.close()
    learner(root, "visitor", guest=True).close()
    key_path = tmp_path / "teach_key"
    keys["teach"].write_private_key(key_path)
    key_path.chmod(0o600)
    server = Server(root, "--teacher", "teach", "--lessons", str(lessons))
    try:
        term = open_terminal(" ".join([
            "ssh", "-tt", "-F", "/dev/null", "-p", str(server.port), "-i", str(key_path),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "teach@127.0.0.1"]))
        screen = term.wait_for("1 of 3 online (2 key holders, 1 guest)", "visitor",
                               "Missed most: loss-output (1)", "s Sort")
        lines = screen.splitlines()
        assert len(lines) == 24 and "s Sort" in lines[-1]
        assert row_of(screen, "ann")[3:] == ["1", "0", "0", "1", "0", "0", "0%", "-", "0"]
        assert row_of(screen, "teach")[1] == "class"
        header = next(line for line in lines if "Name ▲" in line)
        assert header.split() == ["Name", "▲", "Online", "Active", "Read", "Ex", "Right",
                                  "Cards", "Due", "Late", "Recall", "Guess", "Lab"]
        term.keys("r")
        term.wait_for("Name ▼")
        term.keys("Escape")  # to the teacher's own gdtui
        term.wait_for("Lessons read: 0 of 1", "t Class")
        term.keys("q")
        server.wait_log("ended: quit (exit 0)")
    finally:
        assert server.stop() == 0
