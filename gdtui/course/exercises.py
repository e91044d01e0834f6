"""Predict-then-check exercises: a block in a lesson's Markdown, read into plain objects.

    ## Exercise: one step to the bottom

    ::: exercise one-step
    Predict: On the bowl L = w² + b², from w = 1, what does plain descent at rate 0.9 do?
    - [ ] creeps in
    - [x] zig-zags in
    - [ ] diverges
    Run: screen:landscape?model=bowl&optimizer=sgd&rate=0.9
    Measure: landscape.regime
    Why: rate × curvature = 0.9 × 2 = 1.8, between 1 and 2: each step overshoots, less each time.
    :::

A numeric prediction has ``N: 7`` (or ``N: 0.69 +- 0.02``, as numeric cards) instead of the
choices. ``Measure:`` names one of gdtui.measures, with an optional word after it (the
backprop stepper's weight); it computes the outcome from the ``Run:`` link's options with the
code the screen runs, so `gdtui check` can hold the marked answer against it. A broken block is
reported as ``file:line: message`` and left out; the lesson still loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gdtui.course.lessons import Lesson, Problem, link_options, parse_link
from gdtui.numbers import field_text, read_number

OPENING = re.compile(r"^:::\s*exercise\s+(\S+)\s*$")
OPENING_ANY = re.compile(r"^:::\s*exercise\b")
CLOSING = re.compile(r"^:::\s*$")
CHOICE = re.compile(r"^[-*]\s+\[([ xX])\]\s+(.+?)\s*$")
KEYED = re.compile(r"^(Predict|N|Run|Measure|Why):\s*(.*?)\s*$")
EXERCISE_HEADING = re.compile(r"^#{2,6}\s+Exercise:\s*(.+?)\s*$", re.IGNORECASE)
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NUMBER_SLACK = 1e-9


@dataclass(frozen=True)
class Exercise:
    """One exercise of a lesson: the question, what the learner picks from (or a number), the
    screen to run and how its outcome is measured, and why it comes out so."""

    id: str
    lesson_id: str
    title: str
    question: str
    choices: tuple[str, ...]
    answer: str | None
    """The marked choice, or None for a numeric exercise."""
    value: float | None
    tolerance: float
    run: str
    measure: str
    argument: str
    why: str
    line: int
    """Line of the ``::: exercise`` opening in the file."""

    @property
    def numeric(self) -> bool:
        """The prediction is a number, not a choice."""
        return self.value is not None

    @property
    def screen(self) -> str:
        """The screen the Run link opens."""
        return parse_link(self.run)[1]

    @property
    def options(self) -> dict[str, str]:
        """The Run link's options, which the screen opens with."""
        return link_options(self.run)

    def is_right(self, prediction: str | float, outcome: str | float) -> bool:
        """Whether a prediction matches what the app measured."""
        if self.numeric:
            try:
                return abs(float(prediction) - float(outcome)) <= self.tolerance + NUMBER_SLACK
            except (TypeError, ValueError):
                return False
        return str(prediction).casefold() == str(outcome).casefold()

    def author_is_right(self, outcome: str | float) -> bool:
        """Whether the lesson's own answer ([x] or N:) is what the app measured."""
        return self.is_right(self.value if self.numeric else self.answer or "", outcome)

    @property
    def key(self) -> str:
        """"lesson/exercise": unique in the course, what progress is saved under."""
        return f"{self.lesson_id}/{self.id}"


def show_value(value: str | float) -> str:
    """A prediction or outcome as the learner reads it."""
    return field_text(value) if isinstance(value, (int, float)) else value


def read_prediction(text: str) -> float:
    """A typed numeric prediction, or ValueError with a message to show."""
    return read_number(text, "your prediction", fractions=True,
                       message="Type a number, like 7 or 0.69.")


def parse_exercises(lesson: Lesson) -> tuple[list[Exercise], list[Problem]]:
    """The lesson's exercises, and the problems of the broken ones (which are left out)."""
    lines = lesson.body.splitlines()
    found: list[Exercise] = []
    problems: list[Problem] = []
    title = "Exercise"
    index = 0
    while index < len(lines):
        line = lines[index]
        heading = EXERCISE_HEADING.match(line)
        if heading:
            title = heading.group(1)
        if not OPENING_ANY.match(line):
            index += 1
            continue
        end = next((i for i in range(index + 1, len(lines)) if CLOSING.match(lines[i])), None)
        at = lesson.body_line + index
        if end is None:
            problems.append(Problem(str(lesson.path), at,
                                    "exercise is not closed: add a line with :::"))
            break
        exercise, wrong = _parse_block(lesson, title, lines[index:end], at)
        problems.extend(wrong)
        if exercise is not None:
            if any(each.id == exercise.id for each in found):
                problems.append(Problem(str(lesson.path), at,
                                        f"exercise id '{exercise.id}' is used twice"))
            else:
                found.append(exercise)
        title = "Exercise"
        index = end + 1
    return found, problems


def _parse_block(lesson: Lesson, title: str, block: list[str], at: int
                 ) -> tuple[Exercise | None, list[Problem]]:
    path = str(lesson.path)
    problems: list[Problem] = []
    opening = OPENING.match(block[0])
    exercise_id = opening.group(1) if opening else ""
    if not opening or not ID.match(exercise_id):
        problems.append(Problem(path, at, "write '::: exercise ID' (lowercase letters, digits, -)"))
    fields: dict[str, tuple[str, int]] = {}
    choices: list[tuple[str, bool]] = []
    last = ""
    for offset, raw in enumerate(block[1:], start=1):
        number, text = at + offset, raw.strip()
        if not text:
            continue
        keyed, choice = KEYED.match(text), CHOICE.match(text)
        if choice:
            choices.append((choice.group(2), choice.group(1) != " "))
            last = ""
        elif keyed:
            key = keyed.group(1)
            if key in fields:
                problems.append(Problem(path, number, f"'{key}:' is given twice"))
            fields[key] = (keyed.group(2), number)
            last = key
        elif last in ("Predict", "Why"):  # a long sentence on several lines
            value, first = fields[last]
            fields[last] = (f"{value} {text}", first)
        else:
            problems.append(Problem(path, number, f"unexpected line in exercise: {text!r} "
                                    "(use Predict:, - [ ] choices or N:, Run:, Measure:, Why:)"))
    for key in ("Predict", "Run", "Measure", "Why"):
        if not fields.get(key, ("", 0))[0]:
            problems.append(Problem(path, at, f"exercise has no '{key}:' line"))
    value, tolerance, answer = None, 0.0, None
    if "N" in fields and choices:
        problems.append(Problem(path, fields["N"][1], "an exercise has choices or N:, not both"))
    elif "N" in fields:
        from gdtui.course.cardfile import _parse_numeric  # the numeric cards' syntax

        value, tolerance, wrong = _parse_numeric(fields["N"][0])
        if wrong:
            problems.append(Problem(path, fields["N"][1], wrong))
    else:
        marked = [text for text, right in choices if right]
        if len(choices) < 2:
            problems.append(Problem(path, at, "exercise needs N: or at least two - [ ] choices"))
        elif len(marked) != 1:
            problems.append(Problem(path, at, "mark exactly one choice with [x]"))
        else:
            answer = marked[0]
    run, run_line = fields.get("Run", ("", at))
    kind, target = parse_link(run)
    if run and kind != "screen":
        problems.append(Problem(path, run_line, f"Run: wants a screen link, like "
                                f"screen:guess?rate=2, not {run!r}"))
    measure, _, argument = fields.get("Measure", ("", at))[0].partition(" ")
    from gdtui.course.lessons import _options_problem

    if kind == "screen" and (wrong := _options_problem(target, link_options(run), None)):
        problems.append(Problem(path, run_line, f"Run: {run}: {wrong}"))
    if problems:
        return None, problems
    title = title[:1].upper() + title[1:]
    return Exercise(exercise_id, lesson.id, title, fields["Predict"][0],
                    tuple(text for text, _ in choices), answer, value, tolerance, run, measure,
                    argument.strip(), fields["Why"][0], at), []


def shown_parts(lesson: Lesson) -> list[tuple[int, str]]:
    """The lesson's parts (Lesson.parts) as the reader shows them: each exercise block turned
    into readable text line for line (same line count, so every position still holds): a
    heading line with the key to press, the question and the choices; the answer, the link
    and the measure stay hidden until the learner has predicted."""
    lines = lesson.body.splitlines()
    exercises, _ = parse_exercises(lesson)
    by_line = {each.line - lesson.body_line: each for each in exercises}
    number = {each.id: place for place, each in enumerate(exercises, start=1)}
    shown = list(lines)
    index = 0
    while index < len(lines):
        if not OPENING_ANY.match(lines[index]):
            index += 1
            continue
        end = next((i for i in range(index + 1, len(lines)) if CLOSING.match(lines[i])),
                   len(lines) - 1)
        exercise = by_line.get(index)
        if exercise is None:
            shown[index] = "*(This exercise has a mistake in the lesson file.)*"
        else:
            which = f" {number[exercise.id]}" if len(exercises) > 1 else ""
            how = "type a number" if exercise.numeric else "pick one"
            shown[index] = (f"**✎ Predict, then check{which}:** press **e**, {how}, "
                            "then watch the app run it.  ")
        for inner in range(index + 1, end + 1):
            text = lines[inner].strip()
            keyed, choice = KEYED.match(text), CHOICE.match(text)
            if exercise is not None and choice:
                shown[inner] = f"- {choice.group(2)}"
            elif exercise is not None and keyed and keyed.group(1) == "Predict":
                shown[inner] = keyed.group(2)
            elif exercise is not None and not keyed and not CLOSING.match(text) and text:
                shown[inner] = lines[inner]  # the rest of a long question (or why: hidden)
                if _continues(lines, index, inner) != "Predict":
                    shown[inner] = ""
            else:
                shown[inner] = ""
        index = end + 1
    starts = [start for start, _ in lesson.parts()]
    ends = starts[1:] + [len(lines)]
    return [(start, "\n".join(shown[start:end])) for start, end in zip(starts, ends,
                                                                       strict=True)]


def _continues(lines: list[str], opening: int, at: int) -> str:
    """The key whose text a plain line inside a block goes on with."""
    for index in range(at - 1, opening, -1):
        keyed = KEYED.match(lines[index].strip())
        if keyed:
            return keyed.group(1)
        if CHOICE.match(lines[index].strip()):
            return ""
    return ""
