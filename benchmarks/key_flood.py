"""How much memory does a flood of keys cost gdtui, and how soon does it answer again?

Runs ``gdtui`` at 80x24 in a tmux window of its own (with its own empty data folder), waits for
the home screen, and pastes ``--kib`` KiB of ``z`` without bracketed paste (``tmux
paste-buffer`` without ``-p``): every byte reaches the app as a key, as when a learner pastes
into a terminal that does not mark pastes, or keys are piped in over SSH. Then it presses ``q``
every half second until gdtui has quit.

Prints the resident memory before the paste and the most seen after it, the seconds from the
paste until ``q`` acted, and what gdtui said about ignored keys. Compare with another gdtui
(``--gdtui``, e.g. an older checkout's) for the figures before a change.

    python benchmarks/key_flood.py [--kib 200] [--gdtui PATH] [--timeout 300]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SAMPLE = 0.2  # seconds between two looks at the memory and the screen
PRESS_Q_EVERY = 0.5


def tmux(socket: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True,
                          timeout=30).stdout


def rss_kib(pid: int) -> int | None:
    """The resident memory of a process in KiB, or None once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def gdtui_pid(pane_pid: int) -> int:
    """The gdtui process: the pane's own process, or its child if a shell runs it."""
    children = Path(f"/proc/{pane_pid}/task/{pane_pid}/children")
    found = children.read_text().split() if children.exists() else []
    return int(found[0]) if found else pane_pid


def wait_for(socket: str, text: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while text not in tmux(socket, "capture-pane", "-p", "-t", "main"):
        if time.monotonic() > deadline:
            raise SystemExit(f"{text!r} not shown after {seconds} s")
        time.sleep(0.1)


def run(gdtui: Path, kib: int, timeout: float) -> None:
    socket = f"gdtui-flood-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory() as folder:
        paste = Path(folder) / "paste.txt"
        paste.write_text("z" * (kib * 1024))
        tmux(socket, "new-session", "-d", "-s", "main", "-x", "80", "-y", "24",
             f"exec {gdtui} --data-dir {folder}/data")
        try:
            wait_for(socket, "Quit", 60)
            time.sleep(2)  # the home screen's modules load in the background meanwhile
            pid = gdtui_pid(int(tmux(socket, "display", "-p", "-t", "main",
                                     "#{pane_pid}").strip()))
            before = rss_kib(pid) or 0
            tmux(socket, "load-buffer", str(paste))
            start = time.monotonic()
            tmux(socket, "paste-buffer", "-t", "main")
            most, told, pressed = before, set(), start
            while (rss := rss_kib(pid)) is not None:
                most = max(most, rss)
                told.update(re.findall(r"([\d,]+ keys? w[a-z]+ ignored)",
                                       tmux(socket, "capture-pane", "-p", "-t", "main")))
                now = time.monotonic()
                if now - start > timeout:
                    print(f"gdtui had not quit {timeout:.0f} s after the paste")
                    break
                if now - pressed >= PRESS_Q_EVERY:
                    tmux(socket, "send-keys", "-t", "main", "q")
                    pressed = now
                time.sleep(SAMPLE)
            else:
                print(f"pasted {kib} KiB of keys ({kib * 1024:,} keys) on the home screen")
                print(f"memory before: {before / 1024:.0f} MB; most after the paste: "
                      f"{most / 1024:.0f} MB")
                print(f"q acted {time.monotonic() - start:.1f} s after the paste "
                      f"(pressed every {PRESS_Q_EVERY} s)")
            print("gdtui said: " + ("; ".join(sorted(told)) if told else "nothing about keys"))
        finally:
            tmux(socket, "kill-server")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kib", type=int, default=200, help="KiB of keys to paste (200)")
    parser.add_argument("--gdtui", type=Path, default=Path(sys.executable).with_name("gdtui"),
                        help="the gdtui command (the one next to this Python)")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds to wait for q to act (300)")
    options = parser.parse_args()
    run(options.gdtui, options.kib, options.timeout)


if __name__ == "__main__":
    main()
