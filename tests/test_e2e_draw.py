"""End to end: draw a digit for the lab's network in a real terminal (tmux) at 80x24."""

from __future__ import annotations

import re

import pytest

from tests.test_e2e_tmux import terminal_factory  # noqa: F401 (a fixture)

pytestmark = pytest.mark.e2e

VALIDATION_95 = re.compile(r"acc \d+\.\d% \(val (9[5-9]|100)\.\d%\)")
BAR = re.compile(r"(?<![\d.])(\d) [█▉▊▋▌▍▎▏ ]*▏\s*\d+\.\d%( ◀ guess)?")


def test_train_digits_then_draw_a_1_with_the_keys_and_see_it_read(terminal_factory,  # noqa: F811
                                                                  tmp_path):
    term = terminal_factory("--data-dir", str(tmp_path / "data"), "--open", "lab")
    term.wait_for("step 0 ·")
    term.keys("d")  # on the moons, the pad says what to do first
    term.wait_for("Draw a digit: load the digits preset")
    term.keys("p")
    term.wait_for("digits  (built in)")
    term.keys("End")
    term.keys("Enter")
    term.wait_for("64-32-10 tanh")
    term.keys("f")
    term.keys("space")
    term.wait_until(lambda shown: VALIDATION_95.search(shown), "95% validation accuracy", 120)
    term.keys("space")
    term.wait_for("▶ Run")
    term.keys("d")
    term.wait_for("Draw a digit", "It reads", "An empty pad")
    term.keys(*["Up"] * 6)
    term.keys("space")
    term.wait_for("pen down")
    term.keys(*["Down"] * 13)
    term.keys("space")
    shown = term.wait_until(
        lambda shown: "pen up" in shown and "▀███▀" in shown and len(BAR.findall(shown)) == 10,
        "a stroke drawn and read (all ten bars, once the lab's last toast has gone)")
    bars = BAR.findall(shown)
    assert [int(digit) for digit, _ in bars] == list(range(10)), shown
    assert [int(digit) for digit, mark in bars if mark] == [1], shown
    assert max(len(line) for line in shown.splitlines()) <= 80
    term.keys("Escape")
    term.wait_for("▶ Run", "64-32-10 tanh")
    term.keys("q")
    term.wait_for("gdtui-exited-0")
