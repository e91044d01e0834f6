"""``gdtui guess``: play the guessing game, or sweep the learning rates, without the UI.

    gdtui guess --secret 37 --start 50 --lr 10 --steps 20 [--tolerance 2] [--shrink] [--json]
    gdtui guess --sweep [--start 50] [--steps 100] [--tolerance 2] [--shrink] [--json]

Options arrive as text and go through the parse helpers of ``gdtui.guessing``, so a bad value
gets the same one-line message as in the app (and exit code 2), not an argparse error.
"""

from __future__ import annotations

import argparse
import json
import random
import sys

from gdtui import guessing
from gdtui.numbers import format_guess, json_number, read_number

BAR_WIDTH = 20
SEED_ERROR = "seed must be a whole number, like 7"
SWEEP_CONFLICT = "--sweep tries every secret and the learning rates 1 to 60: drop --secret and --lr"


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``gdtui guess``."""
    parser.add_argument("--secret", help="the secret number, 1 to 100 (default: random)")
    parser.add_argument("--start", help="the first guess, 1 to 100, or 'random' (default: 50)")
    parser.add_argument("--lr", help="the learning rate: how far each guess moves (default: 10)")
    parser.add_argument(
        "--steps",
        help=f"the most guesses allowed (default: 20; {guessing.SWEEP_MAX_STEPS} for --sweep)",
    )
    parser.add_argument("--tolerance", help="how close counts as right (default: 2)")
    parser.add_argument(
        "--shrink", action="store_true", help="halve the step each time the guess jumps past"
    )
    parser.add_argument("--seed", help="seed for the random secret and start, to repeat a game")
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="try learning rates 1 to 60 on every secret and show which one wins",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace) -> int:
    """Play one game (or a sweep) and print it; exit 2 with a message on a bad value."""
    try:
        if args.sweep:
            return _run_sweep(args)
        return _run_game(args)
    except ValueError as error:
        print(f"gdtui guess: {error}", file=sys.stderr)
        return 2


def _seeded_rng(args: argparse.Namespace) -> random.Random:
    """A random generator seeded by --seed when given."""
    if args.seed is None:
        return random.Random()
    return random.Random(int(read_number(args.seed, whole=True, message=SEED_ERROR)))


def _optional(text: str | None, parse, default):
    """``parse(text)``, or ``default`` when the option was not given."""
    return default if text is None else parse(text)


def _run_game(args: argparse.Namespace) -> int:
    rng = _seeded_rng(args)
    learning_rate = _optional(args.lr, guessing.parse_learning_rate, guessing.DEFAULT_LEARNING_RATE)
    max_steps = _optional(args.steps, guessing.parse_steps, guessing.DEFAULT_MAX_STEPS)
    tolerance = _optional(args.tolerance, guessing.parse_tolerance, guessing.DEFAULT_TOLERANCE)
    secret = _optional(args.secret, guessing.parse_secret, None)
    if secret is None:
        secret = guessing.random_number(rng)
    if args.start is not None and args.start.strip().lower() == "random":
        start = guessing.random_number(rng)
    else:
        start = _optional(args.start, guessing.parse_start, guessing.DEFAULT_START)
    game = guessing.play(secret, start, learning_rate, max_steps, tolerance, shrink=args.shrink)
    if args.json:
        print(json.dumps(game_json(game)))
    else:
        print(game_text(game))
    return 0


def game_json(game: guessing.Game) -> dict:
    """The JSON shape of one game (whole numbers as ints)."""
    return {
        "secret": game.secret,
        "start": game.start,
        "lr": json_number(game.learning_rate),
        "max_steps": game.max_steps,
        "tolerance": json_number(game.tolerance),
        "guesses": [json_number(guess) for guess in game.guesses],
        "outcome": str(game.outcome),
        "steps": game.steps,
    }


def game_text(game: guessing.Game) -> str:
    """One game as text: the settings, one line per guess, then the outcome."""
    steps = "shrinking steps from " if game.shrink else ""
    lines = [
        f"Secret {game.secret}, first guess {game.start}, "
        f"{steps}learning rate {format_guess(game.learning_rate)}, "
        f"up to {game.max_steps} guesses, within {format_guess(game.tolerance)} wins."
    ]
    width = max(len(format_guess(guess)) for guess in game.guesses)
    for step in guessing.game_steps(game):
        note = "  (again)" if step.repeated else ""
        lines.append(f"{step.number:4}. {format_guess(step.guess):>{width}}  {step.answer}{note}")
    lines.append(game.describe())
    return "\n".join(lines)


def _run_sweep(args: argparse.Namespace) -> int:
    if args.secret is not None or args.lr is not None:
        raise ValueError(SWEEP_CONFLICT)
    rng = _seeded_rng(args)
    if args.start is not None and args.start.strip().lower() == "random":
        start = guessing.random_number(rng)
    else:
        start = _optional(args.start, guessing.parse_start, guessing.DEFAULT_START)
    max_steps = _optional(args.steps, guessing.parse_steps, guessing.SWEEP_MAX_STEPS)
    tolerance = _optional(args.tolerance, guessing.parse_tolerance, guessing.DEFAULT_TOLERANCE)
    rows = guessing.sweep(start=start, max_steps=max_steps, tolerance=tolerance, shrink=args.shrink)
    best = guessing.best_rate(rows)
    if args.json:
        print(json.dumps(sweep_json(rows, best, start, max_steps, tolerance, args.shrink)))
    else:
        print(sweep_text(rows, best, start, max_steps, tolerance, args.shrink))
    return 0


def sweep_json(
    rows: list[guessing.SweepRow],
    best: guessing.SweepRow,
    start: int,
    max_steps: int,
    tolerance: float,
    shrink: bool,
) -> dict:
    """The JSON shape of a sweep."""
    return {
        "start": start,
        "max_steps": max_steps,
        "tolerance": json_number(tolerance),
        "shrink": shrink,
        "rows": [
            {
                "lr": json_number(row.learning_rate),
                "average_guesses": row.average_guesses,
                "never_share": row.never_share,
                "converged": row.converged,
            }
            for row in rows
        ],
        "best_lr": json_number(best.learning_rate),
    }


def sweep_text(
    rows: list[guessing.SweepRow],
    best: guessing.SweepRow,
    start: int,
    max_steps: int,
    tolerance: float,
    shrink: bool,
) -> str:
    """A table, one row per rate: average guesses (=== bar) and share never landing (xxx bar)."""
    steps = ", shrinking steps" if shrink else ""
    lines = [
        f"Every secret 1..100 from first guess {start}, up to {max_steps} guesses, "
        f"within {format_guess(tolerance)} wins{steps}.",
        "  rate  avg guesses  never  (= average guesses, x share never landing)",
    ]
    longest = max((row.average_guesses or 0 for row in rows), default=0) or 1
    for row in rows:
        if row.average_guesses is None:
            average, bar = "-", ""
        else:
            average = f"{row.average_guesses:.1f}"
            bar = "=" * max(1, round(row.average_guesses / longest * BAR_WIDTH))
        never_bar = "x" * round(row.never_share * BAR_WIDTH)
        mark = "  <- best" if row is best else ""
        lines.append(
            f"{format_guess(row.learning_rate):>6}  {average:>11}  {row.never_share:>5.0%}  "
            f"{bar:<{BAR_WIDTH}} {never_bar}{mark}".rstrip()
        )
    if best.average_guesses is None:
        lines.append("No learning rate here ever lands within the tolerance.")
    else:
        reach = (
            "lands on every secret"
            if best.converged == len(range(guessing.LOWEST, guessing.HIGHEST + 1))
            else f"lands on {best.converged} of the 100 secrets"
        )
        lines.append(
            f"Best: learning rate {format_guess(best.learning_rate)}: {reach}, "
            f"in {best.average_guesses:.1f} guesses on average."
        )
    return "\n".join(lines)
