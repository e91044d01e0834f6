"""End to end: the installed ``gdtui`` in tmux at 80x24 under the terminals people have.

For each TERM (with COLORTERM unset, so no truecolor is promised) and once with NO_COLOR, a
learner opens every area from the home screen with the keyboard alone, looks at help and the
flashcard statistics, and quits: each screen shows its text, nothing crashes, and the colours
the app sends are the ones that terminal can show.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from gdtui.course.lessons import load_course
from tests.tmux_terminal import Terminal

pytestmark = pytest.mark.e2e

GDTUI = Path(sys.executable).with_name("gdtui")
HOME = "Watch optimizers walk downhill"  # on the home screen only
# (keys that open an area from the home screen, what the area shows once it is open)
AREAS = [
    ("1", "Contents"),
    ("2", "Review (r)"),
    ("3", "My guess: 50"),
    ("4", "step 0 ·"),
    ("5", "① Forward"),
    ("6", "Line fit, mean squared error"),
]
# Inside an area: (keys, what then shows). Escape comes back from each.
INSIDE = {
    "2": [("s", "Reviews per day")],
    "6": [("?", "Loss landscape")],
}
COLOUR = re.compile(r"\x1b\[([0-9;]*)m")
# 256-colour palette entries that are greys: black, white, the grey cube diagonal, the ramp.
GREYS = {0, 7, 8, 15, 16, 59, 102, 145, 188, 231, *range(232, 256)}

LESSONS = len(load_course().lessons)


def colour_codes(screen: str) -> str:
    """The parameters of every SGR sequence (colours and text styles) on the screen."""
    return ";".join(COLOUR.findall(screen))


def palette_indices(codes: str) -> set[int]:
    """The 256-colour palette entries used (38;5;N foreground, 48;5;N background)."""
    return {int(n) for n in re.findall(r"(?:^|;)[34]8;5;(\d+)", codes)}


@pytest.fixture
def terminal(tmp_path, open_terminal):
    def start(environment: str) -> Terminal:
        """gdtui with only this terminal's variables (COLORTERM and NO_COLOR unset first)."""
        # The trailing echo keeps the pane open after gdtui exits so its last words can be read.
        return open_terminal(f"env -u COLORTERM -u NO_COLOR {environment} {GDTUI} "
                             f"--data-dir {tmp_path / 'data'}; echo gdtui-exited-$?; sleep 30")

    return start


@pytest.mark.parametrize("environment, colours", [
    ("TERM=xterm", 16),
    ("TERM=xterm-256color", 256),
    ("TERM=screen", 16),
    ("TERM=linux", 16),
    ("NO_COLOR=1 TERM=xterm-256color", 0),
])
def test_every_area_by_keyboard_in_this_terminal(terminal, environment, colours):
    assert shutil.which("tmux"), "the end-to-end tests need tmux (apt-get install tmux)"
    term = terminal(environment)
    term.wait_for("Welcome to gdtui!", HOME, f"Lessons read: 0 of {LESSONS}", "^p palette")

    codes = colour_codes(term.screen(escapes=True))
    assert "8;2;" not in codes  # never truecolor: none was promised
    if colours == 16:
        assert "8;5;" not in codes and re.search(r"(^|;)(3[0-7]|9[0-7])(;|$)", codes)
    else:
        used = palette_indices(codes)
        assert used
        assert colours == 256 or used <= GREYS  # NO_COLOR: greys only

    for key, shown in AREAS:
        term.keys(key)
        term.wait_for(shown)
        for inner_key, inner_shown in INSIDE.get(key, []):
            term.keys(inner_key)
            term.wait_for(inner_shown)
            term.keys("Escape")
            term.wait_for(shown, gone=(inner_shown,))
        term.keys("Escape")
        term.wait_for(HOME)
    term.keys("q")
    last = term.wait_for("gdtui-exited-0")
    assert "Traceback" not in last and "Error" not in last
