"""Lessons 1-4 as a learner meets them in the app: the slope primer before backpropagation,
what backpropagation covers, the key ideas at the end, and the slope cards answered right."""

from __future__ import annotations

from gdtui.course.cardfile import NUMERIC, SELF_GRADED
from gdtui.numbers import field_text
from gdtui.screens.lesson import LessonScreen
from tests.conftest import screen_text, wait_for_text, wait_until


def reader_text(app) -> str:
    """The lesson text on screen as one line, so a phrase can be found across wrapped rows."""
    region = app.screen.reader.scrollable_content_region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return " ".join(row[region.x:region.right].strip() for row in rows)


async def read(app, pilot, lesson_id: str) -> str:
    app.open_lesson(lesson_id)
    await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen)
                     and app.screen.lesson_id == lesson_id and app.screen.settled)
    return reader_text(app)


async def scroll_to(pilot, phrase: str) -> str:
    """Scroll down a row at a time, as a reader would, until `phrase` is on the screen."""
    for _ in range(200):
        if phrase in reader_text(pilot.app):
            return reader_text(pilot.app)
        await pilot.press("down")
        await pilot.pause()
    raise AssertionError(f"{phrase!r} never showed; the end of the lesson shows: "
                         f"{reader_text(pilot.app)}")


async def test_the_slope_primer_comes_between_the_loss_and_backpropagation(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await read(app, pilot, "loss")
        await pilot.press("n")
        await wait_for_text(pilot, "Lesson 3: Slopes, before backpropagation")
        await wait_until(pilot, lambda: app.screen.settled)
        assert "nudge its input by a tiny amount" in reader_text(app)
        await pilot.press("n")
        await wait_for_text(pilot, "Lesson 4: Backprop in a training step")


async def test_lesson_1_teaches_the_forward_pass_instead_of_assuming_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        text = await read(app, pilot, "guessing-network")
        assert "You have seen" not in text
        assert "It multiplies each input by that input's own weight." in text
        await scroll_to(pilot, "Why random, and not all zeros?")
        await scroll_to(pilot, "symmetry")


async def test_lesson_4_says_backpropagation_is_step_3_and_the_update_is_the_optimizers(
        make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")  # the whole width for the text
        await read(app, pilot, "backprop")
        await scroll_to(pilot, "Strictly, backpropagation is step 3 alone")
        await scroll_to(pilot, "done by the optimizer")


async def test_every_lesson_1_to_4_ends_with_key_ideas_to_say_back(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for lesson_id, first_words in (
                ("guessing-network", "A unit multiplies each input by a weight"),
                ("loss", "A loss function turns every prediction"),
                ("slopes", "A slope is how much an output moves"),
                ("backprop", "A weight's gradient is the slope of the loss")):
            await read(app, pilot, lesson_id)
            await pilot.press("end")
            await wait_until(pilot, lambda: "Key ideas" in reader_text(app))
            assert first_words in reader_text(app), lesson_id


async def test_cramming_the_slopes_lesson_every_card_takes_its_own_answer(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await wait_for_text(pilot, "new available today")
        await pilot.press("down", "down", "down", "c")  # All lessons, 1, 2, 3: the slopes
        await wait_for_text(pilot, "Cram · 0 done", "from 'Slopes, before backpropagation'")
        session = app.screen.session
        slope_cards = [card for card in app.screen.cards if card.lesson_id == "slopes"]
        assert len(slope_cards) >= 5
        assert {card.id for card in session.queue} == {card.id for card in slope_cards}
        for done in range(len(slope_cards)):
            card = session.current
            if card.kind in SELF_GRADED:
                await pilot.press("space")
                await wait_for_text(pilot, "How well did you remember?")
                await pilot.press("3")
            else:
                assert card.kind == NUMERIC, card.id
                await pilot.press(*field_text(card.value), "enter")
                await wait_for_text(pilot, "✓ Right!")
                await pilot.press("enter")
            if done + 1 < len(slope_cards):
                await wait_for_text(pilot, f"Cram · {done + 1} done")
        count = len(slope_cards)
        await wait_for_text(pilot, "Session finished",
                            f"Right on the first try: {count} of {count}")
