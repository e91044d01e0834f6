"""The discussion of the compare tab, written from the games the table shows.

The source asks: what would happen with a learning rate of 50, and why might the guess keep
jumping past the answer? The answer depends on the secret (with secret 100 a jump of 50 lands
at once), so every sentence about a rate is built from that rate's game, the same ``Game`` the
table row shows: nothing here is assumed about how a rate behaves.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from gdtui.guessing.rules import (
    HIGHEST,
    LOWEST,
    SWEEP_MAX_STEPS,
    Answer,
    Game,
    Outcome,
    game_steps,
    play,
    sweep,
)
from gdtui.numbers import format_guess

QUESTION_RATE = 50.0
SHOWN_GUESSES = 8  # a longer path is shortened to its start and its end


def path_words(guesses: Sequence[float]) -> str:
    """The guesses as "50, 40, 30, 40", or "50, 49, 48, …, 31, 30" when long."""
    shown = [format_guess(guess) for guess in guesses]
    if len(shown) > SHOWN_GUESSES:
        shown = [*shown[:3], "…", *shown[-2:]]
    return ", ".join(shown)


@cache
def secrets_missed(learning_rate: float, start: int, tolerance: float) -> int:
    """How many of the 100 secrets ``learning_rate`` never lands on from ``start``, as the
    sweep counts them (up to 100 guesses: a miss is a step that keeps jumping past)."""
    return 100 - sweep([learning_rate], start, SWEEP_MAX_STEPS, tolerance)[0].converged


def explain_game(game: Game) -> str:
    """One line on what this rate did with this secret, from the game itself: "Rate 10: 50,
    40, 30, 40 keeps jumping between 30 and 40, past 37 every time: it never gets within 2."."""
    rate = format_guess(game.learning_rate)
    name = f"Shrinking steps from {rate}" if game.shrink else f"Rate {rate}"
    secret, tolerance, count = game.secret, format_guess(game.tolerance), len(game.guesses)
    said = f"{name}: {path_words(game.guesses)}"
    if game.outcome is Outcome.CONVERGED:
        said += f" lands within {tolerance} at guess {count}"
        return f"{said}{_why_it_landed(game)}."
    if game.outcome is Outcome.OSCILLATING and game.oscillation is not None:
        low, high = (format_guess(value) for value in game.oscillation)
        return (f"{said} keeps jumping between {low} and {high}, past {secret} every time: it "
                f"never gets within {tolerance}.")
    gap = format_guess(abs(game.guesses[-1] - secret))
    said += f" is still {gap} away after {count} guesses"
    if game.shrink or len(set(game.answers)) > 1:
        return f"{said}, the most allowed."
    toward = "down" if game.answers[-1] is Answer.TOO_HIGH else "up"
    return (f"{said}: steps of {rate} creep {toward} toward {secret} too slowly to get there "
            "in time.")


def _why_it_landed(game: Game) -> str:
    """Why a game that landed did: it was there at once, it halved its way in, it hit the end of
    the range, its steps cannot jump the window, or the gap happened to fit its steps."""
    secret, tolerance = game.secret, format_guess(game.tolerance)
    steps = game_steps(game)
    if len(steps) == 1:
        return ": close enough before any step"
    if any(step.jumped_past for step in steps) and game.shrink:
        return f", halving the step each time it jumps past {secret}"
    if any(step.jumped_past for step in steps):
        return f", after jumping past {secret} on the way"
    if game.shrink:
        return ": it never jumped past, so the step never had to shrink"
    if steps[-2].clamped:
        edge = format_guess(game.guesses[-1])
        return (f": the last move stops at {edge}, the end of the range, which is within "
                f"{tolerance} of {secret}")
    rate = format_guess(game.learning_rate)
    missed = secrets_missed(game.learning_rate, game.start, game.tolerance)
    if not missed:
        return (f": steps of {rate} land on every secret from {LOWEST} to {HIGHEST}; the "
                "smaller the step, the slower")
    moves = len(steps) - 1
    fit = f"{moves} steps of {rate} happen" if moves > 1 else f"one step of {rate} happens"
    return (f": steps of {rate} miss {missed} of the 100 secrets, but here {fit} to land "
            f"within {tolerance}")


def explain_rates(games: Sequence[Game]) -> list[str]:
    """One line per game, in the table's order: see ``explain_game``."""
    return [explain_game(game) for game in games]


def discussion_answer(games: Sequence[Game]) -> str:
    """An answer to the source's question about a learning rate of 50, for the secret and the
    guesses allowed of ``games`` (the table's games): a line on what each rate did, rate 50
    first, then shrinking steps from 50, then what it means for a network."""
    if not games:
        raise ValueError("the discussion needs the games of the table")
    first = games[0]
    if len(first.guesses) == 1:  # the same secret and start for every row: all land at once
        lines = [f"The first guess, {format_guess(first.start)}, is already within "
                 f"{format_guess(first.tolerance)} of {first.secret}, so no rate has to move: "
                 "every row lands at guess 1. Press s for another secret."]
    else:
        ordered = sorted(games, key=lambda game: game.learning_rate != QUESTION_RATE)
        shrinking = play(first.secret, first.start, QUESTION_RATE, first.max_steps,
                         first.tolerance, shrink=True)
        lines = [*explain_rates(ordered), explain_game(shrinking)]
    return "\n".join([
        *lines,
        "The answer only says which way to go, not how far: the learning rate decides how far. "
        "Too small a step creeps; too big a step can jump past the answer again and again. "
        "A network with too large a learning rate does the same: each update jumps across the "
        "bottom of the loss valley, so the loss bounces or grows instead of settling.",
    ])
