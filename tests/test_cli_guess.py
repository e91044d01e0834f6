"""``gdtui guess``: the headless guessing game and learning-rate sweep."""

from __future__ import annotations

import argparse
import json

import pytest

from gdtui import guessing
from gdtui.cli.guess import configure, run


def guess(*arguments: str) -> int:
    """Run ``gdtui guess ARGUMENTS`` on a freshly built parser; returns the exit code."""
    parser = argparse.ArgumentParser(prog="gdtui guess")
    configure(parser)
    return run(parser.parse_args(list(arguments)))


def test_a_game_prints_every_guess_and_the_outcome(capsys):
    assert guess("--secret", "37", "--start", "50", "--lr", "10", "--steps", "20") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Secret 37, first guess 50, learning rate 10, up to 20 guesses, within 2 wins."
    )
    assert out[1:5] == [
        "   1. 50  too high",
        "   2. 40  too high",
        "   3. 30  too low",
        "   4. 40  too high  (again)",
    ]
    assert out[5] == "Learning rate 10: never: it keeps jumping between 30 and 40."


def test_json_has_exactly_the_promised_keys(capsys):
    assert guess("--secret", "37", "--start", "50", "--lr", "2", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {
        "secret": 37,
        "start": 50,
        "lr": 2,
        "max_steps": 20,
        "tolerance": 2,
        "guesses": [50, 48, 46, 44, 42, 40, 38],
        "outcome": "converged",
        "steps": 7,
    }


def test_json_of_a_game_that_never_lands(capsys):
    guess("--secret", "37", "--lr", "50", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["guesses"] == [50, 1, 51, 1]
    assert data["outcome"] == "oscillating"
    assert data["steps"] is None


def test_shrinking_steps_and_fractions_in_json(capsys):
    guess("--secret", "37", "--lr", "50", "--shrink", "--tolerance", "1.5", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["guesses"] == [50, 1, 26, 51, 38.5]
    assert data["tolerance"] == 1.5
    assert data["steps"] == 5


def test_out_of_steps(capsys):
    guess("--secret", "1", "--lr", "1", "--steps", "5")
    out = capsys.readouterr().out
    assert out.strip().endswith("Learning rate 1: not within 2 of 1 after 5 guesses.")


def test_a_random_secret_repeats_with_the_same_seed(capsys):
    guess("--seed", "7", "--json")
    first = json.loads(capsys.readouterr().out)
    guess("--seed", "7", "--json")
    second = json.loads(capsys.readouterr().out)
    assert first == second
    assert 1 <= first["secret"] <= 100
    assert first["start"] == 50 and first["lr"] == 10
    assert first["guesses"] == guessing.play(first["secret"]).guesses


def test_a_random_start(capsys):
    guess("--seed", "3", "--secret", "37", "--start", "random", "--json")
    first = json.loads(capsys.readouterr().out)
    guess("--seed", "3", "--secret", "37", "--start", "Random", "--json")
    assert json.loads(capsys.readouterr().out) == first
    assert 1 <= first["start"] <= 100


def test_the_sweep_table_shows_the_best_rate(capsys):
    assert guess("--sweep") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Every secret 1..100 from first guess 50, up to 100 guesses, within 2 wins."
    rows = lines[2:-1]
    assert len(rows) == 60
    best = [row for row in rows if row.endswith("<- best")]
    assert len(best) == 1 and best[0].split()[0] == "5"
    assert rows[0].split()[:3] == ["1", "24.0", "0%"]
    assert "=" in rows[0] and "x" not in rows[0]
    assert "x" in rows[59]
    assert lines[-1] == "Best: learning rate 5: lands on every secret, in 6.0 guesses on average."


def test_the_sweep_as_json_matches_the_core(capsys):
    assert guess("--sweep", "--json", "--steps", "40", "--start", "20") == 0
    data = json.loads(capsys.readouterr().out)
    rows = guessing.sweep(start=20, max_steps=40)
    assert data["max_steps"] == 40 and data["start"] == 20 and data["tolerance"] == 2
    assert data["shrink"] is False
    assert [row["lr"] for row in data["rows"]] == list(range(1, 61))
    assert [row["average_guesses"] for row in data["rows"]] == [r.average_guesses for r in rows]
    assert [row["never_share"] for row in data["rows"]] == [r.never_share for r in rows]
    assert data["best_lr"] == guessing.best_rate(rows).learning_rate


def test_the_sweep_with_shrinking_steps(capsys):
    guess("--sweep", "--shrink", "--json")
    data = json.loads(capsys.readouterr().out)
    assert all(row["never_share"] == 0 for row in data["rows"])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--lr", "0"], guessing.LEARNING_RATE_ERROR),
        (["--lr=-5"], guessing.LEARNING_RATE_ERROR),
        (["--lr", "fast"], guessing.LEARNING_RATE_ERROR),
        (["--lr", "nan"], guessing.LEARNING_RATE_ERROR),
        (["--lr", "inf"], guessing.LEARNING_RATE_ERROR),
        (["--steps", "0"], guessing.STEPS_ERROR),
        (["--steps", "2.5"], guessing.STEPS_ERROR),
        (["--steps", "5000"], guessing.STEPS_ERROR),
        (["--secret", "0"], guessing.SECRET_ERROR),
        (["--secret", "abc"], guessing.SECRET_ERROR),
        (["--start", "101"], guessing.START_ERROR),
        (["--tolerance", "-1"], guessing.TOLERANCE_ERROR),
        (["--seed", "x"], "seed must be a whole number, like 7"),
        (["--sweep", "--steps", "0"], guessing.STEPS_ERROR),
        (["--sweep", "--lr", "3"], "--sweep tries every secret and the learning rates 1 to 60"),
        (["--sweep", "--secret", "3"], "--sweep tries every secret and the learning rates 1 to 60"),
    ],
)
def test_bad_values_get_one_clear_line_and_exit_2(capsys, arguments, message):
    assert guess(*arguments) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"gdtui guess: {message}")


def test_the_lead_cli_reaches_the_guess_command(capsys):
    from gdtui.cli.main import main

    assert main(["guess", "--secret", "37", "--lr", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["steps"] == 7
