"""Parsing and checking flashcards, and grading typed and numeric answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdtui.course.cardfile import (
    CHOICE,
    CLOZE,
    NUMERIC,
    RECALL,
    TYPED,
    check_cards,
    derived_id,
    load_cards,
    parse_cards,
)
from gdtui.course.grading import is_right_number, is_right_typed
from gdtui.course.lessons import parse_lesson
from gdtui.numbers import read_answer

# The front matter and body take lines 1-11; "## Flashcards" is line 12, cards start at 13.
LESSON = """---
id: {id}
title: Test lesson
order: {order}
minutes: 3
summary: A lesson for tests.
---
# Test lesson

Some text.

## Flashcards
{cards}"""
FIRST_CARD_LINE = 13

GOOD_CARDS = """Q: What does a loss function produce? {#loss-output}
A: One number that says how wrong the prediction is:
0 means perfect, larger means worse.

C: Mean squared error squares each difference and then takes the [mean] over the
[examples].

Q: Which loss is the usual choice for predicting a category?
- [ ] Mean squared error
- [x] Cross-entropy
A: Cross-entropy measures how surprised the network is by the correct label.

Q: What is the algorithm that computes every weight's gradient called?
T: backpropagation | backprop
A: It works backward from the loss through every layer using the chain rule.

Q: Predictions 2 and 4, targets 3 and 4. What is the mean squared error?
N: 0.5 +- 0.01
A: ((2 − 3)² + (4 − 4)²) / 2 = 1 / 2 = 0.5

Q: How much is a third?
N: 0.333 ± 0.001
"""


def lesson_file(tmp_path: Path, cards: str, *, lesson_id: str = "loss", order: int = 1):
    path = tmp_path / f"{order:02d}-{lesson_id}.md"
    path.write_text(LESSON.format(id=lesson_id, order=order, cards=cards), encoding="utf-8")
    return parse_lesson(path)


def test_every_kind_of_card_is_read(tmp_path):
    lesson = lesson_file(tmp_path, GOOD_CARDS)
    cards, problems = parse_cards(lesson)
    assert problems == []
    assert [card.kind for card in cards] == [RECALL, CLOZE, CHOICE, TYPED, NUMERIC, NUMERIC]
    recall, cloze, choice, typed, numeric, third = cards

    assert recall.id == "loss-output"
    assert recall.line == FIRST_CARD_LINE
    assert recall.answer.endswith("wrong the prediction is:\n0 means perfect, larger means worse.")

    assert cloze.question.endswith("takes the [mean] over the [examples].")
    assert cloze.front().endswith("takes the _____ over the _____.")
    assert cloze.back().endswith("takes the mean over the examples.")
    assert [text for text, fill in cloze.cloze_parts() if fill] == ["mean", "examples"]
    assert cloze.id == f"loss-{derived_id('loss', cloze.question).split('-')[-1]}"

    assert [(c.text, c.correct) for c in choice.choices] == [
        ("Mean squared error", False),
        ("Cross-entropy", True),
    ]
    assert typed.accepted == ("backpropagation", "backprop")
    assert (numeric.value, numeric.tolerance) == (0.5, 0.01)
    assert (third.value, third.tolerance) == (0.333, 0.001)
    assert third.answer == ""
    assert third.back() == "0.333 (± 0.001)"


def test_the_derived_id_survives_punctuation_and_case_fixes(tmp_path):
    before = lesson_file(tmp_path, "Q: what does a  loss function produce\nA: A number.\n")
    after = lesson_file(tmp_path, "Q: What does a loss-function produce?\nA: One number.\n")
    (first,), _ = parse_cards(before)
    (second,), _ = parse_cards(after)
    assert first.id == second.id
    assert first.id.startswith("loss-")
    reworded = lesson_file(tmp_path, "Q: What does a loss function return?\nA: A number.\n")
    assert parse_cards(reworded)[0][0].id != first.id


BAD_CARDS = [
    ("Q: What is a loss?\nA:\n", 1, "empty answer after A:"),
    ("Q: Pick one\n- [ ] a\n- [ ] b\n", 1, "no right answer: mark at least one choice - [x]"),
    ("C: Nothing is hidden here.\n", 0, "broken cloze: no [brackets] around the words to hide"),
    ("C: The [mean is never closed.\n", 0, "broken cloze: a [ is never closed with ]"),
    ("C: A stray] bracket and a [fill].\n", 0, "broken cloze: a ] without its ["),
    ("C: An empty [ ] here.\n", 0, "broken cloze: an empty [ ] (put the hidden words inside)"),
    ("Q: What is a loss?\nA: A number.\nX: extra\n", 2, "unknown tag 'X:'"),
    ("Q: What is a loss?\n", 0, "this Q: has no answer: add A:, T:, N: or a choice list"),
    ("Q: How much?\nN: about half\n", 1, "bad numeric answer 'about half'"),
    ("Q: How much?\nN: 0.5 +- -0.1\n", 1, "bad tolerance -0.1: it cannot be negative"),
    ("Q: How much?\nN: 0.5 +- lots\n", 1, "bad numeric answer '0.5 +- lots'"),
    ("Q: How much?\nN: 1e999\n", 1, "bad numeric answer '1e999'"),
    ("Q: Which?\nT: backprop | | bp\n", 1, "an empty alternative in T:"),
    ("Q: Bad id {#Loss_Out}\nA: x\n", 0, "card id 'Loss_Out': use lowercase letters, digits, -"),
    ("Q: One\nA: x\nQ: Two\n", 2, "a second Q: in one card (separate cards with a blank"),
    ("Q: Both?\nT: a\nN: 1\n", 0, "a card can have only one of T:, N: or a choice list"),
    ("Just some text.\n", 0, "a card must start with Q: or C:, found 'Just some text.'"),
    ("Q: Pick\n- [y] a\n- [x] b\n", 1, "choice mark '[y]': use - [ ] or - [x]"),
]


@pytest.mark.parametrize(("cards", "offset", "message"), BAD_CARDS)
def test_each_broken_card_is_reported_at_its_line(tmp_path, cards, offset, message):
    good = "Q: A fine card\nA: Fine.\n\n"
    lesson = lesson_file(tmp_path, good + cards)
    parsed, problems = parse_cards(lesson)
    line = FIRST_CARD_LINE + 3 + offset
    assert len(problems) == 1, problems
    assert str(problems[0]).startswith(f"{lesson.path}:{line}: {message}")
    assert [card.question for card in parsed] == ["A fine card"]


def test_a_duplicate_id_across_lessons_names_both_places(tmp_path):
    first = lesson_file(tmp_path, "Q: One {#same}\nA: 1\n", lesson_id="one", order=1)
    second = lesson_file(tmp_path, "Q: Fine\nA: ok\n\nQ: Two {#same}\nA: 2\n",
                         lesson_id="two", order=2)
    cards, problems = load_cards([first, second])
    assert [card.question for card in cards] == ["One", "Fine"]
    assert [str(p) for p in problems] == [
        f"{second.path}:{FIRST_CARD_LINE + 3}: duplicate card id 'same': already used at "
        f"{first.path}:{FIRST_CARD_LINE} (give one of them its own {{#id}})"
    ]
    assert check_cards([first, second]) == problems


def test_the_same_question_twice_in_one_lesson_is_a_duplicate(tmp_path):
    lesson = lesson_file(tmp_path, "Q: What is a loss?\nA: 1\n\nQ: what is a LOSS\nA: 2\n")
    cards, problems = load_cards([lesson])
    assert len(cards) == 1
    assert problems[0].line == FIRST_CARD_LINE + 3
    assert "duplicate card id" in problems[0].message


def test_a_lesson_without_cards_has_no_cards_and_no_problems(tmp_path):
    path = tmp_path / "plain.md"
    path.write_text(LESSON.format(id="plain", order=1, cards="").replace("## Flashcards\n", ""))
    assert parse_cards(parse_lesson(path)) == ([], [])


def test_typed_answers_ignore_case_spaces_and_punctuation(tmp_path):
    lesson = lesson_file(tmp_path, "Q: Name it\nT: backpropagation | back prop\n")
    (card,), _ = parse_cards(lesson)
    for answer in ("Backpropagation", "  back-propagation. ", "BACK PROP", "backprop!"):
        assert is_right_typed(card, answer), answer
    for answer in ("", "gradient", "backpropagate", "..."):
        assert not is_right_typed(card, answer), answer


def test_numeric_answers_accept_what_a_learner_types(tmp_path):
    lesson = lesson_file(tmp_path, "Q: z?\nN: -0.8 +- 0.001\n")
    (card,), _ = parse_cards(lesson)
    assert read_answer("−0.8").value == -0.8
    assert read_answer(" -4/5 ").value == -0.8
    assert read_answer("- 0.8").value == -0.8
    assert read_answer("1e-3").value == 0.001
    for text in ("half of 1", "1/x"):
        with pytest.raises(ValueError, match=f"^'{text}' is not a number. Type one like 0.5"):
            read_answer(text)
    assert is_right_number(card, -0.8005)
    assert not is_right_number(card, -0.81)
    assert not is_right_number(card, 0.8)
