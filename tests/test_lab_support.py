"""What the Training Lab needs from the trainer: typed fields, snapshots, pictures, words, and
training from a thread in chunks (gdtui.training: fields, view, picture, worker)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from gdtui.training.challenges import challenge_by_id
from gdtui.training.fields import parse_field, setting_text
from gdtui.training.picture import Curve, Regions, model_picture
from gdtui.training.session import TrainingSession
from gdtui.training.settings import SETTING_INFO, Settings, SettingsError
from gdtui.training.view import (
    FrameRequest,
    activity_line,
    change_label,
    loss_series,
    make_frame,
    ranked_score,
    score_text,
    snapshot,
    status_line,
    step_ticks,
    thin_indices,
)
from gdtui.training.worker import (
    MAX_CHUNK,
    SPEEDS,
    TICK_SECONDS,
    Frames,
    SessionLock,
    train_in_chunks,
)

SMALL = Settings(n_points=200)


@pytest.mark.parametrize(("name", "text", "value"), [
    ("hidden_layers", " 8, 4 ", (8, 4)),
    ("hidden_layers", "none", ()),
    ("features", "x1^2,x2^2", ("x1^2", "x2^2")),
    ("learning_rate", "3e-2", 0.03),
    ("noise", "0.25", 0.25),
    ("batch_size", "64", 64),
    ("n_points", "300", 300),
])
def test_fields_read_what_is_typed(name, text, value):
    assert parse_field(name, text) == value


@pytest.mark.parametrize(("name", "text", "message"), [
    ("hidden_layers", "8,x", "hidden layers: use up to 6 numbers from 1 to 64, like 8,8"),
    ("learning_rate", "abc", "learning rate must be a positive number"),
    ("noise", "lots", "noise must be a number, like 0.1"),
    ("regularization_rate", "nan", "regularization rate must be a number, like 0.1"),
    ("batch_size", "3.5", "batch size must be a whole number, like 32"),
    ("seed", "1", "unknown setting 'seed'"),
])
def test_a_badly_typed_field_is_named_and_explained(name, text, message):
    with pytest.raises(SettingsError) as error:
        parse_field(name, text)
    assert error.value.field == name and str(error.value) == message


@pytest.mark.parametrize("name", [n for n, i in SETTING_INFO.items()
                                  if i.group and i.kind in ("whole", "number")
                                  and n != "learning_rate"])
def test_number_fields_are_read_as_the_table_says(name):
    info = SETTING_INFO[name]
    assert parse_field(name, " 3 ") == 3
    assert isinstance(parse_field(name, "3"), int if info.kind == "whole" else float)
    assert parse_field(name, "−2") == -2  # the minus the screens print; range checks come later
    kind = "a whole number, like 32" if info.kind == "whole" else "a number, like 0.1"
    for bad in ("", "x", "inf", *(["2.5"] if info.kind == "whole" else [])):
        with pytest.raises(SettingsError) as error:
            parse_field(name, bad)
        assert str(error.value) == f"{info.label} must be {kind}"


def test_setting_text_reads_back_to_the_same_value():
    settings = Settings(hidden_layers=(16, 4), features=("x1", "sin x2"), noise=0.3)
    for name in ("hidden_layers", "features", "noise", "learning_rate", "batch_size",
                 "n_points", "validation_share", "regularization_rate"):
        value = getattr(settings, name)
        assert parse_field(name, setting_text(name, value)) == value


def test_thinning_spreads_evenly_and_keeps_the_last():
    assert list(thin_indices(5, 10)) == [0, 1, 2, 3, 4]
    picked = thin_indices(1001, 100)
    assert picked[0] == 0 and picked[-1] == 1000 and len(picked) <= 102
    gaps = set(np.diff(picked[:-1]))
    assert gaps == {11}


def test_a_snapshot_copies_what_the_lab_shows():
    session = TrainingSession(SMALL)
    session.run(120)
    session.update(learning_rate=0.3)
    view = snapshot(session, max_points=5)
    assert (view.step, view.status, view.settings.learning_rate) == (120, "ok", 0.3)
    assert view.losses.steps[-1] == 120 and len(view.losses.steps) <= 6
    assert view.latest == session.history.evaluations[-1]
    assert [change_label(c) for c in view.changes] == ["lr 0.3"]
    assert view.epoch == 30  # 100 training points: 4 batches an epoch, the last of 4 points
    assert view.can_undo
    session.run(10)
    assert view.step == 120  # a copy: the session moved on, the snapshot did not


def test_loss_series_keeps_train_and_validation_side_by_side():
    session = TrainingSession(SMALL)
    session.run(200)
    series = loss_series(session.history.evaluations, 8)
    chosen = {e.step: e for e in session.history.evaluations}
    for step, train, validation in zip(series.steps, series.train, series.validation,
                                       strict=True):
        assert (chosen[step].train_loss, chosen[step].validation_loss) == (train, validation)


def test_regions_colour_each_cell_by_the_class_the_network_answers():
    session = TrainingSession(SMALL)
    session.run(300)
    regions = model_picture(session, 30, 12)
    assert isinstance(regions, Regions)
    grid = session.predict_grid(30, 12)
    assert np.array_equal(regions.colours, grid.classes)
    assert regions.strengths.min() >= 0 and regions.strengths.max() <= 3
    points = regions.points
    assert len(points.columns) == 200 and points.columns.max() < 30 and points.rows.max() < 12
    assert points.validation.sum() == len(session.dataset.validation_inputs)
    assert set(points.colours) == {0, 1}


def test_each_cell_shows_the_point_a_learner_would_see_there():
    regions = model_picture(TrainingSession(Settings(n_points=2000)), 12, 5)  # crowded cells
    points, expected = regions.points, {}
    # the rule, point by point: validation points first, so a training point hides them
    for i in sorted(range(len(points.rows)), key=lambda i: not points.validation[i]):
        expected[(points.rows[i], points.columns[i])] = (points.colours[i], points.validation[i])
    shown = {(row, column): (regions.marks[row, column], regions.hollow[row, column])
             for row in range(5) for column in range(12) if regions.marks[row, column] >= 0}
    assert shown == expected
    assert not regions.hollow[regions.marks < 0].any()


def test_regression_gets_a_curve_or_a_value_map():
    curve = model_picture(TrainingSession(Settings(dataset="sine", n_points=100)), 20, 8)
    assert isinstance(curve, Curve) and len(curve.xs) == 40 and len(curve.train_x) == 50
    plane = model_picture(TrainingSession(Settings(dataset="plane", n_points=100)), 20, 8)
    assert isinstance(plane, Regions) and plane.n_colours == 2
    assert set(np.unique(plane.colours)) <= {0, 1}


def test_status_and_activity_lines_in_plain_words():
    session = TrainingSession(SMALL)
    session.run(100)
    view = snapshot(session)
    latest = view.latest
    line = status_line(view, 5123.4)
    assert line.startswith(f"step 100 · epoch {view.epoch} · 5,123 steps/s\n")
    assert f"loss {latest.train_loss:.4f} (val {latest.validation_loss:.4f})" in line
    assert f"acc {latest.train_accuracy:.1%}" in line
    assert activity_line(view).startswith(
        f"trained moons to {latest.validation_accuracy:.1%} validation accuracy (100 steps, "
        "2-8-8-1 tanh, adam lr 0.01)")
    sine = TrainingSession(Settings(dataset="sine", learning_rate=10))
    sine.run(50)
    assert "acc" not in status_line(snapshot(sine))
    assert activity_line(snapshot(sine)).startswith("diverged on sine at learning rate 10 ")


def test_scores_are_ranked_so_that_higher_is_better():
    steps, rate, units = (challenge_by_id(name) for name in
                          ("spiral-sprint", "bold-steps", "tiny-brain"))
    assert ranked_score(steps, 1320.0) == -1320.0 and score_text(steps, -1320.0) == "1,320 steps"
    assert ranked_score(rate, 3.0) == 3.0 and score_text(rate, 3.0) == "learning rate 3"
    assert score_text(units, ranked_score(units, 6.0)) == "6 hidden units"


def test_a_snapshot_judges_the_challenge():
    challenge = challenge_by_id("feature-engineer")
    session = TrainingSession(challenge.settings().replace(features=("x1^2", "x2^2")))
    session.run(400)
    verdict = snapshot(session, challenge=challenge).verdict
    assert verdict.passed and verdict.message.startswith("done: validation accuracy")


def test_training_in_chunks_stops_at_the_limit_with_one_undo_point():
    session = TrainingSession(SMALL)
    calls = []
    reason = train_in_chunks(session, SessionLock(), lambda: False, lambda: "fast", 250,
                             lambda: calls.append(session.step))
    assert (reason, session.step) == ("limit", 250)
    assert calls and calls[-1] == 250
    assert session.undo() and session.step == 0 and not session.can_undo


def test_training_in_chunks_without_a_limit_goes_on_until_told_to_stop():
    session = TrainingSession(SMALL)
    reason = train_in_chunks(session, SessionLock(), lambda: session.step >= 3000,
                             lambda: "fast", None)
    assert reason == "stopped" and session.step >= 3000


def test_training_in_chunks_stops_when_asked_or_when_the_loss_diverges():
    session = TrainingSession(SMALL)
    assert train_in_chunks(session, SessionLock(), lambda: True, lambda: "fast", 100) == "stopped"
    assert session.step == 0
    sine = TrainingSession(Settings(dataset="sine", learning_rate=10))
    assert train_in_chunks(sine, SessionLock(), lambda: False, lambda: "fast", 10**6) == \
        "diverged"
    assert sine.status == "diverged"


class FakeClock:
    """Stands in for the `time` module of training.worker: only sleeping moves the clock (and
    whatever a test adds), so steps are counted against seconds exactly."""

    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def thread_time(self) -> float:
        return 0.0


def test_slow_speed_takes_one_step_per_chunk(monkeypatch):
    monkeypatch.setattr("gdtui.training.worker.time", FakeClock())  # no real sleeping
    session = TrainingSession(SMALL)
    steps_seen = []
    train_in_chunks(session, SessionLock(), lambda: False, lambda: "slow", 3,
                    lambda: steps_seen.append(session.step))
    assert steps_seen == [1, 2, 3]


@pytest.mark.parametrize("speed", ["slow", "normal"])
def test_slow_and_normal_speeds_take_their_steps_per_second_of_the_clock(monkeypatch, speed):
    clock = FakeClock()
    monkeypatch.setattr("gdtui.training.worker.time", clock)
    session, chunks = TrainingSession(SMALL), []
    rate = SPEEDS[speed]
    per_chunk = max(1, round(rate * TICK_SECONDS))  # slow: 1 step, normal: 2
    every = per_chunk / rate  # slow: a chunk every 0.1 s, normal: every TICK_SECONDS
    reason = train_in_chunks(session, SessionLock(), lambda: clock.now > 1 + every / 2,
                             lambda: speed, 10**6,
                             lambda: chunks.append((round(clock.now, 9), session.step)))
    # a chunk every `every` seconds from 0 s to 1 s: the speed's steps a second, and the first
    assert reason == "stopped" and session.step == rate + per_chunk
    count = round(1 / every) + 1
    assert chunks == [(round(k * every, 9), (k + 1) * per_chunk) for k in range(count)]


def test_the_speed_is_read_before_every_chunk(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr("gdtui.training.worker.time", clock)
    session = TrainingSession(SMALL)
    train_in_chunks(session, SessionLock(), lambda: clock.now > 1.025,
                    lambda: "slow" if clock.now < 0.475 else "normal", 10**6)
    assert session.step == 5 * 1 + 11 * 2  # slow from 0 to 0.4 s, then normal to 1 s


def test_fast_speed_sizes_chunks_to_take_about_chunk_seconds(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr("gdtui.training.worker.time", clock)
    session = TrainingSession(SMALL)
    run = session.run

    def run_on_the_clock(n_steps, **options):  # each step takes 0.1 ms of the clock
        taken = run(n_steps, **options)
        clock.now += taken * 0.0001
        return taken

    monkeypatch.setattr(session, "run", run_on_the_clock)
    sizes, done = [], [0]

    def after_chunk():
        sizes.append(session.step - done[0])
        done[0] = session.step

    train_in_chunks(session, SessionLock(), lambda: False, lambda: "fast", 1001, after_chunk)
    assert sizes[0] == 1 and sum(sizes) == 1001
    assert all(99 <= size <= 100 for size in sizes[1:-1])  # 100 steps take CHUNK_SECONDS
    monkeypatch.setattr(session, "run", run)  # steps that take no time: the chunk is capped
    sizes.clear()
    train_in_chunks(session, SessionLock(), lambda: False, lambda: "fast",
                    session.step + 1 + 3 * MAX_CHUNK, after_chunk)
    assert sizes == [1, MAX_CHUNK, MAX_CHUNK, MAX_CHUNK]


def test_a_frame_is_built_when_asked_and_is_a_copy():
    challenge = challenge_by_id("spiral-sprint")
    session, frames = TrainingSession(SMALL), Frames()
    assert not frames.busy and not frames.answer(session) and frames.take() is None
    session.run(50)
    frames.ask(FrameRequest((20, 8), challenge))
    assert frames.busy
    assert frames.answer(session) and frames.busy  # built, not yet taken
    frame = frames.take()
    assert not frames.busy and frames.take() is None
    assert frame.view.step == 50 and [e.step for e in frame.evaluations] == [0, 10, 20, 30,
                                                                              40, 50]
    assert isinstance(frame.picture, Regions) and frame.picture_size == (20, 8)
    assert frame.view.verdict.message.startswith("dataset must stay 'spiral'")
    session.run(50)
    assert frame.view.step == 50 and len(frame.evaluations) == 6  # the session moved on
    assert list(frame.evaluations) == session.history.evaluations[:6]
    frames.ask(FrameRequest(None))
    frames.answer(session)
    later = frames.take()
    assert later.view.step == 100 and later.picture is None and later.picture_size is None
    assert later.view.verdict is None


def test_the_worker_builds_a_frame_only_when_the_ui_asked(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr("gdtui.training.worker.time", clock)
    built = []

    def counted(session, request):
        built.append(session.step)
        return make_frame(session, request)

    monkeypatch.setattr("gdtui.training.worker.make_frame", counted)
    session, frames, chunks = TrainingSession(SMALL), Frames(), []

    def after_chunk():  # what the Lab's worker does, with the UI asking after the third chunk
        chunks.append(session.step)
        frames.answer(session)
        if len(chunks) == 3:
            frames.ask(FrameRequest(None))

    train_in_chunks(session, SessionLock(), lambda: False, lambda: "normal", 20, after_chunk)
    assert chunks == [2 * k for k in range(1, 11)]
    assert built == [8]  # ten chunks, one frame: right after the chunk that followed the ask
    assert frames.take().view.step == 8 and not frames.busy


def test_the_ui_holds_the_session_still_while_a_thread_trains():
    session, lock = TrainingSession(SMALL), SessionLock()
    stop = threading.Event()
    trainer = threading.Thread(target=train_in_chunks, args=(
        session, lock, stop.is_set, lambda: "fast", 10**9))
    trainer.start()
    try:
        for _ in range(20):
            with lock.ui():
                step = session.step
                session.update(batch_size=16 if session.settings.batch_size == 32 else 32)
                assert session.step == step  # nothing trains while the UI holds the lock
    finally:
        stop.set()
        trainer.join()
    assert session.step > 0 and len(session.history.changes) == 20


def test_step_ticks_are_round_and_short():
    assert step_ticks(10, 5) == ([0, 2, 4, 6, 8, 10], ["0", "2", "4", "6", "8", "10"])
    assert step_ticks(999, 5)[0] == [0, 200, 400, 600, 800]
    assert step_ticks(76_700, 4) == ([0, 20_000, 40_000, 60_000], ["0", "20k", "40k", "60k"])
    assert step_ticks(12_345, 6)[1] == ["0", "5k", "10k"]
    assert step_ticks(0, 5) == ([0], ["0"])
