"""One example's two losses as the right class's probability moves: the numbers the probability
slider shows, from the engine."""

from __future__ import annotations

import math

import pytest

from gdtui.confidence import (
    MARKS,
    comparison,
    kept_in_range,
    moved,
    parse_probability,
    reading,
    times_confident_right,
)


@pytest.mark.parametrize("p", [0.01, 0.05, 0.3, 0.5, 0.95, 0.99])
def test_the_engine_gives_minus_ln_p_and_one_minus_p_squared(p):
    now = reading(p)
    assert now.cross_entropy == pytest.approx(-math.log(p), rel=1e-12)
    assert now.squared_error == pytest.approx((1 - p) ** 2, rel=1e-12)
    # how hard each pushes the logit z (p = σ(z)): p − 1, and 2(p − 1)·σ'(z)
    assert now.cross_entropy_slope == pytest.approx(p - 1, rel=1e-9)
    assert now.squared_error_slope == pytest.approx(2 * (p - 1) * p * (1 - p), rel=1e-9)


def test_the_lessons_two_rows_and_their_ratio():
    assert f"{reading(0.95).cross_entropy:.3f}" == "0.051"
    assert f"{reading(0.05).cross_entropy:.3f}" == "2.996"
    assert times_confident_right(0.05) == pytest.approx(58.4, abs=0.05)
    assert MARKS == (0.05, 0.95)
    # the lesson's worked example: the stepper's y = 0.30 with target 1 pushes z by −0.294
    assert reading(0.3).squared_error_slope == pytest.approx(-0.294, abs=1e-12)
    # a confident mistake: cross-entropy still pushes hard, squared error through σ barely
    assert reading(0.05).cross_entropy_slope / reading(0.05).squared_error_slope \
        == pytest.approx(1 / (2 * 0.05 * 0.95), rel=1e-9)


def test_comparison_lines():
    assert comparison(0.05) == ("At p 0.05 cross-entropy is 2.996, 58× its 0.051 at p 0.95 "
                                "(sure, right).")
    assert comparison(0.5).startswith("At p 0.5 cross-entropy is 0.693, 14× its 0.051")
    assert comparison(0.99).startswith("At p 0.99 cross-entropy is 0.010, 0.2×")
    assert comparison(0.95) == ("At p 0.95 cross-entropy is 0.051: sure and right costs "
                                "little. Now try 0.05.")
    assert max(len(comparison(k / 100)) for k in range(1, 100)) <= 78  # one line at 80x24


def test_the_slider_stays_between_one_and_ninety_nine_hundredths():
    assert moved(0.5, -1) == 0.49 and moved(0.5, 10) == 0.6
    assert moved(0.03, -10) == 0.01 and moved(0.95, 10) == 0.99
    assert kept_in_range(0.0) == 0.01 and kept_in_range(0.456) == 0.46
    with pytest.raises(ValueError):
        reading(0.0)


@pytest.mark.parametrize(("text", "value"), [("0.05", 0.05), (" 0.95 ", 0.95), (0.3, 0.3)])
def test_a_probability_from_a_link_or_a_box(text, value):
    assert parse_probability(text) == value


@pytest.mark.parametrize("bad", ["often", "0", "1", "-0.2", "nan", "", None])
def test_a_probability_that_is_not_one_says_why(bad):
    with pytest.raises(ValueError, match="probability must be"):
        parse_probability(bad)
