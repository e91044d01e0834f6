"""The network's insides (training.insides) and the session's changes by hand: a weight set,
a unit switched off and on, each a marker that undo takes back."""

from __future__ import annotations

import numpy as np
import pytest

from gdtui.nn.network import numerical_gradient
from gdtui.training.challenges import challenge_by_id, judge
from gdtui.training.datasets import Dataset
from gdtui.training.insides import (
    MAP_LEVELS,
    make_insides,
    selection_text,
    training_slope,
    unit_picture,
    weight_size,
)
from gdtui.training.picture import Curve, Regions
from gdtui.training.session import TrainingSession
from gdtui.training.settings import Settings
from gdtui.training.view import FrameRequest, change_label, make_frame


def trained(steps: int = 100, **settings) -> TrainingSession:
    session = TrainingSession(Settings(**settings))
    session.run(steps)
    return session


def outputs(session: TrainingSession) -> np.ndarray:
    return session.network.forward(session.train_features)


def test_a_unit_switched_off_answers_as_if_its_weights_out_were_zero():
    session = trained()
    by_hand = TrainingSession(Settings())
    by_hand.network.parameter_vector[...] = session.network.parameter_vector
    by_hand.network.blocks[1][2] = 0.0  # h1.3's weights into layer 2
    before = outputs(session)
    change = session.switch_unit(1, 2, on=False)
    assert np.array_equal(outputs(session), outputs(by_hand))
    assert not np.array_equal(outputs(session), before)
    assert session.switched_off == {(1, 2)}
    assert (change.name, change.old, change.new, change.by_hand) == ("h1.3", "on", "off", True)
    assert change_label(change) == "h1.3 off"
    # what it costs is measured at once
    assert session.history.latest.train_loss == pytest.approx(session.evaluate().train_loss)


def test_training_keeps_a_unit_off_and_switched_on_it_comes_back_as_it_was():
    session = trained(optimizer="momentum")
    weights_out = session.network.blocks[1][2].copy()
    session.switch_unit(1, 2, on=False)
    session.run(200)
    assert not session.network.blocks[1][2].any()  # held at 0 all along
    # its unit still computes, but changing what it computes changes nothing downstream
    fixed = outputs(session)
    session.network.blocks[0][:, 2] += 5.0
    assert np.array_equal(outputs(session), fixed)
    session.network.blocks[0][:, 2] -= 5.0
    session.switch_unit(1, 2)  # over: on again
    assert np.array_equal(session.network.blocks[1][2], weights_out)
    assert session.switched_off == frozenset()
    assert session._keep is None  # no unit off: training pays nothing for the feature


def test_undo_takes_back_a_switch_and_an_edit_exactly():
    session = trained()
    start = session.network.parameter_vector.copy()
    changes = len(session.history.changes)
    session.switch_unit(2, 0, on=False)
    session.set_parameter(1, 1, 2, 0.5)
    assert session.network.blocks[0][1, 2] == 0.5
    assert session.undo()  # the edit
    assert session.switched_off == {(2, 0)} and session.network.blocks[0][1, 2] != 0.5
    assert session.undo()  # the switch
    assert np.array_equal(session.network.parameter_vector, start)
    assert session.switched_off == frozenset() and session._keep is None
    assert len(session.history.changes) == changes


def test_a_weight_set_by_hand_is_a_marker_and_changes_the_loss():
    session = trained()
    loss = session.history.latest.train_loss
    change = session.set_parameter(1, 1, 2, 0.5)
    assert change_label(change) == "w h1.3←x2 0.5"
    assert session.history.changes[-1] == change and change.step == session.step
    bias = session.set_parameter(3, 8, 0, -2.0)  # the output's bias
    assert change_label(bias) == "b out -2"
    assert session.network.biases[2][0] == -2.0
    assert session.history.latest.train_loss != loss


@pytest.mark.parametrize(("where", "value", "words"), [
    ((4, 0, 0), 1.0, "no layer 4"),
    ((1, 0, 8), 1.0, "units 1 to 8"),
    ((1, 3, 0), 1.0, "2 weights in and a bias"),
    ((1, 0, 0), float("nan"), "a number from -100 to 100"),
    ((1, 0, 0), 1e9, "a number from -100 to 100"),
])
def test_a_weight_that_is_not_there_or_a_bad_value_is_refused_and_nothing_changes(
        where, value, words):
    session = trained(10)
    before, changes = session.network.parameter_vector.copy(), len(session.history.changes)
    with pytest.raises(ValueError, match=words):
        session.set_parameter(*where, value)
    assert np.array_equal(session.network.parameter_vector, before)
    assert len(session.history.changes) == changes


def test_a_weight_out_of_a_unit_switched_off_cannot_be_set():
    session = trained(10)
    session.switch_unit(1, 2, on=False)
    with pytest.raises(ValueError, match="h1.3 is switched off"):
        session.set_parameter(2, 2, 0, 1.0)
    with pytest.raises(ValueError, match="only a hidden unit"):
        session.switch_unit(3, 0)
    with pytest.raises(ValueError, match="off already"):
        session.switch_unit(1, 2, on=False)


def test_a_challenge_is_not_won_by_hand():
    challenge = challenge_by_id("spiral-sprint")
    session = TrainingSession(challenge.settings())
    session.set_parameter(1, 0, 0, 1.0)
    verdict = judge(challenge, session)
    assert not verdict.passed and "changed by hand" in verdict.message


def test_the_insides_of_2_input_data_have_a_map_per_unit():
    session = trained()
    insides = make_insides(session, 6, 3)
    assert insides.layer_sizes == (2, 8, 8, 1)
    assert [m.shape for m in insides.maps] == [(2, 3, 6), (8, 3, 6), (8, 3, 6), (1, 3, 6)]
    assert all(m.min() >= 0 and m.max() < MAP_LEVELS for m in insides.maps)
    # x1 grows to the right, x2 upwards: the inputs' own maps say so
    assert list(insides.maps[0][0][0]) == sorted(insides.maps[0][0][0])
    assert insides.maps[0][0][0][0] == 0 and insides.maps[0][0][0][-1] == MAP_LEVELS - 1
    assert insides.maps[0][1][0, 0] == 0 and insides.maps[0][1][-1, 0] == MAP_LEVELS - 1
    assert insides.name(1, 2) == "h1.3" and insides.name(3, 0) == "out"
    assert insides.weight(1, 1, 2) == session.network.blocks[0][1, 2]
    # a copy: training on does not change it
    session.run(50)
    assert insides.weight(1, 1, 2) != session.network.blocks[0][1, 2]


def test_the_slope_is_that_of_the_training_loss_on_all_training_points():
    session = trained(50, regularization="l2", regularization_rate=0.01)
    network = session.network
    slopes = training_slope(session)

    def loss() -> float:
        data = network.loss(session.train_features, session.dataset.train_targets,
                            session.loss_name)
        return data + 0.01 * float(sum((w * w).sum() for w in network.weights))

    for block, index in [(0, (1, 2)), (1, (3, 4)), (2, (8, 0))]:
        expected = numerical_gradient(loss, network.blocks[block], index)
        assert slopes[block][index] == pytest.approx(expected, rel=1e-4, abs=1e-8)
    # the network's own gradient (of the last batch) is untouched
    before = network.gradient_vector.copy()
    training_slope(session)
    assert np.array_equal(network.gradient_vector, before)


def test_one_input_gives_strips_and_many_inputs_no_maps():
    sine = make_insides(trained(10, dataset="sine", hidden_layers=(4,)), 12, 3)
    assert [m.shape for m in sine.maps] == [(1, 1, 12), (4, 1, 12), (1, 1, 12)]
    rng = np.random.default_rng(0)
    wide = Dataset("wide", "classification", rng.normal(size=(40, 64)),
                   rng.integers(0, 10, 40), rng.normal(size=(10, 64)), rng.integers(0, 10, 10),
                   n_classes=10)
    session = TrainingSession(Settings(hidden_layers=(16,)), dataset=wide)
    insides = make_insides(session, 6, 3)
    assert insides.maps == (None, None, None)
    assert insides.summarised(0) and not insides.summarised(1)
    assert selection_text(insides, 0, 0, None) == "the 64 inputs, too many to draw one by one"
    assert selection_text(insides, 2, 3, 16).startswith("b out3 = ")
    assert insides.name(2, 3) == "out3" and insides.name(0, 63) == "x64"
    assert insides.blocks[0].shape == (65, 16)


def test_inputs_are_named_after_the_features():
    session = trained(10, features=("x1", "x2", "x1*x2"))
    insides = make_insides(session, 4, 2)
    assert insides.names[0] == ("x1", "x2", "x1*x2")
    assert insides.weight_name(1, 2, 0) == "w h1.1←x1*x2"


def test_a_unit_drawn_large_is_a_picture_like_the_model_panels():
    session = trained()
    picture = unit_picture(session, 1, 2, 20, 10)
    assert isinstance(picture, Regions) and picture.colours.shape == (10, 20)
    assert set(np.unique(picture.colours)) <= {0, 1}
    curve = unit_picture(trained(10, dataset="sine", hidden_layers=(4,)), 1, 0, 20, 10)
    assert isinstance(curve, Curve) and len(curve.xs) == 20 and not curve.train_x


def test_a_frame_brings_the_insides_and_a_unit_only_when_asked():
    session = trained()
    plain = make_frame(session, FrameRequest((20, 10)))
    assert plain.insides is None
    frame = make_frame(session, FrameRequest((20, 10), unit=(1, 2), insides=(4, 2)))
    assert frame.insides is not None and frame.insides.maps[1].shape == (8, 2, 4)
    expected = unit_picture(session, 1, 2, 20, 10)
    assert np.array_equal(frame.picture.colours, expected.colours)


def test_weights_are_sized_for_drawing():
    assert [weight_size(w) for w in (0.0, -0.01, 0.2, -0.7, 3.0)] == [0, 0, 1, 2, 3]
