"""What can one client do to `gdtui serve`? Prints numbers, asserts nothing.

    python benchmarks/serve_abuse.py [--keys-mib 5] [--watch 30] [--crowd 100] [--logins 10]
                                     [--src DIR] [--json]

Starts a real `gdtui serve` on 127.0.0.1 (a free port, a temporary folder, one generated key)
and measures two things a hostile client tries:

(a) Keys: a learner logs in (asyncssh, a terminal of 80x24), waits for the home screen, then
    sends ``--keys-mib`` MiB of the key `z` as fast as SSH carries them. The resident memory
    (RSS) of that learner's gdtui is sampled for ``--watch`` seconds; then ctrl+q is pressed once
    a second until the app quits (at most 60 s). Printed: the RSS before, at its largest, at the
    end, and how long ctrl+q took. A run that passes 1.5 GiB is stopped there (the gdtui is
    ended), so the machine is never at risk.

(b) A crowd: ``--crowd`` connections that never log in are held open from a thread (each one the
    server closes is opened again at once; every other one sends an SSH version line, then
    nothing). Once the crowd has opened twice its size, a key holder logs in ``--logins`` times
    with OpenSSH (`ssh -T`: the login succeeds and the server then says it needs a terminal) or,
    without OpenSSH, asyncssh; a dropped try is tried again at once, as a learner would, up to
    20 tries or 60 s. Printed: the time from the first try to being logged in, and the tries it
    took (median and worst), and the same without a crowd.

``--src DIR`` runs the server (and so each learner's gdtui) from another gdtui source tree, for
example a checkout from before a change: `git worktree add /tmp/before <commit>`, then
`--src /tmp/before`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import asyncssh

RSS_STOP = 1.5 * (1 << 30)  # never let a runaway gdtui take more than this
MAX_TRIES, MAX_TRY_SECONDS = 20, 60.0


class Server:
    """`gdtui serve --port 0` in a subprocess; its log is gathered line by line."""

    def __init__(self, root: Path, src: Path | None):
        env = dict(os.environ)
        if src is not None:
            env["PYTHONPATH"] = str(src)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gdtui", "serve", "--port", "0", "--root", str(root)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, env=env, cwd=src or None,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.port = int(re.search(r"127\.0\.0\.1:(\d+)", self.wait_log("listening on"))[1])

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_log(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit(f"{text!r} never appeared in the server's log:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Screen(asyncssh.SSHClientSession):
    """Keeps what the app writes, to know when the home screen is up."""

    def __init__(self):
        self.data = bytearray()

    def data_received(self, data: bytes, datatype) -> None:
        self.data += data


def rss(pid: int) -> int:
    """Resident memory of ``pid`` in bytes; 0 once it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, flags=re.M)
    return int(found[1]) * 1024 if found else 0


def mib(count: float) -> str:
    return f"{count / (1 << 20):,.0f} MiB"


async def measure_keys(server: Server, key: asyncssh.SSHKey, keys_mib: float,
                       watch: float) -> dict:
    conn = await asyncssh.connect("127.0.0.1", server.port, username="flooder",
                                  client_keys=[key], known_hosts=None, config=None,
                                  agent_path=None)
    chan, screen = await conn.create_session(Screen, term_type="xterm-256color",
                                             term_size=(80, 24), encoding=None)
    deadline = time.monotonic() + 60
    while b"Lessons read" not in screen.data:
        if time.monotonic() > deadline:
            raise SystemExit("the home screen never came")
        await asyncio.sleep(0.05)
    pid = int(server.wait_log("session for 'flooder'").rsplit("pid ", 1)[1])
    await asyncio.sleep(2)  # the home screen builds the others ahead: count that as "before"
    before = largest = rss(pid)
    chan.write(b"z" * int(keys_mib * (1 << 20)))
    started = time.monotonic()
    stopped = False
    while time.monotonic() - started < watch:
        largest = max(largest, rss(pid))
        if largest > RSS_STOP:
            stopped = True
            break
        await asyncio.sleep(0.5)
    watched = time.monotonic() - started
    after_watch = rss(pid)
    quit_started = time.monotonic()
    quit_seconds = None
    if not stopped:
        pressed = 0.0
        while time.monotonic() - quit_started < 60 and not chan.is_closing():
            if time.monotonic() - pressed > 1:
                chan.write(b"\x11")
                pressed = time.monotonic()
            largest = max(largest, rss(pid))
            if largest > RSS_STOP:
                stopped = True
                break
            await asyncio.sleep(0.1)
        if chan.is_closing():
            quit_seconds = time.monotonic() - quit_started
    conn.close()
    return {"keys_mib": keys_mib, "rss_before": before, "rss_largest": largest,
            "rss_after_watch": after_watch, "watch_seconds": watched,
            "stopped_at_limit": stopped, "quit_seconds": quit_seconds}


class Crowd:
    """``size`` connections that never log in, held open; each one closed is opened again."""

    def __init__(self, port: int, size: int):
        self.port, self.size, self.opened = port, size, 0
        self._stop = threading.Event()
        self._selector = selectors.DefaultSelector()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _open(self) -> None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        except OSError:
            return
        if self.opened % 2:
            sock.sendall(b"SSH-2.0-crowd\r\n")
        sock.setblocking(False)
        self.opened += 1
        self._selector.register(sock, selectors.EVENT_READ)

    def _run(self) -> None:
        while not self._stop.is_set():
            for _ in range(self.size - len(self._selector.get_map())):
                self._open()
            for selected, _events in self._selector.select(0.05):
                try:
                    gone = not selected.fileobj.recv(65536)
                except OSError:
                    gone = True
                if gone:
                    self._selector.unregister(selected.fileobj)
                    selected.fileobj.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for selected in list(self._selector.get_map().values()):
            selected.fileobj.close()


def log_in_with_openssh(port: int, key_path: Path, user: str) -> bool:
    result = subprocess.run(
        ["ssh", "-T", "-F", "/dev/null", "-p", str(port), "-i", str(key_path),
         "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
         "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
         "-o", "ConnectTimeout=20", f"{user}@127.0.0.1"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    return "gdtui needs a terminal" in result.stderr


def log_in_with_asyncssh(port: int, key: asyncssh.SSHKey, user: str) -> bool:
    async def attempt() -> bool:
        try:
            conn = await asyncio.wait_for(asyncssh.connect(
                "127.0.0.1", port, username=user, client_keys=[key], known_hosts=None,
                config=None, agent_path=None), 20)
        except (OSError, asyncssh.Error, TimeoutError):
            return False
        conn.close()
        return True

    return asyncio.run(attempt())


def time_logins(port: int, key: asyncssh.SSHKey, key_path: Path, count: int) -> dict:
    """Log in ``count`` times, each retried until it works; seconds and tries for each."""
    openssh = shutil.which("ssh") is not None
    seconds, tries, failed = [], [], 0
    for n in range(count):
        started, attempt, done = time.monotonic(), 0, False
        while not done and attempt < MAX_TRIES and time.monotonic() - started < MAX_TRY_SECONDS:
            attempt += 1
            user = f"learner{n}"
            done = (log_in_with_openssh(port, key_path, user) if openssh
                    else log_in_with_asyncssh(port, key, user))
        if done:
            seconds.append(time.monotonic() - started)
            tries.append(attempt)
        else:
            failed += 1
    return {"client": "OpenSSH" if openssh else "asyncssh", "logins": count, "failed": failed,
            "seconds": seconds, "tries": tries}


def describe_logins(what: str, found: dict) -> str:
    if not found["seconds"]:
        return (f"{what}: no login in {found['logins']} attempts of up to {MAX_TRIES} tries "
                f"or {MAX_TRY_SECONDS:.0f} s each ({found['client']})")
    seconds, tries = found["seconds"], found["tries"]
    line = (f"{what}: logged in {len(seconds)} of {found['logins']} times ({found['client']}): "
            f"median {statistics.median(seconds):.2f} s, worst {max(seconds):.2f} s; "
            f"tries median {statistics.median(tries):g}, worst {max(tries)}")
    if found["failed"]:
        line += f"; {found['failed']} never got in"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys-mib", type=float, default=5.0)
    parser.add_argument("--watch", type=float, default=30.0, help="seconds to watch the RSS")
    parser.add_argument("--crowd", type=int, default=100)
    parser.add_argument("--logins", type=int, default=10)
    parser.add_argument("--src", type=Path, help="run the server from this gdtui source tree")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="serve-abuse-"))
    root = folder / "serve"
    root.mkdir()
    key = asyncssh.generate_private_key("ssh-ed25519")
    key_path = folder / "key"
    key.write_private_key(key_path)
    key_path.chmod(0o600)
    (root / "authorized_keys").write_text(key.export_public_key().decode())
    source = args.src.resolve() if args.src else None

    server = Server(root, source)
    try:
        keys = asyncio.run(measure_keys(server, key, args.keys_mib, args.watch))
    finally:
        server.stop()
    server = Server(root, source)
    try:
        calm = time_logins(server.port, key, key_path, args.logins)
        crowd = Crowd(server.port, args.crowd)
        deadline = time.monotonic() + 60
        while crowd.opened < 2 * args.crowd and time.monotonic() < deadline:
            time.sleep(0.05)
        crowded = time_logins(server.port, key, key_path, args.logins)
        crowd_opened = crowd.opened
        crowd.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)

    if args.json:
        print(json.dumps({"source": str(source or "installed"), "keys": keys, "calm": calm,
                          "crowd": {"size": args.crowd, "opened": crowd_opened, **crowded}},
                         indent=2))
        return
    print(f"gdtui serve from {source or 'the installed gdtui'}")
    print(f"(a) {args.keys_mib:g} MiB of keys over SSH into one session at 80x24:")
    watched = keys["watch_seconds"]
    if keys["stopped_at_limit"]:
        print(f"    the learner's gdtui: RSS {mib(keys['rss_before'])} before, "
              f"{mib(keys['rss_largest'])} {watched:.0f} s later and still growing: "
              "stopped there (the benchmark's limit is 1.5 GiB)")
    else:
        print(f"    the learner's gdtui: RSS {mib(keys['rss_before'])} before, "
              f"{mib(keys['rss_largest'])} at most over {watched:.0f} s, "
              f"{mib(keys['rss_after_watch'])} at the end")
    quit_seconds = keys["quit_seconds"]
    print("    ctrl+q (pressed once a second): " + (
        f"quit after {quit_seconds:.1f} s" if quit_seconds is not None else "no quit"))
    print(f"(b) a key holder logging in, {args.logins} times:")
    print("    " + describe_logins("no crowd", calm))
    print("    " + describe_logins(f"{args.crowd} connections that never log in held open "
                                   f"({crowd_opened} opened in all)", crowded))


if __name__ == "__main__":
    main()
