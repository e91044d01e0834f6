"""What the home screen says about the learner, computed without a screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gdtui.course.lessons import load_course
from gdtui.course.progress import (
    area_status,
    guess_status,
    lab_status,
    log_backprop_steps,
    log_flashcards,
    log_guessing_game,
    log_landscape_walks,
    log_lesson_finished,
    log_lesson_opened,
    next_lesson_id,
    overview,
    time_ago,
)
from tests.conftest import write_lesson


def test_time_ago_reads_naturally():
    at = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
    assert time_ago(at - timedelta(seconds=20), at) == "just now"
    assert time_ago(at - timedelta(minutes=1), at) == "1 minute ago"
    assert time_ago(at - timedelta(hours=5), at) == "5 hours ago"
    assert time_ago(at - timedelta(days=3, hours=2), at) == "3 days ago"
    # rounded like every rough duration: 59 min 40 s is an hour, not "59 minutes"
    assert time_ago(at - timedelta(minutes=59, seconds=40), at) == "1 hour ago"
    assert time_ago(at + timedelta(minutes=5), at) == "just now"  # a clock that went back


def test_overview_and_next_lesson(store, tmp_path):
    for order, lesson_id in enumerate(("one", "two", "three"), start=1):
        write_lesson(tmp_path, f"{order}.md", id=lesson_id, order=order)
    course = load_course(tmp_path)
    info = overview(store, course)
    assert (info.first_run, info.lessons_read, info.lessons_total) == (True, 0, 3)
    assert next_lesson_id(store, course) == "one"
    store.open_lesson("two")  # opened but not finished: continue there
    assert next_lesson_id(store, course) == "two"
    store.mark_read("two")
    store.log("lesson", "finished lesson 'Two'")
    info = overview(store, course)
    assert info.first_run is False and info.lessons_read == 1
    assert info.last_activity == "finished lesson 'Two' (just now)"
    assert next_lesson_id(store, course) == "one"


def test_game_and_lab_status_lines(store):
    assert guess_status(store) == "not played yet"
    store.record_guesses("watch", 10, 9)
    store.record_guesses("keep", 2, 7)
    assert guess_status(store) == "best: 7 guesses at learning rate 2"
    assert lab_status(store) == "no challenge yet"
    store.record_challenge("spiral", 0.97, "97%")
    assert lab_status(store) == "1 challenge scored"


def test_the_activity_log_phrases(store, tmp_path):
    write_lesson(tmp_path, "1.md", id="one", order=1, title="Loss")
    lesson = load_course(tmp_path).lessons[0]

    def last() -> tuple[str, str]:
        return store.last_activity()[1:]

    log_lesson_opened(store, lesson)
    assert last() == ("lesson", "opened lesson 'Loss'")
    log_lesson_finished(store, lesson)
    assert last() == ("lesson", "finished lesson 'Loss'")
    log_flashcards(store, 5, cram=False)
    assert last() == ("cards", "reviewed 5 flashcards")
    log_flashcards(store, 1, cram=True)
    assert last() == ("cards", "crammed 1 flashcards")
    log_guessing_game(store, "Watch it learn", 2.5, "within 2 at guess 7")
    assert last() == ("guess", "played the guessing game (watch it learn) at learning rate 2.5: "
                               "within 2 at guess 7")
    log_backprop_steps(store, 1, 0.25, -1.5)
    assert last() == ("backprop", "took 1 backprop step: loss 0.250 → −1.50")
    log_backprop_steps(store, 10, 0.25, 0.0314)
    assert last() == ("backprop", "took 10 backprop steps: loss 0.250 → 0.0314")
    log_landscape_walks(store, "Line fit", [("gradient descent, lr 0.05", "converged"),
                                            ("Adam, lr 0.02", "still walking")])
    assert last() == ("landscape", "walked the line fit landscape with gradient descent, "
                                   "lr 0.05: converged; Adam, lr 0.02: still walking")


def test_each_area_has_its_line_on_the_home_screen(store, tmp_path):
    write_lesson(tmp_path, "1.md", id="one", order=1)
    course = load_course(tmp_path)
    info = overview(store, course)
    assert area_status("lessons", store, course, info) == "0/1 read"
    assert area_status("cards", store, course, info) == "no cards yet"
    assert area_status("guess", store, course, info) == "not played yet"
    assert area_status("lab", store, course, info) == "no challenge yet"
    assert area_status("backprop", store, course, info) == ""
