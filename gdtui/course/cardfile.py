"""Flashcards inside lesson files: parsing, checking, and grading typed answers.

After a lesson's ``## Flashcards`` heading, cards are separated by blank lines::

    Q: What does a loss function produce? {#loss-output}
    A: One number that says how wrong the prediction is.

    C: Mean squared error squares each difference and takes the [mean].

    Q: Which loss is the usual choice for predicting a category?
    - [ ] Mean squared error
    - [x] Cross-entropy
    A: Cross-entropy measures how surprised the network is by the correct label.

    Q: What is the algorithm that computes every weight's gradient called?
    T: backpropagation | backprop

    Q: Predictions 2 and 4, targets 3 and 4. What is the mean squared error?
    N: 0.5 +- 0.01

A field may continue on the following non-blank lines that do not start with a tag. A card
with an error is skipped and reported as ``file:line: message``; the others still load.

How the app grades (gdtui.course.grading):

- A typed answer (T:) is right when it means one of the listed answers: case, punctuation,
  hyphens and spaces, an article or numeral in front ("the", "one"), a generic noun at the end
  ("loss", "algorithm"), inflections (diverged, epochs) and a light typo in a long word do not
  matter. Synonyms count only when listed, so list them: ``T: cross-entropy | log loss | NLL``.
- A number (N:) is right when it lies within ``value +- tolerance``, or when it is the value
  rounded to the decimals the learner wrote, provided those are at least the decimals the
  tolerance asks for: the finest decimal unit not smaller than the tolerance (±0.005 asks for 2
  decimals, ±0.001 for 3). So for ``N: -0.294 +- 0.005`` the answer -0.29 is right and -0.3 is
  not, and for ``N: -0.294 +- 0.001`` both -0.29 and -0.3 are wrong. Fractions ("5/3"), mixed
  numbers ("1 2/3"), a decimal comma, e-notation and trailing units ("0.05 nats") are read.
- ``N: 0.001 +- 0.0001, either sign`` takes the value with either sign (for a question about
  a size, such as how far a weight moves).
- Multiple-choice options are shown in a new order at each showing.

``gdtui check`` also warns (without failing) about cards that are legal but unfair: a typed card
listing one answer only, a cloze with more than one blank, and a choice whose right option
stands out by its length (`card_warnings`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from gdtui.course.lessons import Lesson, Problem
from gdtui.numbers import field_text, read_number

# The kinds of card, and who grades them.
RECALL, CLOZE, CHOICE, TYPED, NUMERIC = "recall", "cloze", "choice", "typed", "number"
SELF_GRADED = (RECALL, CLOZE)
"""Kinds where the learner says how well they remembered; the app grades the others."""

TAGS = ("Q", "A", "C", "T", "N")
TAG_LINE = re.compile(r"^([A-Z]):(?:\s|$)")
CHOICE_LINE = re.compile(r"^[-*]\s+\[(.?)\]\s?(.*)$")
LOOKS_LIKE_CHOICE = re.compile(r"^[-*]\s+\[")
CARD_ID = re.compile(r"\s*\{#([^}]*)\}\s*$")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBER_TEXT = r"[-+−]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+−]?\d+)?"
NUMERIC_ANSWER = re.compile(
    rf"^({NUMBER_TEXT})\s*(?:(?:\+-|\+/-|±)\s*({NUMBER_TEXT}))?\s*(,\s*either sign)?$", re.I)
CLOZE_BLANK = "_____"


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice card."""

    text: str
    correct: bool


@dataclass(frozen=True)
class Flashcard:
    """One card from a lesson, ready to show and to grade."""

    id: str
    lesson_id: str
    kind: str
    question: str
    """The Q: text, or for a cloze card the full text with its [brackets]."""
    answer: str = ""
    """The A: text: the answer of a recall card, an optional explanation for the others."""
    choices: tuple[Choice, ...] = ()
    accepted: tuple[str, ...] = ()
    """Accepted answers of a typed card."""
    value: float = 0.0
    tolerance: float = 0.0
    either_sign: bool = False
    """A number card whose value is right with either sign (N: 0.001 +- 0.0001, either sign)."""
    path: str = ""
    line: int = 0

    @property
    def self_graded(self) -> bool:
        """True when the learner grades the card (Again/Hard/Good/Easy)."""
        return self.kind in SELF_GRADED

    def cloze_parts(self) -> list[tuple[str, bool]]:
        """A cloze text in pieces: 'the [mean]' -> [('the ', False), ('mean', True)]."""
        parts: list[tuple[str, bool]] = []
        for index, piece in enumerate(re.split(r"\[([^\[\]]*)\]", self.question)):
            if piece:
                parts.append((piece, index % 2 == 1))
        return parts

    def front(self) -> str:
        """The question as plain text (a cloze shows blanks)."""
        if self.kind == CLOZE:
            return "".join(CLOZE_BLANK if fill else text for text, fill in self.cloze_parts())
        return self.question

    def number_text(self) -> str:
        """A number card's answer as the learner is told it: "0.001 or -0.001 (± 0.0001)"."""
        text = field_text(self.value)
        if self.either_sign and self.value:
            text = f"{field_text(abs(self.value))} or {field_text(-abs(self.value))}"
        if self.tolerance:
            text += f" (± {field_text(self.tolerance)})"
        return text

    def back(self) -> str:
        """The full answer as plain text: the right answer, then the explanation if any."""
        if self.kind == CLOZE:
            right = "".join(text for text, _ in self.cloze_parts())
        elif self.kind == CHOICE:
            right = "; ".join(choice.text for choice in self.choices if choice.correct)
        elif self.kind == TYPED:
            right = " / ".join(self.accepted)
        elif self.kind == NUMERIC:
            right = self.number_text()
        else:
            return self.answer
        return f"{right}\n{self.answer}" if self.answer else right


@dataclass
class _Field:
    tag: str
    text: str
    line: int
    correct: bool = False


@dataclass
class _Block:
    fields: list[_Field] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def normalise_words(text: str) -> str:
    """Lowercase words without punctuation or extra spaces: 'What's  a Loss?' -> 'what s a loss'."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def derived_id(lesson_id: str, question: str) -> str:
    """A card id from its question's words, so fixing punctuation or case keeps its history."""
    digest = hashlib.sha1(normalise_words(question).encode("utf-8")).hexdigest()[:8]
    return f"{lesson_id}-{digest}"


# -- parsing ------------------------------------------------------------------------------------


def parse_cards(lesson: Lesson) -> tuple[list[Flashcard], list[Problem]]:
    """The cards of one lesson and the problems of the broken ones (which are skipped)."""
    if not lesson.cards_text.strip():
        return [], []
    path = str(lesson.path)
    cards: list[Flashcard] = []
    problems: list[Problem] = []
    for block in _blocks(lesson.cards_text, lesson.cards_line + 1, path):
        if block.problems:
            problems.extend(block.problems)
            continue
        card, card_problems = _build_card(block.fields, lesson.id, path)
        problems.extend(card_problems)
        if card is not None and not card_problems:
            cards.append(card)
    return cards, problems


def load_cards(lessons: list[Lesson]) -> tuple[list[Flashcard], list[Problem]]:
    """Every good card of these lessons, in course order, and every problem (ids are unique)."""
    cards: list[Flashcard] = []
    problems: list[Problem] = []
    seen: dict[str, Flashcard] = {}
    for lesson in lessons:
        lesson_cards, lesson_problems = parse_cards(lesson)
        problems.extend(lesson_problems)
        for card in lesson_cards:
            first = seen.get(card.id)
            if first is not None:
                problems.append(
                    Problem(
                        card.path,
                        card.line,
                        f"duplicate card id '{card.id}': already used at {first.path}:"
                        f"{first.line} (give one of them its own {{#id}})",
                    )
                )
                continue
            seen[card.id] = card
            cards.append(card)
    return cards, problems


def check_cards(lessons: list[Lesson]) -> list[Problem]:
    """Problems in the ``## Flashcards`` sections of these lessons."""
    return load_cards(lessons)[1]


LENGTH_CUE, SHORT_CUE = 1.5, 2
"""A right option at least 1.5 times as long as every other, or at most half as long as every
other, gives the answer away: `gdtui check` warns."""


def card_warnings(cards: list[Flashcard]) -> list[Problem]:
    """Cards that load but are unfair to the learner, as ``file:line: warning: ...``: a typed
    card with one accepted answer (list the synonyms people use), a cloze with more than one
    blank (one idea per card), a choice whose right option is the unique longest at 1.5 times
    the next longest, or the unique shortest at half the next shortest (the length gives it
    away)."""
    warnings = []
    for card in cards:
        for message in _unfair(card):
            warnings.append(Problem(card.path, card.line, f"warning: {message}"))
    return warnings


def _unfair(card: Flashcard) -> list[str]:
    if card.kind == TYPED and len(card.accepted) < 2:
        return ["a typed card with one accepted answer: list the other ways to say it "
                "(T: answer | synonym | abbreviation)"]
    if card.kind == CLOZE:
        blanks = sum(fill for _, fill in card.cloze_parts())
        if blanks > 1:
            return [f"a cloze with {blanks} blanks: hide one thing per card"]
    if card.kind == CHOICE:
        found = []
        for right in (choice for choice in card.choices if choice.correct):
            others = [len(choice.text) for choice in card.choices if choice is not right]
            size = len(right.text)
            if others and size >= LENGTH_CUE * max(others):
                found.append(f"the right option {right.text!r} is much longer than the others "
                             f"({size} characters against at most {max(others)})")
            elif others and size * SHORT_CUE <= min(others):
                found.append(f"the right option {right.text!r} is much shorter than the others "
                             f"({size} characters against at least {min(others)})")
        return found
    return []


def _blocks(text: str, first_line: int, path: str) -> list[_Block]:
    """Split the card text into blocks of fields, joining continuation lines."""
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, raw in enumerate(text.splitlines(), start=first_line):
        line = raw.strip()
        if not line:
            current = None
            continue
        if current is None:
            current = _Block()
            blocks.append(current)
        tag_match = TAG_LINE.match(line)
        choice_match = CHOICE_LINE.match(line)
        if tag_match:
            tag = tag_match.group(1)
            if tag not in TAGS:
                known = ", ".join(f"{t}:" for t in TAGS)
                current.problems.append(
                    Problem(path, number, f"unknown tag '{tag}:' (known tags: {known}, - [ ])")
                )
                continue
            current.fields.append(_Field(tag, line[2:].strip(), number))
        elif choice_match:
            mark = choice_match.group(1)
            if mark not in (" ", "", "x", "X"):
                current.problems.append(
                    Problem(path, number, f"choice mark '[{mark}]': use - [ ] or - [x]")
                )
                continue
            current.fields.append(
                _Field("-", choice_match.group(2).strip(), number, correct=mark in ("x", "X"))
            )
        elif LOOKS_LIKE_CHOICE.match(line):
            current.problems.append(
                Problem(path, number, "a choice must look like '- [ ] text' or '- [x] text'")
            )
        elif not current.fields:
            current.problems.append(
                Problem(path, number, f"a card must start with Q: or C:, found {line[:40]!r}")
            )
        else:
            last = current.fields[-1]
            joiner = "\n" if last.tag == "A" else " "
            last.text = f"{last.text}{joiner}{line}" if last.text else line
    return blocks


def _build_card(fields: list[_Field], lesson_id: str, path: str) -> tuple[Flashcard | None, list]:
    """Turn one block's fields into a card, or report why it cannot be one."""
    problems: list[Problem] = []
    first = fields[0]
    if first.tag not in ("Q", "C"):
        message = "a card must start with Q: or C:"
        if first.tag == "-":
            message = "a choice list must follow a Q: line"
        return None, [Problem(path, first.line, message)]

    by_tag: dict[str, _Field] = {}
    choices: list[_Field] = []
    for item in fields:
        if item.tag == "-":
            choices.append(item)
            continue
        if item.tag in by_tag:
            hint = " (separate cards with a blank line)" if item.tag in ("Q", "C") else ""
            problems.append(Problem(path, item.line, f"a second {item.tag}: in one card{hint}"))
            continue
        by_tag[item.tag] = item
    if problems:
        return None, problems
    if "Q" in by_tag and "C" in by_tag:
        return None, [Problem(path, by_tag["C"].line, "a card has both Q: and C:")]

    head = by_tag.get("Q") or by_tag["C"]
    text, card_id = head.text, None
    id_match = CARD_ID.search(text)
    if id_match:
        card_id, text = id_match.group(1), text[: id_match.start()].strip()
        if not ID_PATTERN.match(card_id):
            problems.append(
                Problem(path, head.line, f"card id '{card_id}': use lowercase letters, digits, -")
            )
    if not text:
        return None, problems + [Problem(path, head.line, f"empty {head.tag}: text")]
    card_id = card_id or derived_id(lesson_id, text)

    answer_field = by_tag.get("A")
    answer = answer_field.text if answer_field else ""
    if answer_field is not None and not answer:
        problems.append(Problem(path, answer_field.line, "empty answer after A:"))
    common = dict(id=card_id, lesson_id=lesson_id, question=text, answer=answer, path=path,
                  line=head.line)

    if head.tag == "C":
        for tag in ("T", "N"):
            if tag in by_tag:
                problems.append(Problem(path, by_tag[tag].line, f"a cloze card cannot have {tag}:"))
        if choices:
            problems.append(Problem(path, choices[0].line, "a cloze card cannot have choices"))
        cloze_problem = _check_cloze(text)
        if cloze_problem:
            problems.append(Problem(path, head.line, cloze_problem))
        return Flashcard(kind=CLOZE, **common), problems

    kinds = [name for name, present in (("T:", "T" in by_tag), ("N:", "N" in by_tag),
                                        ("a choice list", bool(choices))) if present]
    if len(kinds) > 1:
        problems.append(
            Problem(path, head.line, f"a card can have only one of T:, N: or a choice list "
                                     f"(found {' and '.join(kinds)})")
        )
        return None, problems
    if choices:
        for item in choices:
            if not item.text:
                problems.append(Problem(path, item.line, "empty choice text"))
        if len(choices) < 2:
            problems.append(
                Problem(path, choices[0].line, "a choice list needs at least 2 choices")
            )
        if not any(item.correct for item in choices):
            problems.append(
                Problem(path, choices[0].line, "no right answer: mark at least one choice - [x]")
            )
        options = tuple(Choice(item.text, item.correct) for item in choices)
        return Flashcard(kind=CHOICE, choices=options, **common), problems
    if "T" in by_tag:
        typed = by_tag["T"]
        accepted = tuple(part.strip() for part in typed.text.split("|"))
        if not typed.text:
            problems.append(Problem(path, typed.line, "empty answer after T:"))
        elif not all(normalise_words(part) for part in accepted):
            problems.append(
                Problem(path, typed.line, "an empty alternative in T: (check the | separators)")
            )
        return Flashcard(kind=TYPED, accepted=accepted, **common), problems
    if "N" in by_tag:
        numeric = by_tag["N"]
        value, tolerance, message = _parse_numeric(numeric.text)
        if message:
            problems.append(Problem(path, numeric.line, message))
        either_sign = bool(re.search(r",\s*either sign\s*$", numeric.text, re.I))
        return Flashcard(kind=NUMERIC, value=value, tolerance=tolerance, either_sign=either_sign,
                         **common), problems
    if answer_field is None:
        problems.append(
            Problem(path, head.line, "this Q: has no answer: add A:, T:, N: or a choice list")
        )
        return None, problems
    return Flashcard(kind=RECALL, **common), problems


def _check_cloze(text: str) -> str | None:
    """Why a cloze text is broken, or None: it needs balanced, non-empty [brackets]."""
    depth, opened, count = 0, 0, 0
    for position, char in enumerate(text):
        if char == "[":
            if depth:
                return "broken cloze: a [ inside another [ ] (brackets cannot nest)"
            depth, opened = 1, position
        elif char == "]":
            if not depth:
                return "broken cloze: a ] without its ["
            if not text[opened + 1 : position].strip():
                return "broken cloze: an empty [ ] (put the hidden words inside)"
            depth, count = 0, count + 1
    if depth:
        return "broken cloze: a [ is never closed with ]"
    if not count:
        return "broken cloze: no [brackets] around the words to hide"
    return None


def _parse_numeric(text: str) -> tuple[float, float, str | None]:
    """'0.5 +- 0.01' -> (0.5, 0.01, None); a bad value gives a message instead."""
    if not text:
        return 0.0, 0.0, "empty answer after N:"
    match = NUMERIC_ANSWER.match(text.strip())
    bad = (f"bad numeric answer {text!r}: write 'value +- tolerance', like 0.5 +- 0.01 "
           f"(add ', either sign' when the sign does not matter)")
    if not match:
        return 0.0, 0.0, bad
    try:
        value = read_number(match.group(1))
        tolerance = read_number(match.group(2)) if match.group(2) else 0.0
    except ValueError:  # the pattern lets through only numbers too large for a float, like 1e999
        return 0.0, 0.0, bad
    if tolerance < 0:
        return value, tolerance, f"bad tolerance {match.group(2)}: it cannot be negative"
    return value, tolerance, None
