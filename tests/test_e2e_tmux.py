"""End to end: the installed ``gdtui`` command in a real terminal (tmux) at 80x24."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from gdtui.course.lessons import load_course
from gdtui.training.settings import PRESETS
from tests.tmux_terminal import Terminal

pytestmark = pytest.mark.e2e

GDTUI = Path(sys.executable).with_name("gdtui")

LESSONS = len(load_course().lessons)


@pytest.fixture
def terminal_factory(open_terminal):
    def start(*args: str) -> Terminal:
        # The trailing echo keeps the pane open after gdtui exits so its last words can be read.
        return open_terminal(" ".join([str(GDTUI), *args]) + "; echo gdtui-exited-$?; sleep 30")

    return start


def test_tmux_is_installed():
    assert shutil.which("tmux"), "the end-to-end tests need tmux (apt-get install tmux)"
    assert GDTUI.exists(), f"the gdtui command is not installed next to {sys.executable}"


def test_read_a_lesson_quit_and_find_it_marked_read(terminal_factory, tmp_path):
    data = tmp_path / "data"
    term = terminal_factory("--data-dir", str(data))
    home = term.wait_for("Welcome to gdtui!", f"Lessons read: 0 of {LESSONS}")
    assert f"Lessons read: 0 of {LESSONS}" in home
    term.keys("1")
    lesson = term.wait_for("Lesson 1: A network that guesses", "Contents", "n Next")
    assert "Lesson 1: A network that guesses" in lesson
    term.keys("End")
    term.wait_for("Lesson read")
    term.keys("escape")
    term.wait_for(f"Lessons read: 1 of {LESSONS}")
    term.keys("q")
    term.wait_for("gdtui-exited-0")

    again = terminal_factory("--data-dir", str(data))
    home = again.wait_for("Welcome back", f"1/{LESSONS} read",
                          "finished lesson 'A network that guesses'")
    assert f"1/{LESSONS} read" in home
    assert "finished lesson 'A network that guesses'" in home
    again.keys("1")
    lesson = again.wait_for("✓ 1. A network")
    again.keys("q")
    again.wait_for("gdtui-exited-0")


def test_the_guessing_game_in_a_real_terminal(terminal_factory, tmp_path):
    term = terminal_factory("--data-dir", str(tmp_path / "data"), "--open", "guess")
    term.wait_for("My guess: 50")
    term.keys("h")  # my number is below 50
    term.wait_for("My guess: 40")
    term.keys("l")  # ...and above 42, at most 47: a step of 10 can never land on it
    shown = term.wait_for("jumping between 40 and 50", "from 43 to 47", "would find it within")
    assert "of 5 would find it within 2 guesses" in shown  # a smaller rate, played on 43..47
    term.keys("q")
    term.wait_for("gdtui-exited-0")


def test_the_training_lab_trains_live_in_a_real_terminal(terminal_factory, tmp_path):
    term = terminal_factory("--data-dir", str(tmp_path / "data"), "--open", "lab")
    term.wait_for("step 0 ·")
    term.keys("space")
    term.wait_for("steps/s")
    term.keys("space")  # pause, then leave: the run is logged on the home screen
    term.wait_for("▶ Run")
    term.keys("escape")
    home = term.wait_for("Last time: trained moons", "Training lab")
    assert "Training lab" in home
    term.keys("q")
    term.wait_for("gdtui-exited-0")


def test_the_lab_loads_a_learners_csv_in_a_real_terminal(terminal_factory, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,t\n1,2,0\n3,4,1\n5,oops,0\n6,7,1\n")
    good = tmp_path / "good.csv"
    good.write_text("a,b,c,t\n" + "".join(f"{i % 7},{i % 5},{i % 3},{i % 2}\n"
                                              for i in range(60)))
    term = terminal_factory("--data-dir", str(tmp_path / "data"), "--open", "lab")
    term.wait_for("step 0 ·", "path of a CSV")
    term.keys("n", "n")
    term.wait_for("step 2 ·")

    def field_row() -> str:
        """The data file field's row (the 6th) as drawn, colours and all."""
        return term.screen(escapes=True).splitlines()[5].partition("▕")[0]

    def type_path(path: Path) -> None:
        """e, tab: the data file field; once it is drawn with the focus (it has selected its
        text by then, so typing replaces it), the path and enter."""
        term.keys("e")
        term.wait_for("esc Done")
        unfocused = field_row()
        term.keys("Tab")
        term.wait_until(lambda _: field_row() != unfocused, "the data file field has no focus")
        term.keys(*str(path), "Enter")

    type_path(bad)
    # named, and the run is still there; enter went back to the lab's keys
    term.wait_for("bad.csv:4: not a", "step 2 ·", "space Run", gone=("esc Done",))
    type_path(good)
    screen = term.wait_for("model 3-8-8-1", "good.csv", "from the file")
    assert "bad.csv:4" not in screen
    term.keys("q")
    term.wait_for("gdtui-exited-0")


def test_a_window_too_small_shows_the_size_it_needs_and_comes_back(terminal_factory, tmp_path):
    term = terminal_factory("--data-dir", str(tmp_path / "data"), "--open", "lab", "--no-mouse")
    term.wait_for("step 0 ·")
    term.keys("space")
    term.wait_for("steps/s")
    term.tmux("resize-window", "-t", "main", "-x", "70", "-y", "20")
    shown = term.wait_for("Make the terminal at least 80 x 24.", "It is 70 x 20 now.")
    assert "It is 70 x 20 now." in shown
    term.tmux("resize-window", "-t", "main", "-x", "100", "-y", "30")
    # the lab is back and still training
    shown = term.wait_for("steps/s", "? Help", gone=("Make the terminal",))
    assert "Make the terminal" not in shown
    term.keys("q")
    term.wait_for("gdtui-exited-0")


def test_the_digits_panel_in_a_real_terminal_at_80x24(terminal_factory, tmp_path):
    term = terminal_factory("--data-dir", str(tmp_path / "data"), "--open", "lab")
    term.wait_for("step 0 ·")
    term.keys("p")
    term.wait_for("Load a preset")
    term.keys(*["Down"] * list(PRESETS).index("digits"), "Enter")
    shown = term.wait_for("right (", "m: mistakes", "✓ right  ✗ wrong")
    assert "no picture" not in shown
    term.keys("space")

    def accuracy(screen: str) -> float:
        found = re.search(r"\(val ([\d.]+)%\)", screen)
        return float(found.group(1)) if found else 0.0

    term.wait_until(lambda screen: accuracy(screen) >= 95, "95% validation accuracy shown")
    term.keys("space")
    shown = term.wait_for("▶ Run", "right (")
    grid = shown[shown.index("model 64-32-10"):]
    assert re.search(r"\d✓ \d+%", grid)  # each digit with its guess, marked
    assert any(block in grid for block in "▀▄█")  # drawn in half blocks
    term.keys("m")
    shown = term.wait_for("mistakes of 449", "✗ is", "m: confusion")
    term.keys("m")
    shown = term.wait_for("confusion:", "taken for", "m: weights")
    assert re.search(r"right( +\d+){10}", shown)
    term.keys("m")
    shown = term.wait_for("what each hidden unit looks for (5 of 32)", "h1", "m: digits")
    term.keys("q")
    term.wait_for("gdtui-exited-0")


def test_an_exercise_predicted_run_and_compared_in_a_real_terminal(terminal_factory, tmp_path):
    data = tmp_path / "data"
    term = terminal_factory("--data-dir", str(data), "--open", "lessons")
    term.wait_for("Lesson 1: A network that guesses", "e Exercise")
    term.keys("n", "n", "n", "n")  # lesson 5, the learning rate: three exercises
    term.wait_for("Lesson 5: The learning rate")
    term.keys("e")
    term.wait_for("Exercises in this lesson", "Zig-zag or not?")
    term.keys("Down", "Enter")
    term.wait_for("Predict, then check · Zig-zag or not?", "3  zig-zags in")
    term.keys("3")
    shown = term.wait_for("You predicted: zig-zags in. Watch, then press Esc to compare.",
                          "Bowl, L = w² + b²", "gradient descent, lr 0.9")
    assert "converges, zig-zagging" in shown
    term.keys("Escape")
    shown = term.wait_for("What happened:  zig-zags in", "✓ Right.")
    assert "Why: rate × curvature = 0.9 × 2 = 1.8" in shown
    term.keys("Enter")
    term.keys("q")
    term.wait_for("gdtui-exited-0")

    again = terminal_factory("--data-dir", str(data))
    again.wait_for("Welcome back", "exercises 1/")
    again.keys("q")
    again.wait_for("gdtui-exited-0")
