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
text the lesson screen shows. Links inside the app use ``lesson:ID`` and ``screen:NAME``;
``lesson:ID#ANCHOR`` opens a lesson at one of its sections (anchors as on GitHub: the heading in
lowercase, punctuation dropped, spaces as ``-``).
"""

from __future__ import annotations

import math
import re
import textwrap
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qsl

from gdtui.areas import place_names

REQUIRED_KEYS = ("id", "title", "order", "minutes", "summary")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
FLASHCARDS_HEADING = re.compile(r"^##\s+Flashcards\s*$", re.IGNORECASE)
LINK_PATTERN = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s{0,3}(```|~~~)")
WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
# Words too common to say which section a flashcard is about.
COMMON_WORDS = frozenset(
    "a an and are as at be by can do does each every for from has have how if in into is it its "
    "not of on one or so than that the their then this to two what when which why will with you "
    "your".split()
)
AT_END = 1.0
"""The saved reading position of a lesson left at its end."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, reported as ``file:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Section:
    """A heading of a lesson: where the lesson screen can open, and a line of its contents."""

    title: str
    """The heading as the learner reads it (inline Markdown removed)."""
    anchor: str
    """What ``lesson:ID#ANCHOR`` links use: unique within the lesson."""
    level: int
    line: int
    """Line of the heading in the lesson's body (0-based, as the Markdown parser counts)."""
    text: str
    """The heading and the text under it, up to the next heading."""


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

    @cached_property
    def line_count(self) -> int:
        """Lines in the body (at least 1, so a share of the lesson is never a division by 0)."""
        return max(1, len(self.body.splitlines()))

    @cached_property
    def sections(self) -> tuple[Section, ...]:
        """The body's headings in reading order (headings inside code blocks do not count)."""
        lines = self.body.splitlines()
        found: list[tuple[int, int, str]] = []
        fence = ""
        for number, line in enumerate(lines):
            opening = FENCE.match(line)
            if opening and (not fence or opening.group(1) == fence):
                fence = "" if fence else opening.group(1)
                continue
            heading = None if fence else HEADING.match(line)
            if heading:
                found.append((number, len(heading.group(1)), plain_text(heading.group(2))))
        used: Counter[str] = Counter()
        sections = []
        for index, (number, level, title) in enumerate(found):
            anchor = slug(title)
            used[anchor] += 1
            if used[anchor] > 1:
                anchor = f"{anchor}-{used[anchor] - 1}"
            end = found[index + 1][0] if index + 1 < len(found) else len(lines)
            text = "\n".join(lines[number:end])
            sections.append(Section(title, anchor, level, number, text))
        return tuple(sections)

    def section(self, anchor: str) -> Section | None:
        """The section a ``#anchor`` names, or None."""
        return next((each for each in self.sections if each.anchor == anchor), None)

    def section_at(self, line: float) -> Section | None:
        """The section a body line belongs to (None before the first heading)."""
        return next((each for each in reversed(self.sections) if each.line <= line), None)

    def section_for(self, *texts: str) -> Section | None:
        """The section these texts (a flashcard's question, answer, choices) are most about.

        Each section scores the words it shares with the texts; a word found in fewer sections
        counts more (``log(1 + sections / sections with the word)``). Ties go to the earlier
        section; None when no section shares a word.
        """
        wanted = _words(" ".join(texts))
        words_of = [_words(each.text) for each in self.sections]
        spread = Counter(word for words in words_of for word in words)
        count = len(self.sections)
        best, best_score = None, 0.0
        for each, words in zip(self.sections, words_of, strict=True):
            score = sum(math.log(1 + count / spread[word]) for word in wanted & words)
            if score > best_score:
                best, best_score = each, score
        return best

    def parts(self) -> list[tuple[int, str]]:
        """The body cut before each heading, as (first line, text): pieces the lesson screen
        can show one at a time (a long lesson's first screen comes at once), and each
        heading at the top of one (so the screen can bring any heading to the top exactly)."""
        lines = self.body.splitlines()
        starts = [0] + [each.line for each in self.sections if each.line > 0]
        ends = starts[1:] + [len(lines)]
        return [(start, "\n".join(lines[start:end])) for start, end in zip(starts, ends,
                                                                          strict=True)]

    def opening_line(self, saved: float) -> float:
        """Where the lesson opens, given its saved position (a share of the body's lines).

        A lesson is being resumed when the learner left it part-way: it opens at that line.
        A lesson never scrolled (0) or left at its end (``AT_END``) opens at its title.
        """
        return saved * self.line_count if 0 < saved < AT_END else 0.0

    def saved_position(self, line: float, at_end: bool) -> float:
        """The position to save for a reader whose top line is ``line`` (see opening_line)."""
        return AT_END if at_end else round(min(max(line / self.line_count, 0.0), 0.9999), 4)


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
                presets: Collection[str] | None = None,
                names: dict[str, Collection[str]] | None = None) -> Course:
    """Load every lesson in a directory; broken files are reported, good ones still load.

    `presets`: the lab's preset names, to check the links that name one (`gdtui check` does);
    None leaves the names to the lab, which says so if one is unknown. The names come from
    the training code, which loads NumPy: the app's start does without them. `names` does the
    same for every screen's named options ("landscape.model" -> the models)."""
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

    anchors = {lesson.id: {each.anchor for each in lesson.sections} for lesson in lessons}
    for lesson in lessons:
        problems.extend(check_links(lesson, set(by_id), anchors, presets, names))
    lessons.sort(key=lambda lesson: lesson.order)
    return Course(lessons, problems, broken)


def check_links(lesson: Lesson, known_ids: set[str], anchors: dict[str, set[str]] | None = None,
                presets: Collection[str] | None = None,
                names: dict[str, Collection[str]] | None = None) -> list[Problem]:
    """Problems with ``lesson:`` and ``screen:`` links; web links are not allowed in lessons.
    With ``anchors`` (lesson id -> its section anchors), a ``#section`` must exist too; a lab
    link's preset is checked against `presets` when they are given."""
    problems = []
    for line, href in lesson.links():
        kind, target = parse_link(href)
        anchor = link_anchor(href) or ""
        if kind == "lesson" and target not in known_ids:
            problems.append(Problem(str(lesson.path), line, f"link to unknown lesson '{target}'"))
        elif kind == "screen" and target not in place_names():
            known = ", ".join(place_names())
            problems.append(
                Problem(str(lesson.path), line, f"link to unknown screen '{target}' ({known})")
            )
        elif kind == "screen" and (wrong := _options_problem(target, link_options(href),
                                                             presets, names)):
            problems.append(Problem(str(lesson.path), line, f"link '{href}': {wrong}"))
        elif kind not in ("lesson", "screen") and not href.startswith("#"):
            problems.append(
                Problem(str(lesson.path), line, f"link '{href}': use lesson:ID or screen:NAME")
            )
        elif anchors is not None and (href.startswith("#") or (kind == "lesson" and anchor)):
            owner = target if kind == "lesson" else lesson.id
            anchor = anchor if kind == "lesson" else href[1:]
            if anchor not in anchors.get(owner, set()):
                problems.append(Problem(str(lesson.path), line,
                                        f"link to unknown section '#{anchor}' of '{owner}'"))
    return problems


def slug(title: str) -> str:
    """A heading's anchor as GitHub makes it: lowercase, punctuation dropped, spaces as -."""
    kept = "".join(c for c in title.strip().lower() if c.isalnum() or c in " -_")
    return re.sub(r"\s", "-", kept)


def plain_text(markdown: str) -> str:
    """Inline Markdown as read: links become their text; emphasis and code marks go."""
    text = LINK_PATTERN.sub(lambda match: match.group(1), markdown)
    return re.sub(r"[*_`]+", "", text).strip()


def hanging_lines(head: str, text: str, width: int, indent: str | None = None) -> list[str]:
    """``head`` then ``text`` wrapped at word boundaries to ``width`` columns, the lines after
    the first indented under the text (or by ``indent``): a sidebar entry that wraps like a
    list item. A word longer than the width is cut only when it cannot fit on a line alone."""
    indent = " " * len(head) if indent is None else indent
    return textwrap.wrap(text, max(width, len(head) + 1), initial_indent=head,
                         subsequent_indent=indent, break_on_hyphens=False) or [head.rstrip()]


def parts_to_fill(parts: list[tuple[int, str]], first_line: float, rows: int, width: int) -> int:
    """How many of a lesson's ``parts`` (see Lesson.parts) to build so that, from
    ``first_line`` on, about ``rows`` rows of text ``width`` columns wide are filled: every
    part up to the one holding the line, then more until the rows are full (a guess from the
    text alone: a line takes its length over the width, a heading 3 rows)."""
    count, filled = 0, 0
    for index, (start, text) in enumerate(parts):
        count = index + 1
        if index + 1 < len(parts) and parts[index + 1][0] <= first_line:
            continue  # the part holding first_line is further on
        for number, line in enumerate(text.splitlines(), start=start):
            if number >= first_line:  # a heading takes its row and the blank ones around it
                rows_of_line = 3 if HEADING.match(line) else math.ceil(len(line) / max(width, 1))
                filled += max(1, rows_of_line)
        if filled >= rows:
            break
    return count


def _words(text: str) -> set[str]:
    """The words of a text that can say what it is about: lowercase, singular, not common."""
    found = set()
    for word in WORD.findall(text.lower()):
        word = word.removesuffix("'s").removesuffix("’s")
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        if word not in COMMON_WORDS:
            found.add(word)
    return found


def parse_link(href: str) -> tuple[str, str]:
    """Split an in-app link into (kind, target): ('lesson', 'loss'), ('screen', 'guess').

    A screen link may carry options after a ``?`` (see link_options) and a lesson link an
    ``#anchor`` (see link_anchor); they are not the target.
    """
    kind, _, target = href.partition(":")
    if kind in ("lesson", "screen"):
        return kind, target.partition("#")[0].partition("?")[0]
    if href.startswith("#"):
        return "anchor", href[1:]
    return "external", href


# What each screen's link may ask for: option -> the kind of value (see _value_problem).
# Names (presets, models) are checked against `names` when given: they live in modules that
# load NumPy, which the app's start does without.
SCREEN_OPTIONS: dict[str, dict[str, str]] = {
    "lab": {"preset": "name", "steps": "steps", "l2": "l2"},
    "landscape": {"model": "name", "optimizer": "name", "rate": "rate", "batch": "batch"},
    "guess": {"rate": "rate", "secret": "secret"},
    "backprop": {"preset": "name", "target": "target", "probability": "probability"},
}
_VALUE_RULES = {
    "steps": (0, 100_000, True, "a whole number of steps from 0 to 100000, like 200"),
    "l2": (0, 10, False, "an L2 rate from 0 to 10, like 0.01"),
    "rate": (0, 100, False, "a learning rate above 0 and at most 100, like 0.5"),
    "secret": (1, 100, True, "a whole number from 1 to 100, like 37"),
    "batch": (1, 1000, True, "a whole number of points per step, like 1"),
    "target": (0, 1, False, "a target from 0 to 1 (what a sigmoid reaches), like 0"),
    "probability": (0, 1, False, "a probability from 0 to 1, like 0.05"),
}


def _value_problem(kind: str, text: str) -> str | None:
    """What is wrong with one option's value, or None."""
    low, high, whole, expected = _VALUE_RULES[kind]
    try:
        value = float(text)
    except ValueError:
        return f"'{text}' is not a number: {expected}"
    if not math.isfinite(value) or not low <= value <= high or (whole and value != int(value)):
        return f"'{text}': {expected}"
    if kind == "rate" and value == 0:
        return f"'{text}': {expected}"
    return None


def _options_problem(target: str, options: dict[str, str],
                     presets: Collection[str] | None,
                     names: dict[str, Collection[str]] | None = None) -> str | None:
    """What is wrong with a screen link's options, or None: each screen takes the options of
    SCREEN_OPTIONS; a name (a preset, a model) is checked against `names` ("lab.preset" ->
    the known ones) or, for the lab's preset, `presets`, when given."""
    if not options:
        return None
    allowed = SCREEN_OPTIONS.get(target, {})
    if not allowed:
        return f"screen:{target} takes no options"
    names = dict(names or {})
    if presets is not None:
        names.setdefault("lab.preset", presets)
    for key, value in options.items():
        kind = allowed.get(key)
        if kind is None:
            return f"unknown option '{key}' for screen:{target} ({', '.join(allowed)})"
        known = names.get(f"{target}.{key}")
        if kind == "name":
            if known is not None and value not in known:
                return f"unknown {key} '{value}' ({', '.join(known)})"
        elif wrong := _value_problem(kind, value):
            return f"{key} {wrong}"
    return None


def link_options(href: str) -> dict[str, str]:
    """The options of a ``screen:NAME?key=value`` link, which the screen opens with:
    ``screen:lab?preset=random+guess`` gives {'preset': 'random guess'}."""
    query = href.partition("#")[0].partition("?")[2]
    return dict(parse_qsl(query)) if query else {}


def link_anchor(href: str) -> str | None:
    """The section a link points at: ``lesson:loss#why-square`` -> ``why-square``."""
    anchor = href.partition("#")[2]
    return anchor or None
