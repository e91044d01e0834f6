import math
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdtui.numbers import (
    describe_duration,
    field_text,
    format_accuracy,
    format_guess,
    format_significant,
    json_number,
    next_rung,
    read_field,
    read_number,
    read_positive_field,
)


@pytest.mark.parametrize(("text", "value"), [
    ("10", 10.0), (" 2.5 ", 2.5), ("1e-3", 0.001), ("-4", -4.0), ("+4", 4.0), ("\t0.5\n", 0.5),
    (7, 7.0), (0.25, 0.25),
])
def test_good_values_are_read(text, value):
    assert read_number(text) == value


def test_the_unicode_minus_the_screens_print_is_read_as_a_minus():
    assert read_number("−1.40") == -1.4
    assert read_number(" −2e−3 ") == -0.002


@pytest.mark.parametrize("text", ["", "   ", "ten", "1,5", "1 000", "--1", "nan", "NaN", "inf",
                                  "-inf", "−inf", "1e999", float("nan"), float("inf"), None,
                                  True, False, "5/3"])
def test_empty_text_words_nan_and_inf_are_refused(text):
    with pytest.raises(ValueError, match="^the value must be a number$"):
        read_number(text)


def test_bounds_are_inclusive():
    assert read_number("0", low=0, high=100) == 0
    assert read_number("100", low=0, high=100) == 100
    for text in ("-0.001", "100.5"):
        with pytest.raises(ValueError, match="^learning rate must be a number between 0 and 100$"):
            read_number(text, "learning rate", low=0, high=100)


def test_a_single_bound_is_named_in_the_message():
    with pytest.raises(ValueError, match="^tolerance must be a number of at least 0$"):
        read_number("-1", "tolerance", low=0)
    with pytest.raises(ValueError, match="^share must be a number of at most 0.5$"):
        read_number("0.75", "share", high=0.5)


def test_whole_numbers_accept_37_and_37_point_0_only():
    assert read_number("37", whole=True) == 37
    assert read_number("37.0", whole=True) == 37
    assert read_number("−3", whole=True) == -3
    with pytest.raises(ValueError, match="^steps must be a whole number between 1 and 1000$"):
        read_number("2.5", "steps", low=1, high=1000, whole=True)


def test_fractions_only_when_asked():
    assert read_number("5/3", fractions=True) == 5 / 3
    assert read_number(" −4/5 ", fractions=True) == -0.8
    assert read_number("0.5", fractions=True) == 0.5
    for text in ("1/0", "1/2/3", "a/b", "/", f"{'9' * 400}/1"):
        with pytest.raises(ValueError, match="^the value must be a number$"):
            read_number(text, fractions=True)


def test_the_callers_message_is_used_word_for_word():
    message = "Type a learning rate above 0, like 10."
    for text in ("", "fast", "nan", "-1"):
        with pytest.raises(ValueError, match=f"^{message}$"):
            read_number(text, low=0, message=message)


def test_a_range_message_covers_numbers_that_were_read_but_are_not_allowed():
    def read(text):
        return read_number(text, low=-1, high=1, message="w1: not a number",
                           range_message="w1 must be between -1 and 1")

    assert read("0.5") == 0.5
    for text in ("abc", ""):
        with pytest.raises(ValueError, match="^w1: not a number$"):
            read(text)
    for text in ("5", "nan", "inf"):
        with pytest.raises(ValueError, match="^w1 must be between -1 and 1$"):
            read(text)


def test_positive_refuses_zero_and_below_with_its_own_message():
    assert read_number("0.03", "learning rate", positive=True) == 0.03
    for text in ("0", "-1", "nan", "fast"):
        with pytest.raises(ValueError, match="^learning rate must be a positive number$"):
            read_number(text, "learning rate", positive=True)
    with pytest.raises(ValueError, match="^rate must be a positive number of at most 5$"):
        read_number("0", "rate", high=5, positive=True)


# --- fields -------------------------------------------------------------------------------------


def test_a_field_names_itself_in_its_messages():
    assert read_field(" −0.5 ", "w1", -100, 100) == -0.5
    with pytest.raises(ValueError, match="^w1: 'abc' is not a number$"):
        read_field(" abc ", "w1", -100, 100)
    for text in ("500", "nan", "inf"):
        with pytest.raises(ValueError, match="^w1 must be between -100 and 100$"):
            read_field(text, "w1", -100, 100)


def test_a_positive_field_refuses_zero_with_an_example():
    assert read_positive_field("0.25", "learning rate", 100, 0.1) == 0.25
    with pytest.raises(ValueError, match="^learning rate must be above 0, like 0.1$"):
        read_positive_field("0", "learning rate", 100, 0.1)
    for text in ("-1", "1e9"):
        with pytest.raises(ValueError, match="^learning rate must be between 0 and 100$"):
            read_positive_field(text, "learning rate", 100, 0.1)
    with pytest.raises(ValueError, match="^learning rate: 'fast' is not a number$"):
        read_positive_field("fast", "learning rate", 100, 0.1)


# --- formatting ---------------------------------------------------------------------------------


def test_significant_digits_as_the_lessons_write_them():
    values = (-1.4012, 0.20976, 2.0, -0.58784, 0.0, 1.5e-5, 123456.0, 12.345)
    assert [format_significant(v) for v in values] == [
        "−1.40", "0.210", "2", "−0.588", "0", "1.50e-05", "1.23e+05", "12.3"]
    assert format_significant(-1.4012, 2) == "−1.4"
    assert format_significant(0.123456789, 8) == "0.12345679"
    assert [format_significant(v) for v in (math.inf, -math.inf, math.nan)] == [
        "∞", "−∞", "not a number"]


def test_a_guess_has_no_trailing_zeros_or_float_noise():
    assert [format_guess(v) for v in (50.0, 49.900000000000006, 1.5, 0.000001, -0.0)] == [
        "50", "49.9", "1.5", "0.000001", "0"]
    assert format_guess(37.125, 2) == "37.12"
    assert format_guess(37.001, 2) == "37"  # not "37."


def test_field_text_is_short_and_typeable():
    assert [field_text(v) for v in (2.0, -0.25, 0.1 + 0.2, 1e-6, -0.0, 1234567.0)] == [
        "2", "-0.25", "0.3", "1e-06", "0", "1.23457e+06"]


def test_an_accuracy_is_a_percentage_with_one_decimal():
    assert [format_accuracy(v) for v in (0.875, 1.0, 0.0, 0.12345, None)] == [
        "87.5%", "100.0%", "0.0%", "12.3%", "-"]


def test_json_number_gives_ints_for_whole_numbers():
    assert json_number(40.0) == 40 and isinstance(json_number(40.0), int)
    assert json_number(38.5) == 38.5


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@given(finite, st.integers(min_value=1, max_value=12))
def test_significant_text_reads_back_within_its_digits(value, digits):
    back = read_number(format_significant(value, digits))
    assert math.isclose(back, value, rel_tol=10.0 ** (1 - digits), abs_tol=0.0)


@given(st.floats(min_value=1, max_value=100))
def test_a_guess_reads_back_as_itself_on_the_grid(value):
    guess = round(value, 9)
    assert read_number(format_guess(guess)) == guess


@given(finite)
def test_field_text_reads_back_as_what_was_shown(value):
    assert read_number(field_text(value)) == float(f"{value:.6g}")
    assert read_number(field_text(read_number(field_text(value)))) == read_number(field_text(value))


@given(finite)
def test_json_number_keeps_the_value(value):
    assert json_number(value) == value


# --- durations ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "less than a minute"), (59, "less than a minute"), (60, "1 minute"), (540, "9 minutes"),
    (59.6 * 60, "1 hour"), (3 * 3600, "3 hours"), (23.6 * 3600, "1 day"),
    (3 * 86400 + 2 * 3600, "3 days"), (1.6 * 86400, "2 days"),
])
def test_a_rough_duration_is_one_unit_rounded(seconds, text):
    assert describe_duration(seconds) == text


@pytest.mark.parametrize(("seconds", "text"), [
    (1, "1 second"), (2, "2 seconds"), (119.4, "119 seconds"), (1800, "30 minutes"),
    (125, "2 min 5 s"), (3900, "1 h 5 min"), (3600, "1 h 0 min"),
])
def test_a_precise_duration_counts_seconds_then_two_units(seconds, text):
    assert describe_duration(seconds, precise=True) == text


# --- ladders ------------------------------------------------------------------------------------

LADDER = (0.001, 0.01, 0.1, 0.3, 1, 3, 10)


def test_next_rung_steps_from_on_or_between_rungs():
    assert next_rung(LADDER, 0.1, 1) == 0.3 and next_rung(LADDER, 0.1, -1) == 0.01
    assert next_rung(LADDER, 0.2, 1) == 0.3 and next_rung(LADDER, 0.2, -1) == 0.1
    assert next_rung(LADDER, 0.1 + 0.2, 1) == 1  # 0.30000000000000004 is the rung 0.3
    assert next_rung(LADDER, 0.3, 0) == 0.3


def test_past_the_ends_the_value_stays_unless_it_must_be_a_rung():
    assert next_rung(LADDER, 10, 1) == 10 and next_rung(LADDER, 50, 1) == 50
    assert next_rung(LADDER, 1e-9, -1) == 1e-9
    assert next_rung(LADDER, 50, 1, always_a_rung=True) == 10
    assert next_rung(LADDER, 1e-9, -1, always_a_rung=True) == 0.001
    assert next_rung(LADDER, 50, -1) == 10  # the other way is a rung as usual


ladders = st.lists(st.floats(min_value=1e-6, max_value=1e6), min_size=2, max_size=12,
                   unique=True).map(sorted).filter(
    lambda rungs: all(b > a * (1 + 1e-6) for a, b in pairwise(rungs)))


@given(ladders, st.data())
def test_up_then_down_returns_to_the_rung(ladder, data):
    rung = data.draw(st.sampled_from(ladder[:-1]))
    assert next_rung(ladder, next_rung(ladder, rung, 1), -1) == rung
    rung = data.draw(st.sampled_from(ladder[1:]))
    assert next_rung(ladder, next_rung(ladder, rung, -1), 1) == rung


@given(ladders, st.floats(min_value=1e-9, max_value=1e9), st.sampled_from((1, -1)))
def test_a_step_moves_the_asked_way_onto_a_rung(ladder, value, direction):
    moved = next_rung(ladder, value, direction)
    assert moved == value or (moved in ladder and (moved - value) * direction > 0)
    assert next_rung(ladder, value, direction, always_a_rung=True) in ladder
    # up then down from anywhere ends on a rung, or where it started (past the top)
    below = next_rung(ladder, next_rung(ladder, value, 1), -1)
    assert below in ladder or below == value
