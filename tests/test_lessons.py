"""Lesson parsing: good files load, every kind of bad file is named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdtui.course.cardfile import load_cards
from gdtui.course.lessons import (
    AT_END,
    LessonError,
    default_lessons_dir,
    hanging_lines,
    link_anchor,
    load_course,
    parse_lesson,
    parse_link,
    parts_to_fill,
    plain_text,
    slug,
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
    assert link_anchor("lesson:loss#squares") == "squares"
    assert link_anchor("lesson:loss") is None


def test_links_to_unknown_sections_are_problems(tmp_path):
    body = "[ok](lesson:b#step-2-loss) [no](lesson:b#step-9) [here](#a-part) [gone](#nothing)\n\n" \
           "## A part"
    write_lesson(tmp_path, "01-a.md", id="a", order=1, body=body)
    write_lesson(tmp_path, "02-b.md", id="b", order=2, body="## Step 2: loss")
    a = tmp_path / "01-a.md"
    assert [str(p) for p in load_course(tmp_path).problems] == [
        f"{a}:10: link to unknown section '#step-9' of 'b'",
        f"{a}:10: link to unknown section '#nothing' of 'a'",
    ]


SECTIONED = """# The title

Intro words.

## One number for "how wrong"

Text about **loss**.

```
# not a heading: inside a code block
```

## Step 2: `loss` and [links](lesson:x)

More text.

### A detail

## Step 2: loss
"""


def test_sections_are_the_headings_outside_code_with_unique_anchors(tmp_path):
    lesson = parse_lesson(write_lesson(tmp_path, "a.md", id="a", order=1, body=SECTIONED))
    body = lesson.body.splitlines()
    assert [(s.title, s.anchor, s.level) for s in lesson.sections] == [
        ("A", "a", 1),  # the file's own "# {title}" line comes first
        ("The title", "the-title", 1),
        ('One number for "how wrong"', "one-number-for-how-wrong", 2),
        ("Step 2: loss and links", "step-2-loss-and-links", 2),
        ("A detail", "a-detail", 3),
        ("Step 2: loss", "step-2-loss", 2),
    ]
    for section in lesson.sections:  # the line is where the heading is in the body
        assert body[section.line].lstrip("#").strip().startswith(section.title.split()[0])
    assert lesson.section("a-detail").text.strip() == "### A detail"
    assert lesson.section("nope") is None
    assert lesson.section_at(lesson.section("a-detail").line + 1).title == "A detail"


def test_anchors_are_made_like_githubs():
    assert slug("Cross-entropy: loss as surprise") == "cross-entropy-loss-as-surprise"
    assert slug("What a gradient's sign and size say") == "what-a-gradients-sign-and-size-say"
    assert slug("Adam: a step size for every weight") == "adam-a-step-size-for-every-weight"
    assert plain_text("**Bold** `code` and [a link](lesson:x)") == "Bold code and a link"


def test_parts_cut_the_body_before_each_heading(tmp_path):
    lesson = parse_lesson(write_lesson(tmp_path, "a.md", id="a", order=1, body=SECTIONED))
    parts = lesson.parts()
    assert "\n".join(text for _, text in parts) == lesson.body
    assert [start for start, _ in parts] == [0] + [s.line for s in lesson.sections[1:]]
    assert all(text.startswith("#") for _, text in parts)
    assert "# not a heading" in parts[2][1]  # a # line in a code block cuts nothing


def test_parts_to_fill_a_screen():
    parts = [(0, "# T"), (1, "x" * 100 + "\n\nshort"), (4, "a\nb\nc"), (7, "end")]
    # 3 rows for the title, 10 + 1 + 1 for the next part at 10 columns: 15 rows in two parts
    assert parts_to_fill(parts, 0, 15, 10) == 2
    assert parts_to_fill(parts, 0, 16, 10) == 3
    assert parts_to_fill(parts, 0, 100, 10) == 4
    assert parts_to_fill(parts, 5, 1, 10) == 3  # from line 5 on: every part up to it
    assert parts_to_fill(parts, 5, 3, 10) == 4


def test_a_lesson_opens_at_its_title_unless_left_part_way(tmp_path):
    lesson = parse_lesson(write_lesson(tmp_path, "a.md", id="a", order=1, body=SECTIONED))
    lines = lesson.line_count
    assert lesson.opening_line(0.0) == 0  # never scrolled
    assert lesson.opening_line(AT_END) == 0  # finished: reading it again starts at the title
    assert lesson.opening_line(0.5) == 0.5 * lines  # left part-way: resumed
    assert lesson.saved_position(lines / 4, at_end=False) == 0.25
    assert lesson.saved_position(lines - 1, at_end=True) == AT_END
    assert lesson.saved_position(lines, at_end=False) < AT_END  # the end is only the end


def test_a_flashcard_belongs_to_the_section_it_shares_most_words_with(tmp_path):
    body = ("## Mean squared error\n\nSquare each difference, then take the mean.\n\n"
            "## Cross-entropy\n\nThe loss for categories: minus the log of a probability.\n")
    lesson = parse_lesson(write_lesson(tmp_path, "a.md", id="a", order=1, body=body))
    assert lesson.section_for("What does cross-entropy measure for a category?").anchor == (
        "cross-entropy")
    assert lesson.section_for("Which loss squares", "each difference").anchor == (
        "mean-squared-error")
    assert lesson.section_for("nothing in common whatsoever") is None


def test_every_shipped_flashcard_has_a_section_to_open_at():
    course = load_course(default_lessons_dir())
    cards, _ = load_cards(course.lessons)
    for card in cards:
        lesson = course.get(card.lesson_id)
        texts = (card.question, card.answer, *card.accepted, *(c.text for c in card.choices))
        assert lesson.section_for(*texts) is not None, card.id
    by_question = {card.question: card for card in cards}
    card = by_question["The network gives the correct class a probability of 0.95. "
                       "What is the cross-entropy loss, in nats?"]
    loss = course.get("loss")
    assert loss.section_for(card.question, card.answer).title == "Cross-entropy: loss as surprise"


def test_sidebar_entries_wrap_at_whole_words_under_their_text():
    assert hanging_lines("✓ 3. ", "Backpropagation, step by step", 21) == [
        "✓ 3. Backpropagation,", "     step by step"]
    assert hanging_lines("· ", "Where the weights come from", 20) == [
        "· Where the weights", "  come from"]
    assert hanging_lines("  1 ", "Short", 20) == ["  1 Short"]
    assert hanging_lines("", "Backpropagation, step by step", 20, "  ") == [
        "Backpropagation,", "  step by step"]


def test_the_shipped_course_has_no_problems():
    course = load_course(default_lessons_dir())
    assert course.problems == []
    assert 5 <= len(course.lessons) <= 8
    for lesson in course.lessons:
        # Short lessons: the loss lesson, with its section on ten classes, is the longest.
        assert 3 <= lesson.minutes <= 10, lesson.id
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
