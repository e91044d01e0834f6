"""The compare tab's discussion (gdtui.guessing.discussion): every line about a rate says what
that rate's row of the table shows, for every secret, and its reason is true."""

from __future__ import annotations

import re

import pytest

from gdtui.guessing import (
    COMPARE_RATES,
    Game,
    Outcome,
    compare,
    discussion_answer,
    explain_game,
    explain_rates,
    game_steps,
    play,
    short_outcome,
)
from gdtui.guessing.discussion import path_words
from gdtui.numbers import format_guess

ALL = range(1, 101)
RATES = (*COMPARE_RATES, 1, 2.5, 5, 6, 7.5, 60)


def misses(learning_rate: float, start: int, tolerance: float) -> int:
    """Played, not assumed: the secrets from 1 to 100 the rate never lands on."""
    return sum(play(secret, start, learning_rate, 1000, tolerance).steps is None
               for secret in ALL)


def check_line(line: str, game: Game) -> None:
    """The line about ``game`` agrees with its row of the table (``short_outcome``), and the
    reason it gives is true of the game."""
    row = short_outcome(game)
    rate = format_guess(game.learning_rate)
    assert line.startswith(f"Rate {rate}: {path_words(game.guesses)} "), line
    if game.outcome is Outcome.CONVERGED:
        assert row == f"within 2 at guess {game.steps}"
        assert f" lands within 2 at guess {game.steps}" in line
        assert "never" not in line and "keeps jumping" not in line
        steps = game_steps(game)
        jumped = any(step.jumped_past for step in steps)
        assert ("jumping past" in line) == jumped, line
        if "land on every secret" in line:
            assert misses(game.learning_rate, game.start, game.tolerance) == 0
        if "happen" in line:  # lucky: the rate misses other secrets
            missed = int(re.search(r"miss (\d+) of the 100 secrets", line)[1])
            assert missed == misses(game.learning_rate, game.start, game.tolerance) > 0
            moves = re.search(r"here (one|\d+) steps? of", line)[1]
            count = 1 if moves == "one" else int(moves)
            assert abs(game.guesses[-1] - game.start) == count * game.learning_rate
        if "stops at" in line:
            assert steps[-2].clamped and game.guesses[-1] in (1, 100)
    elif game.outcome is Outcome.OSCILLATING:
        low, high = (format_guess(value) for value in game.oscillation)
        assert row == f"never: it keeps jumping between {low} and {high}"
        assert f" keeps jumping between {low} and {high}, past {game.secret} every time" in line
        assert line.endswith("it never gets within 2.")
    else:
        assert row == f"not within 2 after {len(game.guesses)} guesses"
        gap = format_guess(abs(game.guesses[-1] - game.secret))
        assert f" is still {gap} away after {len(game.guesses)} guesses" in line
        assert "lands" not in line and "never" not in line


@pytest.mark.parametrize("max_steps", [5, 20])
def test_each_rate_line_agrees_with_its_row_for_every_secret(max_steps):
    for secret in ALL:
        games = compare(secret, 50, RATES, max_steps, 2)
        lines = explain_rates(games)
        assert len(lines) == len(games)
        for line, game in zip(lines, games, strict=True):
            check_line(line, game)


def test_the_discussion_has_a_line_per_row_rate_50_first_then_shrinking_steps():
    games = compare(37, 50, (2, 10, 50, 5), 20, 2)
    lines = discussion_answer(games).split("\n")
    assert lines[:4] == [explain_game(games[2]), explain_game(games[0]),
                         explain_game(games[1]), explain_game(games[3])]
    assert lines[0] == ("Rate 50: 50, 1, 51, 1 keeps jumping between 1 and 51, past 37 every "
                        "time: it never gets within 2.")
    assert lines[1] == ("Rate 2: 50, 48, 46, 44, 42, 40, 38 lands within 2 at guess 7: steps "
                        "of 2 land on every secret from 1 to 100; the smaller the step, the "
                        "slower.")
    assert lines[4] == ("Shrinking steps from 50: 50, 1, 26, 51, 38.5 lands within 2 at guess 5, "
                        "halving the step each time it jumps past 37.")
    assert "learning rate decides how far" in lines[5] and "loss" in lines[5]


def test_secret_100_says_what_the_table_shows_a_jump_of_50_lands_at_once():
    # The review's case: the table showed rate 50 landing at guess 2, the text said it jumps past.
    games = compare(100, 50, COMPARE_RATES, 20, 2)
    assert short_outcome(games[2]) == "within 2 at guess 2"
    text = discussion_answer(games)
    assert text.split("\n")[0] == (
        "Rate 50: 50, 100 lands within 2 at guess 2: steps of 50 miss 89 of the 100 secrets, "
        "but here one step of 50 happens to land within 2."
    )
    assert "jumps right past" not in text and "keeps jumping" not in text
    assert ("Rate 2: 50, 52, 54, …, 86, 88 is still 12 away after 20 guesses: steps of 2 creep "
            "up toward 100 too slowly to get there in time.") in text


def test_a_first_guess_already_within_2_gets_one_line_for_every_row():
    text = discussion_answer(compare(48, 50, COMPARE_RATES, 20, 2))
    assert text.split("\n")[0] == ("The first guess, 50, is already within 2 of 48, so no rate "
                                   "has to move: every row lands at guess 1. Press s for another "
                                   "secret.")


def test_the_end_of_the_range_is_named_when_it_stops_a_move():
    line = explain_game(play(100, 50, 60))
    assert line == ("Rate 60: 50, 100 lands within 2 at guess 2: the last move stops at 100, "
                    "the end of the range, which is within 2 of 100.")


def test_the_discussion_needs_games():
    with pytest.raises(ValueError):
        discussion_answer([])


def test_shrinking_steps_that_never_jump_past_say_so():
    line = explain_game(play(100, 50, 50, shrink=True))
    assert line == ("Shrinking steps from 50: 50, 100 lands within 2 at guess 2: it never jumped "
                    "past, so the step never had to shrink.")
