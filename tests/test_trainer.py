"""The training session, as the Training Lab will drive it."""

from __future__ import annotations

import dataclasses
import json
import math
import sys
import warnings

import numpy as np
import pytest

from gdtui.training.challenges import CHALLENGES, challenge_by_id, judge
from gdtui.training.datasets import DataError, make_dataset
from gdtui.training.hints import Worse, got_worse, hints
from gdtui.training.history import Change, Evaluation, History
from gdtui.training.session import Changed, RebuildNeeded, TrainingSession
from gdtui.training.settings import (
    LEARNING_RATE_LADDER,
    LIVE_SETTINGS,
    PRESETS,
    SETTING_INFO,
    Settings,
    SettingsError,
    evaluation_interval,
    learning_rate_down,
    learning_rate_up,
    parse_features,
    parse_hidden_layers,
    parse_learning_rate,
    settings_from_dict,
)
from gdtui.training.trouble import Remedy, divergence_limit, remedy
from tests.conftest import wait_for_text, wait_until

SMALL = Settings(n_points=200)  # moons, 8-8 tanh, adam 0.01, 100 training points


def test_history_records_the_last_step_and_regular_evaluations():
    session = TrainingSession(SMALL.replace(eval_every=25))
    assert session.run(100) == 100
    history = session.history
    assert session.step == 100 and history.batch_loss > 0 and history.count == 5
    assert [e.step for e in history.evaluations] == [0, 25, 50, 75, 100]
    assert session.epoch == 25  # 100 training points: 4 steps a pass (32, 32, 32, 4)
    assert history.evaluations[-1].train_loss < history.evaluations[0].train_loss
    assert 0.0 <= history.evaluations[-1].validation_accuracy <= 1.0


def test_more_points_are_evaluated_less_often_so_a_step_costs_the_same():
    assert [evaluation_interval(10, n) for n in (40, 500, 501, 5000, 20_000)] == [
        10, 10, 20, 100, 400]
    assert evaluation_interval(3, 1200) == 9
    session = TrainingSession(Settings(n_points=2000))
    assert session.evaluation_interval == 40
    session.run(200)
    assert [e.step for e in session.history.evaluations] == [0, 40, 80, 120, 160, 200]
    assert session.history.latest == session.evaluate()  # on all the points
    session.update(eval_every=5)  # live, like the other numbers of the evaluation
    session.run(40)
    assert [e.step for e in session.history.evaluations][-3:] == [200, 220, 240]


def test_changing_the_learning_rate_mid_run_keeps_history_and_marks_the_change():
    session = TrainingSession(SMALL)
    session.run(50)
    weights = session.network.parameter_vector.copy()
    recorded = session.update(learning_rate=0.3)
    assert recorded == [Change(50, "learning_rate", 0.01, 0.3)]
    assert session.history.changes == recorded
    assert session.optimizer.learning_rate == 0.3
    assert np.array_equal(session.network.parameter_vector, weights)  # nothing reset
    session.run(50)
    assert session.step == 100 and session.history.latest.step == 100


def test_optimizer_and_batch_size_change_live():
    session = TrainingSession(SMALL)
    session.run(10)
    session.update(optimizer="sgd", batch_size=8)
    assert session.optimizer.name == "sgd" and session.optimizer.learning_rate == 0.01
    assert len(session._batches.next()[0]) <= 8
    assert {c.name for c in session.history.changes} == {"optimizer", "batch_size"}
    session.update(batch_size=8)  # the same value again is not a change
    assert len(session.history.changes) == 2


def test_update_refuses_structural_and_bad_changes_and_changes_nothing():
    session = TrainingSession(SMALL)
    with pytest.raises(RebuildNeeded, match="changing hidden_layers needs a new network"):
        session.update(hidden_layers=(4,), learning_rate=0.1)
    with pytest.raises(SettingsError) as error:
        session.update(learning_rate=-1)
    assert error.value.field == "learning_rate"
    assert str(error.value) == "learning rate must be a positive number"
    assert session.settings == SMALL and session.history.changes == []


def test_same_seed_same_numbers_however_the_run_is_chunked():
    whole = TrainingSession(SMALL)
    whole.run(300)
    chunked = TrainingSession(SMALL)
    for _ in range(6):
        chunked.run(50, save_undo=False)
    assert np.array_equal(whole.network.parameter_vector, chunked.network.parameter_vector)
    assert whole.history.evaluations == chunked.history.evaluations
    assert whole.history.batch_loss == chunked.history.batch_loss


def test_should_stop_is_asked_before_every_step():
    session = TrainingSession(SMALL)
    asked = []

    def should_stop():
        asked.append(True)
        return len(asked) > 7

    assert session.run(100, should_stop=should_stop) == 7
    assert session.step == 7


def test_a_huge_learning_rate_diverges_with_a_plain_message_and_no_warning():
    session = TrainingSession(Settings(dataset="sine", loss="mse", optimizer="sgd",
                                       learning_rate=10))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        taken = session.run(1000)
    assert taken < 1000
    assert session.status == "diverged"
    assert session.message == "diverged: the loss grew over 1000 times its starting value"
    assert np.isfinite(session.network.parameter_vector).all()  # the bad step was not applied
    assert session.run(10) == 0
    assert "press u to undo, then try 3" in session.hints()[0]


def test_an_infinite_loss_is_named_as_such():
    session = TrainingSession(Settings(dataset="sine", loss="mse", optimizer="sgd",
                               learning_rate=1e200))
    session.run(10)
    assert session.message == "diverged: the loss became infinite"


def test_a_nan_weight_shows_up_as_a_nan_loss():
    session = TrainingSession(SMALL)
    session.network.parameter_vector[0] = np.nan
    assert session.run(5) == 0
    assert session.message == "diverged: the loss became NaN (not a number)"


def test_data_whose_loss_is_not_finite_before_training_is_refused():
    data = make_dataset("sine", n_points=40)
    huge = dataclasses.replace(data, train_targets=data.train_targets * 1e300,
                               validation_targets=data.validation_targets * 1e300)
    with pytest.raises(DataError, match="sine: the loss is not a finite number even before "
                                        "training: the data's values are too large"):
        TrainingSession(Settings(dataset="sine"), dataset=huge)


def test_a_run_from_an_infinite_starting_loss_still_stops_on_an_infinite_loss():
    # 1000 times an infinite start is no limit: such a run used to train on, "ok", forever
    assert divergence_limit(math.inf) == divergence_limit(math.nan) == sys.float_info.max
    assert divergence_limit(0.5) == 500.0
    session = TrainingSession(Settings(dataset="sine", optimizer="sgd"))
    session.starting_loss = math.inf  # as if it had slipped past the check
    session.network.parameter_vector[...] = 1e200
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert session.run(5) == 0
    assert session.message == "diverged: the loss became infinite"


@pytest.mark.parametrize("optimizer, regularization, rate, pull", [
    ("sgd", "l2", 1e3, "pulls each weight toward zero by 20 times its own size every step, so "
                       "it lands past zero, further out each time"),
    ("momentum", "l2", 1e6, "pulls each weight toward zero by 20000 times its own size"),
    ("sgd", "l1", 1e300, "moves each weight 1e+298 toward zero every step, far past it"),
])
def test_a_run_wrecked_by_a_huge_regularization_rate_is_told_to_lower_that_rate(
        optimizer, regularization, rate, pull):
    # Before: "try a smaller learning rate" at the default 0.01, which does not help.
    settings = Settings(optimizer=optimizer, regularization=regularization,
                        regularization_rate=rate)
    session = TrainingSession(settings)
    session.run(100)
    trouble = session.trouble
    assert session.status == "diverged"
    assert trouble.remedy == Remedy("regularization_rate", 0.01)
    assert pull in trouble.explanation
    assert trouble.explanation.endswith("The regularization rate is too large, not the learning "
                                        "rate.")
    assert session.hints() == [
        f"a regularization rate of {rate:g} is too large: it throws the weights past zero, so "
        "the loss blew up; press u to undo, then try 0.01"]
    followed = TrainingSession(settings.replace(regularization_rate=trouble.remedy.value))
    followed.run(2000)
    assert followed.status == "ok" and followed.history.latest.train_accuracy > 0.85


@pytest.mark.parametrize("changes", [
    {"learning_rate": 1000.0},  # no penalty at all
    {"learning_rate": 1000.0, "regularization": "l2", "regularization_rate": 0.001},
    {"learning_rate": 1000.0, "optimizer": "adam", "regularization": "l2",
     "regularization_rate": 1.0},  # Adam scales every step: its penalty cannot overstep
])
def test_a_run_wrecked_by_the_learning_rate_is_still_told_to_lower_it(changes):
    session = TrainingSession(Settings(optimizer="sgd").replace(**changes))
    session.run(100)
    assert session.status == "diverged"
    assert session.trouble.remedy == Remedy("learning_rate", 10)
    assert "steps jumped past the bottom" in session.trouble.explanation
    assert session.hints()[0].startswith("a learning rate of 1000 is too large here")


def test_a_suggested_regularization_rate_is_gentle_and_never_oversteps():
    for rate in (1e-3, 0.01, 0.1, 1, 10, 1e3):
        fix = remedy(Settings(optimizer="sgd", learning_rate=rate, regularization="l2",
                              regularization_rate=1e6))
        assert fix.setting == "regularization_rate"
        assert fix.value <= 0.01 and fix.value * rate <= 0.01


def test_undo_restores_weights_optimizer_settings_and_history_exactly():
    session = TrainingSession(SMALL)
    session.run(100)
    weights, adam_steps = session.network.parameter_vector.copy(), session.optimizer.t
    record = session.history.evaluations, session.history.batch_loss
    session.update(learning_rate=0.1)
    session.run(50)
    assert session.undo()
    assert np.array_equal(session.network.parameter_vector, weights)
    assert session.optimizer.t == adam_steps and session.step == 100
    assert (session.history.evaluations, session.history.batch_loss) == record
    assert session.settings.learning_rate == 0.1  # changed before the undone run: kept
    # going forward again from the restored state repeats the same batches
    session.run(50)
    again = session.network.parameter_vector.copy()
    session.undo()
    session.run(50)
    assert np.array_equal(session.network.parameter_vector, again)


def test_undo_after_divergence_brings_back_a_healthy_session():
    session = TrainingSession(Settings(dataset="sine", loss="mse", optimizer="sgd",
                                       learning_rate=0.1))
    session.run(20)
    session.update(learning_rate=10)
    session.run(100)
    assert session.status == "diverged"
    assert session.undo()
    assert session.status == "ok" and session.message == ""
    assert session.step == 20 and session.settings.learning_rate == 10
    assert session.undo() and session.step == 0  # two runs, two undos
    assert not session.can_undo and not session.undo()


def test_rebuild_starts_a_new_network_and_keeps_the_session_when_refused():
    session = TrainingSession(SMALL)
    session.run(30)
    session.rebuild(hidden_layers=(4,), activation="relu")
    assert session.network.layer_sizes == (2, 4, 1) and session.step == 0
    assert len(session.history.evaluations) == 1 and not session.can_undo
    with pytest.raises(SettingsError, match="hidden layers: use up to 6 numbers from 1 to 64"):
        session.rebuild(hidden_layers=(4, 65))
    assert session.network.layer_sizes == (2, 4, 1)
    session.reset()
    first = session.network.parameter_vector.copy()
    session.run(10)
    session.reset()
    assert np.array_equal(session.network.parameter_vector, first)  # same seed, same start


def test_overfit_preset_validation_loss_rises_while_training_loss_falls():
    session = TrainingSession(settings_from_dict(PRESETS["overfit me"]))
    assert len(session.dataset.train_inputs) == 20
    session.run(1500)
    evaluations = session.history.evaluations
    best = min(evaluations, key=lambda e: e.validation_loss)
    last = evaluations[-1]
    assert 0 < best.step < 500
    assert last.validation_loss > 2 * best.validation_loss
    assert last.train_loss < best.train_loss / 10
    hint = next(hint for hint in session.hints() if "overfitting" in hint)
    # The first remedy the lesson names: stop where validation loss was lowest.
    assert f"lowest at step {session.history.best.step} (stopping there is early stopping)" in hint


def test_l2_regularization_keeps_weights_smaller():
    plain, regularized = TrainingSession(SMALL), TrainingSession(SMALL.replace(regularization="l2",
                                                                regularization_rate=0.01))
    plain.run(500)
    regularized.run(500)
    size = [np.linalg.norm(s.network.parameter_vector * s.network.weight_mask)
            for s in (plain, regularized)]
    assert size[1] < 0.8 * size[0]


def test_predict_grid_covers_the_data_with_classes_and_probabilities():
    session = TrainingSession(Settings(dataset="spiral3", n_points=150))
    session.run(200)
    grid = session.predict_grid(30, 12)
    assert grid.classes.shape == (12, 30) and grid.probabilities.shape == (12, 30, 3)
    assert np.allclose(grid.probabilities.sum(axis=2), 1.0)
    assert np.array_equal(grid.classes, grid.probabilities.argmax(axis=2))
    x_min, x_max, y_min, y_max = grid.extent
    inputs = session.dataset.inputs
    assert x_min < inputs[:, 0].min() and inputs[:, 0].max() < x_max
    assert y_min < inputs[:, 1].min() and inputs[:, 1].max() < y_max
    assert grid.ys[0] == y_min and grid.xs[-1] == x_max


def test_binary_grid_agrees_with_the_networks_own_classes():
    session = TrainingSession(SMALL.replace(features=("x1", "x2", "x1^2")))
    session.run(200)
    grid = session.predict_grid(5, 4)
    raw = np.column_stack([np.tile(grid.xs, 4), np.repeat(grid.ys, 5)])
    from gdtui.training.datasets import feature_columns

    outputs = session.network.forward(feature_columns(raw, session.settings.features))
    assert np.array_equal(grid.classes.ravel(), (outputs[:, 0] > 0).astype(int))
    assert np.allclose(grid.probabilities[..., 1].ravel(), 1 / (1 + np.exp(-outputs[:, 0])))


def test_regression_gives_a_curve_or_a_value_grid():
    sine = TrainingSession(Settings(dataset="sine", n_points=200, learning_rate=0.03))
    sine.run(1500)
    xs, ys = sine.predict_curve(50)
    assert np.abs(ys - np.sin(np.pi * xs)).mean() < 0.1
    with pytest.raises(ValueError, match="needs data with 2 inputs"):
        sine.predict_grid(10, 10)
    plane = TrainingSession(Settings(dataset="plane", n_points=100))
    assert plane.predict_grid(6, 3).values.shape == (3, 6)
    assert plane.evaluate().validation_accuracy is None


def test_mse_on_classes_uses_clipped_outputs_as_probabilities():
    session = TrainingSession(Settings(dataset="spiral3", loss="mse", n_points=90))
    session.run(50)
    assert session.network.n_outputs == 3
    grid = session.predict_grid(4, 4)
    assert ((grid.probabilities >= 0) & (grid.probabilities <= 1)).all()


def test_cross_entropy_on_regression_is_refused_for_the_loss_field():
    with pytest.raises(SettingsError) as error:
        TrainingSession(Settings(dataset="sine", loss="cross_entropy"))
    assert error.value.field == "loss"
    assert "use mse" in str(error.value)


def test_a_csv_file_can_be_the_data(tmp_path):
    path = tmp_path / "points.csv"
    rows = [f"{x:.3f},{y:.3f},{int(x * y > 0)}"
            for x, y in np.random.default_rng(0).uniform(-1, 1, (80, 2))]
    path.write_text("a,b,class\n" + "\n".join(rows) + "\n")
    session = TrainingSession(Settings(data_file=str(path), hidden_layers=(8,)))
    assert session.dataset.kind == "classification" and session.loss_name == "cross_entropy"
    session.run(20)
    (tmp_path / "bad.csv").write_text("1,2\n3\n")
    with pytest.raises(DataError, match="bad.csv:2: expected 2 numbers, found 1"):
        session.rebuild(data_file=str(tmp_path / "bad.csv"))
    assert session.step == 20  # the old session is still there


# --- settings, text fields, presets, ladder ------------------------------------------------------

@pytest.mark.parametrize("changes, field, message", [
    ({"hidden_layers": (8,) * 7}, "hidden_layers", "hidden layers: use up to 6 numbers"),
    ({"hidden_layers": (65,)}, "hidden_layers", "from 1 to 64, like 8,8"),
    ({"learning_rate": 0}, "learning_rate", "learning rate must be a positive number"),
    ({"batch_size": 0}, "batch_size", "batch size: use a whole number from 1 to 1000"),
    ({"activation": "gelu"}, "activation", "activation: choose one of linear, sigmoid"),
    ({"dataset": "donut"}, "dataset", "dataset: choose one of circle"),
    ({"regularization": "l3"}, "regularization", "regularization: choose one of none, l1, l2"),
    ({"features": ("x3",)}, "features", "features: choose from x1, x2"),
    ({"dataset": "sine", "features": ("x2",)}, "features", "x2 not available for sine"),
    ({"validation_share": 0.95}, "validation_share", "validation share must be a number"),
    ({"colour": "red"}, "colour", "unknown setting 'colour'"),
])
def test_bad_settings_name_the_field_with_a_clear_message(changes, field, message):
    with pytest.raises(SettingsError, match=message) as error:
        Settings().replace(**changes)
    assert error.value.field == field


def test_the_settings_table_describes_every_setting_and_nothing_else():
    assert list(SETTING_INFO) == [f.name for f in dataclasses.fields(Settings)]
    assert LIVE_SETTINGS == {"learning_rate", "optimizer", "batch_size", "regularization",
                             "regularization_rate", "eval_every"}
    for name, info in SETTING_INFO.items():
        assert info.kind in ("choice", "whole", "number", "text"), name
        assert info.label and info.short and info.tip and info.message, name
        assert not (info.live and info.new_data), name  # new data always needs a new network
        assert bool(info.choices) == (info.kind == "choice"), name


def _limits(info):
    """Values at and just past the table's limits: (allowed, refused)."""
    step = 1 if info.kind == "whole" else 0.01
    allowed, refused = [], [True, "1", None, math.nan]  # never a number of the right kind
    if info.kind == "number":
        allowed.append(1 if info.high is None or info.high >= 1 else info.high)  # an int will do
    if info.kind == "whole":
        refused.append(float(info.low + 1))
    if info.low is not None:
        (refused if info.above_low else allowed).append(info.low)
        refused.append(info.low - step)
        if info.above_low:
            allowed.append(info.low + step)
    if info.high is not None:
        allowed.append(info.high)
        refused.append(info.high + step)
    return allowed, refused


@pytest.mark.parametrize("name", [n for n, i in SETTING_INFO.items()
                                  if i.kind in ("whole", "number")])
def test_the_table_sets_the_limits_of_every_number_and_the_message(name):
    info = SETTING_INFO[name]
    allowed, refused = _limits(info)
    for value in allowed:
        assert getattr(Settings().replace(**{name: value}), name) == value
    for value in refused:
        with pytest.raises(SettingsError) as error:
            Settings().replace(**{name: value})
        assert (error.value.field, str(error.value)) == (name, info.message), value


@pytest.mark.parametrize("name", [n for n, i in SETTING_INFO.items() if i.kind == "choice"])
def test_the_table_lists_the_choices_of_every_choice(name):
    info = SETTING_INFO[name]
    for choice in info.choices:
        changes = {name: choice, "loss": "mse"} if name == "dataset" else {name: choice}
        assert getattr(Settings().replace(**changes), name) == choice
    with pytest.raises(SettingsError) as error:
        Settings().replace(**{name: "nonsense"})
    assert error.value.field == name
    assert str(error.value) == f"{info.label}: choose one of {', '.join(info.choices)}"


OTHER_VALUES = {"dataset": "circle", "n_points": 300, "noise": 0.2, "validation_share": 0.3,
                "features": ("x1", "x2", "x1^2"), "hidden_layers": (4,),
                "activation": "relu", "loss": "mse", "optimizer": "sgd",
                "learning_rate": 0.03, "batch_size": 16, "regularization": "l2",
                "regularization_rate": 0.01, "seed": 7, "eval_every": 5}


def _points(session):
    data = session.dataset
    return (data.train_inputs.tolist(), data.validation_inputs.tolist())


def test_new_data_in_the_table_is_what_a_rebuild_does(tmp_path):
    csv = tmp_path / "points.csv"
    csv.write_text("".join(f"{x / 10},{(x * 7 % 10) / 10},{x % 2}\n" for x in range(40)))
    values = {**OTHER_VALUES, "data_file": str(csv)}
    assert set(values) == set(SETTING_INFO)
    for name, value in values.items():
        session = TrainingSession(SMALL)
        before = _points(session)
        session.rebuild(**{name: value})
        assert (_points(session) != before) == SETTING_INFO[name].new_data, name


def test_change_keeps_the_network_for_a_live_setting_and_says_so():
    session = TrainingSession(SMALL)
    session.run(30)
    weights = session.network.parameter_vector.copy()
    changed = session.change("learning_rate", 0.3)
    assert (changed.rebuilt, changed.new_data) == (False, False)
    assert changed.why == "the learning rate changed: the network and its history are kept"
    assert session.history.changes == [Change(30, "learning_rate", 0.01, 0.3)]
    assert session.step == 30 and np.array_equal(session.network.parameter_vector, weights)


def test_change_builds_a_new_network_and_says_whether_the_data_is_new():
    session = TrainingSession(SMALL)
    session.run(30)
    changed = session.change("hidden_layers", (4,))
    assert (changed.rebuilt, changed.new_data) == (True, False)
    assert changed.why == "new network: the hidden layers changed"
    assert session.step == 0 and session.network.layer_sizes == (2, 4, 1)
    for name, value in (("seed", 3), ("data_file", None), ("dataset", "circle")):
        changed = session.change(name, value)
        if name == "data_file":  # already None: nothing to do
            assert changed == Changed(rebuilt=False, new_data=False, why="")
            continue
        label = SETTING_INFO[name].label
        assert changed == Changed(True, True, f"new data and a new network: the {label} changed")


def test_change_refuses_bad_and_unknown_settings_and_keeps_the_session():
    session = TrainingSession(SMALL)
    session.run(30)
    for name, value, message in (("noise", 2.0, "noise must be a number from 0 to 1"),
                                 ("batch_size", 0, "batch size: use a whole number"),
                                 ("colour", "red", "unknown setting 'colour'")):
        with pytest.raises(SettingsError, match=message) as error:
            session.change(name, value)
        assert error.value.field == name
    assert session.step == 30 and session.settings == SMALL
    assert session.change("noise", SMALL.noise).why == ""  # the same value changes nothing
    assert session.step == 30 and session.history.changes == []


def test_change_and_needs_rebuild_follow_the_table_for_every_setting():
    for name, value in OTHER_VALUES.items():
        info = SETTING_INFO[name]
        session = TrainingSession(SMALL)
        session.run(20)
        assert session.needs_rebuild(name, value) is not info.live, name
        changed = session.change(name, value)
        assert (changed.rebuilt, changed.new_data) == (not info.live, info.new_data), name
        assert session.step == (20 if info.live else 0), name
        assert getattr(session.settings, name) == value
        assert not session.needs_rebuild(name, value)  # it has that value now


def test_text_fields_parse_or_explain():
    assert parse_hidden_layers("8,8") == (8, 8)
    assert parse_hidden_layers(" 4 2 ") == (4, 2)
    assert parse_hidden_layers("") == () == parse_hidden_layers("none")
    for bad in ("8,x", "1,2,3,4,5,6,7", "0,4", "65"):
        with pytest.raises(SettingsError, match="like 8,8"):
            parse_hidden_layers(bad)
    assert parse_features("x1, x1^2") == ("x1", "x1^2")
    with pytest.raises(SettingsError, match="unknown x9"):
        parse_features("x9")
    assert parse_learning_rate("3e-2") == 0.03
    for bad in ("fast", "-1", "nan", "inf"):
        with pytest.raises(SettingsError, match="learning rate must be a positive number"):
            parse_learning_rate(bad)


def test_hidden_layers_are_read_as_whole_numbers_like_every_typed_number():
    assert parse_hidden_layers("8.0, 4") == (8, 4)  # 8.0 is a whole number too
    for bad in ("−4", "4,nan", "1e400"):
        with pytest.raises(SettingsError, match="like 8,8"):
            parse_hidden_layers(bad)


def test_presets_are_json_ready_and_load_back_to_the_same_settings():
    for name, values in PRESETS.items():
        settings = settings_from_dict(json.loads(json.dumps(values)))
        assert settings.to_dict() == values, name
        TrainingSession(settings.replace(n_points=40))  # every preset builds


def test_learning_rate_ladder_steps_from_any_value():
    assert learning_rate_up(0.01) == 0.03 and learning_rate_down(0.01) == 0.003
    assert learning_rate_up(0.02) == 0.03 and learning_rate_down(0.02) == 0.01
    assert learning_rate_up(10) == 10 and learning_rate_down(0.00001) == 0.00001
    assert learning_rate_up(0.1 + 0.2) == 1  # 0.30000000000000004 counts as 0.3
    assert learning_rate_up(50) == 10 and learning_rate_down(1e-9) == 0.00001
    climbed = [LEARNING_RATE_LADDER[0]]
    while climbed[-1] != LEARNING_RATE_LADDER[-1]:
        climbed.append(learning_rate_up(climbed[-1]))
    assert tuple(climbed) == LEARNING_RATE_LADDER


# --- hints and challenges ---------------------------------------------------------------------

def test_hint_for_a_learning_rate_too_small():
    session = TrainingSession(SMALL.replace(learning_rate=0.00001))
    session.run(300)
    assert session.hints() == ["the loss is barely moving: the learning rate may be too small; "
                               "try 0.0001"]


def test_hint_for_a_network_without_hidden_layers_on_the_circle():
    session = TrainingSession(Settings(dataset="circle", n_points=200, hidden_layers=(),
                               learning_rate=0.03))
    session.run(1500)
    assert any("only draw a straight line" in hint for hint in session.hints())


def test_no_hints_when_training_goes_well():
    session = TrainingSession(SMALL)
    session.run(1000)
    assert session.hints() == []


def rising_history(losses: list[float]) -> History:
    history = History()
    for step, loss in enumerate(losses):
        history.add(Evaluation(10 * step, loss, loss, None, None))
    return history


def test_a_loss_that_rose_above_its_start_without_diverging_gets_a_hint():
    # Before: a steady rise below the divergence limit (no jumps) got no word at all.
    from tests.test_lab_truth import FakeRun

    losses = [0.6, 0.4, 0.3] + [1.2] * 9  # one rise, then a plateau: no jumps
    run = FakeRun(Settings(dataset="sine", learning_rate=3), rising_history(losses), 110,
                  is_classification=False)
    assert got_worse(run.history) == Worse(start=0.6, lowest=0.3, now=1.2)
    assert hints(run) == ["the training loss rose from 0.3 to 1.2, above where it started: the "
                          "learning rate is too large; try 1"]


@pytest.mark.parametrize("losses", [
    [0.6, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1],  # learning
    [0.6, 0.4, 0.3, 0.35, 0.5, 0.55, 0.58],  # worse than its lowest, not than its start
    [0.6, 0.59, 0.6, 0.61, 0.62, 0.63, 0.62],  # never learned: not twice its lowest
    [0.6, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 5.0],  # one bad evaluation is not a trend
    [0.6, 0.1, 5.0, 5.0],  # too few evaluations to tell
])
def test_a_run_that_did_not_get_worse_is_not_called_worse(losses):
    assert got_worse(rising_history(losses)) is None


def test_challenge_passes_with_the_right_features_and_fails_without():
    challenge = challenge_by_id("feature-engineer")
    settings = challenge.settings().replace(features=("x1^2", "x2^2"), learning_rate=0.03)
    session = TrainingSession(settings)
    session.run(500)
    verdict = judge(challenge, session)
    assert verdict.passed and verdict.message.startswith("done: validation accuracy")
    assert verdict.score <= 500
    plain = TrainingSession(challenge.settings())
    plain.run(300)
    verdict = judge(challenge, plain)
    assert not verdict.passed and verdict.score is None
    assert "not yet: best validation accuracy so far" in verdict.message


def test_challenge_rules_locked_and_steady_settings():
    challenge = challenge_by_id("bold-steps")
    session = TrainingSession(challenge.settings().replace(learning_rate=1))
    session.run(600)
    verdict = judge(challenge, session)
    assert verdict.passed and verdict.score == 1
    session.update(learning_rate=3)
    assert "learning rate was changed mid-run at step 600" in judge(challenge, session).message
    session.rebuild(optimizer="adam")
    assert judge(challenge, session).message == "optimizer must stay 'sgd' for this challenge"


def test_every_challenge_starts_from_valid_settings():
    assert len({c.id for c in CHALLENGES}) == len(CHALLENGES)
    for challenge in CHALLENGES:
        session = TrainingSession(challenge.settings())
        assert not judge(challenge, session).passed  # nothing is won before training


async def test_the_lab_tells_a_learner_whose_regularization_rate_wrecked_the_run_to_lower_it(
        make_app):
    from tests.test_lab_truth import open_lab, press, shown

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot, settings=Settings(
            optimizer="sgd", regularization="l2", regularization_rate=1000.0))
        await press(app, pilot, "space")
        await wait_until(pilot, lambda: not lab.running and lab.session.status == "diverged")
        trouble = lab.session.trouble
        await wait_for_text(pilot, f"✖ diverged at step {trouble.step:,}")
        await wait_for_text(pilot, "a regularization rate of 1000 is too large",
                            "then try 0.01")  # (wrapped over three lines, all of them shown)
        assert "learning rate" not in shown(lab, "#hint")

        def told() -> list[str]:
            return [n.message for n in app._notifications if n.title == trouble.message]

        await wait_until(pilot, told)
        assert "The regularization rate is too large, not the learning rate." in told()[-1]


async def test_the_lab_says_when_a_run_got_worse_than_it_started(make_app):
    # The judgement gdtui train ends with ("worse"), shown as the run goes: training.hints.
    from tests.test_lab_truth import open_lab, press, shown

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        lab = await open_lab(app, pilot, settings=Settings(dataset="sine", learning_rate=3))
        await press(app, pilot, "f", "space")
        # (the loss jumps about at this rate: the hint comes and goes as the run does)
        await wait_until(pilot, lambda: "above where it started: the learning rate is too "
                                        "large; try 1" in shown(lab, "#hint"))
        await press(app, pilot, "space")  # pause
        await wait_until(pilot, lambda: not lab.running)
        assert lab.session.status == "ok"  # the run goes on: a hint, not a stop
