"""Lesson files: Markdown with a small front matter block, read into plain objects.

A lesson file looks like this::

    ---
    id: loss
    title: Measuring the mistake
    order: 2
    minutes: 5
    summary: One number that says how wrong the network is.
    ---
    # Measuring the mistake
    ...
    ## Flashcards
    Q: ...

The front matter is one ``key: value`` per line (not full YAML), which keeps line numbers exact
for error messages. Everything from a ``## Flashcards`` heading on belongs to the cards, not to the
text the lesson screen shows. Links inside the app use ``lesson:ID`` and ``screen:NAME``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

from gdtui.areas import place_names

REQUIRED_KEYS = ("id", "title", "order", "minutes", "summary")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FLASHCARDS_HEADING = re.compile(r"^##\s+Flashcards\s*$", re.IGNORECASE)
LINK_PATTERN = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")



@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, reported as ``file:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class Lesson:
    """A parsed lesson: its front matter, the text to show, and its flashcard source."""

    id: str
    title: str
    order: int
    minutes: int
    summary: str
    body: str
    path: Path
    body_line: int = 1
    """Line number in the file where ``body`` starts (1-based)."""
    cards_text: str = ""
    cards_line: int = 0
    """Line number of the ``## Flashcards`` heading, 0 if the lesson has no cards."""
    extra: dict[str, str] = field(default_factory=dict)

    def links(self) -> list[tuple[int, str]]:
        """Every link target in the body as (line number in the file, href)."""
        found = []
        for offset, line in enumerate(self.body.splitlines()):
            for match in LINK_PATTERN.finditer(line):
                found.append((self.body_line + offset, match.group(2)))
        return found

    def link_choices(self) -> list[tuple[str, str]]:
        """The lesson's links to other lessons and screens as (text, href), each href once, in
        reading order: what a keyboard user can pick from instead of clicking."""
        seen: dict[str, str] = {}
        for line in self.body.splitlines():
            for match in LINK_PATTERN.finditer(line):
                text, href = match.group(1).strip(), match.group(2)
                if parse_link(href)[0] in ("lesson", "screen") and href not in seen:
                    seen[href] = text or href
        return [(text, href) for href, text in seen.items()]


@dataclass
class Course:
    """All lessons of a directory in reading order, plus the problems of the broken files."""

    lessons: list[Lesson]
    problems: list[Problem]
    broken: dict[str, list[Problem]] = field(default_factory=dict)
    """File name -> its problems, for files that could not be loaded at all."""

    def get(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, or None."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def index(self, lesson_id: str) -> int:
        """Position of a lesson in reading order (-1 if unknown)."""
        return next((i for i, lesson in enumerate(self.lessons) if lesson.id == lesson_id), -1)


class LessonError(Exception):
    """A lesson file that cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def default_lessons_dir() -> Path:
    """Where the shipped course lives: inside the package when installed, else the source tree."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "_lessons"
    if installed.is_dir():
        return installed
    return package.parent / "lessons"


def parse_lesson(path: Path, text: str | None = None) -> Lesson:
    """Read one lesson file. Raises LessonError naming the file and line of each problem."""
    name = str(path)
    if text is None:
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise LessonError([Problem(name, 1, f"cannot read file: {error.strerror}")]) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise LessonError(
                [Problem(name, line, "not valid UTF-8 text (save the file as UTF-8)")]
            ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise LessonError([Problem(name, 1, "the file is empty")])

    lines = text.splitlines()
    if lines[0].strip() != "---":
        raise LessonError([Problem(name, 1, "missing front matter: the file must start with ---")])
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise LessonError([Problem(name, 1, "front matter is not closed: add a line with ---")])

    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}
    problems: list[Problem] = []
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, colon, value = line.partition(":")
        key = key.strip()
        if not colon or not key:
            problems.append(Problem(name, number, f"expected 'key: value', found {line.strip()!r}"))
            continue
        if key in meta:
            problems.append(Problem(name, number, f"'{key}' is given twice"))
        meta[key] = value.strip()
        meta_lines[key] = number

    for key in REQUIRED_KEYS:
        if key not in meta:
            problems.append(Problem(name, end + 1, f"front matter is missing '{key}'"))
        elif not meta[key]:
            problems.append(Problem(name, meta_lines[key], f"'{key}' is empty"))

    lesson_id = meta.get("id", "")
    if lesson_id and not ID_PATTERN.match(lesson_id):
        problems.append(
            Problem(name, meta_lines["id"], f"id {lesson_id!r}: use lowercase letters, digits, -")
        )
    numbers: dict[str, int] = {}
    for key, low, high in (("order", 0, 10_000), ("minutes", 1, 120)):
        value = meta.get(key)
        if not value:
            continue
        try:
            numbers[key] = int(value)
        except ValueError:
            problems.append(Problem(name, meta_lines[key], f"'{key}' must be a whole number"))
            continue
        if not low <= numbers[key] <= high:
            problems.append(
                Problem(name, meta_lines[key], f"'{key}' must be between {low} and {high}")
            )
    if problems:
        raise LessonError(problems)

    body_lines = lines[end + 1 :]
    cards_at = next(
        (i for i, line in enumerate(body_lines) if FLASHCARDS_HEADING.match(line)), None
    )
    cards_text, cards_line = "", 0
    if cards_at is not None:
        cards_text = "\n".join(body_lines[cards_at + 1 :])
        cards_line = end + 2 + cards_at
        body_lines = body_lines[:cards_at]
    body = "\n".join(body_lines).strip("\n")
    if not body.strip():
        raise LessonError([Problem(name, end + 2, "the lesson has no text after the front matter")])
    leading_blank = next((i for i, line in enumerate(body_lines) if line.strip()), 0)
    extra = {k: v for k, v in meta.items() if k not in REQUIRED_KEYS}
    return Lesson(
        id=lesson_id,
        title=meta["title"],
        order=numbers["order"],
        minutes=numbers["minutes"],
        summary=meta["summary"],
        body=body,
        path=path,
        body_line=end + 2 + leading_blank,
        cards_text=cards_text,
        cards_line=cards_line,
        extra=extra,
    )


def lesson_files(directory: Path) -> list[Path]:
    """The ``*.md`` files of a directory, sorted by name (README.md excluded)."""
    return sorted(p for p in directory.glob("*.md") if p.name.lower() != "readme.md")


def load_course(directory: Path | None = None, *,
                presets: Collection[str] | None = None) -> Course:
    """Load every lesson in a directory; broken files are reported, good ones still load.

    `presets`: the lab's preset names, to check the links that name one (`gdtui check` does);
    None leaves the names to the lab, which says so if one is unknown. The names come from
    the training code, which loads NumPy: the app's start does without them."""
    directory = directory or default_lessons_dir()
    lessons: list[Lesson] = []
    problems: list[Problem] = []
    broken: dict[str, list[Problem]] = {}
    if not directory.is_dir():
        problem = Problem(str(directory), 1, "lesson directory not found")
        return Course([], [problem], {directory.name: [problem]})

    by_id: dict[str, Lesson] = {}
    by_order: dict[int, Lesson] = {}
    for path in lesson_files(directory):
        try:
            lesson = parse_lesson(path)
        except LessonError as error:
            problems.extend(error.problems)
            broken[path.name] = error.problems
            continue
        clash = by_id.get(lesson.id) or by_order.get(lesson.order)
        if clash is not None:
            what = f"id '{lesson.id}'" if lesson.id in by_id else f"order {lesson.order}"
            problem = Problem(str(path), 2, f"duplicate {what}: already used by {clash.path.name}")
            problems.append(problem)
            broken[path.name] = [problem]
            continue
        by_id[lesson.id] = lesson
        by_order[lesson.order] = lesson
        lessons.append(lesson)

    for lesson in lessons:
        problems.extend(check_links(lesson, set(by_id), presets))
    lessons.sort(key=lambda lesson: lesson.order)
    return Course(lessons, problems, broken)


def check_links(lesson: Lesson, known_ids: set[str],
                presets: Collection[str] | None = None) -> list[Problem]:
    """Problems with ``lesson:`` and ``screen:`` links; web links are not allowed in lessons.
    A lab link's preset is checked against `presets` when they are given."""
    problems = []
    for line, href in lesson.links():
        kind, target = parse_link(href)
        if kind == "lesson" and target not in known_ids:
            problems.append(Problem(str(lesson.path), line, f"link to unknown lesson '{target}'"))
        elif kind == "screen" and target not in place_names():
            known = ", ".join(place_names())
            problems.append(
                Problem(str(lesson.path), line, f"link to unknown screen '{target}' ({known})")
            )
        elif kind == "screen" and (wrong := _options_problem(target, link_options(href),
                                                             presets)):
            problems.append(Problem(str(lesson.path), line, f"link '{href}': {wrong}"))
        elif kind not in ("lesson", "screen") and not href.startswith("#"):
            problems.append(
                Problem(str(lesson.path), line, f"link '{href}': use lesson:ID or screen:NAME")
            )
    return problems


def parse_link(href: str) -> tuple[str, str]:
    """Split an in-app link into (kind, target): ('lesson', 'loss'), ('screen', 'guess').

    A screen link may carry options after a ``?`` (see link_options); they are not the target.
    """
    kind, _, target = href.partition(":")
    if kind in ("lesson", "screen"):
        return kind, target.partition("#")[0].partition("?")[0]
    if href.startswith("#"):
        return "anchor", href[1:]
    return "external", href


def _options_problem(target: str, options: dict[str, str],
                     presets: Collection[str] | None) -> str | None:
    """What is wrong with a screen link's options, or None: only the lab takes one, a preset."""
    if not options:
        return None
    if target != "lab" or set(options) != {"preset"}:
        return "only screen:lab takes an option, preset=NAME"
    if presets is not None and options["preset"] not in presets:
        return f"unknown preset '{options['preset']}' ({', '.join(presets)})"
    return None


def link_options(href: str) -> dict[str, str]:
    """The options of a ``screen:NAME?key=value`` link, which the screen opens with:
    ``screen:lab?preset=random+guess`` gives {'preset': 'random guess'}."""
    query = href.partition("#")[0].partition("?")[2]
    return dict(parse_qsl(query)) if query else {}
