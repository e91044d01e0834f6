"""The digits panel's drawing (widgets/digits_panel.py), without the app: what each view says
in glyphs that read without colour, and which views fit which panel."""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.training import digits
from gdtui.training.digits_picture import Digits, DigitsPicture
from gdtui.widgets.digits_panel import (
    ALL_THREE,
    NEGATIVE,
    POSITIVE,
    VIEWS,
    digit_rows,
    guess_label,
    layout,
    legend,
    matrix_lines,
    next_view,
    panel_lines,
    summary_lines,
    weight_rows,
)


def text(line) -> str:
    return "".join(char for char, _ in line)


def picture(guesses: list[int]) -> DigitsPicture:
    """Ten shown digits 0..9 (the first image of each in the shipped file) with `guesses`, and
    those guessed wrong as the mistakes; a confusion matrix of 40 right of each digit plus each
    wrong guess; 12 weight images."""
    pixels, labels = digits.load_digits()
    first = [int(np.flatnonzero(labels == k)[0]) for k in range(10)]
    confusion = np.diag(np.full(10, 40))
    for true, guess in enumerate(guesses):
        confusion[true, guess] += true != guess
    weights = np.zeros((12, 8, 8))
    weights[:, :4] = 0.9
    weights[:, 4:] = -0.6
    images, guesses = pixels[first].reshape(10, 8, 8), np.array(guesses)
    sample = Digits(images, np.arange(10), guesses, np.full(10, 0.875))
    wrong = guesses != np.arange(10)
    mistakes = Digits(images[wrong], np.arange(10)[wrong], guesses[wrong], np.full(10, 0.5)[wrong])
    return DigitsPicture(sample, mistakes, confusion, weights, "unit", step=7)


def test_a_guess_is_marked_right_with_how_sure_or_wrong_with_the_true_digit():
    assert guess_label(7, 7, 0.984) == "7✓ 98%"
    assert guess_label(3, 8, 0.6) == "3✗ is 8"
    assert len(guess_label(9, 9, 1.0)) <= 8  # under its 8-cell image


def test_the_first_zero_in_half_blocks_has_a_hole_in_the_middle():
    pixels, _ = digits.load_digits()
    rows = ["".join(char for char, _ in row) for row in digit_rows(pixels[0].reshape(8, 8))]
    assert len(rows) == 4 and all(len(row) == 8 for row in rows)
    assert set("".join(rows)) <= set(" ▀▄█")
    assert rows[1].strip().startswith("█") and rows[1].strip().endswith("█")
    assert " " in rows[1].strip()  # the hole


def test_weight_signs_are_told_apart_by_glyph_family_and_size_by_level():
    image = np.zeros((8, 8))
    image[0, :4] = [0.1, 0.3, 0.6, 0.9]
    image[1, :4] = [-0.1, -0.3, -0.6, -0.9]
    full = weight_rows(image, compact=False)
    assert text(full[0])[:4] == " " + POSITIVE[1:]
    assert text(full[1])[:4] == " " + NEGATIVE[1:]
    assert set(POSITIVE[1:]).isdisjoint(NEGATIVE[1:])
    compact = weight_rows(np.full((8, 8), -0.9), compact=True)
    assert len(compact) == 4 and text(compact[0]) == NEGATIVE[3] * 8


def test_the_matrix_brackets_its_diagonal_and_dots_its_zeros():
    confusion = np.diag(np.full(10, 44))
    confusion[8, 1] = 3
    lines = [text(line) for line in matrix_lines(confusion, 41)]
    assert len(lines) == 11 and all(len(line) <= 41 for line in lines)
    assert lines[0].split() == [str(k) for k in range(10)]
    assert lines[1].split() == ["0[44]", *"·········"]
    assert lines[1].index("[") + 1 == lines[0].index("0") - 1  # 44 under its guess
    assert lines[9].split() == ["8", "·", "3", *"······", "[44]", "·"]


def test_the_summary_says_per_digit_how_many_right_wrong_and_taken_for_what():
    confusion = np.diag(np.full(10, 40))
    confusion[8, 1], confusion[8, 3], confusion[8, 3] = 1, 2, 2
    lines = [text(line) for line in summary_lines(confusion, 53)]
    assert len(lines) == 4 and all(len(line) <= 53 for line in lines)
    assert lines[1].split() == ["right", *["40"] * 10]
    assert lines[2].split() == ["wrong", *"········", "3", "·"]
    assert lines[3].split() == ["taken", "for", *"········", "3", "·"]


def test_at_80x24_one_view_shows_and_from_120x40_all_three():
    assert layout(53, 7, 32) is None
    plan = layout(41, 31, 32)
    assert plan is not None and list(plan) == ["digits", "confusion", "weights"]
    assert sum(plan.values()) <= 31 and plan == ALL_THREE
    bigger = layout(60, 60, 32)
    assert bigger["digits"] > ALL_THREE["digits"] and bigger["weights"] > ALL_THREE["weights"]
    assert sum(bigger.values()) <= 60


def test_the_digits_view_at_80x24_marks_each_guess():
    guesses = [0, 1, 2, 8, 4, 5, 6, 7, 8, 9]  # the 3 is read as an 8
    lines = [text(line) for line in panel_lines(picture(guesses), "digits", 53, 7)]
    assert lines[0] == "validation digits, step 7: 400 of 401 right (99.8%)"
    assert len(lines) == 6 and all(len(line) <= 53 for line in lines)
    assert lines[5].split() == ["0✓", "88%", "1✓", "88%", "2✓", "88%", "8✗", "is", "3",
                                "4✓", "88%"]


def test_the_confusion_and_weights_views_fit_80x24_and_say_what_they_show():
    lines = [text(line) for line in panel_lines(picture(list(range(10))), "confusion", 53, 7)]
    assert lines[0] == "confusion: 400 of 400 right, by digit" and len(lines) == 5
    lines = [text(line) for line in panel_lines(picture(list(range(10))), "weights", 53, 7)]
    assert lines[0] == "what each hidden unit looks for (5 of 12)"
    assert len(lines) == 6  # half-height images, and their names
    assert lines[5].split() == ["h1", "h2", "h3", "h4", "h5"]
    assert set(lines[1].replace(" ", "")) == {POSITIVE[3]}  # the top rows: +0.9
    assert set(lines[4].replace(" ", "")) == {NEGATIVE[2]}  # the bottom rows: -0.6


@pytest.mark.parametrize("size", [(41, 31), (60, 60)])
def test_all_three_views_at_once_fill_the_panel_and_stay_inside_it(size):
    width, height = size
    lines = [text(line) for line in panel_lines(picture(list(range(10))), "weights",
                                                width, height)]
    assert len(lines) <= height and all(len(line) <= width for line in lines)
    joined = "\n".join(lines)
    for title in ("step 7: 400 of 400 right (100.0%)", "confusion: rows digits, columns guesses",
                  "what each hidden unit looks for"):
        assert title in joined


def test_the_legend_names_the_next_view_and_m_goes_round_four_or_swaps_the_grid():
    assert legend("digits", False).endswith("m: mistakes")
    assert legend("mistakes", False).endswith("m: confusion")
    assert legend("confusion", False).endswith("m: weights")
    assert legend("weights", False).endswith("m: digits")
    assert legend("digits", True, 80) == "✓ right ✗ wrong  ░▒▓ fires -=≡ quiets  m: mistakes"
    assert legend("mistakes", True, 38) == "✓ right ✗ wrong  m: digits"
    assert [next_view(view, True) for view in VIEWS] == ["mistakes", "digits", "digits",
                                                         "digits"]


def test_the_mistakes_view_shows_only_digits_read_wrong():
    shown = picture([0, 1, 2, 8, 4, 5, 6, 7, 8, 1])
    lines = [text(line) for line in panel_lines(shown, "mistakes", 53, 7)]
    assert lines[0] == "step 7: 2 mistakes of 402"
    assert lines[5].split() == ["8✗", "is", "3", "1✗", "is", "9"]
    perfect = picture(list(range(10)))
    lines = [text(line) for line in panel_lines(perfect, "mistakes", 53, 7)]
    assert lines == ["step 7: no mistakes, all 400 right"]


def test_with_all_three_shown_the_mistakes_take_the_digits_place():
    shown = picture([0, 1, 2, 8, 4, 5, 6, 7, 8, 1])
    lines = [text(line) for line in panel_lines(shown, "mistakes", 41, 31)]
    assert lines[0] == "step 7: 2 mistakes of 402"
    assert "confusion: rows digits, columns guesses" in lines
