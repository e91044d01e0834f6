"""From two classes to ten, as a learner meets it: the loss lesson's softmax section, its link
to the digits in the lab, and the new cards (softmax, ln 10, chance, p − t) answered in a cram
session of their lessons."""

from __future__ import annotations

import re

import pytest
from textual.widgets import OptionList

from gdtui.course.cardfile import CHOICE, NUMERIC, SELF_GRADED
from gdtui.numbers import field_text
from gdtui.screens.lab.screen import LabScreen
from tests.conftest import wait_for_text, wait_until
from tests.test_screen_lesson import open_lesson
from tests.test_screen_lessons_1_to_4 import reader_text, scroll_to

TEN_CLASS_CARDS = {"one-output-per-class", "softmax-what", "softmax-calc",
                   "softmax-equal-scores", "sigmoid-is-softmax", "loss-at-start-ten",
                   "chance-ten", "above-ln-10"}


async def test_the_loss_lesson_takes_a_reader_from_two_classes_to_ten(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "loss", "from-two-classes-to-ten")
        assert "one output per class" in reader_text(app)
        await scroll_to(pilot, "p = e^z / sum    0.665   0.245   0.090   sum 1")
        await scroll_to(pilot, "exactly 2 more, the gap between their scores")
        await scroll_to(pilot, "Predict, then check 1")
        await scroll_to(pilot, "10% accuracy is chance")
        await scroll_to(pilot, "starts a little higher, at 2.4201")


async def test_its_lab_link_opens_the_digits_at_the_loss_the_lesson_names(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "loss")
        await pilot.press("l")
        picker = app.screen.query_one(OptionList)
        hrefs = [option.id for option in picker.options]
        for _ in range(hrefs.index("screen:lab?preset=digits")):
            await pilot.press("down")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LabScreen)
                         and app.screen.view is not None)
        await wait_for_text(pilot, "step 0 ", "loss 2.4201", "acc 21.6%", "64-32-10")


@pytest.mark.parametrize(("lesson_id", "title", "new_cards"), [
    ("loss", "Measuring the mistake", TEN_CLASS_CARDS),
    ("gradient-descent", "Gradient descent", {"softmax-gradient", "softmax-gradient-calc"}),
])
async def test_cramming_a_lesson_its_ten_class_cards_take_their_answers(make_app, lesson_id,
                                                                        title, new_cards):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await wait_for_text(pilot, "new available today")
        order = [lesson.id for lesson in app.course.lessons].index(lesson_id) + 1
        await pilot.press(*["down"] * order, "c")  # All lessons, 1, 2, ...: this lesson
        await wait_for_text(pilot, "Cram · 0 done", f"from '{title}'")
        session = app.screen.session
        cards = [card for card in app.screen.cards if card.lesson_id == lesson_id]
        assert new_cards <= {card.id for card in session.queue} == {card.id for card in cards}
        for done in range(len(cards)):
            card = session.current
            if card.kind in SELF_GRADED:
                await pilot.press("space")
                await wait_for_text(pilot, "How well did you remember?")
                await pilot.press("3")
            else:
                if card.kind == NUMERIC:
                    await pilot.press(*field_text(card.value), "enter")
                elif card.kind == CHOICE:  # the key beside the right option, as shuffled
                    right = next(choice.text for choice in card.choices if choice.correct)
                    shown = await wait_for_text(pilot, right)
                    await pilot.press(re.search(rf"(\d)  {re.escape(right)}(?!\w)",
                                                shown).group(1))
                else:
                    await pilot.press(*card.accepted[0], "enter")
                await wait_for_text(pilot, "✓ Right!")
                await pilot.press("enter")
            if done + 1 < len(cards):
                await wait_for_text(pilot, f"Cram · {done + 1} done")
        await wait_for_text(pilot, "Session finished")
