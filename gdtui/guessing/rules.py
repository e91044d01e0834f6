"""The guessing game from "How a Network Learns": its rules, pure and small.

The game in the source text: pick a secret number from 1 to 100. A partner guesses; you answer
"too high" or "too low"; the partner moves the guess by exactly the learning rate (10) each time
and counts the guesses until one lands within 2 of the secret. Replay with a learning rate of 2,
then discuss what a learning rate of 50 would do.

It is gradient descent on one number: the answer is the sign of the gradient (which way is
downhill), the learning rate is the size of the step, and "within 2" is a good-enough loss.

Facts the screen teaches (each one is asserted in tests/test_guessing.py), for secret 37,
start 50 and "within 2":

- learning rate 2: 50, 48, 46, 44, 42, 40, 38. Within 2 at guess 7.
- learning rate 10: 50, 40, 30, 40, ... 40 is 3 too high, 30 is 7 too low. Every step of 10
  jumps past 37, so the guess keeps jumping between 30 and 40 and is never within 2.
- learning rate 50: 50, 1, 51, 1, ... (50 - 50 = 0 is held at 1). It jumps wildly between 1
  and 51, much farther from 37 than where it started.
- shrinking steps from 10: 50, 40, 30, then half steps: 35. Within 2 at guess 4.
- shrinking steps from 50: 50, 1, then 25s: 26, 51, then 12.5: 38.5. Within 2 at guess 5.
- the sweep (start 50, every secret 1..100, within 2, up to 100 guesses): every learning rate
  from 1 to 5 always lands, because "within 2" is a window of 5 whole numbers and a step of 5
  or less cannot jump over it. Bigger steps are faster while they land (rate 1: 24.04 guesses
  on average, 2: 12.76, 5: 6.0), so rate 5 wins. From 6 up some secrets are jumped over for
  ever: 16 of 100 at rate 6, 49 at rate 10, 89 at rate 50.

Rules in detail:

- Guesses stay inside 1..100: a move that would leave the range stops at the edge (clamped).
- A guess is "right" when |guess - secret| <= tolerance; otherwise it is too high or too low,
  and the next guess moves exactly the learning rate toward the secret (unless clamped).
- The guess count includes the first guess. ``steps`` is that count when the game converged.
- With a fixed learning rate, the next guess depends only on the current one, so a guess that
  comes back means the game is stuck in a loop for ever. The game stops right there (the
  repeated guess is the last one recorded and counts as a guess) with the outcome
  ``oscillating``: the outcome is already known, so playing on would only waste guesses. If the
  guesses run out before anything repeats, the outcome is ``out_of_steps``.
- Shrinking steps: the step halves every time the guess jumps past the secret (the answer flips
  from too high to too low or back). It never loops, and with a tolerance above 0 it always
  lands, whatever the starting learning rate: once the step is no bigger than the window
  (2 x tolerance) it cannot jump over it. With tolerance 0 it still ends on the secret, given
  enough guesses, because the step stops halving at the 1e-9 grid the guesses live on.
- Fractional learning rates (0.1, 2.5) work: every guess is rounded to 9 decimals (``DECIMALS``),
  so 50 - 0.1 - 0.1 is exactly 49.8 and a loop is seen as a loop. That is also why a learning
  rate must be at least ``MIN_LEARNING_RATE``: a smaller step would vanish in the rounding.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from gdtui.numbers import format_guess, next_rung, read_number

LOWEST = 1
HIGHEST = 100
DEFAULT_START = 50
DEFAULT_LEARNING_RATE = 10.0
DEFAULT_MAX_STEPS = 20
DEFAULT_TOLERANCE = 2.0
MAX_STEPS_LIMIT = 1000
COMPARE_RATES = (2, 10, 50)

# The sweep allows 100 guesses: enough for a learning rate of 1 to walk from 50 to any secret
# (49 guesses at most), so small rates show up as slow and only rates that jump past the
# secret show up as "never". The middle wins because it is neither.
SWEEP_RATES = range(1, 61)
SWEEP_MAX_STEPS = 100

DECIMALS = 9
# Comparisons allow a hair of float error, well below the 1e-9 grid the guesses live on.
EPSILON = 1e-10
MIN_LEARNING_RATE = 1e-6
SMALLEST_STEP = 10.0**-DECIMALS

LEARNING_RATE_ERROR = "learning rate must be a positive number, like 10"
LEARNING_RATE_TOO_SMALL = "learning rate is too small to move the guess: use at least 0.000001"
STEPS_ERROR = f"steps must be a whole number from 1 to {MAX_STEPS_LIMIT}, like 20"
SECRET_ERROR = f"the secret must be a whole number from {LOWEST} to {HIGHEST}, like 37"
START_ERROR = f"the start guess must be a whole number from {LOWEST} to {HIGHEST}, like 50"
TOLERANCE_ERROR = "tolerance must be a number 0 or more, like 2"


class Answer(StrEnum):
    """What the secret keeper says about a guess."""

    TOO_HIGH = "too high"
    TOO_LOW = "too low"
    RIGHT = "right"


class Outcome(StrEnum):
    """How a game ended."""

    CONVERGED = "converged"
    OSCILLATING = "oscillating"
    OUT_OF_STEPS = "out_of_steps"


# --- input checks -------------------------------------------------------------------------------


def parse_learning_rate(text: str | float) -> float:
    """A learning rate from what the learner typed: a positive number such as 10, 2 or 0.5."""
    value = read_number(text, positive=True, message=LEARNING_RATE_ERROR)
    if value < MIN_LEARNING_RATE:
        raise ValueError(LEARNING_RATE_TOO_SMALL)
    return value


def parse_steps(text: str | float) -> int:
    """The most guesses allowed: a whole number from 1 to ``MAX_STEPS_LIMIT``."""
    return int(read_number(text, low=1, high=MAX_STEPS_LIMIT, whole=True, message=STEPS_ERROR))


def parse_secret(text: str | float) -> int:
    """A secret number: a whole number from 1 to 100."""
    return int(read_number(text, low=LOWEST, high=HIGHEST, whole=True, message=SECRET_ERROR))


def parse_start(text: str | float) -> int:
    """A first guess: a whole number from 1 to 100."""
    return int(read_number(text, low=LOWEST, high=HIGHEST, whole=True, message=START_ERROR))


def parse_tolerance(text: str | float) -> float:
    """How close counts as right: a number 0 or more (2 means within 2)."""
    return read_number(text, low=0, message=TOLERANCE_ERROR)


# The learning rates that the ``[``/``]`` keys step through: fine steps where the game changes
# character (1 to 8 always or nearly always land), coarse ones up to the source's 50 and past it.
LEARNING_RATE_LADDER = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60)


def nudge_learning_rate(learning_rate: float, direction: int) -> float:
    """The next learning rate on ``LEARNING_RATE_LADDER`` above (direction > 0) or below
    (direction < 0) ``learning_rate``; unchanged past either end of the ladder."""
    return float(next_rung(LEARNING_RATE_LADDER, learning_rate, direction))


def random_number(rng: random.Random) -> int:
    """A secret or a start guess from 1 to 100; pass ``random.Random(seed)`` to repeat it."""
    return rng.randint(LOWEST, HIGHEST)


# --- small pieces shared by the automatic and the interactive game ----------------------------


def answer_for(guess: float, secret: float, tolerance: float) -> Answer:
    """The honest answer to ``guess``: right when |guess - secret| <= tolerance."""
    if abs(guess - secret) <= tolerance + EPSILON:
        return Answer.RIGHT
    return Answer.TOO_HIGH if guess > secret else Answer.TOO_LOW


def next_guess(guess: float, answer: Answer, step: float) -> float:
    """Move ``step`` toward the secret (down after too high), kept inside 1..100."""
    moved = guess - step if answer is Answer.TOO_HIGH else guess + step
    if moved <= LOWEST:
        return float(LOWEST)
    if moved >= HIGHEST:
        return float(HIGHEST)
    return round(moved, DECIMALS)


def next_step(step: float, previous: Answer | None, answer: Answer, shrink: bool) -> float:
    """The step size after ``answer``: halved when shrinking and the guess jumped past."""
    jumped_past = previous is not None and answer is not Answer.RIGHT and answer is not previous
    # Never below the 1e-9 grid, or the rounded moves would stop moving at all.
    return max(step / 2, SMALLEST_STEP) if shrink and jumped_past else step


# --- the automatic game -------------------------------------------------------------------------


@dataclass(frozen=True)
class Game:
    """One finished game: every guess, every answer and how it ended."""

    secret: int
    start: int
    learning_rate: float
    max_steps: int
    tolerance: float
    guesses: list[float]
    answers: list[Answer]
    outcome: Outcome
    steps: int | None  # guesses needed to land within tolerance; None if it never did
    oscillation: tuple[float, float] | None  # (low, high) of the loop, when oscillating
    shrink: bool = False
    step_sizes: tuple[float, ...] = ()  # the step in force after each guess was answered

    def describe(self) -> str:
        """One line of plain English, e.g. "Learning rate 2: within 2 of 37 at guess 7."."""
        rate = f"Learning rate {format_guess(self.learning_rate)}"
        if self.shrink:
            rate += ", shrinking"
        window = f"within {format_guess(self.tolerance)} of {self.secret}"
        if self.outcome is Outcome.CONVERGED:
            return f"{rate}: {window} at guess {self.steps} ({format_guess(self.guesses[-1])})."
        if self.outcome is Outcome.OSCILLATING and self.oscillation is not None:
            low, high = (format_guess(value) for value in self.oscillation)
            return f"{rate}: never: it keeps jumping between {low} and {high}."
        return f"{rate}: not {window} after {len(self.guesses)} guesses."


def outcome_words(
    outcome: Outcome,
    tolerance: float,
    guesses: int,
    oscillation: tuple[float, float] | None = None,
) -> str:
    """How a game ended after ``guesses`` guesses, without the learning rate:
    "within 2 at guess 7", "never: it keeps jumping between 30 and 40" or
    "not within 2 after 20 guesses"."""
    window = f"within {format_guess(tolerance)}"
    if outcome is Outcome.CONVERGED:
        return f"{window} at guess {guesses}"
    if outcome is Outcome.OSCILLATING and oscillation is not None:
        low, high = (format_guess(value) for value in oscillation)
        return f"never: it keeps jumping between {low} and {high}"
    return f"not {window} after {guesses} guesses"


def short_outcome(game: Game) -> str:
    """How ``game`` ended, in the words of ``outcome_words``."""
    return outcome_words(game.outcome, game.tolerance, len(game.guesses), game.oscillation)


def check_game(
    secret: float, start: float, learning_rate: float, max_steps: float, tolerance: float
) -> tuple[int, int, float, int, float]:
    """The arguments of a game, checked with the same messages as the parse helpers."""
    return (
        parse_secret(secret),
        parse_start(start),
        round(parse_learning_rate(learning_rate), DECIMALS),
        parse_steps(max_steps),
        parse_tolerance(tolerance),
    )


def play(
    secret: int,
    start: int = DEFAULT_START,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    max_steps: int = DEFAULT_MAX_STEPS,
    tolerance: float = DEFAULT_TOLERANCE,
    shrink: bool = False,
) -> Game:
    """Play one game by the rules in the module docstring; ValueError on a bad argument.

    Each guess g is answered, then, unless it is right, moved:
    g_next = clamp(g - step) after "too high", clamp(g + step) after "too low",
    where step = learning_rate (halved at each jump past the secret when ``shrink``).
    """
    secret, start, learning_rate, max_steps, tolerance = check_game(
        secret, start, learning_rate, max_steps, tolerance
    )
    guesses, answers, step_sizes, outcome, oscillation = _walk(
        secret, start, learning_rate, max_steps, tolerance, shrink
    )
    return Game(
        secret=secret,
        start=start,
        learning_rate=learning_rate,
        max_steps=max_steps,
        tolerance=tolerance,
        guesses=guesses,
        answers=answers,
        outcome=outcome,
        steps=len(guesses) if outcome is Outcome.CONVERGED else None,
        oscillation=oscillation,
        shrink=shrink,
        step_sizes=tuple(step_sizes),
    )


def _walk(
    secret: int, start: int, learning_rate: float, max_steps: int, tolerance: float, shrink: bool
) -> tuple[list[float], list[Answer], list[float], Outcome, tuple[float, float] | None]:
    """The game loop, on checked arguments: guesses, answers, step sizes, outcome, loop."""
    guesses: list[float] = []
    answers: list[Answer] = []
    step_sizes: list[float] = []
    seen: dict[float, int] = {}  # guess -> where it was first made, to see loops
    guess, step, previous = float(start), learning_rate, None
    for index in range(max_steps):
        answer = answer_for(guess, secret, tolerance)
        if shrink:
            step = next_step(step, previous, answer, shrink)
        guesses.append(guess)
        answers.append(answer)
        step_sizes.append(step)
        if answer is Answer.RIGHT:
            return guesses, answers, step_sizes, Outcome.CONVERGED, None
        if guess in seen:
            loop = guesses[seen[guess] :]
            return guesses, answers, step_sizes, Outcome.OSCILLATING, (min(loop), max(loop))
        if not shrink:  # with shrinking steps the same guess can come back without a loop
            seen[guess] = index
        previous = answer
        guess = next_guess(guess, answer, step)
    return guesses, answers, step_sizes, Outcome.OUT_OF_STEPS, None


def compare(
    secret: int,
    start: int = DEFAULT_START,
    learning_rates: Iterable[float] = COMPARE_RATES,
    max_steps: int = DEFAULT_MAX_STEPS,
    tolerance: float = DEFAULT_TOLERANCE,
    shrink: bool = False,
) -> list[Game]:
    """The same secret and start played once per learning rate (2, 10 and 50 by default)."""
    return [play(secret, start, rate, max_steps, tolerance, shrink) for rate in learning_rates]


# --- watching it learn, one guess at a time -----------------------------------------------------


@dataclass(frozen=True)
class Guess:
    """One guess of a game, with what happened next, for the "watch it learn" animation."""

    number: int  # 1 for the first guess
    guess: float
    answer: Answer
    step_size: float  # how far the guess moves after this answer
    next_guess: float | None  # None when the game ends at this guess
    clamped: bool  # the move stopped at 1 or 100
    jumped_past: bool  # this guess is on the other side of the secret from the last one
    repeated: bool  # this guess was made before: the game is stuck in a loop

    def explain(self) -> str:
        """What happened at this guess, in a short sentence."""
        said = f"Guess {self.number}: {format_guess(self.guess)} is {self.answer}"
        if self.answer is Answer.RIGHT:
            return said + "."
        if self.repeated:
            return said + ", again: it is going round in a loop."
        if self.jumped_past:
            said += " (it jumped past the secret)"
        if self.next_guess is None:
            return said + ", and that was the last guess."
        direction = "down" if self.answer is Answer.TOO_HIGH else "up"
        move = f", so move {direction} {format_guess(self.step_size)}"
        if self.clamped:
            edge = format_guess(self.next_guess)
            return f"{said}{move}, but it stops at {edge}: guesses stay inside {LOWEST}..{HIGHEST}."
        return f"{said}{move} to {format_guess(self.next_guess)}."


def game_steps(game: Game) -> list[Guess]:
    """The guesses of ``game`` one by one, each with its answer and the move that followed."""
    steps: list[Guess] = []
    seen: set[float] = set()
    last_direction: Answer | None = None
    for index, (guess, answer) in enumerate(zip(game.guesses, game.answers, strict=True)):
        step_size = game.step_sizes[index] if game.step_sizes else game.learning_rate
        following = game.guesses[index + 1] if index + 1 < len(game.guesses) else None
        clamped = following is not None and abs(following - guess) < step_size - EPSILON
        jumped = answer is not Answer.RIGHT and last_direction not in (None, answer)
        steps.append(
            Guess(
                number=index + 1,
                guess=guess,
                answer=answer,
                step_size=step_size,
                next_guess=following,
                clamped=clamped,
                jumped_past=jumped,
                repeated=not game.shrink and guess in seen,
            )
        )
        seen.add(guess)
        if answer is not Answer.RIGHT:
            last_direction = answer
    return steps


# --- which learning rate is best? ---------------------------------------------------------------


@dataclass(frozen=True)
class SweepRow:
    """How one learning rate does over every secret from 1 to 100."""

    learning_rate: float
    average_guesses: float | None  # over the secrets it lands on; None if it lands on none
    never_share: float  # 0..1: the share of secrets it never lands on (loops or runs out)
    converged: int  # how many of the 100 secrets it lands on


def sweep(
    learning_rates: Iterable[float] = SWEEP_RATES,
    start: int = DEFAULT_START,
    max_steps: int = SWEEP_MAX_STEPS,
    tolerance: float = DEFAULT_TOLERANCE,
    shrink: bool = False,
) -> list[SweepRow]:
    """For each learning rate, play every secret 1..100 from ``start`` and summarise.

    ``max_steps`` defaults to 100 (``SWEEP_MAX_STEPS``) so a slow rate is shown as slow (a high
    average) rather than as failing, and "never" means only that the steps jump past the secret.
    """
    _, start, _, max_steps, tolerance = check_game(LOWEST, start, 1, max_steps, tolerance)
    rows = []
    for rate in learning_rates:
        rate = round(parse_learning_rate(rate), DECIMALS)
        counts = []
        for secret in range(LOWEST, HIGHEST + 1):
            guesses, _, _, outcome, _ = _walk(secret, start, rate, max_steps, tolerance, shrink)
            if outcome is Outcome.CONVERGED:
                counts.append(len(guesses))
        total = HIGHEST - LOWEST + 1
        rows.append(
            SweepRow(
                learning_rate=rate,
                average_guesses=sum(counts) / len(counts) if counts else None,
                never_share=(total - len(counts)) / total,
                converged=len(counts),
            )
        )
    return rows


def best_rate(rows: Sequence[SweepRow]) -> SweepRow:
    """The winner of a sweep: fewest secrets never reached, then fewest guesses, then smallest."""
    if not rows:
        raise ValueError("the sweep has no learning rates")
    return min(
        rows,
        key=lambda row: (
            row.never_share,
            math.inf if row.average_guesses is None else row.average_guesses,
            row.learning_rate,
        ),
    )
