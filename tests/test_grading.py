"""Grading typed and number answers fairly: every answer of the content review's section 4.2
tables, the issue's list, and answers that must stay wrong."""

from __future__ import annotations

import random

import pytest

from gdtui.course.cardfile import CHOICE, NUMERIC, TYPED, Flashcard, load_cards
from gdtui.course.grading import (
    accepted_text,
    check_answer,
    choice_order,
    decimals_asked,
    edit_distance,
    stem,
)
from gdtui.course.lessons import load_course, parse_lesson
from gdtui.numbers import read_answer

# The T: and N: lines of the shipped cards the review tested (lesson id, line), and its answers:
# right ones (the review's ✓ and "✗ (correct)"), wrong ones (the fair rejections and more), and
# for numbers the unreadable ones (a message, nothing graded).
TYPED_TABLE = {
    ("guessing-network", "backpropagation | backprop | backward propagation | "
                               "reverse-mode autodiff"): (
        ["back propagation", "Backpropagation.", "the backpropagation algorithm",
         "backprop algorithm", "backpropogation", "backward propagation", "reverse-mode autodiff",
         "backpropagation (chain rule)", "Back-propagation"],
        ["forward propagation", "forward pass", "gradient descent", "the chain rule",
         "propagation", "back", "backpropagate the loss"],
    ),
    ("loss", "cross-entropy | log loss | categorical cross-entropy | binary cross-entropy | "
             "softmax cross-entropy | negative log likelihood | NLL | logistic loss | CE"): (
        ["crossentropy", "log-loss", "logloss", "cross-entropy loss", "categorical cross-entropy",
         "binary cross-entropy", "softmax cross-entropy", "the cross-entropy",
         "negative log likelihood", "NLL", "logistic loss", "CE", "cross entropy (log loss)",
         "Cross entropy", "negative log-likelihood loss"],
        ["mean squared error", "MSE", "mean squared error loss", "entropy", "squared error",
         "hinge loss", "accuracy", "log", "loss", "cross", "likelihood"],
    ),
    ("backprop", "chain rule | chain rule of calculus"): (
        ["chain rule", "the chain rule", "Chain-rule", "chainrule", "chain rule of calculus",
         "chain rule (calculus)"],
        ["product rule", "quotient rule", "chain", "sum rule", "rule"],
    ),
    ("learning-rate", "divergence | diverging"): (
        ["divergence", "diverging", "diverge", "diverges", "diverged", "it diverges",
         "the loss diverges", "training diverges", "divergent", "Divergence."],
        # "blowing up", "exploding", "overshooting", "instability": the review calls these
        # arguably right to reject; they stay rejected (the card asks for the name).
        ["blowing up", "exploding", "overshooting", "instability", "overshoot", "convergence",
         "converges", "oscillation", "it oscillates"],
    ),
    ("gradient-descent", "epoch | an epoch"): (
        ["epoch", "an epoch", "one epoch", "1 epoch", "epochs", "a epoch", "an epoch (one pass)",
         "Epoch."],
        ["batch", "mini-batch", "a batch", "iteration", "step", "epic", "one batch"],
    ),
    ("adam", "optimizer | optimiser | optimization algorithm | optimisation algorithm"): (
        ["optimizer", "optimiser", "an optimizer", "the optimizer", "optimizers", "Optimisers",
         "optimization algorithm", "optimisation algorithm", "the optimiser"],
        # "update rule" (debatable: the question says "rule") stays rejected.
        ["update rule", "learning rate", "gradient descent", "momentum", "Adam", "optimum",
         "optimization", "loss function"],
    ),
    ("overfitting", "early stopping | early stop | stopping early"): (
        ["early stopping", "Early-stopping", "earlystopping", "early stop", "early-stop",
         "stopping early", "early stopping (with patience)", "early stoping"],
        ["dropout", "regularization", "weight decay", "late stopping", "stopping", "early"],
    ),
}

NUMBER_TABLE = {
    ("guessing-network", "-0.8 +- 0.001"): (
        ["-0.8", "−0.8", "-.8", "-4/5", "- 0.8", "-8e-1", "-0,8", "z=-0.8", "-0.8.", "z = −0.80"],
        ["0.8", "-0.9", "-1", "-0.81"],
        ["-0.8 0", "about minus 1"],
    ),
    ("loss", "1.667 +- 0.01"): (
        ["5/3", "5 / 3", "1.67", "1.66", "1.6667", "1 2/3", "1.666...", "1,67"],
        ["1.7", "1.6", "12/3", "4"],
        ["1,667", "1 2 3"],
    ),
    ("loss", "0.051 +- 0.005"): (
        ["0.05", "5e-2", ".05", "0.0513", "5.1e-2", "0.05129", "0.0513 nats", "5.13%",
         "about 0.05", "5 × 10^-2"],
        ["0.06", "0.5", "0.95"],
        ["−ln(0.95)"],
    ),
    ("backprop", "-0.294 +- 0.005"): (
        ["-0.294", "-0.2939", "-.294", "-0.29", "−0.29"],
        ["-0.3", "0.294", "-0.28"],
        ["-0.29 4"],
    ),
    ("backprop", "-0.006 +- 0.0005"): (
        ["-0.006", "-0.00608", "-6e-3"],
        ["0.006", "-0.01"],
        [],
    ),
    ("learning-rate", "0.55 +- 0.001"): ([".55", "11/20", "0.550"], ["0.5", "0.6"], []),
    ("learning-rate", "0.002 +- 0.0001"): (
        ["0.002", "2e-3", "1/500", "0.0019", "0.00199"],
        ["0.001", "0.02"],
        ["<0.002", "below 0.002"],
    ),
    # The lesson keeps the last, smaller batch: 32 (its question says so), so 31 stays wrong.
    ("gradient-descent", "32 +- 0"): (["32", "32.0", "32 updates"], ["31", "31.25"], []),
    ("gradient-descent", "-0.3 +- 0.001"): (["-3/10", "-.3", "-0.30"], ["0.3", "-0.2"], []),
    ("adam", "0.001 +- 0.0001, either sign"): (
        ["0.001", "1e-3", "1/1000", "0.000999995", "-0.001", "−0.001", "0.1%", "- 0.001"],
        ["0.01", "500", "-0.01"],
        [],
    ),
    ("overfitting", "0.36 +- 0.001"): (["9/25", ".36", "0.360"], ["0.6", "0.72"], ["0.6^2"]),
}


def card(kind: str, line: str) -> Flashcard:
    """A card with this T: or N: line, read by the card file parser."""
    text = ("T: " if kind == TYPED else "N: ") + line
    return _parse(f"Q: A question?\n{text}\n")


def _parse(cards: str) -> Flashcard:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "01-test.md"
        path.write_text("---\nid: test\ntitle: T\norder: 1\nminutes: 1\nsummary: s\n---\n# T\n\n"
                        "## Flashcards\n\n" + cards, encoding="utf-8")
        (found,), problems = load_cards([parse_lesson(path)])
    assert problems == []
    return found


def shipped_lines() -> set[tuple[str, str]]:
    """(lesson id, T: or N: line) of every card of the shipped course."""
    lines = set()
    for flashcard in load_cards(load_course().lessons)[0]:
        text = open(flashcard.path, encoding="utf-8").read().splitlines()
        for line in text[flashcard.line - 1 :]:
            if line.startswith(("T: ", "N: ")):
                lines.add((flashcard.lesson_id, line[3:]))
                break
            if not line.strip():
                break
    return lines


# The review's 07:119 card (MSE arithmetic in the overfitting lesson) was replaced by a card about
# ideas, as the review asked; its row still tests the grader.
RETIRED = {("overfitting", "0.36 +- 0.001")}


def test_the_shipped_cards_carry_the_lines_these_tables_test():
    assert (set(TYPED_TABLE) | set(NUMBER_TABLE)) - RETIRED <= shipped_lines()
    assert not RETIRED & shipped_lines()


@pytest.mark.parametrize(("key", "answers"), TYPED_TABLE.items(), ids=lambda v: str(v)[:30])
def test_typed_answers_of_the_review(key, answers):
    right, wrong = answers
    flashcard = card(TYPED, key[1])
    assert [a for a in right if check_answer(flashcard, a).right is not True] == []
    assert [a for a in wrong if check_answer(flashcard, a).right is not False] == []


@pytest.mark.parametrize(("key", "answers"), NUMBER_TABLE.items(), ids=lambda v: str(v)[:30])
def test_number_answers_of_the_review(key, answers):
    right, wrong, unreadable = answers
    flashcard = card(NUMERIC, key[1])
    assert [a for a in right if check_answer(flashcard, a).right is not True] == []
    assert [a for a in wrong if check_answer(flashcard, a).right is not False] == []
    for answer in unreadable:
        verdict = check_answer(flashcard, answer)
        assert verdict.right is None and repr(answer.strip()) in verdict.message, answer


def shipped(lesson_id: str, kind: str, key) -> Flashcard:
    """The shipped card of a lesson with this accepted answer (typed) or value (number)."""
    cards = load_cards(load_course().lessons)[0]
    found = [c for c in cards if c.lesson_id == lesson_id and c.kind == kind
             and (key in c.accepted if kind == TYPED else c.value == key)]
    assert len(found) == 1, f"no single {kind} card with {key!r} in lesson {lesson_id}"
    return found[0]


@pytest.mark.parametrize(("lesson_id", "kind", "key", "answer"), [
    ("loss", TYPED, "cross-entropy", "cross-entropy loss"),
    ("loss", TYPED, "cross-entropy", "categorical cross-entropy"),
    ("adam", TYPED, "optimizer", "the optimizer"),
    ("gradient-descent", TYPED, "epoch", "one epoch"),
    ("learning-rate", TYPED, "divergence", "diverged"),
    ("loss", NUMERIC, 1.667, "1 2/3"),
    ("backprop", NUMERIC, -0.294, "-0.29"),
    ("adam", NUMERIC, 0.001, "-0.001"),
])
def test_the_issues_answers_are_right_on_the_shipped_cards(lesson_id, kind, key, answer):
    assert check_answer(shipped(lesson_id, kind, key), answer).right is True


def test_one_and_two_thirds_is_five_thirds_never_twelve_thirds():
    assert read_answer("1 2/3").value == pytest.approx(5 / 3)
    assert read_answer("-1 2/3").value == pytest.approx(-5 / 3)
    assert read_answer("12/3").value == 4


def test_a_space_inside_the_digits_is_refused_with_a_message():
    for text in ("-0.29 4", "1 000", "0. 5"):
        with pytest.raises(ValueError, match="space inside the number"):
            read_answer(text)


def test_a_rounded_answer_counts_at_the_precision_the_tolerance_asks_for():
    assert [decimals_asked(t) for t in (0.005, 0.002, 0.001, 0.01, 0.0001, 0.5)] == \
        [2, 2, 3, 2, 4, 0]
    tight = card(NUMERIC, "-0.294 +- 0.001")
    assert [check_answer(tight, a).right for a in ("-0.294", "-0.29", "-0.3")] == \
        [True, False, False]
    # ±0.002 asks for two decimals: -0.29 is -0.294 rounded to them, though 0.004 away.
    loose = card(NUMERIC, "-0.294 +- 0.002")
    assert [check_answer(loose, a).right for a in ("-0.29", "-0.3", "-0.2945", "-0.297")] == \
        [True, False, True, False]
    exact = card(NUMERIC, "32 +- 0")
    assert [check_answer(exact, a).right for a in ("32", "31.6", "32.4")] == \
        [True, False, False]


def test_either_sign_is_only_for_cards_that_say_so():
    signed = card(NUMERIC, "0.001 +- 0.0001")
    either = card(NUMERIC, "0.001 +- 0.0001, either sign")
    assert (signed.either_sign, either.either_sign) == (False, True)
    assert check_answer(signed, "-0.001").right is False
    assert check_answer(either, "-0.001").right is True
    assert accepted_text(either) == "0.001 or -0.001 (± 0.0001)"


def test_typos_only_in_long_words_and_never_in_numbers():
    assert edit_distance("backpropogation", "backpropagation", 2) == 1
    assert check_answer(card(TYPED, "gradient descent | GD"), "gradient ascent").right is False
    assert check_answer(card(TYPED, "gradient descent | GD"), "gradiant descent").right is True
    assert check_answer(card(TYPED, "epoch | an epoch"), "epok").right is False
    assert check_answer(card(TYPED, "1000 | one thousand"), "1001").right is False
    assert [stem(w) for w in ("diverged", "diverges", "divergence", "divergent", "diverging",
                              "epochs", "optimisers", "stopping", "loss")] == \
        ["diverg"] * 5 + ["epoch", "optimizer", "stop", "loss"]


def test_a_choice_is_graded_by_its_text_and_shuffled_at_each_showing():
    flashcard = _parse("Q: Which?\n- [ ] One\n- [x] Two\n- [ ] Three\n- [ ] Four\n")
    assert flashcard.kind == CHOICE
    assert check_answer(flashcard, "two").right is True
    assert check_answer(flashcard, "One").right is False
    assert check_answer(flashcard, "Five").right is None
    rng = random.Random(5)
    places = {choice_order(flashcard, rng).index(1) for _ in range(20)}
    assert places == {0, 1, 2, 3}
