"""``gdtui cards stats|export|list|grade``: flashcards without the UI.

``list --json`` prints every card as an object (the shape is in LIST_SHAPE); ``grade ID ANSWER``
grades one answer with the review screen's own code (gdtui.course.grading) and changes nothing.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from gdtui.course.cardfile import CLOZE, RECALL, SELF_GRADED, Flashcard, load_cards
from gdtui.course.lessons import Course, load_course

ANKI_HEADER = ("#separator:tab", "#html:false", "#tags column:3")
LIST_SHAPE = """Each card is an object: id, lesson (its lesson's id), kind (recall, cloze, choice,
typed or number), question (a cloze with its blank as _____), answer, explanation (the A: text
of a card the app grades, or null), file (path:line). The answer is: for recall, the A: text;
for cloze, the list of hidden words; for choice, the list of right options (all options are in
"options", in the file's order); for typed, the list of accepted answers; for number, an object
{"value", "tolerance", "either_sign"}."""


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``stats`` and ``export`` subcommands."""
    commands = parser.add_subparsers(dest="cards_command", metavar="ACTION")
    # SUPPRESS keeps a top-level `gdtui --data-dir X cards stats` from being overwritten.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS,
                        help="where progress is stored (same as gdtui --data-dir)")
    common.add_argument("--lessons", type=Path, default=argparse.SUPPRESS,
                        help="read cards from this lesson directory instead of the course")

    stats = commands.add_parser(
        "stats", parents=[common], help="what is due, reviews per day, retention, mastery",
        description="Show flashcard statistics: what is due, reviews per day, retention, "
        "streak and per-lesson mastery.",
    )
    stats.add_argument("--json", action="store_true", help="print the figures as JSON")

    export = commands.add_parser(
        "export", parents=[common], help="write the cards as a file Anki can import",
        description="Write every flashcard as a tab-separated file that Anki imports "
        "(front, back, tags). Use - to write to standard output.",
    )
    export.add_argument("file", type=Path, help="the file to write (- for standard output)")
    export.add_argument("--lesson", metavar="ID", help="only the cards of this lesson")

    listing = commands.add_parser(
        "list", parents=[common], help="list every card (--json for scripts)",
        description="List every flashcard: id, lesson, kind and question. " + LIST_SHAPE,
    )
    listing.add_argument("--json", action="store_true", help="print the cards as a JSON list")
    listing.add_argument("--lesson", metavar="ID", help="only the cards of this lesson")

    grade = commands.add_parser(
        "grade", parents=[common], help="say whether an answer to a card would be accepted",
        description="Grade ANSWER to the card ID (a typed, number or multiple-choice card; for "
        "a choice, give the option's text) exactly as the review screen would, without "
        "changing any schedule. Prints right or wrong and what is accepted; with --json, "
        '{"correct": true|false, "expected": ...} (expected as the answer of cards list). '
        "Exit 0 when graded, 1 when the answer cannot be read (correct is null), 2 for an "
        "unknown card or one the learner grades.",
    )
    grade.add_argument("card_id", metavar="ID", help="the card's id (see gdtui cards list)")
    grade.add_argument("answer", metavar="ANSWER", help="the answer, as a learner would type it")
    grade.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(cards_parser=parser)


def run(args: argparse.Namespace) -> int:
    """Run ``gdtui cards ACTION``; returns the exit code."""
    if args.cards_command is None:
        args.cards_parser.print_usage(sys.stderr)
        _error("choose an action: 'gdtui cards stats', 'export FILE', 'list' or "
               "'grade ID ANSWER'")
        return 2
    course = _course(getattr(args, "lessons", None))
    if course is None:
        return 2
    if args.cards_command == "stats":
        return _stats(args, course)
    if args.cards_command == "list":
        return _list(args, course)
    if args.cards_command == "grade":
        return _grade(args, course)
    return _export(args, course)


def _course(lessons_dir: Path | None) -> Course | None:
    if lessons_dir is not None and not lessons_dir.is_dir():
        _error(f"lesson directory not found: {lessons_dir}")
        return None
    course = load_course(lessons_dir)
    for problem in course.problems:  # a broken lesson is left out, never silently
        print(f"skipped: {problem}", file=sys.stderr)
    return course


def _error(message: str) -> None:
    print(f"gdtui cards: {message}", file=sys.stderr)


def _stats(args: argparse.Namespace, course: Course) -> int:
    from gdtui.course.schedule import stats_for
    from gdtui.store import Store, StoreError

    try:
        store = Store.open(getattr(args, "data_dir", None))
    except StoreError as error:
        _error(str(error))
        return 1
    if store.notice:
        _error(store.notice)
    try:
        stats = stats_for(store, course.lessons)
    finally:
        store.close()
    if args.json:
        print(json.dumps(stats.to_dict(), indent=2))
        return 0
    retention = "no reviews yet" if stats.retention is None else f"{stats.retention:.0%}"
    last_week = sum(count for _, count in stats.reviews_per_day[-7:])
    lines = [
        f"Cards: {stats.total_cards} ({stats.studied} studied, "
        f"{stats.total_cards - stats.studied} new)",
        f"Due now: {stats.due_now}   today: {stats.due_today}   tomorrow: {stats.due_tomorrow}"
        f"   this week: {stats.due_week}",
        f"Reviews: {stats.reviews_total} in all, {last_week} in the last 7 days",
        f"Retention (reviews not graded Again): {retention}",
        f"Streak: {stats.streak} day{'s' if stats.streak != 1 else ''}",
        "Mastery (cards you would still recall a week after reviewing them):",
    ]
    for lesson in stats.mastery:
        lines.append(
            f"  {lesson.title}: {lesson.mastered}/{lesson.cards} mastered "
            f"({lesson.share:.0%}), {lesson.studied} studied"
        )
    print("\n".join(lines))
    return 0


def anki_rows(cards: list[Flashcard]) -> list[tuple[str, str, str]]:
    """(front, back, tags) for each card; choices are listed on the front."""
    rows = []
    for card in cards:
        front = card.front()
        if card.choices:
            front += "\n" + "\n".join(f"{n}. {c.text}" for n, c in enumerate(card.choices, 1))
        tags = f"gdtui gdtui::{card.lesson_id}"
        rows.append((front, card.back(), tags))
    return rows


def anki_text(cards: list[Flashcard]) -> str:
    """The whole export file: Anki's header lines, then one tab-separated row per card."""
    out = io.StringIO()
    out.write("\n".join(ANKI_HEADER) + "\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    for row in anki_rows(cards):
        writer.writerow([field.replace("\t", " ") for field in row])
    return out.getvalue()


def _lesson_cards(args: argparse.Namespace, course: Course) -> list | None:
    """The cards of `--lesson` (all without it), the skipped ones said on stderr; None, with
    a message, for an unknown lesson."""
    cards, problems = load_cards(course.lessons)
    for problem in problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if args.lesson:
        if course.get(args.lesson) is None:
            known = ", ".join(lesson.id for lesson in course.lessons) or "none"
            _error(f"no lesson '{args.lesson}' (lessons: {known})")
            return None
        cards = [card for card in cards if card.lesson_id == args.lesson]
    return cards


def _export(args: argparse.Namespace, course: Course) -> int:
    cards = _lesson_cards(args, course)
    if cards is None:
        return 2
    if not cards:
        _error("there are no cards to export")
        return 1
    text = anki_text(cards)
    if str(args.file) == "-":
        sys.stdout.write(text)
        return 0
    try:
        args.file.write_text(text, encoding="utf-8")
    except OSError as error:
        _error(f"cannot write {args.file}: {error.strerror}")
        return 1
    print(f"wrote {len(cards)} card(s) to {args.file}", file=sys.stderr)
    return 0


def card_record(card: Flashcard) -> dict:
    """One card as ``cards list --json`` prints it (see LIST_SHAPE)."""
    from gdtui.course.grading import expected

    if card.kind == RECALL:
        answer: object = card.answer
    elif card.kind == CLOZE:
        answer = [text for text, hidden in card.cloze_parts() if hidden]
    else:
        answer = expected(card)
    record = {"id": card.id, "lesson": card.lesson_id, "kind": card.kind,
              "question": card.front(), "answer": answer,
              "explanation": None if card.kind in SELF_GRADED else card.answer or None,
              "file": f"{card.path}:{card.line}"}
    if card.choices:
        record["options"] = [choice.text for choice in card.choices]
    return record


def _list(args: argparse.Namespace, course: Course) -> int:
    cards = _lesson_cards(args, course)
    if cards is None:
        return 2
    if args.json:
        print(json.dumps([card_record(card) for card in cards], indent=2, ensure_ascii=False))
        return 0
    for card in cards:
        question = " ".join(card.front().split())
        print(f"{card.id}  [{card.kind}]  {question}")
    return 0


def _grade(args: argparse.Namespace, course: Course) -> int:
    from gdtui.course.grading import accepted_text, check_answer, expected

    cards, _ = load_cards(course.lessons)
    card = next((card for card in cards if card.id == args.card_id), None)
    if card is None:
        _error(f"no card with the id '{args.card_id}' (gdtui cards list shows every id)")
        return 2
    if card.self_graded:
        _error(f"card '{card.id}' is a {card.kind} card: the learner grades it, so there is no "
               f"answer to check (only choice, typed and number cards)")
        return 2
    right, message = check_answer(card, args.answer)
    if args.json:
        result = {"correct": right, "expected": expected(card)}
        if message:
            result["message"] = message
        print(json.dumps(result, ensure_ascii=False))
    elif right is None:
        print(message)
    else:
        print(f"{'right' if right else 'wrong'}: accepted: {accepted_text(card)}")
    return 1 if right is None else 0
