"""``gdtui check [PATH]``: validate lesson files (and the flashcards inside them)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gdtui.course.lessons import Problem, default_lessons_dir, load_course, parse_lesson


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``gdtui check``."""
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="a lesson directory or a single lesson file (default: the shipped course)",
    )


def check(path: Path) -> tuple[int, list[Problem]]:
    """Check a directory or one file; returns (lessons checked, problems)."""
    if path.is_file():
        try:
            lessons = [parse_lesson(path)]
        except Exception as error:  # LessonError carries its problems
            return 1, list(getattr(error, "problems", [Problem(str(path), 1, str(error))]))
        problems: list[Problem] = []
    elif path.is_dir():
        from gdtui.training.settings import PRESETS  # NumPy: only when checking

        course = load_course(path, presets=PRESETS)
        lessons, problems = course.lessons, list(course.problems)
        checked = len(lessons) + len(course.broken)
        problems.extend(_card_problems(lessons))
        return checked, problems
    else:
        return 0, [Problem(str(path), 1, "no such file or directory")]
    problems.extend(_card_problems(lessons))
    return len(lessons), problems


def _card_problems(lessons: list) -> list[Problem]:
    from gdtui.course.cardfile import check_cards

    return check_cards(lessons)


def run(args: argparse.Namespace) -> int:
    """Print ``file:line: message`` for each problem; exit 1 if there are any."""
    path = args.path or default_lessons_dir()
    checked, problems = check(path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {path}", file=sys.stderr)
        return 1
    print(f"ok: {checked} lesson file(s) in {path}")
    return 0
