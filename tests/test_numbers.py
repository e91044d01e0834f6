import pytest

from gdtui.numbers import read_number


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
