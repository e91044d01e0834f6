"""End to end: ``gdtui serve`` with the OpenSSH client, inside tmux at 80x24."""

from __future__ import annotations

import shutil
import subprocess
import time

import asyncssh
import pytest

from gdtui.course.lessons import load_course
from tests.test_serve import Crowd, Server
from tests.tmux_terminal import Terminal

pytestmark = pytest.mark.e2e

LESSONS = len(load_course().lessons)


@pytest.fixture
def served(tmp_path):
    """A server with one learner's key; yields (server, path of the private key)."""
    assert shutil.which("ssh"), "the end-to-end tests need the OpenSSH client (openssh-client)"
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_path = tmp_path / "learner_key"
    key.write_private_key(key_path)
    key_path.chmod(0o600)  # ssh ignores a private key others can read
    root = tmp_path / "serve"
    root.mkdir()
    (root / "authorized_keys").write_text(key.export_public_key().decode())
    server = Server(root)
    yield server, key_path
    assert server.stop() == 0


@pytest.fixture
def ssh_terminal(served, open_terminal):
    server, key_path = served

    def start(user: str = "learner", tries: int = 1) -> Terminal:
        """ssh in a terminal; with ``tries``, as a learner would: again while dropped."""
        ssh = " ".join([
            "ssh", "-tt", "-F", "/dev/null", "-p", str(server.port), "-i", str(key_path),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", f"{user}@127.0.0.1",
        ])
        if tries == 1:
            return open_terminal(f"{ssh}; echo ssh-exited-$?; sleep 30")
        notes = key_path.parent / "ssh-tries"  # each failed try, a line
        return open_terminal(f"for try in $(seq {tries}); do {ssh} && break; "
                             f"echo \"try $try failed\" >>{notes}; done; echo ssh-done; sleep 30")

    return start


def test_openssh_reads_a_lesson_resizes_quits_and_resumes(ssh_terminal, served):
    server, _ = served
    term = ssh_terminal()
    home = term.wait_for(f"Lessons read: 0 of {LESSONS}", "Welcome to gdtui!")
    assert "Welcome to gdtui!" in home
    assert ", 80x24," in server.wait_log("session for 'learner'")
    term.keys("1")
    term.wait_for("Lesson 1: A network that guesses")
    term.keys("End")
    term.wait_for("Lesson read")
    term.keys("Escape")
    term.wait_for(f"Lessons read: 1 of {LESSONS}")

    term.tmux("resize-window", "-t", "main", "-x", "100", "-y", "30")

    def redrawn_at_100x30(screen: str) -> bool:
        lines = screen.splitlines()
        # the footer moved to the new last row, and the boxes are 100 wide
        return (len(lines) == 30 and "Continue reading" in lines[29]
                and max(len(line.rstrip()) for line in lines) > 95)

    term.wait_until(redrawn_at_100x30, "the home screen is not redrawn at 100x30")

    term.keys("q")
    term.wait_for("ssh-exited-0")
    server.wait_log("ended: quit (exit 0)")

    again = ssh_terminal()
    home = again.wait_for("Welcome back. Last time:", f"Lessons read: 1 of {LESSONS}")
    assert f"Lessons read: 1 of {LESSONS}" in home
    again.keys("q")
    again.wait_for("ssh-exited-0")


def test_openssh_without_a_terminal_or_with_a_command_is_refused(served):
    server, key_path = served
    base = ["ssh", "-F", "/dev/null", "-p", str(server.port), "-i", str(key_path),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes"]
    result = subprocess.run([*base, "-T", "learner@127.0.0.1"], capture_output=True, text=True,
                            timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "gdtui needs a terminal: connect with ssh -t" in result.stderr
    result = subprocess.run([*base, "learner@127.0.0.1", "ls"], capture_output=True, text=True,
                            timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode != 0 and "exec request failed" in result.stderr


def test_openssh_logs_in_while_a_crowd_that_never_logs_in_is_held_open(ssh_terminal, served,
                                                                        tmp_path):
    server, _ = served
    first = ssh_terminal()
    first.wait_for(f"Lessons read: 0 of {LESSONS}", "Welcome to gdtui!")
    with Crowd(server.port, size=100) as crowd:
        crowd.wait_opened(200)  # the server has dropped a hundred of them already
        server.wait_log("busy: ")
        late = ssh_terminal(user="latecomer", tries=10)
        late.wait_for(f"Lessons read: 0 of {LESSONS}", "Welcome to gdtui!")
        failed = (tmp_path / "ssh-tries").read_text() if (tmp_path / "ssh-tries").exists() else ""
        print(f"latecomer logged in after {failed.count('failed')} failed tries")
        # the learner who was in before is untouched, and so is the latecomer
        for term in (first, late):
            term.keys("1")
            term.wait_for("Lesson 1: A network that guesses")
            term.keys("Escape")
            term.wait_for(f"Lessons read: 0 of {LESSONS}")
    late.keys("q")
    late.wait_for("ssh-done")
    first.keys("q")
    first.wait_for("ssh-exited-0")
    assert [line.split(" ended: ")[1].split(",")[0] for line in server.lines
            if " ended: " in line] == ["quit (exit 0)"] * 2


def test_openssh_a_learner_past_the_memory_ceiling_is_told_in_plain_words(tmp_path):
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_path = tmp_path / "key"
    key.write_private_key(key_path)
    key_path.chmod(0o600)
    root = tmp_path / "serve"
    root.mkdir()
    (root / "authorized_keys").write_text(key.export_public_key().decode())
    server = Server(root, "--max-memory", "256")
    # the lab drawn in a 1000x600 window needs far more than 256 MiB
    term = Terminal(" ".join([
        "ssh", "-tt", "-F", "/dev/null", "-p", str(server.port), "-i", str(key_path),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR", "big@127.0.0.1",
    ]) + "; echo ssh-exited-$?; sleep 30", width=1000, height=600)
    try:
        term.wait_for(f"Lessons read: 0 of {LESSONS}", timeout=60)
        term.keys("4")
        # (not term.wait_for, which fails on a traceback: the dying app prints one, and the
        # server clears it a moment later)
        deadline = time.monotonic() + 120
        while "ssh-exited-1" not in (shown := term.screen()):
            assert time.monotonic() < deadline, shown
            time.sleep(0.05)
        assert ("Your gdtui ran out of memory (each may use 256 MiB here) and stopped. "
                "Your progress is saved: connect again to go on.") in shown
        assert "MemoryError" not in shown  # the dying app's traceback is cleared
        assert "out of memory" in server.wait_log("ended:")
    finally:
        term.close()
        assert server.stop() == 0
