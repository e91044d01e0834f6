"""``gdtui serve report [--root DIR] [--json | --csv]``: the teacher's class table, without the
server: a plain table, JSON (the rows and the summary) or CSV (one row per learner).

It reads every learner's progress read-only (gdtui.serve.classroom), so it can run while the
server does. Run it as the user the server runs as: SQLite may create the small companion files
a reader needs (gdtui.db-shm) in a learner's folder, and they must stay theirs.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

CSV_FIELDS = ("name", "guest", "online", "area", "last_active", "lessons_read", "exercises",
              "predictions_right", "cards_studied", "due", "overdue", "reviews", "recall",
              "guess_best", "challenges", "problem")


def run(args: argparse.Namespace, root: Path) -> int:
    """Print the class of the server's folder ``root``; 2 with a message when it is not there."""
    lessons = getattr(args, "serve_lessons", None) or args.lessons
    if lessons is not None and not lessons.is_dir():
        print(f"gdtui serve report: lesson directory not found: {lessons}", file=sys.stderr)
        return 2
    if not root.is_dir():
        print(f"gdtui serve report: there is no gdtui serve folder at {root}: give the one the "
              "server uses with --root DIR", file=sys.stderr)
        return 2
    from gdtui.course.lessons import load_course
    from gdtui.serve.classroom import read_class, summarize
    from gdtui.store import now

    course = load_course(lessons)
    at = now()
    rows = read_class(root, course, at)
    summary = summarize(rows, course)
    if args.json:
        print(json.dumps({"root": str(root), "at": at.isoformat(), "summary": summary.to_dict(),
                          "learners": [row.to_dict() for row in rows]}, indent=2))
    elif args.csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row.to_dict())
        sys.stdout.write(out.getvalue())
    else:
        print(text_report(rows, summary, at))
    return 0


def text_report(rows, summary, at) -> str:
    """The summary, then the table as the class screen shows it; guests under their own
    heading, and each unreadable store's reason below."""
    from gdtui.serve.classroom import COLUMNS, cells

    lines = [*summary.lines(), ""]
    if not rows:
        return "\n".join([*lines, "No learner has logged in yet."])
    table = [[column.header for column in COLUMNS]]
    groups = [("", [row for row in rows if not row.guest]),
              ("Guests (--open)", [row for row in rows if row.guest])]
    for title, members in groups:
        if title and members:
            table.append([title])
        table += [cells(row, at) for row in members]
    widths = [max(len(line[i]) for line in table if len(line) > 1) for i in range(len(COLUMNS))]
    for line in table:
        if len(line) == 1:
            lines.append(line[0])
        else:
            lines.append("  ".join(cell.ljust(width) if i < 3 else cell.rjust(width)
                                   for i, (cell, width) in enumerate(zip(line, widths,
                                                                         strict=True))).rstrip())
    problems = [f"{row.name}{' (guest)' if row.guest else ''}: {row.problem}"
                for row in rows if row.unreadable]
    return "\n".join(lines + ([""] + problems if problems else []))
