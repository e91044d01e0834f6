"""Predict, then check, as a learner does it: e in a lesson, a prediction, the screen opened
with the exercise's settings under a banner, escape, the prediction next to what happened,
saved and counted on the home screen after a restart."""

from __future__ import annotations

from gdtui.course.exercises import parse_exercises
from gdtui.screens.exercise import ExerciseBanner, PredictDialog, ResultDialog
from gdtui.screens.lesson import LessonScreen
from gdtui.training.settings import preset_settings
from tests.conftest import screen_text, wait_for_text, wait_until, write_lesson


async def open_lesson(app, pilot, lesson_id: str) -> LessonScreen:
    app.open_lesson(lesson_id)
    await wait_until(pilot, lambda: isinstance(app.screen, LessonScreen)
                     and app.screen.lesson_id == lesson_id and app.screen.settled)
    return app.screen


async def predict(app, pilot, *keys: str) -> None:
    """Press e and the keys of the prediction; wait for the exercise's screen and its banner."""
    lesson = app.screen
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(app.screen, PredictDialog)
                     or type(app.screen).__name__ == "LinkPicker")
    await pilot.press(*keys)
    await wait_until(pilot, lambda: app.screen is not lesson
                     and not isinstance(app.screen, PredictDialog)
                     and app.screen.query(ExerciseBanner))


async def compare(app, pilot) -> str:
    """Escape from the exercise's screen: the result dialog's text."""
    await pilot.press("escape")
    await wait_until(pilot, lambda: isinstance(app.screen, ResultDialog))
    return screen_text(app)


async def test_the_bowl_exercise_runs_the_walk_and_a_right_prediction_is_saved(make_app,
                                                                                tmp_path):
    app = make_app(data_dir=tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        lesson = await open_lesson(app, pilot, "learning-rate")
        # three exercises: the learner picks the second (the bowl at 0.9), then answers 3
        await predict(app, pilot, "down", "enter", "3")
        landscape = app.screen
        assert type(landscape).__name__ == "LandscapeScreen"
        walker = landscape.explorer.walkers[0]
        assert (landscape.explorer.model.name, walker.optimizer, walker.learning_rate) == (
            "bowl", "sgd", 0.9)
        assert not landscape.explorer.walkers[1].visible and landscape.playing
        await wait_for_text(pilot, "You predicted: zig-zags in. Watch, then press Esc to "
                                   "compare.")
        await wait_until(pilot, lambda: landscape.shown > 2)  # the walk plays
        await pilot.press("question_mark")  # help over it is not leaving it
        await wait_until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is landscape)
        await pilot.pause()
        assert landscape.query(ExerciseBanner) and lesson.exercises.pending is not None
        shown = await compare(app, pilot)
        assert "You predicted:  zig-zags in" in shown
        assert "What happened:  zig-zags in" in shown and "✓ Right." in shown
        assert "Why: rate × curvature = 0.9 × 2 = 1.8" in shown
        assert not landscape.query(ExerciseBanner)  # gone with the exercise
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is lesson)
        assert app.store.exercise_results() == {
            ("learning-rate", "bowl-zigzag"): ("zig-zags in", "zig-zags in", True)}

    again = make_app(data_dir=tmp_path / "data")  # a new session: saved, shown at home
    async with again.run_test(size=(80, 24)) as pilot:
        total = sum(len(parse_exercises(lesson)[0]) for lesson in again.course.lessons)
        await wait_for_text(pilot, f"read · exercises 1/{total} right",
                            "Last time: predicted 'Zig-zag or not?': right")


async def test_the_guessing_exercise_plays_the_game_and_a_bad_number_keeps_the_dialog(
        make_app, tmp_path):
    app = make_app(data_dir=tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "learning-rate")
        await pilot.press("e")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LinkPicker")
        await pilot.press("1")  # the first: how many guesses
        await wait_until(pilot, lambda: isinstance(app.screen, PredictDialog))
        assert "How many guesses?" in app.screen.exercise.title
        await pilot.press("s", "e", "v", "e", "n", "enter")
        await wait_for_text(pilot, "Type a number, like 7 or 0.69.")
        assert isinstance(app.screen, PredictDialog)  # kept, and what was typed too
        await pilot.press(*["backspace"] * 5, "8", "enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "GuessScreen"
                         and app.screen.query(ExerciseBanner))
        guess = app.screen
        assert (guess.learning_rate, guess.secret) == (2, 37)
        await wait_until(pilot, lambda: guess.mode == "watch")
        watch = guess._panes["watch"]
        await wait_until(pilot, lambda: watch.game is not None and watch.playing)
        assert (watch.game.secret, watch.game.learning_rate, watch.game.steps) == (37, 2, 7)
        await wait_for_text(pilot, "You predicted: 8. Watch, then press Esc to compare.")
        shown = await compare(app, pilot)
        assert "You predicted:  8" in shown and "What happened:  7" in shown
        assert "✗ Not this time." in shown and "50, 48, 46, 44, 42, 40, 38" in shown
        # a again: answer once more; the latest answer counts, the earlier one is kept
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, PredictDialog))
        assert "Last time you predicted 8; the app showed 7 (not right)." in screen_text(app)
        await pilot.press("7", "enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "GuessScreen")
        shown = await compare(app, pilot)
        assert "✓ Right." in shown
        assert app.store.exercise_results()[("learning-rate", "guesses-rate-2")] == (
            "7", "7", True)
        rows = app.store.connection.execute("SELECT COUNT(*) FROM exercise_answer").fetchone()
        assert rows[0] == 2


LAB_EXERCISE = """## Exercise: a few steps

::: exercise few-steps
Predict: After 30 steps of "overfit me", which curve has turned up?
- [ ] training loss
- [ ] validation loss
- [x] neither
Run: screen:lab?preset=overfit+me&steps=30
Measure: lab.turns-up
Why: 30 steps are too few to memorise anything.
:::

**Try it:** the lab.
"""


async def test_the_lab_exercise_trains_to_its_step_and_compares(make_app, tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_lesson(lessons, "1.md", id="one", order=1, body=LAB_EXERCISE)
    app = make_app(lessons, data_dir=tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        # The lab was open before, under the lesson: the exercise reopens it, fresh; it is
        # brought back down the stack, so escape leads home, where the result shows.
        app.open_area("lab")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "LabScreen")
        await pilot.press("n")  # one step of the learner's own network
        await wait_until(pilot, lambda: app.screen.session.step == 1)
        await open_lesson(app, pilot, "one")
        await predict(app, pilot, "2")  # one exercise: straight to the dialog
        lab = app.screen
        assert type(lab).__name__ == "LabScreen"
        await wait_until(pilot, lambda: lab.session.step == 30 and not lab.running)
        assert lab.session.settings == preset_settings("overfit me")  # the preset, fresh
        await wait_for_text(pilot, "You predicted: validation loss.", "step 30")
        shown = await compare(app, pilot)
        assert "What happened:  neither" in shown and "✗ Not this time." in shown
        assert app.store.exercise_results() == {
            ("one", "few-steps"): ("validation loss", "neither", False)}
        await pilot.press("enter")
        app.go_home()
        await wait_for_text(pilot, "exercises 0/1 right")


async def test_a_lesson_without_exercises_says_so(make_app, tmp_path):
    write_lesson(tmp_path, "1.md", id="one", order=1, body="Just text.")
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "one")
        await pilot.press("e")
        await wait_until(pilot, lambda: "This lesson has no exercise." in [
            notification.message for notification in app._notifications])
        assert app.screen.lesson_id == "one"  # and nothing else opened


async def test_the_backprop_exercise_opens_the_stepper_at_its_target(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "backprop")
        await predict(app, pilot, "1")
        stepper = app.screen.stepper
        assert (stepper.preset, stepper.target) == ("lesson", 0.0)
        shown = await compare(app, pilot)
        assert "What happened:  positive" in shown and "✓ Right." in shown


async def test_the_outcome_is_measured_off_the_screen_thread(make_app, tmp_path, monkeypatch):
    # A lab exercise is rerun headless to measure it (half a second): on the UI thread the
    # screen under the dialog would not answer keys meanwhile.
    import threading

    from gdtui import measures

    threads = []
    real = measures.check_outcome

    def recording(*args):
        threads.append(threading.current_thread())
        return real(*args)

    monkeypatch.setattr(measures, "check_outcome", recording)
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_lesson(lessons, "1.md", id="one", order=1, body=LAB_EXERCISE)
    app = make_app(lessons, data_dir=tmp_path / "data")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(app, pilot, "one")
        await predict(app, pilot, "2")
        lab = app.screen
        await wait_until(pilot, lambda: lab.session.step == 30 and not lab.running)
        shown = await compare(app, pilot)
        assert "What happened:  neither" in shown
        assert len(threads) == 1 and threads[0] is not threading.main_thread()
