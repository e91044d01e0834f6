"""Datasets: seeded toy problems, feature columns, and reading a user's CSV."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from gdtui.training.datasets import (
    CLASSIFICATION_DATASETS,
    DATASETS,
    FEATURES,
    OVERFIT_PRESET,
    DataError,
    available_features,
    dataset_inputs,
    feature_columns,
    load_csv,
    make_dataset,
)


@pytest.mark.parametrize("name", DATASETS)
def test_same_seed_same_points_other_seed_other_points(name):
    first, again = make_dataset(name, seed=4), make_dataset(name, seed=4)
    other = make_dataset(name, seed=5)
    assert np.array_equal(first.train_inputs, again.train_inputs)
    assert np.array_equal(first.validation_targets, again.validation_targets)
    assert not np.array_equal(first.train_inputs, other.train_inputs)


@pytest.mark.parametrize("name", DATASETS)
def test_shapes_split_share_and_scale(name):
    data = make_dataset(name, n_points=200, noise=0.0, validation_share=0.3)
    n_inputs = dataset_inputs(name)
    assert n_inputs == {"sine": 1, "digits": 64}.get(name, 2)
    assert data.train_inputs.shape == (140, n_inputs)
    assert data.validation_inputs.shape == (60, n_inputs)
    assert len(data.train_targets) == 140 and len(data.validation_targets) == 60
    # no noise: inside [-1, 1], but the two gaussians have tails
    assert np.abs(data.inputs).max() <= (1.2 if name == "gaussians" else 1.0 + 1e-9)


@pytest.mark.parametrize("name", [n for n in CLASSIFICATION_DATASETS if n != "digits"])
def test_classes_are_numbered_from_zero_and_balanced(name):
    data = make_dataset(name, n_points=300, noise=0.1)
    counts = np.bincount(data.targets)
    assert data.kind == "classification"
    assert len(counts) == data.n_classes == (3 if name == "spiral3" else 2)
    assert counts.min() == counts.max()  # 300 splits evenly into 2 or 3 classes


def test_300_digits_picked_at_random_hold_every_digit_about_as_often():
    data = make_dataset("digits", n_points=300, noise=0.1)
    counts = np.bincount(data.targets)
    assert data.kind == "classification" and len(counts) == data.n_classes == 10
    assert counts.sum() == 300 and counts.min() >= 15 and counts.max() <= 45  # 30 each on average


def test_circle_inner_class_is_inside_and_outer_class_outside():
    data = make_dataset("circle", noise=0.0)
    radius = np.hypot(*data.inputs.T)
    assert radius[data.targets == 1].max() <= 0.5
    assert radius[data.targets == 0].min() >= 0.7


def test_xor_label_is_the_sign_of_x1_times_x2():
    data = make_dataset("xor", noise=0.0)
    assert np.array_equal(data.targets, (data.inputs[:, 0] * data.inputs[:, 1] > 0))


def test_sine_without_noise_lies_on_the_curve_and_noise_scatters_it():
    clean = make_dataset("sine", noise=0.0)
    assert clean.kind == "regression"
    assert np.allclose(clean.targets, np.sin(np.pi * clean.inputs[:, 0]))
    noisy = make_dataset("sine", noise=0.2, n_points=2000)
    residual = noisy.targets - np.sin(np.pi * noisy.inputs[:, 0])
    assert residual.std() == pytest.approx(0.2, rel=0.1)


def test_bad_dataset_arguments_say_what_is_wrong():
    with pytest.raises(DataError, match="unknown dataset 'donut'; choose one of circle"):
        make_dataset("donut")
    with pytest.raises(DataError, match="number of points"):
        make_dataset("moons", n_points=2)
    with pytest.raises(DataError, match="noise"):
        make_dataset("moons", noise=-1.0)
    with pytest.raises(DataError, match="validation share"):
        make_dataset("moons", validation_share=1.0)


def test_overfit_preset_trains_on_few_noisy_points():
    preset = dict(OVERFIT_PRESET)
    data = make_dataset(preset.pop("dataset"), **preset)
    assert len(data.train_inputs) == 20
    assert OVERFIT_PRESET["noise"] >= 0.3


# --- features --------------------------------------------------------------------------------

def test_feature_columns_compute_each_feature():
    inputs = np.array([[0.5, -0.25]])
    columns = feature_columns(inputs, FEATURES)
    expected = [0.5, -0.25, 0.25, 0.0625, -0.125, np.sin(np.pi * 0.5), np.sin(-np.pi * 0.25)]
    assert columns[0].tolist() == pytest.approx(expected)
    assert np.array_equal(feature_columns(inputs), inputs)  # no features: raw inputs
    assert feature_columns(inputs, ("x2^2", "x1")).tolist() == [[0.0625, 0.5]]


def test_one_input_data_offers_only_features_of_x1():
    assert available_features(1) == ("x1", "x1^2", "sin x1")
    with pytest.raises(DataError, match="x2 not available here; choose from x1, x1\\^2, sin x1"):
        feature_columns(np.zeros((3, 1)), ("x1", "x2"))


# --- CSV -----------------------------------------------------------------------------------------

def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_with_header_and_class_labels(tmp_path):
    rows = "\n".join(f"{i},{10 - i},{i % 2}" for i in range(10))
    data = load_csv(write(tmp_path, "x,y,label\n" + rows + "\n"), validation_share=0.2)
    assert data.kind == "classification" and data.n_classes == 2
    assert data.class_values == (0.0, 1.0)
    assert len(data.train_inputs) == 8 and len(data.validation_inputs) == 2
    assert data.inputs.min() == pytest.approx(-1.0) and data.inputs.max() == pytest.approx(1.0)


def test_csv_without_header_with_real_targets_is_regression(tmp_path):
    text = "# a comment\n\n" + "\n".join(f"{i};{i * 0.37:.3f}" for i in range(8))
    data = load_csv(write(tmp_path, text))
    assert data.kind == "regression" and data.n_classes == 0
    assert data.n_inputs == 1
    assert sorted(data.targets.tolist()) == pytest.approx([i * 0.37 for i in range(8)])


def test_csv_class_values_map_to_class_numbers(tmp_path):
    text = "\n".join(f"{i},{[5, 7, 9][i % 3]}" for i in range(9))
    data = load_csv(write(tmp_path, text))
    assert data.n_classes == 3 and data.class_values == (5.0, 7.0, 9.0)
    assert sorted(set(data.targets.tolist())) == [0, 1, 2]


def test_csv_numbers_are_read_as_the_fields_read_them(tmp_path):
    # the minus the screens print, as in a table copied from the app, and spaces around values
    text = "\n".join(f"−{i} , {i % 2}" for i in range(6))
    data = load_csv(write(tmp_path, text))
    assert data.kind == "classification" and len(data.inputs) == 6


def test_many_whole_number_targets_mean_regression(tmp_path):
    text = "\n".join(f"{i},{i * 3}" for i in range(20))
    assert load_csv(write(tmp_path, text)).kind == "regression"


@pytest.mark.parametrize("text, message", [
    ("a,b,c\n1,2,3\n4,5,6\n7,8\n", "data.csv:4: expected 3 numbers, found 2"),
    ("1,2\n3,4\n5,abc\n6,7\n", "data.csv:3: not a number: 'abc'"),
    ("1,2\n3,nan\n5,6\n6,7\n", "data.csv:2: not a finite number: 'nan'"),
    ("1,2\n3,inf\n5,6\n6,7\n", "data.csv:2: not a finite number: 'inf'"),
    ("1,2\n3,\n5,6\n6,7\n", "data.csv:2: empty value"),
    ("", "data.csv: the file is empty"),
    ("\n  \n# only a comment\n", "data.csv: the file is empty"),
    ("x\n1\n2\n", "data.csv:2: need at least 2 columns"),
    ("1\n2\n3\n4\n", "data.csv:1: need at least 2 columns"),
    ("x,y\n1,2\n3,4\n", "data.csv: need at least 4 rows of numbers, found 2"),
    ("1,3\n2,3\n3,3\n4,3\n", "data.csv: the target column has only one value \\(3\\)"),
])
def test_bad_csv_names_the_file_and_line(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        load_csv(write(tmp_path, text))


def test_missing_and_binary_files_are_data_errors(tmp_path):
    with pytest.raises(DataError, match="nothere.csv: cannot read the file"):
        load_csv(tmp_path / "nothere.csv")
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(DataError, match="image.csv: not a text file"):
        load_csv(binary)


def test_a_column_whose_range_overflows_is_refused_with_its_lines(tmp_path):
    # 1e308 - (-1e308) is more than a float holds: the column used to become all NaN, with
    # numpy's overflow warnings on stderr
    rows = ["x,y,label", "1e308,0.5,1", "-1e308,0.2,0"] + [f"{i}e300,0.{i},{i % 2}"
                                                           for i in range(1, 6)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError) as error:
            load_csv(write(tmp_path, "\n".join(rows)))
    assert str(error.value) == ("data.csv: column 1 (x) spans more than a number can hold, "
                                "from -1e+308 (line 3) to 1e+308 (line 2); scale the column down")


def test_a_column_near_the_float_limit_is_scaled_without_overflow(tmp_path):
    text = "\n".join(f"{value},{i % 2}" for i, value in enumerate(["0", "1.5e308", "5e307",
                                                                   "1e308"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_csv(write(tmp_path, text))
    assert np.all(np.isfinite(data.inputs))
    assert data.inputs.min() == -1.0 and data.inputs.max() == 1.0


def test_a_regression_target_too_large_for_its_loss_is_refused_at_its_line(tmp_path):
    text = "\n".join(f"{i},{value}" for i, value in enumerate([1.5, -2.5, 3e300, 4.25, 5.5]))
    with pytest.raises(DataError) as error:
        load_csv(write(tmp_path, text))
    assert str(error.value) == ("data.csv:3: the target 3e+300 is too large to learn: its "
                                "square, the loss, overflows; scale the target column to at "
                                "most 1e+150")


def test_huge_class_labels_are_only_names(tmp_path):
    text = "\n".join(f"{i},{[1e300, -1e300][i % 2]}" for i in range(6))
    data = load_csv(write(tmp_path, text))
    assert data.kind == "classification" and data.class_values == (-1e300, 1e300)
