"""Pilot tests: a learner reviews flashcards end to end."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Input, OptionList, ProgressBar, Static

from gdtui.course import cardfile
from gdtui.course.schedule import AGAIN, DEFAULT_NEW_PER_DAY, EASY, GOOD, HARD
from gdtui.store import Store
from gdtui.widgets.card_start import CardStart
from tests.conftest import screen_text, wait_for_text, wait_until

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


def key_of(app, right: bool) -> str:
    """The number key of the (first) right option, or of a wrong one, where the card shows it
    now: the options are shuffled at each showing."""
    session = app.screen.session
    card = session.current
    return next(str(position) for position, index in enumerate(session.order, start=1)
                if card.choices[index].correct == right)


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
        right = key_of(app, right=True)
        await pilot.press(right)
        await pilot.pause()
        assert text_of(app, "#answer").startswith("✓ Right!")
        assert app.screen.query_one(f".choice-{right}").has_class("right")
        await pilot.press("space")
        await pilot.pause()
        wrong = key_of(app, right=False)
        await pilot.click(f".choice-{wrong}")
        await pilot.pause()
        result = text_of(app, "#answer")
        assert result.startswith("✗ Not quite.  The answer: ")
        assert app.screen.query_one(f".choice-{wrong}").has_class("wrong")
        assert ratings(app) == [GOOD, AGAIN]


async def test_typed_answer_right_and_wrong(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, TYPED))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        assert app.screen.query_one("#answer-input", Input).has_focus
        await pilot.press(*"BACKPROP", "enter")
        await pilot.pause()
        right = "✓ Right!  The answer: backpropagation"
        assert text_of(app, "#answer").startswith(right)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"no", "enter")
        await pilot.pause()
        assert text_of(app, "#answer").startswith(
            "✗ Not quite.\nAccepted answers: backpropagation · backprop")
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
        info = text_of(again, "#start-info")
        assert info.startswith("0 due now · 2 new available today")
        assert "Paused: 2 done · 2 to go. Press r to go on." in info  # both Easy: not back
        await pilot.click("#review-button")  # "Continue (r)"
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
        for _ in range(2):
            await pilot.press(key_of(app, right=True), "space")
            await pilot.pause()
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
        for right in (True, False):
            await pilot.press(key_of(app, right), "space")
            await pilot.pause()
        # Each new card comes back for its 10-minute learning step; the wrong one once more.
        assert len(app.screen.session.queue) == 2
        for _ in range(3):
            await pilot.press(key_of(app, right=True), "space")
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


# -- a learner's session on the real course, at 80x24 -----------------------------------------

HEADER = re.compile(r"^(Review|Cram) · (\d+) done · (?:(\d+) to go)?(?:, )?(?:(\d+) coming back)?")


def header(app) -> tuple[int, int, int]:
    """(done, to go, coming back) as the header line says them."""
    found = HEADER.match(text_of(app, "#session-info"))
    assert found, text_of(app, "#session-info")
    return int(found[2]), int(found[3] or 0), int(found[4] or 0)


def bar(app) -> float:
    progress = app.screen.query_one("#session-progress", ProgressBar)
    return progress.progress / progress.total


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def answer_right(pilot, card) -> None:
    """The keys of a learner who knows the answer (Good), whatever the kind of card."""
    if card.self_graded:
        await pilot.press("space", "3")
    elif card.kind == cardfile.CHOICE:
        await pilot.press(key_of(pilot.app, right=True), "space")
    else:
        typed = card.accepted[0] if card.kind == cardfile.TYPED else f"{card.value:g}"
        await pilot.press(*typed, "enter")
        await wait_for_text(pilot, "✓ Right!")
        await pilot.press("enter")
    await pilot.pause()


async def leave_to(pilot, there) -> None:
    """Press escape until `there()` holds (out of a field first, then a view at a time)."""
    for _ in range(4):
        if there():
            return
        await pilot.press("escape")
        await pilot.pause()
    assert there()


async def test_grading_good_22_times_the_count_goes_down_and_the_bar_only_forward(make_app):
    # Each new card graded Good comes back once for its 10-minute learning step: the header
    # says so, and "to go" and the bar move one way only.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await wait_for_text(pilot, "new available today")
        await pilot.press("r")
        await wait_for_text(pilot, f"Review · 0 done · {DEFAULT_NEW_PER_DAY} to go")
        seen = [(header(app), bar(app))]
        for _ in range(22):
            await answer_right(pilot, app.screen.session.current)
            seen.append((header(app), bar(app)))
        for ((done, to_go, back), share), ((done2, to_go2, back2), share2) in zip(
                seen, seen[1:], strict=False):
            assert done2 == done + 1
            if to_go:  # a new card graded takes one off "to go", and comes back once
                assert (to_go2, back2) == (to_go - 1, back + 1)
            else:  # a card back for its second Good is learned: one less to see again
                assert (to_go2, back2) == (0, back - 1)
            assert share2 > share
        assert seen[1][0] == (1, DEFAULT_NEW_PER_DAY - 1, 1)
        screen = screen_text(app)
        # 20 new cards, each shown twice: 22 grades leave 18 showings, all coming back.
        left = 2 * DEFAULT_NEW_PER_DAY - 22
        assert f"Review · 22 done · {left} coming back" in screen
        assert "seen earlier in this session" in screen
        assert f"{round(22 / (22 + left) * 100)}%" in screen


async def test_the_card_settings_fit_at_80x24_beside_a_paused_review(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await wait_for_text(pilot, "new available today")
        for round_ in range(2):  # a fresh start, then with a paused review's extra line
            screen = await wait_for_text(pilot, "New cards a day", "Desired retention")
            start = app.screen.query_one(CardStart)
            assert start.max_scroll_y == 0, screen  # nothing below the fold
            assert app.screen.query_one("#retention").region.bottom <= 23  # above the footer
            await pilot.press("r")
            await wait_for_text(pilot, "Review · ")
            await answer_right(pilot, app.screen.session.current)
            await leave_to(pilot, lambda: app.screen.query_one(CardStart).display)
            await wait_for_text(pilot, f"Paused: {round_ + 1} done")


async def test_u_is_offered_only_when_there_is_a_grade_to_take_back(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, RECALL))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        assert "u Undo" not in footer(app)
        await pilot.press("escape")  # pause before any grade
        screen = await wait_for_text(pilot, "Session paused")
        assert "u takes back" not in screen and "u Undo" not in footer(app)
        assert "Press r to go on where you stopped." in screen
        await pilot.press("r", "space", "4")
        await wait_for_text(pilot, "Review · 1 done")
        assert "u Undo" in footer(app)
        await pilot.press("escape")
        screen = await wait_for_text(pilot, "Session paused")
        assert "u takes back the last grade." in screen and "u Undo" in footer(app)
        await pilot.press("u")  # back to the card, its grade taken back
        await wait_for_text(pilot, "Review · 0 done")
        assert "u Undo" not in footer(app)


async def test_a_review_left_for_home_goes_on_where_it_stopped(make_app, tmp_path):
    lessons = make_lessons(tmp_path, RECALL, CHOICES)
    app = make_app(lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await wait_for_text(pilot, "new available today")
        await pilot.press("r")
        for _ in range(2):
            await answer_right(pilot, app.screen.session.current)
        await wait_for_text(pilot, "Review · 2 done")
        card, info = app.screen.session.current, text_of(app, "#session-info")
        await leave_to(pilot, lambda: len(app.screen_stack) == 1)  # pause, start view, home
        await pilot.press("2")
        await wait_for_text(pilot, "Paused: 2 done · 4 to go, 2 coming back. Press r to go on.",
                            "Continue (r)", "r Continue")
        await pilot.press("r")
        await wait_for_text(pilot, info)
        assert app.screen.session.current.id == card.id
    # Even a restart loses nothing: the review goes on at the same card.
    again = make_app(lessons, data_dir=tmp_path / "data")
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await wait_for_text(pilot, "Paused: 2 done")
        await pilot.press("r")
        await wait_for_text(pilot, info)
        assert again.screen.session.current.id == card.id


async def test_the_review_stays_as_it_was_while_a_lesson_is_read(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, RECALL))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        await pilot.press("space", "3", "space")  # the second card's answer is showing
        screen = await wait_for_text(pilot, "How well did you remember?")
        cards = app.screen
        app.open_lesson("lesson-1")
        await wait_until(pilot, lambda: app.screen is not cards)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is cards)
        assert await wait_for_text(pilot, "How well did you remember?") == screen
        await pilot.press("3")
        await wait_for_text(pilot, "Review · 2 done")


async def test_escape_in_the_answer_field_leaves_the_field_not_the_review(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, TYPED))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        await pilot.press(*"back")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen.focused is None)
        assert "Review · 0 done" in screen_text(app)  # still on the card, nothing graded
        for key in ("space Type answer", "esc Pause", "? Help"):
            assert key in footer(app)
        await pilot.press("space")  # back into the field, the text still there
        await wait_until(pilot, lambda: isinstance(app.screen.focused, Input))
        await pilot.press(*"prop", "enter")
        await wait_for_text(pilot, "✓ Right!")
        # In a settings field too: escape leaves the field, a second one leaves the screen.
        await pilot.press("enter", "escape", "escape", "escape")  # field, pause, start view
        await wait_for_text(pilot, "New cards a day")
        app.screen.query_one("#new-per-day", Input).focus()
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen.focused, OptionList))
        assert app.screen.query_one(CardStart).display
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1)


async def test_the_cram_list_takes_the_arrow_keys_at_once(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await wait_for_text(pilot, "new available today")
        await pilot.press("down", "down", "down", "c")  # All lessons, 1, 2, 3
        await wait_for_text(pilot, "Cram · 0 done")
        lesson = app.course.lessons[2]
        assert {card.lesson_id for card in app.screen.session.queue} == {lesson.id}
        assert f"from '{lesson.title}'" in screen_text(app)


async def test_every_footer_of_the_flashcards_is_whole_at_80_columns(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, RECALL, CHOICES, TYPED))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        footers: dict[str, str] = {}
        await wait_for_text(pilot, "new available today")

        async def see(moment: str, *keys: str, shown: str) -> None:
            await pilot.press(*keys)
            await wait_for_text(pilot, shown)
            footers[moment] = footer(app)

        await see("start", shown="Review (r)")
        await see("a recall card", "down", "c", shown="Cram · 0 done")  # cram lesson 1
        await see("its answer", "space", shown="How well did you remember?")
        await see("the paused summary", "3", "escape", shown="Session paused")
        await see("a choice card", "escape", "down", "c", shown="Pick an answer")  # lesson 2
        await see("after an answer the app graded", key_of(app, right=True), shown="✓ Right!")
        await pilot.press("escape", "escape", "down", "c")  # lesson 3: the field has the keys
        await wait_for_text(pilot, "Type the answer")
        await see("after a wrong typed answer", *"forward", "enter", shown="✗ Not quite.")
        await see("statistics", "escape", "escape", "s", shown="Flashcard statistics")
        expected = {"start": "r Review", "a recall card": "space Show answer",
                    "its answer": "1-4 Grade", "the paused summary": "r Continue",
                    "a choice card": "1-4 Pick", "after an answer the app graded":
                    "space Next card", "after a wrong typed answer": "i I was right",
                    "statistics": "r Refresh"}
        for moment, line in footers.items():
            assert expected[moment] in line, f"{moment}: {line}"
            assert "? Help" in line and "q Quit" in line, f"{moment}: {line}"


# -- fair grading: accepted forms, "I was right", shuffled choices ------------------------------


async def test_i_was_right_regrades_a_rejected_answer_as_good_and_logs_it(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, TYPED))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        card = app.screen.session.current
        assert "i I was right" not in footer(app)
        await pilot.press(*"reverse accumulation", "enter")  # right, but not on the card
        screen = await wait_for_text(pilot, "✗ Not quite.")
        assert "Accepted answers: backpropagation · backprop" in screen
        assert "or i if your answer was right" in screen
        assert "i I was right" in footer(app)
        assert ratings(app) == [AGAIN]
        await pilot.press("i")
        screen = await wait_for_text(pilot, "✓ Graded Good: you said your answer was right.")
        assert "Accepted answers: backpropagation · backprop" in screen
        assert "i I was right" not in footer(app)  # once is enough
        assert "Review · 1 done" in screen
        # The schedule is what Good gives a new card (its 10-minute step); the log keeps the
        # Again, its undo and the Good, and the activity log says it was the learner's call.
        assert ratings(app) == [GOOD]
        rows = app.store.connection.execute("SELECT rating FROM card_review ORDER BY id")
        assert [rating for (rating,) in rows] == [AGAIN, 0, GOOD]
        state = app.store.card_state(card.id)
        assert (state["reviews"], state["lapses"]) == (1, 0)
        assert app.screen.session.first_try == {card.id: True}
        detail = app.store.last_activity()[2]
        assert detail == (f"said 'I was right' about flashcard '{card.id}' (answer "
                          "'reverse accumulation'): graded Good instead of Again")
        await pilot.press("space")  # on to the next card as after any right answer
        await wait_for_text(pilot, "Type the answer")


async def test_i_is_not_offered_after_a_right_answer_or_a_wrong_choice(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, TYPED, CHOICES))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("cards", seed=3)
        await wait_for_text(pilot, "Review (r)")
        await pilot.press("down", "c")  # cram lesson 1: typed cards
        await wait_for_text(pilot, "Type the answer")
        await pilot.press(*"the backprop algorithm", "enter")
        await wait_for_text(pilot, "✓ Right!")
        assert "i I was right" not in footer(app)
        await pilot.press("i")  # nothing happens
        await pilot.pause()
        assert "✓ Right!" in screen_text(app)
        await pilot.press("escape", "escape", "down", "c")  # cram lesson 2: choices
        await wait_for_text(pilot, "Pick an answer")
        await pilot.press(key_of(app, right=False))
        await wait_for_text(pilot, "✗ Not quite.")
        assert "i I was right" not in footer(app)


async def test_a_wrong_number_shows_the_number_and_its_tolerance(make_app, tmp_path):
    app = make_app(make_lessons(tmp_path, NUMERIC))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_review(app, pilot)
        await pilot.press(*"0.29 4", "enter")  # a space inside: refused, nothing graded
        await wait_for_text(pilot, "'0.29 4' has a space inside the number")
        assert ratings(app) == []
        app.screen.query_one("#answer-input", Input).value = ""
        await pilot.press(*"0.6 nats", "enter")
        screen = await wait_for_text(pilot, "✗ Not quite.")
        assert "The answer: 0.5 (± 0.01)" in screen and "i I was right" in footer(app)


async def test_choices_come_in_a_new_order_and_the_keys_follow_it(make_app, tmp_path):
    one_card = """
Q: Which way does a weight with a positive gradient move?
- [ ] Up
- [x] Down
- [ ] Nowhere
- [ ] Sideways
"""
    app = make_app(make_lessons(tmp_path, one_card))
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_area("cards", seed=11)
        await wait_for_text(pilot, "Review (r)")
        await pilot.press("down", "c")  # cram: a wrong answer brings the card back at once
        places = []
        for showing in range(8):
            screen = await wait_for_text(pilot, "Pick an answer")
            shown = dict(re.findall(r"│ +(\d)  (\w+) +│", screen))
            assert sorted(shown.values()) == ["Down", "Nowhere", "Sideways", "Up"]
            down = next(key for key, text in shown.items() if text == "Down")
            places.append(down)
            if showing < 7:  # a wrong key: the one shown above or below "Down"
                wrong = next(key for key, text in shown.items() if text != "Down")
                await pilot.press(wrong)
                result = await wait_for_text(pilot, "✗ Not quite.")
                assert f"{wrong}  {shown[wrong]}  ✗ your answer" in result
                assert f"{down}  Down  ✓ right answer" in result
                await pilot.press("space")
        assert len(set(places)) >= 3, places  # the right option moves between showings
        await pilot.press(places[-1])  # the key shown next to "Down" grades it right
        await wait_for_text(pilot, "✓ Right!")
