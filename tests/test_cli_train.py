"""``gdtui train``: the headless training command."""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys

import pytest

from gdtui.cli.train import _chart, _settings, configure, run
from gdtui.training.history import Evaluation
from gdtui.training.session import TrainingSession


def train(capsys, *options: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    configure(parser)
    code = run(parser.parse_args(list(options)))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def strict_json(text: str) -> dict:
    """Parse JSON, refusing NaN and Infinity, which are not JSON."""
    def refuse(constant):
        raise ValueError(f"not valid JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_defaults_learn_the_moons_to_95_percent(capsys):
    code, out, err = train(capsys, "--json")
    result = strict_json(out)
    assert code == 0 and err == ""
    assert set(result) == {"status", "history", "final", "steps_per_second"}
    assert result["status"] == "ok"
    assert set(result["final"]) == {"train_loss", "val_loss", "train_accuracy", "val_accuracy"}
    assert result["final"]["val_accuracy"] >= 0.95
    assert [h["step"] for h in result["history"]] == list(range(0, 2001, 10))
    assert set(result["history"][0]) == {"step", "train_loss", "val_loss"}
    assert result["history"][-1]["train_loss"] < result["history"][0]["train_loss"]
    assert result["steps_per_second"] > 0


def test_a_long_history_is_thinned_evenly_with_the_first_the_best_and_the_last(capsys):
    code, out, _ = train(capsys, "--preset", "overfit me", "--steps", "3000", "--eval-every",
                         "1", "--json")
    history = strict_json(out)["history"]
    steps = [h["step"] for h in history]
    assert code == 0 and len(history) <= 1024 + 2
    assert steps[0] == 0 and steps[-1] == 3000 and steps == sorted(steps)
    best = min(history, key=lambda h: h["val_loss"])
    others = [step for step in steps if step not in (best["step"], 3000)]
    assert len(set(b - a for a, b in zip(others, others[1:], strict=False))) == 1  # even
    assert 0 < best["step"] < 1000  # where the overfitting curve turns up


def test_more_points_are_evaluated_less_often(capsys):
    code, out, _ = train(capsys, "--points", "1000", "--steps", "100", "--json")
    assert code == 0
    assert [h["step"] for h in strict_json(out)["history"]] == [0, 20, 40, 60, 80, 100]


def test_same_seed_same_numbers(capsys):
    options = ("--dataset", "xor", "--hidden", "4", "--steps", "300", "--seed", "3", "--json")
    first = strict_json(train(capsys, *options)[1])
    second = strict_json(train(capsys, *options)[1])
    other = strict_json(train(capsys, *options[:-2], "4", "--json")[1])
    for result in (first, second, other):
        del result["steps_per_second"]
    assert first == second
    assert first != other


def test_text_report_has_a_table_a_chart_and_a_summary(capsys):
    code, out, _ = train(capsys, "--steps", "105", "--hidden", "4,4", "--activation", "relu")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "data: moons (500 points, noise 0.1), seed 0"
    assert lines[1].startswith("network: 2-4-4-1 relu, cross_entropy loss, adam")
    assert "train loss" in lines[3] and "val acc" in lines[3]
    assert lines[4].split()[0] == "0" and any(line.split()[:1] == ["105"] for line in lines)
    assert "loss (log scale)" in out and "validation" in out
    assert "\x1b[" not in out  # no colour codes when not on a terminal
    assert max(len(line) for line in lines) <= 80
    assert lines[-1].startswith("ok: 105 steps in")


def test_a_diverging_run_exits_1_with_valid_json_and_a_reason(capsys):
    code, out, err = train(capsys, "--dataset", "sine", "--optimizer", "sgd", "--lr", "1e200",
                           "--eval-every", "1", "--json")
    result = strict_json(out)
    assert code == 1 and result["status"] == "diverged"
    assert result["final"]["val_accuracy"] is None  # regression
    assert None in [h["train_loss"] for h in result["history"]]  # infinity became null
    assert "diverged: the loss became infinite" in err
    assert "try a smaller learning rate" in err


def test_a_diverging_text_run_says_so(capsys):
    code, out, err = train(capsys, "--dataset", "sine", "--optimizer", "sgd", "--lr", "10")
    assert code == 1
    assert out.splitlines()[-1].startswith("diverged:")
    assert err.startswith("gdtui train: diverged: the loss grew over 1000 times")
    assert "--lr 3" in err


@pytest.mark.parametrize("options, advice", [
    (["--regularization", "l2", "--regularization-rate", "1e3"],
     "try a smaller regularization rate, like --regularization-rate 0.01"),
    (["--regularization", "l1", "--regularization-rate", "1e300"],
     "try a smaller regularization rate, like --regularization-rate 0.01"),
    (["--lr", "1e3"], "try a smaller learning rate, like --lr 10"),
])
def test_divergence_advice_names_the_rate_that_did_it(capsys, options, advice):
    # Before: "try a smaller learning rate, like --lr 0.003" at the default rate, whatever
    # the cause.
    code, out, err = train(capsys, "--optimizer", "sgd", *options)
    assert code == 1 and out.splitlines()[-1].startswith("diverged:")
    assert err.startswith("gdtui train: diverged: the loss grew over 1000 times")
    assert err.endswith(f"; {advice}\n") and err.count("\n") == 1


@pytest.mark.parametrize("options", [
    ["--dataset", "sine", "--lr", "3"],
    ["--dataset", "plane", "--lr", "3"],
    ["--loss", "mse", "--lr", "3"],
])
def test_a_run_that_ends_worse_than_it_started_says_so_and_exits_1(capsys, options):
    # Before: "ok", exit 0 and no word, with the loss 2 to 8 times its lowest and above its start.
    code, out, err = train(capsys, *options, "--json")
    result = strict_json(out)
    assert code == 1 and result["status"] == "worse"
    losses = [h["train_loss"] for h in result["history"]]
    now = sorted(losses[-3:])[1]  # (the median of the latest three: one bad one is no trend)
    assert now > losses[0] and now > 2 * min(losses)
    assert err == (f"gdtui train: worse: the training loss rose from {min(losses):.3g} to "
                   f"{now:.3g}, above where it started ({losses[0]:.3g}); try a smaller "
                   "learning rate, like --lr 1\n")
    code, out, again = train(capsys, *options)
    assert code == 1 and again == err
    assert out.splitlines()[-1].startswith("worse: 2000 steps in ")


@pytest.mark.parametrize("optimizer", ["sgd", "momentum"])
def test_the_reviewed_blow_up_at_learning_rate_10_is_not_ok(capsys, optimizer):
    # The review's case (moons, loss from 0.62 to 16-23, accuracy 50%), ended "ok" with exit 0.
    code, out, err = train(capsys, "--optimizer", optimizer, "--lr", "10", "--json")
    assert code == 1 and strict_json(out)["status"] == "stuck"
    assert err.endswith("try a smaller learning rate, like --lr 3\n")


@pytest.mark.parametrize("options", [
    ["--dataset", "sine", "--lr", "3"], ["--lr", "1", "--activation", "relu", "--optimizer",
                                         "momentum"], ["--lr", "3"], [], ["--preset", "spiral"]])
def test_the_command_and_the_lab_judge_a_run_alike(capsys, options):
    code, out, _ = train(capsys, *options, "--json")
    args = argparse.ArgumentParser()
    configure(args)
    session = TrainingSession(_settings(args.parse_args(options)))
    session.run(2000)
    said = " ".join(session.hints())
    assert (strict_json(out)["status"] == "worse") == ("above where it started" in said)


@pytest.mark.parametrize("options, message", [
    (["--hidden", "8,99"], "hidden layers: use up to 6 numbers from 1 to 64, like 8,8"),
    (["--lr", "-1"], "learning rate must be a positive number"),
    (["--lr", "fast"], "learning rate must be a positive number"),
    (["--steps", "0"], "--steps must be a whole number from 1 to 1000000"),
    (["--batch-size", "x"], "--batch-size must be a whole number from 1 to 1000"),
    (["--noise", "abc"], "--noise must be a number, like 0.1"),
    (["--noise", "5"], "noise must be a number from 0 to 1"),
    (["--dataset", "donut"], "dataset: choose one of circle, xor"),
    (["--activation", "gelu"], "activation: choose one of linear, sigmoid, tanh, relu"),
    (["--features", "x1,x7"], "features: unknown x7"),
    (["--dataset", "sine", "--loss", "cross_entropy"], "cross-entropy is for classification"),
    (["--preset", "nope"], "unknown preset 'nope'; choose one of 'default'"),
])
def test_bad_options_get_one_clear_line_and_exit_2(capsys, options, message):
    code, out, err = train(capsys, *options)
    assert code == 2 and out == ""
    assert err.startswith("gdtui train: ") and message in err
    assert err.count("\n") == 1


def test_a_bad_csv_names_the_line(capsys, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x,y,label\n1,2,0\n3,4,1\n5,6,0\n7,1\n")
    code, _, err = train(capsys, "--data", str(path))
    assert code == 2
    assert err == "gdtui train: data.csv:5: expected 3 numbers, found 2\n"


@pytest.mark.parametrize("cells, message", [
    (lambda i: f"{i},{1e300 if i == 2 else i + 0.5}",
     "huge.csv:3: the target 1e+300 is too large to learn"),
    (lambda i: f"{[1e308, -1e308][i % 2] if i < 2 else i},{i},{i % 2}",
     "huge.csv: column 1 spans more than a number can hold, from -1e+308 (line 2) to "
     "1e+308 (line 1); scale the column down"),
])
@pytest.mark.parametrize("json_option", [[], ["--json"]])
def test_data_whose_loss_cannot_be_finite_is_refused_in_one_line(capsys, tmp_path, cells,
                                                                message, json_option):
    # Before: a plotext IndexError, or "status": "ok" with every loss null, or NaN inputs
    # and numpy warnings.
    path = tmp_path / "huge.csv"
    path.write_text("".join(cells(i) + "\n" for i in range(40)))
    code, out, err = train(capsys, "--data", str(path), "--steps", "50", *json_option)
    assert (code, out) == (2, "")
    assert err.startswith(f"gdtui train: {message}") and err.count("\n") == 1


def test_the_chart_of_a_history_with_no_finite_loss_says_so():
    history = [Evaluation(step, math.inf, math.nan, None, None) for step in (0, 10)]
    assert _chart(history) == "(no chart: no loss was a finite number)"
    assert "loss (log scale)" in _chart([Evaluation(0, 0.5, 0.6, None, None), *history])


def test_a_csv_trains(capsys, tmp_path):
    path = tmp_path / "line.csv"
    path.write_text("".join(f"{x},{0.5 * x + 1}\n" for x in range(20)))
    code, out, _ = train(capsys, "--data", str(path), "--steps", "50", "--json")
    result = strict_json(out)
    assert code == 0 and result["final"]["train_accuracy"] is None


def test_preset_with_an_override(capsys):
    code, out, _ = train(capsys, "--preset", "overfit me", "--steps", "20", "--lr", "0.003")
    assert code == 0
    assert "data: moons (100 points, noise 0.3)" in out
    assert "network: 2-16-16-16-1 tanh, cross_entropy loss, adam, learning rate 0.003, " \
           "batch 20" in out


def test_the_command_module_does_not_import_numpy():
    code = ("import sys, gdtui.cli.train; "
            "print('numpy' in sys.modules, 'plotext' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False"]
