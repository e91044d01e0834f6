"""The digits panel's picture (training/digits_picture.py): the guesses on the validation
digits, the confusion matrix and the first layer's weights, checked against the session and
against networks whose weights are known."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gdtui.training import digits
from gdtui.training.digits_picture import (
    SHOWN,
    DigitsPicture,
    by_digit,
    digits_picture,
    scaled_weights,
    shown_order,
)
from gdtui.training.picture import Regions, model_picture
from gdtui.training.session import TrainingSession
from gdtui.training.settings import PRESETS, Settings, settings_from_dict
from gdtui.training.view import FrameRequest, make_frame


@pytest.fixture(scope="module")
def trained() -> TrainingSession:
    """The preset digits after 120 steps: most digits read right, a few not."""
    session = TrainingSession(settings_from_dict(PRESETS["digits"]))
    session.run(120)
    return session


def softmax(outputs: np.ndarray) -> np.ndarray:
    shifted = np.exp(outputs - outputs.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("steps", [0, 120])
def test_the_confusion_diagonal_is_the_validation_accuracy_of_the_session(steps):
    session = TrainingSession(settings_from_dict(PRESETS["digits"]))
    session.run(steps)
    picture = digits_picture(session)
    evaluation = session.evaluate()
    n = len(session.dataset.validation_targets)
    assert picture.confusion.shape == (10, 10)
    assert picture.n_validation == n == 449  # a quarter of 1,797, rounded down
    assert picture.n_right == np.trace(picture.confusion)
    assert picture.n_right / n == pytest.approx(evaluation.validation_accuracy)
    # each row counts that digit's validation images
    assert picture.confusion.sum(axis=1).tolist() == np.bincount(
        session.dataset.validation_targets.astype(int), minlength=10).tolist()


def test_the_confusion_matrix_counts_each_true_digit_and_guess(trained):
    picture = digits_picture(trained)
    outputs = trained.network.forward(trained.dataset.validation_inputs)
    guesses, labels = outputs.argmax(axis=1), trained.dataset.validation_targets.astype(int)
    for true, guess in [(3, 3), (8, 1), (9, 3), (4, 4)]:
        assert picture.confusion[true, guess] == np.count_nonzero(
            (labels == true) & (guesses == guess))
    assert 0 < picture.n_validation - picture.n_right < 60  # trained, not perfect


def test_the_grid_marks_agree_with_the_networks_argmax_on_the_images_it_shows(trained):
    sample = digits_picture(trained).sample
    assert len(sample.images) == len(sample.labels) == SHOWN
    assert sample.images.shape[1:] == (8, 8) and sample.images.max() <= digits.MAX_COUNT
    # the network's answer on the images as drawn (no noise: the counts are exact)
    outputs = trained.network.forward(digits.to_inputs(sample.images.reshape(-1, 64)))
    probabilities = softmax(outputs)
    assert sample.guesses.tolist() == outputs.argmax(axis=1).tolist()
    assert sample.sureness == pytest.approx(probabilities.max(axis=1))
    assert sample.right.tolist() == (outputs.argmax(axis=1) == sample.labels).tolist()


def test_the_grid_shows_one_of_each_digit_in_turn_the_same_ones_every_time(trained):
    first = digits_picture(trained)
    assert first.sample.labels[:10].tolist() == list(range(10))
    assert first.sample.labels[10:20].tolist() == list(range(10))
    trained_more = TrainingSession(settings_from_dict(PRESETS["digits"]))
    trained_more.run(5)
    assert np.array_equal(digits_picture(trained_more).sample.images, first.sample.images)


def test_the_mistakes_are_the_first_validation_images_read_wrong(trained):
    picture = digits_picture(trained)
    mistakes = picture.mistakes
    outputs = trained.network.forward(trained.dataset.validation_inputs)
    labels = trained.dataset.validation_targets.astype(int)
    wrong = np.flatnonzero(outputs.argmax(axis=1) != labels)
    assert len(mistakes.labels) == min(SHOWN, picture.n_validation - picture.n_right) > 0
    assert not mistakes.right.any()
    assert mistakes.labels.tolist() == labels[wrong[:SHOWN]].tolist()
    counts = digits.to_counts(trained.dataset.validation_inputs[wrong[:SHOWN]])
    assert np.array_equal(mistakes.images.reshape(-1, 64), np.rint(counts))
    assert mistakes.sureness == pytest.approx(softmax(outputs[wrong[:SHOWN]]).max(axis=1))


def test_shown_order_takes_the_first_of_each_digit_then_the_second():
    labels = np.array([2, 0, 2, 1, 0, 2])
    assert shown_order(labels, 6).tolist() == [1, 3, 0, 4, 2, 5]
    assert shown_order(labels, 2).tolist() == [1, 3]


def known_weights(n_units: int) -> np.ndarray:
    """First-layer weights, small everywhere except unit 0 at pixel (row 2, column 3),
    strongly positive, and unit 1 at pixel (row 5, column 1), strongly negative."""
    weights = np.full((64, n_units), 0.01)
    weights[2 * 8 + 3, 0] = 3.0
    weights[5 * 8 + 1, 1] = -3.0
    return weights


def test_the_weight_images_of_a_known_network_are_where_and_of_the_sign_given():
    session = TrainingSession(settings_from_dict({**PRESETS["digits"], "hidden_layers": (4,)}))
    session.network.weights[0][...] = known_weights(4)
    picture = digits_picture(session)
    assert picture.weights_of == "unit" and picture.weights.shape == (4, 8, 8)
    assert picture.weights[0, 2, 3] == 1.0 and picture.weights[1, 5, 1] == -1.0
    assert np.all(np.abs(picture.weights) <= 1.0)
    # everything else is faint next to the two strong weights
    faint = np.abs(picture.weights).copy()
    faint[0, 2, 3] = faint[1, 5, 1] = 0
    assert faint.max() == pytest.approx(1.0)  # (the 98th percentile is the faint level)
    assert np.all(picture.weights[2:] > 0)


def test_without_a_hidden_layer_the_images_are_what_each_digit_looks_for():
    session = TrainingSession(settings_from_dict({**PRESETS["digits"], "hidden_layers": ()}))
    session.network.weights[0][...] = known_weights(10)
    picture = digits_picture(session)
    assert picture.weights_of == "digit" and picture.weights.shape == (10, 8, 8)
    assert picture.weights[0, 2, 3] == 1.0 and picture.weights[1, 5, 1] == -1.0


def test_weights_are_scaled_against_a_share_of_the_largest_so_one_outlier_fades_nothing():
    weights = np.linspace(-1, 1, 64 * 2).reshape(64, 2)
    weights[0, 0] = 100.0  # one outlier
    images = scaled_weights(weights)
    assert images.shape == (2, 8, 8) and images[0, 0, 0] == 1.0
    assert np.abs(images).max() == 1.0 and np.abs(images[1]).max() > 0.9
    assert np.array_equal(scaled_weights(np.zeros((64, 3))), np.zeros((3, 8, 8)))


def test_a_network_with_infinite_weights_still_gives_a_finite_picture():
    session = TrainingSession(settings_from_dict(PRESETS["digits"]))
    session.network.weights[0][0, 0] = np.inf
    session.network.weights[0][1, 0] = np.nan
    picture = digits_picture(session)
    assert np.all(np.isfinite(picture.weights)) and np.all(np.isfinite(picture.sample.sureness))
    assert picture.n_validation == 449


def test_the_model_picture_of_digits_is_the_digits_picture_and_a_frame_carries_it(trained):
    assert isinstance(model_picture(trained, 53, 7), DigitsPicture)
    frame = make_frame(trained, FrameRequest((53, 7)))
    assert isinstance(frame.picture, DigitsPicture)
    assert frame.picture.n_right == digits_picture(trained).n_right
    moons = TrainingSession(Settings())
    assert isinstance(model_picture(moons, 20, 10), Regions)


def test_the_picture_is_a_copy_that_later_training_does_not_change(trained):
    session = TrainingSession(replace(trained.settings))
    session.run(50)
    picture = digits_picture(session)
    weights, confusion = picture.weights.copy(), picture.confusion.copy()
    session.run(50)
    assert np.array_equal(picture.weights, weights)
    assert np.array_equal(picture.confusion, confusion)
    assert not np.array_equal(digits_picture(session).weights, weights)


def test_loss_mse_on_digits_gives_guesses_and_sureness_in_0_to_1():
    session = TrainingSession(settings_from_dict({**PRESETS["digits"], "loss": "mse"}))
    session.run(30)
    picture = digits_picture(session)
    assert np.all((picture.sample.sureness >= 0) & (picture.sample.sureness <= 1))
    assert picture.n_right / picture.n_validation == pytest.approx(
        session.evaluate().validation_accuracy)


def test_by_digit_counts_right_wrong_and_the_guess_each_digit_is_taken_for():
    confusion = np.zeros((10, 10), dtype=np.int64)
    confusion[1, 1], confusion[1, 8], confusion[1, 7] = 40, 3, 1  # 1 read as 8 most often
    confusion[0, 0] = 30  # 0 never wrong
    right, wrong, taken_for = by_digit(confusion)
    assert (right[1], wrong[1], taken_for[1]) == (40, 4, 8)
    assert (right[0], wrong[0], taken_for[0]) == (30, 0, -1)
