"""Grading the answers the app checks: typed words, numbers, and a choice, in one place for the
review screen and ``gdtui cards grade``.

Typed answers are fair to what people write (see `is_right_typed`); numbers are read the way
people type them (gdtui.numbers.read_answer) and graded as the card file's docstring says
(`is_right_number`). Multiple-choice options are shown in a new order at each showing
(`choice_order`).

    check_answer(cross_entropy_card, "categorical cross-entropy loss") -> Verdict(True)
    check_answer(number_card, "-0.29 4") -> Verdict(None, "'-0.29 4' has a space inside ...")
"""

from __future__ import annotations

import math
import random
import re
from typing import NamedTuple

from gdtui.course.cardfile import CHOICE, NUMERIC, TYPED, Flashcard, normalise_words
from gdtui.numbers import Reading, read_answer

# Words a learner may put around the answer without changing it: "the optimizer", "one epoch",
# "it diverges", "the loss diverges", "cross-entropy loss", "backprop algorithm".
LEADING_FILLERS = frozenset(
    {"a", "an", "the", "one", "1", "it", "its", "s", "is", "this", "that", "called", "loss",
     "training", "model", "network", "weights"}
)
TRAILING_FILLERS = frozenset(
    {"loss", "algorithm", "method", "rule", "function", "technique", "procedure"}
)
# A light stemmer: inflected forms of one word meet (diverge, diverged, diverges, diverging,
# divergence, divergent -> diverg; epochs -> epoch). Longest suffix first; a stem keeps 4+ letters.
SUFFIXES = ("ences", "ence", "ents", "ent", "ing", "ed", "es", "s", "e")
MIN_STEM = 4
# Light typos: one edit in a word of 8+ letters, two in 12+; none in shorter words or numbers.
TYPO_STEPS = ((12, 2), (8, 1))


class Verdict(NamedTuple):
    """The grade of one answer: right (True/False), or None with a message when the answer
    could not be read (then nothing is graded)."""

    right: bool | None
    message: str = ""


# -- typed answers ------------------------------------------------------------------------------


def stem(word: str) -> str:
    """A word without its inflection, British spelling made American: 'optimisers' ->
    'optimizer', 'diverged' -> 'diverg', 'stopping' -> 'stop'."""
    word = re.sub(r"is(e|er|ers|ed|es|ing|ation|ations)$", r"iz\1", word)
    if word.endswith(("ss", "is", "us")):  # loss, analysis, bias: no plural s to take off
        return word
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            word = word[: -len(suffix)]
            if suffix in ("ing", "ed") and len(word) > MIN_STEM and word[-1] == word[-2]:
                word = word[:-1]  # stopping -> stopp -> stop
            break
    return word


def _words(text: str) -> list[str]:
    """The answer's words, without what it says in parentheses: 'epoch (one pass)' -> ['epoch']."""
    outside = re.sub(r"\([^()]*\)", " ", text)
    return normalise_words(outside if normalise_words(outside) else text).split()


def _candidates(words: list[str]) -> list[list[str]]:
    """The answer with any number of filler words taken off its front and its end."""
    found = []
    start = 0
    while True:
        end = len(words)
        while end > start:
            found.append(words[start:end])
            if words[end - 1] not in TRAILING_FILLERS:
                break
            end -= 1
        if start >= len(words) - 1 or words[start] not in LEADING_FILLERS:
            return found
        start += 1


def typo_budget(word: str) -> int:
    """How many typos a word of this length may carry: none below 8 letters or with a digit."""
    if any(char.isdigit() for char in word):
        return 0
    return next((steps for length, steps in TYPO_STEPS if len(word) >= length), 0)


def edit_distance(first: str, second: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it is sure to be larger than ``limit``."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, start=1):
        current = [i]
        for j, b in enumerate(second, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _close(given: str, wanted: str, raw_wanted: str | None = None) -> bool:
    """Equal, or within the typo budget of the accepted word (measured on its full form)."""
    if given == wanted:
        return True
    budget = typo_budget(raw_wanted or wanted)
    return budget > 0 and edit_distance(given, wanted, budget) <= budget


def _forms(words: list[str]) -> set[str]:
    """The words joined without spaces, stemmed word by word and as one word (so 'chainrule'
    and 'chain rule' meet)."""
    joined = "".join(words)
    return {"".join(map(stem, words)), stem(joined), joined}


def _matches(words: list[str], accepted: str) -> bool:
    """One form of the answer against one accepted answer."""
    wanted = normalise_words(accepted).split()
    if not wanted:
        return False
    if _forms(words) & _forms(wanted):  # hyphen and space forms: back-propagation, back prop
        return True
    if len(wanted) == 1:
        return _close("".join(words), wanted[0]) or _close(stem("".join(words)), stem(wanted[0]),
                                                          wanted[0])
    # Several words: each may carry its own typos ("gradient ascent" stays wrong for descent).
    return len(words) == len(wanted) and all(
        _close(a, b) or _close(stem(a), stem(b), b) for a, b in zip(words, wanted, strict=True))


def is_right_typed(card: Flashcard, answer: str) -> bool:
    """A typed answer means one of the card's accepted answers.

    Case, punctuation, hyphens and spaces do not matter; neither do words in parentheses, an
    article or numeral in front ("the optimizer", "one epoch"), a subject ("it diverges", "the
    loss diverges"), a generic noun at the end ("cross-entropy loss", "backprop algorithm"),
    inflections ("diverged", "epochs", "optimisers"), or a light typo in a long word
    ("backpropogation"). Synonyms count only when the card lists them (T: a | b | c).
    """
    words = _words(answer)
    return bool(words) and any(
        _matches(form, accepted) for form in _candidates(words) for accepted in card.accepted
    )


# -- numbers ------------------------------------------------------------------------------------


def decimals_asked(tolerance: float) -> int | None:
    """How many decimals a tolerance asks for: the finest decimal unit not smaller than it
    (±0.005 and ±0.002 ask for 2 decimals, ±0.001 for 3, ±0.5 for 0); None for ±0 (exact)."""
    if tolerance <= 0:
        return None
    return math.floor(-math.log10(tolerance) + 1e-9)


def is_right_number(card: Flashcard, reading: Reading | float) -> bool:
    """A number answers a numeric card when it lies within the card's tolerance, or when it is
    the card's value rounded to the decimals it was written with and those are at least the
    decimals the tolerance asks for (see `decimals_asked`). A card marked "either sign" takes
    the value with either sign."""
    if not isinstance(reading, Reading):
        reading = Reading(float(reading), None)
    value, key = reading.value, card.value
    if card.either_sign:
        value, key = abs(value), abs(key)
    slack = 1e-9 * max(1.0, abs(key))
    off = abs(value - key)
    if off <= card.tolerance + slack:
        return True
    asked, written = decimals_asked(card.tolerance), reading.decimals
    return (asked is not None and written is not None and written >= asked
            and off <= 0.5 * 10.0 ** -written + slack)


# -- any card the app grades --------------------------------------------------------------------


def check_answer(card: Flashcard, answer: str) -> Verdict:
    """Grade a typed answer to a typed, number or multiple-choice card (for a choice, the text
    of an option). Self-graded cards have no answer to check: ValueError."""
    if not answer.strip():
        return Verdict(None, "Type an answer first (or press escape to leave the field).")
    if card.kind == NUMERIC:
        try:
            return Verdict(is_right_number(card, read_answer(answer)))
        except ValueError as error:
            return Verdict(None, str(error))
    if card.kind == TYPED:
        return Verdict(is_right_typed(card, answer))
    if card.kind == CHOICE:
        given = normalise_words(answer)
        for choice in card.choices:
            if normalise_words(choice.text) == given:
                return Verdict(choice.correct)
        options = "; ".join(choice.text for choice in card.choices)
        return Verdict(None, f"{answer.strip()!r} is not one of this card's options: {options}")
    raise ValueError(f"card '{card.id}' is graded by the learner ({card.kind}), not checked")


def expected(card: Flashcard) -> list[str] | dict[str, float | bool]:
    """What the app accepts, for scripts: the accepted answers of a typed card, the right
    options of a choice card, or a number card's value, tolerance and whether either sign is
    right."""
    if card.kind == NUMERIC:
        return {"value": card.value, "tolerance": card.tolerance, "either_sign": card.either_sign}
    if card.kind == TYPED:
        return list(card.accepted)
    return [choice.text for choice in card.choices if choice.correct]


def accepted_text(card: Flashcard) -> str:
    """The accepted answers in words, shown after a wrong one: 'cross-entropy · log loss · NLL',
    '-0.294 (± 0.005)', '0.001 or -0.001 (± 0.0001)'."""
    if card.kind == TYPED:
        return " · ".join(card.accepted)
    if card.kind == NUMERIC:
        return card.number_text()
    return "; ".join(choice.text for choice in card.choices if choice.correct)


def choice_order(card: Flashcard, rng: random.Random) -> list[int]:
    """The options of a choice card in the order to show them (indices into card.choices), a
    new shuffle each time, so the right answer never keeps its place."""
    order = list(range(len(card.choices)))
    rng.shuffle(order)
    return order
