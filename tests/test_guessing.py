"""The guessing game rules (gdtui.guessing.rules): the facts the screen teaches, the rules one
by one, and properties checked over every secret and every start."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdtui.guessing import (
    EPSILON,
    LEARNING_RATE_ERROR,
    LEARNING_RATE_TOO_SMALL,
    SECRET_ERROR,
    SMALLEST_STEP,
    START_ERROR,
    STEPS_ERROR,
    TOLERANCE_ERROR,
    Answer,
    ComputerGuesser,
    Game,
    Outcome,
    SweepRow,
    answer_for,
    best_rate,
    compare,
    game_steps,
    parse_learning_rate,
    parse_secret,
    parse_start,
    parse_steps,
    parse_tolerance,
    play,
    random_number,
    sweep,
)
from gdtui.numbers import format_guess

ALL = range(1, 101)


# --- the facts the screen teaches: secret 37, first guess 50, within 2 -----------------------


def test_learning_rate_2_walks_down_and_lands_at_guess_7():
    game = play(37, 50, 2)
    assert game.guesses == [50, 48, 46, 44, 42, 40, 38]
    assert game.outcome is Outcome.CONVERGED
    assert game.steps == 7
    assert game.oscillation is None
    assert game.describe() == "Learning rate 2: within 2 of 37 at guess 7 (38)."


def test_learning_rate_10_keeps_jumping_between_30_and_40():
    game = play(37, 50, 10)
    assert game.guesses == [50, 40, 30, 40]
    assert game.answers == [Answer.TOO_HIGH, Answer.TOO_HIGH, Answer.TOO_LOW, Answer.TOO_HIGH]
    assert game.outcome is Outcome.OSCILLATING
    assert game.steps is None
    assert game.oscillation == (30, 40)
    assert game.describe() == "Learning rate 10: never: it keeps jumping between 30 and 40."


def test_learning_rate_50_jumps_wildly_between_1_and_51():
    game = play(37, 50, 50)
    assert game.guesses == [50, 1, 51, 1]  # 50 - 50 = 0 is held at 1
    assert game.outcome is Outcome.OSCILLATING
    assert game.oscillation == (1, 51)
    assert "never: it keeps jumping between 1 and 51" in game.describe()


def test_shrinking_steps_land_where_fixed_steps_loop():
    from_10 = play(37, 50, 10, shrink=True)
    assert from_10.guesses == [50, 40, 30, 35]
    assert from_10.step_sizes == (10, 10, 5, 5)
    assert from_10.steps == 4
    from_50 = play(37, 50, 50, shrink=True)
    assert from_50.guesses == [50, 1, 26, 51, 38.5]
    assert from_50.step_sizes == (50, 25, 25, 12.5, 12.5)
    assert from_50.steps == 5
    assert from_50.describe() == "Learning rate 50, shrinking: within 2 of 37 at guess 5 (38.5)."


def test_shrinking_steps_find_even_an_exact_secret():
    # 49 = 42 x 7/6, which no sum of halved 42s hits, so the step shrinks to the 1e-9 grid
    game = play(50, 1, 42, max_steps=1000, tolerance=0, shrink=True)
    assert game.outcome is Outcome.CONVERGED
    assert game.guesses[-1] == 50
    assert min(game.step_sizes) < 1e-8  # it homed in to the last digits


def test_compare_plays_rates_2_10_50_by_default():
    games = compare(37)
    assert [game.learning_rate for game in games] == [2, 10, 50]
    assert [game.outcome for game in games] == [
        Outcome.CONVERGED,
        Outcome.OSCILLATING,
        Outcome.OSCILLATING,
    ]
    assert [game.guesses for game in games] == [play(37, 50, rate).guesses for rate in (2, 10, 50)]


# --- the rules one by one ---------------------------------------------------------------------


def test_a_first_guess_within_tolerance_counts_as_one_guess():
    game = play(48, 50, 10)
    assert game.guesses == [50]
    assert game.steps == 1


def test_running_out_of_guesses():
    game = play(1, 50, 1, max_steps=20)
    assert len(game.guesses) == 20
    assert game.guesses[-1] == 31
    assert game.outcome is Outcome.OUT_OF_STEPS
    assert game.steps is None
    assert game.describe() == "Learning rate 1: not within 2 of 1 after 20 guesses."


def test_a_loop_the_guesses_cannot_reach_yet_is_out_of_steps():
    # 37 from 50 with steps of 10 loops at guess 4; with 3 guesses allowed nothing repeats yet
    game = play(37, 50, 10, max_steps=3)
    assert game.guesses == [50, 40, 30]
    assert game.outcome is Outcome.OUT_OF_STEPS


def test_the_loop_ends_the_game_early():
    game = play(37, 50, 10, max_steps=1000)
    assert len(game.guesses) == 4


def test_guesses_stay_inside_1_to_100():
    game = play(99, 95, 10)
    assert game.guesses == [95, 100]  # 105 is held at 100, which is within 2 of 99
    assert game.steps == 2
    assert play(2, 3, 90, tolerance=0).guesses == [3, 1, 91, 1]


def test_tolerance_0_needs_an_exact_hit():
    assert play(40, 50, 10, tolerance=0).steps == 2
    assert play(41, 50, 10, tolerance=0).oscillation == (40, 50)


def test_fractional_steps_add_up_exactly():
    game = play(37, 50, 0.1, max_steps=200)
    # 110 steps of 0.1 from 50 is 39: exactly 2 from 37, which counts as within 2
    assert game.steps == 111
    assert game.guesses[-1] == 39
    assert format_guess(game.guesses[1]) == "49.9"
    assert format_guess(game.guesses[3]) == "49.7"


def test_fractional_steps_loop_is_seen():
    game = play(50, 49, 0.7, tolerance=0.1)
    assert game.guesses == [49, 49.7, 50.4, 49.7]
    assert game.oscillation == (49.7, 50.4)


def test_a_tolerance_that_is_not_whole():
    game = play(50, 49, 0.3, tolerance=0.1)
    assert game.guesses == [49, 49.3, 49.6, 49.9]
    assert game.steps == 4


@pytest.mark.parametrize(
    ("value", "text"),
    [(50.0, "50"), (49.9, "49.9"), (50 - 0.1 * 3, "49.7"), (1.5, "1.5"), (0.000001, "0.000001")],
)
def test_format_guess_shows_whole_numbers_without_decimals(value, text):
    assert format_guess(value) == text


def test_a_guess_is_shown_to_the_last_decimal_the_game_keeps():
    assert format_guess(1 + SMALLEST_STEP) == "1.000000001"


def test_answer_for():
    assert answer_for(50, 37, 2) is Answer.TOO_HIGH
    assert answer_for(30, 37, 2) is Answer.TOO_LOW
    assert answer_for(39, 37, 2) is Answer.RIGHT
    assert answer_for(35, 37, 2) is Answer.RIGHT
    assert answer_for(34.9, 37, 2) is Answer.TOO_LOW


# --- input checks -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [("10", 10), (" 2.5 ", 2.5), ("1e-3", 0.001), (7, 7)])
def test_parse_learning_rate_accepts_positive_numbers(text, value):
    assert parse_learning_rate(text) == value


@pytest.mark.parametrize("text", ["0", "-3", "ten", "", "nan", "inf", "-inf", "1,5", True])
def test_parse_learning_rate_rejects_the_rest(text):
    with pytest.raises(ValueError, match=f"^{LEARNING_RATE_ERROR}$"):
        parse_learning_rate(text)


def test_parse_learning_rate_rejects_a_step_too_small_to_see():
    with pytest.raises(ValueError, match=LEARNING_RATE_TOO_SMALL):
        parse_learning_rate("0.0000000001")


@pytest.mark.parametrize(("text", "value"), [("20", 20), ("1", 1), ("1000", 1000), ("30.0", 30)])
def test_parse_steps_accepts_whole_numbers_1_to_1000(text, value):
    assert parse_steps(text) == value


@pytest.mark.parametrize("text", ["0", "1001", "2.5", "-1", "many", "", "nan"])
def test_parse_steps_rejects_the_rest(text):
    with pytest.raises(ValueError, match=f"^{STEPS_ERROR}$"):
        parse_steps(text)


@pytest.mark.parametrize("text", ["0", "101", "37.5", "x", "inf"])
def test_parse_secret_and_start_reject_numbers_outside_1_to_100(text):
    with pytest.raises(ValueError, match=f"^{SECRET_ERROR}$"):
        parse_secret(text)
    with pytest.raises(ValueError, match=f"^{START_ERROR}$"):
        parse_start(text)


def test_parse_secret_and_start_accept_1_to_100():
    assert [parse_secret(text) for text in ("1", "37", "100")] == [1, 37, 100]
    assert parse_start(" 50 ") == 50


def test_parse_tolerance():
    assert parse_tolerance("2") == 2
    assert parse_tolerance("0") == 0
    assert parse_tolerance("0.5") == 0.5
    for text in ("-1", "close", "nan", "inf"):
        with pytest.raises(ValueError, match=f"^{TOLERANCE_ERROR}$"):
            parse_tolerance(text)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"secret": 0}, SECRET_ERROR),
        ({"secret": 37, "start": 101}, START_ERROR),
        ({"secret": 37, "learning_rate": 0}, LEARNING_RATE_ERROR),
        ({"secret": 37, "learning_rate": math.nan}, LEARNING_RATE_ERROR),
        ({"secret": 37, "max_steps": 0}, STEPS_ERROR),
        ({"secret": 37, "tolerance": -1}, TOLERANCE_ERROR),
    ],
)
def test_play_refuses_bad_arguments_with_the_same_messages(arguments, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        play(**arguments)


def test_random_number_repeats_with_the_same_seed():
    first = [random_number(random.Random(7)) for _ in range(3)]
    assert first == [random_number(random.Random(7)) for _ in range(3)]
    rng = random.Random(1)
    assert all(1 <= random_number(rng) <= 100 for _ in range(500))


# --- watching it learn --------------------------------------------------------------------------


def test_game_steps_tell_the_story_of_a_learning_rate_of_50():
    steps = game_steps(play(37, 50, 50))
    assert [step.guess for step in steps] == [50, 1, 51, 1]
    assert [step.next_guess for step in steps] == [1, 51, 1, None]
    assert [step.clamped for step in steps] == [True, False, False, False]
    assert [step.jumped_past for step in steps] == [False, True, True, True]
    assert [step.repeated for step in steps] == [False, False, False, True]
    assert steps[0].explain() == (
        "Guess 1: 50 is too high, so move down 50, but it stops at 1: guesses stay inside 1..100."
    )
    assert steps[1].explain() == (
        "Guess 2: 1 is too low (it jumped past the secret), so move up 50 to 51."
    )
    assert steps[3].explain() == "Guess 4: 1 is too low, again: it is going round in a loop."


def test_game_steps_show_the_step_shrinking():
    steps = game_steps(play(37, 50, 10, shrink=True))
    assert [step.step_size for step in steps] == [10, 10, 5, 5]
    assert steps[2].explain() == (
        "Guess 3: 30 is too low (it jumped past the secret), so move up 5 to 35."
    )
    assert steps[-1].explain() == "Guess 4: 35 is right."
    assert not any(step.repeated for step in steps)


def test_game_steps_of_a_game_out_of_guesses():
    steps = game_steps(play(1, 50, 1, max_steps=3))
    assert steps[-1].explain() == "Guess 3: 48 is too high, and that was the last guess."


# --- the sweep ----------------------------------------------------------------------------------


def guesses_needed(secret: int, start: int, learning_rate: int, tolerance: int) -> int:
    """Closed form for a step that cannot jump over the window: walk until within tolerance."""
    gap = abs(secret - start)
    return 1 + max(0, math.ceil((gap - tolerance) / learning_rate))


def test_sweep_small_rates_always_land_and_match_the_closed_form():
    rows = sweep(range(1, 6))
    for row in rows:
        rate = int(row.learning_rate)
        assert row.never_share == 0 and row.converged == 100
        expected = [guesses_needed(secret, 50, rate, 2) for secret in ALL]
        assert row.average_guesses == pytest.approx(sum(expected) / 100)


def test_sweep_best_rate_is_the_widest_step_that_cannot_jump_the_window():
    rows = sweep()
    assert len(rows) == 60
    best = best_rate(rows)
    # within 2 is a window of 5 whole numbers: a step of 5 can't jump over it, a step of 6 can
    assert best.learning_rate == 2 * 2 + 1
    assert best.never_share == 0
    assert all(row.never_share > 0 for row in rows if row.learning_rate > 5)
    averages = [row.average_guesses for row in rows[:5]]
    assert averages == sorted(averages, reverse=True)  # bigger steps are faster while they land


def test_sweep_agrees_with_playing_each_game():
    for row in sweep([3, 10, 27.5], start=20, max_steps=30, tolerance=1):
        games = [play(secret, 20, row.learning_rate, 30, 1) for secret in ALL]
        landed = [game.steps for game in games if game.steps is not None]
        assert row.converged == len(landed)
        assert row.never_share == (100 - len(landed)) / 100
        assert row.average_guesses == pytest.approx(sum(landed) / len(landed))


def test_sweep_with_shrinking_steps_always_lands():
    assert all(row.converged == 100 for row in sweep(shrink=True))


def test_best_rate_prefers_landing_then_speed_then_the_smaller_rate():
    rows = [
        SweepRow(60, 1.5, 0.89, 11),
        SweepRow(4, 7.0, 0.0, 100),
        SweepRow(5, 6.0, 0.0, 100),
        SweepRow(6, 6.0, 0.0, 100),
    ]
    assert best_rate(rows).learning_rate == 5
    assert best_rate([SweepRow(9, None, 1.0, 0), SweepRow(8, 3.0, 1.0, 0)]).learning_rate == 8
    with pytest.raises(ValueError):
        best_rate([])


# --- properties over every secret and every start ---------------------------------------------


def check_rules(game: Game) -> None:
    """Every rule of the module docstring, checked on one finished game."""
    secret, tolerance, guesses = game.secret, game.tolerance, game.guesses
    assert game.outcome in set(Outcome)
    assert 1 <= len(guesses) <= game.max_steps
    assert guesses[0] == game.start
    assert all(1 <= guess <= 100 for guess in guesses)
    near = [abs(guess - secret) <= tolerance + EPSILON for guess in guesses]
    for guess, answer, is_near in zip(guesses, game.answers, near, strict=True):
        expected = "right" if is_near else "too high" if guess > secret else "too low"
        assert answer == expected
    assert not any(near[:-1])  # the game stops at the first guess within tolerance
    sizes = game.step_sizes
    for index in range(len(guesses) - 1):
        move = guesses[index + 1] - guesses[index]
        toward = -1 if guesses[index] > secret else 1
        step = sizes[index] if game.shrink else game.learning_rate
        assert move * toward > 0  # always toward the secret
        if abs(abs(move) - step) > 1e-9:  # only clamping makes a move shorter
            assert guesses[index + 1] in (1, 100) and abs(move) < step
    if game.outcome is Outcome.CONVERGED:
        assert near[-1] and game.steps == len(guesses)
        assert game.oscillation is None
    elif game.outcome is Outcome.OSCILLATING:
        assert not game.shrink
        assert game.steps is None
        assert guesses[-1] in guesses[:-1]
        assert len(set(guesses[:-1])) == len(guesses) - 1  # the first repeat ends the game
        low, high = game.oscillation
        loop = guesses[guesses.index(guesses[-1]) :]
        assert set(loop) == {low, high}  # fixed steps loop between exactly two guesses
        assert low < secret < high  # straddling the secret, jumping over it
        assert low + tolerance < secret < high - tolerance
    else:
        assert game.steps is None and game.oscillation is None
        assert len(guesses) == game.max_steps
        if not game.shrink:
            assert len(set(guesses)) == len(guesses)
    if game.shrink:
        assert sizes[0] == game.learning_rate
        for index in range(1, len(guesses)):
            flipped = (
                game.answers[index] is not Answer.RIGHT
                and game.answers[index] is not game.answers[index - 1]
            )
            halved = max(sizes[index - 1] / 2, SMALLEST_STEP)
            assert sizes[index] == (halved if flipped else sizes[index - 1])


@pytest.mark.parametrize("learning_rate", [2, 5, 6, 10, 50, 4.5])
def test_every_secret_and_start_follows_the_rules(learning_rate):
    for secret in ALL:
        for start in ALL:
            game = play(secret, start, learning_rate, max_steps=200)
            check_rules(game)
            # 200 guesses are plenty: a fixed step either lands or loops, it never wanders
            assert game.outcome is not Outcome.OUT_OF_STEPS
            if learning_rate in (2, 5):  # no wider than the 5 numbers within 2
                assert game.outcome is Outcome.CONVERGED


@pytest.mark.parametrize("learning_rate", [7, 60])
def test_shrinking_steps_land_for_every_secret_and_start(learning_rate):
    for secret in ALL:
        for start in ALL:
            game = play(secret, start, learning_rate, max_steps=1000, shrink=True)
            check_rules(game)
            assert game.outcome is Outcome.CONVERGED


def test_shrinking_steps_land_for_every_learning_rate_1_to_60():
    for learning_rate in range(1, 61):
        for secret in ALL:
            for start in (1, 37, 100):
                game = play(secret, start, learning_rate, max_steps=1000, shrink=True)
                assert game.outcome is Outcome.CONVERGED


@settings(max_examples=200, deadline=None)
@given(
    learning_rate=st.integers(1, 60) | st.floats(1, 60),
    secret=st.integers(1, 100),
    start=st.integers(1, 100),
)
def test_shrinking_steps_land_from_any_learning_rate_1_to_60(learning_rate, secret, start):
    game = play(secret, start, learning_rate, max_steps=1000, shrink=True)
    check_rules(game)
    assert game.outcome is Outcome.CONVERGED


@settings(max_examples=300, deadline=None)
@given(
    secret=st.integers(1, 100),
    start=st.integers(1, 100),
    learning_rate=st.floats(0.01, 150),
    max_steps=st.integers(1, 300),
    tolerance=st.floats(0, 10),
    shrink=st.booleans(),
)
def test_any_game_follows_the_rules(secret, start, learning_rate, max_steps, tolerance, shrink):
    check_rules(play(secret, start, learning_rate, max_steps, tolerance, shrink))


# --- small helpers for the screen ----------------------------------------------------------------


def test_short_outcome_says_how_a_game_ended_without_the_rate():
    from gdtui.guessing import short_outcome

    assert short_outcome(play(37, 50, 2)) == "within 2 at guess 7"
    assert short_outcome(play(37, 50, 10)) == "never: it keeps jumping between 30 and 40"
    assert short_outcome(play(37, 50, 50)) == "never: it keeps jumping between 1 and 51"
    assert short_outcome(play(37, 50, 1, max_steps=5)) == "not within 2 after 5 guesses"


def test_outcome_words_describe_a_game_the_player_answered():
    from gdtui.guessing import outcome_words

    guesser = ComputerGuesser(10)
    for said in ("too high", "too high", "too low"):  # the secret is 37
        guesser.answer(said)
    assert outcome_words(guesser.outcome, guesser.tolerance, len(guesser.guesses),
                         guesser.oscillation) == "never: it keeps jumping between 30 and 40"
    assert outcome_words(Outcome.CONVERGED, 2, 3) == "within 2 at guess 3"
    assert outcome_words(Outcome.OUT_OF_STEPS, 0.5, 20) == "not within 0.5 after 20 guesses"


def test_nudge_learning_rate_climbs_and_descends_the_ladder():
    from gdtui.guessing import LEARNING_RATE_LADDER, nudge_learning_rate

    assert nudge_learning_rate(10, 1) == 12
    assert nudge_learning_rate(10, -1) == 8
    assert nudge_learning_rate(11, 1) == 12  # a typed rate between rungs goes to the next rung
    assert nudge_learning_rate(11, -1) == 10
    assert nudge_learning_rate(0.5, 1) == 1
    top, bottom = LEARNING_RATE_LADDER[-1], LEARNING_RATE_LADDER[0]
    assert nudge_learning_rate(top, 1) == top  # the ends stay put
    assert nudge_learning_rate(bottom, -1) == bottom
    assert nudge_learning_rate(0.5, -1) == 0.5
    assert nudge_learning_rate(75, -1) == top


def test_nudging_up_then_down_returns_to_a_rung():
    from gdtui.guessing import LEARNING_RATE_LADDER, nudge_learning_rate

    for rate in LEARNING_RATE_LADDER[:-1]:
        assert nudge_learning_rate(nudge_learning_rate(rate, 1), -1) == rate
