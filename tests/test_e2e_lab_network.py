"""End to end: the lab's network view in a real terminal (tmux) at 80x24."""

from __future__ import annotations

import pytest

from tests.test_e2e_tmux import GDTUI

pytestmark = pytest.mark.e2e


def test_the_network_view_at_80x24_selects_and_switches_a_unit_off(open_terminal, tmp_path):
    term = open_terminal(f"{GDTUI} --data-dir {tmp_path / 'data'} --open lab; "
                         "echo gdtui-exited-$?; sleep 30")
    term.wait_for("step 0 ·", "v Network")
    term.keys("v")
    shown = term.wait_for("x1", "h1.1", "h2.1", "▶out", "+┼╋ positive", "w out←h2.1 =")
    assert "model 2-8-8-1" not in shown  # the view takes the model panel's place
    term.keys("Left")
    term.keys("Left")
    term.keys("Down")
    term.keys("Down")
    term.wait_for("▶h1.3", "w h1.3←x1 =")
    term.keys("o")
    term.wait_for("h1.3 off: loss 0.6178 → ")  # what it cost, and its map gives way to "off"
    term.wait_until(lambda shown: "▶h1.3 off" in " ".join(shown.split()), "h1.3 not shown off")
    term.keys("space")
    term.wait_for("steps/s", "▶h1.3")
    term.keys("space")
    term.wait_for("⏸ step")
    term.keys("v")  # the picture again, now of h1.3's output
    term.wait_for("unit h1.3 of 2-8-8-1")
    term.keys("q")
    term.wait_for("gdtui-exited-0")
