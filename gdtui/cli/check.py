"""``gdtui check [PATH]``: validate lesson files (and the flashcards inside them).

Problems fail the check (exit 1); warnings (cards that load but are unfair to the learner, see
gdtui.course.cardfile.card_warnings) are printed and leave the exit code alone."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gdtui.course.lessons import (
    Problem,
    default_lessons_dir,
    lesson_files,
    load_course,
    parse_lesson,
)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``gdtui check``."""
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="a lesson directory or a single lesson file (default: the shipped course)",
    )


def unusable(path: Path) -> str | None:
    """Why `path` is neither a lesson file nor a folder with lesson files; None when it is one.

    A folder with no lesson in it is refused, not passed: "ok: 0 lesson file(s)" would say
    that a mistyped folder is a sound course."""
    if path.is_dir():
        try:
            with os.scandir(path):
                pass
        except OSError as error:
            return f"cannot read the folder: {error.strerror or error}"
        if not lesson_files(path):
            return "no lesson files here (a lesson is a .md file)"
        return None
    if path.is_file():
        return None
    if path.exists():  # a device, a pipe, a socket
        return "not a regular file: give a lesson file (.md) or a folder of them"
    if path.is_symlink():
        return "a link to nothing (broken, or a loop)"
    return "no such file or directory"


def check(path: Path) -> tuple[int, list[Problem]]:
    """Check a directory or one file; returns (lessons checked, problems)."""
    reason = unusable(path)
    if reason is not None:
        return 0, [Problem(str(path), 1, reason)]
    if path.is_file():
        try:
            lessons = [parse_lesson(path)]
        except Exception as error:  # LessonError carries its problems
            return 1, list(getattr(error, "problems", [Problem(str(path), 1, str(error))]))
        return len(lessons), _card_problems(lessons) + exercise_problems(lessons)
    from gdtui.measures import option_names  # NumPy: only when checking

    course = load_course(path, names=option_names())
    lessons, problems = course.lessons, list(course.problems)
    problems.extend(_card_problems(lessons))
    problems.extend(exercise_problems(lessons))
    return len(lessons) + len(course.broken), problems


def _card_problems(lessons: list) -> list[Problem]:
    from gdtui.course.cardfile import check_cards

    return check_cards(lessons)


def card_warnings(path: Path) -> list[Problem]:
    """Cards under `path` that load but are unfair (``file:line: warning: ...``)."""
    from gdtui.course.cardfile import card_warnings, load_cards

    if path.is_file():
        try:
            lessons = [parse_lesson(path)]
        except Exception:  # reported as a problem by check()
            return []
    else:
        lessons = load_course(path).lessons
    return card_warnings(load_cards(lessons)[0])


def exercise_problems(lessons: list) -> list[Problem]:
    """Broken exercises, and exercises whose marked answer ([x] or N:) is not what the app
    measures when it runs the exercise's screen (gdtui.measures)."""
    from gdtui.course.exercises import parse_exercises, show_value
    from gdtui.course.lessons import _options_problem
    from gdtui.measures import MEASURES, check_outcome, option_names

    names = option_names()
    problems: list[Problem] = []
    for lesson in lessons:
        exercises, broken = parse_exercises(lesson)
        problems.extend(broken)
        for each in exercises:
            where = (str(lesson.path), each.line)
            wrong = _options_problem(each.screen, each.options, None, names)
            if wrong:
                problems.append(Problem(*where, f"exercise '{each.id}': Run: {wrong}"))
                continue
            outcome, why_not = check_outcome(each.measure, each.options, each.argument)
            if why_not is None and MEASURES[each.measure].screen != each.screen:
                why_not = (f"measure '{each.measure}' is about screen:"
                           f"{MEASURES[each.measure].screen}, but Run: opens "
                           f"screen:{each.screen}")
            if why_not is not None:
                problems.append(Problem(*where, f"exercise '{each.id}': {why_not}"))
            elif not each.numeric and show_value(outcome) not in each.choices:
                problems.append(Problem(*where, f"exercise '{each.id}': the app measures "
                                        f"'{show_value(outcome)}', which is none of the choices"))
            elif not each.author_is_right(outcome):
                said = show_value(each.value) if each.numeric else each.answer
                problems.append(Problem(*where, f"exercise '{each.id}': the app measures "
                                        f"'{show_value(outcome)}', but the lesson says "
                                        f"'{said}'"))
    return problems


def run(args: argparse.Namespace) -> int:
    """Print ``file:line: message`` for each problem and each warning; exit 1 if there are
    problems (warnings alone leave it at 0).

    A path that is not a lesson file or a folder with lessons gets one line, and exit 1."""
    path = args.path or default_lessons_dir()
    reason = unusable(path)
    if reason is not None:
        print(f"gdtui check: {path}: {reason}", file=sys.stderr)
        return 1
    checked, problems = check(path)
    warnings = card_warnings(path)
    for problem in problems + warnings:
        print(problem, file=sys.stderr)
    noted = f", {len(warnings)} warning(s)" if warnings else ""
    if problems:
        print(f"{len(problems)} problem(s){noted} in {path}", file=sys.stderr)
        return 1
    print(f"ok: {checked} lesson file(s) in {path}{noted}")
    return 0
