"""You keep the secret, the computer guesses: the rules of mode 1, pure.

The player thinks of a whole number from 1 to 100 and answers each guess. "Right" means within
the tolerance (2), so "too high" says more than that: after "50 is too high" the number is at
most 47, not 49. The computer keeps the whole numbers that fit every answer, ``low``..``high``;
they are always a range, because each answer cuts one end off.

An answer that leaves no number is refused, kindly, with the reason, and nothing changes:

- it contradicts an earlier answer even read strictly ("too high" below a guess said to be too
  low): the message names that earlier answer;
- it fits only if "too high" meant "anything above" ("50 too high, 47 too low" from someone
  thinking of 48): the message names those numbers and the guess that was already within the
  tolerance of them, which counts as right.

Because every answer it takes fits some number, the computer's game is the game of that number
played honestly; so when its guesses go round in a loop, it really can never land on any number
still possible, and it says so (rates 1 to 5 never loop: a step of 5 cannot jump over the 5
numbers within 2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from gdtui.guessing.rules import (
    DEFAULT_LEARNING_RATE,
    DEFAULT_MAX_STEPS,
    DEFAULT_START,
    DEFAULT_TOLERANCE,
    EPSILON,
    HIGHEST,
    LEARNING_RATE_LADDER,
    LOWEST,
    Answer,
    Outcome,
    check_game,
    next_guess,
    next_step,
    play,
)
from gdtui.numbers import format_guess

ANSWER_WORDS = {
    Answer.TOO_HIGH: ("too high", "high", "h", "lower", "down", "-"),
    Answer.TOO_LOW: ("too low", "low", "l", "higher", "up", "+"),
    Answer.RIGHT: ("right", "r", "yes", "y", "correct", "exactly right", "got it", "="),
}
UNCLEAR_ANSWER = 'Please answer "too high", "too low" or "right".'


def parse_answer(text: str | Answer) -> Answer | None:
    """The answer the player meant ("too high", "high", "h", ...), or None if unclear."""
    if isinstance(text, Answer):
        return text
    words = " ".join(text.lower().replace("!", " ").replace(".", " ").split())
    for answer, spellings in ANSWER_WORDS.items():
        if words in spellings:
            return answer
    return None


# --- which numbers still fit the answers -------------------------------------------------------


def possible_range(
    guesses: Sequence[float], answers: Sequence[Answer], margin: float
) -> tuple[int, int]:
    """The whole numbers from 1 to 100 that fit every "too high" and "too low": (low, high),
    empty when low > high. ``margin`` is how far a "too" answer reaches past its guess: the
    tolerance by the rules (50 too high: at most 47), or 0 for a strict reading (at most 49)."""
    low, high = LOWEST, HIGHEST
    for guess, answer in zip(guesses, answers, strict=True):
        if answer is Answer.TOO_HIGH:  # number < guess - margin
            high = min(high, math.ceil(guess - margin - EPSILON) - 1)
        elif answer is Answer.TOO_LOW:  # number > guess + margin
            low = max(low, math.floor(guess + margin + EPSILON) + 1)
    return low, high


def within(guess: float, tolerance: float) -> tuple[int, int]:
    """The whole numbers within ``tolerance`` of ``guess``: (low, high), empty when low > high."""
    return (max(LOWEST, math.ceil(guess - tolerance - EPSILON)),
            min(HIGHEST, math.floor(guess + tolerance + EPSILON)))


def numbers_in_words(numbers: Sequence[int]) -> str:
    """"48", "48 or 49", "from 46 to 49" or "3, 5 or 8" for sorted whole numbers."""
    shown = [str(number) for number in numbers]
    if len(shown) <= 2:
        return " or ".join(shown)
    if numbers[-1] - numbers[0] == len(numbers) - 1:
        return f"from {numbers[0]} to {numbers[-1]}"
    return f"{', '.join(shown[:-1])} or {shown[-1]}"


# --- the game ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """What the computer says back to one answer."""

    accepted: bool  # False: the answer was unclear or contradicts an earlier one; nothing changed
    message: str
    finished: bool


class ComputerGuesser:
    """The "you keep the secret" game: the computer guesses, you answer, it moves by the
    learning rate, and ``low``..``high`` are the numbers that still fit your answers."""

    def __init__(
        self,
        learning_rate: float = DEFAULT_LEARNING_RATE,
        start: int = DEFAULT_START,
        max_steps: int = DEFAULT_MAX_STEPS,
        tolerance: float = DEFAULT_TOLERANCE,
        shrink: bool = False,
    ) -> None:
        _, start, learning_rate, max_steps, tolerance = check_game(
            LOWEST, start, learning_rate, max_steps, tolerance
        )
        self.start = start
        self.learning_rate = learning_rate
        self.max_steps = max_steps
        self.tolerance = tolerance
        self.shrink = shrink
        self.step = learning_rate
        self.guess: float = float(start)  # the guess waiting for an answer
        self.guesses: list[float] = []  # the guesses answered so far
        self.answers: list[Answer] = []
        self.low, self.high = LOWEST, HIGHEST
        self.outcome: Outcome | None = None
        self.oscillation: tuple[float, float] | None = None

    @property
    def finished(self) -> bool:
        """True once the game has an outcome."""
        return self.outcome is not None

    def answer(self, text: str | Answer) -> Reply:
        """Take the player's answer to the current guess and propose the next one."""
        if self.finished:
            return Reply(False, "This game is over: start a new one to play again.", True)
        answer = parse_answer(text)
        if answer is None:
            return Reply(False, UNCLEAR_ANSWER, False)
        clash = self._clash(answer)
        if clash is not None:
            return Reply(False, clash, False)
        guess = self.guess
        previous = self.answers[-1] if self.answers else None
        self.guesses.append(guess)
        self.answers.append(answer)
        if answer is Answer.RIGHT:
            self.outcome = Outcome.CONVERGED
            count = len(self.guesses)
            return Reply(True, f"Got it in {count} guess{'es' if count > 1 else ''}!", True)
        self.low, self.high = possible_range(self.guesses, self.answers, self.tolerance)
        self.step = next_step(self.step, previous, answer, self.shrink)
        where = f"Your number is {self._range_words()}."
        if len(self.guesses) >= self.max_steps:
            self.outcome = Outcome.OUT_OF_STEPS
            return Reply(True, f"That was my last guess ({self.max_steps}). {where}", True)
        self.guess = next_guess(guess, answer, self.step)
        if not self.shrink and self.guess in self.guesses:
            loop = self.guesses[self.guesses.index(self.guess) :]
            self.oscillation = (min(loop), max(loop))
            self.outcome = Outcome.OSCILLATING
            low, high = (format_guess(value) for value in self.oscillation)
            rate = format_guess(self.learning_rate)
            return Reply(
                True,
                f"I keep jumping between {low} and {high}: a step of {rate} jumps past your "
                f"number every time, so I can never land on it. {where} {self._smaller_rate()}",
                True,
            )
        return Reply(True, f"My next guess is {format_guess(self.guess)}.", False)

    def _range_words(self) -> str:
        if self.low == self.high:
            return str(self.low)
        return f"from {self.low} to {self.high}"

    def _smaller_rate(self) -> str:
        """Which smaller learning rate would land on every number still possible, and how fast;
        played, not assumed."""
        for rate in sorted((r for r in LEARNING_RATE_LADDER if r < self.learning_rate),
                           reverse=True):
            games = [play(number, self.start, rate, self.max_steps, self.tolerance)
                     for number in range(self.low, self.high + 1)]
            if all(game.steps is not None for game in games):
                most = max(game.steps or 0 for game in games)
                return (f"A learning rate of {rate} would find it within {most} "
                        f"guess{'es' if most > 1 else ''}.")
        return "A smaller learning rate would find it, given more guesses."

    # -- answers that cannot be true --------------------------------------------------------------

    def _clash(self, answer: Answer) -> str | None:
        """A kind message if ``answer`` to the current guess fits no number, else None."""
        guess, tolerance = self.guess, self.tolerance
        guesses, answers = [*self.guesses, guess], [*self.answers, answer]
        if answer is Answer.RIGHT:
            near_low, near_high = within(guess, tolerance)
            if near_low > near_high:  # only with a tolerance below 1/2
                shown = format_guess(guess)
                return f"Your number is a whole number, so {shown} can't be exactly right."
            low, high = max(near_low, self.low), min(near_high, self.high)
        else:
            low, high = possible_range(guesses, answers, tolerance)
        if low <= high:
            return None
        # Read strictly ("too high" meaning only "above"), do the answers fit some number?
        strict_low, strict_high = possible_range(guesses, answers, 0)
        if answer is Answer.RIGHT:
            strict_low, strict_high = max(strict_low, near_low), min(strict_high, near_high)
        if strict_low <= strict_high:
            return self._band_clash(answer, range(strict_low, strict_high + 1))
        return self._order_clash(answer)

    def _band_clash(self, answer: Answer, numbers: range) -> str:
        """The answers fit ``numbers`` only if "too high" meant "anything above": each of them
        was within the tolerance of a guess, which counts as right."""
        tolerance, shown = self.tolerance, format_guess(self.tolerance)
        now: list[int] = []  # within the tolerance of this guess, and "right" would be taken
        if answer is not Answer.RIGHT and self._clash(Answer.RIGHT) is None:
            now = [n for n in numbers if abs(n - self.guess) <= tolerance + EPSILON]
        parts = [f"Hmm, that doesn't fit the within-{shown} rule."]
        if now:
            parts.append(f"If your number were {numbers_in_words(now)}, I would already be "
                         f"within {shown}: say right.")
        earlier: dict[float, list[int]] = {}  # the first guess within the tolerance of each
        for number in numbers:
            if number in now:
                continue
            first = next(g for g in self.guesses if abs(number - g) <= tolerance + EPSILON)
            earlier.setdefault(first, []).append(number)
        for index, (guess, group) in enumerate(earlier.items()):
            start = "If your number were" if len(parts) == 1 and index == 0 else "If it were"
            parts.append(f"{start} {numbers_in_words(group)}, my guess {format_guess(guess)} "
                         f"was already within {shown} of it, and that counts as right: "
                         "press g to play again.")
        return " ".join(parts)

    def _order_clash(self, answer: Answer) -> str:
        """Name the earlier answer (or the 1..100 rule) that ``answer`` contradicts even when
        "too high" is read as "anything above"."""
        guess = format_guess(self.guess)
        if answer is Answer.TOO_HIGH:
            return self._clash_message(Answer.TOO_LOW, f"{guess} can't be too high")
        if answer is Answer.TOO_LOW:
            return self._clash_message(Answer.TOO_HIGH, f"{guess} can't be too low")
        within_words = f"within {format_guess(self.tolerance)} of it" if self.tolerance else "it"
        wrong = f"{guess} can't be right (your number would have to be {within_words})"
        strict_low, strict_high = possible_range(self.guesses, self.answers, 0)
        near_low, _ = within(self.guess, self.tolerance)
        said = Answer.TOO_HIGH if near_low > strict_high else Answer.TOO_LOW
        return self._clash_message(said, wrong)

    def _clash_message(self, said: Answer, wrong: str) -> str:
        """Name the closest earlier guess answered ``said``, or the 1..100 rule if none."""
        earlier = [g for g, a in zip(self.guesses, self.answers, strict=True) if a is said]
        if not earlier:
            return (f"Your number is from {LOWEST} to {HIGHEST}, so {wrong}. "
                    "Want to try that answer again?")
        then = format_guess(max(earlier) if said is Answer.TOO_LOW else min(earlier))
        side = "above" if said is Answer.TOO_LOW else "below"
        return (
            f"Hmm, that doesn't fit: earlier you said {then} was {said}, so your number is "
            f"{side} {then}, and then {wrong}. Maybe check your secret number and answer again?"
        )
