"""Lesson parsing: good files load, every kind of bad file is named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdtui.course.lessons import (
    LessonError,
    default_lessons_dir,
    load_course,
    parse_lesson,
    parse_link,
)
from tests.conftest import write_lesson


def problems_of(path: Path) -> list[str]:
    with pytest.raises(LessonError) as caught:
        parse_lesson(path)
    return [str(p) for p in caught.value.problems]


def test_a_good_lesson_loads_with_its_front_matter(tmp_path):
    path = write_lesson(tmp_path, "01-a.md", id="first", order=1, title="First steps")
    lesson = parse_lesson(path)
    assert (lesson.id, lesson.title, lesson.order, lesson.minutes) == ("first", "First steps", 1, 3)
    assert lesson.summary == "A lesson for tests."
    assert lesson.body.startswith("# First steps")
    assert lesson.body_line == 8


def test_flashcards_section_is_split_off_from_the_text(tmp_path):
    body = "Some text.\n\n## Flashcards\n\nQ: What?\nA: That."
    lesson = parse_lesson(write_lesson(tmp_path, "a.md", id="a", order=1, body=body))
    assert "Flashcards" not in lesson.body
    assert "Q: What?" in lesson.cards_text
    assert lesson.cards_line == 12
    assert lesson.path.read_text().splitlines()[lesson.cards_line - 1] == "## Flashcards"


def test_empty_file_is_reported(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("  \n")
    assert problems_of(path) == [f"{path}:1: the file is empty"]


def test_bytes_that_are_not_utf8_name_their_line(tmp_path):
    path = tmp_path / "latin.md"
    path.write_bytes(b"---\nid: a\ntitle: caf\xe9\n")
    assert problems_of(path) == [f"{path}:3: not valid UTF-8 text (save the file as UTF-8)"]


def test_missing_front_matter(tmp_path):
    path = tmp_path / "plain.md"
    path.write_text("# Just a heading\n")
    assert problems_of(path) == [
        f"{path}:1: missing front matter: the file must start with ---"
    ]


def test_unclosed_front_matter(tmp_path):
    path = tmp_path / "open.md"
    path.write_text("---\nid: a\ntitle: A\n")
    assert problems_of(path) == [f"{path}:1: front matter is not closed: add a line with ---"]


def test_missing_and_invalid_keys_are_each_reported(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\nid: Bad Id\ntitle: T\norder: two\nminutes: 500\nnonsense\n---\n# T\n")
    assert problems_of(path) == [
        f"{path}:6: expected 'key: value', found 'nonsense'",
        f"{path}:7: front matter is missing 'summary'",
        f"{path}:2: id 'Bad Id': use lowercase letters, digits, -",
        f"{path}:4: 'order' must be a whole number",
        f"{path}:5: 'minutes' must be between 1 and 120",
    ]


def test_front_matter_without_text(tmp_path):
    path = tmp_path / "short.md"
    path.write_text("---\nid: a\ntitle: A\norder: 1\nminutes: 3\nsummary: s\n---\n\n")
    assert problems_of(path) == [f"{path}:8: the lesson has no text after the front matter"]


def test_broken_files_are_listed_while_good_ones_load(tmp_path):
    write_lesson(tmp_path, "01-a.md", id="a", order=1)
    write_lesson(tmp_path, "02-b.md", id="b", order=2)
    (tmp_path / "03-empty.md").write_text("")
    write_lesson(tmp_path, "04-dup.md", id="a", order=4)
    write_lesson(tmp_path, "05-dup-order.md", id="e", order=2)
    course = load_course(tmp_path)
    assert [lesson.id for lesson in course.lessons] == ["a", "b"]
    assert set(course.broken) == {"03-empty.md", "04-dup.md", "05-dup-order.md"}
    messages = [str(p) for p in course.problems]
    assert f"{tmp_path / '04-dup.md'}:2: duplicate id 'a': already used by 01-a.md" in messages
    assert f"{tmp_path / '05-dup-order.md'}:2: duplicate order 2: already used by 02-b.md" in (
        messages
    )


def test_links_to_unknown_lessons_and_screens_are_problems(tmp_path):
    body = "See [b](lesson:b) and [x](lesson:nope).\n\nPlay [it](screen:guess) [bad](screen:zoo)."
    write_lesson(tmp_path, "01-a.md", id="a", order=1, body=body)
    write_lesson(tmp_path, "02-b.md", id="b", order=2, body="[web](https://example.org)")
    course = load_course(tmp_path)
    a, b = tmp_path / "01-a.md", tmp_path / "02-b.md"
    assert [str(p) for p in course.problems] == [
        f"{a}:10: link to unknown lesson 'nope'",
        f"{a}:12: link to unknown screen 'zoo' "
        "(home, lessons, cards, guess, lab, backprop, landscape)",
        f"{b}:10: link 'https://example.org': use lesson:ID or screen:NAME",
    ]
    assert len(course.lessons) == 2  # a bad link does not hide the lesson


def test_lessons_are_in_reading_order_not_file_order(tmp_path):
    write_lesson(tmp_path, "z.md", id="first", order=1)
    write_lesson(tmp_path, "a.md", id="second", order=2)
    assert [lesson.id for lesson in load_course(tmp_path).lessons] == ["first", "second"]


def test_parse_link_kinds():
    assert parse_link("lesson:loss") == ("lesson", "loss")
    assert parse_link("screen:guess") == ("screen", "guess")
    assert parse_link("lesson:loss#squares") == ("lesson", "loss")
    assert parse_link("#part") == ("anchor", "part")
    assert parse_link("https://x.org") == ("external", "https://x.org")


def test_the_shipped_course_has_no_problems():
    course = load_course(default_lessons_dir())
    assert course.problems == []
    assert 5 <= len(course.lessons) <= 8
    for lesson in course.lessons:
        assert 3 <= lesson.minutes <= 8, lesson.id
        words = len(lesson.body.split())
        # A reading speed of roughly 120-250 words a minute for math-heavy text.
        assert 120 * lesson.minutes * 0.6 <= words <= 250 * lesson.minutes, (lesson.id, words)


def test_link_choices_list_in_app_links_once_in_reading_order(tmp_path):
    body = (
        "[Lab](screen:lab) and [the web](https://example.org) and [a part](#part).\n\n"
        "[Loss](lesson:loss#why-square), [the lab again](screen:lab), [](lesson:adam)\n"
    )
    lesson = parse_lesson(write_lesson(tmp_path, "a.md", id="a", order=1, body=body))
    assert lesson.link_choices() == [
        ("Lab", "screen:lab"), ("Loss", "lesson:loss#why-square"), ("lesson:adam", "lesson:adam")
    ]
    assert [href for _, href in lesson.links()] == [
        "screen:lab", "https://example.org", "#part", "lesson:loss#why-square", "screen:lab",
        "lesson:adam",
    ]
