"""Every shipped exercise, done in the app as a learner does it: e in its lesson, the right
prediction, its screen opened under the banner, escape, and "Right" next to what happened.

A lesson whose exercise could not be answered right in the app (a screen that does not open
with the exercise's settings, a measure that disagrees with the marked answer) fails here.
"""

from __future__ import annotations

import pytest

from gdtui.areas import area
from gdtui.course.exercises import parse_exercises
from gdtui.course.lessons import load_course
from gdtui.numbers import field_text
from gdtui.screens.exercise import ExerciseBanner, ResultDialog
from tests.conftest import screen_text, wait_until
from tests.test_screen_exercises import open_lesson, predict

COURSE = load_course()
SHIPPED = [(lesson.id, index, len(found), each)
           for lesson in COURSE.lessons
           for found in [parse_exercises(lesson)[0]]
           for index, each in enumerate(found)]


@pytest.mark.parametrize(("lesson_id", "index", "count", "exercise"), SHIPPED,
                         ids=[each.id for *_, each in SHIPPED])
async def test_a_shipped_exercise_answered_right_in_the_app(make_app, lesson_id, index, count,
                                                            exercise):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, lesson_id)
        pick = [str(index + 1)] if count > 1 else []
        if exercise.numeric:
            answer = [*field_text(exercise.value), "enter"]
        else:
            answer = [str(exercise.choices.index(exercise.answer) + 1)]
        await predict(app, pilot, *pick, *answer)
        screen = app.screen
        assert f"{type(screen).__module__}:{type(screen).__name__}" == area(exercise.screen).module
        assert screen.query(ExerciseBanner)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ResultDialog))
        shown = screen_text(app)
        assert exercise.title in shown and "✓ Right." in shown
        assert "What happened:" in shown
        assert app.store.exercise_results()[(lesson_id, exercise.id)][2] is True
