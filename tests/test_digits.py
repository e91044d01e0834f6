"""The digits dataset shipped in the package: the file, the dataset, the preset, the challenge
and `gdtui train --dataset digits`."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from gdtui.cli.train import configure, run
from gdtui.training import digits
from gdtui.training.challenges import challenge_by_id, judge
from gdtui.training.datasets import DataError, make_dataset
from gdtui.training.session import TrainingSession
from gdtui.training.settings import (
    PRESETS,
    Settings,
    SettingsError,
    preset_settings,
    settings_from_dict,
)


def test_the_shipped_file_is_the_one_checked_in():
    data = resources.files("gdtui.training").joinpath("data", digits.FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == digits.SHA256
    assert 50_000 < len(data) < 70_000  # about 60 KB compressed, as the issue expects


def test_the_file_has_1797_images_of_64_counts_and_about_180_of_each_digit():
    pixels, labels = digits.load_digits()
    assert pixels.shape == (1797, 64) and labels.shape == (1797,)
    assert pixels.min() == 0 and pixels.max() == 16
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_its_licence_and_attribution_sit_next_to_it_and_in_the_readme():
    note = resources.files("gdtui.training").joinpath("data", "DIGITS.md").read_text()
    assert "CC BY 4.0" in note and "Alpaydin" in note and "Kaynak" in note
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    assert "CC BY 4.0" in readme and "Alpaydin" in readme


def test_the_first_image_is_a_zero_with_a_hole_in_the_middle():
    pixels, labels = digits.load_digits()
    image = pixels[0].reshape(8, 8)
    assert labels[0] == 0
    assert image[3:5, 3:5].max() <= 2  # the hole
    assert image[:, 1:3].max() >= 12 and image[:, 5:7].max() >= 12  # the two sides


def test_counts_become_inputs_in_minus_1_to_1_and_back():
    counts = np.array([0, 4, 8, 16])
    assert digits.to_inputs(counts).tolist() == [-1.0, -0.5, 0.0, 1.0]
    assert digits.to_counts(digits.to_inputs(counts)).tolist() == [0, 4, 8, 16]
    assert digits.to_counts(np.array([-3.0, 3.0])).tolist() == [0, 16]


def test_the_dataset_picks_n_images_by_seed_and_keeps_a_share_aside():
    full = make_dataset("digits", 1797, 0.0, 0.25, seed=0)
    assert (full.n_inputs, full.n_classes, full.kind) == (64, 10, "classification")
    assert len(full.validation_inputs) == 449 and len(full.train_inputs) == 1348
    pixels, _ = digits.load_digits()
    as_inputs = {tuple(row) for row in digits.to_inputs(pixels)}
    assert {tuple(row) for row in full.inputs} == as_inputs  # every image, unchanged
    some = make_dataset("digits", 200, 0.0, 0.5, seed=3)
    again = make_dataset("digits", 200, 0.0, 0.5, seed=3)
    other = make_dataset("digits", 200, 0.0, 0.5, seed=4)
    assert len(some.inputs) == 200 and np.array_equal(some.inputs, again.inputs)
    assert not np.array_equal(some.inputs, other.inputs)
    noisy = make_dataset("digits", 1797, 0.1, 0.25, seed=0)
    assert np.array_equal(noisy.targets, full.targets)  # the same images, the same split
    assert 0.09 < float(np.std(noisy.inputs - full.inputs)) < 0.11


def test_more_images_than_there_are_is_a_clear_error():
    with pytest.raises(DataError, match="digits has 1,797 images; use at most 1797"):
        make_dataset("digits", 1798)
    with pytest.raises(SettingsError, match="digits has 1,797 images") as error:
        Settings(dataset="digits", n_points=2000).check()
    assert error.value.field == "n_points"
    with pytest.raises(SettingsError, match="leave features empty") as error:
        Settings(dataset="digits", features=("x1^2",)).check()
    assert error.value.field == "features"


def test_a_network_for_digits_has_64_inputs_and_10_outputs_and_starts_near_ln_10():
    session = TrainingSession(preset_settings("digits"))
    assert session.network.layer_sizes == (64, 32, 10)
    assert session.loss_name == "cross_entropy"
    # A random start spreads its guess over the ten classes: the loss is near ln 10 = 2.303
    # (a little above: the first weights already give the outputs some spread).
    assert abs(session.starting_loss - math.log(10)) < 0.3


def test_hidden_layers_may_have_64_units_now_and_no_more():
    assert settings_from_dict({"dataset": "digits", "hidden_layers": [64]}).hidden_layers == (64,)
    with pytest.raises(SettingsError, match="from 1 to 64"):
        settings_from_dict({"dataset": "digits", "hidden_layers": [65]})


def test_the_digits_preset_passes_95_percent_within_250_steps():
    assert PRESETS["digits"]["hidden_layers"] == [32]
    session = TrainingSession(preset_settings("digits"))
    session.run(250)
    assert session.step == 250
    assert session.history.latest.validation_accuracy >= 0.95


def test_the_digit_reader_challenge_wants_97_percent_with_at_most_16_hidden_units():
    challenge = challenge_by_id("digit-reader")
    too_big = TrainingSession(challenge.settings())
    too_big.run(1000)
    assert too_big.history.latest.validation_accuracy >= 0.97  # 32 units get there, but
    verdict = judge(challenge, too_big)
    assert not verdict.passed
    assert verdict.message == "use at most 16 hidden units in all (this network has 32)"
    small = TrainingSession(challenge.settings().replace(hidden_layers=(16,)))
    small.run(3000)
    verdict = judge(challenge, small)
    assert verdict.passed, verdict.message
    assert verdict.message.startswith("done: validation accuracy 9")


def test_gdtui_train_dataset_digits_json_is_shaped_like_the_other_datasets(capsys):
    parser = argparse.ArgumentParser()
    configure(parser)
    code = run(parser.parse_args(["--preset", "digits", "--steps", "300", "--json"]))
    out = capsys.readouterr().out
    result = json.loads(out)
    assert code == 0
    assert set(result) == {"status", "history", "final", "steps_per_second"}
    assert result["status"] == "ok" and result["final"]["val_accuracy"] >= 0.95
    # 1,797 points are evaluated every 40 steps (10 x ceil(1797 / 500))
    assert [h["step"] for h in result["history"]] == list(range(0, 301, 40)) + [300]


def test_gdtui_train_dataset_digits_names_its_limits(capsys):
    parser = argparse.ArgumentParser()
    configure(parser)
    code = run(parser.parse_args(["--dataset", "digits", "--points", "5000"]))
    assert code == 2
    assert "digits has 1,797 images; use at most 1797" in capsys.readouterr().err
