"""End to end, in a real terminal (tmux) at 80x24: the landscape's mini-batch walk and the
stepper's probability slider, by the learner's keys."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

GDTUI = Path(sys.executable).with_name("gdtui")


def start(open_terminal, tmp_path, area: str):
    return open_terminal(f"{GDTUI} --data-dir {tmp_path / 'data'} --open {area}"
                         "; echo gdtui-exited-$?; sleep 30")


def test_a_batch_of_one_wanders_and_the_full_batch_walks_straight(open_terminal, tmp_path):
    term = start(open_terminal, tmp_path, "landscape")
    term.wait_for("Line fit, mean squared error", "b Batch")
    term.keys("b")
    term.wait_for("SGD, lr 0.1", "batch 1 of 6")
    term.keys("e")
    shown = term.wait_for("batch 1 of 6 · epoch 34", "wandering, loss")
    assert "converged at step 98" not in shown
    term.keys("b")
    term.wait_for("batch 2 of 6")
    term.keys("b")
    term.wait_for("batch 3 of 6")
    term.keys("b")
    term.wait_for("gradient descent, lr 0.1", gone=("batch 3 of 6",))
    term.keys("e")
    term.wait_for("converged at step 98")
    term.keys("q")
    term.wait_for("gdtui-exited-0")


def test_moving_p_to_the_marks_shows_what_each_loss_charges(open_terminal, tmp_path):
    term = start(open_terminal, tmp_path, "backprop")
    term.wait_for("① Forward", "c −ln p")
    term.keys("c")
    term.wait_for("Confident and wrong is expensive", "p 0.5 ")
    term.keys(*["S-Left"] * 4)
    term.wait_for("p 0.1 ")
    term.keys(*["Left"] * 5)
    shown = term.wait_for("p 0.05", "2.996")
    assert "At p 0.05 cross-entropy is 2.996, 58× its 0.051 at p 0.95" in shown
    assert "(1 − p)² 0.9025" in shown
    term.keys(*["S-Right"] * 9)
    shown = term.wait_for("p 0.95", "−ln p    0.051")
    assert "(1 − p)² 0.0025" in shown
    term.keys("c")
    term.wait_for("Forward pass", gone=("Confident and wrong",))
    term.keys("q")
    term.wait_for("gdtui-exited-0")
