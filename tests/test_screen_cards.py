"""Pilot tests: a learner reviews flashcards end to end."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from gdtui.course.schedule import AGAIN, EASY, GOOD, HARD
from gdtui.store import Store

HEAD = (
    "---\nid: {id}\ntitle: {title}\norder: {order}\nminutes: 2\nsummary: s\n---\n"
    "# {title}\n\nText.\n"
)

RECALL = """
Q: What does a loss function produce? {#loss-output}
A: One number that says how wrong the prediction is.

Q: Why square the differences?
A: So misses cannot cancel out.

C: Mean squared error takes the [mean] of the squares.

Q: What is a gradient?
A: The slope of the loss for one weight.
"""

CHOICES = """
Q: Which loss suits categories?
- [ ] Mean squared error
- [x] Cross-entropy
A: Cross-entropy measures surprise.

Q: Which way does a weight with a positive gradient move?
- [ ] Up
- [x] Down
- [ ] Nowhere
"""

TYPED = """
Q: What computes every weight's gradient?
T: backpropagation | backprop
A: It works backward from the loss.

Q: What is the usual name for going backward through the network?
T: backpropagation | backprop
"""

NUMERIC = """
Q: Predictions 2 and 4, targets 3 and 4. What is the mean squared error?
N: 0.5 +- 0.01
A: (1 + 0) / 2 = 0.5
"""


def make_lessons(tmp_path: Path, *sections: str) -> Path:
    """A lesson directory with one lesson per card section."""
    directory = tmp_path / "lessons"
    directory.mkdir(exist_ok=True)
    for order, cards in enumerate(sections, start=1):
        lesson_id = f"lesson-{order}"
        text = HEAD.format(id=lesson_id, title=f"Lesson {order}", order=order)
        (directory / f"{order:02d}-{lesson_id}.md").write_text(
            text + "\n## Flashcards\n" + cards, encoding="utf-8"
        )
    return directory


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def start_review(app, pilot) -> None:
    app.open_area("cards", seed=3)
    await pilot.pause()
    await pilot.press("r")
    await pilot.pause()


def ratings(app) -> list[int]:
    return [review["rating"] for review in app.store.card_reviews()]


async def test_reveal_and_grade_by_click_and_by_key_with_each_of_the_four_grades(
    make_app, tmp_path
):
    app = make_app(make_lessons(tmp_path, RECALL))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        first = app.screen.session.current
        await pilot.click("#question")
        await pilot.pause()
        assert app.screen.query_one("#grades").display
        await pilot.click("#grade-3")
        await pilot.pause()
        assert ratings(app) == [GOOD]
        assert app.store.card_state(first.id)["reviews"] == 1
        for rating in (AGAIN, HARD, GOOD, EASY):
            card = app.screen.session.current
            reviews_before = (app.store.card_state(card.id) or {"reviews": 0})["reviews"]
            assert not app.screen.query_one("#grades").display
            await pilot.press("space")
            await pilot.pause()
            assert app.screen.query_one("#grades").display
            if card.kind == "recall":
                assert text_of(app, "#answer") == card.answer
            else:
                assert text_of(app, "#question") == card.back()
            labels = [str(app.screen.query_one(f"#grade-{n}").label) for n in range(1, 5)]
            if not reviews_before:  # a new card: learning steps of 1 and 10 minutes
                assert labels == ["1 Again · 1m", "2 Hard · 6m", "3 Good · 10m", "4 Easy · 8d"]
            await pilot.press(str(rating))
            await pilot.pause()
            assert app.store.card_state(card.id)["reviews"] == reviews_before + 1
        assert ratings(app) == [GOOD, AGAIN, HARD, GOOD, EASY]


async def test_multiple_choice_right_and_wrong(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, CHOICES))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        await pilot.press("2")  # the right answer of both cards
        await pilot.pause()
        assert text_of(app, "#answer").startswith("✓ Right!")
        assert app.screen.query_one(".choice-2").has_class("right")
        await pilot.press("space")
        await pilot.pause()
        await pilot.click(".choice-1")  # wrong for both
        await pilot.pause()
        result = text_of(app, "#answer")
        assert result.startswith("✗ Not quite.  The answer: ")
        assert app.screen.query_one(".choice-1").has_class("wrong")
        assert ratings(app) == [GOOD, AGAIN]


async def test_typed_answer_right_and_wrong(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, TYPED))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        assert app.screen.query_one("#answer-input", Input).has_focus
        await pilot.press(*"BACKPROP", "enter")
        await pilot.pause()
        right = "✓ Right!  The answer: backpropagation / backprop"
        assert text_of(app, "#answer").startswith(right)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"no", "enter")
        await pilot.pause()
        assert text_of(app, "#answer").startswith("✗ Not quite.  The answer: backpropagation")
        assert ratings(app) == [GOOD, AGAIN]


async def test_numeric_answer_with_a_bad_number_first(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, NUMERIC))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        await pilot.press(*"half", "enter")
        await pilot.pause()
        assert "'half' is not a number" in text_of(app, "#input-error")
        assert ratings(app) == []
        app.screen.query_one("#answer-input", Input).value = ""
        await pilot.press(*"1/2", "enter")
        await pilot.pause()
        assert text_of(app, "#answer").startswith("✓ Right!  The answer: 0.5 (± 0.01)")
        assert ratings(app) == [GOOD]
        await pilot.press("enter")  # the card comes back in 10 minutes: again in this session
        await pilot.pause()
        await pilot.press(*"0.6", "enter")
        await pilot.pause()
        assert text_of(app, "#answer").startswith("✗ Not quite.")
        assert ratings(app) == [GOOD, AGAIN]


async def test_undo_restores_the_card_and_keeps_the_log(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, RECALL))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        card = app.screen.session.current
        await pilot.press("space", "4")
        await pilot.pause()
        assert app.store.card_state(card.id) is not None
        await pilot.press("u")
        await pilot.pause()
        assert app.screen.session.current is card
        assert app.store.card_state(card.id) is None
        assert ratings(app) == []
        rows = app.store.connection.execute("SELECT rating FROM card_review ORDER BY id")
        assert [rating for (rating,) in rows] == [EASY, 0]


async def test_quit_mid_session_and_resume_with_nothing_lost(make_app, tmp_path):
    lessons = make_lessons(tmp_path, RECALL)
    data = tmp_path / "shared-data"
    app = make_app(lessons, data_dir=data)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        graded = []
        for _ in range(2):
            graded.append(app.screen.session.current.id)
            await pilot.press("space", "4")
            await pilot.pause()
        # A second gdtui on the same data directory sees both grades at once.
        other = Store.open(data)
        try:
            assert sorted(other.card_states()) == sorted(graded)
        finally:
            other.close()
    again = make_app(lessons, data_dir=data)
    async with again.run_test(size=(80, 24)) as pilot:
        again.open_area("cards")
        await pilot.pause()
        assert text_of(again, "#start-info").startswith("0 due now · 2 new available today")
        await pilot.click("#review-button")
        await pilot.pause()
        assert again.screen.session.current.id not in graded
        assert len(again.screen.session.queue) == 2


async def test_cram_leaves_the_schedule_untouched(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, RECALL, CHOICES))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("cards", seed=1)
        await pilot.pause()
        lessons = app.screen.query_one("#cram-lessons", OptionList)
        lessons.highlighted = 2  # "All lessons", lesson 1, lesson 2
        await pilot.press("c")
        await pilot.pause()
        session = app.screen.session
        assert session.cram and {card.lesson_id for card in session.queue} == {"lesson-2"}
        assert "1 Again" in str(app.screen.query_one("#grade-1").label)
        await pilot.press("2", "space", "2", "space")
        await pilot.pause()
        assert "Cram mode: your schedule was not changed." in text_of(app, "#summary-text")
        assert app.store.card_states() == {}
        assert app.store.card_reviews() == []


async def test_the_lesson_key_opens_the_cards_lesson(make_app, tmp_path):
    from gdtui.screens.lesson import LessonScreen

    app = make_app(make_lessons(tmp_path, RECALL, CHOICES))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        cards_screen = app.screen
        card = cards_screen.session.current
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson_id == card.lesson_id
        await pilot.press("escape")  # back to the same card, nothing lost
        await pilot.pause()
        assert app.screen is cards_screen and cards_screen.session.current is card


async def test_session_summary_after_the_last_card(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, CHOICES))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        await pilot.press("2", "space", "1", "space")  # right, then wrong
        await pilot.pause()
        # Each new card comes back for its 10-minute learning step; the wrong one once more.
        assert len(app.screen.session.queue) == 2
        await pilot.press("2", "space", "2", "space", "2", "space")
        await pilot.pause()
        summary = text_of(app, "#summary-text")
        assert "Session finished" in summary
        assert "Cards reviewed: 5 (2 different)" in summary
        assert "Right on the first try: 1 of 2" in summary
        assert "Next card due in " in summary
        assert app.store.last_activity()[2] == "reviewed 5 flashcards"
        assert ratings(app) == [GOOD, AGAIN, GOOD, GOOD, GOOD]


async def test_settings_reject_bad_input_and_keep_the_last_good_value(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, RECALL))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("cards")
        await pilot.pause()
        field = app.screen.query_one("#new-per-day", Input)
        field.value = "lots"
        field.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "New cards a day: Type a whole number" in text_of(app, "#settings-error")
        assert app.store.get_setting("cards.new_per_day") is None
        field.value = "2"
        await pilot.press("enter")
        await pilot.pause()
        assert app.store.get_setting("cards.new_per_day") == 2
        assert "2 new available today (up to 2 a day)" in text_of(app, "#start-info")


async def test_stats_screen_and_home_status(make_app, tmp_path):
    from gdtui.screens.cards.stats import CardStatsScreen

    app = make_app(make_lessons(tmp_path, RECALL, "Q: Broken card\n"))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "4 new" in str(app.screen.query_one("#areas", OptionList).get_option("cards").prompt)
        await start_review(app, pilot)
        await pilot.press("space", "3", "escape")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, CardStatsScreen)
        figures = text_of(app, "#stats-figures")
        assert "Reviews 1" in figures and "Retention 100%" in figures
        await pilot.press("escape", "escape", "escape")
        await pilot.pause()
        assert "3 new" in str(app.screen.query_one("#areas", OptionList).get_option("cards").prompt)
        app.open_area("cards")
        await pilot.pause()
        assert "1 card(s) could not be read" in text_of(app, "#card-problems")
