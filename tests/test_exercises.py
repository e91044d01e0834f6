"""Predict-then-check exercises: the lesson format, the measures, `gdtui check`'s verdict on
them, the screen links' options and the store's answers (the app's flow is in
test_screen_exercises.py)."""

from __future__ import annotations

import math

import pytest

import gdtui.storefile as store_module
from gdtui.cli.check import check
from gdtui.course.exercises import parse_exercises, shown_parts
from gdtui.course.lessons import load_course, parse_lesson
from gdtui.guessing.rules import play
from gdtui.landscape import MODELS, Landscape
from gdtui.measures import MEASURES, measure, option_names
from gdtui.stepper import Stepper
from gdtui.store import SCHEMA_VERSION, Store
from tests.conftest import write_lesson

GOOD = """Some text.

## Exercise: one step to the bottom

::: exercise one-step
Predict: On the bowl, what does plain gradient descent at rate 0.9 do?
- [ ] creeps in
- [ ] lands in one step
- [x] zig-zags in
- [ ] diverges
Run: screen:landscape?model=bowl&optimizer=sgd&rate=0.9
Measure: landscape.regime
Why: rate × curvature = 1.8, between 1 and 2.
:::

::: exercise count
Predict: How many guesses
from 50 to 37 at rate 2?
N: 7
Run: screen:guess?rate=2&secret=37
Measure: guess.guesses
Why: 50, 48, 46, 44, 42, 40, 38.
:::

**Try it:** more.
"""


def lesson_with(tmp_path, body, name="1.md"):
    return parse_lesson(write_lesson(tmp_path, name, id="one", order=1, body=body))


def test_a_good_block_is_read_with_its_choices_answer_and_run_link(tmp_path):
    exercises, problems = parse_exercises(lesson_with(tmp_path, GOOD))
    assert problems == []
    first, second = exercises
    assert (first.id, first.title, first.answer, first.numeric) == (
        "one-step", "One step to the bottom", "zig-zags in", False)
    assert first.choices == ("creeps in", "lands in one step", "zig-zags in", "diverges")
    assert (first.screen, first.options) == (
        "landscape", {"model": "bowl", "optimizer": "sgd", "rate": "0.9"})
    assert first.line == 14  # the '::: exercise' line in the file (7 lines of front matter)
    assert second.question == "How many guesses from 50 to 37 at rate 2?"
    assert (second.value, second.tolerance, second.title) == (7, 0, "Exercise")
    assert second.is_right(7.0, 7.0) and not second.is_right(8, 7.0)
    assert first.is_right("Zig-zags in", "zig-zags in") and not first.is_right("diverges",
                                                                               "zig-zags in")


def test_the_reader_shows_the_question_and_choices_but_not_the_answer(tmp_path):
    lesson = lesson_with(tmp_path, GOOD)
    shown = "\n".join(text for _, text in shown_parts(lesson))
    assert "press **e**, pick one" in shown and "press **e**, type a number" in shown
    assert "- zig-zags in" in shown and "[x]" not in shown
    for hidden in ("Run:", "Measure:", "Why:", "N: 7", ":::"):
        assert hidden not in shown
    assert "from 50 to 37 at rate 2?" in shown  # a question's second line stays
    # line for line: every heading is where the lesson's sections say
    assert [start for start, _ in shown_parts(lesson)] == [start for start, _ in lesson.parts()]
    assert len(shown.splitlines()) == len(lesson.body.splitlines())


@pytest.mark.parametrize(("block", "line", "message"), [
    ("::: exercise a\nPredict: ?\n- [ ] x\n- [ ] y\nRun: screen:guess\nMeasure: guess.guesses\n"
     "Why: w\n:::", 12, "mark exactly one choice with [x]"),
    ("::: exercise a\nPredict: ?\nN: seven\nRun: screen:guess\nMeasure: guess.guesses\n"
     "Why: w\n:::", 14, "bad numeric answer 'seven'"),
    ("::: exercise a\nPredict: ?\nN: 7\nMeasure: guess.guesses\nWhy: w\n:::", 12,
     "exercise has no 'Run:' line"),
    ("::: exercise a\nPredict: ?\nN: 7\nRun: lesson:one\nMeasure: guess.guesses\nWhy: w\n:::",
     15, "Run: wants a screen link"),
    ("::: exercise a\nPredict: ?\nN: 7\nRun: screen:guess?rate=0\nMeasure: guess.guesses\n"
     "Why: w\n:::", 15, "rate '0': a learning rate above 0"),
    ("::: exercise a\nPredict: ?\nN: 7\nRun: screen:guess\nMeasure: guess.guesses\nWhy: w\n",
     12, "exercise is not closed"),
    ("::: exercise A b\nPredict: ?\nN: 7\nRun: screen:guess\nMeasure: guess.guesses\nWhy: w\n"
     ":::", 12, "write '::: exercise ID'"),
    ("::: exercise a\nPredict: ?\nN: 7\nhello\nRun: screen:guess\nMeasure: guess.guesses\n"
     "Why: w\n:::", 15, "unexpected line in exercise: 'hello'"),
])
def test_a_malformed_block_names_file_and_line_and_the_lesson_still_loads(tmp_path, block,
                                                                          line, message):
    write_lesson(tmp_path, "1.md", id="one", order=1, body=f"Intro.\n\n{block}\n")
    course = load_course(tmp_path)
    assert [lesson.id for lesson in course.lessons] == ["one"]  # still loads
    exercises, problems = parse_exercises(course.lessons[0])
    assert exercises == []
    assert len(problems) == 1, problems
    assert problems[0].line == line and message in problems[0].message
    assert str(problems[0]).startswith(f"{tmp_path / '1.md'}:{line}: ")
    shown = "\n".join(text for _, text in shown_parts(course.lessons[0]))
    assert "This exercise has a mistake" in shown


# --- the measures: the screens' own core code --------------------------------------------------

@pytest.mark.parametrize(("rate", "regime"), [("0.1", "creeps in"), ("0.5", "lands in one step"),
                                              ("0.9", "zig-zags in"), ("1", "bounces forever"),
                                              ("1.1", "diverges")])
def test_the_bowl_regimes_follow_rate_times_curvature(rate, regime):
    options = {"model": "bowl", "optimizer": "sgd", "rate": rate}
    assert measure("landscape.regime", options) == regime


def test_the_bowl_is_w_squared_plus_b_squared_with_curvature_2_from_1_0():
    bowl = Landscape(MODELS["bowl"])
    for w, b in ((0.3, 0.7), (-1.2, 0.4), (1.0, 0.0)):
        assert bowl.loss(w, b) == pytest.approx(w * w + b * b)
    assert bowl.hessian(0.2, -0.1).ravel().tolist() == pytest.approx([2, 0, 0, 2], abs=1e-6)
    assert MODELS["bowl"].start == (1.0, 0.0)
    path = bowl.walk("sgd", 0.9, (1.0, 0.0), 3)
    assert path.points[:, 0] == pytest.approx([1, 1 - 1.8, (1 - 1.8) ** 2, (1 - 1.8) ** 3])


def test_momentum_survives_a_rate_where_plain_descent_diverges_on_the_line():
    for optimizer, outcome in (("sgd", "diverges"), ("momentum", "converges")):
        options = {"model": "line", "optimizer": optimizer, "rate": "0.25"}
        assert measure("landscape.outcome", options) == outcome


def test_a_batch_of_one_keeps_wandering_where_the_full_batch_converges():
    options = {"model": "line", "optimizer": "sgd", "rate": "0.1"}
    assert measure("landscape.outcome", options) == "converges"
    assert measure("landscape.outcome", {**options, "batch": "6"}) == "converges"
    assert measure("landscape.outcome", {**options, "batch": "1"}) == "keeps wandering"
    with pytest.raises(ValueError, match="batches of 1, 2, 3, 6 points"):
        measure("landscape.outcome", {**options, "batch": "4"})


def test_the_guess_count_is_the_games():
    game = play(37, learning_rate=2)
    assert measure("guess.guesses", {"rate": "2", "secret": "37"}) == game.steps
    assert measure("guess.guesses", {"rate": "2", "secret": "37"}) == 7
    assert measure("guess.guesses", {"rate": "50", "secret": "30"}) == "never"


def test_the_gradient_sign_is_the_steppers_and_turns_with_the_target():
    stepper = Stepper(preset="lesson")
    assert stepper.loss_and_gradients()[1]["w"] < 0
    assert measure("backprop.sign", {"preset": "lesson", "target": "1"}, "w") == "negative"
    assert measure("backprop.sign", {"preset": "lesson", "target": "0"}, "w") == "positive"


def test_the_lab_measures_train_as_the_lab_does():
    fresh = measure("lab.loss", {"preset": "random guess", "steps": "0"})
    assert fresh == pytest.approx(math.log(2), abs=0.01)
    assert measure("lab.chance", {"preset": "random guess", "steps": "0"}) == "about ln 2"
    assert measure("lab.chance", {"preset": "default", "steps": "0"}) == "below ln 2"
    trained = measure("lab.loss", {"preset": "random guess", "steps": "30"})
    assert trained < fresh  # a few steps, and the loss has moved down
    assert measure("lab.turns-up", {"preset": "overfit me", "steps": "30"}) == "neither"


def test_every_measure_names_a_screen_a_link_can_open():
    from gdtui.areas import place_names

    assert all(each.screen in place_names() for each in MEASURES.values())
    assert "bowl" in option_names()["landscape.model"]


# --- gdtui check: the lesson can never claim what the app does not do ----------------------------

def test_check_reports_an_answer_the_app_does_not_produce(tmp_path):
    wrong = GOOD.replace("- [x] zig-zags in", "- [ ] zig-zags in").replace(
        "- [ ] diverges", "- [x] diverges").replace("N: 7", "N: 8 +- 0.5")
    write_lesson(tmp_path, "1.md", id="one", order=1, body=wrong)
    _, problems = check(tmp_path)
    messages = sorted(str(problem) for problem in problems)
    path = tmp_path / "1.md"
    assert messages == sorted([
        f"{path}:14: exercise 'one-step': the app measures 'zig-zags in', but the lesson says "
        "'diverges'",
        f"{path}:25: exercise 'count': the app measures '7', but the lesson says '8'"])


def test_check_reports_an_unknown_measure_a_wrong_screen_and_an_unknown_model(tmp_path):
    body = GOOD.replace("Measure: landscape.regime", "Measure: landscape.nope").replace(
        "Measure: guess.guesses", "Measure: landscape.outcome")
    write_lesson(tmp_path, "1.md", id="one", order=1, body=body)
    write_lesson(tmp_path, "2.md", id="two", order=2, body=GOOD.replace("model=bowl",
                                                                          "model=moon"))
    _, problems = check(tmp_path)
    text = "\n".join(str(problem) for problem in problems)
    assert "exercise 'one-step': unknown measure 'landscape.nope'" in text
    assert ("exercise 'count': measure 'landscape.outcome' is about screen:landscape, but Run: "
            "opens screen:guess") in text
    assert "exercise 'one-step': Run: unknown model 'moon' (line, sigmoid, bowl)" in text


def test_check_passes_the_shipped_course_whose_every_lesson_has_an_exercise():
    checked, problems = check(load_course().lessons[0].path.parent)
    assert problems == [] and checked == len(load_course().lessons)
    for lesson in load_course().lessons:
        exercises, broken = parse_exercises(lesson)
        assert exercises and not broken, lesson.id
        body = lesson.body.splitlines()
        first = exercises[0].line - lesson.body_line
        try_it = next(i for i, line in enumerate(body) if line.startswith("**Try it:**"))
        assert first < try_it  # the exercises come just before the Try it paragraph


# --- screen links' options ---------------------------------------------------------------------

@pytest.mark.parametrize(("href", "message"), [
    ("screen:lab?preset=default&steps=200&l2=0.01", None),
    ("screen:landscape?model=bowl&optimizer=adam&rate=0.5", None),
    ("screen:guess?rate=2&secret=37", None),
    ("screen:backprop?preset=lesson&target=0", None),
    ("screen:lab?speed=9", "unknown option 'speed' for screen:lab (preset, steps, l2)"),
    ("screen:guess?secret=101", "secret '101': a whole number from 1 to 100, like 37"),
    ("screen:guess?secret=3.5", "secret '3.5': a whole number from 1 to 100, like 37"),
    ("screen:lab?steps=ten", "steps 'ten' is not a number"),
    ("screen:landscape?optimizer=rmsprop", "unknown optimizer 'rmsprop' (sgd, momentum, adam)"),
    ("screen:backprop?target=2", "target '2': a target from 0 to 1"),
    ("screen:backprop?probability=0.05", None),
    ("screen:backprop?probability=1.5", "probability '1.5': a probability from 0 to 1"),
    ("screen:landscape?batch=1", None),
    ("screen:landscape?batch=0", "batch '0': a whole number of points per step"),
    ("screen:cards?deck=1", "screen:cards takes no options"),
])
def test_screen_link_options_are_checked_with_a_clear_message(tmp_path, href, message):
    write_lesson(tmp_path, "1.md", id="one", order=1, body=f"[go]({href})")
    problems = load_course(tmp_path, names=option_names()).problems
    if message is None:
        assert problems == []
    else:
        assert len(problems) == 1 and message in problems[0].message, problems


# --- the store ------------------------------------------------------------------------------

def test_answers_are_kept_with_history_and_the_latest_counts(store):
    store.record_exercise("loss", "sure", "above ln 2", "below ln 2", False)
    store.record_exercise("loss", "sure", "below ln 2", "below ln 2", True)
    assert store.exercise_results() == {("loss", "sure"): ("below ln 2", "below ln 2", True)}
    count = store.connection.execute("SELECT COUNT(*) FROM exercise_answer").fetchone()[0]
    assert count == 2


def test_a_progress_file_from_before_exercises_is_upgraded_and_keeps_its_data(tmp_path,
                                                                              monkeypatch):
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:3])
    old = Store.open(tmp_path)
    old.mark_read("loss")
    assert old.version == 3
    old.close()
    monkeypatch.undo()
    new = Store.open(tmp_path)
    assert new.version == SCHEMA_VERSION == 4
    assert new.read_lessons() == {"loss"}
    new.record_exercise("loss", "sure", "below ln 2", "below ln 2", True)
    assert new.exercise_results()[("loss", "sure")][2] is True
    new.close()


def test_the_readme_exercise_example_passes_the_checker(tmp_path):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```markdown\n(.*?)```", readme, flags=re.S).group(1)
    (tmp_path / "example.md").write_text(example, encoding="utf-8")
    exercises, problems = parse_exercises(parse_lesson(tmp_path / "example.md"))
    assert [each.id for each in exercises] == ["rate-two"] and problems == []
    _, problems = check(tmp_path / "example.md")
    assert not [problem for problem in problems if "exercise" in problem.message]
