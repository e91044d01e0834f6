"""The README's set-up commands are the ones CI runs, and its examples pass the checker."""

from __future__ import annotations

import re
from pathlib import Path

from gdtui.areas import place_names
from gdtui.course.cardfile import load_cards
from gdtui.course.lessons import load_course, parse_lesson

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    return [line for block in blocks[:2] for line in block.splitlines() if line.startswith("py")]


def test_ci_runs_the_readme_test_command():
    install, test = readme_commands()
    assert install.endswith("&& .venv/bin/gdtui")
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_lesson_example_is_a_valid_lesson(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```markdown\n(.*?)```", text, flags=re.S).group(1)
    path = tmp_path / "example.md"
    path.write_text(example, encoding="utf-8")
    lesson = parse_lesson(path)
    assert lesson.id == "loss" and "Q: What does a loss function produce?" in lesson.cards_text


def test_the_readme_names_every_screen_a_link_may_open():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"\(screens: ([a-z, ]+)\)", text).group(1).split(", ")
    assert listed == list(place_names())


def test_the_readme_counts_the_shipped_lessons_and_cards():
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    course = load_course()
    cards, _ = load_cards(course.lessons)
    words = "one two three four five six seven eight nine ten eleven twelve".split()
    assert f"{words[len(course.lessons) - 1]} short lessons" in text
    assert f"{len(cards)} cards from the lessons" in text
