"""Time from launching ``gdtui`` to an interactive home screen, next to a bare Textual app.

Both programs run in a real terminal (tmux, 80x24); the clock stops when the screen shows the
text that proves the first frame is drawn. Prints the median of several runs of each, and their
ratio, measured in the same run so machine noise affects both alike.

    python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BARE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("bare textual app ready")

Bare().run()
"""


def time_to_text(command: str, text: str, timeout: float = 30.0) -> float:
    """Seconds from starting ``command`` in tmux until ``text`` is on its screen."""
    socket = f"gdtui-bench-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", socket]
    start = time.perf_counter()
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "b", "-x", "80", "-y", "24", command], check=True
    )
    try:
        while time.perf_counter() - start < timeout:
            shown = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True
            ).stdout
            if text in shown:
                return time.perf_counter() - start
            time.sleep(0.005)
        raise RuntimeError(f"{text!r} did not appear within {timeout} s")
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    gdtui = Path(sys.executable).with_name("gdtui")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        data = Path(tmp) / "data"
        # A first start creates the database; measure the starts a returning user sees too.
        time_to_text(f"{gdtui} --data-dir {data}", "Lessons read")
        gdtui_times, bare_times = [], []
        for _ in range(args.runs):  # interleaved so drift in machine load hits both
            gdtui_times.append(time_to_text(f"{gdtui} --data-dir {data}", "Lessons read"))
            bare_times.append(time_to_text(f"{sys.executable} {bare}", "bare textual app ready"))
    g, b = statistics.median(gdtui_times), statistics.median(bare_times)
    print(f"runs: {args.runs} each, tmux 80x24, median seconds to first full screen")
    for name, median, times in (("gdtui home screen ", g, gdtui_times),
                                ("bare Textual label", b, bare_times)):
        print(f"{name}: {median:.3f} s  (min {min(times):.3f}, max {max(times):.3f})")
    print(f"ratio gdtui / bare: {g / b:.2f}")


if __name__ == "__main__":
    main()
