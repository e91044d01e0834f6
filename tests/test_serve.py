"""gdtui serve: the real server in a subprocess, asyncssh clients, each screen read with pyte.

Every test that starts a server or a child in a terminal is marked e2e.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import asyncssh
import pyte
import pytest

from gdtui.course.lessons import load_course
from gdtui.serve.limits import KeyBudget, describe_bytes
from gdtui.serve.pty import PtyChild
from gdtui.serve.startups import (
    LOGGING_IN,
    SILENT,
    SPEAKING,
    StartupLimits,
    Startups,
    source_of,
)

END, ESCAPE = b"\x1b[F", b"\x1b"

LESSONS = len(load_course().lessons)


class Server:
    """``gdtui serve --port 0`` in a subprocess; its log is gathered line by line."""

    def __init__(self, root: Path, *args: str, env: dict[str, str] | None = None):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gdtui", "serve", "--port", "0", "--root", str(root), *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env=env,
        )
        self.root = root
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        found = re.search(r"listening on 127\.0\.0\.1:(\d+)", self.wait_log("listening on"))
        self.port = int(found.group(1))

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_log(self, text: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            if self.process.poll() is not None and not self.lines:
                break
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared in the log:\n{self.log}")

    async def await_log(self, text: str, timeout: float = 20.0) -> str:
        return await asyncio.to_thread(self.wait_log, text, timeout)

    async def await_end(self, user: str, timeout: float = 30.0) -> str:
        """The line that says how ``user``'s (last) session ended, once it is logged."""
        deadline = time.monotonic() + timeout
        while True:
            ended = [line for line in self.lines if f"session for {user!r} from" in line
                     and " ended: " in line]
            if ended:
                return ended[-1]
            assert time.monotonic() < deadline, f"{user}'s session did not end:\n{self.log}"
            await asyncio.sleep(0.05)

    def children(self) -> list[int]:
        """Pids whose parent is the server (live or zombie)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def open_fds(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=30)


class Terminal(asyncssh.SSHClientSession):
    """The client side of a session: what arrives is drawn on a pyte screen."""

    def __init__(self, columns: int = 80, rows: int = 24):
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.stderr = b""
        self.exit_status: int | None = None

    def data_received(self, data: bytes, datatype) -> None:
        if datatype == asyncssh.EXTENDED_DATA_STDERR:
            self.stderr += data
        self.stream.feed(data)

    def exit_status_received(self, status: int) -> None:
        self.exit_status = status

    @property
    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_until(self, condition, what: str, timeout: float = 30.0) -> str:
        """The screen once ``condition()`` holds. A frame arrives in pieces: the condition
        should name all of the screen the test then reads, not just its first line."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} after {timeout} s; the screen shows:\n{self.text}")
            await asyncio.sleep(0.05)
        return self.text

    async def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        """The screen once every one of ``texts`` shows on it."""
        return await self.wait_until(lambda: all(text in self.text for text in texts),
                                     f"not all of {texts!r} shown", timeout)


async def connect(server: Server, user: str, key: asyncssh.SSHKey | None, **options):
    return await asyncssh.connect(
        "127.0.0.1", server.port, username=user, client_keys=[key] if key else None,
        known_hosts=None, config=None, agent_path=None, preferred_auth="publickey,none",
        **options,
    )


async def login(server: Server, user: str, key: asyncssh.SSHKey | None, size=(80, 24), env=()):
    """Connect and open a session with a terminal of ``size``; (connection, channel, terminal)."""
    conn = await connect(server, user, key)
    chan, terminal = await conn.create_session(
        lambda: Terminal(*size), term_type="xterm-256color", term_size=size,
        encoding=None, env=env,
    )
    return conn, chan, terminal


async def press(chan, *keys: bytes) -> None:
    """Send keys; wait for what a key does before the next (ESC and a key read as Alt+key)."""
    for key in keys:
        chan.write(key)


async def read_first_lesson(chan, terminal: Terminal) -> None:
    await terminal.wait_for(f"Lessons read: 0 of {LESSONS}")
    await press(chan, b"1")
    await terminal.wait_for("Lesson 1: A network that guesses")
    await press(chan, END)
    await terminal.wait_for("Lesson read")
    await press(chan, ESCAPE)
    await terminal.wait_for(f"Lessons read: 1 of {LESSONS}")


async def quit_app(chan, terminal: Terminal) -> int | None:
    await press(chan, b"q")
    await asyncio.wait_for(chan.wait_closed(), 10)
    return terminal.exit_status


def write_keys(path: Path, *keys: asyncssh.SSHKey) -> None:
    path.write_text("".join(key.export_public_key().decode() for key in keys))


@pytest.fixture(scope="module")
def keys():
    return {name: asyncssh.generate_private_key("ssh-ed25519") for name in ("ann", "bob", "eve")}


@pytest.fixture(scope="module")
def server(tmp_path_factory, keys):
    root = tmp_path_factory.mktemp("serve")
    write_keys(root / "authorized_keys", keys["ann"], keys["bob"])
    env = {**os.environ, "SERVER_SECRET": "do-not-leak"}
    running = Server(root, "--no-mouse", "--fps", "30", env=env)
    yield running
    assert running.stop() == 0


@pytest.mark.e2e
async def test_a_learner_reads_a_lesson_resizes_quits_and_resumes(server, keys):
    conn, chan, terminal = await login(server, "ann", keys["ann"])
    home = await terminal.wait_for(f"Lessons read: 0 of {LESSONS}", "Welcome to gdtui!",
                                   "1  Lessons")
    assert "Welcome to gdtui!" in home and "1  Lessons" in home
    line = await server.await_log("session for 'ann'")
    assert "TERM=xterm-256color, 80x24" in line
    await read_first_lesson(chan, terminal)

    assert len(terminal.screen.display[1].rstrip()) < 80  # the greeting's box, 80 wide
    chan.change_terminal_size(100, 30)
    terminal.screen.resize(30, 100)
    # the footer is on the new last row, and the greeting's box is 100 wide
    await terminal.wait_until(
        lambda: "Continue reading" in terminal.screen.display[29]
        and len(terminal.screen.display[1].rstrip()) > 95,
        "the home screen is not redrawn at 100x30")
    assert await quit_app(chan, terminal) == 0
    conn.close()
    await server.await_log("session for 'ann' from")
    await server.await_log("ended: quit (exit 0)")

    conn, chan, terminal = await login(server, "ann", keys["ann"])
    home = await terminal.wait_for("Welcome back. Last time:", f"Lessons read: 1 of {LESSONS}",
                                   f"1/{LESSONS} read")
    assert f"Lessons read: 1 of {LESSONS}" in home and f"1/{LESSONS} read" in home
    assert await quit_app(chan, terminal) == 0
    conn.close()


@pytest.mark.e2e
async def test_two_learners_do_not_see_each_others_progress(server, keys):
    conn, chan, terminal = await login(server, "cleo", keys["ann"])
    await read_first_lesson(chan, terminal)
    await quit_app(chan, terminal)
    conn.close()
    conn, chan, terminal = await login(server, "dan", keys["bob"])
    home = await terminal.wait_for(f"Lessons read: 0 of {LESSONS}", "Welcome to gdtui!")
    assert "Welcome to gdtui!" in home
    await quit_app(chan, terminal)
    conn.close()


@pytest.mark.e2e
async def test_a_key_not_in_the_file_is_refused(server, keys):
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "ann", keys["eve"])
    assert "refused for 'ann': not in authorized_keys" in await server.await_log("refused for")


@pytest.mark.e2e
async def test_a_name_belongs_to_the_first_key_that_used_it(server, keys):
    conn, chan, terminal = await login(server, "fay", keys["bob"])
    await terminal.wait_for("Lessons read")
    await quit_app(chan, terminal)
    conn.close()
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "fay", keys["ann"])
    await server.await_log("refused for 'fay': that name belongs to another key")


@pytest.mark.e2e
async def test_only_the_app_is_offered(server, keys):
    conn = await connect(server, "gus", keys["ann"])
    process = await conn.create_process(request_pty=False)
    await asyncio.wait_for(process.wait_closed(), 10)
    assert process.exit_status == 1
    assert "gdtui needs a terminal: connect with ssh -t" in await process.stderr.read()
    conn.close()

    conn = await connect(server, "gus", keys["ann"])
    with pytest.raises(asyncssh.ChannelOpenError):
        await conn.run("ls /")
    with pytest.raises((asyncssh.ChannelOpenError, asyncssh.SFTPError)):
        await conn.start_sftp_client()
    with pytest.raises(asyncssh.ChannelOpenError):
        await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", server.port)
    with pytest.raises(asyncssh.ChannelListenError):
        await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
    with pytest.raises(asyncssh.ChannelOpenError, match="X11 forwarding request failed"):
        await conn.create_session(Terminal, term_type="xterm", x11_forwarding=True,
                                  x11_display="localhost:0", x11_auth_path=os.devnull)
    conn.close()

    # The agent request has no answer the client waits for: the refusal shows in the log.
    conn = await connect(server, "gus", keys["ann"], agent_forwarding=os.devnull)
    chan, terminal = await conn.create_session(Terminal, term_type="xterm", encoding=None)
    await terminal.wait_for("Lessons read")
    await quit_app(chan, terminal)
    conn.close()
    for what in ("a command ('ls /')", "the 'sftp' subsystem", "refused port forwarding",
                 "refused remote port forwarding", "a session without a terminal",
                 "X11 forwarding request denied", "Agent forwarding request denied"):
        await server.await_log(what)


@pytest.mark.e2e
async def test_the_child_gets_the_terminal_and_none_of_our_secrets(server, keys):
    env = {"COLORTERM": "truecolor", "NO_COLOR": "1", "SECRET": "x"}
    conn, chan, terminal = await login(server, "hal", keys["ann"], env=env)
    await terminal.wait_for("Lessons read")
    line = await server.await_log("session for 'hal'")
    pid = int(line.rsplit("pid ", 1)[1])
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    names = {item.split(b"=", 1)[0].decode() for item in environ if item}
    assert names <= {"TERM", "LANG", "LC_ALL", "PATH", "HOME", "NO_COLOR", "COLORTERM",
                     "PYTHONPATH", "TEXTUAL_FPS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                     "MKL_NUM_THREADS", "TEXTUAL_ANIMATIONS"}
    assert b"OPENBLAS_NUM_THREADS=1" in environ  # one thread for NumPy, however many cores
    assert b"TEXTUAL_ANIMATIONS=none" in environ  # a key draws one frame, not a smooth scroll
    limits = Path(f"/proc/{pid}/limits").read_text()
    data_limit = re.search(r"Max data size\s+(\d+)\s+(\d+)\s+bytes", limits)
    assert data_limit.groups() == (str(512 << 20),) * 2  # the memory ceiling, soft and hard
    assert {"TERM", "COLORTERM", "NO_COLOR"} <= names
    assert b"do-not-leak" not in b"".join(environ)
    command = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    assert command[:7] == [sys.executable, "-P", "-s", "-m", "gdtui", "--data-dir", str(
        server.root / "users" / "hal")]
    assert command[7:10] == ["--fps", "30", "--no-mouse"]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    session_id, tty = int(fields[3]), int(fields[4])
    assert session_id == pid and tty != 0  # a session leader with its terminal

    conn.close()  # hang up without quitting: the child is ended and reaped
    await server.await_log("session for 'hal' from 127.0.0.1")
    await server.await_log("ended: disconnected")
    with pytest.raises(ProcessLookupError):  # a zombie would still answer signal 0
        os.kill(pid, 0)


@pytest.mark.e2e
async def test_a_key_refused_by_its_from_option_is_logged_as_such(server):
    guarded = asyncssh.generate_private_key("ssh-ed25519")
    with (server.root / "authorized_keys").open("a") as file:
        file.write(f'from="10.9.9.9" {guarded.export_public_key().decode()}')
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "lee", guarded)
    line = await server.await_log("refused for 'lee'")
    assert line.endswith(
        "refused for 'lee': its from= option in authorized_keys does not allow 127.0.0.1")


@pytest.mark.e2e
async def test_the_log_gives_the_size_the_child_got_and_the_size_asked_for(server, keys):
    conn, chan, terminal = await login(server, "max", keys["ann"], size=(1500, 30))
    await terminal.wait_until(lambda: "Continue reading" in terminal.screen.display[29],
                              "the home screen is not drawn")
    line = await server.await_log("session for 'max'")
    assert ", 1000x30 (asked for 1500x30), pid " in line
    widest = max(len(row.rstrip()) for row in terminal.screen.display)
    assert 990 < widest <= 1000  # the app is laid out 1000 wide

    chan.change_terminal_size(0, 0)
    terminal.screen.resize(24, 80)
    await terminal.wait_until(lambda: "Continue reading" in terminal.screen.display[23],
                              "the home screen is not redrawn at 80x24")
    assert "window 0x0 asked for, 80x24 given" in await server.await_log("window 0x0")
    assert await quit_app(chan, terminal) == 0
    conn.close()


HIJACK = "import pathlib; pathlib.Path({marker!r}).touch()\n"


@pytest.mark.e2e
async def test_nothing_in_the_learners_folder_is_imported(server, keys):
    # The learner's folder is the child's working directory and HOME: files there that Python
    # would import from the current directory, or run from ~/.local, must stay inert.
    folder = server.root / "users" / "kim"
    site = folder / ".local" / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    (site / "site-packages").mkdir(parents=True)
    planted = {folder / "gdtui.py": "gdtui", folder / "numpy.py": "numpy",
               folder / "sitecustomize.py": "sitecustomize",
               site / "site-packages" / "usercustomize.py": "usercustomize",
               site / "site-packages" / "planted.pth": "pth"}
    for path, name in planted.items():
        code = HIJACK.format(marker=str(folder / f"imported-{name}"))
        path.write_text(code if path.suffix == ".py" else code.replace("\n", "") + "\n")

    conn, chan, terminal = await login(server, "kim", keys["ann"])
    await terminal.wait_for(f"Lessons read: 0 of {LESSONS}", "Welcome to gdtui!")
    await press(chan, b"4")  # the lab imports numpy
    await terminal.wait_for("dataset", "learn rate", "Run")
    assert await quit_app(chan, terminal) == 0
    conn.close()
    assert sorted(path.name for path in folder.glob("imported-*")) == []


@pytest.mark.e2e
async def test_a_guest_gets_in_with_no_key_and_the_idle_timeout_ends_it(tmp_path):
    server = Server(tmp_path / "open", "--open", "--idle-timeout", "2")
    try:
        assert "anyone may connect as a guest" in server.wait_log("auth: OPEN")
        conn, chan, terminal = await login(server, "visitor", None)
        await terminal.wait_for(f"Lessons read: 0 of {LESSONS}")
        await press(chan, b"3")  # something happens, then nothing for 2 seconds
        await asyncio.wait_for(chan.wait_closed(), 15)
        assert "No key pressed for 2 seconds" in terminal.text
        assert terminal.exit_status is not None and terminal.exit_status != 0
        await server.await_log("ended: idle for 2 seconds")
        assert (tmp_path / "open" / "guests" / "visitor" / "gdtui.db").exists()
        assert server.children() == []
    finally:
        assert server.stop() == 0


@pytest.mark.e2e
async def test_twenty_sessions_at_once_and_the_next_is_told_the_server_is_full(tmp_path, keys):
    root = tmp_path / "busy"
    root.mkdir()
    write_keys(root / "authorized_keys", keys["ann"])
    server = Server(root)
    try:
        fds_before = server.open_fds()
        started = time.monotonic()
        sessions = await asyncio.gather(
            *(login(server, f"learner{n}", keys["ann"]) for n in range(20)))
        await asyncio.gather(
            *(terminal.wait_for(f"Lessons read: 0 of {LESSONS}", timeout=90)
              for _, _, terminal in sessions))
        print(f"20 sessions showed their home screen in {time.monotonic() - started:.1f} s")

        conn, chan, terminal = await login(server, "late", keys["ann"])
        await asyncio.wait_for(chan.wait_closed(), 10)
        assert "the server is full (20 sessions): try again later" in terminal.text
        assert terminal.exit_status == 1
        conn.close()

        for _conn, chan, _terminal in sessions:
            chan.write(b"q")
        for conn, chan, terminal in sessions:
            await asyncio.wait_for(chan.wait_closed(), 30)
            assert terminal.exit_status == 0
            conn.close()
        deadline = time.monotonic() + 10
        while (server.children() or server.open_fds() > fds_before) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert server.children() == [] and server.open_fds() <= fds_before
    finally:
        assert server.stop() == 0


@pytest.mark.e2e
async def test_ctrl_c_ends_every_session_and_exits_0(tmp_path, keys):
    server = Server(tmp_path / "stop", "--open")
    conn, chan, terminal = await login(server, "ann", None)
    await terminal.wait_for("Lessons read")
    pid = int((await server.await_log("started: TERM")).rsplit("pid ", 1)[1])
    assert await asyncio.to_thread(server.stop) == 0
    await asyncio.wait_for(chan.wait_closed(), 5)
    assert "gdtui serve is stopping" in terminal.text
    assert "ended: server stopping" in server.log and server.log.endswith("stopped")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    conn.close()


@pytest.mark.e2e
async def test_sessions_closed_at_once_while_drawing_are_logged_as_gone(tmp_path, keys):
    # A client that closes its channel while its gdtui is drawing: the frames in flight meet
    # a closed channel. That is a client going away, not an internal error.
    root = tmp_path / "closing"
    root.mkdir()
    write_keys(root / "authorized_keys", keys["ann"])
    server = Server(root)
    try:
        names = [f"learner{n}" for n in range(12)]
        sessions = await asyncio.gather(
            *(login(server, name, keys["ann"], size=(200, 60)) for name in names))
        for _conn, chan, _terminal in sessions:
            chan.write(b"4")
        await asyncio.gather(
            *(terminal.wait_for("learn rate", timeout=120) for _, _, terminal in sessions))
        for _conn, chan, _terminal in sessions:
            chan.write(b" ")  # train: a new frame every few milliseconds
        await asyncio.gather(
            *(terminal.wait_for("steps/s", timeout=60) for _, _, terminal in sessions))
        for _conn, chan, _terminal in sessions:
            chan.close()
        deadline = time.monotonic() + 30
        while sum("ended:" in line for line in server.lines) < len(names):
            assert time.monotonic() < deadline, server.log
            await asyncio.sleep(0.05)
        ended = [line for line in server.lines if "ended:" in line]
        assert all("ended: disconnected" in line for line in ended), ended
        assert "internal error" not in server.log and "went away" not in server.log
        for conn, _chan, _terminal in sessions:
            conn.close()
    finally:
        assert server.stop() == 0


def test_a_write_to_a_channel_the_client_closed_ends_the_session_quietly():
    from types import SimpleNamespace

    from gdtui.serve.session import LearnerSession

    class ClosedChannel:
        def write(self, data: bytes) -> None:
            raise BrokenPipeError("Channel not open for sending")

    hub = SimpleNamespace(config=None, sessions=set(), stopping=False)
    owner = SimpleNamespace(user="ann", address="127.0.0.1:5000", folder=None, hub=hub)
    session = LearnerSession(owner)
    session.connection_made(ClosedChannel())
    session.output(b"a frame")
    session.output(b"another frame")
    assert session.closed and session.end_reason == "disconnected"


def run_serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gdtui", "serve", *args],
                          capture_output=True, text=True, timeout=30)


@pytest.mark.e2e
def test_setup_problems_are_one_clear_line(tmp_path):
    result = run_serve("--root", str(tmp_path / "empty"), "--port", "0")
    assert result.returncode == 2
    assert "no keys in" in result.stderr and "--open" in result.stderr

    (tmp_path / "file").write_text("x")
    result = run_serve("--root", str(tmp_path / "file"), "--open", "--port", "0")
    assert result.returncode == 1 and "is a file" in result.stderr

    for option, value in (("--port", "70000"), ("--max-sessions", "0"),
                          ("--idle-timeout", "soon"), ("--fps", "0"),
                          ("--login-grace-time", "1"), ("--login-grace-time", "nan"),
                          ("--max-startups", "10:30"), ("--max-startups", "60:30:10"),
                          ("--per-source-max-startups", "0")):
        result = run_serve("--root", str(tmp_path / "r"), "--open", option, value)
        assert result.returncode == 2 and option in result.stderr

    busy = Server(tmp_path / "busy", "--open")
    try:
        result = run_serve("--root", str(tmp_path / "other"), "--open", "--port", str(busy.port))
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            f"gdtui serve: cannot listen on 127.0.0.1:{busy.port}: Address already in use"]
    finally:
        busy.stop()


@pytest.mark.parametrize("host", ["", "  ", "\t"])
def test_an_empty_host_is_refused_not_read_as_every_interface(tmp_path, capsys, monkeypatch,
                                                              host):
    from gdtui.cli.main import main
    from gdtui.serve import server

    # were it accepted, nothing may listen on every interface: the server is not started
    monkeypatch.setattr(server, "run", lambda config: pytest.fail(f"would listen: {config}"))
    assert main(["serve", "--root", str(tmp_path), "--open", "--host", host]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "gdtui serve: --host needs an address: 127.0.0.1 for this machine only, "
        "0.0.0.0 for every network"]


def parse(*argv: str):
    from gdtui.cli.main import build_parser

    return build_parser().parse_args(list(argv))


def test_options_before_and_after_serve_reach_each_learners_gdtui(tmp_path, monkeypatch):
    from gdtui.cli.serve import build_config

    lessons = tmp_path / "lessons"
    lessons.mkdir()
    config = build_config(parse("--data-dir", str(tmp_path / "d"), "--fps", "5",
                                "--lessons", str(lessons), "serve", "--no-mouse"))
    assert config.root == tmp_path / "d"
    assert config.authorized_keys == tmp_path / "d" / "authorized_keys"
    assert config.app_args == ["--fps", "5", "--no-mouse", "--lessons", str(lessons)]
    assert (config.host, config.port, config.max_sessions, config.idle_timeout) == (
        "127.0.0.1", 2222, 20, 1800)
    assert (config.login_grace, config.startup_limits) == (20, StartupLimits(20, 30, 100, 20))
    assert not config.open_to_all

    monkeypatch.setenv("GDTUI_DATA_DIR", str(tmp_path / "env"))
    config = build_config(parse("serve", "--fps", "7", "--open", "--authorized-keys", "k"))
    assert config.root == tmp_path / "env" / "serve"
    assert config.app_args == ["--fps", "7"] and config.open_to_all
    assert config.authorized_keys.name == "k" and config.authorized_keys.is_absolute()


def test_gdtui_does_not_load_the_ssh_server_at_startup():
    code = ("import sys, gdtui.cli.main; gdtui.cli.main.build_parser(); "
            "print('asyncssh' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.stdout.strip() == "False"


@pytest.mark.e2e
async def test_keys_added_to_the_file_work_without_a_restart(server):
    newcomer = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(server, "ivy", newcomer)
    with (server.root / "authorized_keys").open("a") as file:
        file.write(newcomer.export_public_key().decode())
    conn, chan, terminal = await login(server, "ivy", newcomer)
    await terminal.wait_for("Lessons read")
    await quit_app(chan, terminal)
    conn.close()


class Recorder:
    """A PtyListener that keeps what the child wrote."""

    def __init__(self):
        self.data = b""
        self.ended = False

    def output(self, data: bytes) -> None:
        self.data += data

    def output_ended(self) -> None:
        self.ended = True

    def input_paused(self, paused: bool) -> None:
        pass

    async def wait_for(self, text: bytes) -> None:
        for _ in range(200):
            if text in self.data:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{text!r} never came; got {self.data!r}")


SHOW_SIZE = """
import os, signal, sys, time
def show(*_):
    print("size", *os.get_terminal_size(), "leader", os.getsid(0) == os.getpid(), flush=True)
signal.signal(signal.SIGWINCH, show)
for name in sys.argv[1:]:
    signal.signal(getattr(signal, name), signal.SIG_IGN)
show()
while True:
    time.sleep(1)
"""


@pytest.mark.e2e
async def test_a_pty_child_follows_its_size_echoes_keys_and_is_reaped(tmp_path):
    recorder = Recorder()
    child = await PtyChild.start([sys.executable, "-c", SHOW_SIZE], {"PATH": os.defpath},
                                 tmp_path, 80, 24, recorder)
    await recorder.wait_for(b"size 80 24 leader True")
    child.resize(100, 30)  # the kernel tells the child with SIGWINCH
    await recorder.wait_for(b"size 100 30")
    child.write(b"hello")  # the terminal is not raw here, so it echoes
    await recorder.wait_for(b"hello")
    assert await child.end(grace=2) == -signal.SIGHUP
    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)


@pytest.mark.e2e
async def test_a_child_ends_on_a_hangup_even_when_the_server_ignores_hangups(tmp_path):
    # as under `nohup gdtui serve`: an ignored signal would stay ignored in the child
    recorder = Recorder()
    ignored = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        child = await PtyChild.start([sys.executable, "-c", SHOW_SIZE], {"PATH": os.defpath},
                                     tmp_path, 80, 24, recorder)
    finally:
        signal.signal(signal.SIGHUP, ignored)
    await recorder.wait_for(b"size 80 24")
    assert await child.end(grace=30) == -signal.SIGHUP


@pytest.mark.e2e
async def test_a_child_that_ignores_hangups_is_killed_in_the_end(tmp_path):
    recorder = Recorder()
    child = await PtyChild.start([sys.executable, "-c", SHOW_SIZE, "SIGHUP", "SIGTERM"],
                                 {"PATH": os.defpath}, tmp_path, 80, 24, recorder)
    await recorder.wait_for(b"size 80 24")
    assert await child.end(grace=0.2) == -signal.SIGKILL
    with pytest.raises(ProcessLookupError):
        os.kill(child.pid, 0)


class Crowd:
    """``size`` connections that never log in, held open by a thread: each one the server closes
    is opened again at once. Every other one sends an SSH version line first, then nothing."""

    def __init__(self, port: int, size: int = 100):
        self.port, self.size = port, size
        self.opened = 0
        self._stop = threading.Event()
        self._selector = selectors.DefaultSelector()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Crowd:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()
        self._selector.close()

    def _open(self) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            return  # the backlog is full for a moment: the next round tries again
        if self.opened % 2:
            sock.sendall(b"SSH-2.0-crowd\r\n")
        sock.setblocking(False)
        self.opened += 1
        self._selector.register(sock, selectors.EVENT_READ)

    def _run(self) -> None:
        while not self._stop.is_set():
            for _ in range(self.size - len(self._selector.get_map())):
                self._open()
            for key, _events in self._selector.select(0.05):
                try:
                    gone = not key.fileobj.recv(65536)
                except OSError:
                    gone = True
                if gone:
                    self._selector.unregister(key.fileobj)
                    key.fileobj.close()

    def wait_opened(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.opened < count:
            assert time.monotonic() < deadline, f"only {self.opened} connections opened"
            time.sleep(0.05)


async def login_despite(server: Server, user: str, key: asyncssh.SSHKey, tries: int = 10):
    """Log in as a learner would under load: try again when dropped; (session, tries taken)."""
    for attempt in range(1, tries + 1):
        try:
            return await login(server, user, key), attempt
        except (OSError, asyncssh.Error):
            continue
    raise AssertionError(f"{user} could not log in in {tries} tries:\n{server.log}")


@pytest.mark.e2e
async def test_a_crowd_that_never_logs_in_does_not_lock_the_class_out(tmp_path, keys):
    root = tmp_path / "crowded"
    root.mkdir()
    write_keys(root / "authorized_keys", keys["ann"], keys["bob"])
    server = Server(root)
    try:
        conn, chan, terminal = await login(server, "ann", keys["ann"])
        await terminal.wait_for(f"Lessons read: 0 of {LESSONS}")
        with Crowd(server.port, size=100) as crowd:
            # the server has dropped a hundred of them already
            await asyncio.to_thread(crowd.wait_opened, 200)
            assert "busy: " in await server.await_log("busy: ")
            (late, late_chan, late_terminal), tries = await login_despite(server, "bob",
                                                                          keys["bob"])
            print(f"bob logged in at try {tries}, {crowd.opened} crowd connections opened")
            await late_terminal.wait_for(f"Lessons read: 0 of {LESSONS}")
            await read_first_lesson(chan, terminal)  # ann, logged in before, is untouched
            await read_first_lesson(late_chan, late_terminal)
        assert await quit_app(chan, terminal) == 0
        assert await quit_app(late_chan, late_terminal) == 0
        conn.close()
        late.close()
        await server.await_log("busy: in the last 10 seconds")
        ended = [line for line in server.lines if "ended:" in line]
        assert len(ended) == 2 and all("ended: quit (exit 0)" in line for line in ended)
    finally:
        assert server.stop() == 0


@pytest.mark.e2e
async def test_a_connection_has_the_login_grace_time_to_log_in_and_start_its_app(tmp_path, keys):
    root = tmp_path / "grace"
    root.mkdir()
    write_keys(root / "authorized_keys", keys["ann"])
    server = Server(root, "--login-grace-time", "5")
    try:
        assert "login grace time 5 seconds" in server.wait_log("listening on")
        conn, chan, terminal = await login(server, "ann", keys["ann"])
        await terminal.wait_for(f"Lessons read: 0 of {LESSONS}")

        silent = socket.create_connection(("127.0.0.1", server.port))
        silent.settimeout(30)
        assert silent.recv(100).startswith(b"SSH-2.0-")  # the server's version line
        assert silent.recv(100) == b""  # then, 5 seconds on, the end
        silent.close()
        await server.await_log("closed: it did not log in within 5 seconds")

        idle = await connect(server, "bob", keys["ann"])  # logs in, asks for nothing
        await asyncio.wait_for(idle.wait_closed(), 30)
        await server.await_log("'bob' asked for no session within 5 seconds: closed")

        # ann's session, twice the grace time old by now, goes on
        await read_first_lesson(chan, terminal)
        assert await quit_app(chan, terminal) == 0
        conn.close()
        assert "ended: quit (exit 0)" in await server.await_log("ended:")
    finally:
        assert server.stop() == 0


class Waiter:
    """A stand-in for a connection waiting to log in."""

    def __init__(self, source: str, arrived: float, progress: int = SILENT):
        self.source, self.arrived, self._progress = source, arrived, progress

    def progress(self) -> int:
        return self._progress

    def __repr__(self) -> str:
        return f"Waiter({self.source!r}, {self.arrived}, {self._progress})"


def test_past_start_newcomers_are_refused_at_random_at_the_rate():
    table = Startups(StartupLimits(start=5, rate=30, full=1000, per_source=1000),
                     random.Random(7))
    assert all(table.admit(Waiter("a", n)) for n in range(5))
    assert table.busy
    outcomes = [table.admit(Waiter("a", 10 + n)) for n in range(1000)]
    assert 0.25 < outcomes.count(False) / len(outcomes) < 0.35
    assert table.refused == outcomes.count(False)


def test_past_the_cap_for_one_address_its_stalest_give_way_once_judged():
    table = Startups(StartupLimits(start=100, rate=30, full=100, per_source=2))
    other = Waiter("b", 0)
    logging_in, speaking, silent = (Waiter("a", 1, LOGGING_IN), Waiter("a", 2, SPEAKING),
                                    Waiter("a", 3))
    newest = Waiter("a", 9.5)  # not judged yet at 10: it may not have spoken yet
    for item in (other, logging_in, speaking, silent, newest):
        assert table.admit(item)
    # the least progress goes first, even when newer; the one logging in stays
    assert table.prune(now=10, settle=1) == [silent, speaking]
    assert table.waiting == [other, logging_in, newest]
    assert table.gave_way == 2 and table.refused == 0


def test_past_full_the_stalest_of_all_give_way_and_the_oldest_of_equals_first():
    table = Startups(StartupLimits(start=10, rate=0, full=3, per_source=3))
    items = [Waiter(source, n, SPEAKING) for n, source in enumerate("abcde")]
    for item in items:
        assert table.admit(item)
    table.leave(items[2])  # it logged in
    assert table.prune(now=10, settle=1) == [items[0]]
    assert table.waiting == [items[1], items[3], items[4]]


def test_twice_full_waiting_refuses_newcomers_until_the_next_judgement():
    table = Startups(StartupLimits(start=100, rate=0, full=2, per_source=100))
    assert all(table.admit(Waiter("a", n)) for n in range(4))
    assert not table.admit(Waiter("a", 4))
    assert len(table.prune(now=10, settle=1)) == 2
    assert table.admit(Waiter("a", 5))


def test_max_startups_reads_like_openssh_and_addresses_are_grouped():
    assert StartupLimits.parse("10:30:60", 5) == StartupLimits(10, 30, 60, 5)
    assert StartupLimits.parse(" 8 ", 2) == StartupLimits(8, 0, 8, 2)
    for bad in ("", "10:30", "a:b:c", "10:30:5", "0:30:10", "10:101:60", "-1:0:5"):
        with pytest.raises(ValueError, match="--max-startups"):
            StartupLimits.parse(bad, 5)
    assert source_of("10.0.0.7") == "10.0.0.7"
    assert source_of("::ffff:10.0.0.7") == "10.0.0.7"
    assert source_of("2001:db8:1:2:aaaa::1") == source_of("2001:db8:1:2:bbbb::9")
    assert source_of("2001:db8:1:2::1") != source_of("2001:db8:1:3::1")


def child_rss(pid: int) -> int:
    """The resident memory of process ``pid`` in bytes; 0 once it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, flags=re.M)
    return int(found.group(1)) * 1024 if found else 0


@pytest.mark.e2e
async def test_a_flood_of_keys_is_dropped_and_the_learner_can_still_quit(server, keys):
    conn, chan, terminal = await login(server, "ned", keys["ann"])
    await terminal.wait_for(f"Lessons read: 0 of {LESSONS}", "Welcome to gdtui!")
    pid = int((await server.await_log("session for 'ned'")).rsplit("pid ", 1)[1])
    before = child_rss(pid)
    chan.write(b"z" * (5 << 20))  # 5 MiB of keys, as fast as SSH carries them
    await server.await_log("'ned' from 127.0.0.1")
    assert "keys are coming faster than 4 KiB a second (after 16 KiB at once): the rest are " \
        "dropped" in await server.await_log("keys are coming faster")
    largest = before
    while chan.get_write_buffer_size():  # until the server has taken all of them
        largest = max(largest, child_rss(pid))
        await asyncio.sleep(0.05)
    # ctrl+q, again each second as a learner would: one right behind the flood is dropped too
    closed = asyncio.ensure_future(chan.wait_closed())
    deadline, pressed = time.monotonic() + 60, 0.0
    while not closed.done():
        assert time.monotonic() < deadline, "ctrl+q did not end the app"
        if time.monotonic() - pressed > 1:
            chan.write(b"\x11")
            pressed = time.monotonic()
        largest = max(largest, child_rss(pid))
        await asyncio.sleep(0.05)
    print(f"the learner's gdtui: {before >> 20} MiB before, at most {largest >> 20} MiB")
    assert largest < before + (150 << 20)  # it grew by more than 1 GB before
    assert terminal.exit_status == 0, terminal.text
    assert "5 MiB of keys were dropped: they came faster than anyone types." in terminal.text
    line = await server.await_end("ned")
    assert line.endswith("; 5 MiB of keys dropped") and "ended: quit (exit 0)" in line
    conn.close()


@pytest.mark.e2e
async def test_after_a_paste_too_large_to_pass_keys_are_keys_again(server, keys):
    conn, chan, terminal = await login(server, "oli", keys["ann"])
    await terminal.wait_for(f"Lessons read: 0 of {LESSONS}", "Welcome to gdtui!")
    chan.write(b"\x1b[200~" + b"p" * 40000 + b"\x1b[201~")  # a paste, cut short on the way
    await server.await_log("'oli' from 127.0.0.1")
    deadline, pressed = time.monotonic() + 60, 0.0
    while "Lesson 1: A network that guesses" not in terminal.text:
        assert time.monotonic() < deadline, f"1 does not open the lesson:\n{terminal.text}"
        if time.monotonic() - pressed > 1:  # again each second, as a learner would
            chan.write(b"1")
            pressed = time.monotonic()
        await asyncio.sleep(0.05)
    assert await quit_app(chan, terminal) == 0
    conn.close()


@pytest.mark.e2e
async def test_a_learner_past_the_memory_ceiling_ends_only_their_own_session(tmp_path, keys):
    root = tmp_path / "ceiling"
    root.mkdir()
    write_keys(root / "authorized_keys", keys["ann"], keys["bob"])
    server = Server(root, "--max-memory", "256")
    try:
        bob = await login(server, "bob", keys["bob"])
        await bob[2].wait_for(f"Lessons read: 0 of {LESSONS}")
        # the largest window there is: the lab drawn at 1000x1000 needs far more than 256 MiB
        conn, chan, terminal = await login(server, "ann", keys["ann"], size=(1000, 1000))
        await terminal.wait_for(f"Lessons read: 0 of {LESSONS}", timeout=60)
        await press(chan, b"4")
        await asyncio.wait_for(chan.wait_closed(), 120)
        assert terminal.exit_status != 0
        assert "Your gdtui ran out of memory (each may use 256 MiB here) and stopped." in \
            terminal.text
        line = await server.await_end("ann")
        assert "ended: out of memory: gdtui reached its ceiling of 256 MiB (--max-memory)" in line
        conn.close()
        await read_first_lesson(bob[1], bob[2])  # bob goes on as if nothing happened
        assert await quit_app(bob[1], bob[2]) == 0
        bob[0].close()
    finally:
        assert server.stop() == 0


def test_keys_pass_in_a_burst_then_at_the_rate_and_a_key_is_whole_or_gone():
    budget = KeyBudget(rate=100, burst=10, now=0)
    assert budget.take(b"abcdefgh", now=0) == b"abcdefgh"
    assert budget.take(b"\x1b[<35;10;5M", now=0) == b""  # 2 bytes left: no half a mouse report
    assert budget.take(b"xy", now=0) == b"xy"
    assert budget.take(b"z", now=0) == b""
    assert budget.take(b"z" * 50, now=0.05) == b"z" * 5  # 0.05 s at 100 a second
    assert budget.take(b"z" * 50, now=10) == b"z" * 10  # never more than the burst at once
    assert budget.take("ab\u00e9".encode(), now=10.035) == b"ab"  # 3 bytes: not half of é
    assert budget.dropped == 11 + 1 + 45 + 40 + 2


def test_a_paste_cut_short_is_closed_so_later_keys_are_keys():
    budget = KeyBudget(rate=100, burst=20, now=0)
    paste = b"\x1b[200~" + b"p" * 40 + b"\x1b[201~"
    assert budget.take(paste, now=0) == b"\x1b[200~" + b"p" * 14 + b"\x1b[201~"
    assert budget.take(b"q", now=1) == b"q"
    whole = b"\x1b[200~pp\x1b[201~"
    assert budget.take(whole, now=2) == whole
    assert budget.take(b"x" * 30, now=3) == b"x" * 20  # no paste open: nothing added


def test_sizes_read_at_a_glance():
    assert [describe_bytes(n) for n in (512, 16384, 5 << 20, 1.31 * (1 << 30), 40 << 20)] == [
        "512 bytes", "16 KiB", "5 MiB", "1.3 GiB", "40 MiB"]
